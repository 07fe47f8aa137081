//! The command line: exit codes, standard input, bad input next to good
//! input, configuration, rule listing and documentation.

mod common;

use common::{check_json, findings, run, scratch, tcolint, workload};

const GPU_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  namespace: ml
spec:
  replicas: 2
  template:
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.xlarge
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.6.3
        resources:
          limits: {nvidia.com/gpu: 1, cpu: '3', memory: 12Gi}
";

#[test]
fn exit_codes_follow_the_failure_threshold() {
    let dir = scratch("exit-codes");
    let file = dir.join("llm.yaml");
    std::fs::write(&file, GPU_DEPLOYMENT).unwrap();
    let path = file.to_str().unwrap();
    // No declarations: TCO001 judges the default 5% utilization, so it
    // reports at info with the idle cost at that figure, and exits 0.
    let (code, report) = common::check_json(&[path]);
    assert_eq!(code, 0);
    let tco001 = &report["findings"][0];
    assert_eq!(
        (tco001["rule"].as_str(), tco001["severity"].as_str()),
        (Some("TCO001"), Some("info"))
    );
    assert_eq!(tco001["assumed"]["value"], 0.05);
    assert_eq!(run(&["check", path, "--fail-on", "info"]).0, 1);
    // A declared utilization of 0.1: the same rule at warning, exit 1.
    let declared = GPU_DEPLOYMENT.replace(
        "  namespace: ml\n",
        "  namespace: ml\n  annotations: {tcolint.io/utilization: '0.1'}\n",
    );
    std::fs::write(&file, declared).unwrap();
    let (code, report) = common::check_json(&[path]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert!(report["findings"][0].get("assumed").is_none());
    assert_eq!(run(&["check", path, "--fail-on", "error"]).0, 0);
    assert_eq!(run(&["check", path, "--fail-on", "never"]).0, 0);
    assert_eq!(run(&["check", path, "--ignore", "TCO001"]).0, 0);
    let busy = GPU_DEPLOYMENT.replace(
        "  namespace: ml\n",
        "  namespace: ml\n  annotations: {tcolint.io/utilization: '0.8'}\n",
    );
    std::fs::write(&file, busy).unwrap();
    assert_eq!(run(&["check", path]).0, 0);
    assert_eq!(run(&["check", path, "--fail-on", "info"]).0, 0);
}

#[test]
fn trouble_is_exit_code_two() {
    let (code, _, stderr) = run(&["check", "no/such/path.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no/such/path.yaml: no such file or folder"),
        "{stderr}"
    );
    assert_eq!(run(&["check", "--format", "xml", "fixtures"]).0, 2);
    let (code, _, stderr) = run(&["check", "--select", "NOPE1", "fixtures"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule code"), "{stderr}");
    assert_eq!(
        run(&["check", "--config", "no/such/tcolint.yml", "fixtures"]).0,
        2
    );
    assert_eq!(run(&["explain", "ZZZ999"]).0, 2);
}

#[test]
fn stdin_is_one_document_stream_named_by_stdin_filename() {
    let output = tcolint()
        .args(["check", "--format", "json", "--stdin-filename", "rendered/chart.yaml", "-"])
        .write_stdin(format!("---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n{GPU_DEPLOYMENT}"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let w = workload(&report, "k8s:Deployment/ml/llm");
    assert_eq!(w["location"]["file"], "rendered/chart.yaml");
    assert_eq!(w["location"]["line"], 7);
    // g5.xlarge $1.006/h x 2 x 730.
    common::assert_usd(&w["cost"]["monthly_usd"], 1468.76, "stdin workload");
}

#[test]
fn a_malformed_document_does_not_hide_the_good_one_next_to_it() {
    let dir = scratch("malformed");
    let bad_then_good = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: broken\nspec: [\n---\n{GPU_DEPLOYMENT}"
    );
    std::fs::write(dir.join("mixed.yaml"), bad_then_good).unwrap();
    std::fs::write(
        dir.join("not-yaml.yaml"),
        "apiVersion: v1\nkind: Pod\n  bad indentation: [\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("values.yaml"),
        "replicaCount: 2\nimage: {repository: x}\n",
    )
    .unwrap();
    let (code, report) = check_json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    workload(&report, "k8s:Deployment/ml/llm");
    let invalid = findings(&report, "findings", "E001");
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert_eq!((invalid[0].0.as_str(), invalid[0].1), ("mixed.yaml", 4));
    assert_eq!(invalid[1].0, "not-yaml.yaml");
    assert_eq!(invalid[0].3, "error");
    assert_eq!(report["summary"]["files_scanned"], 2);
    assert_eq!(
        report["skipped"][0]["reason"],
        "not infrastructure: no apiVersion, Resources or service key"
    );
}

#[test]
fn configuration_sets_usage_severity_and_selection() {
    let dir = scratch("config");
    std::fs::write(dir.join("llm.yaml"), GPU_DEPLOYMENT).unwrap();
    let config = dir.join("tcolint.yml");
    std::fs::write(
        &config,
        "default-cloud: aws\nrules:\n  TCO001: {severity: error, min-utilization: 0.5}\nusage:\n  \"k8s:Deployment/ml/*\": {utilization: 0.45, latency-slo-ms: 500}\n",
    )
    .unwrap();
    let (code, report) = check_json(&["--config", config.to_str().unwrap(), dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let tco = findings(&report, "findings", "TCO001");
    assert_eq!(tco.len(), 1);
    assert_eq!(tco[0].3, "error");
    let w = workload(&report, "k8s:Deployment/ml/llm");
    assert_eq!(w["profile"]["utilization"]["origin"], "config");
    assert!(w["profile"]["utilization"]["basis"]
        .as_str()
        .unwrap()
        .contains("tcolint.yml"));
    // (1 - 0.45) x $1,468.76
    common::assert_usd(&w["cost"]["idle_monthly_usd"], 807.82, "idle");

    std::fs::write(&config, "select: [GPU]\n").unwrap();
    let (code, report) = check_json(&["--config", config.to_str().unwrap(), dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn configuration_in_the_current_folder_is_found() {
    let dir = scratch("config-cwd");
    std::fs::write(dir.join("llm.yaml"), GPU_DEPLOYMENT).unwrap();
    std::fs::write(dir.join("tcolint.yml"), "ignore: [TCO]\n").unwrap();
    let output = tcolint()
        .current_dir(&dir)
        .args(["check", "llm.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn configuration_errors_are_located() {
    let dir = scratch("config-error");
    let config = dir.join("tcolint.yml");
    std::fs::write(&config, "rules:\n  TCO001:\n    min-utilisation: 0.2\n").unwrap();
    let (code, _, stderr) = run(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "fixtures/kubernetes/rule-gpu001-silent.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("tcolint.yml:3:5: invalid configuration"),
        "{stderr}"
    );
    assert!(
        stderr.contains("TCO001 has no setting \"min-utilisation\""),
        "{stderr}"
    );
}

#[test]
fn rules_and_explain() {
    let (code, stdout, _) = run(&["rules"]);
    assert_eq!(code, 0);
    for code in ["E001", "GPU001", "GPU002", "LAT002", "TCO001"] {
        assert!(stdout.contains(code), "{stdout}");
    }
    assert!(
        stdout.contains("TCO001  idle-gpu-capacity                   warning  Always-on"),
        "{stdout}"
    );
    let widths: std::collections::HashSet<usize> = stdout
        .lines()
        .map(|l| {
            l.find("  ").unwrap() + l[l.find("  ").unwrap()..].find(|c: char| c != ' ').unwrap()
        })
        .collect();
    assert_eq!(widths.len(), 1, "the name column aligns: {stdout}");
    let (code, stdout, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let tco001 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "TCO001")
        .unwrap();
    assert_eq!(tco001["thresholds"]["min-utilization"], 0.4);
    let (code, stdout, _) = run(&["explain", "tco001"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# TCO001 idle-gpu-capacity"));
    assert!(stdout.contains("## How to suppress"));
    assert!(stdout.contains("min-utilization: 0.4"));
}

#[test]
fn text_output_is_one_line_per_workload_by_default() {
    let (code, stdout, _) = run(&[
        "check",
        "fixtures/kubernetes/deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml",
    ]);
    assert_eq!(code, 0, "TCO001 on the default utilization is info");
    assert!(stdout.contains("k8s:Deployment/llm-serving/vllm-llama-3-1-70b-awq  (Deployment, inference): 4 x A10G per replica, replicas 2, $8,281.12/month (idle $7,867.06), cold start 269.9 s\n"), "{stdout}");
    assert!(
        !stdout.contains("g5.12xlarge at $5.672/h"),
        "the basis is --verbose"
    );
    assert!(!stdout.contains("assumes"), "assumptions are --verbose");
    assert!(stdout.contains("TCO001 idle-gpu-capacity"));
    assert!(stdout.contains("deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml:4:1"));
}

#[test]
fn every_missing_named_path_is_exit_two_with_the_path() {
    let cases: [&[&str]; 5] = [
        &["check", "no/such/dir"],
        &[
            "check",
            "--var-file",
            "no/such.tfvars",
            "fixtures/terraform",
        ],
        &["check", "--tf-root", "no/such/root", "fixtures/terraform"],
        &[
            "check",
            "--config",
            "no/such/tcolint.yml",
            "fixtures/kubernetes",
        ],
        &[
            "check",
            "--baseline",
            "no/such/baseline.json",
            "fixtures/kubernetes",
        ],
    ];
    for args in cases {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("no/such"), "{args:?}: {stderr}");
    }
    let (code, _, stderr) = run(&[
        "diff",
        "--var-file",
        "no/such.tfvars",
        "fixtures/diff/base",
        "fixtures/diff/head",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--var-file no/such.tfvars"), "{stderr}");
}

#[test]
fn flags_that_cannot_apply_say_so() {
    let plan = "fixtures/kubernetes/deployment-rag-gateway-cpu.yaml";
    let (code, _, stderr) = run(&["check", "--stdin-filename", "x.yaml", plan]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("--stdin-filename has no effect without `-`"),
        "{stderr}"
    );
    let (_, _, stderr) = run(&["check", "--format", "json", "--verbose", plan]);
    assert!(
        stderr.contains("--verbose applies to --format text only"),
        "{stderr}"
    );
    let (_, _, stderr) = run(&["check", "--format", "sarif", "--color", "always", plan]);
    assert!(
        stderr.contains("--color applies to --format text only"),
        "{stderr}"
    );
    let (_, _, stderr) = run(&["check", "--color", "never", plan]);
    assert!(!stderr.contains("--color applies"), "{stderr}");
}

#[test]
fn format_flags_without_an_input_of_their_format_say_so() {
    let manifest = "fixtures/kubernetes/deployment-rag-gateway-cpu.yaml";
    for format in ["text", "json"] {
        let (code, _, stderr) = run(&[
            "check",
            "--format",
            format,
            "--var",
            "region=eu-west-1",
            "--module-dir",
            "x=vendor/x",
            "--opt",
            "stage=prod",
            manifest,
        ]);
        assert_eq!(code, 0, "{stderr}");
        for note in [
            "--var had no effect: no Terraform configuration or plan was scanned",
            "--module-dir had no effect: no Terraform configuration or plan was scanned",
            "--opt had no effect: no Serverless Framework or CloudFormation file was scanned",
        ] {
            assert!(stderr.contains(note), "{format}: {stderr}");
        }
    }
    // Where their format is scanned, they act and nothing is said.
    let (_, _, stderr) = run(&[
        "check",
        "--var",
        "region=eu-west-1",
        "fixtures/terraform/aws",
    ]);
    assert!(!stderr.contains("had no effect"), "{stderr}");
    let (_, _, stderr) = run(&["check", "--opt", "stage=prod", "fixtures/serverless/ml-api"]);
    assert!(!stderr.contains("had no effect"), "{stderr}");
}

/// Runs `tcolint check --format json <args>` on `stdin` from `dir`.
fn check_stdin(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, serde_json::Value) {
    let output = tcolint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), report)
}

const STDIN_HCL: &str = "variable \"n\" {\n  default = 2\n}\nresource \"aws_instance\" \"gpu\" {\n  count         = var.n\n  instance_type = \"g5.xlarge\"\n}\n";

#[test]
fn terraform_on_stdin_is_read_as_a_configuration() {
    // A terraform.tfvars in the working folder is not beside standard
    // input: it must not be read (n stays 2).
    let dir = scratch("stdin-hcl");
    std::fs::write(dir.join("terraform.tfvars"), "n = 5\n").unwrap();
    let (code, report) = check_stdin(&dir, &["--stdin-filename", "infra/main.tf", "-"], STDIN_HCL);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["workloads"], 2, "{report}");
    let gpu = workload(&report, "aws_instance.gpu[1]");
    assert_eq!(gpu["location"]["file"], "infra/main.tf");
    assert_eq!(
        (
            gpu["location"]["line"].as_u64(),
            gpu["location"]["column"].as_u64()
        ),
        (Some(4), Some(1))
    );
    common::assert_usd(&gpu["cost"]["monthly_usd"], 734.38, "g5.xlarge x 730 h");

    // Unnamed, the content says it is HCL; --var applies as to a folder.
    let (_, report) = check_stdin(&dir, &["--var", "n=3", "-"], STDIN_HCL);
    assert_eq!(report["summary"]["workloads"], 3, "{report}");
    assert_eq!(
        workload(&report, "aws_instance.gpu[2]")["location"]["file"],
        "<stdin>"
    );

    // JSON syntax by its name.
    let json = r#"{"resource": {"aws_instance": {"gpu": {"instance_type": "g6.xlarge"}}}}"#;
    let (_, report) = check_stdin(&dir, &["--stdin-filename", "main.tf.json", "-"], json);
    assert_eq!(
        workload(&report, "aws_instance.gpu")["instance_type"],
        "g6.xlarge"
    );

    // Invalid HCL is an E001 where parsing stopped, on the last line.
    let (code, report) = check_stdin(
        &dir,
        &["--stdin-filename", "main.tf", "-"],
        "resource \"x\" \"y\" {\n",
    );
    assert_eq!(code, 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "E001");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid HCL"),
        "{finding}"
    );
    assert_eq!(finding["location"]["line"], 1, "{finding}");

    // A YAML name keeps HCL-looking text out of the Terraform reader.
    let (_, report) = check_stdin(&dir, &["--stdin-filename", "x.yaml", "-"], STDIN_HCL);
    assert_eq!(report["summary"]["workloads"], 0, "{report}");
}

#[test]
fn stdin_syntax_follows_the_name_and_errors_stay_inside_the_text() {
    let dir = scratch("stdin-syntax");
    // Named .json: a JSON error, not a YAML one.
    let (_, report) = check_stdin(&dir, &["--stdin-filename", "x.json", "-"], "{\"a\": [1,\n");
    let finding = &report["findings"][0];
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON"),
        "{finding}"
    );
    assert_eq!(finding["location"]["line"], 1, "{finding}");
    // An error at the end of a three-line text is on line 3, not line 4.
    let (_, report) = check_stdin(&dir, &["-"], "apiVersion: v1\nkind: Pod\nmetadata: [1,\n");
    let location = &report["findings"][0]["location"];
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(3), Some(14)),
        "{location}"
    );
    assert_eq!(location["end_line"], 3, "{location}");
    // JSON on stdin is read as JSON whatever the name.
    let plan = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/terraform/plans/gcp-gke-gpu-pools.json"),
    )
    .unwrap();
    let (_, report) = check_stdin(&dir, &["--stdin-filename", "plan.json", "-"], &plan);
    assert!(
        report["summary"]["workloads"].as_u64().unwrap() > 0,
        "{report}"
    );
}

#[test]
fn a_small_file_size_limit_is_printed_in_its_unit() {
    let (_, report) = common::check_json(&[
        "--max-file-size",
        "1Ki",
        "fixtures/kubernetes/deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml",
    ]);
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("larger than the 1 KiB limit"), "{message}");
}

#[test]
fn a_summary_with_unbounded_workloads_never_contradicts_itself() {
    let (_, report) = common::check_json(&["fixtures/kubernetes"]);
    let summary = &report["summary"];
    let open_gpus = summary["unbounded_gpu_workloads"].as_u64().unwrap();
    let open_cost = summary["unbounded_priced_workloads"].as_u64().unwrap();
    assert!(open_gpus > 0 && open_cost > 0, "{summary}");
    assert!(
        summary["gpus_max"].as_f64() >= summary["gpus_min"].as_f64(),
        "{summary}"
    );
    assert!(
        summary["peak_monthly_usd"].as_f64() >= summary["monthly_usd"].as_f64(),
        "{summary}"
    );
    let (_, stdout, _) = run(&["check", "fixtures/kubernetes"]);
    assert!(
        stdout.contains(&format!(
            "unbounded at maximum ({open_gpus} GPU workload(s) have no maximum; at least"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "peak unbounded ({open_cost} workload(s) have no maximum"
        )),
        "{stdout}"
    );
    // Bounded only: plain numbers.
    let (_, stdout, _) = run(&[
        "check",
        "fixtures/kubernetes/deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml",
    ]);
    assert!(
        stdout.contains("GPUs        8 at minimum, 8 at maximum"),
        "{stdout}"
    );
}

#[test]
fn a_one_line_plan_prints_no_line_longer_than_300_characters() {
    let plan = "fixtures/terraform/plans/gcp-gke-gpu-pools.json";
    let longest = std::fs::read_to_string(plan)
        .unwrap()
        .lines()
        .map(str::len)
        .max()
        .unwrap();
    assert!(longest > 10_000, "the fixture is a one-line plan");
    for verbose in [false, true] {
        let mut args = vec!["check", plan];
        if verbose {
            args.push("--verbose");
        }
        let (_, stdout, _) = run(&args);
        assert!(stdout.contains(" │ …"), "a windowed snippet: {stdout}");
        let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(
            widest <= 300,
            "verbose {verbose}: a line of {widest} characters"
        );
        // The header keeps the real line and column of the span.
        assert!(stdout.contains("gcp-gke-gpu-pools.json:1:"), "{stdout}");
    }
}

#[test]
fn text_output_names_the_numbers_and_their_basis() {
    let (code, stdout, _) = run(&[
        "check",
        "--verbose",
        "fixtures/kubernetes/deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml",
    ]);
    assert_eq!(code, 0, "TCO001 on the default utilization is info");
    assert!(stdout
        .contains("k8s:Deployment/llm-serving/vllm-llama-3-1-70b-awq  (Deployment, inference)"));
    assert!(stdout.contains("per replica 4 x A10G 24 GB (nvidia.com/gpu), 40 vCPU, 160 GiB"));
    assert!(stdout.contains("cost        $8,281.12/month, idle $7,867.06"));
    assert!(stdout.contains("g5.12xlarge at $5.672/h"));
    assert!(stdout.contains("TCO001 idle-gpu-capacity"));
    assert!(stdout.contains("deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml:4:1"));
    assert!(!stdout.contains('\u{1b}'), "no colour codes when piped");
}

#[test]
fn a_file_named_twice_is_read_once() {
    let file = "fixtures/kubernetes/deployment-rag-gateway-cpu.yaml";
    let (_, report) = check_json(&[
        file,
        file,
        "fixtures/kubernetes/../kubernetes/deployment-rag-gateway-cpu.yaml",
    ]);
    assert_eq!(report["summary"]["workloads"], 1);
}

/// Every source a report cites can be looked up: title, date and where to
/// find it, as text and JSON; an unknown key is exit 2.
#[test]
fn sources_resolve_keys_to_titles_dates_and_places() {
    let (code, stdout, _) = run(&["sources", "castai"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(
            "CASTAI  Cast AI 2026 State of Kubernetes Optimization Report (2026-04)\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("where: https://cast.ai"), "{stdout}");

    let (code, stdout, _) = run(&["sources", "--format", "json"]);
    assert_eq!(code, 0);
    let sources: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let sources = sources.as_array().unwrap();
    assert!(sources.len() > 30);
    for source in sources {
        for field in ["key", "date", "title", "where", "note"] {
            let text = source[field].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{source}: {field}");
            assert!(!text.contains("shared/reference"), "{source}");
        }
    }
    let kp = sources.iter().find(|s| s["key"] == "KP").unwrap();
    assert_eq!(kp["title"], "Karpenter AWS on-demand price table");
    assert!(kp["where"]
        .as_str()
        .unwrap()
        .starts_with("https://github.com/aws/karpenter-provider-aws/"));

    let (code, _, stderr) = run(&["sources", "FACTS"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown source \"FACTS\"; known sources: "),
        "{stderr}"
    );
}

/// Reports cite sources by title, never by the catalogue's internal keys.
#[test]
fn reports_cite_titles_not_keys() {
    let (_, stdout, _) = run(&["check", "--verbose", "fixtures/"]);
    for key in [
        "CASTAI",
        "FACTS",
        "KP 2026",
        "SHAHRAD",
        "AKINGSCOTE",
        "H200 2026",
        "OC 2020",
    ] {
        assert!(!stdout.contains(key), "{key} in the text report");
    }
    assert!(stdout.contains("(Cast AI 2026 State of Kubernetes Optimization Report, 2026-04)"));
}

/// `tcolint check --format json --fail-on never PATH`, to run with an
/// environment or standard input.
fn json_check(path: &str) -> assert_cmd::Command {
    let mut command = tcolint();
    command.args(["check", "--format", "json", "--fail-on", "never", path]);
    command
}

#[test]
fn the_held_workloads_budget_comes_from_the_environment() {
    let scan = |held: &str| {
        json_check("fixtures/kubernetes")
            .env("TCOLINT_HELD_MIB", held)
            .output()
            .unwrap()
    };
    // Holding none reads every file again: the same report.
    let (none, default) = (scan("0"), scan("48"));
    assert_eq!(none.status.code(), Some(0));
    assert!(none.stdout == default.stdout, "the reports differ");
    assert!(none.stdout.len() > 10_000);
    for bad in ["x", "-1", "1.5", "99999999999999999999"] {
        let output = scan(bad);
        assert_eq!(output.status.code(), Some(2), "TCOLINT_HELD_MIB={bad}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!(
                "TCOLINT_HELD_MIB={bad}: expected a whole number of MiB (0 holds none; the default is 48)"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_pipe_named_as_a_path_is_held_not_read_again() {
    // /dev/stdin reads empty a second time: its workloads stay held even
    // when the budget holds nothing else.
    let text =
        std::fs::read_to_string("fixtures/kubernetes/deployment-tgi-gemma-2-27b-gke-l4.yaml")
            .unwrap();
    let output = json_check("/dev/stdin")
        .env("TCOLINT_HELD_MIB", "0")
        .write_stdin(text)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["workloads"], 1, "{report}");
    assert_eq!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "E001")
            .count(),
        0
    );
}
