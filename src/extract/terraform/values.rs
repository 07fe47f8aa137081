//! A resource instance's attributes, the same way whether they come from a
//! plan (`after` / `after_unknown`) or from evaluated `.tf` files: a JSON
//! tree in Terraform's own shape (nested blocks are arrays of objects),
//! the paths whose values are unknown and why, and where attributes are
//! written.

use std::collections::HashMap;

use serde_json::Value;

use crate::source::Location;

/// Attributes of one resource instance.
#[derive(Clone, Debug)]
pub struct Attributes {
    /// The values, as Terraform shapes them.
    pub values: Value,
    /// Dotted paths (`node_config.0.machine_type`) whose value is unknown,
    /// with why (`known after apply`, the expression that could not be
    /// evaluated).
    pub unknown: HashMap<String, String>,
    /// Where attributes (their names) are written, by dotted path (HCL only).
    pub locations: HashMap<String, Location>,
    /// Where attribute values, and items of list values
    /// (`instance_types.1`), are written (HCL only).
    pub value_locations: HashMap<String, Location>,
    /// Where the resource block is.
    pub block_location: Location,
}

/// A value read from the attributes.
#[derive(Clone, Debug, PartialEq)]
pub enum Attr<T> {
    /// Known.
    Known(T),
    /// Unknown until apply (or not evaluable), with why.
    Unknown(String),
    /// Not set.
    Absent,
}

impl<T> Attr<T> {
    /// The known value, if any.
    pub fn known(self) -> Option<T> {
        match self {
            Attr::Known(value) => Some(value),
            _ => None,
        }
    }

    /// The known value, or `default` when absent; unknown stays unknown.
    pub fn or_default_value(self, default: T) -> Attr<T> {
        match self {
            Attr::Absent => Attr::Known(default),
            other => other,
        }
    }
}

/// A view into the attributes at a block path.
#[derive(Clone, Debug)]
pub struct View<'a> {
    attributes: &'a Attributes,
    value: &'a Value,
    path: String,
}

impl Attributes {
    /// The top-level view.
    pub fn view(&self) -> View<'_> {
        View {
            attributes: self,
            value: &self.values,
            path: String::new(),
        }
    }
}

impl<'a> View<'a> {
    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Why `path` (or a block containing it) is unknown, if it is.
    fn unknown_reason(&self, path: &str) -> Option<&'a str> {
        let mut prefix = String::new();
        for part in path.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if let Some(reason) = self.attributes.unknown.get(&prefix) {
                return Some(reason);
            }
        }
        None
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Attr<&'a Value> {
        let path = self.child_path(key);
        if let Some(reason) = self.unknown_reason(&path) {
            return Attr::Unknown(reason.to_string());
        }
        match self.value.get(key) {
            None | Some(Value::Null) => Attr::Absent,
            Some(value) => Attr::Known(value),
        }
    }

    /// A string attribute (numbers and booleans are written as text).
    pub fn string(&self, key: &str) -> Attr<String> {
        match self.get(key) {
            Attr::Known(Value::String(text)) => Attr::Known(text.clone()),
            Attr::Known(Value::Number(number)) => Attr::Known(number.to_string()),
            Attr::Known(Value::Bool(flag)) => Attr::Known(flag.to_string()),
            Attr::Known(other) => Attr::Unknown(format!("expected a string, found {other}")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// A number attribute (a numeric string counts, as Terraform converts it).
    pub fn number(&self, key: &str) -> Attr<f64> {
        match self.get(key) {
            Attr::Known(Value::Number(number)) => number.as_f64().map_or(Attr::Absent, Attr::Known),
            Attr::Known(Value::String(text)) => match text.trim().parse::<f64>() {
                Ok(number) if number.is_finite() => Attr::Known(number),
                _ => Attr::Unknown(format!("expected a number, found {text:?}")),
            },
            Attr::Known(other) => Attr::Unknown(format!("expected a number, found {other}")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// A whole, non-negative number (counts, sizes).
    pub fn count(&self, key: &str) -> Attr<u32> {
        match self.number(key) {
            Attr::Known(number)
                if number >= 0.0 && number.fract() == 0.0 && number <= f64::from(u32::MAX) =>
            {
                Attr::Known(number as u32)
            }
            Attr::Known(number) => Attr::Unknown(format!("{key} {number} is not a whole number")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// A boolean attribute (`"true"` counts).
    pub fn boolean(&self, key: &str) -> Attr<bool> {
        match self.get(key) {
            Attr::Known(Value::Bool(flag)) => Attr::Known(*flag),
            Attr::Known(Value::String(text)) => match text.as_str() {
                "true" => Attr::Known(true),
                "false" => Attr::Known(false),
                _ => Attr::Unknown(format!("expected a boolean, found {text:?}")),
            },
            Attr::Known(other) => Attr::Unknown(format!("expected a boolean, found {other}")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// A list of strings (a single string counts as a list of one).
    pub fn strings(&self, key: &str) -> Attr<Vec<String>> {
        match self.get(key) {
            Attr::Known(Value::Array(items)) => {
                let mut out = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    let path = self.child_path(&format!("{key}.{index}"));
                    if let Some(reason) = self.unknown_reason(&path) {
                        return Attr::Unknown(reason.to_string());
                    }
                    match item {
                        Value::String(text) => out.push(text.clone()),
                        Value::Null => return Attr::Unknown("a list item is unknown".into()),
                        other => out.push(other.to_string()),
                    }
                }
                Attr::Known(out)
            }
            Attr::Known(Value::String(text)) => Attr::Known(vec![text.clone()]),
            Attr::Known(other) => Attr::Unknown(format!("expected a list, found {other}")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// A map of strings (`limits = { cpu = "4" }`).
    pub fn string_map(&self, key: &str) -> Attr<Vec<(String, String)>> {
        match self.get(key) {
            Attr::Known(Value::Object(map)) => Attr::Known(
                map.iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(k, value)| {
                        let text = match value {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), text)
                    })
                    .collect(),
            ),
            Attr::Known(Value::Array(items)) if items.is_empty() => Attr::Absent,
            Attr::Known(other) => Attr::Unknown(format!("expected a map, found {other}")),
            Attr::Unknown(reason) => Attr::Unknown(reason),
            Attr::Absent => Attr::Absent,
        }
    }

    /// Every block named `key` (an array of objects, or one object).
    pub fn blocks(&self, key: &str) -> Vec<View<'a>> {
        let base = self.child_path(key);
        match self.value.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.is_object())
                .map(|(index, item)| View {
                    attributes: self.attributes,
                    value: item,
                    path: format!("{base}.{index}"),
                })
                .collect(),
            Some(item @ Value::Object(_)) => vec![View {
                attributes: self.attributes,
                value: item,
                path: base,
            }],
            _ => Vec::new(),
        }
    }

    /// The first block named `key`.
    pub fn block(&self, key: &str) -> Option<View<'a>> {
        self.blocks(key).into_iter().next()
    }

    /// Where the value of `key` (or item `index` of a list) is written,
    /// else where `key` is.
    pub fn value_location(&self, key: &str) -> Location {
        self.attributes
            .value_locations
            .get(&self.child_path(key))
            .cloned()
            .unwrap_or_else(|| self.location(key))
    }

    /// Where `key` is written, or the nearest enclosing block, or the resource.
    pub fn location(&self, key: &str) -> Location {
        let mut path = self.child_path(key);
        loop {
            if let Some(location) = self.attributes.locations.get(&path) {
                return location.clone();
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent.to_string(),
                None => return self.attributes.block_location.clone(),
            }
        }
    }
}

/// The dotted path of `key` under `path` (`spec.template`), as attribute
/// paths, unknown paths and references are keyed.
pub fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn attributes(values: Value, unknown: &[&str]) -> Attributes {
        Attributes {
            values,
            unknown: unknown
                .iter()
                .map(|path| (path.to_string(), "known after apply".to_string()))
                .collect(),
            locations: HashMap::new(),
            value_locations: HashMap::new(),
            block_location: SourceFile::new("main.tf", "x").start(),
        }
    }

    #[test]
    fn reads_plain_and_nested_values() {
        let attrs = attributes(
            serde_json::json!({
                "instance_type": "g5.xlarge",
                "scaling_config": [{"min_size": 1, "max_size": "3"}],
                "instance_types": ["g5.xlarge", "g5.2xlarge"],
                "labels": {"a": "b"},
            }),
            &[],
        );
        let view = attrs.view();
        assert_eq!(
            view.string("instance_type"),
            Attr::Known("g5.xlarge".into())
        );
        let scaling = view.block("scaling_config").unwrap();
        assert_eq!(scaling.count("min_size"), Attr::Known(1));
        assert_eq!(scaling.count("max_size"), Attr::Known(3));
        assert_eq!(scaling.count("desired_size"), Attr::Absent);
        assert_eq!(view.strings("instance_types").known().unwrap().len(), 2);
        assert_eq!(
            view.string_map("labels").known().unwrap(),
            vec![("a".into(), "b".into())]
        );
    }

    #[test]
    fn unknown_paths_and_their_prefixes() {
        let attrs = attributes(
            serde_json::json!({"instance_type": null, "node_config": [{"machine_type": null}]}),
            &["instance_type", "node_config"],
        );
        let view = attrs.view();
        assert_eq!(
            view.string("instance_type"),
            Attr::Unknown("known after apply".into())
        );
        let node = view.block("node_config").unwrap();
        assert!(matches!(node.string("machine_type"), Attr::Unknown(_)));
        assert_eq!(
            view.string("ami").or_default_value("x".into()),
            Attr::Known("x".into())
        );
    }
}
