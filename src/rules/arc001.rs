//! ARC001 architecture-mismatch: another architecture meets the latency
//! SLO and the platform limits at the workload's traffic for much less.

use super::{Draft, RuleSettings};
use crate::analyze::recommend::{describe, Architecture};
use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    // The recommendation weighs the alternatives with this rule's configured
    // thresholds (`Settings::min_saving`, set from this rule's settings by
    // the scan); the rule reports exactly the moves it recommends, so the
    // text verdict and the finding never disagree.
    let Some(recommendation) = &assessment.recommendation else {
        return Vec::new();
    };
    if recommendation.architecture == Architecture::AsDeployed {
        return Vec::new();
    }
    let deployed = recommendation.as_deployed();
    let (Some(current), Some(best)) = (deployed.monthly_usd, recommendation.best_other()) else {
        return Vec::new();
    };
    let Some(cost) = best.monthly_usd else {
        return Vec::new();
    };
    // Functions have their own rules: TCO002 (an always-on container
    // costs less) and TCO003 (provisioned concurrency's fixed cost).
    if assessment.workload.function.is_some() {
        return Vec::new();
    }
    let saving = current - cost;
    let workload = assessment.workload;
    let profile = &assessment.profile;
    let figure = |key: UsageKey, unit: &str| {
        profile.number(key).map(|value| {
            format!(
                "{} {unit} ({})",
                trim(value.value, 0),
                if value.is_set() { "declared" } else { "default" }
            )
        })
    };
    let inputs: Vec<String> = [
        figure(UsageKey::RequestsPerDay, "requests/day"),
        figure(UsageKey::AvgDurationMs, "ms per request"),
        figure(UsageKey::LatencySloMs, "ms SLO"),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The first of the figures the verdict rests on that is only a default:
    // the finding then reports at info and says what to declare.
    let rests_on = [
        UsageKey::RequestsPerDay,
        UsageKey::AvgDurationMs,
        UsageKey::LatencySloMs,
    ]
    .into_iter()
    .find(|key| profile.number(*key).is_some_and(|v| !v.is_set()));
    let cold = match (best.cold_start_s, best.cold_request_share) {
        (Some(cold), Some(share)) if cold > 0.0 && share > 0.0 => format!(
            ", with a {} s cold start for {} of requests",
            trim(cold, 2),
            if share < 0.0001 {
                "under 0.01%".to_string()
            } else {
                format!("{}%", trim(share * 100.0, 2))
            }
        ),
        _ => String::new(),
    };
    vec![Draft {
        message: format!(
            "{} costs {}/month as written at {}; {} ({}) would cost {}/month and meets the SLO{cold}: {}/month ({}%) less",
            workload.id,
            usd(current),
            inputs.join(", "),
            describe(best.architecture, &best.platform),
            best.platform,
            usd(cost),
            usd(saving),
            trim(saving / current * 100.0, 0),
        ),
        location: workload
            .scaling
            .min_location
            .clone()
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: Some(saving),
        escalate: false,
        rests_on,
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::Threshold;
    use crate::test_support::rule_findings;

    /// An always-on CPU Deployment: `replicas` x (1 vCPU, 2 GiB) on m5.large.
    fn service(replicas: u32, annotations: &[&str], gpu: bool) -> String {
        let annotations: String = annotations
            .iter()
            .map(|a| format!("    {a}\n"))
            .collect();
        let (instance, gpu_limit) = if gpu {
            ("g6.xlarge", ", nvidia.com/gpu: 1")
        } else {
            ("m5.large", "")
        };
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: web\n  annotations:\n    tcolint.io/purpose: inference\n{annotations}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: api}}\n  template:\n    metadata:\n      labels: {{app: api}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: {instance}\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:1\n        resources:\n          limits: {{cpu: \"1\", memory: 2Gi{gpu_limit}}}\n"
        )
    }

    fn findings(text: &str, thresholds: &[(Threshold, f64)]) -> Vec<crate::report::FindingReport> {
        rule_findings("ARC001", thresholds, "api.yaml", text)
    }

    #[test]
    fn an_always_on_cpu_service_at_ten_thousand_requests_a_day_goes_serverless() {
        let text = service(
            3,
            &[
                "tcolint.io/requests-per-day: \"10000\"",
                "tcolint.io/avg-duration-ms: \"200\"",
                "tcolint.io/latency-slo-ms: \"1000\"",
            ],
            false,
        );
        let found = findings(&text, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        // m5.large $0.096/h, share 1/1.93 (1 of 1.93 allocatable vCPU; 2 of
        // 6.741 GiB): 3 x $0.096 / 1.93 x 730.
        let current = 3.0 * 0.096 / 1.93 * 730.0;
        // Lambda 2048 MB x86_64: $0.0000002 + 0.2 s x 2 GB x $0.0000166667, x 10,000 x 730/24.
        let lambda = 10_000.0 * 730.0 / 24.0 * (0.0000002 + 0.2 * 2.0 * 0.0000166667);
        let saving = found[0].monthly_usd.unwrap();
        assert!((saving - (current - lambda)).abs() < 0.005, "{saving}");
        assert_eq!(crate::numbers::round(saving, 2), 106.84);
        assert_eq!(found[0].severity, crate::rules::Severity::Warning);
        let message = &found[0].message;
        assert!(message.contains("costs $108.93/month as written at 10000 requests/day (declared), 200 ms per request (declared), 1000 ms SLO (declared); a serverless function (aws-lambda) would cost $2.09/month and meets the SLO"), "{message}");
    }

    #[test]
    fn the_thresholds_decide_what_saving_is_worth_a_move() {
        let text = service(
            3,
            &["tcolint.io/requests-per-day: \"10000\"", "tcolint.io/avg-duration-ms: \"200\""],
            false,
        );
        assert_eq!(findings(&text, &[]).len(), 1);
        assert!(findings(&text, &[(Threshold::MinSavingUsd, 150.0)]).is_empty());
        assert!(findings(&text, &[(Threshold::MinSavingFraction, 0.99)]).is_empty());
        // The SLO is a default here: info, and the message says so.
        let found = findings(&text, &[]);
        assert_eq!(found[0].severity, crate::rules::Severity::Info);
        assert!(found[0].message.contains("Judged on an assumed latency-slo-ms of 1000"), "{}", found[0].message);
    }

    #[test]
    fn a_busy_gpu_service_with_a_tight_slo_stays() {
        let text = service(
            2,
            &[
                "tcolint.io/requests-per-day: \"2000000\"",
                "tcolint.io/avg-duration-ms: \"80\"",
                "tcolint.io/latency-slo-ms: \"150\"",
            ],
            true,
        );
        assert!(findings(&text, &[]).is_empty());
        let report = crate::test_support::scan_text("api.yaml", &text, &["ARC001"], &[]);
        let recommendation = report.workloads[0].recommendation.as_ref().unwrap();
        assert_eq!(recommendation.architecture, crate::analyze::recommend::Architecture::AsDeployed);
        assert!(recommendation.reason.starts_with("stay"), "{}", recommendation.reason);
        let serverless = recommendation
            .alternatives
            .iter()
            .find(|a| a.platform == "aws-lambda")
            .unwrap();
        assert!(serverless.ruled_out.as_deref().unwrap().contains("GPUs"));
    }

    #[test]
    fn sparse_traffic_with_a_tight_slo_needs_a_warm_instance() {
        // 100 requests/day: most requests would find no warm Lambda, and
        // 0.2 s + an 0.083 s cold start (python3.12 zip) exceeds a 250 ms SLO; provisioned
        // concurrency (one 2 GB instance standing by) meets it.
        let text = service(
            1,
            &[
                "tcolint.io/requests-per-day: \"100\"",
                "tcolint.io/avg-duration-ms: \"200\"",
                "tcolint.io/latency-slo-ms: \"250\"",
            ],
            false,
        );
        assert!(findings(&text, &[]).is_empty());
        let report = crate::test_support::scan_text("api.yaml", &text, &["ARC001"], &[]);
        let alternatives = &report.workloads[0].recommendation.as_ref().unwrap().alternatives;
        let on_demand = alternatives
            .iter()
            .find(|a| a.architecture == crate::analyze::recommend::Architecture::Serverless)
            .unwrap();
        assert!(!on_demand.meets_slo);
        assert!(on_demand.cold_request_share.unwrap() > 0.4);
        let provisioned = alternatives
            .iter()
            .find(|a| a.architecture == crate::analyze::recommend::Architecture::ServerlessProvisioned)
            .unwrap();
        assert!(provisioned.meets_slo);
        // 1 x 2 GB x 730 h x 3600 s x $0.0000041667 standing by, + requests.
        let fixed = 2.0 * 730.0 * 3600.0 * 0.0000041667;
        let requests = 100.0 * 730.0 / 24.0 * (0.0000002 + 0.2 * 2.0 * 0.0000097222);
        assert!((provisioned.monthly_usd.unwrap() - fixed - requests).abs() < 1e-9);
        // $35.04 as written against $21.92: 37% but only $13 less.
        let found = findings(&text, &[(Threshold::MinSavingUsd, 10.0)]);
        assert!(found[0].message.contains("a function with provisioned concurrency (aws-lambda)"), "{}", found[0].message);
    }
}
