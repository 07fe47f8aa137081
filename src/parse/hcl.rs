//! HCL (`.tf`, `.tfvars`) with spans, via hcl-edit. Parse errors carry the
//! offset where parsing stopped; hcl-edit caps nesting at 64 levels.

use hcl::edit::parser;
use hcl::edit::structure::{Block, Body};
use hcl::edit::Span;

use crate::source::SourceFile;

/// Why an HCL file could not be parsed.
#[derive(Clone, Debug)]
pub struct HclError {
    /// The parser's reason.
    pub message: String,
    /// Byte offset where parsing stopped.
    pub offset: usize,
}

/// Parses a whole file.
pub fn parse(source: &SourceFile) -> Result<Body, HclError> {
    parser::parse_body(&source.text).map_err(|error| HclError {
        message: error.message().to_string(),
        offset: error.location().offset(),
    })
}

/// A key written twice in one object constructor; the later item is the
/// one Terraform reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatedKey {
    /// The key as written (identifier or string).
    pub key: String,
    /// Byte offset of the earlier key.
    pub first: usize,
    /// Byte offsets of the later key.
    pub start: usize,
    /// End of the later key.
    pub end: usize,
}

/// Every repeated key in the object constructors of `body`: identical keys
/// (the parser kept the later item) and a quoted key repeating an
/// identifier (`"name" = …` then `name = …`), in source order.
pub fn repeated_object_keys(source: &SourceFile, body: &Body) -> Vec<RepeatedKey> {
    use hcl::edit::expr::{Object, ObjectKey};
    use hcl::edit::visit::{visit_object, Visit};

    fn text(key: &ObjectKey) -> Option<String> {
        match key {
            ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
            ObjectKey::Expression(hcl::edit::expr::Expression::String(text)) => {
                Some(text.as_str().to_string())
            }
            _ => None,
        }
    }

    struct Keys<'t> {
        source: &'t str,
        out: Vec<RepeatedKey>,
    }
    impl Visit for Keys<'_> {
        fn visit_object(&mut self, node: &Object) {
            for (first, later) in node.repeated_keys() {
                let key = self.source.get(later.clone()).unwrap_or_default();
                self.out.push(RepeatedKey {
                    key: key.trim_matches('"').to_string(),
                    first: *first,
                    start: later.start,
                    end: later.end,
                });
            }
            let keys: Vec<(String, std::ops::Range<usize>)> = node
                .iter()
                .filter_map(|(key, _)| Some((text(key)?, key.span()?)))
                .collect();
            for (index, (key, span)) in keys.iter().enumerate() {
                if let Some((_, earlier)) = keys[..index].iter().find(|(k, _)| k == key) {
                    self.out.push(RepeatedKey {
                        key: key.clone(),
                        first: earlier.start,
                        start: span.start,
                        end: span.end,
                    });
                }
            }
            visit_object(self, node);
        }
    }

    let mut keys = Keys {
        source: &source.text,
        out: Vec::new(),
    };
    keys.visit_body(body);
    keys.out.sort_by_key(|k| k.start);
    keys.out
}

/// `resource "type" "name" { … }` blocks: (type, name, start, end) byte offsets.
pub fn resource_blocks(body: &Body) -> Vec<(String, String, usize, usize)> {
    body.get_blocks("resource")
        .filter_map(|block| {
            let (resource_type, name) = labels(block)?;
            let span = block.span()?;
            Some((resource_type, name, span.start, span.end))
        })
        .collect()
}

/// A block's first two labels.
pub fn labels(block: &Block) -> Option<(String, String)> {
    let first = block.labels.first()?.as_str().to_string();
    let second = block.labels.get(1)?.as_str().to_string();
    Some((first, second))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::{Context, Evaluate};

    /// The attribute `name`'s value, evaluated with `c = true`, as JSON.
    fn value_of(text: &str, name: &str) -> String {
        let body = parse(&SourceFile::new("t.tf", text)).unwrap_or_else(|e| panic!("{e:?}"));
        let attribute = body
            .get_attribute(name)
            .unwrap_or_else(|| panic!("no {name}"));
        let expr = hcl::Expression::from(attribute.value.clone());
        let mut ctx = Context::new();
        ctx.declare_var("c", true);
        let value = expr.evaluate(&ctx).unwrap();
        serde_json::to_string(&value).unwrap()
    }

    /// Values as `terraform console` prints them (issue 12).
    #[test]
    fn a_repeated_object_key_keeps_the_later_value() {
        assert_eq!(
            value_of("m = { name = \"a\", name = \"b\" }", "m"),
            r#"{"name":"b"}"#
        );
        assert_eq!(value_of("m = {\n  n = 1\n  n = 2\n}", "m"), r#"{"n":2}"#);
        assert_eq!(value_of("m = { \"n\" = 1, n = 2 }", "m"), r#"{"n":2}"#);
        // The later key's span is kept, so a finding can point at it.
        let text = "m = { name = \"a\", name = \"b\" }";
        let body = parse(&SourceFile::new("t.tf", text)).unwrap();
        let hcl::edit::expr::Expression::Object(object) = &body.get_attribute("m").unwrap().value
        else {
            panic!("not an object")
        };
        let (key, _) = object.iter().next().unwrap();
        assert_eq!(key.span(), Some(18..22));
    }

    #[test]
    fn newlines_are_insignificant_inside_for_expressions() {
        assert_eq!(
            value_of("m = { for k in [\"a\"] : k => c ? \"1\" :\n\"2\" }", "m"),
            r#"{"a":"1"}"#
        );
        assert_eq!(
            value_of("m = { for k in c ?\n[\"a\"] : [] : k =>\n k }", "m"),
            r#"{"a":"a"}"#
        );
        assert_eq!(
            value_of("m = [for k in [\"a\"] : c ? k :\n\"z\"]", "m"),
            r#"["a"]"#
        );
    }

    #[test]
    fn a_conditional_broken_inside_an_object_item_is_still_an_error() {
        // Terraform: "Invalid expression" (object items end at a newline).
        assert!(parse(&SourceFile::new("t.tf", "m = { a = c ?\n 1 : 2 }")).is_err());
    }
}
