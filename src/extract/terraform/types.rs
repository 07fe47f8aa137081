//! Terraform's type constraints on variables, as far as they change
//! values: `optional(type, default)` attributes of `object(...)` types are
//! filled in (with their default, else null) when a value leaves them out
//! or sets them to null, through `map`, `list`, `set` and nested objects;
//! attributes an object type does not declare are dropped, as Terraform's
//! conversion does. Everything else passes through unchanged.

use hcl::eval::Context;
use hcl::expr::{Expression, ObjectKey};
use hcl::Value;

use super::eval::{self, Partial};

/// `value` converted to the type constraint `ty`.
pub fn convert(value: Partial, ty: &Expression, ctx: &Context<'_>) -> Partial {
    let Expression::FuncCall(call) = ty else {
        return value;
    };
    let inner = call.args.first();
    match (call.name.name.as_str(), inner) {
        ("object", Some(Expression::Object(attributes))) => {
            let Some(entries) = entries(value.clone()) else {
                return value;
            };
            let mut out: Vec<(String, Partial)> = Vec::new();
            for (key, attribute_ty) in attributes.iter() {
                let Some(name) = key_name(key) else {
                    continue;
                };
                let given = entries
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !matches!(v, Partial::Known(Value::Null)));
                let (optional, ty, default) = match attribute_ty {
                    Expression::FuncCall(optional) if optional.name.name.as_str() == "optional" => {
                        (true, optional.args.first(), optional.args.get(1))
                    }
                    other => (false, Some(other), None),
                };
                let converted = match (given, optional) {
                    (Some(given), _) => Some(match ty {
                        Some(ty) => convert(given, ty, ctx),
                        None => given,
                    }),
                    (None, true) => Some(match default {
                        Some(default) => {
                            let value = eval::partial(default, ctx);
                            match ty {
                                Some(ty) => convert(value, ty, ctx),
                                None => value,
                            }
                        }
                        None => Partial::Known(Value::Null),
                    }),
                    // A required attribute left out is an error Terraform
                    // reports; keep what was given.
                    (None, false) => entries
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone()),
                };
                if let Some(converted) = converted {
                    out.push((name.to_string(), converted));
                }
            }
            object(out)
        }
        ("map", Some(element)) => match entries(value.clone()) {
            Some(entries) => object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, convert(value, element, ctx)))
                    .collect(),
            ),
            None => value,
        },
        ("list" | "set", Some(element)) => match value {
            Partial::Known(Value::Array(items)) => array(
                items
                    .into_iter()
                    .map(|item| convert(Partial::Known(item), element, ctx))
                    .collect(),
            ),
            Partial::Array(items) => array(
                items
                    .into_iter()
                    .map(|item| convert(item, element, ctx))
                    .collect(),
            ),
            other => other,
        },
        _ => value,
    }
}

/// An attribute name of an object type.
fn key_name(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Identifier(identifier) => Some(identifier.as_str()),
        ObjectKey::Expression(Expression::String(text)) => Some(text),
        ObjectKey::Expression(Expression::Variable(variable)) => Some(variable.as_str()),
        _ => None,
    }
}

/// The entries of an object or map value, known or partly known.
fn entries(value: Partial) -> Option<Vec<(String, Partial)>> {
    match value {
        Partial::Known(Value::Object(map)) => Some(
            map.into_iter()
                .map(|(key, value)| (key, Partial::Known(value)))
                .collect(),
        ),
        Partial::Object(entries) => Some(entries),
        _ => None,
    }
}

/// Entries back into a value: known when every part is.
fn object(entries: Vec<(String, Partial)>) -> Partial {
    if entries.iter().all(|(_, v)| matches!(v, Partial::Known(_))) {
        Partial::Known(Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, value.known_parts()))
                .collect(),
        ))
    } else {
        Partial::Object(entries)
    }
}

fn array(items: Vec<Partial>) -> Partial {
    if items.iter().all(|v| matches!(v, Partial::Known(_))) {
        Partial::Known(Value::Array(
            items.iter().map(Partial::known_parts).collect(),
        ))
    } else {
        Partial::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str) -> Partial {
        let expr: Expression = text.parse().unwrap();
        eval::partial(&expr, &eval::base_context())
    }

    #[test]
    fn optional_attributes_get_their_defaults_through_maps() {
        let ty: Expression =
            "map(object({ min_size = optional(number), max_size = optional(number, 3), instance_types = optional(list(string)), tags = optional(map(string), {}) }))"
                .parse()
                .unwrap();
        let value = known(r#"{ gpu = { min_size = 2, max_size = null, extra = "dropped" } }"#);
        let converted = convert(value, &ty, &eval::base_context());
        let expected =
            known(r#"{ gpu = { min_size = 2, max_size = 3, instance_types = null, tags = {} } }"#);
        assert_eq!(converted.known(), expected.known());
    }

    #[test]
    fn other_types_pass_through() {
        let ty: Expression = "string".parse().unwrap();
        let value = known(r#""x""#);
        assert_eq!(
            convert(value, &ty, &eval::base_context()).known(),
            Some(&Value::from("x"))
        );
    }
}
