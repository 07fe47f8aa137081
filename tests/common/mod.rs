//! Helpers shared by the integration tests: run the binary, parse JSON,
//! make scratch folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The tcolint binary, run from the repository root.
pub fn tcolint() -> Command {
    let mut command = Command::cargo_bin("tcolint").expect("binary is built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

/// Runs `tcolint <args>` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = tcolint().args(args).output().expect("tcolint runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `tcolint check --format json <args>` and parses the report.
pub fn check_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}); stderr: {stderr}\nstdout: {stdout}"));
    (code, report)
}

/// The workload with `id`.
pub fn workload<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id}"))
}

/// Findings of one rule, as (file name, line, column, severity, workload).
pub fn findings(report: &Value, key: &str, rule: &str) -> Vec<(String, u64, u64, String, String)> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap();
            (
                Path::new(file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                f["workload"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A fresh scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts a money value to the cent.
pub fn assert_usd(value: &Value, expected: f64, what: &str) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {value} is not a number"));
    assert!(
        (actual - expected).abs() < 0.005,
        "{what}: {actual} != {expected}"
    );
}

/// Writes the benchmark tree of `files` manifests under `root`: fixture
/// `i % n` as `team-*/app-*/manifest-i.yaml` with `-i` appended to its
/// namespace, as bench/k8s-tree.sh does.
pub fn write_bench_tree(root: &Path, files: usize) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/kubernetes");
    let mut sources: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    sources.sort();
    let texts: Vec<String> = sources
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    for i in 0..files {
        let dir = root.join(format!("team-{}/app-{}", i % 50, i / 50 % 20));
        std::fs::create_dir_all(&dir).unwrap();
        let text: String = texts[i % texts.len()]
            .lines()
            .map(|line| match line.strip_prefix("  namespace: ") {
                Some(namespace) => format!("  namespace: {namespace}-{i}\n"),
                None => format!("{line}\n"),
            })
            .collect();
        std::fs::write(dir.join(format!("manifest-{i}.yaml")), text).unwrap();
    }
}

/// Peak RSS in KiB of the largest child this process has waited for.
#[cfg(target_os = "linux")]
pub fn children_peak_rss_kib() -> i64 {
    // SAFETY: getrusage writes one plain-data struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}
