//! LAT001 cold-start-exceeds-slo: a request-driven function without
//! provisioned concurrency whose projected cold start exceeds its SLO.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let Some(spec) = &workload.function else {
        return Vec::new();
    };
    if !spec.is_request_driven() || spec.provisioned_concurrency.unwrap_or(0) > 0 {
        return Vec::new();
    }
    let (Some(cold_start), Some(slo)) = (
        &assessment.cold_start,
        assessment.profile.number(UsageKey::LatencySloMs),
    ) else {
        return Vec::new();
    };
    let projected_ms = cold_start.total_s * 1000.0;
    if projected_ms <= slo.value {
        return Vec::new();
    }
    let parts: Vec<String> = cold_start
        .parts
        .iter()
        .map(|part| {
            format!(
                "{} {} ms{}",
                part.name,
                trim(part.seconds * 1000.0, 1),
                if part.assumed { " (assumed)" } else { "" }
            )
        })
        .collect();
    vec![Draft {
        message: format!(
            "{} answers synchronous requests without {}, and a cold start takes about {} ms ({}), above its latency SLO of {} ms{}",
            workload.id,
            crate::analyze::plans::facts(spec.plan).warm_setting,
            trim(projected_ms, 0),
            parts.join(" + "),
            trim(slo.value, 0),
            // An assumed SLO is named by the runner, with what to declare.
            if slo.is_set() { format!(" ({})", slo.basis) } else { String::new() }
        ),
        location: spec.defined_at.clone().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: false,
        rests_on: Some(UsageKey::LatencySloMs),
    }]
}

#[cfg(test)]
mod tests {
    use crate::test_support::{rule_findings, serverless};

    /// A 3008 MB python3.12 function loading a 1 GB model: 83 ms of
    /// runtime init + 1 GB at 1.3957 GB/s = 799.5 ms of cold start.
    fn sentiment(settings: &[&str], slo_ms: u32) -> String {
        let slo = format!("latency-slo-ms: {slo_ms}");
        let mut all = vec!["memorySize: 3008"];
        all.extend_from_slice(settings);
        serverless("sentiment", &all, &["requests-per-day: 10000", "model-size-gb: 1", &slo])
    }

    const HTTP: [&str; 2] = ["events:", "  - http: {path: sentiment, method: post}"];

    #[test]
    fn fires_when_the_cold_start_exceeds_the_slo() {
        let found = rule_findings("LAT001", &[], "serverless.yml", &sentiment(&HTTP, 790));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("a cold start takes about 799 ms (runtime init 83 ms + model loading 716.5 ms"), "{}", found[0].message);
        assert!(found[0].message.contains("above its latency SLO of 790 ms"), "{}", found[0].message);
    }

    #[test]
    fn silent_within_the_slo_when_kept_warm_or_not_called_synchronously() {
        assert!(rule_findings("LAT001", &[], "serverless.yml", &sentiment(&HTTP, 800)).is_empty());
        let warm = [HTTP[0], HTTP[1], "provisionedConcurrency: 1"];
        assert!(rule_findings("LAT001", &[], "serverless.yml", &sentiment(&warm, 790)).is_empty());
        let queue = ["events:", "  - schedule: rate(1 hour)"];
        assert!(rule_findings("LAT001", &[], "serverless.yml", &sentiment(&queue, 790)).is_empty());
    }

    /// A Cloud Run function behind its HTTPS endpoint: Python's 1.75 s
    /// cold start on Cloud Run is above the default 1,000 ms SLO.
    fn cloud_run_function(runtime: &str, min_instances: u32) -> String {
        format!(
            "resource \"google_cloudfunctions2_function\" \"predict\" {{\n  location = \"us-central1\"\n  build_config {{\n    runtime = \"{runtime}\"\n  }}\n  service_config {{\n    available_memory   = \"1Gi\"\n    min_instance_count = {min_instances}\n  }}\n}}\n"
        )
    }

    #[test]
    fn fires_for_a_cloud_run_function_whose_runtime_starts_slower_than_the_slo() {
        let found = rule_findings("LAT001", &[], "main.tf", &cloud_run_function("python312", 0));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("answers synchronous requests without minimum instances, and a cold start takes about 1750 ms (runtime init 1750 ms), above its latency SLO of 1000 ms"), "{}", found[0].message);
    }

    #[test]
    fn silent_for_a_fast_runtime_or_a_minimum_instance() {
        assert!(rule_findings("LAT001", &[], "main.tf", &cloud_run_function("go122", 0)).is_empty());
        assert!(rule_findings("LAT001", &[], "main.tf", &cloud_run_function("python312", 1)).is_empty());
    }
}
