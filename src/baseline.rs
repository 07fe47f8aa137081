//! Baselines: today's findings recorded in a file (`--write-baseline`) so
//! that later runs (`--baseline`) report only new ones. A finding is keyed
//! by its fingerprint (rule, workload id, file), not its line, so edits
//! that move it do not make it new.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{portable_path, Report};

/// The version of the baseline file's shape.
const BASELINE_VERSION: u32 = 1;

/// The file `--write-baseline` writes and `--baseline` reads.
#[derive(Debug, Deserialize, Serialize)]
pub struct Baseline {
    /// Shape version (1).
    pub schema_version: u32,
    /// The tool that wrote it.
    #[serde(default)]
    pub tool: String,
    /// One entry per recorded finding.
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only `fingerprint` is matched; the rest is for
/// the people reviewing the file.
#[derive(Debug, Deserialize, Serialize)]
pub struct Entry {
    /// `FindingReport::fingerprint()`.
    pub fingerprint: String,
    /// Rule code.
    #[serde(default)]
    pub rule: String,
    /// Workload id.
    #[serde(default)]
    pub workload: Option<String>,
    /// File, as scanned.
    #[serde(default)]
    pub file: String,
    /// The message when recorded.
    #[serde(default)]
    pub message: String,
}

impl Baseline {
    /// The baseline of a report's (unsuppressed) findings, in a stable order.
    pub fn of(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .map(|finding| Entry {
                fingerprint: finding.fingerprint(),
                rule: finding.rule.clone(),
                workload: finding.workload.clone(),
                file: portable_path(&finding.location.file),
                message: finding.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.rule, &a.workload, &a.fingerprint).cmp(&(
                &b.file,
                &b.rule,
                &b.workload,
                &b.fingerprint,
            ))
        });
        Baseline {
            schema_version: BASELINE_VERSION,
            tool: format!("tcolint {}", env!("CARGO_PKG_VERSION")),
            findings,
        }
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())? + "\n";
        std::fs::write(path, text)
            .map_err(|error| format!("cannot write the baseline {}: {error}", path.display()))
    }

    /// Reads a baseline, with a located reason when it is not one.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read the baseline {}: {error}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
            format!(
                "{}:{}:{}: not a tcolint baseline: {error}",
                path.display(),
                error.line(),
                error.column()
            )
        })?;
        if baseline.schema_version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline schema_version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                baseline.schema_version
            ));
        }
        Ok(baseline)
    }

    /// Removes from `report` the findings this baseline records (each
    /// entry hides one finding, so a second occurrence is still new),
    /// updates the severity counts, and returns how many were hidden.
    pub fn apply(&self, report: &mut Report) -> usize {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let before = report.findings.len();
        report.findings.retain(
            |finding| match remaining.get_mut(finding.fingerprint().as_str()) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            },
        );
        let hidden = before - report.findings.len();
        report.count_findings();
        report.summary.baselined = Some(hidden);
        hidden
    }
}
