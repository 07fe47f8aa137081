//! Options for CI use: --output, --exit-zero, --quiet, --color,
//! --show-suppressed, baselines, unused suppressions (SUP001), the GitHub
//! step summary and shell completions.

mod common;

use common::{check_json, findings, run, scratch, tcolint};

const SUPPRESSIONS: &str = "fixtures/kubernetes/rule-suppression-ignore.yaml";

#[test]
fn output_goes_to_the_named_file_and_exit_zero_keeps_the_code_at_zero() {
    let dir = scratch("output");
    let out = dir.join("report.json");
    let (code, stdout, _) = run(&[
        "check",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        "fixtures/serverless/cold",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    // LAT001 on detect; TCO002 on route (above its break-even against a t3a.nano).
    assert_eq!(report["summary"]["warnings"], 2);

    let (code, _, _) = run(&["check", "--exit-zero", "fixtures/serverless/cold"]);
    assert_eq!(code, 0);
    // Trouble is still trouble.
    let (code, _, stderr) = run(&["check", "--exit-zero", "no/such/path"]);
    assert_eq!(code, 2, "{stderr}");
    // An output file that cannot be written is trouble too.
    let (code, _, stderr) = run(&[
        "check",
        "--output",
        dir.join("missing/dir/x.txt").to_str().unwrap(),
        "fixtures/serverless/cold",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn quiet_prints_findings_only_and_show_suppressed_lists_reasons() {
    let (_, quiet, _) = run(&["check", "--quiet", "fixtures/serverless/cold"]);
    assert!(quiet.contains("LAT001 cold-start-exceeds-slo"));
    assert!(!quiet.contains("Summary"));
    assert!(
        !quiet.contains("sls:ml-cold/classify"),
        "no workload listing"
    );
    assert!(!quiet.contains("Suppressed"));

    let (_, shown, _) = run(&[
        "check",
        "-q",
        "--show-suppressed",
        "fixtures/serverless/cold",
    ]);
    assert!(shown.contains(
        "fixtures/serverless/cold/serverless.yml:67:3: LAT001 cold-start-exceeds-slo on sls:ml-cold/ocr: \
         the upload UI shows a progress bar; a slow first page is accepted"
    ));
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let colored = |args: &[&str], no_color: bool| {
        let mut command = tcolint();
        command.args(args);
        if !no_color {
            command.env_remove("NO_COLOR");
        }
        let output = command.output().unwrap();
        String::from_utf8_lossy(&output.stdout).contains('\u{1b}')
    };
    let base = ["check", "fixtures/serverless/cold"];
    assert!(colored(&[&base[..], &["--color", "always"]].concat(), true));
    assert!(!colored(
        &[&base[..], &["--color", "never"]].concat(),
        false
    ));
    // auto: not a terminal here, so no colour even without NO_COLOR.
    assert!(!colored(&base, false));
}

#[test]
fn unused_suppressions_are_reported_where_they_are_written() {
    let (_, report) = check_json(&[SUPPRESSIONS]);
    assert_eq!(
        findings(&report, "findings", "SUP001"),
        [(
            "rule-suppression-ignore.yaml".to_string(),
            70,
            5,
            "info".to_string(),
            "k8s:Deployment/rules-suppression/translation-nllb".to_string()
        )]
    );
    // The two suppressions that silence something are not reported.
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 2);
    // A suppression for a rule that did not run is not judged.
    let (_, without) = check_json(&["--ignore", "GPU002", SUPPRESSIONS]);
    assert!(findings(&without, "findings", "SUP001").is_empty());
    // Comment suppressions are judged the same way: backfill's is used.
    let (_, batch) = check_json(&["fixtures/serverless/batch"]);
    assert!(findings(&batch, "findings", "SUP001").is_empty());
    let dir = scratch("stale-comment");
    let stale = std::fs::read_to_string("fixtures/serverless/batch/serverless.yml")
        .unwrap()
        .replace("tcolint:ignore=FIT001", "tcolint:ignore=LAT001");
    std::fs::write(dir.join("serverless.yml"), stale).unwrap();
    let (_, stale) = check_json(&[dir.to_str().unwrap()]);
    let sup = findings(&stale, "findings", "SUP001");
    assert_eq!(sup.len(), 1, "{sup:?}");
    assert_eq!((sup[0].1, sup[0].4.as_str()), (57, "sls:ml-batch/backfill"));
}

#[test]
fn a_baseline_hides_known_findings_even_when_lines_move() {
    let dir = scratch("baseline");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let manifest = std::fs::read_to_string("fixtures/kubernetes/rule-tco001-fires.yaml").unwrap();
    std::fs::write(project.join("app.yaml"), &manifest).unwrap();
    let baseline = dir.join("baseline.json");
    let project_arg = project.to_str().unwrap();

    let (code, _, stderr) = run(&[
        "check",
        "--write-baseline",
        baseline.to_str().unwrap(),
        project_arg,
    ]);
    assert_eq!(code, 1, "{stderr}");
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 2);

    // Same findings, lines moved by a comment block: nothing new.
    let moved = format!("# a\n# b\n# c\n{manifest}");
    std::fs::write(project.join("app.yaml"), &moved).unwrap();
    let (code, report) = check_json(&["--baseline", baseline.to_str().unwrap(), project_arg]);
    assert_eq!(code, 0);
    assert!(report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["baselined"], 2);
    assert_eq!(report["summary"]["warnings"], 0);

    // A new workload with the same problem is new.
    let first_document = manifest.split("\n---").next().unwrap();
    let extra = first_document.replace("summarizer-llama-8b", "summarizer-llama-8b-canary");
    std::fs::write(project.join("app.yaml"), format!("{moved}\n---\n{extra}")).unwrap();
    // The canary's TCO001 judges a default utilization: info.
    let (code, report) = check_json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        "--fail-on",
        "info",
        project_arg,
    ]);
    assert_eq!(code, 1);
    let new: Vec<_> = findings(&report, "findings", "TCO001")
        .into_iter()
        .map(|f| f.4)
        .collect();
    assert_eq!(
        new,
        ["k8s:Deployment/rules-tco001/summarizer-llama-8b-canary"]
    );
    assert_eq!(report["summary"]["baselined"], 2);

    // A file that is not a baseline is a located error, exit 2.
    std::fs::write(&baseline, "{\"schema_version\": 1,\n \"findings\": 3}\n").unwrap();
    let (code, _, stderr) = run(&[
        "check",
        "--baseline",
        baseline.to_str().unwrap(),
        project_arg,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("baseline.json:2:"), "{stderr}");
    assert!(stderr.contains("not a tcolint baseline"), "{stderr}");
}

#[test]
fn github_format_writes_the_step_summary_when_asked() {
    let dir = scratch("step-summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let output = tcolint()
        .args(["check", "--format", "github", "fixtures/serverless/cold"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("::warning file=fixtures/serverless/cold/serverless.yml,line=47,"));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("earlier step\n"), "appends");
    assert!(written.contains("LAT001"));
    assert!(written.contains("sls:ml-cold/detect"));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, stdout, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains("tcolint"), "{shell}");
        assert!(
            stdout.contains("write-baseline"),
            "{shell}: flags are listed"
        );
    }
    let (code, _, _) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
}

#[test]
fn sarif_and_gitlab_from_the_command_line() {
    let dir = scratch("cli-sarif");
    let sarif = dir.join("tcolint.sarif");
    let (code, _, stderr) = run(&[
        "check",
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "fixtures/sam/inference",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let levels: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "warning", "warning", "note"]);

    let (_, gitlab, _) = run(&["check", "--format", "gitlab", "fixtures/sam/inference"]);
    let issues: serde_json::Value = serde_json::from_str(&gitlab).unwrap();
    let severities: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["critical", "major", "major", "major", "info"]);
}

/// A name holding a line break, a terminal escape sequence and a
/// bidirectional override: inert in text, exact in JSON.
#[test]
fn hostile_names_are_inert_in_text_and_exact_in_json() {
    let dir = scratch("hostile-text");
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"evil\\n::error::x\\x1b[2J\\u202etxt\"\n  namespace: ml\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: m\n        image: x\n        resources:\n          requests:\n            nvidia.com/gpu: 2\n          limits:\n            nvidia.com/gpu: 1\n";
    std::fs::write(dir.join("app.yaml"), manifest).unwrap();
    let path = dir.to_str().unwrap();
    let (code, text, _) = run(&["check", "--color", "never", path]);
    assert_eq!(code, 1);
    assert!(
        !text.contains('\u{1b}'),
        "no escape byte reaches the terminal"
    );
    assert!(!text.contains('\u{202e}'));
    assert!(
        text.contains("k8s:Deployment/ml/evil\\n::error::x\\u{1b}[2J\\u{202e}txt"),
        "{text}"
    );
    assert!(!text.lines().any(|line| line.starts_with("::error::x")));
    let (_, report) = check_json(&[path]);
    assert_eq!(
        report["workloads"][0]["id"],
        "k8s:Deployment/ml/evil\n::error::x\u{1b}[2J\u{202e}txt"
    );

    // The same in the diff's text table: an empty BASE, the hostile HEAD.
    let base = scratch("hostile-text-base");
    let (code, text, stderr) = run(&["diff", base.to_str().unwrap(), path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(
        text.contains("added     k8s:Deployment/ml/evil\\n::error::x\\u{1b}[2J"),
        "{text}"
    );
}

/// `tcolint check --format json | head -c 10`: a reader that stops early
/// is not an error (exit 1 for the findings, not 2).
#[test]
fn a_closed_pipe_is_not_trouble() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    for format in ["json", "sarif", "text"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tcolint"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["check", "--format", format, "fixtures"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe's read end is dropped here.
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `--format json` streams its workloads; with `--write-baseline` the whole
/// report is built first. Both must write the same bytes and exit alike,
/// across every format's fixtures (plans with their change summary, ops
/// and pricing settings, suppressions, invalid input) and with a baseline.
#[test]
fn the_streamed_json_report_is_the_whole_report_byte_for_byte() {
    let dir = scratch("streamed-json");
    let baseline = dir.join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let (code, _, stderr) = run(&[
        "check",
        "--write-baseline",
        baseline_arg,
        "fixtures/kubernetes",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let cases: [&[&str]; 4] = [
        &["fixtures"],
        &["--config", "fixtures/tco/tcolint.yml", "fixtures/tco"],
        &["--baseline", baseline_arg, "fixtures"],
        &["--fail-on", "info", "tests/corpus"],
    ];
    for (index, args) in cases.iter().enumerate() {
        let scratch_baseline = dir.join(format!("written-{index}.json"));
        let mut streamed = vec!["check", "--format", "json"];
        streamed.extend_from_slice(args);
        let mut whole = streamed.clone();
        whole.extend_from_slice(&["--write-baseline", scratch_baseline.to_str().unwrap()]);
        let (streamed_code, streamed_out, streamed_err) = run(&streamed);
        let (whole_code, whole_out, whole_err) = run(&whole);
        assert!(streamed_code < 2, "{args:?}: {streamed_err}");
        assert_eq!(
            streamed_code, whole_code,
            "{args:?}: {streamed_err} / {whole_err}"
        );
        assert!(streamed_out.len() > 1000, "{args:?}: {streamed_out}");
        assert!(
            streamed_out == whole_out,
            "{args:?}: the streamed report differs"
        );
    }
}
