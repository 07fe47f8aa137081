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
