//! TCO004 fixed-size-gpu-pool: a pool of GPU machines whose floor is its
//! ceiling, so it can never give idle GPUs back.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let scaling = &workload.scaling;
    if !workload.pool
        || !workload.has_accelerators()
        || scaling.min == 0
        || scaling.max != Some(scaling.min)
    {
        return Vec::new();
    }
    let gpus = workload.compute.accelerator_devices() * f64::from(scaling.min);
    let (cost, monthly) = match &assessment.pricing.estimate {
        Some(estimate) => (
            format!(
                "; its floor costs {}/month whatever the load",
                usd(estimate.monthly_usd)
            ),
            Some(estimate.monthly_usd),
        ),
        None => (
            "; the pool is unpriced, so the floor's cost is unknown".to_string(),
            None,
        ),
    };
    let model = assessment
        .pricing
        .gpu_model
        .as_ref()
        .map_or(String::from("GPUs"), |(model, _)| format!("x {model}"));
    vec![Draft {
        message: format!(
            "{} is fixed at {} node(s) ({}), {} {model}, and can never scale down{cost}",
            workload.id,
            scaling.min,
            scaling.basis,
            trim(gpus, 3),
        ),
        location: scaling
            .min_location
            .clone()
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: monthly,
        escalate: false,
    }]
}
