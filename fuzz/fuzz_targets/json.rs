//! The JSON reader against serde_json: the same texts are accepted, with the
//! same values (numbers compared as doubles), and spans stay in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tcolint::parse::json;
use tcolint::parse::tree::NodeRef;
use tcolint::parse::yaml::Limits;

fn to_value(node: NodeRef<'_>) -> Value {
    if node.is_mapping() {
        Value::Object(
            node.entries()
                .map(|(k, v)| (k.as_str().unwrap().to_string(), to_value(v)))
                .collect(),
        )
    } else if node.is_sequence() {
        Value::Array(node.items().map(to_value).collect())
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

/// Whether two values are the same, numbers within one unit in the last
/// place: serde_json (without its `float_roundtrip` feature) may round a
/// long number one ULP off, where tcolint's `str::parse::<f64>` is
/// correctly rounded (`"1" * 90` is 1.111111111111111e+89, serde_json
/// says 1.1111111111111112e+89).
fn same(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            a == b || (a.signum() == b.signum() && a.to_bits().abs_diff(b.to_bits()) <= 1)
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        (a, b) => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.starts_with('\u{feff}') {
        return; // serde_json rejects a byte-order mark; tcolint skips it.
    }
    let ours = json::parse(text, &Limits::default());
    let theirs = serde_json::from_str::<Value>(text);
    match (ours, theirs) {
        (Ok(document), Ok(value)) => {
            let (ours, theirs) = (to_value(document.root()), numbers_as_f64(value));
            assert!(same(&ours, &theirs), "{text:?}: ours {ours:?}, serde_json {theirs:?}");
            document.walk(document.root(), |node| {
                assert!(node.start() + node.len() <= text.len());
            });
        }
        (Err(error), Err(_)) => assert!(error.offset <= text.len()),
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
});
