//! YAML (and JSON, which is YAML's flow subset) into a small node tree that
//! keeps the byte span of every value.
//!
//! Built on saphyr-parser's event stream with an explicit stack, so nesting
//! costs heap, not call stack, and is capped at [`Limits::max_depth`].
//! Aliases are not expanded: an alias is the anchored node itself (the tree
//! is a DAG), so a "billion laughs" document costs as much as its text.
//! Walkers that visit whole trees must track visited nodes (see
//! [`Document::walk`]).

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::tree::{resolve_duplicates, DuplicateKey, SyntaxError};
pub use super::tree::{Document, Node, NodeId, NodeKind, NodeRef};

/// Caps that keep hostile input cheap.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings accepted.
    pub max_depth: usize,
    /// Most nodes accepted in one file.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_nodes: 4_000_000,
        }
    }
}

/// Why a YAML stream (or one of its documents) could not be read.
pub type YamlError = SyntaxError;

/// Character index → byte offset, for saphyr's character-based markers.
struct CharOffsets<'t> {
    text: &'t str,
    /// Byte offset of every 64th character; empty when the text is ASCII.
    checkpoints: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    const STRIDE: usize = 64;

    fn new(text: &'t str) -> Self {
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(offset, _)| offset)
                .collect()
        };
        CharOffsets { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return char_index.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(char_index / Self::STRIDE) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(char_index % Self::STRIDE)
            .map_or(self.text.len(), |(offset, _)| base + offset)
    }
}

enum Frame {
    Sequence {
        id: NodeId,
        items: Vec<NodeId>,
    },
    Mapping {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        pending_key: Option<NodeId>,
    },
}

struct Builder {
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    anchors: Vec<(usize, NodeId)>,
    root: Option<NodeId>,
    start: usize,
    duplicates: Vec<DuplicateKey>,
}

impl Builder {
    fn new(start: usize) -> Self {
        Builder {
            nodes: Vec::new(),
            stack: Vec::new(),
            anchors: Vec::new(),
            root: None,
            start,
            duplicates: Vec::new(),
        }
    }

    fn push_node(&mut self, node: Node, anchor: usize) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        if anchor != 0 {
            self.anchors.push((anchor, id));
        }
        id
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => self.root = Some(id),
            Some(Frame::Sequence { items, .. }) => items.push(id),
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(id),
                Some(key) => entries.push((key, id)),
            },
        }
    }

    fn finish(mut self, fallback_offset: usize) -> Document {
        let root = match self.root {
            Some(root) => root,
            None => self.push_node(
                Node {
                    kind: NodeKind::Scalar {
                        value: "".into(),
                        plain: true,
                    },
                    start: fallback_offset,
                    end: fallback_offset,
                    tag: None,
                },
                0,
            ),
        };
        Document::new(self.nodes, root, self.start, self.duplicates)
    }
}

/// Whether a scalar may read as null, a boolean or a number: a plain
/// scalar may, unless an explicit `!!str` makes it a string; an explicit
/// `!!null`, `!!bool`, `!!int` or `!!float` types even a quoted one (as
/// PyYAML constructs `!!str 1` as '1' and `!!int "1"` as 1).
fn resolves_as_typed(style: ScalarStyle, tag: Option<&saphyr_parser::Tag>) -> bool {
    match tag.and_then(core_schema_type) {
        Some("str") => false,
        Some("null" | "bool" | "int" | "float") => true,
        _ => style == ScalarStyle::Plain,
    }
}

/// The type a core-schema tag names (`str` for `!!str` or the verbatim
/// `!<tag:yaml.org,2002:str>`), or `None` for a local tag.
fn core_schema_type(tag: &saphyr_parser::Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.is_yaml_core_schema() {
        Some(&tag.suffix)
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)
    } else {
        None
    }
}

fn local_tag(tag: Option<Cow<'_, saphyr_parser::Tag>>) -> Option<Box<str>> {
    let tag = tag?;
    if core_schema_type(&tag).is_some() {
        return None;
    }
    Some(tag.to_string().into_boxed_str())
}

/// Parses a whole stream. Documents parsed before an error are returned
/// with it.
fn parse_segment(
    text: &str,
    base: usize,
    limits: &Limits,
    node_budget: &mut usize,
) -> (Vec<Document>, Option<YamlError>) {
    let offsets = CharOffsets::new(text);
    let byte = |marker: &saphyr_parser::Marker| base + offsets.byte(marker.index());
    let error_at = |error: &ScanError| YamlError {
        message: error.info().to_string(),
        offset: base + offsets.byte(error.marker().index()),
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = Vec::new();
    let mut builder: Option<Builder> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(event) => event,
            Err(error) => return (documents, Some(error_at(&error))),
        };
        let start = byte(&span.start);
        let end = byte(&span.end).max(start);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => builder = Some(Builder::new(start)),
            Event::DocumentEnd => {
                if let Some(done) = builder.take() {
                    documents.push(done.finish(start));
                }
            }
            Event::Alias(anchor) => {
                let Some(current) = builder.as_mut() else {
                    continue;
                };
                let Some(&(_, id)) = current.anchors.iter().rev().find(|(a, _)| *a == anchor)
                else {
                    return (
                        documents,
                        Some(YamlError {
                            message: "alias refers to an unknown anchor".into(),
                            offset: start,
                        }),
                    );
                };
                current.attach(id);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let Some(current) = builder.as_mut() else {
                    continue;
                };
                if *node_budget == 0 {
                    return (documents, Some(too_many_nodes(limits, start)));
                }
                *node_budget -= 1;
                let plain = resolves_as_typed(style, tag.as_deref());
                let id = current.push_node(
                    Node {
                        kind: NodeKind::Scalar {
                            value: value.into_owned().into_boxed_str(),
                            plain,
                        },
                        start,
                        end,
                        tag: local_tag(tag),
                    },
                    anchor,
                );
                current.attach(id);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let is_sequence = matches!(event, Event::SequenceStart(..));
                let (Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)) = event
                else {
                    unreachable!("matched above")
                };
                let Some(current) = builder.as_mut() else {
                    continue;
                };
                if current.stack.len() >= limits.max_depth {
                    return (
                        documents,
                        Some(YamlError {
                            message: format!(
                                "nesting deeper than {} levels; tcolint stops here to stay fast \
                                 and bounded",
                                limits.max_depth
                            ),
                            offset: start,
                        }),
                    );
                }
                if *node_budget == 0 {
                    return (documents, Some(too_many_nodes(limits, start)));
                }
                *node_budget -= 1;
                let id = current.push_node(
                    Node {
                        kind: if is_sequence {
                            NodeKind::Sequence(Vec::new())
                        } else {
                            NodeKind::Mapping(Vec::new())
                        },
                        start,
                        end,
                        tag: local_tag(tag),
                    },
                    anchor,
                );
                current.stack.push(if is_sequence {
                    Frame::Sequence {
                        id,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Mapping {
                        id,
                        entries: Vec::new(),
                        pending_key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(current) = builder.as_mut() else {
                    continue;
                };
                let Some(frame) = current.stack.pop() else {
                    continue;
                };
                let (id, kind) = match frame {
                    Frame::Sequence { id, items } => (id, NodeKind::Sequence(items)),
                    Frame::Mapping { id, entries, .. } => (
                        id,
                        NodeKind::Mapping(resolve_duplicates(
                            &current.nodes,
                            entries,
                            &mut current.duplicates,
                        )),
                    ),
                };
                let node = &mut current.nodes[id as usize];
                node.kind = kind;
                node.end = end.max(node.start);
                current.attach(id);
            }
        }
    }
    if let Some(done) = builder.take() {
        documents.push(done.finish(base + text.len()));
    }
    (documents, None)
}

fn too_many_nodes(limits: &Limits, offset: usize) -> YamlError {
    YamlError {
        message: format!("more than {} YAML nodes in one file", limits.max_nodes),
        offset,
    }
}

/// One parsed document, or the reason a document could not be parsed.
pub type DocumentResult = Result<Document, YamlError>;

/// Parses a YAML stream into documents. When the stream has an error, it is
/// parsed again one `---`-separated segment at a time, so a malformed
/// document costs only itself: the documents around it are still returned.
pub fn parse_stream(text: &str, limits: &Limits) -> Vec<DocumentResult> {
    let mut budget = limits.max_nodes;
    let (documents, error) = parse_segment(text, 0, limits, &mut budget);
    let Some(error) = error else {
        return documents.into_iter().map(Ok).collect();
    };
    let boundaries = document_boundaries(text);
    if boundaries.len() <= 1 {
        let mut results: Vec<DocumentResult> = documents.into_iter().map(Ok).collect();
        results.push(Err(error));
        return results;
    }
    let mut results = Vec::new();
    let mut budget = limits.max_nodes;
    for (index, &start) in boundaries.iter().enumerate() {
        let end = boundaries.get(index + 1).copied().unwrap_or(text.len());
        let (documents, error) = parse_segment(&text[start..end], start, limits, &mut budget);
        results.extend(documents.into_iter().map(Ok));
        if let Some(error) = error {
            results.push(Err(error));
        }
    }
    results
}

/// Byte offsets where documents may start: 0 and every line that begins
/// with a `---` marker.
fn document_boundaries(text: &str) -> Vec<usize> {
    let mut boundaries = vec![0];
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let is_marker = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_whitespace());
        if is_marker && line_start != 0 {
            boundaries.push(line_start);
        }
        line_start += line.len();
    }
    boundaries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> Document {
        let mut docs = parse_stream(text, &Limits::default());
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0).unwrap()
    }

    #[test]
    fn keeps_byte_spans_of_values() {
        let text = "kind: Pod\nspec:\n  containers:\n  - name: é\n    image: x\n";
        let doc = parse_one(text);
        let image = doc
            .root()
            .path(&["spec", "containers"])
            .unwrap()
            .items()
            .next()
            .unwrap()
            .get("image")
            .unwrap();
        assert_eq!(image.as_str(), Some("x"));
        assert_eq!(&text[image.start()..image.start() + image.len()], "x");
        let (key, _) = doc.root().entry("kind").unwrap();
        assert_eq!(key.start(), 0);
    }

    #[test]
    fn splits_multi_document_streams() {
        let docs = parse_stream("a: 1\n---\nb: 2\n---\n", &Limits::default());
        assert_eq!(docs.len(), 3);
        assert!(docs[2].as_ref().unwrap().root().is_null());
    }

    #[test]
    fn a_bad_document_does_not_hide_its_neighbours() {
        let text = "a: 1\n---\nb: [unclosed\n---\nc: 3\n";
        let docs = parse_stream(text, &Limits::default());
        assert_eq!(docs.len(), 3, "{docs:?}");
        assert!(docs[0].is_ok());
        let error = docs[1].as_ref().unwrap_err();
        assert!(error.offset >= text.find("b:").unwrap(), "{error:?}");
        assert_eq!(
            docs[2].as_ref().unwrap().root().get("c").unwrap().as_u64(),
            Some(3)
        );
    }

    #[test]
    fn aliases_share_nodes_instead_of_expanding() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        let mut previous = 'a';
        for name in 'b'..='j' {
            text.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, \
                 *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
            previous = name;
        }
        let doc = parse_one(&text);
        let mut visited = 0;
        doc.walk(doc.root(), |_| visited += 1);
        assert!(visited < 100, "{visited}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "- ".repeat(100_000) + "x\n";
        let docs = parse_stream(&text, &Limits::default());
        let error = docs.last().unwrap().as_ref().unwrap_err();
        assert!(
            error.message.contains("nesting deeper than 256"),
            "{error:?}"
        );
        let flow = "[".repeat(100_000);
        let docs = parse_stream(&flow, &Limits::default());
        assert!(docs.last().unwrap().is_err());
    }

    #[test]
    fn merge_keys_are_followed() {
        let doc = parse_one("base: &b {cpu: 2}\nuse:\n  <<: *b\n  mem: 3\n");
        let node = doc.root().get("use").unwrap();
        assert_eq!(node.get("cpu").unwrap().as_u64(), Some(2));
        assert_eq!(node.get("mem").unwrap().as_u64(), Some(3));
    }

    #[test]
    fn nulls_and_quoted_scalars() {
        let doc = parse_one("a: ~\nb: 'null'\nc:\nd: \"1\"\n");
        assert!(doc.root().get("a").unwrap().is_null());
        assert!(!doc.root().get("b").unwrap().is_null());
        assert!(doc.root().get("c").unwrap().is_null());
        assert_eq!(doc.root().get("d").unwrap().as_f64(), Some(1.0));
    }

    #[test]
    fn local_tags_are_kept() {
        let doc = parse_one("a: !Ref Name\nb: !!str 1\n");
        assert_eq!(doc.root().get("a").unwrap().tag(), Some("!Ref"));
        assert_eq!(doc.root().get("b").unwrap().tag(), None);
    }

    #[test]
    fn json_is_accepted() {
        let doc = parse_one("{\"kind\": \"Pod\", \"spec\": {\"x\": [1, 2]}}");
        assert_eq!(doc.root().get("kind").unwrap().as_str(), Some("Pod"));
    }

    #[test]
    fn node_budget_is_enforced() {
        let limits = Limits {
            max_depth: 10,
            max_nodes: 5,
        };
        let docs = parse_stream("[1, 2, 3, 4, 5, 6]", &limits);
        assert!(docs
            .last()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .message
            .contains("more than 5"));
    }

    /// (text, the value PyYAML gives as JSON): layouts libyaml, PyYAML and
    /// go-yaml (kubectl) accept that strict YAML 1.2 rejects (issue 12).
    const LENIENT_LAYOUTS: [(&str, &str); 8] = [
        // A double-quoted scalar continued left of its `-` entry.
        ("a:\n    - \"x\n  y\"\n    - z\n", r#"{"a":["x y","z"]}"#),
        // … and at column 0 (PEM blocks pasted into a quoted value).
        (
            "a:\n  b: \"-----BEGIN\nqwer\n-----END\"\n  c: d\n",
            r#"{"a":{"b":"-----BEGIN qwer -----END","c":"d"}}"#,
        ),
        // Single quotes, the neighbour.
        ("a:\n    - 'x\n  y'\n", r#"{"a":["x y"]}"#),
        // A flow sequence closed at the indentation of its mapping inside a `- ` entry.
        ("- a: [\n  1\n  ]\n  b: 2\n", r#"[{"a":[1],"b":2}]"#),
        // A flow mapping closed left of its key.
        ("a:\n  b: {\n    c: 1\n }\n", r#"{"a":{"b":{"c":1}}}"#),
        // Flow items at column 0.
        ("a:\n  b: [\n1, 2\n]\n", r#"{"a":{"b":[1,2]}}"#),
        // A quoted item at column 0 inside a flow sequence.
        ("a:\n  b: [\"x\ny\"]\n", r#"{"a":{"b":["x y"]}}"#),
        // A flow sequence opened on the `-` line and closed on the next.
        ("c:\n- [a,\n b]\n", r#"{"c":[["a","b"]]}"#),
    ];

    fn to_json(node: NodeRef<'_>) -> String {
        if node.is_mapping() {
            let entries: Vec<String> = node
                .entries()
                .map(|(k, v)| format!("{:?}:{}", k.as_str().unwrap(), to_json(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        } else if node.is_sequence() {
            let items: Vec<String> = node.items().map(to_json).collect();
            format!("[{}]", items.join(","))
        } else if node.is_plain() && node.as_u64().is_some() {
            node.as_str().unwrap().to_string()
        } else {
            format!("{:?}", node.as_str().unwrap())
        }
    }

    #[test]
    fn accepts_what_libyaml_accepts_with_the_same_values() {
        for (text, expected) in LENIENT_LAYOUTS {
            let doc = parse_one(text);
            assert_eq!(to_json(doc.root()), expected, "{text:?}");
        }
    }

    #[test]
    fn still_rejects_a_block_entry_left_of_its_mapping() {
        // PyYAML rejects this too: a plain (unquoted) continuation and a
        // block key still obey indentation.
        for text in ["a:\n    - x\n  y\n", "a:\n  b: 1\n c: 2\n"] {
            let docs = parse_stream(text, &Limits::default());
            assert!(docs.iter().any(Result::is_err), "{text:?}");
        }
    }

    #[test]
    fn a_repeated_key_takes_the_later_value_as_pyyaml_does() {
        let text = "spec:\n  replicas: 1\n  x: 0\n  replicas: 50\n  \"1\": a\n  1: b\n";
        let doc = parse_one(text);
        let spec = doc.root().get("spec").unwrap();
        assert_eq!(spec.get("replicas").unwrap().as_u64(), Some(50));
        // `1` and `"1"` are different keys (an int and a string).
        assert_eq!(spec.entries().count(), 4);
        let duplicates = doc.duplicate_keys();
        assert_eq!(duplicates.len(), 1, "{duplicates:?}");
        assert_eq!(&*duplicates[0].key, "replicas");
        assert_eq!(duplicates[0].first, text.find("replicas").unwrap());
        assert_eq!(duplicates[0].start, text.rfind("replicas").unwrap());
        // Merge keys are not duplicates; a key repeated in a large mapping is.
        let doc = parse_one("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n");
        assert!(doc.duplicate_keys().is_empty());
        let mut large: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        large.push_str("k7: last\n");
        let doc = parse_one(&large);
        assert_eq!(doc.root().get("k7").unwrap().as_str(), Some("last"));
        assert_eq!(doc.root().entries().count(), 40);
        assert_eq!(doc.duplicate_keys().len(), 1);
    }

    #[test]
    fn repeated_empty_keys_are_located_in_order() {
        // Fuzz finding (CI's 20 s yaml run, a neighbour of the one below):
        // `?`, CR, `!!s :`. An empty key takes the position of the token
        // after it, which can be where the repeat starts.
        for text in ["?\r!!s :", "? \n? \n"] {
            let doc = parse_one(text);
            let duplicates = doc.duplicate_keys();
            assert_eq!(duplicates.len(), 1, "{text:?}: {duplicates:?}");
            assert!(
                duplicates[0].first <= duplicates[0].start,
                "{text:?}: {duplicates:?}"
            );
        }
    }

    #[test]
    fn an_explicit_core_tag_decides_a_keys_type() {
        // Fuzz finding (yaml target): `?`, a lone CR, `!!str :`. PyYAML
        // reads two keys, None and '' (the tagged one is a string), so
        // this is not a duplicate.
        let doc = parse_one("?\r!!str :");
        assert!(
            doc.duplicate_keys().is_empty(),
            "{:?}",
            doc.duplicate_keys()
        );
        assert_eq!(doc.root().entries().count(), 2);
        // Neighbours, as PyYAML reads them: `!!str 1` is the string '1'
        // (the same key as "1"), `!!int "1"` the number 1 (the same as 1),
        // `!!str null` is not the null key.
        let doc = parse_one(
            "!!str 1: a\n\"1\": b\n!!int \"2\": c\n2: d\n~: e\n!!str null: f\n!<tag:yaml.org,2002:str> 3: g\n3: h\n",
        );
        let keys: Vec<&str> = doc.duplicate_keys().iter().map(|d| &*d.key).collect();
        assert_eq!(keys, ["1", "2"]);
        assert_eq!(doc.root().entries().count(), 6);
        assert!(!doc.root().entries().nth(3).unwrap().0.is_null());
    }
}
