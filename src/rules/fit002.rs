//! FIT002 gpu-on-serverless: a GPU asked of a platform that has none.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::model::{Billing, Platform};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let platform = match (&workload.billing, workload.platform) {
        (_, Platform::AwsLambda) => "AWS Lambda",
        (Billing::UnitRates(service), _) if service.is_fargate() => "AWS Fargate",
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
            rests_on: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::test_support::rule_findings;

    /// A Fargate task definition and service, with `requirements` under
    /// the container.
    fn fargate(requirements: &str) -> String {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      Cpu: \"4096\"\n      Memory: \"16384\"\n      ContainerDefinitions:\n        - Name: rerank\n          Image: rerank:1\n{requirements}  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      LaunchType: FARGATE\n      TaskDefinition: !Ref Task\n      DesiredCount: 1\n"
        )
    }

    #[test]
    fn a_gpu_on_fargate_fires_at_the_request() {
        let text = fargate("          ResourceRequirements:\n            - Type: GPU\n              Value: \"1\"\n");
        let found = rule_findings("FIT002", &[], "template.yaml", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "cfn:template/Service asks for 1 ResourceRequirements GPU on AWS Fargate, which has no GPUs or accelerators");
        assert_eq!(found[0].location.line, 13);
    }

    #[test]
    fn fargate_without_a_gpu_is_silent() {
        assert!(rule_findings("FIT002", &[], "template.yaml", &fargate("")).is_empty());
    }
}
