//! One fixture where each rule fires and one where it stays silent, at
//! `fixtures/rules/<CODE>/fires` and `fixtures/rules/<CODE>/silent` (a file
//! with any extension, or a folder for formats read per folder). The list of
//! rules comes from the registry, through `tcolint rules`, so a rule without
//! its two fixtures fails here. Each run is snapshotted: the findings (rule,
//! severity, file:line:col, monthly amount, message) and the numbers of each
//! workload, so a silent near miss shows how close it came.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{check_json, run};
use serde_json::Value;

/// Every registered rule code, as `tcolint rules --format json` lists them.
fn registered_codes() -> Vec<String> {
    let (code, stdout, stderr) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rules: Value = serde_json::from_str(&stdout).expect("rules JSON");
    rules
        .as_array()
        .expect("a list of rules")
        .iter()
        .map(|rule| rule["code"].as_str().expect("a code").to_string())
        .collect()
}

/// The fixture named `case` (`fires` or `silent`) of a rule: a file
/// `<case>.<ext>` or a folder `<case>/`.
fn fixture(code: &str, case: &str) -> Result<PathBuf, String> {
    let folder = Path::new("fixtures/rules").join(code);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let entries = std::fs::read_dir(root.join(&folder))
        .map_err(|error| format!("{code}: no folder {} ({error})", folder.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name == case
                || name
                    .strip_prefix(case)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .map(|name| folder.join(name))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("{code}: no {case} fixture in {}", folder.display())),
        _ => Err(format!("{code}: several {case} fixtures: {found:?}")),
    }
}

/// A number as the JSON report has it, or `-` when absent.
fn number(value: &Value) -> String {
    if value.is_null() {
        "-".to_string()
    } else {
        value.to_string()
    }
}

/// The findings and workload numbers of one run, one line each.
fn render(report: &Value) -> String {
    let mut out = String::new();
    for (key, label) in [("findings", "finding"), ("suppressed", "suppressed")] {
        for finding in report[key].as_array().expect("findings") {
            let location = &finding["location"];
            writeln!(
                out,
                "{label} {} {} {}:{}:{} monthly_usd={}\n  {}",
                finding["rule"].as_str().unwrap(),
                finding["severity"].as_str().unwrap(),
                location["file"].as_str().unwrap(),
                location["line"],
                location["column"],
                number(&finding["monthly_usd"]),
                finding["message"].as_str().unwrap()
            )
            .unwrap();
        }
    }
    for workload in report["workloads"].as_array().expect("workloads") {
        let cost = &workload["cost"];
        writeln!(
            out,
            "workload {} ({}) monthly_usd={} idle_monthly_usd={} utilization={} break_even_requests_per_day={} cold_start_s={}",
            workload["id"].as_str().unwrap(),
            workload["platform"].as_str().unwrap(),
            number(&cost["monthly_usd"]),
            number(&cost["idle_monthly_usd"]),
            number(&cost["utilization"]),
            number(&cost["break_even_requests_per_day"]),
            number(&workload["cold_start_s"]),
        )
        .unwrap();
    }
    for skipped in report["skipped"].as_array().expect("skipped") {
        writeln!(
            out,
            "skipped {}: {}",
            skipped["file"].as_str().unwrap(),
            skipped["reason"].as_str().unwrap()
        )
        .unwrap();
    }
    out
}

/// How many findings of `code` the report has, suppressed ones included.
fn count(report: &Value, code: &str) -> usize {
    ["findings", "suppressed"]
        .iter()
        .flat_map(|key| report[key].as_array().expect("findings"))
        .filter(|finding| finding["rule"] == code)
        .count()
}

#[test]
fn every_rule_fires_on_its_fixture_and_stays_silent_on_its_near_miss() {
    let codes = registered_codes();
    assert!(codes.len() >= 13, "{codes:?}");
    let mut problems = Vec::new();
    for code in &codes {
        for case in ["fires", "silent"] {
            let path = match fixture(code, case) {
                Ok(path) => path,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            let path_text = path.to_string_lossy().into_owned();
            let (exit, report) = check_json(&[&path_text]);
            let found = count(&report, code);
            match case {
                "fires" if found == 0 => {
                    problems.push(format!("{code} does not fire on {path_text}"))
                }
                "silent" if found > 0 => {
                    problems.push(format!("{code} fires {found} time(s) on {path_text}"))
                }
                _ => {}
            }
            let snapshot = format!("exit {exit}\n{}", render(&report));
            insta::assert_snapshot!(format!("{code}_{case}"), snapshot);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The rules whose judgement rests on a usage figure that can be defaulted:
/// each has a `defaulted` fixture (the figure assumed: info, exit 0) and a
/// `declared` one (the figure set by a person: the rule's own severity).
const JUDGED_ON_USAGE: [&str; 2] = ["TCO001", "LAT001"];

#[test]
fn severity_follows_evidence_assumed_figures_report_at_info() {
    for code in JUDGED_ON_USAGE {
        for case in ["defaulted", "declared"] {
            let path = fixture(code, case).unwrap_or_else(|problem| panic!("{problem}"));
            let path_text = path.to_string_lossy().into_owned();
            let (exit, report) = check_json(&[&path_text]);
            let own: Vec<&Value> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|finding| finding["rule"] == code)
                .collect();
            assert_eq!(own.len(), 1, "{code} {case}: {report}");
            let finding = own[0];
            if case == "defaulted" {
                assert_eq!(finding["severity"], "info", "{code} {case}");
                assert_eq!(
                    exit, 0,
                    "{code} {case}: an assumption does not fail the scan"
                );
                assert!(finding["assumed"]["fix"]
                    .as_str()
                    .unwrap()
                    .contains("tcolint.yml"));
                assert!(finding["message"]
                    .as_str()
                    .unwrap()
                    .contains("so reported at info; to judge it,"));
            } else {
                assert_ne!(finding["severity"], "info", "{code} {case}");
                assert_eq!(exit, 1, "{code} {case}");
                assert!(finding.get("assumed").is_none(), "{code} {case}");
            }
            let snapshot = format!("exit {exit}\n{}", render(&report));
            insta::assert_snapshot!(format!("{code}_{case}"), snapshot);
        }
    }
}

#[test]
fn the_fixture_folder_holds_only_registered_rules() {
    let codes = registered_codes();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for entry in std::fs::read_dir(root).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            codes.contains(&name),
            "fixtures/rules/{name} names no registered rule"
        );
    }
}
