//! `--format json`: the report as pretty-printed JSON.

use super::Report;

/// Renders the report as JSON, with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|error| format!("{{\"error\": \"cannot serialize the report: {error}\"}}"));
    text.push('\n');
    text
}
