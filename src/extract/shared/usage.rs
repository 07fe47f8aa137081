//! Usage values written as usage keys: the one reader of a usage key and
//! its value ([`usage_entry`]) for every place that writes them
//! (`tcolint.io/*` annotations, `usage:` in tcolint.yml), and the mappings
//! of them (`custom.tcolint.usage.<function>` in serverless.yml,
//! `Metadata.tcolint` in a template).

use crate::extract::Problem;
use crate::model::{UsageKey, UsageMap, UsageSetting, UsageValue};
use crate::parse::yaml::NodeRef;
use crate::source::Location;

/// Why a usage entry cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub enum UsageEntryError {
    /// The name is no usage key (the problem is at the key).
    UnknownKey,
    /// The value is not valid for its key, or cannot be resolved: why (the
    /// problem is at the value).
    InvalidValue(String),
}

/// Reads one usage entry: the key `name` and the value `text` gives
/// (resolved only for a known key, so an unknown key costs no resolution).
pub fn usage_entry(
    name: &str,
    text: impl FnOnce() -> Result<String, String>,
) -> Result<(UsageKey, UsageValue), UsageEntryError> {
    let key = UsageKey::parse(name).ok_or(UsageEntryError::UnknownKey)?;
    let value = text()
        .and_then(|text| key.parse_value(&text))
        .map_err(UsageEntryError::InvalidValue)?;
    Ok((key, value))
}

/// Every usage key's name, comma-separated, for a message that lists them.
pub fn known_keys() -> String {
    let names: Vec<&str> = UsageKey::ALL.iter().map(|key| key.as_str()).collect();
    names.join(", ")
}

/// The usage key a misspelled `name` most likely means (at most 3 edits
/// away), for a "did you mean" hint.
pub fn closest_key(name: &str) -> Option<&'static str> {
    UsageKey::ALL
        .iter()
        .map(|key| key.as_str())
        .min_by_key(|known| strsim::levenshtein(known, name))
        .filter(|known| strsim::levenshtein(known, name) <= 3)
}

/// Reads the usage mapping `map` (named `path` in messages): an unknown
/// key is a problem at the key, a value that is not valid for its key (or
/// that `text` cannot resolve) a problem at the value.
pub fn usage_map<'a>(
    map: Option<NodeRef<'a>>,
    path: &str,
    text: impl Fn(NodeRef<'a>) -> Result<String, String>,
    location: &dyn Fn(NodeRef<'_>) -> Location,
    problems: &mut Vec<Problem>,
) -> UsageMap {
    let mut out = UsageMap::new();
    for (key, value) in map.iter().flat_map(|m| m.entries()) {
        let Some(name) = key.as_text() else {
            continue;
        };
        match usage_entry(name, || text(value)) {
            Ok((usage_key, parsed)) => {
                out.insert(
                    usage_key,
                    UsageSetting {
                        value: parsed,
                        location: location(key),
                    },
                );
            }
            Err(UsageEntryError::UnknownKey) => problems.push(Problem {
                message: format!("{path}: unknown usage key {name:?}"),
                location: location(key),
            }),
            Err(UsageEntryError::InvalidValue(reason)) => problems.push(Problem {
                message: format!("{path}.{name}: {reason}"),
                location: location(value),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Purpose;

    #[test]
    fn an_entry_is_a_known_key_with_a_valid_value() {
        let plain = |text: &str| {
            let text = text.to_string();
            move || Ok(text)
        };
        assert_eq!(
            usage_entry("utilization", plain("0.25")),
            Ok((UsageKey::Utilization, UsageValue::Number(0.25)))
        );
        assert_eq!(
            usage_entry("purpose", plain("training")),
            Ok((UsageKey::Purpose, UsageValue::Purpose(Purpose::Training)))
        );
        assert_eq!(
            usage_entry("utilisation", plain("0.25")),
            Err(UsageEntryError::UnknownKey)
        );
        assert_eq!(
            usage_entry("utilization", plain("2")),
            Err(UsageEntryError::InvalidValue(
                "expected a busy fraction between 0 and 1, found \"2\"".into()
            ))
        );
        assert_eq!(
            usage_entry("requests-per-day", || Err("unresolved ${self:x}".into())),
            Err(UsageEntryError::InvalidValue("unresolved ${self:x}".into()))
        );
        // An unknown key never resolves its value.
        assert_eq!(
            usage_entry("nope", || panic!("resolved")),
            Err(UsageEntryError::UnknownKey)
        );
    }

    #[test]
    fn hints_name_the_nearest_key() {
        assert_eq!(closest_key("utilisation"), Some("utilization"));
        assert_eq!(closest_key("colour"), None);
        assert!(known_keys().starts_with("purpose, requests-per-day, "));
    }
}
