//! `tcolint diff` as a library: two real scans of `fixtures/diff/` compared
//! in process, the markdown comment, and `--base-ref` on a scratch git
//! repository. The expected numbers are worked out in fixtures/diff/README.md.

mod common;

use std::path::Path;
use std::process::Command;

use tcolint::catalog::Catalog;
use tcolint::config::Config;
use tcolint::diff::{self, Diff, IncreaseLimit, WorkloadDiff};
use tcolint::rules::{self, RuleSettings};
use tcolint::scan::Options;

struct Setup {
    options: Options,
    config: Config,
    catalog: Catalog,
    settings: Vec<RuleSettings>,
}

fn setup() -> Setup {
    let rules = rules::builtin().unwrap();
    let config = Config::default();
    let settings = config.rule_settings(&rules, &[], &[]);
    Setup {
        options: Options::for_paths(Vec::new()),
        config,
        catalog: Catalog::embedded().unwrap(),
        settings,
    }
}

/// An absolute fixture path (the git test changes the current folder).
fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/diff")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn pair(base: &str, head: &str) -> Diff {
    let s = setup();
    diff::scan_pair(
        &fixture(base),
        &fixture(head),
        &s.options,
        &s.config,
        &s.catalog,
        &s.settings,
    )
    .unwrap()
}

fn row<'a>(diff: &'a Diff, id: &str) -> &'a WorkloadDiff {
    diff.workloads
        .iter()
        .find(|w| w.id == id)
        .unwrap_or_else(|| panic!("no workload {id}"))
}

fn cents(value: Option<f64>, expected: f64, what: &str) {
    let value = value.unwrap_or_else(|| panic!("{what}: none"));
    assert!(
        (value - expected).abs() < 0.005,
        "{what}: {value} != {expected}"
    );
}

fn check_row(diff: &Diff, id: &str, status: &str, before: f64, after: f64, delta: f64) {
    let w = row(diff, id);
    assert_eq!(w.status, status, "{id}");
    cents(w.monthly_before_usd, before, id);
    cents(w.monthly_after_usd, after, id);
    cents(w.monthly_delta_usd, delta, id);
}

fn new_findings(diff: &Diff) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = diff
        .new_findings
        .iter()
        .map(|f| (f.rule.clone(), f.workload.clone().unwrap_or_default()))
        .collect();
    found.sort();
    found
}

const HOSTILE: &str = "k8s:Deployment/ml/evil|<script>alert(1)</script>`x`[y](z)";

#[test]
fn plans_diff_to_the_cent() {
    let diff = pair("plans/base.json", "plans/head.json");
    check_row(
        &diff,
        "aws_instance.inference",
        "changed",
        734.38,
        884.76,
        150.38,
    );
    check_row(&diff, "aws_instance.canary", "added", 0.0, 587.50, 587.50);
    check_row(
        &diff,
        "aws_instance.legacy_trainer",
        "removed",
        383.98,
        0.0,
        -383.98,
    );
    check_row(&diff, "aws_eks_cluster.main", "unchanged", 73.0, 73.0, 0.0);
    let order: Vec<&str> = diff.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "aws_instance.canary",
            "aws_instance.legacy_trainer",
            "aws_instance.inference",
            "aws_eks_cluster.main"
        ]
    );
    let s = &diff.summary;
    cents(Some(s.monthly_before_usd), 1191.36, "before");
    cents(Some(s.monthly_after_usd), 1545.26, "after");
    cents(Some(s.monthly_delta_usd), 353.90, "delta");
    let percent = s.delta_percent.unwrap();
    assert!((percent - 29.7055).abs() < 0.001, "{percent}");
    assert_eq!((s.added, s.removed, s.changed, s.unpriced), (1, 1, 1, 0));
    // Each side is one file: findings match although the files differ.
    assert_eq!(
        new_findings(&diff),
        [("TCO001".to_string(), "aws_instance.canary".to_string())]
    );
    assert_eq!(diff.fixed_findings_count, 1);
    // The removed row shows BASE's file, the others HEAD's.
    assert!(row(&diff, "aws_instance.legacy_trainer")
        .file
        .ends_with("plans/base.json"));
    assert!(row(&diff, "aws_instance.canary")
        .file
        .ends_with("plans/head.json"));
}

#[test]
fn manifests_diff_to_the_cent() {
    let diff = pair("base", "head");
    check_row(
        &diff,
        "k8s:Deployment/ml/llm-g5",
        "changed",
        734.38,
        2203.14,
        1468.76,
    );
    check_row(
        &diff,
        "k8s:Deployment/ml/reranker",
        "added",
        0.0,
        587.50,
        587.50,
    );
    check_row(&diff, HOSTILE, "added", 0.0, 587.50, 587.50);
    check_row(
        &diff,
        "k8s:Deployment/ml/old-embedder",
        "removed",
        383.98,
        0.0,
        -383.98,
    );
    check_row(
        &diff,
        "k8s:Deployment/ml/gateway",
        "unchanged",
        231.60,
        231.60,
        0.0,
    );
    assert_eq!(diff.workloads[0].id, "k8s:Deployment/ml/llm-g5");
    assert_eq!(
        diff.workloads.last().unwrap().id,
        "k8s:Deployment/ml/gateway"
    );
    let s = &diff.summary;
    cents(Some(s.monthly_before_usd), 1349.96, "before");
    cents(Some(s.monthly_after_usd), 3609.74, "after");
    cents(Some(s.monthly_delta_usd), 2259.78, "delta");
    let row_sum: f64 = diff
        .workloads
        .iter()
        .filter_map(|w| w.monthly_delta_usd)
        .sum();
    cents(Some(row_sum), s.monthly_delta_usd, "sum of rows");
    assert!((s.delta_percent.unwrap() - 167.3961).abs() < 0.001);
    assert_eq!((s.added, s.removed, s.changed, s.unpriced), (2, 1, 1, 0));
    // llm-g5's TCO001 is in both folders (same file name under each root).
    assert_eq!(
        new_findings(&diff),
        [
            ("TCO001".to_string(), HOSTILE.to_string()),
            (
                "TCO001".to_string(),
                "k8s:Deployment/ml/reranker".to_string()
            ),
        ]
    );
    assert_eq!(diff.fixed_findings_count, 1);
    let llm = row(&diff, "k8s:Deployment/ml/llm-g5");
    // Three replicas scaled to zero with a 321.205 s cold start: each is
    // billed all day above one request per cold start (86,400 / 321.205).
    cents(llm.break_even_requests_per_day, 806.96, "break-even");
    assert_eq!(llm.requests_per_day, Some(200_000.0));
    assert!(!llm.assumptions.is_empty());
}

#[test]
fn increase_limits_around_the_delta() {
    let diff = pair("plans/base.json", "plans/head.json");
    // +$353.90, +29.71 %.
    assert!(diff.exceeds("353.89".parse().unwrap()));
    assert!(!diff.exceeds("353.90".parse().unwrap()));
    assert!(!diff.exceeds(IncreaseLimit::Usd(1000.0)));
    assert!(diff.exceeds("29.7%".parse().unwrap()));
    assert!(!diff.exceeds("29.71%".parse().unwrap()));
    assert!(!diff.exceeds(IncreaseLimit::Percent(50.0)));
    // A decrease never exceeds a limit.
    let back = pair("plans/head.json", "plans/base.json");
    cents(Some(back.summary.monthly_delta_usd), -353.90, "reverse");
    assert!(!back.exceeds(IncreaseLimit::Usd(0.0)));
    assert!(!back.exceeds(IncreaseLimit::Percent(0.0)));
}

#[test]
fn increase_limit_errors() {
    for bad in ["ten", "10 %%", "-10", "10USD", ""] {
        let error = bad.parse::<IncreaseLimit>().unwrap_err();
        assert_eq!(
            error,
            format!(
                "expected an amount in USD such as 250 or a percentage such as 10%, found {bad:?}"
            )
        );
    }
    assert_eq!("100.50".parse(), Ok(IncreaseLimit::Usd(100.5)));
    assert_eq!("10%".parse(), Ok(IncreaseLimit::Percent(10.0)));
}

/// `|` not preceded by a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn markdown_comment_is_safe_and_complete() {
    let diff = pair("base", "head");
    let text = tcolint::report::markdown::render_diff(&diff);
    assert!(
        text.starts_with("## tcolint: monthly cost +$2,259.78 (+167.4%)\n"),
        "{text}"
    );
    assert!(!text.to_lowercase().contains("<script"), "{text}");
    let tables: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    assert!(tables.len() >= 9, "{text}");
    for line in &tables {
        // Workload tables have 4 columns, the findings table 4 too.
        assert_eq!(unescaped_pipes(line), 5, "{line}");
    }
    assert!(text.contains("| **Total** | $1,349.96 | $3,609.74 | **+$2,259.78** |"));
    assert!(text.contains("| k8s:Deployment/ml/llm-g5 | $734.38 | $2,203.14 | +$1,468.76 |"));
    assert!(text.contains("−$383.98"));
    assert!(text.contains("<details><summary>1 unchanged workload(s)</summary>"));
    assert!(text.contains("### New findings"));
    assert!(text.contains("### Assumptions"));
    // The hostile name is escaped in its row.
    assert!(text.contains("evil\\|&lt;script&gt;alert(1)&lt;/script&gt;\\`x\\`\\[y\\](z)"));
    // A break-even chart for llm-g5 (200,000 requests/day, break-even 807):
    // the scaled-to-zero line is the expected-cost model's, 68.7% of the
    // always-on cost at half the break-even and all of it from there on.
    assert!(text.contains("```mermaid\nxychart-beta\n    title \"k8s:Deployment/ml/llm-g5\""));
    assert!(text.contains("x-axis \"requests/day\" [0, 403, 807, 1210, 1614]"));
    assert!(text.contains("line [2203.14, 2203.14, 2203.14, 2203.14, 2203.14]"));
    assert!(text.contains("line [0, 1513.66, 2203.14, 2203.14, 2203.14]"));
    // Mermaid labels are sanitized.
    for line in text.lines().filter(|l| l.trim_start().starts_with("title")) {
        let inner = line
            .trim()
            .trim_start_matches("title \"")
            .trim_end_matches('"');
        assert!(
            !inner.contains(['"', '[', ']', '<', '>', '`', '|']),
            "{line}"
        );
    }
    // JSON form.
    let json = serde_json::to_value(&diff).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["summary"]["added"], 2);
    assert_eq!(json["new_findings"].as_array().unwrap().len(), 2);
}

#[test]
fn markdown_without_changes() {
    let diff = pair("plans/base.json", "plans/base.json");
    assert_eq!(diff.summary.monthly_delta_usd, 0.0);
    assert!(diff.new_findings.is_empty());
    let text = tcolint::report::markdown::render_diff(&diff);
    assert!(
        text.starts_with("## tcolint: monthly cost no change\n"),
        "{text}"
    );
    assert!(text.contains("No workload's cost changed."));
    assert!(text.contains("No new findings."));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn against_a_git_revision() {
    if Command::new("git").arg("--version").output().is_err() {
        println!("note: git is not installed; skipping the --base-ref test");
        return;
    }
    let repo = common::scratch("diff-base-ref");
    git(&repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("k8s")).unwrap();
    let base_text = std::fs::read_to_string(fixture("base/serving.yaml")).unwrap();
    std::fs::write(repo.join("k8s/serving.yaml"), &base_text).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let head_text = std::fs::read_to_string(fixture("head/serving.yaml")).unwrap();
    std::fs::write(repo.join("k8s/serving.yaml"), head_text).unwrap();
    std::fs::copy(
        fixture("head/reranker.yaml"),
        repo.join("k8s/reranker.yaml"),
    )
    .unwrap();

    // Through the binary, run inside the repository: `--base-ref` works on
    // the current directory, which a test must not change in-process.
    let run = |args: &[&str]| {
        let output = common::tcolint()
            .current_dir(&repo)
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(&["diff", "--base-ref", "HEAD", "--format", "json", "k8s"]);
    assert_eq!(code, Some(0), "{stderr}");
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = |id: &str| {
        diff["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let llm = row("k8s:Deployment/ml/llm-g5");
    assert_eq!(llm["status"], "changed");
    assert_eq!(llm["file"], "k8s/serving.yaml");
    cents(llm["monthly_before_usd"].as_f64(), 734.38, "llm before");
    cents(llm["monthly_after_usd"].as_f64(), 2203.14, "llm after");
    cents(llm["monthly_delta_usd"].as_f64(), 1468.76, "llm delta");
    let reranker = row("k8s:Deployment/ml/reranker");
    assert_eq!(reranker["status"], "added");
    cents(reranker["monthly_delta_usd"].as_f64(), 587.50, "reranker");
    let new: Vec<(String, String)> = diff["new_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["workload"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        new,
        [(
            "TCO001".to_string(),
            "k8s:Deployment/ml/reranker".to_string()
        )]
    );
    assert_eq!(diff["fixed_findings_count"], 0);
    assert_eq!(diff["base"], "HEAD");

    let (code, _, stderr) = run(&["diff", "--base-ref", "HEAD", "../elsewhere"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("inside the repository"), "{stderr}");
    let (code, _, stderr) = run(&["diff", "--base-ref=--output=x", "k8s"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is not a revision"), "{stderr}");
    let (code, _, stderr) = run(&["diff", "--base-ref", "no-such-rev", "k8s"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown revision"), "{stderr}");
    // The temporary worktree is gone.
    let output = Command::new("git")
        .current_dir(&repo)
        .args(["worktree", "list", "--porcelain"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&output.stdout);
    assert_eq!(list.matches("worktree ").count(), 1, "{list}");
}

#[test]
fn the_command_exits_by_the_increase_limit() {
    let plans = [
        "fixtures/diff/plans/base.json",
        "fixtures/diff/plans/head.json",
    ];
    let exit = |limit: &str| {
        let (code, _, stderr) =
            common::run(&["diff", plans[0], plans[1], "--fail-on-increase", limit]);
        (code, stderr)
    };
    // The plans rise by $353.90 (+29.71%).
    assert_eq!(exit("353.89").0, 1);
    assert!(exit("353.89").1.contains("353.89"));
    assert_eq!(exit("353.90").0, 0);
    assert_eq!(exit("29.7%").0, 1);
    assert_eq!(exit("30%").0, 0);
    assert_eq!(exit("ten").0, 2);
    // Without a limit a rise is not a failure.
    assert_eq!(common::run(&["diff", plans[0], plans[1]]).0, 0);
    // One side only is a usage error.
    let (code, _, stderr) = common::run(&["diff", plans[0]]);
    assert_eq!(code, 2);
    assert!(stderr.contains("needs BASE and HEAD"), "{stderr}");

    let (code, markdown, _) = common::run(&["diff", "--format", "markdown", plans[0], plans[1]]);
    assert_eq!(code, 0);
    assert!(
        markdown.starts_with("## tcolint: monthly cost +$353.90 (+29.7%)"),
        "{markdown}"
    );
    let (_, json, _) = common::run(&["diff", "--format", "json", plans[0], plans[1]]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["summary"]["monthly_delta_usd"].as_f64(), Some(353.9));
    let (_, text, _) = common::run(&["diff", plans[0], plans[1]]);
    assert!(
        text.contains("total     $1,191.36 -> $1,545.26/month (+$353.90, +29.71%)"),
        "{text}"
    );
}

/// The same Deployment (`k8s:Deployment/ml/llm`) under `dev/` and `prod/`:
/// only dev changes (1 → 5 replicas of g5.12xlarge at $5.672/h). Each copy
/// gets its own id (`@dev/llm.yaml`, `@prod/llm.yaml`), so the delta is
/// not merged away: +4 x 5.672 x 730 = +$16,562.24.
#[test]
fn the_same_workload_in_two_folders_keeps_its_delta() {
    let diff = pair("overlays/base", "overlays/head");
    check_row(
        &diff,
        "k8s:Deployment/ml/llm@dev/llm.yaml",
        "changed",
        4140.56,
        20702.80,
        16562.24,
    );
    check_row(
        &diff,
        "k8s:Deployment/ml/llm@prod/llm.yaml",
        "unchanged",
        4140.56,
        4140.56,
        0.0,
    );
    assert_eq!(diff.workloads.len(), 2);
    assert_eq!(diff.summary.monthly_delta_usd, 16562.24);
    assert!(diff.exceeds("100".parse().unwrap()));
    // The idle-GPU finding on dev was there before: it is not new.
    assert!(new_findings(&diff).is_empty(), "{:?}", new_findings(&diff));

    let (code, _, stderr) = common::run(&[
        "diff",
        "fixtures/diff/overlays/base",
        "fixtures/diff/overlays/head",
        "--fail-on-increase",
        "16562.23",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let (code, _, _) = common::run(&[
        "diff",
        "fixtures/diff/overlays/base",
        "fixtures/diff/overlays/head",
        "--fail-on-increase",
        "16562.24",
    ]);
    assert_eq!(code, 0);
}

/// BASE has the dev copy only, so its id is the plain one; HEAD adds prod
/// beside it and both get their paths. dev still pairs with itself (by its
/// original id and file), and prod is added.
#[test]
fn a_copy_added_beside_a_workload_does_not_take_its_place() {
    let diff = pair("overlays/base-dev-only", "overlays/head");
    check_row(
        &diff,
        "k8s:Deployment/ml/llm@dev/llm.yaml",
        "changed",
        4140.56,
        20702.80,
        16562.24,
    );
    check_row(
        &diff,
        "k8s:Deployment/ml/llm@prod/llm.yaml",
        "added",
        0.0,
        4140.56,
        4140.56,
    );
    assert_eq!(diff.workloads.len(), 2);
    assert_eq!(
        new_findings(&diff),
        [(
            "TCO001".to_string(),
            "k8s:Deployment/ml/llm@prod/llm.yaml".to_string()
        )]
    );
}
