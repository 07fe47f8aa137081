//! Helpers shared by the unit tests of several modules.

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::report::{FindingReport, LocationReport, Report};
use crate::rules::Severity;
use crate::scan::{self, Options};

/// A warning finding on one line of `file`, for tests of what keys and
/// orders findings.
pub fn finding(rule: &str, workload: &str, file: &str, line: u32) -> FindingReport {
    FindingReport {
        rule: rule.into(),
        name: String::new(),
        severity: Severity::Warning,
        message: String::new(),
        workload: Some(workload.into()),
        location: LocationReport {
            file: file.into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            offset: 0,
            len: 1,
        },
        monthly_usd: None,
        reason: None,
    }
}

/// Scans `paths` in-process with the default configuration.
pub fn scan(paths: &[&str]) -> Report {
    let rules = crate::rules::builtin().expect("rules");
    let catalog = Catalog::embedded().expect("catalogue");
    let config = Config::default();
    let settings = config.rule_settings(&rules, &[], &[]);
    let options = Options::for_paths(paths.iter().map(|p| p.to_string()).collect());
    scan::check(&options, &config, &catalog, &settings).expect("scan")
}

/// A fresh, empty folder in the temp directory.
pub fn temp_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcolint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}
