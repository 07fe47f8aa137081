//! TCO002 serverless-above-break-even: a function whose volume is above the
//! volume where an always-on container costs less.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    if workload.function.is_none() {
        return Vec::new();
    }
    let Some(estimate) = &assessment.pricing.estimate else {
        return Vec::new();
    };
    let (Some(break_even), Some(volume)) = (
        &estimate.break_even,
        assessment.profile.number(UsageKey::RequestsPerDay),
    ) else {
        return Vec::new();
    };
    let Some(container_monthly) = break_even.alternative_monthly_usd else {
        return Vec::new();
    };
    let Some(break_even_volume) = break_even.requests_per_day else {
        return Vec::new();
    };
    if volume.value <= break_even_volume {
        return Vec::new();
    }
    let excess = estimate.monthly_usd - container_monthly;
    vec![Draft {
        message: format!(
            "{} serves {} requests/day, above its break-even of {} requests/day: it costs {}/month, {} would cost {}/month ({} more on {})",
            workload.id,
            trim(volume.value, 0),
            trim(break_even_volume, 0),
            usd(estimate.monthly_usd),
            break_even.alternative,
            usd(container_monthly),
            usd(excess),
            workload
                .function
                .as_ref()
                .map_or("Lambda", |spec| crate::analyze::plans::facts(spec.plan).short_name)
        ),
        location: workload
            .function
            .as_ref()
            .and_then(|spec| spec.defined_at.clone())
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: Some(excess),
        escalate: false,
        rests_on: Some(UsageKey::RequestsPerDay),
    }]
}

#[cfg(test)]
mod tests {
    use crate::test_support::{rule_findings, serverless};

    /// A 1024 MB function behind an HTTP API, 100 ms per request.
    fn embed(requests_per_day: u32) -> String {
        let volume = format!("requests-per-day: {requests_per_day}");
        serverless(
            "embed",
            &["events:", "  - httpApi: {path: /embed, method: post}"],
            &[&volume, "avg-duration-ms: 100"],
        )
    }

    #[test]
    fn fires_above_the_break_even_with_the_excess() {
        // $0.0000002 + 0.1 s x 1 GB x $0.0000166667 + $0.000001 per request;
        // a t3a.micro (the cheapest x86 instance with 1 GiB) at $6.862/month
        // breaks even at 78,698 requests/day.
        let found = rule_findings("TCO002", &[], "serverless.yml", &embed(79_000));
        assert_eq!(found.len(), 1);
        let per_request = 0.0000002 + 0.1 * 0.0000166667 + 0.000001;
        let monthly = 79_000.0 * 730.0 / 24.0 * per_request;
        let excess = found[0].monthly_usd.unwrap();
        assert!((excess - (monthly - 6.862)).abs() < 0.001, "{excess}");
        let message = &found[0].message;
        assert!(message.contains("serves 79000 requests/day, above its break-even of 78698 requests/day: it costs $6.89/month, one always-on t3a.micro (2 vCPU, 1 GiB) would cost $6.86/month"), "{message}");
    }

    #[test]
    fn silent_at_or_below_the_break_even_or_without_a_volume() {
        assert!(rule_findings("TCO002", &[], "serverless.yml", &embed(78_000)).is_empty());
        let unknown = serverless("embed", &["events:", "  - httpApi: {path: /embed, method: post}"], &[]);
        assert!(rule_findings("TCO002", &[], "serverless.yml", &unknown).is_empty());
    }
}
