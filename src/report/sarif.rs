//! `--format sarif`: the report as SARIF 2.1.0, for GitHub code scanning and
//! other SARIF consumers. One run; every built-in rule in `tool.driver.rules`;
//! one result per finding, worst first, then the suppressed findings with an
//! `inSource` suppression (code scanning hides those).
//!
//! Text goes out as plain text only (`message.text`), never interpolated into
//! Markdown; the only Markdown is the rules' own documentation.

use std::io::{self, Write};

use serde::Serialize;

use super::{portable_path, FindingReport, Report};
use crate::rules::{RuleMeta, Severity};

/// The schema the output declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The project's home page, shown by SARIF viewers.
pub const INFORMATION_URI: &str = "https://github.com/tcolint/tcolint";

/// The `partialFingerprints` key of [`FindingReport::fingerprint`].
pub const FINGERPRINT_KEY: &str = "tcolint/v1";

/// The base id relative paths are resolved against.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: ToolComponent<'a>,
    /// Our columns count characters, not UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: OwnedText,
    help: Help<'a>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
    #[serde(skip_serializing_if = "ResultProperties::is_empty")]
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Fingerprints {
    /// [`FINGERPRINT_KEY`] (serde needs a literal).
    #[serde(rename = "tcolint/v1")]
    v1: String,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    workload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monthly_usd: Option<serde_json::Number>,
}

impl ResultProperties<'_> {
    fn is_empty(&self) -> bool {
        self.workload.is_none() && self.monthly_usd.is_none()
    }
}

/// Writes the report as SARIF 2.1.0.
pub fn write(report: &Report, rules: &[RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    // Suppressed findings follow, in the report's order (file, line,
    // column, rule).
    let results = report
        .sorted_findings()
        .into_iter()
        .map(|finding| result(finding, rules, false))
        .chain(report.suppressed.iter().map(|f| result(f, rules, true)))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: SARIF_VERSION,
        runs: [Run {
            tool: ToolComponent {
                driver: Driver {
                    name: "tcolint",
                    version: report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut buffered = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut buffered, &log).map_err(super::json::io_error)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Tags by code prefix, for filtering in SARIF viewers.
fn tags(code: &str) -> [&'static str; 2] {
    let kind = if code.starts_with("TCO") {
        "tco"
    } else if code.starts_with("LAT") {
        "latency"
    } else if code.starts_with("FIT") {
        "fit"
    } else {
        "correctness"
    };
    [kind, "ai-infrastructure"]
}

/// The first paragraph of Markdown that is not a heading, joined to one line.
fn first_paragraph(markdown: &str) -> Option<String> {
    markdown
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn rule(meta: &RuleMeta) -> Rule<'_> {
    Rule {
        id: &meta.code,
        name: &meta.name,
        short_description: Text {
            text: &meta.summary,
        },
        full_description: OwnedText {
            text: first_paragraph(&meta.documentation).unwrap_or_else(|| meta.summary.clone()),
        },
        help: Help {
            text: &meta.documentation,
            markdown: &meta.documentation,
        },
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: tags(&meta.code),
        },
    }
}

fn result<'a>(finding: &'a FindingReport, rules: &[RuleMeta], suppressed: bool) -> SarifResult<'a> {
    let location = &finding.location;
    let (uri, uri_base_id) = artifact_uri(&location.file);
    SarifResult {
        rule_id: &finding.rule,
        rule_index: rules.iter().position(|r| r.code == finding.rule),
        level: level(finding.severity),
        message: Text {
            text: &finding.message,
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                region: Region {
                    start_line: location.line.max(1),
                    start_column: location.column.max(1),
                    end_line: location.end_line.max(location.line).max(1),
                    end_column: location.end_column.max(1),
                },
            },
        }],
        partial_fingerprints: Fingerprints {
            v1: finding.fingerprint(),
        },
        suppressions: suppressed.then_some([Suppression {
            kind: "inSource",
            justification: finding.reason.as_deref(),
        }]),
        properties: ResultProperties {
            workload: finding.workload.as_deref(),
            monthly_usd: finding.monthly_usd.and_then(money),
        },
    }
}

/// A dollar amount to the cent, as an integer when whole (as in the JSON report).
fn money(value: f64) -> Option<serde_json::Number> {
    let rounded = crate::numbers::round(value, 2);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        Some(serde_json::Number::from(rounded as i64))
    } else {
        serde_json::Number::from_f64(rounded)
    }
}

/// The artifact URI of a path as given, and its base id: a relative path is
/// relative to `%SRCROOT%`; an absolute path becomes a `file://` URI.
pub fn artifact_uri(file: &str) -> (String, Option<&'static str>) {
    let path = portable_path(file);
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with("//") {
        // A UNC path (\\server\share): the server is the authority.
        (format!("file:{}", encode_path(&path, true)), None)
    } else if path.starts_with('/') {
        (format!("file://{}", encode_path(&path, true)), None)
    } else if drive {
        (format!("file:///{}", encode_path(&path, true)), None)
    } else {
        (encode_path(&path, false), Some(SRCROOT))
    }
}

/// Percent-encodes what may not appear in a URI path: everything but
/// unreserved characters, sub-delimiters, `@`, `/` and (in an absolute URI)
/// `:`. A relative reference escapes `:` so its first segment cannot read as
/// a scheme. Non-ASCII is encoded as its UTF-8 bytes.
pub fn encode_path(path: &str, absolute: bool) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&byte)
            || (absolute && byte == b':');
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Error), "error");
        assert_eq!(level(Severity::Warning), "warning");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn relative_uris() {
        assert_eq!(
            artifact_uri("./k8s/app.yaml"),
            ("k8s/app.yaml".to_string(), Some("%SRCROOT%"))
        );
        assert_eq!(artifact_uri("k8s\\a b.yaml").0, "k8s/a%20b.yaml");
        assert_eq!(
            artifact_uri("we#ird?100%/x\n\t.yaml").0,
            "we%23ird%3F100%25/x%0A%09.yaml"
        );
        assert_eq!(artifact_uri("modèle.yaml").0, "mod%C3%A8le.yaml");
        assert_eq!(artifact_uri("<stdin>").0, "%3Cstdin%3E");
        assert_eq!(artifact_uri("a|b`c\"d{e}").0, "a%7Cb%60c%22d%7Be%7D");
        // A colon would make the first segment a scheme.
        assert_eq!(artifact_uri("c:x.yaml").0, "c%3Ax.yaml");
        assert_eq!(artifact_uri("k8s/a::b.yaml").0, "k8s/a%3A%3Ab.yaml");
        assert_eq!(
            artifact_uri("ok-_.~!$&'()*+,;=@.yaml").0,
            "ok-_.~!$&'()*+,;=@.yaml"
        );
    }

    #[test]
    fn absolute_uris() {
        assert_eq!(
            artifact_uri("/srv/app/a b.yaml"),
            ("file:///srv/app/a%20b.yaml".to_string(), None)
        );
        assert_eq!(
            artifact_uri("C:\\work\\app.yaml"),
            ("file:///C:/work/app.yaml".to_string(), None)
        );
        assert_eq!(
            artifact_uri("\\\\server\\share\\x.yaml"),
            ("file://server/share/x.yaml".to_string(), None)
        );
    }

    #[test]
    fn first_paragraphs() {
        assert_eq!(
            first_paragraph("## What\n\nOne\ntwo.\n\nThree.").as_deref(),
            Some("One two.")
        );
        assert_eq!(first_paragraph("# Only a heading"), None);
    }

    #[test]
    fn hostile_text_stays_plain() {
        let hostile = "a\nb <script>x</script> | `c` ::error::d %0A";
        let finding = FindingReport {
            rule: "TCO001".into(),
            name: "idle-gpu-capacity".into(),
            severity: Severity::Info,
            message: hostile.into(),
            workload: Some(hostile.into()),
            location: super::super::LocationReport {
                file: "dir/<b>|`x`::y %.yaml".into(),
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 9,
                offset: 0,
                len: 6,
            },
            monthly_usd: Some(12.0),
            reason: Some(hostile.into()),
            assumed: None,
        };
        let value = serde_json::to_value(result(&finding, &[], true)).unwrap();
        assert_eq!(value["message"], serde_json::json!({ "text": hostile }));
        assert_eq!(value["level"], "note");
        assert!(value.get("ruleIndex").is_none(), "unknown rule: no index");
        assert_eq!(
            value["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "dir/%3Cb%3E%7C%60x%60%3A%3Ay%20%25.yaml"
        );
        assert_eq!(value["suppressions"][0]["justification"], hostile);
        assert_eq!(value["properties"]["monthly_usd"], 12);
        assert_eq!(
            value["partialFingerprints"][FINGERPRINT_KEY],
            finding.fingerprint()
        );
    }

    #[test]
    fn tags_by_prefix() {
        assert_eq!(tags("TCO001")[0], "tco");
        assert_eq!(tags("LAT002")[0], "latency");
        assert_eq!(tags("FIT003")[0], "fit");
        assert_eq!(tags("GPU001")[0], "correctness");
        assert_eq!(tags("E001"), ["correctness", "ai-infrastructure"]);
    }
}
