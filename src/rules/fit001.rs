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
    let plan = crate::analyze::plans::facts(spec.plan);
    let platform = match plan.max_timeout_for(spec) {
        Some(limit) => format!(
            "a platform that stops every invocation at {} and has no GPUs",
            crate::analyze::plans::PlanFacts::timeout_words(limit)
        ),
        None => format!("{}, which has no GPUs", plan.name),
    };
    vec![Draft {
        message: format!(
            "{}: {why}, on {platform}; run it as a job (Kubernetes Job, AWS Batch, SageMaker training)",
            workload.id
        ),
        location: spec.defined_at.clone().unwrap_or_else(|| workload.location.clone()),
        monthly_usd: None,
        escalate: false,
        rests_on: None,
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::Threshold;
    use crate::test_support::{rule_findings, serverless};

    fn job(name: &str, purpose: &str, timeout_s: u32, memory_mb: u32) -> String {
        let (timeout, memory) = (format!("timeout: {timeout_s}"), format!("memorySize: {memory_mb}"));
        let purpose = format!("purpose: {purpose}");
        serverless(
            name,
            &[&timeout, &memory, "events:", "  - schedule: rate(6 hours)"],
            &[&purpose, "requests-per-day: 4"],
        )
    }

    #[test]
    fn heavy_batch_work_at_the_thresholds_fires() {
        let found = rule_findings("FIT001", &[], "serverless.yml", &job("score", "batch", 600, 8192));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("it runs batch work for up to 600 s with 8192 MB, on a platform that stops every invocation at 15 minutes"), "{}", found[0].message);
    }

    #[test]
    fn lighter_or_interactive_work_is_silent_unless_the_thresholds_say_otherwise() {
        let short = job("score", "batch", 599, 8192);
        assert!(rule_findings("FIT001", &[], "serverless.yml", &short).is_empty());
        assert!(rule_findings("FIT001", &[], "serverless.yml", &job("score", "batch", 600, 8191)).is_empty());
        assert!(rule_findings("FIT001", &[], "serverless.yml", &job("score", "inference", 900, 10240)).is_empty());
        let lowered = [(Threshold::BatchTimeoutS, 300.0)];
        assert_eq!(rule_findings("FIT001", &lowered, "serverless.yml", &short).len(), 1);
    }

    #[test]
    fn training_fires_whatever_the_size() {
        let found = rule_findings("FIT001", &[], "serverless.yml", &job("score", "training", 60, 512));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains(": it trains ("), "{}", found[0].message);
    }

    #[test]
    fn training_names_the_platform_limits_of_other_clouds() {
        let gen2 = "resource \"google_cloudfunctions2_function\" \"train_model\" {\n  location = \"us-central1\"\n  service_config {\n    timeout_seconds = 3600\n  }\n}\n";
        let found = rule_findings("FIT001", &[], "main.tf", gen2);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("on a platform that stops every invocation at 60 minutes and has no GPUs"), "{}", found[0].message);
        let flex = "resource \"azurerm_function_app_flex_consumption\" \"finetune\" {\n  location = \"eastus\"\n}\n";
        let found = rule_findings("FIT001", &[], "main.tf", flex);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("on Azure Functions (Flex Consumption plan), which has no GPUs"), "{}", found[0].message);
        let serve = "resource \"google_cloudfunctions2_function\" \"serve\" {\n  location = \"us-central1\"\n}\n";
        assert!(rule_findings("FIT001", &[], "main.tf", serve).is_empty());
    }
}
