//! The YAML node tree: any text parses (or errors) without a panic, every
//! span lies inside the text on character boundaries, and walking every
//! document terminates (aliases make the tree a DAG).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcolint::parse::yaml::{parse_stream, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_depth: 64,
        max_nodes: 100_000,
    };
    for document in parse_stream(text, &limits) {
        match document {
            Ok(document) => {
                document.walk(document.root(), |node| {
                    let end = node.start() + node.len();
                    assert!(end <= text.len(), "span past the end");
                    assert!(text.is_char_boundary(node.start()) && text.is_char_boundary(end));
                    let _ = (node.as_f64(), node.as_bool(), node.get("a"), node.path(&["a", "b"]));
                });
                for duplicate in document.duplicate_keys() {
                    // An empty key (`?` alone) takes the position of the
                    // token after it, which can be where the repeat starts.
                    assert!(duplicate.first <= duplicate.start && duplicate.end <= text.len());
                }
            }
            Err(error) => assert!(error.offset <= text.len()),
        }
    }
});
