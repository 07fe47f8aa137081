//! Terraform plan JSON (`terraform show -json plan.out`, format_version 0.1
//! to 1.x) → [`ResourceInstance`]s, each with its change action and the
//! attributes before and after it.
//!
//! A plan has no source positions for resources. When the `.tf` files that
//! made it are beside the plan (or under `--tf-root`), a resource is located
//! at its block there; otherwise at its `"address"` in the plan file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::values::Attributes;
use super::{find_location, resources, suppressions, ResourceInstance};
use crate::extract::Problem;
use crate::model::{ChangeAction, Suppression};
use crate::source::{Location, SourceFile};

/// Whether a text is (most likely) a plan: it names `format_version` and
/// either `resource_changes` or `planned_values`.
pub fn looks_like_plan(text: &str) -> bool {
    text.contains("\"format_version\"")
        && (text.contains("\"resource_changes\"") || text.contains("\"planned_values\""))
}

/// The plan's resources, or an error at its location.
pub fn read(source: &SourceFile, tf_root: Option<&Path>) -> Result<Vec<ResourceInstance>, Problem> {
    let text = &source.text;
    // Plans captured through wrappers (GitHub's setup-terraform) start with a
    // `[command]...` line and end with `::set-output` lines: read the first
    // JSON value and ignore what is around it.
    let start = if text.trim_start().starts_with('{') {
        0
    } else {
        text.match_indices('\n')
            .map(|(index, _)| index + 1)
            .find(|&index| text[index..].trim_start().starts_with('{'))
            .ok_or_else(|| Problem {
                message: "not a Terraform plan: no JSON object found".into(),
                location: source.start(),
            })?
    };
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    let plan = match stream.next() {
        Some(Ok(plan)) => plan,
        Some(Err(error)) => {
            let line_offset = text[..start].matches('\n').count();
            let offset =
                source.offset_of(line_offset + error.line(), error.column().saturating_sub(1));
            return Err(Problem {
                message: format!("invalid plan JSON: {error}"),
                location: source.location(offset, 0),
            });
        }
        None => {
            return Err(Problem {
                message: "invalid plan JSON: the file is empty".into(),
                location: source.start(),
            })
        }
    };
    let configuration = plan.get("configuration");
    let regions = provider_regions(&plan);
    let references = configuration
        .and_then(|c| c.get("root_module"))
        .map(|root| {
            let mut out = HashMap::new();
            collect_references(root, "", &mut out);
            out
        })
        .unwrap_or_default();
    let blocks = tf_root
        .map(Path::to_path_buf)
        .or_else(|| {
            let dir = Path::new(&*source.path).parent()?.to_path_buf();
            has_tf_files(&dir).then_some(dir)
        })
        .map(|root| BlockIndex::load(&root, configuration));

    let changes = plan.get("resource_changes").and_then(Value::as_array);
    let resource_changes_at = text.find("\"resource_changes\"").unwrap_or(0);
    let mut instances = Vec::new();
    let planned: Vec<(Value, Option<Value>)>;
    let entries: Box<dyn Iterator<Item = (Value, Option<Value>)>> = match changes {
        Some(changes) => Box::new(changes.iter().map(|c| (c.clone(), None))),
        None => {
            // Older or state-only output: planned_values, every resource unchanged.
            planned = planned_resources(
                plan.get("planned_values")
                    .and_then(|p| p.get("root_module")),
            );
            Box::new(planned.into_iter())
        }
    };
    for (entry, _) in entries {
        if entry
            .get("mode")
            .and_then(Value::as_str)
            .is_some_and(|m| m != "managed")
        {
            continue;
        }
        let Some(resource_type) = entry.get("type").and_then(Value::as_str) else {
            continue;
        };
        if !resources::SUPPORTED.contains(&resource_type) {
            continue;
        }
        let Some(address) = entry.get("address").and_then(Value::as_str) else {
            continue;
        };
        let (action, before, after, after_unknown) = match entry.get("change") {
            Some(change) => {
                let actions: Vec<&str> = change
                    .get("actions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let action = match actions.as_slice() {
                    ["create"] => ChangeAction::Create,
                    ["update"] => ChangeAction::Update,
                    ["delete"] => ChangeAction::Delete,
                    ["delete", "create"] | ["create", "delete"] => ChangeAction::Replace,
                    ["no-op"] => ChangeAction::NoOp,
                    _ => continue,
                };
                (
                    action,
                    change.get("before").cloned().filter(|v| !v.is_null()),
                    change.get("after").cloned().filter(|v| !v.is_null()),
                    change.get("after_unknown").cloned(),
                )
            }
            None => (
                ChangeAction::NoOp,
                entry.get("values").cloned(),
                entry.get("values").cloned(),
                None,
            ),
        };
        let plan_location = find_address(source, address, resource_changes_at);
        let config_address = strip_keys(address);
        let (block_location, block_suppressions) = blocks
            .as_ref()
            .and_then(|index| index.find(&config_address))
            .unwrap_or_else(|| (plan_location, Vec::new()));
        let provider = entry
            .get("provider_name")
            .and_then(Value::as_str)
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .unwrap_or_else(|| {
                resource_type
                    .split('_')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            });
        let attributes = |values: Value, unknown: Option<&Value>| {
            let mut paths = HashMap::new();
            if let Some(unknown) = unknown {
                unknown_paths(unknown, String::new(), &mut paths);
            }
            Attributes {
                values,
                unknown: paths,
                locations: HashMap::new(),
                value_locations: HashMap::new(),
                block_location: block_location.clone(),
            }
        };
        let (current, previous) = match action {
            ChangeAction::Delete => (
                attributes(before.clone().unwrap_or(Value::Null), None),
                None,
            ),
            _ => (
                attributes(after.unwrap_or(Value::Null), after_unknown.as_ref()),
                before.map(|b| attributes(b, None)),
            ),
        };
        instances.push(ResourceInstance {
            address: address.to_string(),
            resource_type: resource_type.to_string(),
            attributes: current,
            references: references.get(&config_address).cloned().unwrap_or_default(),
            provider_region: regions.get(&provider).cloned(),
            suppressions: block_suppressions,
            change: Some((action, previous)),
        });
    }
    Ok(instances)
}

/// `aws_instance.x[0]` → `aws_instance.x`; `module.a["k"].b.c` → `module.a.b.c`.
fn strip_keys(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut in_string = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn find_address(source: &SourceFile, address: &str, from: usize) -> Location {
    let quoted = serde_json::to_string(address).unwrap_or_default();
    let mut search = from;
    while let Some(location) = find_location(source, &quoted, search) {
        let before = source.text[..location.offset].trim_end();
        if before.ends_with(':')
            && before[..before.len() - 1]
                .trim_end()
                .ends_with("\"address\"")
        {
            return location;
        }
        search = location.offset + quoted.len();
    }
    find_location(source, &quoted, 0).unwrap_or_else(|| source.start())
}

/// `after_unknown` (`true` where unknown) → dotted paths.
fn unknown_paths(value: &Value, path: String, out: &mut HashMap<String, String>) {
    let join = |key: &str| super::values::child_path(&path, key);
    match value {
        Value::Bool(true) if !path.is_empty() => {
            out.insert(path, "known after apply".into());
        }
        Value::Object(map) => {
            for (key, child) in map {
                unknown_paths(child, join(key), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                unknown_paths(child, join(&index.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Provider name (`aws`, `google`) → its configured region or zone.
fn provider_regions(plan: &Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(providers) = plan
        .pointer("/configuration/provider_config")
        .and_then(Value::as_object)
    else {
        return out;
    };
    let variables = plan.get("variables");
    for (key, provider) in providers {
        let name = provider.get("name").and_then(Value::as_str).unwrap_or(key);
        // Module providers (`child:aws`) and aliases (`aws.west`) do not override the default.
        if key.contains(':') || provider.get("alias").is_some() {
            continue;
        }
        for attribute in ["region", "zone"] {
            let Some(expression) = provider.pointer(&format!("/expressions/{attribute}")) else {
                continue;
            };
            let value = expression
                .get("constant_value")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    expression
                        .get("references")
                        .and_then(Value::as_array)?
                        .iter()
                        .filter_map(Value::as_str)
                        .find_map(|reference| {
                            let variable = reference.strip_prefix("var.")?;
                            variables?
                                .get(variable)?
                                .get("value")?
                                .as_str()
                                .map(str::to_string)
                        })
                });
            if let Some(value) = value {
                out.entry(name.to_string()).or_insert(value);
            }
        }
    }
    out
}

/// Configuration address → attribute path → referenced resource addresses.
fn collect_references(
    module: &Value,
    prefix: &str,
    out: &mut HashMap<String, HashMap<String, Vec<String>>>,
) {
    for resource in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(address) = resource.get("address").and_then(Value::as_str) else {
            continue;
        };
        let mut paths = HashMap::new();
        if let Some(expressions) = resource.get("expressions") {
            expression_references(expressions, String::new(), prefix, &mut paths);
        }
        out.insert(format!("{prefix}{address}"), paths);
    }
    for (name, call) in module
        .get("module_calls")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(child) = call.get("module") {
            collect_references(child, &format!("{prefix}module.{name}."), out);
        }
    }
}

fn expression_references(
    value: &Value,
    path: String,
    prefix: &str,
    out: &mut HashMap<String, Vec<String>>,
) {
    let join = |key: &str| super::values::child_path(&path, key);
    match value {
        Value::Object(map) => {
            if let Some(references) = map.get("references").and_then(Value::as_array) {
                // `aws_launch_template.x.id` → `aws_launch_template.x`; variables,
                // locals, data sources and module outputs are not resources.
                let addresses: Vec<String> = references
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|r| {
                        ![
                            "var.", "local.", "data.", "each.", "count.", "module.", "path.",
                            "self.",
                        ]
                        .iter()
                        .any(|prefix| r.starts_with(prefix))
                    })
                    .map(|r| {
                        let resource: Vec<&str> = r.split('.').take(2).collect();
                        format!("{prefix}{}", strip_keys(&resource.join(".")))
                    })
                    .collect();
                out.entry(path.clone()).or_default().extend(addresses);
            }
            for (key, child) in map {
                if key != "references" && key != "constant_value" {
                    expression_references(child, join(key), prefix, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                expression_references(child, join(&index.to_string()), prefix, out);
            }
        }
        _ => {}
    }
}

/// `planned_values.root_module` → (resource, no change) pairs.
fn planned_resources(module: Option<&Value>) -> Vec<(Value, Option<Value>)> {
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = module.into_iter().collect();
    while let Some(module) = stack.pop() {
        for resource in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push((resource.clone(), None));
        }
        stack.extend(
            module
                .get("child_modules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    out
}

fn has_tf_files(dir: &Path) -> bool {
    !crate::discover::files_in(dir, &[".tf"]).is_empty()
}

/// Where each resource block of the configuration is, for locating plan resources.
struct BlockIndex {
    blocks: HashMap<String, (Location, Vec<Suppression>)>,
}

impl BlockIndex {
    fn load(root: &Path, configuration: Option<&Value>) -> BlockIndex {
        let mut blocks = HashMap::new();
        let mut modules: Vec<(String, PathBuf, Option<&Value>)> = vec![(
            String::new(),
            root.to_path_buf(),
            configuration.and_then(|c| c.get("root_module")),
        )];
        let mut visited = 0;
        while let Some((prefix, dir, module)) = modules.pop() {
            visited += 1;
            if visited > 256 {
                break;
            }
            index_folder(&dir, &prefix, &mut blocks);
            for (name, call) in module
                .and_then(|m| m.get("module_calls"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let Some(source) = call.get("source").and_then(Value::as_str) else {
                    continue;
                };
                if !(source.starts_with("./") || source.starts_with("../")) {
                    continue;
                }
                let child = dir.join(source);
                // Never read outside the given folder.
                let inside = std::fs::canonicalize(&child)
                    .ok()
                    .zip(std::fs::canonicalize(root).ok())
                    .is_some_and(|(child, root)| child.starts_with(root));
                if inside {
                    modules.push((format!("{prefix}module.{name}."), child, call.get("module")));
                }
            }
        }
        BlockIndex { blocks }
    }

    fn find(&self, address: &str) -> Option<(Location, Vec<Suppression>)> {
        self.blocks.get(address).cloned()
    }
}

/// Finds `resource "type" "name"` blocks in the `.tf` files of `dir`.
fn index_folder(
    dir: &Path,
    prefix: &str,
    blocks: &mut HashMap<String, (Location, Vec<Suppression>)>,
) {
    let files = crate::discover::files_in(dir, &[".tf"]);
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if text.len() > 16 * 1024 * 1024 {
            continue;
        }
        let source = SourceFile::new(file.display().to_string(), text);
        let Ok(body) = crate::parse::hcl::parse(&source) else {
            continue;
        };
        for (resource_type, name, start, end) in crate::parse::hcl::resource_blocks(&body) {
            let location = source.location(
                start,
                source.text[start..]
                    .find('\n')
                    .unwrap_or(0)
                    .min(end - start),
            );
            blocks.insert(
                format!("{prefix}{resource_type}.{name}"),
                (location, suppressions(&source, start, end)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_instance_keys() {
        assert_eq!(strip_keys("aws_instance.x[0]"), "aws_instance.x");
        assert_eq!(
            strip_keys("module.a[\"k]\"].aws_instance.x[\"b\"]"),
            "module.a.aws_instance.x"
        );
    }

    #[test]
    fn unknown_paths_are_dotted() {
        let mut out = HashMap::new();
        unknown_paths(
            &serde_json::json!({"arn": true, "node_config": [{"machine_type": true}], "tags": {}}),
            String::new(),
            &mut out,
        );
        let mut keys: Vec<&String> = out.keys().collect();
        keys.sort();
        assert_eq!(keys, ["arn", "node_config.0.machine_type"]);
    }
}
