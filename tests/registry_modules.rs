//! Terraform modules that are not local folders, read from where
//! `terraform init` put them (`.terraform/modules/modules.json`), from a
//! `--module-dir` or `modules:` copy, or reported as not downloaded. The
//! module is the real, unmodified terraform-aws-modules/eks v21.19.0
//! (fixtures/terraform/registry-eks/README.md).

mod common;

use common::{assert_usd, check_json, run, scratch, workload};
use serde_json::Value;

const GPU: &str = "module.eks.module.eks_managed_node_group[\"gpu\"].aws_eks_node_group.this[0]";
const SYSTEM: &str =
    "module.eks.module.eks_managed_node_group[\"system\"].aws_eks_node_group.this[0]";
const CLUSTER: &str = "module.eks.aws_eks_cluster.this[0]";

/// The node groups and the cluster fee, from the module's own code: the
/// GPU group g5.12xlarge ($5.672/h) 1..4 (desired 2), the system group
/// m5.xlarge ($0.192/h) 2..3, the control plane $0.10/h.
fn assert_platform(report: &Value) {
    let ids: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [CLUSTER, GPU, SYSTEM]);
    let gpu = workload(report, GPU);
    assert_eq!(gpu["instance_type"], "g5.12xlarge");
    assert_eq!(gpu["gpu"]["model"], "A10G");
    assert_eq!(gpu["gpu"]["per_replica"], 4.0);
    assert_eq!(gpu["replicas"]["min"], 1);
    assert_eq!(gpu["replicas"]["max"], 4);
    assert_usd(&gpu["cost"]["monthly_usd"], 4140.56, "gpu: 5.672 x 730");
    assert_usd(&gpu["cost"]["peak_monthly_usd"], 16562.24, "gpu peak: x 4");
    let system = workload(report, SYSTEM);
    assert_eq!(system["instance_type"], "m5.xlarge");
    assert_eq!(
        (
            system["replicas"]["min"].as_u64(),
            system["replicas"]["max"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_usd(
        &system["cost"]["monthly_usd"],
        280.32,
        "system: 2 x 0.192 x 730",
    );
    assert_usd(
        &workload(report, CLUSTER)["cost"]["monthly_usd"],
        73.0,
        "cluster: 0.10 x 730",
    );
    // Where the numbers are written: the module's own variable, passed on.
    assert!(gpu["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with(".terraform/modules/eks/modules/eks-managed-node-group/main.tf"));
}

#[test]
fn registry_modules_are_read_from_the_terraform_init_manifest() {
    let (_, report) = check_json(&["fixtures/terraform/registry-eks"]);
    assert_platform(&report);
    // kms is a registry module this fixture does not carry: said, not guessed.
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("module.eks.module.kms: module source terraform-aws-modules/kms/aws is not in .terraform/modules/modules.json"),
        "{skipped}"
    );
}

/// A copy of the root module without `.terraform/`.
fn root_without_init(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::copy(
        "fixtures/terraform/registry-eks/main.tf",
        dir.join("main.tf"),
    )
    .unwrap();
    dir
}

#[test]
fn modules_not_downloaded_are_skipped_with_what_to_do() {
    let dir = root_without_init("registry-not-downloaded");
    let root = dir.to_string_lossy().into_owned();
    let (_, report) = check_json(&[&root]);
    assert!(report["workloads"].as_array().unwrap().is_empty());
    let reason = report["skipped"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("module.eks: module source terraform-aws-modules/eks/aws was not downloaded (no .terraform/modules/modules.json: run terraform init)"),
        "{reason}"
    );
    assert!(reason.contains("--module-dir terraform-aws-modules/eks/aws=DIR"));
    assert!(reason.contains("scan the plan JSON"));
    let (_, text, _) = run(&["check", &root]);
    assert!(text.contains("run terraform init"), "{text}");
}

#[test]
fn module_dir_points_a_source_at_a_local_copy() {
    let dir = root_without_init("registry-module-dir");
    let root = dir.to_string_lossy().into_owned();
    let copy = format!(
        "{}/fixtures/terraform/registry-eks/.terraform/modules/eks",
        env!("CARGO_MANIFEST_DIR")
    );
    let (_, report) = check_json(&[
        &root,
        "--module-dir",
        &format!("terraform-aws-modules/eks/aws={copy}"),
    ]);
    assert_platform(&report);

    // The same from tcolint.yml, relative to the file's folder.
    let config = dir.join("tcolint.yml");
    std::fs::write(
        &config,
        format!("modules:\n  registry.terraform.io/terraform-aws-modules/eks/aws: {copy}\n"),
    )
    .unwrap();
    let (_, report) = check_json(&[&root, "--config", &config.to_string_lossy()]);
    assert_platform(&report);
}
