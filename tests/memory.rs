//! Guards the memory bound of issue 14: peak RSS of `check --format github`
//! and `check --format json` over a generated tree of 2,000 Kubernetes
//! manifests (bench/k8s-tree.sh's tree: the bundled fixtures copied
//! round-robin, each under its own namespace) stays under
//! `PEAK_RSS_BOUND_MIB`.
//!
//! Measured on the debug binary at 2,000 files on 2026-12-01 (2 cores): JSON
//! 115-117 MiB with mimalloc while every workload and its report were held
//! until the report was written; 73-76 MiB once `--format json` streamed the
//! workloads; 60 MiB for both formats once held workloads shed their spare
//! capacity and annotation formats dropped each report once assessed; 31 MiB
//! once mimalloc stopped asking for transparent huge pages (mimalloc keeps
//! per-thread heaps, so more cores can mean more); 28 MiB once it gave
//! freed memory back after 10 ms. The bound
//! leaves room for noise, cores and the catalogue's growth but catches a
//! return to holding every report. Lower it as memory flattens.

#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const FILES: usize = 2_000;
const PEAK_RSS_BOUND_MIB: i64 = 96;

/// Runs `check --format FORMAT` on `tree`, which must succeed.
fn check(tree: &Path, format: &str) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_tcolint"))
        .args(["check", "--format", format, "--fail-on", "never"])
        .arg(tree)
        .stderr(Stdio::inherit())
        .output()
        .expect("tcolint runs");
    assert!(output.status.success(), "exit {:?}", output.status);
    output
}

/// The largest peak RSS of the checks run so far, asserted under the bound.
fn assert_peak_under_bound(what: &str) {
    let peak_mib = common::children_peak_rss_kib() / 1024;
    eprintln!("{what}: peak RSS {peak_mib} MiB for {FILES} files");
    assert!(
        peak_mib <= PEAK_RSS_BOUND_MIB,
        "{what}: peak RSS {peak_mib} MiB over the {PEAK_RSS_BOUND_MIB} MiB bound for {FILES} files"
    );
}

#[test]
fn peak_memory_of_a_large_scan_stays_under_the_bound() {
    let tree = common::scratch("memory-tree");
    common::write_bench_tree(&tree, FILES);
    // This test binary runs only this test, so the binaries below are the
    // only children it waits for, and RUSAGE_CHILDREN reports the larger
    // peak of those that have run: GitHub annotations first (findings and
    // the summary only: workload reports are dropped once assessed), then
    // JSON (streamed).
    check(&tree, "github");
    assert_peak_under_bound("--format github");
    let output = check(&tree, "json");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let workloads = report["summary"]["workloads"].as_u64().unwrap();
    assert!(
        workloads >= FILES as u64,
        "{workloads} workloads from {FILES} files"
    );
    assert_peak_under_bound(&format!(
        "--format github, then json ({workloads} workloads)"
    ));
}
