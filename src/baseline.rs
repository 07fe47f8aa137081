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

/// Why a baseline cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file cannot be read.
    #[error("cannot read the baseline {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file cannot be written.
    #[error("cannot write the baseline {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a baseline, at `line:column`.
    #[error("{path}:{line}:{column}: not a tcolint baseline: {source}")]
    Invalid {
        /// The file.
        path: String,
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
        /// What serde_json says.
        source: serde_json::Error,
    },
    /// A baseline of another schema version.
    #[error(
        "{path}: baseline schema_version {found} is not supported (expected {BASELINE_VERSION})"
    )]
    Version {
        /// The file.
        path: String,
        /// The version it has.
        found: u32,
    },
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
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let text = serde_json::to_string_pretty(self).expect("a baseline serialises") + "\n";
        std::fs::write(path, text).map_err(|source| BaselineError::Write {
            path: path.display().to_string(),
            source,
        })
    }

    /// Reads a baseline, with a located reason when it is not one.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = || path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown(),
            source,
        })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|source| BaselineError::Invalid {
                path: shown(),
                line: source.line(),
                column: source.column(),
                source,
            })?;
        if baseline.schema_version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: shown(),
                found: baseline.schema_version,
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_which_file_and_what_is_wrong() {
        let dir = crate::test_support::temp_folder("baseline-errors");
        let missing = dir.join("missing.json");
        let error = Baseline::read(&missing).unwrap_err();
        assert!(matches!(error, BaselineError::Read { .. }));
        assert!(error.to_string().starts_with("cannot read the baseline "));

        let invalid = dir.join("invalid.json");
        std::fs::write(&invalid, "{\n  \"schema_version\": \"one\"\n}\n").unwrap();
        let error = Baseline::read(&invalid).unwrap_err();
        assert!(
            matches!(error, BaselineError::Invalid { line: 2, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("invalid.json:2:"), "{error}");

        let future = dir.join("future.json");
        std::fs::write(
            &future,
            "{\"schema_version\": 9, \"tool\": \"x\", \"findings\": []}",
        )
        .unwrap();
        let error = Baseline::read(&future).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("baseline schema_version 9 is not supported (expected 1)"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
