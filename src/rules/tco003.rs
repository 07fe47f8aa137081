//! TCO003 provisioned-concurrency-fixed-cost: provisioned concurrency and
//! the fixed monthly cost it adds.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::FunctionSetting;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let Some(spec) = &workload.function else {
        return Vec::new();
    };
    let instances = spec.provisioned_concurrency.unwrap_or(0);
    if instances == 0 {
        return Vec::new();
    }
    let fixed = assessment
        .pricing
        .estimate
        .as_ref()
        .and_then(|e| e.fixed_monthly_usd);
    let cost = fixed.map_or_else(
        || "its cost is unknown (the function is unpriced)".to_string(),
        |fixed| format!("{}/month whatever the traffic", usd(fixed)),
    );
    vec![Draft {
        message: format!(
            "{} keeps {instances} instance(s){} warm with {}: {cost}, the fixed cost scale-to-zero was meant to avoid",
            workload.id,
            spec.memory_mb
                .map_or(" (memory unknown)".to_string(), |memory| format!(" of {} MB", trim(memory, 0))),
            crate::analyze::plans::facts(spec.plan).warm_setting
        ),
        location: spec.location(FunctionSetting::ProvisionedConcurrency).cloned().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: fixed,
        escalate: false,
        rests_on: None,
    }]
}

#[cfg(test)]
mod tests {
    use crate::test_support::{rule_findings, serverless};

    fn classify(concurrency: &str) -> String {
        serverless(
            "classify",
            &["memorySize: 2048", concurrency, "events:", "  - httpApi: {path: /classify, method: post}"],
            &["requests-per-day: 20000", "avg-duration-ms: 150"],
        )
    }

    #[test]
    fn gives_the_fixed_monthly_cost_of_the_warm_instances() {
        let found = rule_findings("TCO003", &[], "serverless.yml", &classify("provisionedConcurrency: 2"));
        assert_eq!(found.len(), 1);
        // 2 instances x 2 GB x 730 h x 3600 s x $0.0000041667 per GB-s.
        let fixed = found[0].monthly_usd.unwrap();
        assert!((fixed - 2.0 * 2.0 * 730.0 * 3600.0 * 0.0000041667).abs() < 0.001, "{fixed}");
        assert!(found[0].message.contains("keeps 2 instance(s) of 2048 MB warm with provisioned concurrency: $43.80/month whatever the traffic"), "{}", found[0].message);
        // It points at the setting.
        assert_eq!(found[0].location.line, 18);
    }

    #[test]
    fn reserved_or_zero_provisioned_concurrency_costs_nothing_fixed() {
        for setting in ["provisionedConcurrency: 0", "reservedConcurrency: 2"] {
            assert!(rule_findings("TCO003", &[], "serverless.yml", &classify(setting)).is_empty(), "{setting}");
        }
    }
}
