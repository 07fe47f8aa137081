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
