//! The rule catalogue. Each rule's metadata and documentation is a data
//! file under `rules/` (YAML front matter, Markdown body), embedded at build
//! time; its detection logic is one Rust module here.

mod fit001;
mod fit002;
mod fit003;
mod gpu001;
mod gpu002;
mod lat001;
mod lat002;
mod tco001;
mod tco002;
mod tco003;
mod tco004;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::analyze::Assessment;
use crate::parse::yaml::{parse_stream, Limits};
use crate::source::Location;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Costs money or latency.
    Warning,
    /// Breaks a deploy or an SLO.
    Error,
}

impl Severity {
    /// Parses `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's metadata and documentation, from `rules/<CODE>.md`.
#[derive(Clone, Debug, Serialize)]
pub struct RuleMeta {
    /// Stable code (`TCO001`).
    pub code: String,
    /// Kebab-case name (`idle-gpu-capacity`).
    pub name: String,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// Thresholds and their defaults.
    pub thresholds: BTreeMap<String, f64>,
    /// Markdown: what it detects, why, how to fix, how to suppress.
    #[serde(skip)]
    pub documentation: String,
}

const RULE_FILES: [(&str, &str); 13] = [
    ("E001.md", include_str!("../../rules/E001.md")),
    ("GPU001.md", include_str!("../../rules/GPU001.md")),
    ("GPU002.md", include_str!("../../rules/GPU002.md")),
    ("TCO001.md", include_str!("../../rules/TCO001.md")),
    ("LAT002.md", include_str!("../../rules/LAT002.md")),
    ("TCO004.md", include_str!("../../rules/TCO004.md")),
    ("LAT001.md", include_str!("../../rules/LAT001.md")),
    ("TCO002.md", include_str!("../../rules/TCO002.md")),
    ("TCO003.md", include_str!("../../rules/TCO003.md")),
    ("FIT001.md", include_str!("../../rules/FIT001.md")),
    ("FIT002.md", include_str!("../../rules/FIT002.md")),
    ("FIT003.md", include_str!("../../rules/FIT003.md")),
    ("SUP001.md", include_str!("../../rules/SUP001.md")),
];

/// The code of the invalid-input rule, raised by the parse and extract stages.
pub const INVALID_INPUT: &str = "E001";

/// The code reported for a suppression that silences nothing.
pub const UNUSED_SUPPRESSION: &str = "SUP001";

type Check = fn(&Assessment<'_>, &RuleSettings) -> Vec<Draft>;

/// The detection logic for each code with one.
fn check_for(code: &str) -> Option<Check> {
    match code {
        "GPU001" => Some(gpu001::check),
        "GPU002" => Some(gpu002::check),
        "TCO001" => Some(tco001::check),
        "LAT002" => Some(lat002::check),
        "TCO004" => Some(tco004::check),
        "LAT001" => Some(lat001::check),
        "TCO002" => Some(tco002::check),
        "TCO003" => Some(tco003::check),
        "FIT001" => Some(fit001::check),
        "FIT002" => Some(fit002::check),
        "FIT003" => Some(fit003::check),
        _ => None,
    }
}

/// Every built-in rule, in code order.
pub fn builtin() -> Result<Vec<RuleMeta>, String> {
    let mut rules = Vec::new();
    for (file, text) in RULE_FILES {
        rules.push(parse_rule_file(file, text)?);
    }
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rules)
}

fn parse_rule_file(file: &str, text: &str) -> Result<RuleMeta, String> {
    let body = text
        .strip_prefix("---\n")
        .ok_or_else(|| format!("rules/{file}: must start with a `---` front-matter line"))?;
    let (front, documentation) = body
        .split_once("\n---\n")
        .ok_or_else(|| format!("rules/{file}: front matter is not closed by `---`"))?;
    let documents = parse_stream(front, &Limits::default());
    let front = match documents.into_iter().next() {
        Some(Ok(document)) => document,
        Some(Err(error)) => return Err(format!("rules/{file}: {}", error.message)),
        None => return Err(format!("rules/{file}: empty front matter")),
    };
    let root = front.root();
    let field = |key: &str| -> Result<String, String> {
        root.get(key)
            .and_then(|value| value.as_text())
            .map(str::to_string)
            .ok_or_else(|| format!("rules/{file}: front matter needs `{key}`"))
    };
    let code = field("code")?;
    if format!("{code}.md") != file {
        return Err(format!(
            "rules/{file}: code {code} does not match the file name"
        ));
    }
    let severity = Severity::parse(&field("severity")?)
        .ok_or_else(|| format!("rules/{file}: severity must be error, warning or info"))?;
    let mut thresholds = BTreeMap::new();
    for (key, value) in root.get("thresholds").iter().flat_map(|t| t.entries()) {
        let (Some(key), Some(value)) = (key.as_text(), value.as_f64()) else {
            return Err(format!(
                "rules/{file}: thresholds must map names to numbers"
            ));
        };
        thresholds.insert(key.to_string(), value);
    }
    Ok(RuleMeta {
        code,
        name: field("name")?,
        severity,
        summary: field("summary")?,
        thresholds,
        documentation: documentation.trim().to_string(),
    })
}

/// A rule as configured for this run.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    /// The rule's metadata.
    pub meta: RuleMeta,
    /// Effective severity.
    pub severity: Severity,
    /// Effective thresholds (defaults merged with configuration).
    pub thresholds: BTreeMap<String, f64>,
}

impl RuleSettings {
    /// A threshold's effective value.
    pub fn threshold(&self, name: &str) -> f64 {
        self.thresholds.get(name).copied().unwrap_or(f64::NAN)
    }
}

/// What a rule's check returns; the runner adds code, severity, workload.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The finding's message.
    pub message: String,
    /// Where it points.
    pub location: Location,
    /// The monthly cost the finding is about, if any.
    pub monthly_usd: Option<f64>,
    /// Raise the severity to error (LAT002 with an SLO that is exceeded).
    pub escalate: bool,
}

/// One finding, as every output format renders it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub name: String,
    /// Effective severity.
    pub severity: Severity,
    /// What is wrong, with its numbers.
    pub message: String,
    /// The workload it is about, if any.
    pub workload: Option<String>,
    /// Where it points.
    pub location: Location,
    /// The monthly cost it is about, if any.
    pub monthly_usd: Option<f64>,
    /// The suppression's reason, when a suppression matched.
    pub suppressed: Option<Option<String>>,
}

/// Runs every enabled rule with logic over one assessed workload.
pub fn run(assessment: &Assessment<'_>, rules: &[RuleSettings], out: &mut Vec<Finding>) {
    for settings in rules {
        let Some(check) = check_for(&settings.meta.code) else {
            continue;
        };
        for draft in check(assessment, settings) {
            let workload = assessment.workload;
            let suppressed = workload
                .suppressions
                .iter()
                .find(|s| s.matches(&settings.meta.code))
                .map(|s| s.reason.clone());
            out.push(Finding {
                code: settings.meta.code.clone(),
                name: settings.meta.name.clone(),
                severity: if draft.escalate {
                    Severity::Error
                } else {
                    settings.severity
                },
                message: draft.message,
                workload: Some(workload.id.clone()),
                location: draft.location,
                monthly_usd: draft.monthly_usd,
                suppressed,
            });
        }
    }
}

/// SUP001: the suppressions written on `workload` that silenced none of
/// `findings` (all of this run's findings on it). Suppressions naming only
/// rules that are not enabled are not judged.
pub fn unused_suppressions(
    workload: &crate::model::Workload,
    findings: &[&Finding],
    rules: &[RuleSettings],
) -> Vec<Finding> {
    let Some(settings) = rules.iter().find(|r| r.meta.code == UNUSED_SUPPRESSION) else {
        return Vec::new();
    };
    let enabled = |code: &str| {
        rules
            .iter()
            .any(|r| r.meta.code != UNUSED_SUPPRESSION && r.meta.code.starts_with(code))
    };
    workload
        .suppressions
        .iter()
        .filter(|suppression| suppression.codes.iter().any(|code| enabled(code)))
        .filter(|suppression| {
            !findings
                .iter()
                .any(|finding| finding.suppressed.is_some() && suppression.matches(&finding.code))
        })
        .map(|suppression| Finding {
            code: settings.meta.code.clone(),
            name: settings.meta.name.clone(),
            severity: settings.severity,
            message: format!(
                "the suppression of {} on {} matches no finding in this run; delete it or narrow it",
                suppression.codes.join(", "),
                workload.id
            ),
            workload: Some(workload.id.clone()),
            location: suppression.location.clone(),
            monthly_usd: None,
            suppressed: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_parses_and_documents_itself() {
        let rules = builtin().unwrap();
        let codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "E001", "FIT001", "FIT002", "FIT003", "GPU001", "GPU002", "LAT001", "LAT002",
                "SUP001", "TCO001", "TCO002", "TCO003", "TCO004"
            ]
        );
        for rule in &rules {
            for section in [
                "## What it detects",
                "## Why it matters",
                "## How to fix",
                "## How to suppress",
            ] {
                assert!(
                    rule.documentation.contains(section),
                    "{} lacks {section}",
                    rule.code
                );
            }
            assert!(rule
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(
                rule.code == INVALID_INPUT
                    || rule.code == UNUSED_SUPPRESSION
                    || check_for(&rule.code).is_some()
            );
        }
        let tco = rules.iter().find(|r| r.code == "TCO001").unwrap();
        assert_eq!(tco.thresholds.get("min-utilization"), Some(&0.4));
    }

    #[test]
    fn malformed_rule_files_are_rejected_with_a_reason() {
        assert!(parse_rule_file("X1.md", "no front matter")
            .unwrap_err()
            .contains("must start"));
        let wrong = "---\ncode: X2\nname: x\nseverity: loud\nsummary: s\n---\nbody";
        assert!(parse_rule_file("X2.md", wrong)
            .unwrap_err()
            .contains("severity"));
        let mismatch = "---\ncode: X3\nname: x\nseverity: info\nsummary: s\n---\nbody";
        assert!(parse_rule_file("X4.md", mismatch)
            .unwrap_err()
            .contains("does not match"));
    }
}
