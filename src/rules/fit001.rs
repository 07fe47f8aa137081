//! FIT001 training-on-serverless: training, or long heavy batch work, on a
//! platform with a 15-minute limit.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::Purpose;
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let Some(spec) = &workload.function else {
        return Vec::new();
    };
    let purpose = assessment.profile.purpose.value;
    let timeout = spec.timeout_s.unwrap_or(0.0);
    let memory = spec.memory_mb.unwrap_or(0.0);
    let heavy = timeout >= settings.threshold(Threshold::BatchTimeoutS)
        && memory >= settings.threshold(Threshold::BatchMemoryMb)
        && matches!(purpose, Purpose::Batch | Purpose::Training);
    if purpose != Purpose::Training && !heavy {
        return Vec::new();
    }
    let why = if purpose == Purpose::Training {
        format!("it trains ({})", assessment.profile.purpose.basis)
    } else {
        format!(
            "it runs {} work for up to {} s with {} MB",
            purpose.as_str(),
            trim(timeout, 0),
            trim(memory, 0)
        )
    };
    vec![Draft {
        message: format!(
            "{}: {why}, on a platform that stops every invocation at 15 minutes and has no GPUs; run it as a job (Kubernetes Job, AWS Batch, SageMaker training)",
            workload.id
        ),
        location: spec.location("function").cloned().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: false,
    }]
}
