//! Inputs the reference tools accept and tcolint once rejected (issue 12):
//! each is read without E001, with the values the real tool gives
//! (`terraform console`, PyYAML/kubectl); see fixtures/parsers/README.md.

mod common;

use common::{check_json, workload};

fn invalid_input(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "E001")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// `{ instance_type = "g5.xlarge", instance_type = "g5.12xlarge" }`:
/// Terraform keeps the later value, in one-line, multi-line and
/// quoted-key-versus-identifier forms.
#[test]
fn hcl_object_with_a_repeated_key_keeps_the_later_value() {
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/parsers/hcl-duplicate-key"]);
    assert_eq!(invalid_input(&report), Vec::<String>::new());
    assert_eq!(
        workload(&report, "aws_instance.gpu")["instance_type"],
        "g5.12xlarge"
    );
    assert_eq!(
        workload(&report, "aws_instance.cpu")["instance_type"],
        "c5.xlarge"
    );
    // E002 warnings at each later key (an identical key, a quoted key
    // repeating an identifier, a tags map).
    let repeated: Vec<(u64, u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "E002")
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        repeated,
        [(6, 42, "warning"), (9, 7, "warning"), (24, 5, "warning")]
    );
}

/// Terraform JSON syntax rejects an argument or object key written twice
/// ("Duplicate argument", "Duplicate object attribute", also in
/// `.tfvars.json`), so each repeat is an E002 error at the second key, and
/// tcolint reads the later value as for every JSON input; `"resource"`
/// twice and a nested block key twice (`ebs_block_device`) declare more
/// blocks and are no finding.
#[test]
fn tf_json_duplicate_keys_are_errors_at_the_second_key() {
    let (code, report) = check_json(&["fixtures/parsers/tf-json-duplicate-key"]);
    assert_eq!(code, 1);
    assert_eq!(invalid_input(&report), Vec::<String>::new());
    assert_eq!(
        workload(&report, "aws_instance.gpu")["instance_type"],
        "g5.12xlarge"
    );
    // `workers` is 3 in the later key of terraform.tfvars.json.
    for index in 0..3 {
        assert_eq!(
            workload(&report, &format!("aws_instance.cpu[{index}]"))["instance_type"],
            "c5.xlarge"
        );
    }
    assert_eq!(
        common::findings(&report, "findings", "E002")
            .into_iter()
            .map(|(file, line, column, severity, _)| (file, line, column, severity))
            .collect::<Vec<_>>(),
        [
            ("main.tf.json".to_string(), 10, 9, "error".to_string()),
            ("main.tf.json".to_string(), 11, 32, "error".to_string()),
            (
                "terraform.tfvars.json".to_string(),
                3,
                3,
                "error".to_string()
            ),
        ]
    );
}

/// `{ for k in x : k => c ? "1" :<newline> "2" }` and a collection broken
/// across lines: `local.sizes` is `{batch = "g5.12xlarge", serve =
/// "g5.12xlarge"}` and `local.counts` `{batch = 1, serve = 2}` in
/// `terraform console`.
#[test]
fn hcl_conditional_broken_across_lines_inside_for() {
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/parsers/hcl-for-conditional"]);
    assert_eq!(invalid_input(&report), Vec::<String>::new());
    let ids: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aws_instance.serve[0]",
            "aws_instance.serve[1]",
            "aws_instance.batch[0]"
        ]
    );
    for id in ids {
        assert_eq!(workload(&report, id)["instance_type"], "g5.12xlarge");
    }
}

/// A quoted scalar continued left of its `-` entry and flow collections
/// closed at the indentation of their mapping: read as PyYAML reads them.
#[test]
fn yaml_layouts_kubectl_accepts() {
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "fixtures/parsers/yaml-indentation.yaml",
    ]);
    assert_eq!(invalid_input(&report), Vec::<String>::new());
    let vllm = workload(&report, "k8s:Deployment/ml/vllm-flow-layout");
    assert_eq!(vllm["gpu"]["per_replica"], 1.0);
    assert_eq!(vllm["gpu"]["model"], "L4");
    assert_eq!(vllm["gpu"]["location"]["line"], 30);
    assert_eq!(vllm["replicas"]["min"], 2);
}

/// A JSON manifest as Python's `json.dumps` writes it: emoji as surrogate
/// pairs. Read as JSON (serde_json's semantics), not through YAML.
#[test]
fn json_surrogate_pairs() {
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "fixtures/parsers/json-surrogates.json",
    ]);
    assert_eq!(invalid_input(&report), Vec::<String>::new());
    let chat = workload(&report, "k8s:Deployment/ml/chat-rocket");
    assert_eq!(chat["gpu"]["per_replica"], 2.0);
    assert_eq!(chat["gpu"]["model"], "L4");
    assert_eq!(chat["replicas"]["min"], 3);
    // The GPU count's span, on line 37 of the JSON file.
    assert_eq!(chat["gpu"]["location"]["line"], 37);
}

/// E002 at the second key, the later value read: a warning outside
/// Kubernetes (fixtures/rules/E002 has the Kubernetes error).
#[test]
fn duplicate_keys_take_the_later_value_with_a_finding_at_the_second() {
    let (code, report) = check_json(&["fixtures/parsers/duplicate-keys"]);
    assert_eq!(code, 1, "warnings fail by default");
    assert_eq!(
        workload(&report, "sls:doc-embedder/embed")["function"]["memory_mb"],
        3008.0
    );
    assert_eq!(
        workload(&report, "cfn:template/Scorer")["function"]["memory_mb"],
        4096.0
    );
    let found: Vec<(String, u64, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "E002")
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "fixtures/parsers/duplicate-keys/serverless.yml".to_string(),
                17,
                5,
                "warning".to_string()
            ),
            (
                "fixtures/parsers/duplicate-keys/template.json".to_string(),
                15,
                9,
                "warning".to_string()
            ),
        ]
    );
}
