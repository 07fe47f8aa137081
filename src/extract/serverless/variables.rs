//! Serverless Framework variables: `${self:…}`, `${opt:stage, 'dev'}`,
//! `${sls:stage}`, `${env:NAME, default}`, `${file(./x.yml):key}` and nested
//! variables. Sources that need the cloud (`ssm`, `cf`, `aws`, `s3`, …)
//! resolve to their default when one is given and are unknown otherwise.

use std::path::{Path, PathBuf};

use crate::discover::{self, Input};
use crate::parse::yaml::{self, NodeRef};

/// How deep variables may refer to variables.
const MAX_DEPTH: u8 = 16;

/// Resolves variables against one serverless.yml.
pub struct Resolver<'a> {
    root: NodeRef<'a>,
    options: &'a [(String, String)],
    project_dir: Option<&'a Path>,
    max_file_size: u64,
}

impl<'a> Resolver<'a> {
    /// A resolver for the document `root`, with `--opt` values and the
    /// folder `${file(…)}` may read from (none for standard input).
    pub fn new(
        root: NodeRef<'a>,
        options: &'a [(String, String)],
        project_dir: Option<&'a Path>,
        max_file_size: u64,
    ) -> Self {
        Resolver {
            root,
            options,
            project_dir,
            max_file_size,
        }
    }

    /// A node's scalar text with its variables resolved; `Ok(None)` when
    /// the node is absent or null, `Err` with the reason when unknown.
    pub fn scalar(&self, node: Option<NodeRef<'_>>) -> Result<Option<String>, String> {
        match node.and_then(|n| n.as_text()) {
            Some(text) => self.resolve(text, 0).map(Some),
            None => Ok(None),
        }
    }

    /// The deployment stage: `--opt stage`, else `provider.stage`, else `dev`.
    pub fn stage(&self) -> String {
        if let Some((_, stage)) = self.options.iter().find(|(k, _)| k == "stage") {
            return stage.clone();
        }
        self.root
            .path(&["provider", "stage"])
            .and_then(|s| s.as_text())
            .filter(|s| !s.contains("${"))
            .map_or_else(|| "dev".to_string(), str::to_string)
    }

    /// Resolves every variable in `text`, innermost first.
    pub fn resolve(&self, text: &str, depth: u8) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err("variables nest too deep".into());
        }
        let mut text = text.to_string();
        for _ in 0..64 {
            let Some(start) = text.rfind("${") else {
                return Ok(text);
            };
            let Some(length) = text[start..].find('}') else {
                return Err(format!("unclosed variable in {text:?}"));
            };
            let inner = text[start + 2..start + length].to_string();
            let value = self.variable(&inner, depth)?;
            text.replace_range(start..start + length + 1, &value);
        }
        Err("too many variables in one value".into())
    }

    fn variable(&self, inner: &str, depth: u8) -> Result<String, String> {
        let (expression, default) = match split_default(inner) {
            Some((expression, default)) => {
                let default = default.trim();
                // `${opt:stage, self:provider.stage}`: a fallback can be a reference itself.
                let is_reference = ["self:", "opt:", "env:", "sls:", "file("]
                    .iter()
                    .any(|source| default.starts_with(source));
                let value = if is_reference {
                    self.variable(default, depth + 1).ok()
                } else {
                    Some(unquote(default))
                };
                (expression.trim(), value)
            }
            None => (inner.trim(), None),
        };
        let fallback = |reason: String| default.clone().ok_or(reason);
        if let Some(path) = expression.strip_prefix("self:") {
            let node = path
                .split('.')
                .filter(|p| !p.is_empty())
                .try_fold(self.root, |node, key| node.get(key));
            return match node {
                Some(node) if node.as_text().is_some() => {
                    self.resolve(node.as_text().unwrap_or_default(), depth + 1)
                }
                Some(node) if node.is_mapping() || node.is_sequence() => {
                    fallback(format!("${{self:{path}}} is a collection, not a value"))
                }
                _ => fallback(format!("${{self:{path}}} is not set")),
            };
        }
        if let Some(name) = expression.strip_prefix("opt:") {
            let name = name.trim();
            if let Some((_, value)) = self.options.iter().find(|(k, _)| k == name) {
                return Ok(value.clone());
            }
            if name == "stage" && default.is_none() {
                return Ok(self.stage());
            }
            return fallback(format!(
                "${{opt:{name}}} is not given (pass --opt {name}=...)"
            ));
        }
        if expression == "sls:stage" {
            return Ok(self.stage());
        }
        if let Some(name) = expression.strip_prefix("env:") {
            return match std::env::var(name.trim()) {
                Ok(value) => Ok(value),
                Err(_) => fallback(format!("environment variable {} is not set", name.trim())),
            };
        }
        if let Some(rest) = expression.strip_prefix("file(") {
            return match self.file(rest) {
                Ok(value) => self.resolve(&value, depth + 1),
                Err(reason) => fallback(reason),
            };
        }
        let source = expression.split(':').next().unwrap_or(expression);
        fallback(format!(
            "${{{expression}}} needs the cloud ({source}), so it is unknown offline"
        ))
    }

    /// `./x.yml):a.b` → the value at `a.b` of that file.
    fn file(&self, rest: &str) -> Result<String, String> {
        let (path, key) = match rest.split_once(')') {
            Some((path, key)) => (path.trim(), key.trim_start_matches(':').trim()),
            None => return Err(format!("malformed ${{file({rest}}}")),
        };
        let Some(dir) = self.project_dir else {
            return Err(format!(
                "${{file({path})}} cannot be read from standard input"
            ));
        };
        let full: PathBuf = dir.join(path);
        let inside = std::fs::canonicalize(&full)
            .ok()
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(file, dir)| file.starts_with(dir));
        if !inside {
            return Err(format!(
                "${{file({path})}} is outside the project folder (or missing); not read"
            ));
        }
        let text = discover::read_text(
            &Input::File {
                path: full,
                explicit: true,
            },
            self.max_file_size,
        )
        .map_err(|e| format!("${{file({path})}}: {}", e.message))?;
        let documents = yaml::parse_stream(&text, &yaml::Limits::default());
        let Some(Ok(document)) = documents.into_iter().next() else {
            return Err(format!("${{file({path})}} is not YAML or JSON"));
        };
        if key.is_empty() {
            return Err(format!(
                "${{file({path})}} without a key is a whole document, not a value"
            ));
        }
        let node = key
            .split('.')
            .try_fold(document.root(), |node, part| node.get(part));
        node.and_then(|n| n.as_text().map(str::to_string))
            .ok_or_else(|| format!("${{file({path}):{key}}} is not set"))
    }
}

/// Splits `expr, default` at the first top-level comma.
fn split_default(inner: &str) -> Option<(&str, &str)> {
    let mut depth = 0;
    let mut quote = None;
    for (index, c) in inner.char_indices() {
        match c {
            '\'' | '"' if quote == Some(c) => quote = None,
            '\'' | '"' if quote.is_none() => quote = Some(c),
            '(' if quote.is_none() => depth += 1,
            ')' if quote.is_none() => depth -= 1,
            ',' if quote.is_none() && depth == 0 => {
                return Some((&inner[..index], &inner[index + 1..]))
            }
            _ => {}
        }
    }
    None
}

fn unquote(text: &str) -> String {
    let trimmed = text.trim();
    for quote in ['\'', '"'] {
        if let Some(inner) = trimmed
            .strip_prefix(quote)
            .and_then(|t| t.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{parse_stream, Limits};

    fn resolve(yaml: &str, value: &str, options: &[(String, String)]) -> Result<String, String> {
        let document = parse_stream(yaml, &Limits::default()).remove(0).unwrap();
        let resolver = Resolver::new(document.root(), options, None, 1 << 20);
        resolver.resolve(value, 0)
    }

    const DOC: &str = "service: api\nprovider:\n  stage: prod\ncustom:\n  memory: 2048\n  sizes:\n    prod: 4096\n    dev: 512\n  key: sizes\n";

    #[test]
    fn self_opt_and_nested_variables() {
        assert_eq!(
            resolve(DOC, "${self:custom.memory}", &[]),
            Ok("2048".into())
        );
        assert_eq!(
            resolve(DOC, "${self:custom.sizes.${sls:stage}}", &[]),
            Ok("4096".into())
        );
        let dev = [("stage".to_string(), "dev".to_string())];
        assert_eq!(
            resolve(DOC, "${self:custom.${self:custom.key}.${opt:stage}}", &dev),
            Ok("512".into())
        );
        assert_eq!(
            resolve(DOC, "${opt:region, 'eu-west-1'}", &[]),
            Ok("eu-west-1".into())
        );
        assert_eq!(
            resolve(
                DOC,
                "${self:service}-${opt:stage, self:provider.stage}",
                &[]
            ),
            Ok("api-prod".into())
        );
        assert_eq!(
            resolve(DOC, "${opt:stage, ${self:provider.stage}}", &[]),
            Ok("prod".into())
        );
    }

    #[test]
    fn cloud_sources_are_unknown_unless_defaulted() {
        let error = resolve(DOC, "${ssm:/ml/memory}", &[]).unwrap_err();
        assert!(error.contains("needs the cloud (ssm)"), "{error}");
        assert_eq!(
            resolve(DOC, "${ssm:/ml/memory, 1024}", &[]),
            Ok("1024".into())
        );
        assert_eq!(
            resolve(DOC, "${env:TCOLINT_TEST_SURELY_UNSET, 3}", &[]),
            Ok("3".into())
        );
        assert!(resolve(DOC, "${file(./x.yml):a}", &[])
            .unwrap_err()
            .contains("standard input"));
        assert!(resolve(DOC, "${self:custom.sizes}", &[])
            .unwrap_err()
            .contains("collection"));
    }
}
