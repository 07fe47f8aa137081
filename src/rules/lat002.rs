//! LAT002 gpu-scale-from-zero: GPU inference whose floor is zero replicas,
//! so the first request waits for a node, an image and the weights.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::{Purpose, UsageKey};
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    // The cold-start model describes a new Kubernetes GPU node; managed
    // platforms (Cloud Run, SageMaker) start differently.
    if workload.platform != crate::model::Platform::Kubernetes
        || workload.scaling.min != 0
        || !workload.has_accelerators()
        || assessment.profile.purpose.value != Purpose::Inference
        || workload.scaling.max == Some(0)
    {
        return Vec::new();
    }
    let parts = match &assessment.cold_start {
        Some(cold_start) => {
            let listed: Vec<String> = cold_start
                .parts
                .iter()
                .map(|part| {
                    format!(
                        "{} {} s{}",
                        part.name,
                        trim(part.seconds, 1),
                        if part.assumed { " (assumed)" } else { "" }
                    )
                })
                .collect();
            Some((cold_start.total_s, listed.join(" + ")))
        }
        None => None,
    };
    let slo = assessment
        .profile
        .number(UsageKey::LatencySloMs)
        .filter(|slo| slo.is_set());
    let (projection, exceeds) = match &parts {
        Some((total_s, listed)) => (
            format!("the first request after an idle period waits about {} s ({listed})", trim(*total_s, 1)),
            slo.is_some_and(|slo| total_s * 1000.0 > slo.value),
        ),
        None => (
            "the first request after an idle period waits for a new accelerator node (no reference figures for this accelerator)".to_string(),
            false,
        ),
    };
    let slo_text = match slo {
        Some(slo) if exceeds => format!(
            "; that exceeds the latency SLO of {} ms ({})",
            trim(slo.value, 0),
            slo.basis
        ),
        Some(slo) => format!("; within the latency SLO of {} ms", trim(slo.value, 0)),
        None => String::new(),
    };
    vec![Draft {
        message: format!(
            "{} scales GPU inference to zero ({}): {projection}{slo_text}",
            workload.id, workload.scaling.basis
        ),
        location: workload
            .scaling
            .min_location
            .clone()
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: exceeds,
    }]
}
