//! JSON (plans' neighbours: `.tf.json`, CloudFormation JSON, JSON
//! manifests) into the same span-keeping node tree as YAML, with
//! serde_json's semantics: RFC 8259 syntax, surrogate pairs joined (a lone
//! surrogate is an error), at most 128 levels of nesting, numbers that
//! overflow a double rejected, a repeated key takes the later value.
//!
//! An explicit stack (no recursion) and one pass over the bytes; scalars
//! keep their text as written (`1.50` stays `1.50`), strings are unescaped.

pub use super::tree::SyntaxError as JsonError;
use super::tree::{resolve_duplicates, Document, DuplicateKey, Node, NodeId, NodeKind};
use super::yaml::Limits;

/// serde_json's recursion limit: a value nested this deep is an error.
pub const MAX_DEPTH: usize = 128;

/// Whether a text should be read as JSON: its first character (after
/// whitespace and a byte-order mark) opens an object or array.
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with(['{', '['])
}

enum Frame {
    Array {
        id: NodeId,
        items: Vec<NodeId>,
    },
    Object {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
    },
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    nodes: Vec<Node>,
    budget: usize,
    max_nodes: usize,
    resolve: bool,
}

impl<'t> Reader<'t> {
    fn error(&self, message: impl Into<String>, offset: usize) -> JsonError {
        JsonError {
            message: message.into(),
            offset: offset.min(self.text.len()),
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn push(&mut self, kind: NodeKind, start: usize, end: usize) -> Result<NodeId, JsonError> {
        if self.budget == 0 {
            return Err(self.error(
                format!("more than {} JSON nodes in one file", self.max_nodes),
                start,
            ));
        }
        self.budget -= 1;
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            kind,
            start,
            end,
            tag: None,
        });
        Ok(id)
    }

    fn expect_word(&mut self, word: &str) -> Result<(), JsonError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.error("expected value", self.at))
        }
    }

    /// A number as RFC 8259 writes it; its text is kept.
    fn number(&mut self) -> Result<NodeId, JsonError> {
        let start = self.at;
        let digits = |reader: &mut Reader<'_>| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at - from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number", self.at)),
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number", self.at));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number", self.at));
            }
        }
        let text = &self.text[start..self.at];
        if text.parse::<f64>().is_ok_and(f64::is_infinite) {
            return Err(self.error("number out of range", start));
        }
        self.push(
            NodeKind::Scalar {
                value: text.into(),
                plain: true,
            },
            start,
            self.at,
        )
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let Some(digits) = self.text.get(self.at..self.at + 4) else {
            return Err(self.error("EOF while parsing a string", self.text.len()));
        };
        let value = u16::from_str_radix(digits, 16)
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid escape", self.at))?;
        self.at += 4;
        Ok(value)
    }

    /// A string's unescaped text; `self.at` is on the opening quote.
    fn string(&mut self) -> Result<(Box<str>, usize), JsonError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let run = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(&self.text[run..self.at]);
            match self.bytes.get(self.at) {
                None => return Err(self.error("EOF while parsing a string", self.text.len())),
                Some(b'"') => {
                    self.at += 1;
                    return Ok((out.into_boxed_str(), start));
                }
                Some(b'\\') => {
                    let escape_at = self.at;
                    self.at += 1;
                    let Some(&escape) = self.bytes.get(self.at) else {
                        return Err(self.error("EOF while parsing a string", self.text.len()));
                    };
                    self.at += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let scalar = match unit {
                                0xD800..=0xDBFF => {
                                    if !self.text[self.at..].starts_with("\\u") {
                                        return Err(self.error(
                                            "lone leading surrogate in hex escape",
                                            escape_at,
                                        ));
                                    }
                                    self.at += 2;
                                    let low = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&low) {
                                        return Err(self.error(
                                            "lone leading surrogate in hex escape",
                                            escape_at,
                                        ));
                                    }
                                    0x10000
                                        + ((u32::from(unit) - 0xD800) << 10)
                                        + (u32::from(low) - 0xDC00)
                                }
                                0xDC00..=0xDFFF => {
                                    return Err(self
                                        .error("lone trailing surrogate in hex escape", escape_at))
                                }
                                other => u32::from(other),
                            };
                            // Every value left is a Unicode scalar value.
                            out.push(char::from_u32(scalar).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.error("invalid escape", escape_at)),
                    }
                }
                Some(_) => {
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                        self.at,
                    ))
                }
            }
        }
    }

    /// One value, iteratively.
    fn document(&mut self) -> Result<Document, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut duplicates: Vec<DuplicateKey> = Vec::new();
        self.skip_whitespace();
        let start = self.at;
        let root = 'value: loop {
            // Read a value (opening a container pushes a frame and loops).
            self.skip_whitespace();
            let value = match self.bytes.get(self.at) {
                None => return Err(self.error("EOF while parsing a value", self.at)),
                Some(b'{' | b'[') => {
                    if stack.len() + 1 >= MAX_DEPTH {
                        return Err(self.error("recursion limit exceeded", self.at));
                    }
                    let is_object = self.bytes[self.at] == b'{';
                    let open = self.at;
                    self.at += 1;
                    let kind = if is_object {
                        NodeKind::Mapping(Vec::new())
                    } else {
                        NodeKind::Sequence(Vec::new())
                    };
                    let id = self.push(kind, open, open + 1)?;
                    self.skip_whitespace();
                    let empty_close = if is_object { b'}' } else { b']' };
                    if self.bytes.get(self.at) == Some(&empty_close) {
                        self.at += 1;
                        self.nodes[id as usize].end = self.at;
                        id
                    } else if is_object {
                        stack.push(Frame::Object {
                            id,
                            entries: Vec::new(),
                            key: Some(self.key()?),
                        });
                        continue 'value;
                    } else {
                        stack.push(Frame::Array {
                            id,
                            items: Vec::new(),
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let (value, start) = self.string()?;
                    self.push(
                        NodeKind::Scalar {
                            value,
                            plain: false,
                        },
                        start,
                        self.at,
                    )?
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't' | b'f' | b'n') => {
                    let start = self.at;
                    let word = match self.bytes[self.at] {
                        b't' => "true",
                        b'f' => "false",
                        _ => "null",
                    };
                    self.expect_word(word)?;
                    self.push(
                        NodeKind::Scalar {
                            value: word.into(),
                            plain: true,
                        },
                        start,
                        self.at,
                    )?
                }
                Some(_) => return Err(self.error("expected value", self.at)),
            };
            // Attach it, closing every container that ends here.
            let mut value = value;
            loop {
                match stack.last_mut() {
                    None => break 'value value,
                    Some(Frame::Array { items, .. }) => items.push(value),
                    Some(Frame::Object { entries, key, .. }) => {
                        if let Some(key) = key.take() {
                            entries.push((key, value));
                        }
                    }
                }
                self.skip_whitespace();
                let is_object = matches!(stack.last(), Some(Frame::Object { .. }));
                match (self.bytes.get(self.at), is_object) {
                    (Some(b','), _) => {
                        self.at += 1;
                        if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                            *key = Some(self.key()?);
                        }
                        continue 'value;
                    }
                    (Some(b']'), false) | (Some(b'}'), true) => {
                        self.at += 1;
                        let (id, kind) = match stack.pop() {
                            Some(Frame::Array { id, items }) => (id, NodeKind::Sequence(items)),
                            Some(Frame::Object { id, entries, .. }) if self.resolve => (
                                id,
                                NodeKind::Mapping(resolve_duplicates(
                                    &self.nodes,
                                    entries,
                                    &mut duplicates,
                                )),
                            ),
                            Some(Frame::Object { id, entries, .. }) => {
                                (id, NodeKind::Mapping(entries))
                            }
                            None => unreachable!("a container is open"),
                        };
                        let node = &mut self.nodes[id as usize];
                        node.kind = kind;
                        node.end = self.at;
                        value = id;
                    }
                    (None, _) => {
                        return Err(self.error(
                            if is_object {
                                "EOF while parsing an object"
                            } else {
                                "EOF while parsing a list"
                            },
                            self.at,
                        ))
                    }
                    (Some(_), true) => return Err(self.error("expected `,` or `}`", self.at)),
                    (Some(_), false) => return Err(self.error("expected `,` or `]`", self.at)),
                }
            }
        };
        let nodes = std::mem::take(&mut self.nodes);
        Ok(Document::new(nodes, root, start, duplicates))
    }

    /// An object key and its `:`; `self.at` is after `{` or `,`.
    fn key(&mut self) -> Result<NodeId, JsonError> {
        self.skip_whitespace();
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(self.error("key must be a string", self.at));
        }
        let (value, start) = self.string()?;
        let key = self.push(
            NodeKind::Scalar {
                value,
                plain: false,
            },
            start,
            self.at,
        )?;
        self.skip_whitespace();
        if self.bytes.get(self.at) != Some(&b':') {
            return Err(self.error("expected `:`", self.at));
        }
        self.at += 1;
        Ok(key)
    }
}

/// Parses one JSON value (a leading byte-order mark is skipped; only
/// whitespace may follow the value). A repeated key takes the later value.
pub fn parse(text: &str, limits: &Limits) -> Result<Document, JsonError> {
    read(text, limits, true)
}

/// Parses one JSON value keeping every member of every object, repeated
/// keys included, in source order: Terraform's JSON syntax gives a repeated
/// block key (`"resource"` twice) a meaning, so `.tf.json` is read this way.
pub fn parse_keeping_duplicates(text: &str, limits: &Limits) -> Result<Document, JsonError> {
    read(text, limits, false)
}

fn read(text: &str, limits: &Limits, resolve: bool) -> Result<Document, JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: if text.starts_with('\u{feff}') { 3 } else { 0 },
        nodes: Vec::new(),
        budget: limits.max_nodes,
        max_nodes: limits.max_nodes,
        resolve,
    };
    let document = reader.document()?;
    reader.skip_whitespace();
    if reader.at < text.len() {
        return Err(reader.error("trailing characters", reader.at));
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tree::NodeRef;

    fn parse_ok(text: &str) -> Document {
        parse(text, &Limits::default()).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    /// The tree as serde_json would hold it (numbers as f64 for comparison).
    fn to_value(node: NodeRef<'_>) -> serde_json::Value {
        if node.is_mapping() {
            serde_json::Value::Object(
                node.entries()
                    .map(|(k, v)| (k.as_str().unwrap().to_string(), to_value(v)))
                    .collect(),
            )
        } else if node.is_sequence() {
            serde_json::Value::Array(node.items().map(to_value).collect())
        } else if !node.is_plain() {
            serde_json::Value::from(node.as_str().unwrap())
        } else if node.is_null() {
            serde_json::Value::Null
        } else if let Some(b) = node.as_bool() {
            serde_json::Value::from(b)
        } else {
            serde_json::Value::from(node.as_str().unwrap().parse::<f64>().unwrap())
        }
    }

    fn numbers_as_f64(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
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

    /// Same acceptance and the same value as serde_json.
    fn agrees_with_serde_json(text: &str) {
        let ours = parse(text, &Limits::default());
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match (&ours, &theirs) {
            (Ok(doc), Ok(value)) => assert_eq!(
                to_value(doc.root()),
                numbers_as_f64(value.clone()),
                "{text:?}"
            ),
            (Err(_), Err(_)) => {}
            _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn surrogate_pairs_are_joined() {
        // What Python's json.dumps writes for an emoji (issue 12).
        let doc = parse_ok(r#"{"a": "\ud83d\ude80 ok", "b": "\u00e9\/"}"#);
        assert_eq!(doc.root().get("a").unwrap().as_str(), Some("🚀 ok"));
        assert_eq!(doc.root().get("b").unwrap().as_str(), Some("é/"));
        for lone in [
            r#""\ud83d""#,
            r#""\ude80""#,
            r#""\ud83d\u0041""#,
            r#""\ud83dx""#,
        ] {
            let error = parse(lone, &Limits::default()).unwrap_err();
            assert!(error.message.contains("surrogate"), "{lone}: {error:?}");
        }
    }

    #[test]
    fn a_repeated_key_takes_the_later_value_and_is_recorded() {
        let text = "{\"replicas\": 1, \"x\": 0, \"replicas\": 50}";
        let doc = parse_ok(text);
        assert_eq!(doc.root().get("replicas").unwrap().as_u64(), Some(50));
        assert_eq!(doc.root().entries().count(), 2);
        let duplicate = &doc.duplicate_keys()[0];
        assert_eq!(&*duplicate.key, "replicas");
        assert_eq!(duplicate.first, 1);
        assert_eq!(&text[duplicate.start..duplicate.end], "\"replicas\"");
        let kept = parse_keeping_duplicates(text, &Limits::default()).unwrap();
        assert_eq!(kept.root().entries().count(), 3);
        assert!(kept.duplicate_keys().is_empty());
    }

    #[test]
    fn spans_point_at_values() {
        let text = "{\n  \"spec\": {\"n\": [1, 2.50, true, null, \"é\"]}\n}";
        let doc = parse_ok(text);
        let items: Vec<NodeRef<'_>> = doc.root().path(&["spec", "n"]).unwrap().items().collect();
        let spans: Vec<&str> = items
            .iter()
            .map(|n| &text[n.start()..n.start() + n.len()])
            .collect();
        assert_eq!(spans, ["1", "2.50", "true", "null", "\"é\""]);
        assert_eq!(doc.root().start(), 0);
        assert_eq!(doc.root().len(), text.len());
    }

    #[test]
    fn agrees_with_serde_json_on_valid_and_invalid_text() {
        for text in [
            "{}",
            "[]",
            " [1, -0, 0.5, -1.5e3, 1E+2, 12345678901234567890123] ",
            "{\"a\": {\"b\": [true, false, null]}}",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
            "{\"a\": 1, \"a\": {\"b\": 2}}",
            "1e400",
            "-",
            "01",
            "1.",
            ".5",
            "+1",
            "[1,]",
            "{\"a\":1,}",
            "{'a': 1}",
            "{a: 1}",
            "[1] [2]",
            "\"tab\there\"",
            "\"\\x\"",
            "\"\\u12\"",
            "nul",
            "truex",
            "",
            "   ",
            "[",
            "{\"a\"",
            "{\"a\":",
            "\u{feff}{}",
        ] {
            if text.starts_with('\u{feff}') {
                // serde_json rejects a byte-order mark; files often carry one.
                assert!(parse(text, &Limits::default()).is_ok());
                continue;
            }
            agrees_with_serde_json(text);
        }
    }

    #[test]
    fn nesting_stops_where_serde_json_stops() {
        for depth in [126, 127, 128, 129, 100_000] {
            let text = "[".repeat(depth) + &"]".repeat(depth);
            let ours = parse(&text, &Limits::default()).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            assert_eq!(ours, theirs, "depth {depth}");
        }
        let error = parse(&"{\"a\":".repeat(200), &Limits::default()).unwrap_err();
        assert_eq!(error.message, "recursion limit exceeded");
    }

    #[test]
    fn node_budget_is_enforced() {
        let limits = Limits {
            max_depth: 10,
            max_nodes: 3,
        };
        assert!(parse("[1, 2, 3, 4]", &limits)
            .unwrap_err()
            .message
            .contains("more than 3"));
    }

    /// Found by the `json` fuzz target: a 90-digit number reads as the
    /// correctly rounded double (what Python's `json` and Rust's
    /// `str::parse` give), where serde_json without `float_roundtrip` is one
    /// unit in the last place above; the number's text is kept as written.
    #[test]
    fn a_long_number_is_correctly_rounded() {
        let text = format!("\n{}\n", "1".repeat(90));
        let document = parse(&text, &Limits::default()).unwrap();
        assert_eq!(document.root().as_str(), Some("1".repeat(90).as_str()));
        assert_eq!(document.root().as_f64(), Some(1.111111111111111e89));
    }

    #[test]
    fn looks_like_json_by_its_first_character() {
        assert!(looks_like_json("\u{feff}\n  {\"a\": 1}"));
        assert!(looks_like_json("[1]"));
        assert!(!looks_like_json("a: 1"));
        assert!(!looks_like_json("# {x}"));
    }

    /// `cargo test --release --lib parse::json::tests::speed -- --ignored
    /// --nocapture`: the JSON reader against the YAML reader JSON files went
    /// through before, on a 5 MB CloudFormation-shaped template.
    #[test]
    #[ignore = "a measurement, run by hand in release"]
    fn speed_against_the_yaml_reader() {
        let mut text =
            String::from("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {");
        for i in 0..20_000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                "\n  \"Fn{i}\": {{\"Type\": \"AWS::Lambda::Function\", \"Properties\": {{\"MemorySize\": {}, \"Timeout\": 30, \"Runtime\": \"python3.12\", \"Handler\": \"app.handler\", \"Tags\": [{{\"Key\": \"team\", \"Value\": \"ml \\u00e9\"}}], \"Environment\": {{\"Variables\": {{\"A\": \"1\", \"B\": \"two\"}}}}}}}}",
                128 + i % 10_000
            ));
        }
        text.push_str("}}");
        let limits = Limits::default();
        let time = |f: &dyn Fn() -> usize| {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let start = std::time::Instant::now();
                assert!(f() > 0);
                best = best.min(start.elapsed().as_secs_f64());
            }
            best
        };
        let json_s = time(&|| parse(&text, &limits).unwrap().root().entries().count());
        let yaml_s = time(&|| {
            crate::parse::yaml::parse_stream(&text, &limits)
                .remove(0)
                .unwrap()
                .root()
                .entries()
                .count()
        });
        let mb = text.len() as f64 / 1e6;
        println!(
            "{mb:.1} MB: json {:.1} ms ({:.0} MB/s), yaml {:.1} ms ({:.0} MB/s), {:.1}x",
            json_s * 1e3,
            mb / json_s,
            yaml_s * 1e3,
            mb / yaml_s,
            yaml_s / json_s
        );
    }
}
