//! Parse: one module per input syntax. Parsers keep source positions and
//! know nothing of what the documents mean. YAML and JSON parse into the
//! same span-keeping node tree ([`tree`]), so extractors read either.

pub mod hcl;
pub mod json;
pub mod tree;
pub mod yaml;

use std::fmt;

use tree::{Document, SyntaxError};
use yaml::Limits;

/// The syntax a structured file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// JSON, with serde_json's semantics.
    Json,
    /// YAML (a stream of documents).
    Yaml,
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Syntax::Json => "JSON",
            Syntax::Yaml => "YAML",
        })
    }
}

/// Reads a structured (non-HCL) file: as JSON when it is named `*.json` or
/// starts like JSON (`{` or `[`, as kubectl sniffs), as YAML otherwise. A
/// file not named `.json` that starts like JSON but is not valid JSON (a
/// YAML flow mapping such as `{a: 1}`) is read as YAML.
pub fn structured(
    text: &str,
    named_json: bool,
    limits: &Limits,
) -> (Syntax, Vec<Result<Document, SyntaxError>>) {
    if named_json || json::looks_like_json(text) {
        match json::parse(text, limits) {
            Ok(document) => return (Syntax::Json, vec![Ok(document)]),
            Err(error) if named_json => return (Syntax::Json, vec![Err(error)]),
            Err(_) => {}
        }
    }
    (Syntax::Yaml, yaml::parse_stream(text, limits))
}
