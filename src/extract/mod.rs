//! Extract: each input format maps its documents onto the shared model
//! ([`crate::model::Workload`]). This is the only stage that knows what a
//! format's fields mean.

pub mod cloudformation;
pub mod kubernetes;
pub mod serverless;
pub mod shared;
pub mod terraform;

use crate::model::Suppression;
use crate::source::{Location, SourceFile};

/// A value the source holds that cannot be used as written (an invalid
/// quantity, an unknown annotation): reported as E001 at its location.
#[derive(Clone, Debug)]
pub struct Problem {
    /// What is wrong and what was expected.
    pub message: String,
    /// Where.
    pub location: Location,
}

/// `# tcolint:ignore=CODE[,CODE] reason` (or `//`) comments inside a block
/// or on the line above it.
pub fn comment_suppressions(
    source: &SourceFile,
    block_start: usize,
    block_end: usize,
) -> Vec<Suppression> {
    let text = &source.text;
    let start_line_begin = text[..block_start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let scan_from = text[..start_line_begin.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    // Trailing blank and comment-only lines belong to what follows the block
    // (a YAML mapping's span runs up to the next key).
    let mut scan_to = block_end.min(text.len());
    while scan_to > block_start {
        let line_begin = text[..scan_to.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if line_begin <= start_line_begin {
            break;
        }
        let line = text[line_begin..scan_to].trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            scan_to = line_begin;
        } else {
            break;
        }
    }
    let mut out = Vec::new();
    let mut offset = scan_from;
    for line in text[scan_from..scan_to].split_inclusive('\n') {
        if let Some(found) = line.find("tcolint:ignore=") {
            let before = line[..found].trim_end();
            if before.ends_with('#') || before.ends_with("//") || before.ends_with("/*") {
                let rest = &line[found + "tcolint:ignore=".len()..];
                let rest = rest.trim_end().trim_end_matches("*/").trim_end();
                let (codes, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let codes: Vec<String> = codes
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect();
                if !codes.is_empty() {
                    out.push(Suppression {
                        codes,
                        reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
                        location: source.location(offset + found, "tcolint:ignore=".len()),
                    });
                }
            }
        }
        offset += line.len();
    }
    out
}
