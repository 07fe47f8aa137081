//! FIT002 gpu-on-serverless: a GPU asked of a platform that has none.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::{Billing, Platform};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let platform = match (&workload.billing, workload.platform) {
        (_, Platform::AwsLambda) => "AWS Lambda",
        (Billing::UnitRates(service), _) if service.starts_with("fargate") => "AWS Fargate",
        (Billing::PerRequest, Platform::AwsSagemaker) => "SageMaker Serverless Inference",
        _ => return Vec::new(),
    };
    workload
        .compute
        .accelerators
        .iter()
        .map(|accelerator| Draft {
            message: format!(
                "{} asks for {} {} on {platform}, which has no GPUs or accelerators",
                workload.id, accelerator.units, accelerator.resource
            ),
            location: accelerator.location.clone(),
            monthly_usd: None,
            escalate: false,
        })
        .collect()
}
