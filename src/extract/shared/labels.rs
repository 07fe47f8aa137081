//! Node labels: which label keys name an instance type, a GPU model, a
//! cloud or spot capacity. Kubernetes manifests and Terraform's
//! `kubernetes_deployment` select nodes by the same labels.

use crate::model::{Cloud, Hint, Placement};
use crate::source::Location;

/// Node-label keys whose value is an instance (machine, VM) type.
pub const INSTANCE_TYPE_KEYS: [&str; 3] = [
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
    "karpenter.k8s.aws/instance-type",
];

/// Node-label keys whose value names a GPU or accelerator model.
pub const GPU_MODEL_KEYS: [&str; 5] = [
    "karpenter.k8s.aws/instance-gpu-name",
    "cloud.google.com/gke-accelerator",
    "cloud.google.com/gke-tpu-accelerator",
    "nvidia.com/gpu.product",
    "karpenter.k8s.aws/instance-accelerator-name",
];

/// The region of a zone label value: `us-east-1a` (AWS) → `us-east-1`,
/// `us-central1-a` (GCP) → `us-central1`, `eastus-1` (Azure) → `eastus`.
fn zone_region(zone: &str) -> String {
    let zone = zone.trim().to_ascii_lowercase();
    if let Some((region, suffix)) = zone.rsplit_once('-') {
        let letter = suffix.len() == 1 && suffix.chars().all(|c| c.is_ascii_alphabetic());
        // Azure zones are `<region>-<n>`; Azure regions have no dash.
        let azure = suffix.len() == 1 && !region.contains('-');
        if letter || azure {
            return region.to_string();
        }
    }
    let mut chars = zone.chars();
    match (chars.next_back(), chars.next_back()) {
        (Some(last), Some(before)) if last.is_ascii_alphabetic() && before.is_ascii_digit() => {
            zone[..zone.len() - 1].to_string()
        }
        _ => zone,
    }
}

/// The placement that node labels (a `nodeSelector`, or the `In` values
/// of required node affinity), in the order written, ask for.
pub fn placement_from_labels(labels: Vec<(String, Vec<(String, Location)>)>) -> Placement {
    let mut placement = Placement::default();
    for (key, values) in labels {
        let cloud = if key.starts_with("cloud.google.com/") {
            Some(Cloud::Gcp)
        } else if key.starts_with("karpenter.k8s.aws/") || key.starts_with("eks.amazonaws.com/") {
            Some(Cloud::Aws)
        } else if key.starts_with("kubernetes.azure.com/") {
            Some(Cloud::Azure)
        } else {
            None
        };
        if let (Some(cloud), None) = (cloud, &placement.cloud) {
            placement.cloud = Some((cloud, key.clone()));
        }
        let spot_value = values.iter().any(|(v, _)| {
            let v = v.to_ascii_lowercase();
            v == "spot" || v == "true" || v == "preemptible"
        });
        // Region labels: the first value names where the pod runs.
        if let Some((value, _)) = values.first() {
            match key.as_str() {
                "topology.kubernetes.io/region" | "failure-domain.beta.kubernetes.io/region" => {
                    placement.region = Some(value.trim().to_ascii_lowercase());
                }
                "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone"
                    if placement.region.is_none() =>
                {
                    placement.region = Some(zone_region(value));
                }
                _ => {}
            }
        }
        if spot_value
            && matches!(
                key.as_str(),
                "cloud.google.com/gke-spot"
                    | "cloud.google.com/gke-preemptible"
                    | "karpenter.sh/capacity-type"
                    | "eks.amazonaws.com/capacityType"
                    | "kubernetes.azure.com/scalesetpriority"
            )
        {
            placement.spot = true;
        }
        let hint = Hint {
            key: key.clone(),
            values,
        };
        if INSTANCE_TYPE_KEYS.contains(&key.as_str()) {
            placement.instance_types.push(hint);
        } else if GPU_MODEL_KEYS.contains(&key.as_str()) {
            placement.gpu_models.push(hint);
        }
    }
    placement
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn labels_name_types_models_clouds_and_spot() {
        let at = SourceFile::new("main.tf", "x").start();
        let label =
            |key: &str, value: &str| (key.to_string(), vec![(value.to_string(), at.clone())]);
        let placement = placement_from_labels(vec![
            label("karpenter.k8s.aws/instance-accelerator-name", "inferentia"),
            label("karpenter.sh/capacity-type", "spot"),
            label("node.kubernetes.io/instance-type", "inf2.xlarge"),
            label("team", "ml"),
        ]);
        assert_eq!(
            placement.gpu_models[0].key,
            "karpenter.k8s.aws/instance-accelerator-name"
        );
        assert_eq!(placement.instance_types[0].values[0].0, "inf2.xlarge");
        assert_eq!(
            placement.cloud,
            Some((
                Cloud::Aws,
                "karpenter.k8s.aws/instance-accelerator-name".into()
            ))
        );
        assert!(placement.spot);
    }

    #[test]
    fn zones_name_their_region() {
        assert_eq!(zone_region("us-east-1a"), "us-east-1");
        assert_eq!(zone_region("us-central1-a"), "us-central1");
        assert_eq!(zone_region("eastus-1"), "eastus");
        assert_eq!(zone_region("eu-west-1"), "eu-west-1");
    }

    #[test]
    fn terraform_deployments_read_the_same_labels() {
        let dir = crate::test_support::temp_folder("labels-terraform");
        std::fs::write(
            dir.join("main.tf"),
            "resource \"kubernetes_deployment_v1\" \"llm\" {\n  metadata { name = \"llm\" }\n  spec {\n    template {\n      metadata { name = \"llm\" }\n      spec {\n        node_selector = {\n          \"karpenter.k8s.aws/instance-accelerator-name\" = \"inferentia\"\n        }\n        container {\n          name  = \"llm\"\n          image = \"vllm/vllm-openai\"\n        }\n      }\n    }\n  }\n}\n",
        )
        .unwrap();
        let report = crate::test_support::scan(&[dir.to_str().unwrap()]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(report.workloads.len(), 1);
        let json = serde_json::to_value(&report.workloads[0]).unwrap();
        // The accelerator-name label names the GPU model (Inferentia2) and the cloud.
        assert_eq!(json["cloud"], "aws", "{json}");
        let reason = json["unpriced_reason"].as_str().unwrap();
        assert!(reason.contains("with Inferentia2"), "{reason}");
    }
}
