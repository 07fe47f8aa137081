//! TCO003 provisioned-concurrency-fixed-cost: provisioned concurrency and
//! the fixed monthly cost it adds.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
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
            "{} keeps {instances} instance(s) of {} MB warm with provisioned concurrency: {cost}, the fixed cost scale-to-zero was meant to avoid",
            workload.id,
            trim(spec.memory_mb.unwrap_or(0.0), 0)
        ),
        location: spec.location("provisioned").cloned().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: fixed,
        escalate: false,
    }]
}
