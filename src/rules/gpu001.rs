//! GPU001 gpu-request-without-limit: an extended resource requested without
//! an equal limit, which the API server rejects.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for pair in &assessment.workload.compute.extended_resources {
        let Some((request, location)) = &pair.request else {
            continue;
        };
        let message = match &pair.limit {
            None => format!(
                "container {:?} requests {request} {} without a limit; the API server rejects extended resources unless request equals limit (set limits.{} to {request})",
                pair.container, pair.resource, pair.resource
            ),
            Some((limit, _)) if !same_quantity(request, limit) => format!(
                "container {:?} requests {request} {} but limits it to {limit}; the API server rejects extended resources unless request equals limit",
                pair.container, pair.resource
            ),
            Some(_) => continue,
        };
        drafts.push(Draft {
            message,
            location: location.clone(),
            monthly_usd: None,
            escalate: false,
        });
    }
    drafts
}

fn same_quantity(a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    match (
        crate::extract::kubernetes::parse_quantity(a),
        crate::extract::kubernetes::parse_quantity(b),
    ) {
        (Ok(a), Ok(b)) => (a - b).abs() <= f64::EPSILON * a.abs().max(1.0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::same_quantity;
    use crate::test_support::rule_findings;

    #[test]
    fn quantities_compare_by_value() {
        assert!(same_quantity("2", " 2"));
        assert!(same_quantity("1000m", "1"));
        assert!(same_quantity("1k", "1000"));
        assert!(!same_quantity("2", "1"));
        assert!(!same_quantity("two", "2"));
    }

    fn pod(resources: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: asr\n  namespace: speech\nspec:\n  containers:\n  - name: whisper\n    image: whisper:1\n    resources:\n{resources}"
        )
    }

    #[test]
    fn a_request_without_an_equal_limit_fires_at_the_request() {
        let missing = rule_findings("GPU001", &[], "pod.yaml", &pod("      requests: {nvidia.com/gpu: 1}\n"));
        assert_eq!(missing.len(), 1);
        assert!(missing[0].message.contains("container \"whisper\" requests 1 nvidia.com/gpu without a limit; the API server rejects extended resources unless request equals limit (set limits.nvidia.com/gpu to 1)"), "{}", missing[0].message);
        assert_eq!(missing[0].location.line, 11);
        let different = rule_findings(
            "GPU001",
            &[],
            "pod.yaml",
            &pod("      requests: {amd.com/gpu: 2}\n      limits: {amd.com/gpu: 1}\n"),
        );
        assert!(different[0].message.contains("requests 2 amd.com/gpu but limits it to 1"), "{}", different[0].message);
    }

    #[test]
    fn equal_amounts_or_a_limit_alone_are_silent() {
        for resources in [
            "      requests: {nvidia.com/gpu: \"2\"}\n      limits: {nvidia.com/gpu: 2000m}\n",
            "      limits: {nvidia.com/gpu: 1}\n",
            "      requests: {cpu: \"2\"}\n",
        ] {
            assert!(rule_findings("GPU001", &[], "pod.yaml", &pod(resources)).is_empty(), "{resources}");
        }
    }
}
