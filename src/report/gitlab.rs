//! `--format gitlab`: a GitLab Code Quality report (the Code Climate issue
//! subset GitLab reads), for `artifacts:reports:codequality`.
//!
//! A JSON array, UTF-8 without a byte order mark, one object per
//! unsuppressed finding, worst first (see [`Report::sorted_findings`]):
//!
//! ```json
//! {
//!   "description": "TCO001: k8s:Deployment/ml/x keeps 1 x nvidia.com/gpu always on ...",
//!   "check_name": "TCO001",
//!   "fingerprint": "97d354866d1ded0d",
//!   "severity": "major",
//!   "location": { "path": "k8s/app.yaml", "lines": { "begin": 12, "end": 12 } }
//! }
//! ```
//!
//! Severity mapping: `info` → `info`, `warning` → `major`, `error` →
//! `critical` (GitLab's `minor` and `blocker` are not used).
//!
//! The fingerprint is [`FindingReport::fingerprint`] (rule, workload and
//! file; the same as SARIF's and the baseline's), so an issue keeps its
//! identity when lines move. GitLab needs fingerprints unique within a
//! report: when several findings share one (same rule, workload and file),
//! the first in sorted order keeps it and the next ones get `-2`, `-3`, …
//! appended. Suppressed findings are left out.

use std::collections::HashMap;

use serde::Serialize;

use super::{portable_path, FindingReport, Report};
use crate::rules::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's severity for a finding's.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// GitLab Code Quality report: a JSON array, no BOM, with a final newline.
pub fn render(report: &Report) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = report
        .sorted_findings()
        .into_iter()
        .map(|finding| {
            let base = finding.fingerprint();
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            let fingerprint = if *count == 1 {
                base
            } else {
                format!("{base}-{count}")
            };
            issue(finding, fingerprint)
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&issues).expect("a Code Quality report always serializes");
    out.push('\n');
    out
}

fn issue(finding: &FindingReport, fingerprint: String) -> Issue<'_> {
    let location = &finding.location;
    Issue {
        description: format!("{}: {}", finding.rule, finding.message),
        check_name: &finding.rule,
        fingerprint,
        severity: severity(finding.severity),
        location: Location {
            path: portable_path(&location.file),
            lines: Lines {
                begin: location.line,
                end: location.end_line.max(location.line),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::github::tests::{
        cold_lat001, hostile_file_name, hostile_report, HOSTILE_NAME,
    };
    use crate::report::LocationReport;
    use serde_json::Value;
    use std::collections::HashSet;

    fn parse(output: &str) -> Vec<Value> {
        assert!(!output.starts_with('\u{feff}'), "no BOM");
        assert!(output.ends_with("]\n"));
        match serde_json::from_str::<Value>(output).expect("valid JSON") {
            Value::Array(items) => items,
            other => panic!("not an array: {other}"),
        }
    }

    #[test]
    fn serverless_cold_start_issue() {
        let report = cold_lat001();
        let output = render(&report);
        let items = parse(&output);
        assert_eq!(items.len(), 1, "{output}");
        let item = &items[0];
        assert_eq!(item["check_name"], "LAT001");
        assert_eq!(item["severity"], "major");
        assert_eq!(
            item["location"]["path"],
            "fixtures/serverless/cold/serverless.yml"
        );
        assert_eq!(item["location"]["lines"]["begin"], 47);
        assert_eq!(item["location"]["lines"]["end"], 47);
        assert_eq!(item["fingerprint"], report.findings[0].fingerprint());
        assert_eq!(
            item["description"],
            format!("LAT001: {}", report.findings[0].message)
        );
        // Key order is fixed.
        assert!(output.starts_with("[\n  {\n    \"description\": \"LAT001: "));
    }

    #[test]
    fn hostile_text_survives_json() {
        let (report, dir) = hostile_report("gitlab-hostile");
        let output = render(&report);
        let _ = std::fs::remove_dir_all(&dir);
        let items = parse(&output);
        assert_eq!(items.len(), report.findings.len());
        assert_eq!(items.len(), 2);
        for (item, finding) in items.iter().zip(report.sorted_findings()) {
            let description = item["description"].as_str().unwrap();
            assert!(description.starts_with(&format!("{}: ", finding.rule)));
            assert_eq!(
                description,
                format!("{}: {}", finding.rule, finding.message)
            );
            assert_eq!(item["check_name"], finding.rule.as_str());
            let path = item["location"]["path"].as_str().unwrap();
            assert_eq!(path, portable_path(&finding.location.file));
            assert!(path.ends_with(hostile_file_name()));
        }
        assert_eq!(items[0]["severity"], "critical");
        assert_eq!(items[1]["severity"], "major");
        let tco = items.iter().find(|i| i["check_name"] == "TCO001").unwrap();
        assert!(tco["description"].as_str().unwrap().contains(HOSTILE_NAME));
        // The raw output has no raw control characters inside strings.
        assert!(!output.contains('\r'));
        assert!(output.contains("\\n::error file=x.yaml"));
        let fingerprints: HashSet<&str> = items
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fingerprints.len(), items.len());
    }

    #[test]
    fn shared_fingerprints_are_made_unique() {
        let mut report = cold_lat001();
        let base = report.findings[0].fingerprint();
        for line in [60, 50] {
            let original = &report.findings[0];
            report.findings.push(FindingReport {
                rule: original.rule.clone(),
                name: original.name.clone(),
                severity: original.severity,
                message: format!("{} (line {line})", original.message),
                workload: original.workload.clone(),
                location: LocationReport {
                    line,
                    end_line: line + 1,
                    ..original.location.clone()
                },
                monthly_usd: None,
                reason: None,
                assumed: None,
            });
        }
        let items = parse(&render(&report));
        let fingerprints: Vec<&str> = items
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        // Sorted by line: 47 keeps the fingerprint, then 50, then 60.
        assert_eq!(
            fingerprints,
            [base.clone(), format!("{base}-2"), format!("{base}-3")]
        );
        let begins: Vec<u64> = items
            .iter()
            .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
            .collect();
        assert_eq!(begins, [47, 50, 60]);
        assert_eq!(items[1]["location"]["lines"]["end"], 51);
        // Deterministic.
        assert_eq!(render(&report), render(&report));
    }

    #[test]
    fn severities_and_suppressed() {
        assert_eq!(severity(Severity::Info), "info");
        assert_eq!(severity(Severity::Warning), "major");
        assert_eq!(severity(Severity::Error), "critical");
        let mut report = cold_lat001();
        let moved = report.findings.remove(0);
        report.suppressed.push(moved);
        assert_eq!(render(&report), "[]\n");
    }
}
