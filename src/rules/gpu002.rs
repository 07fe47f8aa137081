//! GPU002 unpriced-accelerator: a scheduling hint names an instance type or
//! GPU the catalogue does not know, or knows without a price.

use super::{Draft, RuleSettings};
use crate::analyze::cost::NameProblem;
use crate::analyze::Assessment;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let priced = assessment.pricing.estimate.is_some();
    assessment
        .pricing
        .issues
        .iter()
        .filter(|issue| issue.accelerated)
        .map(|issue| {
            let consequence = if priced {
                "it is ignored; the workload is priced from the other values"
            } else {
                "the workload is unpriced and left out of the monthly total"
            };
            let message = match &issue.problem {
                NameProblem::Unknown { suggestion } => format!(
                    "{} {:?} ({}) is not in the price catalogue{}; {consequence}",
                    issue.what,
                    issue.value,
                    issue.key,
                    suggestion
                        .as_ref()
                        .map_or(String::new(), |s| format!(" (did you mean {s}?)")),
                ),
                NameProblem::NoPrice { reason } => format!(
                    "{} {:?} ({}) has no catalogue price: {reason}; {consequence}",
                    issue.what, issue.value, issue.key
                ),
            };
            Draft {
                message,
                location: issue.location.clone(),
                monthly_usd: None,
                escalate: false,
            }
        })
        .collect()
}
