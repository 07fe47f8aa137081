//! GPU001 gpu-request-without-limit: an extended resource requested without
//! an equal limit, which the API server rejects.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for pair in &assessment.workload.compute.extended_resources {
        let Some(request) = &pair.request else {
            continue;
        };
        let message = match &pair.limit {
            None => format!(
                "container {:?} requests {} {} without a limit; the API server rejects extended resources unless request equals limit (set limits.{} to {})",
                pair.container, request.text, pair.resource, pair.resource, request.text
            ),
            Some(limit) if !request.same_amount(limit) => format!(
                "container {:?} requests {} {} but limits it to {}; the API server rejects extended resources unless request equals limit",
                pair.container, request.text, pair.resource, limit.text
            ),
            Some(_) => continue,
        };
        drafts.push(Draft {
            message,
            location: request.location.clone(),
            monthly_usd: None,
            escalate: false,
            rests_on: None,
        });
    }
    drafts
}

#[cfg(test)]
mod tests {
    use crate::test_support::rule_findings;

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
            "      requests: {nvidia.com/gpu: 1k}\n      limits: {nvidia.com/gpu: \"1000\"}\n",
            "      limits: {nvidia.com/gpu: 1}\n",
            "      requests: {cpu: \"2\"}\n",
        ] {
            assert!(rule_findings("GPU001", &[], "pod.yaml", &pod(resources)).is_empty(), "{resources}");
        }
    }
}
