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
            "{} answers synchronous requests without provisioned concurrency, and a cold start takes about {} ms ({}), above its latency SLO of {} ms ({})",
            workload.id,
            trim(projected_ms, 0),
            parts.join(" + "),
            trim(slo.value, 0),
            slo.basis
        ),
        location: spec.location("function").cloned().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: false,
    }]
}
