//! The node tree every structured format parses into (YAML and JSON): a
//! small arena of scalars, sequences and mappings, each with the byte span
//! of its source, so any value maps back to `file:line:column`.
//!
//! Mappings hold each key once: when a key repeats, the later value wins
//! (as PyYAML, go-yaml and serde_json resolve it) and the repeat is kept in
//! [`Document::duplicate_keys`] for a finding at the second key.

use std::collections::HashMap;

/// Why a stream (or one of its documents) could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The parser's reason.
    pub message: String,
    /// Byte offset in the text where parsing failed.
    pub offset: usize,
}

/// A key written twice in one mapping; the later value is the one kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key's text.
    pub key: Box<str>,
    /// Byte offset of the earlier occurrence.
    pub first: usize,
    /// Byte offset where the later occurrence starts.
    pub start: usize,
    /// Byte offset where the later occurrence ends.
    pub end: usize,
}

/// Index of a node in its [`Document`].
pub type NodeId = u32;

/// One node: a scalar, a sequence or a mapping, with its byte span.
#[derive(Debug)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Byte offset where the node starts.
    pub start: usize,
    /// Byte offset where the node ends.
    pub end: usize,
    /// A local tag such as `!Ref`, if the node had one.
    pub tag: Option<Box<str>>,
}

/// The content of a node.
#[derive(Debug)]
pub enum NodeKind {
    /// A scalar and whether it was written plain (unquoted).
    Scalar {
        /// The scalar's text.
        value: Box<str>,
        /// Plain (unquoted) scalars can be null, booleans or numbers.
        plain: bool,
    },
    /// A sequence of nodes.
    Sequence(Vec<NodeId>),
    /// A mapping, in source order.
    Mapping(Vec<(NodeId, NodeId)>),
}

/// One YAML document.
#[derive(Debug)]
pub struct Document {
    nodes: Vec<Node>,
    root: NodeId,
    /// Byte offset of the document's first content.
    pub start: usize,
    duplicates: Vec<DuplicateKey>,
}

impl Document {
    /// A document over `nodes` (mappings already resolved with
    /// [`resolve_duplicates`]).
    pub(super) fn new(
        nodes: Vec<Node>,
        root: NodeId,
        start: usize,
        duplicates: Vec<DuplicateKey>,
    ) -> Document {
        Document {
            nodes,
            root,
            start,
            duplicates,
        }
    }

    /// Keys written twice in one mapping, in source order of the repeat.
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// The root node.
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef {
            doc: self,
            id: self.root,
        }
    }

    /// Visits every node reachable from `from` once (aliases make the tree
    /// a DAG; visiting each node once keeps walks linear), depth first.
    pub fn walk<'a>(&'a self, from: NodeRef<'a>, mut visit: impl FnMut(NodeRef<'a>)) {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![from.id];
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            let node = NodeRef { doc: self, id };
            visit(node);
            match &self.nodes[id as usize].kind {
                NodeKind::Scalar { .. } => {}
                NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
                NodeKind::Mapping(entries) => {
                    for (key, value) in entries.iter().rev() {
                        stack.push(*value);
                        stack.push(*key);
                    }
                }
            }
        }
    }
}

/// A node together with the document that owns it.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node().fmt(f)
    }
}

impl<'a> NodeRef<'a> {
    fn node(&self) -> &'a Node {
        &self.doc.nodes[self.id as usize]
    }

    /// The node's index in its document; aliases share it with their anchor.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// Byte offset where this node starts.
    pub fn start(&self) -> usize {
        self.node().start
    }

    /// Byte length of this node's span.
    pub fn len(&self) -> usize {
        self.node().end.saturating_sub(self.node().start)
    }

    /// Whether the node's span is empty (an implicit null).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The node's local tag (`!Ref`, `!Sub`…), if any.
    pub fn tag(&self) -> Option<&'a str> {
        self.node().tag.as_deref()
    }

    /// The scalar's text, for any scalar (quoted or not, null included).
    pub fn as_str(&self) -> Option<&'a str> {
        match &self.node().kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The scalar's text unless it is a YAML null.
    pub fn as_text(&self) -> Option<&'a str> {
        if self.is_null() {
            None
        } else {
            self.as_str()
        }
    }

    /// Whether the node is an unquoted scalar (so it can be a number,
    /// boolean or null rather than a string).
    pub fn is_plain(&self) -> bool {
        matches!(&self.node().kind, NodeKind::Scalar { plain: true, .. })
    }

    /// Whether the node is a YAML null (`null`, `~` or nothing).
    pub fn is_null(&self) -> bool {
        matches!(&self.node().kind, NodeKind::Scalar { value, plain: true }
            if matches!(&**value, "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar as a boolean (`true`/`false` in any case YAML 1.2 allows).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// The scalar as a number, for plain or quoted scalars that parse as one.
    pub fn as_f64(&self) -> Option<f64> {
        let text = self.as_str()?.trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<f64>().ok().filter(|value| value.is_finite())
    }

    /// The scalar as a non-negative whole number.
    pub fn as_u64(&self) -> Option<u64> {
        let text = self.as_str()?.trim();
        text.parse::<u64>().ok()
    }

    /// Whether this node is a mapping.
    pub fn is_mapping(&self) -> bool {
        matches!(self.node().kind, NodeKind::Mapping(_))
    }

    /// Whether this node is a sequence.
    pub fn is_sequence(&self) -> bool {
        matches!(self.node().kind, NodeKind::Sequence(_))
    }

    /// The mapping's entries in source order (empty for other nodes).
    /// Merge keys (`<<`) are returned as written, not expanded.
    pub fn entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let entries: &'a [(NodeId, NodeId)] = match &self.node().kind {
            NodeKind::Mapping(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(move |&(key, value)| (NodeRef { doc, id: key }, NodeRef { doc, id: value }))
    }

    /// The sequence's items (empty for other nodes).
    pub fn items(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let doc = self.doc;
        let items: &'a [NodeId] = match &self.node().kind {
            NodeKind::Sequence(items) => items,
            _ => &[],
        };
        items.iter().map(move |&id| NodeRef { doc, id })
    }

    /// The entry (key node, value node) for `key` in this mapping, looking
    /// into merge keys (`<<: *base`) when the key is not set directly.
    pub fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entry_within(key, 8)
    }

    fn entry_within(&self, key: &str, merge_depth: u8) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let mut merged = None;
        for (entry_key, value) in self.entries() {
            match entry_key.as_str() {
                Some(text) if text == key => return Some((entry_key, value)),
                Some("<<") if merged.is_none() && merge_depth > 0 => merged = Some(value),
                _ => {}
            }
        }
        let merged = merged?;
        if merged.is_mapping() {
            return merged.entry_within(key, merge_depth - 1);
        }
        merged
            .items()
            .find_map(|base| base.entry_within(key, merge_depth - 1))
    }

    /// The value for `key` in this mapping.
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, value)| value)
    }

    /// The value at a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<NodeRef<'a>> {
        keys.iter().try_fold(*self, |node, key| node.get(key))
    }

    /// The document this node belongs to.
    pub fn document(&self) -> &'a Document {
        self.doc
    }
}

/// How a key compares with the other keys of its mapping: plain scalars
/// that read as null, booleans or numbers are not the same key as the quoted
/// text (`1` and `"1"` differ, `a` and `"a"` do not).
fn key_identity(node: &Node) -> Option<(bool, &str)> {
    let NodeKind::Scalar { value, plain } = &node.kind else {
        return None;
    };
    let typed = *plain
        && (matches!(
            &**value,
            "" | "~"
                | "null"
                | "Null"
                | "NULL"
                | "true"
                | "True"
                | "TRUE"
                | "false"
                | "False"
                | "FALSE"
        ) || value.parse::<f64>().is_ok());
    Some((typed, value))
}

/// Resolves a mapping's entries as the reference tools do: a repeated key
/// keeps its first position and takes the later key and value; each repeat
/// is recorded (merge keys `<<` are left as written).
pub(super) fn resolve_duplicates(
    nodes: &[Node],
    entries: Vec<(NodeId, NodeId)>,
    duplicates: &mut Vec<DuplicateKey>,
) -> Vec<(NodeId, NodeId)> {
    // Small mappings (most of them) compare pairwise; large ones hash.
    const LINEAR: usize = 16;
    let key = |id: NodeId| {
        let node = &nodes[id as usize];
        key_identity(node).filter(|(typed, text)| !(!typed && *text == "<<" && is_plain(node)))
    };
    let mut kept: Vec<(NodeId, NodeId)> = Vec::with_capacity(entries.len());
    let mut index: Option<HashMap<(bool, &str), usize>> = None;
    for (key_id, value_id) in entries {
        let Some(identity) = key(key_id) else {
            kept.push((key_id, value_id));
            continue;
        };
        if index.is_none() && kept.len() >= LINEAR {
            let mut built = HashMap::with_capacity(kept.len() * 2);
            for (position, &(k, _)) in kept.iter().enumerate() {
                if let Some(id) = key(k) {
                    built.insert(id, position);
                }
            }
            index = Some(built);
        }
        let earlier = match &index {
            Some(index) => index.get(&identity).copied(),
            None => kept.iter().position(|&(k, _)| key(k) == Some(identity)),
        };
        match earlier {
            Some(position) => {
                let first = nodes[kept[position].0 as usize].start;
                let node = &nodes[key_id as usize];
                duplicates.push(DuplicateKey {
                    key: identity.1.into(),
                    first,
                    start: node.start,
                    end: node.end,
                });
                kept[position] = (key_id, value_id);
            }
            None => {
                if let Some(index) = &mut index {
                    index.insert(identity, kept.len());
                }
                kept.push((key_id, value_id));
            }
        }
    }
    kept
}

fn is_plain(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Scalar { plain: true, .. })
}
