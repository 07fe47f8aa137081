//! TCO001 idle-gpu-capacity: always-on GPU capacity below a utilization
//! threshold; reports the idle cost.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let (Some(accelerator), false) = (
        workload.compute.main_accelerator(),
        workload.run_to_completion,
    ) else {
        return Vec::new();
    };
    if workload.scaling.min == 0 {
        return Vec::new();
    }
    let Some(utilization) = assessment.profile.number(UsageKey::Utilization) else {
        return Vec::new();
    };
    let threshold = settings.threshold(Threshold::MinUtilization);
    if utilization.value >= threshold {
        return Vec::new();
    }
    let gpus = workload.compute.accelerator_devices() * f64::from(workload.scaling.min);
    let model = assessment.pricing.gpu_model.as_ref().map_or(
        if accelerator.from_instance_type {
            "GPU"
        } else {
            accelerator.resource.as_str()
        },
        |(model, _)| model.as_str(),
    );
    // An assumed figure is named by the runner, with what to declare.
    let origin = if utilization.is_set() {
        format!(
            ". Utilization {}% is set by {}",
            trim(utilization.value * 100.0, 1),
            utilization.basis
        )
    } else {
        String::new()
    };
    let (cost, idle) = match &assessment.pricing.estimate {
        Some(estimate) => (
            format!(
                ": {}/month of its {}/month baseline pays for idle GPUs",
                usd(estimate.idle_monthly_usd.unwrap_or_default()),
                usd(estimate.monthly_usd)
            ),
            estimate.idle_monthly_usd,
        ),
        None => (
            " (the workload is unpriced, so the idle cost is unknown)".to_string(),
            None,
        ),
    };
    vec![Draft {
        message: format!(
            "{} keeps {} x {model} always on ({} min replica(s)) at {}% utilization, below the {}% threshold{cost}{origin}",
            workload.id,
            trim(gpus, 3),
            workload.scaling.min,
            trim(utilization.value * 100.0, 1),
            trim(threshold * 100.0, 1),
        ),
        location: workload.location.clone(),
        monthly_usd: idle,
        escalate: false,
        rests_on: Some(UsageKey::Utilization),
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::{Severity, Threshold};
    use crate::test_support::rule_findings;

    /// A vLLM Deployment on g6.xlarge (one L4 per replica), with an
    /// optional utilization annotation.
    fn deployment(kind: &str, replicas: u32, utilization: Option<&str>) -> String {
        let annotation = utilization
            .map(|u| format!("    tcolint.io/utilization: \"{u}\"\n"))
            .unwrap_or_default();
        format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n    tcolint.io/purpose: inference\n{annotation}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: llm}}\n  template:\n    metadata:\n      labels: {{app: llm}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: g6.xlarge\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        resources:\n          limits: {{cpu: \"3\", memory: 12Gi, nvidia.com/gpu: 1}}\n"
        )
    }

    fn findings(text: &str, thresholds: &[(Threshold, f64)]) -> Vec<crate::report::FindingReport> {
        rule_findings("TCO001", thresholds, "llm.yaml", text)
    }

    #[test]
    fn reports_the_idle_share_of_the_baseline() {
        let found = findings(&deployment("Deployment", 2, Some("0.3")), &[]);
        assert_eq!(found.len(), 1);
        // 2 x g6.xlarge at $0.8048/h x 730 h = $1,175.008; idle 70% of it.
        let idle = found[0].monthly_usd.unwrap();
        assert!((idle - 0.7 * 1175.008).abs() < 0.01, "{idle}");
        let message = &found[0].message;
        assert!(message.contains("keeps 2 x L4 always on (2 min replica(s)) at 30% utilization, below the 40% threshold: $822.51/month of its $1,175.01/month baseline"), "{message}");
        assert!(message.contains("set by annotation tcolint.io/utilization"), "{message}");
    }

    #[test]
    fn the_threshold_is_exclusive_and_configurable() {
        assert!(findings(&deployment("Deployment", 1, Some("0.4")), &[]).is_empty());
        assert_eq!(findings(&deployment("Deployment", 1, Some("0.39")), &[]).len(), 1);
        let text = deployment("Deployment", 1, Some("0.3"));
        assert!(findings(&text, &[(Threshold::MinUtilization, 0.25)]).is_empty());
        let found = findings(&text, &[(Threshold::MinUtilization, 0.31)]);
        assert!(found[0].message.contains("below the 31% threshold"), "{}", found[0].message);
    }

    #[test]
    fn a_default_utilization_is_named_as_one() {
        let found = findings(&deployment("Deployment", 1, None), &[]);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(found[0].message.contains("at 5% utilization, below the 40% threshold: $558.13/month of its $587.50/month baseline pays for idle GPUs. Judged on an assumed utilization of 0.05 (default for inference workloads"), "{}", found[0].message);
        assert!(found[0].message.ends_with("so reported at info; to judge it, annotate `tcolint.io/utilization: \"0.3\"` or add `usage: {\"k8s:Deployment/ml/llm\": {utilization: 0.3}}` to tcolint.yml"), "{}", found[0].message);
        let declared = findings(&deployment("Deployment", 1, Some("0.1")), &[]);
        assert_eq!(declared[0].severity, Severity::Warning);
        assert!(!declared[0].message.contains("assumed"), "{}", declared[0].message);
    }

    #[test]
    fn no_floor_or_a_job_that_exits_is_not_idle_capacity() {
        assert!(findings(&deployment("Deployment", 0, Some("0.1")), &[]).is_empty());
        let job = deployment("Job", 1, Some("0.1"))
            .replace("apps/v1", "batch/v1")
            .replace("  replicas: 1\n  selector:\n    matchLabels: {app: llm}\n", "")
            .replace("    spec:\n      nodeSelector", "    spec:\n      restartPolicy: Never\n      nodeSelector");
        assert!(findings(&job, &[]).is_empty());
    }
}
