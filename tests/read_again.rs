//! A large scan holds only so many extracted workloads (`scan::HELD_BYTES`)
//! and reads the files of the others again when their turn to be assessed
//! comes. Whichever workloads are held, the report must be the same byte
//! for byte: autoscalers linked across files, TrainJobs completed from
//! runtimes in other files, shared ids renamed, ops time shared out.

use std::path::Path;

use tcolint::catalog::Catalog;
use tcolint::config::Config;
use tcolint::rules;
use tcolint::scan::{self, Options};

/// The JSON report of `paths` with at most `held_bytes` of workloads held.
fn report(paths: &[&str], config: &Config, held_bytes: usize) -> String {
    let rules = rules::builtin().unwrap();
    let settings = config.rule_settings(&rules, &[], &[]);
    let mut options = Options::for_paths(paths.iter().map(|p| p.to_string()).collect());
    options.held_bytes = held_bytes;
    let catalog = Catalog::embedded().unwrap();
    let report = scan::check(&options, config, &catalog, &settings).unwrap();
    let mut out = Vec::new();
    tcolint::report::json::write(&report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn in_repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_report_is_the_same_whichever_workloads_are_held() {
    let roots = [
        in_repo("fixtures"),
        in_repo("tests/corpus"),
        in_repo("tests/inputs"),
    ];
    let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
    let rules = rules::builtin().unwrap();
    // Ops time is shared by every workload of the scan.
    let config = Config::load(
        &Path::new(&in_repo("fixtures/tco")).join("tcolint.yml"),
        &rules,
    )
    .unwrap();
    let all_held = report(&roots, &config, usize::MAX);
    let workloads = all_held.matches("\n      \"id\": ").count();
    assert!(workloads > 500, "{workloads} workloads");
    // Autoscalers in other files, shared ids and TrainJob runtimes are in
    // the scan, so the comparison covers what a read again must redo.
    assert!(all_held.contains("replicas from "));
    assert!(all_held.contains("is shared by"));
    assert!(all_held.contains("pod template, node selectors and defaults from"));
    assert!(all_held.contains("h per cluster-month"));
    for held_bytes in [0, 64 << 10] {
        let report = report(&roots, &config, held_bytes);
        assert!(
            report == all_held,
            "the report differs with {held_bytes} bytes held"
        );
    }
}

#[test]
fn a_file_that_changed_before_it_is_read_again_is_reported_and_left_out() {
    let dir = std::env::temp_dir().join(format!("tcolint-read-again-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: ml}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n        resources: {{requests: {{cpu: '1', memory: 1Gi}}}}\n"
        )
    };
    std::fs::write(dir.join("a.yaml"), deployment("a")).unwrap();
    std::fs::write(dir.join("b.yaml"), deployment("b")).unwrap();
    let rules = rules::builtin().unwrap();
    let settings = Config::default().rule_settings(&rules, &[], &[]);
    let mut options = Options::for_paths(vec![dir.to_string_lossy().into_owned()]);
    options.held_bytes = 0;
    let catalog = Catalog::embedded().unwrap();
    let scanned = scan::read(&options, &catalog).unwrap();
    // b.yaml now yields another workload than it did.
    std::fs::write(dir.join("b.yaml"), deployment("c")).unwrap();
    let mut ids = Vec::new();
    let report = scanned.analyze(&Config::default(), &catalog, &settings, &mut |workload| {
        ids.push(workload.id.clone());
        true
    });
    assert_eq!(ids, ["k8s:Deployment/ml/a"]);
    let changed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.message.contains("changed while tcolint read it"))
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", report.findings);
    assert_eq!(changed[0].rule, "E001");
    assert!(changed[0].location.file.ends_with("b.yaml"));
    assert!(changed[0]
        .message
        .contains("no longer yields the 1 workload(s) it did"));
    let _ = std::fs::remove_dir_all(&dir);
}
