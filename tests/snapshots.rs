//! Snapshots of every output format (text, JSON, GitHub, GitLab; SARIF in
//! tests/sarif.rs) on fixtures with findings of every
//! rule and severity. Review changes with `cargo insta review` (or set
//! INSTA_UPDATE=always and read the diff).

mod common;

use common::run;

const FILES: [&str; 4] = [
    "fixtures/kubernetes/rule-gpu001-fires.yaml",
    "fixtures/kubernetes/rule-gpu002-fires.yaml",
    "fixtures/kubernetes/rule-lat002-error.yaml",
    "fixtures/kubernetes/rule-suppression-ignore.yaml",
];

#[test]
fn text_output() {
    let mut args = vec!["check"];
    args.extend(FILES);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 1);
    insta::assert_snapshot!("text", stdout);
}

#[test]
fn markdown_check_comment_with_hostile_names() {
    let (code, stdout, _) = run(&["check", "--format", "markdown", "fixtures/diff/head"]);
    assert_eq!(code, 0);
    // The hostile workload name cannot open HTML, a link, a code span or a cell.
    assert!(!stdout.contains("<script>"), "{stdout}");
    assert!(stdout.contains("evil\\|&lt;script&gt;"), "{stdout}");
    insta::assert_snapshot!("markdown_check", stdout);
}

#[test]
fn text_output_verbose() {
    let mut args = vec!["check", "--verbose"];
    args.extend(FILES);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 1);
    insta::assert_snapshot!("text_verbose", stdout);
}

#[test]
fn json_output() {
    let mut args = vec!["check", "--format", "json"];
    args.extend(FILES);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 1);
    insta::assert_snapshot!("json", stdout);
}

#[test]
fn rules_listing() {
    let (_, stdout, _) = run(&["rules"]);
    insta::assert_snapshot!("rules", stdout);
}

#[test]
fn github_output_and_step_summary() {
    let summary = common::scratch("snapshot-step-summary").join("summary.md");
    let output = common::tcolint()
        .args(["check", "--format", "github"])
        .args(FILES)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("github", String::from_utf8_lossy(&output.stdout));
    insta::assert_snapshot!(
        "github_step_summary",
        std::fs::read_to_string(&summary).unwrap()
    );
}

#[test]
fn gitlab_output() {
    let mut args = vec!["check", "--format", "gitlab"];
    args.extend(FILES);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 1);
    insta::assert_snapshot!("gitlab", stdout);
}

#[test]
fn markdown_diff_comment() {
    let (code, stdout, _) = run(&[
        "diff",
        "--format",
        "markdown",
        "fixtures/diff/base",
        "fixtures/diff/head",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("markdown_diff", stdout);
}
