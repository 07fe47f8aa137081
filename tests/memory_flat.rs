//! Guards issue 14's flat memory: a scan that holds none of its extracted
//! workloads (`TCOLINT_HELD_MIB=0`: every file is read again when its
//! workloads' turn to be assessed comes, as past `scan::HELD_BYTES` in a
//! large tree) grows by what it keeps per file for the cross-file steps and
//! the findings, not by the workloads themselves.
//!
//! Peak RSS of `check --format json` on 1,000 and then 5,000 files of the
//! benchmark tree (bench/k8s-tree.sh's), debug binary, 2026-12-01 (2 cores):
//! holding none, the second peak is 9 MiB above the first (about 2.3 KiB a
//! file: link keys, stubs, per-file results and findings; 6 MiB once
//! mimalloc gave freed memory back after 10 ms); holding every workload,
//! 12 MiB. At this size the workloads are a small part of the
//! growth (the release benchmark shows the difference: 113 against 64 MiB
//! at 25,000 files), so the bound guards against a return to holding what
//! grows fastest, the workload reports (about 6 KiB each, 24 MiB here).

#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const SMALL: usize = 1_000;
const LARGE: usize = 5_000;
const GROWTH_BOUND_MIB: i64 = 16;

/// Runs `check --format json` on `tree` holding no workloads; returns the
/// number of workloads reported.
fn check_holding_none(tree: &Path) -> u64 {
    // The report goes to a file and is read a line at a time: the child is
    // spawned sharing this process's memory until it runs tcolint, so
    // whatever this process ever held counts in the child's peak.
    let report = tree.with_extension("json");
    let status = Command::new(env!("CARGO_BIN_EXE_tcolint"))
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--output",
        ])
        .arg(&report)
        .arg(tree)
        .env("TCOLINT_HELD_MIB", "0")
        .stderr(Stdio::inherit())
        .status()
        .expect("tcolint runs");
    assert!(status.success(), "exit {status:?}");
    let lines = BufReader::new(std::fs::File::open(&report).unwrap()).lines();
    // The summary's count: `"workloads": N,` (the list is `"workloads": [`).
    let count = lines
        .map(Result::unwrap)
        .filter_map(|line| {
            let count = line.trim().strip_prefix("\"workloads\": ")?;
            count.trim_end_matches(',').parse().ok()
        })
        .last();
    std::fs::remove_file(&report).unwrap();
    count.expect("the summary counts workloads")
}

#[test]
fn memory_grows_little_with_the_tree_when_workloads_are_read_again() {
    let small = common::scratch("memory-flat-small");
    let large = common::scratch("memory-flat-large");
    common::write_bench_tree(&small, SMALL);
    common::write_bench_tree(&large, LARGE);
    // No other test of this binary starts a process: RUSAGE_CHILDREN
    // reports the larger peak of the two checks, smaller tree first.
    let small_workloads = check_holding_none(&small);
    let small_mib = common::children_peak_rss_kib() / 1024;
    let large_workloads = check_holding_none(&large);
    let large_mib = common::children_peak_rss_kib() / 1024;
    assert!(large_workloads >= 4 * small_workloads);
    eprintln!("peak RSS {small_mib} MiB at {SMALL} files, {large_mib} MiB at {LARGE} files");
    assert!(
        large_mib - small_mib <= GROWTH_BOUND_MIB,
        "peak RSS grew by {} MiB from {SMALL} to {LARGE} files (bound {GROWTH_BOUND_MIB})",
        large_mib - small_mib
    );
}

#[test]
fn mimalloc_is_the_version_whose_option_number_was_checked() {
    // src/main.rs sets mimalloc's purge delay by its number in v3's
    // `mi_option_t` (15), read from libmimalloc-sys 0.1.49's mimalloc.h.
    // Another version may number its options differently: check the number
    // against its header, then this version.
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|package| package.contains("name = \"libmimalloc-sys\""))
        .and_then(|package| package.lines().find(|line| line.starts_with("version = ")))
        .map(str::trim);
    assert_eq!(version, Some("version = \"0.1.49\""));
}
