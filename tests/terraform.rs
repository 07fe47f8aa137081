//! Terraform fixtures (see fixtures/terraform/README.md for the arithmetic):
//! addresses, instance types, GPUs, replica bounds, monthly costs to the
//! cent, finding lines, plan deltas, and the same infrastructure priced
//! identically as `.tf` and as plan JSON.

mod common;

use common::{check_json, findings, workload};

type Row = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<(f64, Option<&'static str>)>,
    u64,
    Option<u64>,
    Option<f64>,
);

/// (folder, address, instance type, (GPUs per replica, model), min, max, baseline $/month)
const WORKLOADS: &[Row] = &[
    (
        "aws",
        "aws_batch_compute_environment.gpu_spot",
        Some("g5.2xlarge"),
        Some((1.0, Some("A10G"))),
        0,
        Some(16),
        Some(0.00),
    ),
    (
        "aws",
        "aws_batch_compute_environment.gpu_ondemand",
        Some("g5.xlarge"),
        Some((1.0, Some("A10G"))),
        2,
        Some(8),
        Some(1468.76),
    ),
    (
        "aws",
        "aws_autoscaling_group.triton",
        Some("g5.xlarge"),
        Some((1.0, Some("A10G"))),
        1,
        Some(4),
        Some(734.38),
    ),
    (
        "aws",
        "aws_autoscaling_group.feature_workers",
        Some("c5.xlarge"),
        None,
        2,
        Some(6),
        Some(248.20),
    ),
    (
        "aws",
        "aws_instance.notebook[0]",
        Some("g4dn.xlarge"),
        Some((1.0, Some("T4"))),
        1,
        Some(1),
        Some(383.98),
    ),
    (
        "aws",
        "aws_instance.notebook[1]",
        Some("g4dn.xlarge"),
        Some((1.0, Some("T4"))),
        1,
        Some(1),
        Some(383.98),
    ),
    (
        "aws",
        "aws_instance.inferentia[\"chat\"]",
        Some("inf2.xlarge"),
        Some((1.0, Some("Inferentia2"))),
        1,
        Some(1),
        Some(553.49),
    ),
    (
        "aws",
        "aws_instance.inferentia[\"summarize\"]",
        Some("inf2.xlarge"),
        Some((1.0, Some("Inferentia2"))),
        1,
        Some(1),
        Some(553.49),
    ),
    (
        "aws",
        "aws_instance.eval_spot",
        Some("g6.xlarge"),
        Some((1.0, Some("L4"))),
        1,
        Some(1),
        Some(587.50),
    ),
    (
        "aws",
        "aws_lambda_function.embed_router",
        None,
        None,
        5,
        None,
        Some(87.60),
    ),
    (
        "aws",
        "aws_lambda_function.pdf_ingest",
        None,
        None,
        0,
        None,
        Some(0.00),
    ),
    (
        "aws",
        "aws_eks_cluster.main",
        None,
        None,
        1,
        Some(1),
        Some(73.00),
    ),
    (
        "aws",
        "aws_eks_node_group.system",
        Some("t3.medium"),
        None,
        2,
        Some(4),
        Some(60.74),
    ),
    (
        "aws",
        "aws_eks_node_group.reranker",
        Some("g6e.xlarge"),
        Some((1.0, Some("L40S"))),
        1,
        Some(3),
        Some(1358.53),
    ),
    (
        "aws",
        "aws_eks_node_group.reserved_llm",
        Some("g5.48xlarge"),
        Some((8.0, Some("A10G"))),
        1,
        Some(1),
        Some(11890.24),
    ),
    (
        "aws",
        "module.gpu_node_groups[\"batch-spot\"].aws_eks_node_group.this",
        Some("g5.xlarge"),
        Some((1.0, Some("A10G"))),
        0,
        Some(10),
        Some(0.00),
    ),
    (
        "aws",
        "module.gpu_node_groups[\"embed-l4\"].aws_eks_node_group.this",
        Some("g6.xlarge"),
        Some((1.0, Some("L4"))),
        1,
        Some(6),
        Some(587.50),
    ),
    (
        "aws",
        "module.gpu_node_groups[\"llm-a10g\"].aws_eks_node_group.this",
        Some("g5.12xlarge"),
        Some((4.0, Some("A10G"))),
        2,
        Some(2),
        Some(8281.12),
    ),
    (
        "aws",
        "module.training_node_group.aws_eks_node_group.this",
        Some("p4d.24xlarge"),
        Some((8.0, Some("A100-40GB"))),
        0,
        Some(4),
        Some(0.00),
    ),
    (
        "aws",
        "aws_sagemaker_endpoint_configuration.reranker/current",
        Some("ml.g5.xlarge"),
        Some((1.0, Some("A10G"))),
        2,
        Some(2),
        Some(2055.68),
    ),
    (
        "aws",
        "aws_sagemaker_endpoint_configuration.reranker/candidate",
        Some("ml.g4dn.xlarge"),
        Some((1.0, Some("T4"))),
        1,
        Some(1),
        Some(537.57),
    ),
    (
        "aws",
        "aws_sagemaker_endpoint_configuration.llm",
        Some("ml.p4d.24xlarge"),
        Some((8.0, Some("A100-40GB"))),
        1,
        Some(1),
        Some(27512.24),
    ),
    (
        "aws",
        "aws_sagemaker_endpoint_configuration.intent_serverless",
        None,
        None,
        2,
        Some(20),
        None,
    ),
    (
        "gcp",
        "google_compute_instance.t4_inference",
        Some("n1-standard-8 + 2 x T4"),
        Some((2.0, Some("T4"))),
        1,
        Some(1),
        Some(788.40),
    ),
    (
        "gcp",
        "google_compute_instance.a100_trainer",
        Some("a2-highgpu-1g"),
        Some((1.0, Some("A100-40GB"))),
        1,
        Some(1),
        Some(1407.45),
    ),
    (
        "gcp",
        "google_container_cluster.ml",
        None,
        None,
        1,
        Some(1),
        Some(73.00),
    ),
    (
        "gcp",
        "google_container_node_pool.l4_serving",
        Some("g2-standard-24"),
        Some((2.0, Some("L4"))),
        2,
        Some(2),
        Some(2921.22),
    ),
    (
        "gcp",
        "google_container_node_pool.t4_batch",
        Some("n1-standard-4 + 1 x T4"),
        Some((1.0, Some("T4"))),
        1,
        Some(3),
        Some(394.20),
    ),
    (
        "gcp",
        "google_cloud_run_v2_service.whisper",
        None,
        Some((1.0, Some("L4"))),
        1,
        Some(3),
        Some(763.96),
    ),
    (
        "gcp",
        "kubernetes_deployment_v1.tgi_gemma",
        Some("g2-standard-8"),
        Some((1.0, Some("L4"))),
        2,
        Some(2),
        Some(1246.29),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster.main",
        None,
        None,
        1,
        Some(1),
        Some(73.00),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster.main/default_node_pool/system",
        Some("Standard_D4s_v5"),
        None,
        2,
        Some(5),
        Some(280.32),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster_node_pool.a100_spot",
        Some("Standard_NC24ads_A100_v4"),
        Some((1.0, Some("A100-80GB"))),
        0,
        Some(4),
        Some(0.00),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster_node_pool.t4_inference",
        Some("Standard_NC4as_T4_v3"),
        Some((1.0, Some("T4"))),
        2,
        Some(2),
        Some(767.96),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster.eu",
        None,
        None,
        1,
        Some(1),
        // The eastus Standard-tier fee stands in for westeurope (approximate).
        Some(73.00),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster.eu/default_node_pool/system",
        Some("Standard_D4s_v5"),
        None,
        2,
        Some(2),
        Some(280.32),
    ),
    (
        "azure",
        "azurerm_kubernetes_cluster_node_pool.eu_v100",
        Some("Standard_NC6s_v3"),
        Some((1.0, Some("V100"))),
        1,
        Some(3),
        Some(2233.80),
    ),
    (
        "azure",
        "azurerm_linux_virtual_machine.t4_inference",
        Some("Standard_NC4as_T4_v3"),
        Some((1.0, Some("T4"))),
        1,
        Some(1),
        Some(383.98),
    ),
    (
        "azure",
        "azurerm_windows_virtual_machine.viz_workstation",
        None,
        Some((1.0, None)),
        1,
        Some(1),
        None,
    ),
    (
        "azure",
        "azurerm_linux_virtual_machine.a100_dev",
        Some("Standard_NC48ads_A100_v4"),
        Some((2.0, Some("A100-80GB"))),
        1,
        Some(1),
        Some(648.87),
    ),
    (
        "typo",
        "aws_eks_node_group.asr",
        None,
        None,
        1,
        Some(3),
        None,
    ),
];

#[test]
fn configurations_yield_their_workloads_and_costs() {
    for folder in ["aws", "gcp", "azure", "typo"] {
        let (_, report) = check_json(&[
            "--fail-on",
            "never",
            &format!("fixtures/terraform/{folder}"),
        ]);
        let rows: Vec<&Row> = WORKLOADS.iter().filter(|row| row.0 == folder).collect();
        let ids: Vec<&str> = report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            rows.iter().map(|row| row.1).collect::<Vec<_>>(),
            "{folder}"
        );
        for (_, id, instance, gpu, min, max, monthly) in rows {
            let w = workload(&report, id);
            assert_eq!(w["instance_type"].as_str(), *instance, "{id}");
            match gpu {
                Some((per_replica, model)) => {
                    assert_eq!(w["gpu"]["per_replica"].as_f64(), Some(*per_replica), "{id}");
                    assert_eq!(w["gpu"]["model"].as_str(), *model, "{id}");
                }
                None => assert!(w["gpu"].is_null(), "{id}"),
            }
            assert_eq!(
                (w["replicas"]["min"].as_u64(), w["replicas"]["max"].as_u64()),
                (Some(*min), *max),
                "{id}"
            );
            match monthly {
                Some(monthly) => common::assert_usd(&w["cost"]["monthly_usd"], *monthly, id),
                None => assert!(
                    w["cost"].is_null() && w["unpriced_reason"].is_string(),
                    "{id}"
                ),
            }
        }
    }
}

#[test]
fn folder_totals_match_the_readme() {
    for (folder, total) in [
        ("aws", 57358.00),
        ("gcp", 7594.52),
        ("azure", 4741.25),
        ("typo", 0.00),
    ] {
        let (_, report) = check_json(&[
            "--fail-on",
            "never",
            &format!("fixtures/terraform/{folder}"),
        ]);
        common::assert_usd(&report["summary"]["monthly_usd"], total, folder);
    }
}

#[test]
fn evaluation_reads_tfvars_modules_and_references() {
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/terraform/aws"]);
    // terraform.tfvars sets the region; ml-platform.auto.tfvars, read after it, sets notebook_count = 2.
    let notebook = workload(&report, "aws_instance.notebook[1]");
    assert_eq!(notebook["region"], "us-east-1");
    // The launch template named by reference sets the node group's type.
    let reranker = workload(&report, "aws_eks_node_group.reranker");
    assert!(reranker["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "instance type from aws_launch_template.reranker"));
    // Batch bounds in vCPUs become instances: 8..32 vCPU of a 4-vCPU g5.xlarge.
    let batch = workload(&report, "aws_batch_compute_environment.gpu_ondemand");
    assert!(batch["replicas"]["basis"]
        .as_str()
        .unwrap()
        .contains("2 to 8 instances"));
    // Provisioned concurrency is folded into its function, and priced by the
    // Lambda model: 5 x 2 GB x 730 h x 3600 s x $0.0000033334 per GB-s (arm64).
    let lambda = workload(&report, "aws_lambda_function.embed_router");
    assert_eq!(lambda["replicas"]["min"], 5);
    assert_eq!(lambda["function"]["provisioned_concurrency"], 5);
    common::assert_usd(
        &lambda["cost"]["fixed_monthly_usd"],
        87.60,
        "provisioned concurrency",
    );
}

#[test]
fn findings_point_at_their_lines() {
    let (_, aws) = check_json(&["fixtures/terraform/aws"]);
    let tco004 = findings(&aws, "findings", "TCO004");
    assert_eq!(tco004.len(), 1);
    assert_eq!(
        (tco004[0].0.as_str(), tco004[0].1, tco004[0].2),
        ("main.tf", 13, 5)
    );
    assert_eq!(
        tco004[0].4,
        "module.gpu_node_groups[\"llm-a10g\"].aws_eks_node_group.this"
    );
    assert_eq!(findings(&aws, "findings", "TCO001").len(), 13);
    // Provisioned concurrency in its own resource: at that resource's value.
    assert_eq!(
        findings(&aws, "findings", "TCO003"),
        [(
            "lambda.tf".to_string(),
            36,
            3,
            "info".to_string(),
            "aws_lambda_function.embed_router".to_string()
        )]
    );
    common::assert_usd(
        &aws["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "TCO003")
            .unwrap()["monthly_usd"],
        87.60,
        "provisioned standby",
    );
    let suppressed = findings(&aws, "suppressed", "TCO004");
    assert_eq!(
        (suppressed[0].0.as_str(), suppressed[0].1, suppressed[0].2),
        ("main.tf", 128, 5)
    );
    assert!(aws["suppressed"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("reserved g5.48xlarge capacity"));
    let floor = aws["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TCO004")
        .unwrap();
    common::assert_usd(&floor["monthly_usd"], 8281.12, "floor");

    let (_, gcp) = check_json(&["fixtures/terraform/gcp"]);
    let tco004 = findings(&gcp, "findings", "TCO004");
    assert_eq!(
        (tco004[0].0.as_str(), tco004[0].1, tco004[0].2),
        ("gke.tf", 35, 3)
    );
    let (_, azure) = check_json(&["fixtures/terraform/azure"]);
    let tco004 = findings(&azure, "findings", "TCO004");
    assert_eq!(
        (tco004[0].0.as_str(), tco004[0].1, tco004[0].2),
        ("aks.tf", 68, 3)
    );
    // Standard_NC48ads_A100_v4 is priced by the generated catalogue (issue 8):
    // no GPU002 in azure any more.
    assert!(findings(&azure, "findings", "GPU002").is_empty());

    let (code, typo) = check_json(&["fixtures/terraform/typo"]);
    assert_eq!(code, 1);
    let gpu002 = findings(&typo, "findings", "GPU002");
    assert_eq!(
        (gpu002[0].0.as_str(), gpu002[0].1, gpu002[0].2),
        ("main.tf", 13, 22)
    );
    assert!(typo["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean g5.2xlarge?"));
}

/// (address, min, max, monthly, file, line)
type Priced = (String, Option<u64>, Option<u64>, f64, String, u64);

fn costs(report: &serde_json::Value) -> Vec<Priced> {
    let mut out: Vec<_> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().to_string(),
                w["replicas"]["min"].as_u64(),
                w["replicas"]["max"].as_u64(),
                w["cost"]["monthly_usd"].as_f64().unwrap(),
                w["location"]["file"].as_str().unwrap().to_string(),
                w["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn the_same_infrastructure_prices_the_same_as_tf_and_as_plan() {
    let (_, module) = check_json(&["--fail-on", "never", "fixtures/terraform/pair/main.tf"]);
    let (_, plan) = check_json(&[
        "--fail-on",
        "never",
        "--tf-root",
        "fixtures/terraform/pair",
        "fixtures/terraform/pair/plan/plan.json",
    ]);
    // Same addresses, bounds, costs — and, with --tf-root, the same blocks.
    assert_eq!(costs(&module), costs(&plan));
    assert_eq!(costs(&module).len(), 6);
    common::assert_usd(&module["summary"]["monthly_usd"], 3601.52, "module");
    common::assert_usd(
        &plan["summary"]["plan"]["monthly_after_usd"],
        3601.52,
        "plan",
    );
    // Without the .tf files, plan resources point into the plan itself.
    let (_, bare) = check_json(&[
        "--fail-on",
        "never",
        "fixtures/terraform/pair/plan/plan.json",
    ]);
    assert!(costs(&bare).iter().all(|row| row.4.ends_with("plan.json")));
}

/// (address, action, before, after, delta)
type PlanRow = (
    &'static str,
    &'static str,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

const PLAN_CHANGES: &[PlanRow] = &[
    (
        "aws_autoscaling_group.batch_workers",
        "create",
        Some(0.00),
        Some(587.50),
        Some(587.50),
    ),
    (
        "aws_eks_cluster.main",
        "no-op",
        Some(73.00),
        Some(73.00),
        Some(0.00),
    ),
    (
        "aws_eks_node_group.serving",
        "replace",
        Some(1769.52),
        Some(2717.06),
        Some(947.54),
    ),
    ("aws_instance.canary", "create", Some(0.00), None, None),
    (
        "aws_instance.inference",
        "update",
        Some(734.38),
        Some(4140.56),
        Some(3406.18),
    ),
    (
        "aws_instance.legacy_trainer",
        "delete",
        Some(16029.08),
        Some(0.00),
        Some(-16029.08),
    ),
    (
        "module.training.aws_eks_node_group.gpu",
        "create",
        Some(0.00),
        Some(32058.16),
        Some(32058.16),
    ),
    (
        "google_compute_instance.h100_eval",
        "create",
        Some(0.00),
        Some(64597.70),
        Some(64597.70),
    ),
    (
        "google_container_node_pool.a100_train",
        "update",
        Some(2681.57),
        Some(5363.14),
        Some(2681.57),
    ),
    (
        "google_container_node_pool.l4_serving",
        "create",
        Some(0.00),
        Some(2921.22),
        Some(2921.22),
    ),
    (
        "google_container_node_pool.l4_spot_batch",
        "no-op",
        Some(0.00),
        Some(0.00),
        Some(0.00),
    ),
    (
        "google_container_node_pool.t4_legacy",
        "delete",
        Some(1299.40),
        Some(0.00),
        Some(-1299.40),
    ),
];

#[test]
fn plans_give_before_after_and_delta() {
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/terraform/plans"]);
    for (id, action, before, after, delta) in PLAN_CHANGES {
        let change = &workload(&report, id)["change"];
        assert_eq!(change["action"], *action, "{id}");
        for (field, expected) in [
            ("monthly_before_usd", before),
            ("monthly_after_usd", after),
            ("monthly_delta_usd", delta),
        ] {
            match expected {
                Some(value) => common::assert_usd(&change[field], *value, id),
                None => assert!(change[field].is_null(), "{id} {field}"),
            }
        }
    }
    let plan = &report["summary"]["plan"];
    common::assert_usd(&plan["monthly_before_usd"], 22_586.95, "before");
    common::assert_usd(&plan["monthly_after_usd"], 112_458.34, "after");
    common::assert_usd(&plan["monthly_delta_usd"], 89_871.39, "delta");
    assert_eq!(
        (plan["changed"].as_u64(), plan["unpriced"].as_u64()),
        (Some(10), Some(1))
    );
    // Deleted resources are not part of what runs after the plan, and raise nothing.
    common::assert_usd(&report["summary"]["monthly_usd"], 112_458.34, "after total");
    let on_deleted = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["workload"] == "aws_instance.legacy_trainer"
                || f["workload"] == "google_container_node_pool.t4_legacy"
        })
        .count();
    assert_eq!(on_deleted, 0);
    // A value known only after apply is unknown, not zero.
    let canary = workload(&report, "aws_instance.canary");
    assert!(canary["unpriced_reason"]
        .as_str()
        .unwrap()
        .contains("known after apply"));
}

/// Purpose is judged on the model, not in one front end: a Lambda function
/// named `train` with a 900 s timeout trains, whether it is written as a
/// Terraform `aws_lambda_function` or in a serverless.yml, and FIT001 says
/// so for both; renamed, neither fires.
#[test]
fn fit001_judges_a_terraform_lambda_as_it_judges_serverless() {
    let dir = common::scratch("fit001-formats");
    let scan = |name: &str| {
        let tf = dir.join("tf");
        let sls = dir.join("sls");
        std::fs::create_dir_all(&tf).unwrap();
        std::fs::create_dir_all(&sls).unwrap();
        std::fs::write(
            tf.join("main.tf"),
            format!("resource \"aws_lambda_function\" \"{name}\" {{\n  function_name = \"{name}\"\n  handler       = \"app.handler\"\n  runtime       = \"python3.12\"\n  memory_size   = 3008\n  timeout       = 900\n}}\n"),
        )
        .unwrap();
        std::fs::write(
            sls.join("serverless.yml"),
            format!("service: ml\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  {name}:\n    handler: app.handler\n    memorySize: 3008\n    timeout: 900\n"),
        )
        .unwrap();
        let (_, report) = check_json(&[
            "--select",
            "FIT001",
            tf.to_str().unwrap(),
            sls.to_str().unwrap(),
        ]);
        let messages: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        (findings(&report, "findings", "FIT001"), messages)
    };
    let (found, messages) = scan("train");
    let places: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|(file, line, _, _, workload)| (file.as_str(), *line, workload.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("serverless.yml", 6, "sls:ml/train"),
            ("main.tf", 1, "aws_lambda_function.train")
        ],
        "{messages:?}"
    );
    for message in &messages {
        assert!(
            message.contains(": it trains (its name, handler or image names training)"),
            "{message}"
        );
    }
    assert!(scan("score").0.is_empty());
}
