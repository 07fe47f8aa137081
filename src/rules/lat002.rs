//! LAT002 gpu-scale-from-zero: GPU inference whose floor is zero replicas,
//! so the first request waits for a node, an image and the weights.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::{Purpose, UsageKey};
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    // The cold-start model describes a new Kubernetes GPU node; managed
    // platforms (Cloud Run, SageMaker) start differently.
    if workload.platform != crate::model::Platform::Kubernetes
        || workload.scaling.min != 0
        || !workload.has_accelerators()
        || assessment.profile.purpose.value != Purpose::Inference
        || workload.scaling.max == Some(0)
    {
        return Vec::new();
    }
    let parts = match &assessment.cold_start {
        Some(cold_start) => {
            let listed: Vec<String> = cold_start
                .parts
                .iter()
                .map(|part| {
                    format!(
                        "{} {} s{}",
                        part.name,
                        trim(part.seconds, 1),
                        if part.assumed { " (assumed)" } else { "" }
                    )
                })
                .collect();
            Some((cold_start.total_s, listed.join(" + ")))
        }
        None => None,
    };
    let slo = assessment
        .profile
        .number(UsageKey::LatencySloMs)
        .filter(|slo| slo.is_set());
    let (projection, exceeds) = match &parts {
        Some((total_s, listed)) => (
            format!("the first request after an idle period waits about {} s ({listed})", trim(*total_s, 1)),
            slo.is_some_and(|slo| total_s * 1000.0 > slo.value),
        ),
        None => (
            "the first request after an idle period waits for a new accelerator node (no reference figures for this accelerator)".to_string(),
            false,
        ),
    };
    let slo_text = match slo {
        Some(slo) if exceeds => format!(
            "; that exceeds the latency SLO of {} ms ({})",
            trim(slo.value, 0),
            slo.basis
        ),
        Some(slo) => format!("; within the latency SLO of {} ms", trim(slo.value, 0)),
        None => String::new(),
    };
    let frequency = match &assessment.expected {
        Some(expected) => match (
            expected.cold_starts_per_day,
            expected.cold_request_share,
            assessment.profile.number(UsageKey::RequestsPerDay),
        ) {
            (Some(per_day), Some(share), Some(requests)) => format!(
                "; at {} requests/day ({}) and a {} s keep-alive, about {} cold starts/day: {}% of requests wait{}",
                trim(requests.value, 0),
                if requests.is_set() { "declared" } else { "default" },
                trim(expected.keep_alive_s.unwrap_or_default(), 0),
                trim(per_day, 1),
                trim(share * 100.0, 1),
                parts
                    .as_ref()
                    .map_or(String::new(), |(total_s, _)| format!(" about {} s", trim(*total_s, 1)))
            ),
            _ => "; set tcolint.io/requests-per-day to see how often".to_string(),
        },
        None => String::new(),
    };
    let purpose = &assessment.profile.purpose;
    let inferred = if purpose.is_set() {
        String::new()
    } else {
        format!(
            " (inference inferred: {}; set tcolint.io/purpose if not)",
            purpose.basis
        )
    };
    vec![Draft {
        message: format!(
            "{} scales GPU inference{inferred} to zero ({}): {projection}{slo_text}{frequency}",
            workload.id, workload.scaling.basis
        ),
        location: workload
            .scaling
            .min_location
            .clone()
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: exceeds,
        rests_on: None,
    }]
}

#[cfg(test)]
mod tests {
    use crate::test_support::rule_findings;
    use crate::rules::Severity;

    /// SDXL on one L4 (g6.xlarge), 7 GB of weights, scaled by KEDA
    /// between `min` and 4 replicas.
    fn sdxl(purpose: &str, slo_ms: Option<u32>, min: u32) -> String {
        let slo = slo_ms
            .map(|slo| format!("    tcolint.io/latency-slo-ms: \"{slo}\"\n"))
            .unwrap_or_default();
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sdxl\n  namespace: art\n  annotations:\n    tcolint.io/purpose: {purpose}\n    tcolint.io/model-size-gb: \"7\"\n{slo}spec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: sdxl}}\n  template:\n    metadata:\n      labels: {{app: sdxl}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: g6.xlarge\n      containers:\n      - name: sdxl\n        image: ghcr.io/acme/sdxl:1.0\n        resources:\n          limits: {{cpu: \"3\", memory: 12Gi, nvidia.com/gpu: 1}}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: sdxl\n  namespace: art\nspec:\n  scaleTargetRef:\n    name: sdxl\n  minReplicaCount: {min}\n  maxReplicaCount: 4\n  triggers:\n  - type: cpu\n    metadata: {{value: \"60\"}}\n"
        )
    }

    #[test]
    fn a_zero_floor_warns_with_the_projected_wait() {
        let found = rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("inference", None, 0));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        let message = &found[0].message;
        assert!(message.contains("scales GPU inference to zero (ScaledObject art/sdxl (minReplicaCount 0, maxReplicaCount 4)): the first request after an idle period waits about 314.8 s"), "{message}");
        assert!(!message.contains("SLO"), "{message}");
        // It points at minReplicaCount.
        assert_eq!(found[0].location.line, 33);
    }

    #[test]
    fn an_exceeded_slo_raises_it_to_an_error() {
        let found = rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("inference", Some(60_000), 0));
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("; that exceeds the latency SLO of 60000 ms"), "{}", found[0].message);
        let found = rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("inference", Some(400_000), 0));
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("; within the latency SLO of 400000 ms"), "{}", found[0].message);
    }

    #[test]
    fn the_message_says_how_often_requests_wait() {
        let text = sdxl("inference", None, 0).replace(
            "    tcolint.io/model-size-gb: \"7\"\n",
            "    tcolint.io/model-size-gb: \"7\"\n    tcolint.io/requests-per-day: \"100\"\n",
        );
        let found = rule_findings("LAT002", &[], "sdxl.yaml", &text);
        // KEDA's default cooldown 300 s, d = 1 s: p = e^(-100/86400 x 301).
        let share = (-(100.0_f64 / 86_400.0) * 301.0).exp();
        assert_eq!(crate::numbers::trim(share * 100.0, 1), "70.6");
        assert!(found[0].message.contains("; at 100 requests/day (declared) and a 300 s keep-alive, about 70.6 cold starts/day: 70.6% of requests wait about 314.8 s"), "{}", found[0].message);
        let unknown = rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("inference", None, 0));
        assert!(unknown[0].message.ends_with("; set tcolint.io/requests-per-day to see how often"), "{}", unknown[0].message);
    }

    #[test]
    fn a_gpu_deployment_keda_scales_to_zero_is_inferred_to_serve() {
        let undeclared = sdxl("inference", None, 0).replace("    tcolint.io/purpose: inference\n", "");
        let found = rule_findings("LAT002", &[], "sdxl.yaml", &undeclared);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        let message = &found[0].message;
        assert!(message.contains("scales GPU inference (inference inferred: a long-running GPU Deployment that ScaledObject art/sdxl (minReplicaCount 0, maxReplicaCount 4) scales to zero serves requests; set tcolint.io/purpose if not) to zero"), "{message}");
        // A floor of one is not scaled to zero: nothing to infer, nothing to say.
        let warm = sdxl("inference", None, 1).replace("    tcolint.io/purpose: inference\n", "");
        assert!(rule_findings("LAT002", &[], "sdxl.yaml", &warm).is_empty());
    }

    #[test]
    fn a_warm_floor_or_batch_work_is_silent() {
        assert!(rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("inference", None, 1)).is_empty());
        assert!(rule_findings("LAT002", &[], "sdxl.yaml", &sdxl("batch", None, 0)).is_empty());
    }
}
