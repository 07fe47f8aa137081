//! Usage values written in a source file as a mapping of usage keys
//! (`custom.tcolint.usage.<function>` in serverless.yml,
//! `Metadata.tcolint` in a template).

use std::collections::BTreeMap;

use crate::extract::Problem;
use crate::model::{UsageKey, UsageSetting};
use crate::parse::yaml::NodeRef;
use crate::source::Location;

/// Reads the usage mapping `map` (named `path` in messages): an unknown
/// key is a problem at the key, a value that is not valid for its key (or
/// that `text` cannot resolve) a problem at the value.
pub fn usage_map<'a>(
    map: Option<NodeRef<'a>>,
    path: &str,
    text: impl Fn(NodeRef<'a>) -> Result<String, String>,
    location: &dyn Fn(NodeRef<'_>) -> Location,
    problems: &mut Vec<Problem>,
) -> BTreeMap<UsageKey, UsageSetting> {
    let mut out = BTreeMap::new();
    for (key, value) in map.iter().flat_map(|m| m.entries()) {
        let Some(name) = key.as_text() else {
            continue;
        };
        let Some(usage_key) = UsageKey::parse(name) else {
            problems.push(Problem {
                message: format!("{path}: unknown usage key {name:?}"),
                location: location(key),
            });
            continue;
        };
        match text(value).and_then(|text| usage_key.parse_value(&text)) {
            Ok(parsed) => {
                out.insert(
                    usage_key,
                    UsageSetting {
                        value: parsed,
                        location: location(key),
                    },
                );
            }
            Err(reason) => problems.push(Problem {
                message: format!("{path}.{name}: {reason}"),
                location: location(value),
            }),
        }
    }
    out
}
