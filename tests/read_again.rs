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
    // The budget decides which workloads are stubs: none, some, all.
    let catalog = Catalog::embedded().unwrap();
    let held_and_later = |held_bytes: usize| {
        let mut options = Options::for_paths(roots.iter().map(|p| p.to_string()).collect());
        options.held_bytes = held_bytes;
        scan::read(&options, &catalog).unwrap().held_and_later()
    };
    let (held, later) = held_and_later(usize::MAX);
    assert_eq!((held >= workloads, later), (true, 0));
    let (none_held, all_later) = held_and_later(0);
    // Only the workloads of Terraform folders, read as a whole, are held.
    assert_eq!(none_held + all_later, held);
    assert!(all_later > held / 2, "{none_held} held, {all_later} later");
    let (some_held, some_later) = held_and_later(64 << 10);
    assert!(
        some_held > none_held && some_later > 0,
        "{some_held} {some_later}"
    );
    assert_eq!(some_held + some_later, held);
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
    std::fs::write(dir.join("c.yaml"), deployment("c")).unwrap();
    let rules = rules::builtin().unwrap();
    let settings = Config::default().rule_settings(&rules, &[], &[]);
    let mut options = Options::for_paths(vec![dir.to_string_lossy().into_owned()]);
    options.held_bytes = 0;
    let catalog = Catalog::embedded().unwrap();
    let scanned = scan::read(&options, &catalog).unwrap();
    // b.yaml now yields another workload than it did, c.yaml two.
    std::fs::write(dir.join("b.yaml"), deployment("x")).unwrap();
    let two = format!("{}---\n{}", deployment("c"), deployment("d"));
    std::fs::write(dir.join("c.yaml"), two).unwrap();
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
    assert_eq!(changed.len(), 2, "{:?}", report.findings);
    for (finding, file) in changed.iter().zip(["b.yaml", "c.yaml"]) {
        assert_eq!(finding.rule, "E001");
        assert!(
            finding.location.file.ends_with(file),
            "{}",
            finding.location.file
        );
        assert!(finding.message.contains(
            "no longer yields the 1 workload(s) it did, so those not yet assessed are left out"
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
