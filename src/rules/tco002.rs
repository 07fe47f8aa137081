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
    if volume.value <= break_even.requests_per_day {
        return Vec::new();
    }
    let excess = estimate.monthly_usd - container_monthly;
    vec![Draft {
        message: format!(
            "{} serves {} requests/day, above its break-even of {} requests/day: it costs {}/month, {} would cost {}/month ({} more on Lambda)",
            workload.id,
            trim(volume.value, 0),
            trim(break_even.requests_per_day, 0),
            usd(estimate.monthly_usd),
            break_even.alternative,
            usd(container_monthly),
            usd(excess)
        ),
        location: workload
            .function
            .as_ref()
            .and_then(|spec| spec.location("function").cloned())
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: Some(excess),
        escalate: false,
    }]
}
