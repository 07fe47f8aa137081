//! TCO001 idle-gpu-capacity: always-on GPU capacity below a utilization
//! threshold; reports the idle cost.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let (Some(accelerator), false) = (
        workload.compute.main_accelerator(),
        workload.run_to_completion,
    ) else {
        return Vec::new();
    };
    if workload.scaling.min == 0 {
        return Vec::new();
    }
    let Some(utilization) = assessment.profile.number(UsageKey::Utilization) else {
        return Vec::new();
    };
    let threshold = settings.threshold(Threshold::MinUtilization);
    if utilization.value >= threshold {
        return Vec::new();
    }
    let gpus = workload.compute.accelerator_devices() * f64::from(workload.scaling.min);
    let model = assessment.pricing.gpu_model.as_ref().map_or(
        if accelerator.resource == "instance" {
            "GPU"
        } else {
            accelerator.resource.as_str()
        },
        |(model, _)| model.as_str(),
    );
    let origin = if utilization.is_set() {
        format!("set by {}", utilization.basis)
    } else {
        format!("a {}", utilization.basis)
    };
    let (cost, idle) = match &assessment.pricing.estimate {
        Some(estimate) => (
            format!(
                ": {}/month of its {}/month baseline pays for idle GPUs",
                usd(estimate.idle_monthly_usd.unwrap_or_default()),
                usd(estimate.monthly_usd)
            ),
            estimate.idle_monthly_usd,
        ),
        None => (
            " (the workload is unpriced, so the idle cost is unknown)".to_string(),
            None,
        ),
    };
    vec![Draft {
        message: format!(
            "{} keeps {} x {model} always on ({} min replica(s)) at {}% utilization, below the {}% threshold{cost}. Utilization {}% is {origin}",
            workload.id,
            trim(gpus, 3),
            workload.scaling.min,
            trim(utilization.value * 100.0, 1),
            trim(threshold * 100.0, 1),
            trim(utilization.value * 100.0, 1),
        ),
        location: workload.location.clone(),
        monthly_usd: idle,
        escalate: false,
    }]
}
