//! Helpers shared by the unit tests of several modules.

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::report::{FindingReport, LocationReport, Report};
use crate::rules::{Severity, Threshold};
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
        assumed: None,
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

/// Scans `text`, written to `file_name` in a fresh folder, in-process with
/// the default configuration and only the rules `select` names, with
/// `thresholds` overriding their defaults.
pub fn scan_text(
    file_name: &str,
    text: &str,
    select: &[&str],
    thresholds: &[(Threshold, f64)],
) -> Report {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = temp_folder(&format!("rule-{}-{run}", select.join("-")));
    let path = dir.join(file_name);
    std::fs::write(&path, text).expect("fixture written");
    let rules = crate::rules::builtin().expect("rules");
    let catalog = Catalog::embedded().expect("catalogue");
    let config = Config::default();
    let select: Vec<String> = select.iter().map(|code| code.to_string()).collect();
    let mut settings = config.rule_settings(&rules, &select, &[]);
    for (key, value) in thresholds {
        let rule = settings
            .iter_mut()
            .find(|settings| settings.meta.code == key.rule())
            .expect("the threshold's rule is selected");
        rule.thresholds.insert(key.name().to_string(), *value);
    }
    let options = Options::for_paths(vec![dir.to_string_lossy().into_owned()]);
    let report = scan::check(&options, &config, &catalog, &settings).expect("scan");
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// The findings of rule `code` on `text` (see [`scan_text`]), suppressed
/// ones included, in report order. Panics unless `text` yields a workload
/// and reads without an E001 finding, so a silent case is never silent for
/// want of input.
pub fn rule_findings(
    code: &str,
    thresholds: &[(Threshold, f64)],
    file_name: &str,
    text: &str,
) -> Vec<FindingReport> {
    let report = scan_text(file_name, text, &[code, "E001"], thresholds);
    assert!(!report.workloads.is_empty(), "no workload in:\n{text}");
    let invalid: Vec<&str> = report
        .findings
        .iter()
        .filter(|finding| finding.rule == "E001" && code != "E001")
        .map(|finding| finding.message.as_str())
        .collect();
    assert!(invalid.is_empty(), "{invalid:?} in:\n{text}");
    report
        .findings
        .into_iter()
        .chain(report.suppressed)
        .filter(|finding| finding.rule == code)
        .collect()
}

/// A Serverless Framework service (python3.12, us-east-1, 1024 MB and 10 s
/// unless the function says otherwise) with one function `name`: its
/// `settings` and its `usage` profile, one `key: value` line each (event
/// lists as written under the function, indented by four spaces).
pub fn serverless(name: &str, settings: &[&str], usage: &[&str]) -> String {
    let mut text = String::from(
        "service: rules\nprovider:\n  name: aws\n  runtime: python3.12\n  region: us-east-1\n  memorySize: 1024\n  timeout: 10\n",
    );
    if !usage.is_empty() {
        text.push_str(&format!("custom:\n  tcolint:\n    usage:\n      {name}:\n"));
        for line in usage {
            text.push_str(&format!("        {line}\n"));
        }
    }
    text.push_str(&format!(
        "functions:\n  {name}:\n    handler: handler.main\n"
    ));
    for line in settings {
        text.push_str(&format!("    {line}\n"));
    }
    text
}
