//! Differential tests against the real tools (issue 12):
//!
//! - every YAML fixture and corpus file, read by tcolint and by PyYAML's
//!   composer: the same documents, the same node tree (scalar text, plain or
//!   quoted, local tags), a repeated key resolved to its later value;
//! - every JSON fixture and corpus file, read by tcolint and by serde_json:
//!   the same values;
//! - every Terraform module folder of the fixtures and corpus: each local
//!   (and each top-level argument of each resource without `count` or
//!   `for_each`, lifted into a local) that tcolint evaluates to a known value
//!   has the value `terraform console` gives.
//!
//! The tool-backed halves skip, saying so, where `python3` with PyYAML or
//! `terraform` is absent. Exceptions are listed with their reasons.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hcl::edit::Span as _;
use serde_json::{json, Value};
use tcolint::extract::terraform::config::{evaluate_root, Inputs};
use tcolint::extract::terraform::eval::Partial;
use tcolint::parse::tree::NodeRef;
use tcolint::parse::yaml::{parse_stream, Limits};
use tcolint::source::SourceFile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `fixtures/` and `tests/corpus/` whose names end with one of
/// `suffixes`, sorted, as paths relative to the repository.
fn files(suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from("fixtures"), PathBuf::from("tests/corpus")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(root().join(&dir)).unwrap() {
            let entry = entry.unwrap();
            let path = dir.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- YAML ----

/// Files PyYAML and tcolint are allowed to read differently, with why.
const YAML_EXCEPTIONS: &[(&str, &str)] = &[];

/// PyYAML's composer (no construction: scalars keep their text and style),
/// with each mapping's repeated keys resolved as construction would (first
/// position, later value), printed as JSON per file.
const PYYAML: &str = r#"
import json, sys, yaml
CORE = 'tag:yaml.org,2002:'
def tree(node, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError('too many nodes')
    if isinstance(node, yaml.ScalarNode):
        tag = None if node.tag.startswith(CORE) else node.tag
        return {'s': node.value, 'p': node.style is None, 't': tag}
    if isinstance(node, yaml.SequenceNode):
        return [tree(n, budget) for n in node.value]
    pairs, seen = [], {}
    for key, value in node.value:
        identity = None
        if isinstance(key, yaml.ScalarNode) and key.tag != CORE + 'merge':
            identity = (key.tag != CORE + 'str', key.value)
        item = [tree(key, budget), tree(value, budget)]
        if identity is not None and identity in seen:
            pairs[seen[identity]] = item
        else:
            if identity is not None:
                seen[identity] = len(pairs)
            pairs.append(item)
    return {'m': pairs}
out = {}
for name in sys.argv[1:]:
    try:
        with open(name, encoding='utf-8') as f:
            text = f.read()
        out[name] = {'ok': [tree(d, [200000])
                            for d in yaml.compose_all(text, Loader=yaml.SafeLoader)]}
    except Exception as e:
        out[name] = {'error': type(e).__name__ + ': ' + str(e).replace('\n', ' ')}
print(json.dumps(out))
"#;

fn yaml_tree(node: NodeRef<'_>) -> Value {
    if node.is_mapping() {
        json!({"m": node.entries().map(|(k, v)| json!([yaml_tree(k), yaml_tree(v)])).collect::<Vec<_>>()})
    } else if node.is_sequence() {
        Value::Array(node.items().map(yaml_tree).collect())
    } else {
        json!({"s": node.as_str().unwrap(), "p": node.is_plain(), "t": node.tag()})
    }
}

/// Where two trees first differ, as a path and both values.
fn first_difference(ours: &Value, theirs: &Value, path: String) -> String {
    match (ours, theirs) {
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| first_difference(x, y, format!("{path}/{i}")))
            .unwrap_or_default(),
        (Value::Object(a), Value::Object(b)) if a.keys().eq(b.keys()) => a
            .iter()
            .find(|(k, v)| b.get(*k) != Some(*v))
            .map(|(k, v)| first_difference(v, &b[k], format!("{path}/{k}")))
            .unwrap_or_default(),
        _ => format!("at {path}: tcolint {ours}, PyYAML {theirs}"),
    }
}

fn has_pyyaml() -> bool {
    Command::new("python3")
        .args(["-c", "import yaml"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn yaml_trees_match_pyyaml() {
    if !has_pyyaml() {
        eprintln!(
            "SKIPPED yaml_trees_match_pyyaml: python3 with PyYAML not found (pip install pyyaml)"
        );
        return;
    }
    let paths = files(&[".yaml", ".yml"]);
    assert!(paths.len() > 100, "{}", paths.len());
    let output = Command::new("python3")
        .current_dir(root())
        .arg("-c")
        .arg(PYYAML)
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pyyaml: BTreeMap<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut mismatches = Vec::new();
    let (mut compared, mut both_rejected) = (0, 0);
    for path in &paths {
        let name = path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let documents = parse_stream(&text, &Limits::default());
        let ours: Result<Vec<Value>, String> = documents
            .iter()
            .map(|document| match document {
                Ok(document) => Ok(yaml_tree(document.root())),
                Err(error) => Err(error.message.clone()),
            })
            .collect();
        let theirs = &pyyaml[&name];
        let exception = YAML_EXCEPTIONS.iter().find(|(file, _)| *file == name);
        let verdict = match (&ours, theirs.get("ok")) {
            (Ok(ours), Some(Value::Array(theirs))) if ours == theirs => {
                compared += 1;
                None
            }
            (Err(_), None) => {
                both_rejected += 1;
                None
            }
            (Ok(ours), Some(theirs)) => Some(format!(
                "different trees: {}",
                first_difference(&Value::Array(ours.clone()), theirs, String::new())
            )),
            (Ok(_), None) => Some(format!("PyYAML rejects it: {}", theirs["error"])),
            (Err(error), Some(_)) => Some(format!("tcolint rejects it: {error}")),
        };
        match (verdict, exception) {
            (Some(why), None) => mismatches.push(format!("{name}: {why}")),
            (None, Some(_)) => {
                mismatches.push(format!("{name}: listed as an exception but agrees"))
            }
            _ => {}
        }
    }
    eprintln!("YAML vs PyYAML: {compared} files agree, {both_rejected} rejected by both");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

// ---------------------------------------------------------------- JSON ----

fn json_value(node: NodeRef<'_>) -> Value {
    if node.is_mapping() {
        Value::Object(
            node.entries()
                .map(|(k, v)| (k.as_str().unwrap().to_string(), json_value(v)))
                .collect(),
        )
    } else if node.is_sequence() {
        Value::Array(node.items().map(json_value).collect())
    } else if !node.is_plain() {
        Value::from(node.as_str().unwrap())
    } else if node.is_null() {
        Value::Null
    } else if let Some(b) = node.as_bool() {
        Value::from(b)
    } else {
        Value::from(node.as_str().unwrap().parse::<f64>().unwrap())
    }
}

fn numbers_as_f64(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::from(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn json_values_match_serde_json() {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for path in files(&[".json"]) {
        let Ok(text) = std::fs::read_to_string(root().join(&path)) else {
            continue; // UTF-16: decoded by discover, not a parser question.
        };
        let ours = tcolint::parse::json::parse(&text, &Limits::default());
        let theirs = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'));
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => {
                compared += 1;
                if json_value(ours.root()) != numbers_as_f64(theirs) {
                    mismatches.push(format!("{}: different values", path.display()));
                }
            }
            (Err(_), Err(_)) => {}
            (ours, theirs) => mismatches.push(format!(
                "{}: tcolint {:?}, serde_json {:?}",
                path.display(),
                ours.err(),
                theirs.err()
            )),
        }
    }
    assert!(compared > 30, "{compared}");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

// ----------------------------------------------------------- Terraform ----

/// Values tcolint and `terraform console` are allowed to disagree on, as
/// (folder, local or lifted argument, reason).
const TERRAFORM_EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// A local or a lifted argument: its name in the generated configuration
/// and its expression's source text.
struct Candidate {
    name: String,
    text: String,
}

/// Identifiers an expression's text uses as traversal roots (`x` in `x.y`
/// or `x[…]`), minus `for` variables; crude but conservative: a false root
/// (inside a string) only drops the candidate.
fn roots(text: &str) -> Vec<String> {
    let text = &without_string_text(text);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut bound = Vec::new();
    let words: Vec<(usize, usize)> = {
        let mut words = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                words.push((start, i));
            } else {
                i += 1;
            }
        }
        words
    };
    for (index, &(start, end)) in words.iter().enumerate() {
        let word = &text[start..end];
        if word == "for" {
            // `for a, b in` binds a and b.
            for &(s, e) in words.iter().skip(index + 1).take(2) {
                if &text[s..e] != "in" {
                    bound.push(text[s..e].to_string());
                }
            }
        }
        let preceded_by_dot = start > 0 && bytes[start - 1] == b'.';
        let next = text[end..].trim_start().chars().next();
        if !preceded_by_dot && matches!(next, Some('.') | Some('[')) {
            out.push(word.to_string());
        }
    }
    out.retain(|word| !bound.contains(word));
    out
}

/// `text` with the literal parts of quoted strings blanked out (their
/// `${…}` interpolations kept), so `"g5.xlarge"` is not read as a reference.
fn without_string_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    // Each open string, with the brace depth of the interpolation it is in.
    let mut strings: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        let in_literal = strings.last().is_some_and(|&d| d == depth);
        if in_literal {
            match c {
                '\\' => {
                    chars.next();
                    out.push_str("  ");
                }
                '"' => {
                    strings.pop();
                    out.push('"');
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    chars.next();
                    depth += 1;
                    out.push_str("  ");
                }
                _ => out.push(' '),
            }
            continue;
        }
        match c {
            '"' => strings.push(depth),
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The candidates `terraform console` can evaluate without providers:
/// those referring only to declared variables and kept candidates.
fn evaluable(candidates: Vec<Candidate>, variables: &[String]) -> Vec<Candidate> {
    debug_assert_eq!(roots("\"g5.${var.a}.x\""), ["var"]);
    let mut kept = candidates;
    loop {
        let names: Vec<String> = kept.iter().map(|c| c.name.clone()).collect();
        let before = kept.len();
        kept.retain(|candidate| {
            if candidate.text.contains("::") || candidate.text.contains("path.") {
                return false;
            }
            let text = &candidate.text;
            roots(text)
                .iter()
                .all(|root| matches!(root.as_str(), "var" | "local"))
                && references_after(text, "var.")
                    .iter()
                    .all(|v| variables.contains(v))
                && references_after(text, "local.")
                    .iter()
                    .all(|l| names.contains(l))
        });
        if kept.len() == before {
            return kept;
        }
    }
}

/// The names after each `prefix` (`var.` → `region`).
fn references_after(text: &str, prefix: &str) -> Vec<String> {
    text.match_indices(prefix)
        .filter(|(at, _)| {
            *at == 0 || {
                let before = text.as_bytes()[at - 1];
                !(before.is_ascii_alphanumeric() || before == b'_' || before == b'.')
            }
        })
        .map(|(at, _)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        })
        .collect()
}

/// A Terraform module folder read for both tools.
struct Module {
    variables: Vec<String>,
    variable_blocks: Vec<String>,
    candidates: Vec<Candidate>,
    /// Lifted arguments: generated name → (resource address, argument).
    lifted: BTreeMap<String, (String, String)>,
}

fn read_module(dir: &Path) -> Option<Module> {
    let mut module = Module {
        variables: Vec::new(),
        variable_blocks: Vec::new(),
        candidates: Vec::new(),
        lifted: BTreeMap::new(),
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).ok()?;
        let source = SourceFile::new(path.to_string_lossy(), text.clone());
        let body = tcolint::parse::hcl::parse(&source).ok()?;
        let span_text = |span: Option<std::ops::Range<usize>>| span.map(|s| text[s].to_string());
        for block in body.blocks() {
            let labels: Vec<String> = block
                .labels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect();
            match block.ident.as_str() {
                // A variable without a default has no value here (tcolint
                // reads it as unknown); what uses it is not compared.
                "variable" if block.body.get_attribute("default").is_some() => {
                    module.variables.push(labels.first()?.clone());
                    module.variable_blocks.push(span_text(block.span())?);
                }
                "locals" => {
                    for attribute in block.body.attributes() {
                        module.candidates.push(Candidate {
                            name: attribute.key.as_str().to_string(),
                            text: span_text(attribute.value.span())?,
                        });
                    }
                }
                "resource" if labels.len() == 2 => {
                    if block.body.get_attribute("count").is_some()
                        || block.body.get_attribute("for_each").is_some()
                    {
                        continue;
                    }
                    for attribute in block.body.attributes() {
                        let argument = attribute.key.as_str().to_string();
                        if argument == "depends_on" || argument == "provider" {
                            continue;
                        }
                        let name = format!("tcolint__{}__{}__{}", labels[0], labels[1], argument);
                        module.lifted.insert(
                            name.clone(),
                            (format!("{}.{}", labels[0], labels[1]), argument),
                        );
                        module.candidates.push(Candidate {
                            name,
                            text: span_text(attribute.value.span())?,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    Some(module)
}

/// A value as `terraform console` prints `jsonencode(…)`: an HCL string.
fn console_json(stdout: &str) -> Option<Value> {
    let line = stdout.lines().find(|line| line.starts_with('"'))?;
    let unescaped = line.replace("$${", "${").replace("%%{", "%{");
    let text: String = serde_json::from_str(unescaped.trim()).ok()?;
    serde_json::from_str(&text).ok()
}

fn has_terraform() -> bool {
    Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

const TERRAFORM_ERROR: &str = "__tcolint_terraform_error__";

#[test]
fn terraform_values_match_terraform_console() {
    if !has_terraform() {
        eprintln!("SKIPPED terraform_values_match_terraform_console: terraform not found");
        return;
    }
    let mut dirs: Vec<PathBuf> = files(&[".tf"])
        .iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .collect();
    dirs.sort();
    dirs.dedup();
    let scratch = std::env::temp_dir().join(format!("tcolint-differential-{}", std::process::id()));
    let mut mismatches = Vec::new();
    let (mut compared, mut modules) = (0, 0);
    for dir in &dirs {
        let absolute = root().join(dir);
        let Some(module) = read_module(&absolute) else {
            continue;
        };
        let canonical = std::fs::canonicalize(&absolute).unwrap();
        let evaluated = evaluate_root(
            &absolute,
            &Inputs {
                roots: vec![canonical],
                max_file_size: 16 << 20,
                ..Inputs::default()
            },
        );
        // tcolint's known values by candidate name.
        let mut ours: BTreeMap<String, Value> = BTreeMap::new();
        for (name, value) in &evaluated.root_locals {
            if let Partial::Known(value) = value {
                ours.insert(name.clone(), serde_json::to_value(value).unwrap());
            }
        }
        for (name, (address, argument)) in &module.lifted {
            let Some(instance) = evaluated.instances.iter().find(|i| &i.address == address) else {
                continue;
            };
            let unknown = instance
                .attributes
                .unknown
                .keys()
                .any(|path| path == argument || path.starts_with(&format!("{argument}.")));
            if let Some(value) = instance.attributes.values.get(argument) {
                if !unknown {
                    ours.insert(name.clone(), value.clone());
                }
            }
        }
        let kept = evaluable(module.candidates, &module.variables);
        let asked: Vec<&Candidate> = kept.iter().filter(|c| ours.contains_key(&c.name)).collect();
        if asked.is_empty() {
            continue;
        }
        // The generated configuration: variables, tfvars, kept locals.
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        let mut config = module.variable_blocks.join("\n\n");
        config.push_str("\n\nlocals {\n");
        for candidate in &kept {
            config.push_str(&format!("  {} = {}\n", candidate.name, candidate.text));
        }
        config.push_str("}\n");
        std::fs::write(scratch.join("main.tf"), config).unwrap();
        for entry in std::fs::read_dir(&absolute).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
                std::fs::copy(&path, scratch.join(&name)).unwrap();
            }
        }
        let query = format!(
            "jsonencode({{{}}})\n",
            asked
                .iter()
                .map(|c| format!("\"{0}\" = try(local.{0}, \"{TERRAFORM_ERROR}\")", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut child = Command::new("terraform")
            .arg("console")
            .current_dir(&scratch)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(query.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let Some(Value::Object(theirs)) = console_json(&stdout) else {
            mismatches.push(format!(
                "{}: terraform console failed: {}{}",
                dir.display(),
                stdout,
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        };
        modules += 1;
        for candidate in asked {
            let name = &candidate.name;
            let exception = TERRAFORM_EXCEPTIONS
                .iter()
                .find(|(folder, local, _)| Path::new(folder) == dir && local == name);
            let (ours, theirs) = (&ours[name], &theirs[name]);
            let agree = if theirs == TERRAFORM_ERROR {
                false
            } else {
                numbers_as_f64(ours.clone()) == numbers_as_f64(theirs.clone())
            };
            compared += 1;
            if std::env::var_os("TCOLINT_DIFFERENTIAL_VERBOSE").is_some() {
                eprintln!(
                    "{}: {name}: tcolint {ours}, terraform {theirs}",
                    dir.display()
                );
            }
            match (agree, exception) {
                (false, None) => mismatches.push(format!(
                    "{}: {name} = {}: tcolint {ours}, terraform {theirs}",
                    dir.display(),
                    candidate.text
                )),
                (true, Some(_)) => mismatches.push(format!(
                    "{}: {name} is listed as an exception but agrees",
                    dir.display()
                )),
                _ => {}
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!("Terraform vs terraform console: {compared} values in {modules} module folders");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(compared > 20, "{compared}");
}
