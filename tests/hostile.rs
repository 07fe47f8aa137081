//! Hostile input: every case is an E001 finding at a location, and the good
//! file next to it is still analysed. (Speed is measured by the benchmark,
//! not asserted here.)

mod common;

use common::{check_json, findings, scratch, workload};

const GOOD: &str = "apiVersion: v1
kind: Pod
metadata: {name: good, namespace: ok, annotations: {tcolint.io/utilization: '0.1'}}
spec:
  containers:
  - name: c
    resources: {limits: {nvidia.com/gpu: 1, cpu: '1', memory: 1Gi}}
";

fn scan_with(
    name: &str,
    make: impl FnOnce(&std::path::Path),
) -> (serde_json::Value, Vec<(String, u64, u64, String)>) {
    let dir = scratch(name);
    std::fs::write(dir.join("a-good.yaml"), GOOD).unwrap();
    make(&dir);
    let (code, report) = check_json(&["--max-file-size", "16Mi", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{report}");
    workload(&report, "k8s:Pod/ok/good");
    let messages = findings(&report, "findings", "E001")
        .into_iter()
        .map(|(file, line, column, _, _)| (file, line, column))
        .zip(messages(&report))
        .map(|((file, line, column), message)| (file, line, column, message))
        .collect();
    (report, messages)
}

/// The E001 messages, in report order.
fn messages(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "E001")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hcl_the_parser_would_backtrack_over_for_seconds_is_an_error() {
    // tests/inputs/README.md: a fuzzed file that took 4.8 s to reject.
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/fuzz-hcl-backtracking.tf");
    let (_, invalid) = scan_with("hcl-backtracking", |dir| {
        std::fs::copy(&input, dir.join("main.tf")).unwrap();
    });
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let (file, line, _, message) = &invalid[0];
    assert!(file.ends_with("main.tf"), "{file}");
    // The file is one line; the column is where the budget ran out.
    assert_eq!(*line, 1);
    assert!(
        message.contains("invalid HCL") && message.contains("backtracking"),
        "{message}"
    );
}

#[test]
fn billion_laughs_is_cheap_because_aliases_are_not_expanded() {
    let (report, invalid) = scan_with("alias-bomb", |dir| {
        let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut previous = 'a';
        for name in 'b'..='i' {
            text.push_str(&format!("  {name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
            previous = name;
        }
        // A workload whose containers are the bomb: still linear.
        text.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: bomb}\nspec:\n  containers: &c [{name: x}, {name: y}]\n  initContainers: *c\n");
        std::fs::write(dir.join("bomb.yaml"), text).unwrap();
    });
    assert!(invalid.is_empty(), "{invalid:?}");
    workload(&report, "k8s:Pod/default/bomb");
}

#[test]
fn nesting_100000_levels_deep_is_refused_at_the_limit() {
    let (_, invalid) = scan_with("deep", |dir| {
        // The comment names apiVersion so the folder walk does not skip the files as non-infrastructure.
        std::fs::write(
            dir.join("deep-block.yaml"),
            "# apiVersion\n".to_string() + &"- ".repeat(100_000) + "x\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("deep-flow.yaml"),
            "# apiVersion\n".to_string() + &"[".repeat(100_000),
        )
        .unwrap();
        std::fs::write(
            dir.join("deep-map.json"),
            "{\"apiVersion\": ".repeat(100_000),
        )
        .unwrap();
    });
    assert_eq!(invalid.len(), 3, "{invalid:?}");
    let block = invalid.iter().find(|f| f.0 == "deep-block.yaml").unwrap();
    assert!(
        block.3.contains("nesting deeper than 256 levels"),
        "{block:?}"
    );
    assert_eq!((block.1, block.2), (2, 513));
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let (_, invalid) = scan_with("huge", |dir| {
        let file = std::fs::File::create(dir.join("huge.yaml")).unwrap();
        file.set_len(100 * 1024 * 1024).unwrap();
    });
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].0, "huge.yaml");
    assert!(
        invalid[0]
            .3
            .contains("file is 100 MiB, larger than the 16 MiB limit"),
        "{invalid:?}"
    );
}

#[test]
fn binary_and_invalid_utf8_are_located() {
    let (_, invalid) = scan_with("binary", |dir| {
        let mut binary = b"apiVersion: v1\nkind: Pod\n".to_vec();
        binary.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
        std::fs::write(dir.join("binary.yaml"), binary).unwrap();
        std::fs::write(
            dir.join("latin1.yaml"),
            b"apiVersion: v1\nkind: ConfigMap\ndata:\n  name: caf\xe9\n",
        )
        .unwrap();
    });
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert_eq!(invalid[0].0, "binary.yaml");
    assert_eq!(
        invalid[0].1, 3,
        "the first bad byte is on line 3: {invalid:?}"
    );
    assert_eq!(
        invalid[1],
        (
            "latin1.yaml".to_string(),
            4,
            12,
            "invalid UTF-8: byte 0xE9 cannot start or continue a character".to_string()
        )
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_outside_links_not_followed() {
    let (report, invalid) = scan_with("symlinks", |dir| {
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("sub/parent")).unwrap();
        std::os::unix::fs::symlink("self.yaml", dir.join("self.yaml")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.join("etc-link")).unwrap();
    });
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert!(
        invalid
            .iter()
            .any(|f| f.3.starts_with("symbolic link loop") && f.0 == "parent"),
        "{invalid:?}"
    );
    assert!(invalid.iter().any(|f| f.0 == "self.yaml"), "{invalid:?}");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(skipped
        .iter()
        .any(|s| s["file"].as_str().unwrap().ends_with("etc-link")));
    assert_eq!(report["workloads"].as_array().unwrap().len(), 1);
}

#[test]
fn hostile_names_and_values_stay_data() {
    let (report, _) = scan_with("names", |dir| {
        std::fs::write(
            dir.join("odd.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\\n::error file=y::pwn,%0A<script>\"\nspec:\n  containers:\n  - name: c\n    resources: {limits: {nvidia.com/gpu: '1e400'}}\n",
        )
        .unwrap();
    });
    let odd = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"].as_str().unwrap().contains("script"))
        .unwrap();
    assert_eq!(
        odd["id"],
        "k8s:Pod/default/x\n::error file=y::pwn,%0A<script>"
    );
    let problems = findings(&report, "findings", "E001");
    assert!(
        problems.iter().any(|p| p.0 == "odd.yaml"),
        "an infinite quantity is invalid: {problems:?}"
    );
}

#[test]
fn deep_and_truncated_plans_are_located_errors() {
    let (report, invalid) = scan_with("plans", |dir| {
        let deep = "{\"format_version\": \"1.2\",\n\"resource_changes\": [".to_string()
            + &"[".repeat(100_000)
            + &"]".repeat(100_000)
            + "]}";
        std::fs::write(dir.join("deep-plan.json"), deep).unwrap();
        let truncated = "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\n      \"address\": \"aws_instance.gpu\",\n      \"type\": \"aws_instance\",\n";
        std::fs::write(dir.join("truncated-plan.json"), truncated).unwrap();
    });
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    let deep = invalid.iter().find(|f| f.0 == "deep-plan.json").unwrap();
    assert!(deep.3.contains("recursion limit exceeded"), "{deep:?}");
    assert_eq!(deep.1, 2);
    let truncated = invalid
        .iter()
        .find(|f| f.0 == "truncated-plan.json")
        .unwrap();
    assert!(truncated.3.contains("EOF while parsing"), "{truncated:?}");
    // The text has six lines: the end of it is on line 6, not after it.
    assert_eq!(truncated.1, 6);
    assert_eq!(report["summary"]["files_scanned"], 3);
}
