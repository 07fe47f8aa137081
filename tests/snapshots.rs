//! Snapshots of the text and JSON output on fixtures with findings of every
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
