//! GPU002 unpriced-accelerator: a scheduling hint names an instance type or
//! GPU the catalogue does not know, or knows without a price.

use super::{Draft, RuleSettings};
use crate::analyze::cost::NameProblem;
use crate::analyze::Assessment;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let priced = assessment.pricing.estimate.is_some();
    assessment
        .pricing
        .issues
        .iter()
        .filter(|issue| issue.accelerated)
        .map(|issue| {
            let consequence = if priced {
                "it is ignored; the workload is priced from the other values"
            } else {
                "the workload is unpriced and left out of the monthly total"
            };
            let message = match &issue.problem {
                NameProblem::Unknown { suggestion } => format!(
                    "{} {:?} ({}) is not in the price catalogue{}; {consequence}",
                    issue.what,
                    issue.value,
                    issue.key,
                    suggestion
                        .as_ref()
                        .map_or(String::new(), |s| format!(" (did you mean {s}?)")),
                ),
                NameProblem::NoPrice { reason } => format!(
                    "{} {:?} ({}) has no catalogue price: {reason}; {consequence}",
                    issue.what, issue.value, issue.key
                ),
            };
            Draft {
                message,
                location: issue.location.clone(),
                monthly_usd: None,
                escalate: false,
                rests_on: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::test_support::rule_findings;

    fn deployment(instance_type: &str, gpus: u32) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rerank\n  namespace: search\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: rerank}}\n  template:\n    metadata:\n      labels: {{app: rerank}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: {instance_type}\n      containers:\n      - name: rerank\n        image: rerank:1\n        resources:\n          limits: {{cpu: \"6\", memory: 24Gi, nvidia.com/gpu: {gpus}}}\n"
        )
    }

    #[test]
    fn an_unknown_gpu_instance_type_fires_with_a_suggestion() {
        let found = rule_findings("GPU002", &[], "rerank.yaml", &deployment("g5.2xlage", 1));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "instance type \"g5.2xlage\" (node.kubernetes.io/instance-type) is not in the price catalogue (did you mean g5.2xlarge?); the workload is unpriced and left out of the monthly total");
        assert_eq!((found[0].location.line, found[0].location.column), (15, 43));
    }

    #[test]
    fn a_known_instance_type_or_a_cpu_workload_is_silent() {
        assert!(rule_findings("GPU002", &[], "rerank.yaml", &deployment("g5.2xlarge", 1)).is_empty());
        assert!(rule_findings("GPU002", &[], "rerank.yaml", &deployment("m5.2xlage", 0)).is_empty());
    }
}
