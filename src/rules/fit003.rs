//! FIT003 platform-limit-exceeded: function settings Lambda rejects (an
//! image declared larger than its limit among them), and timeouts API
//! Gateway cuts short.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::{FunctionSetting, Platform, UsageKey};
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let Some(spec) = &workload.function else {
        return Vec::new();
    };
    if workload.platform != Platform::AwsLambda {
        return other_platform(workload, spec);
    }
    let at = |setting: FunctionSetting| {
        spec.location(setting)
            .cloned()
            .unwrap_or_else(|| workload.location.clone())
    };
    let mut drafts = Vec::new();
    let mut push = |message: String, setting: FunctionSetting| {
        drafts.push(Draft {
            message: format!("{}: {message}", workload.id),
            location: at(setting),
            monthly_usd: None,
            escalate: false,
            rests_on: None,
        });
    };
    let (min_memory, max_memory) = (
        settings.threshold(Threshold::MinMemoryMb),
        settings.threshold(Threshold::MaxMemoryMb),
    );
    if let Some(memory) = spec.memory_mb {
        if memory < min_memory || memory > max_memory {
            push(
                format!(
                    "memory {} MB is outside Lambda's {}–{} MB",
                    trim(memory, 0),
                    trim(min_memory, 0),
                    trim(max_memory, 0)
                ),
                FunctionSetting::Memory,
            );
        }
    }
    let max_timeout = settings.threshold(Threshold::MaxTimeoutS);
    let gateway = settings.threshold(Threshold::ApiGatewayTimeoutS);
    if let Some(timeout) = spec.timeout_s {
        if timeout > max_timeout {
            push(
                format!(
                    "timeout {} s is above Lambda's {} s",
                    trim(timeout, 0),
                    trim(max_timeout, 0)
                ),
                FunctionSetting::Timeout,
            );
        } else if timeout > gateway
            && spec.events.iter().any(|e| e.trigger.is_api_gateway())
        {
            push(
                format!(
                    "timeout {} s is above API Gateway's {} s integration timeout: synchronous callers get a 504 while the function runs on",
                    trim(timeout, 0),
                    trim(gateway, 0)
                ),
                FunctionSetting::Timeout,
            );
        }
    }
    let (min_storage, max_storage) = (
        settings.threshold(Threshold::MinEphemeralMb),
        settings.threshold(Threshold::MaxEphemeralMb),
    );
    if let Some(storage) = spec.ephemeral_storage_mb {
        if storage < min_storage || storage > max_storage {
            push(
                format!(
                    "ephemeral storage {} MB is outside Lambda's {}–{} MB",
                    trim(storage, 0),
                    trim(min_storage, 0),
                    trim(max_storage, 0)
                ),
                FunctionSetting::EphemeralStorage,
            );
        }
    }
    // Lambda refuses an image over its limit; only a declared size is
    // judged (no default image is that large).
    let image = spec.package_type.as_deref() == Some("Image") || spec.image.is_some();
    let max_image = settings.threshold(Threshold::MaxImageSizeGb);
    if let Some(size) = assessment
        .profile
        .number(UsageKey::ImageSizeGb)
        .filter(|size| image && size.is_set() && size.value > max_image)
    {
        drafts.push(Draft {
            message: format!(
                "{}: its image is {} GB ({}), above Lambda's {} GB container-image limit: the deploy fails",
                workload.id,
                trim(size.value, 3),
                size.basis,
                trim(max_image, 3)
            ),
            location: workload
                .usage
                .get(&UsageKey::ImageSizeGb)
                .map_or_else(|| workload.location.clone(), |set| set.location.clone()),
            monthly_usd: None,
            escalate: false,
            rests_on: None,
        });
    }
    drafts
}

/// Azure Functions and Cloud Functions: memory and timeout against the
/// plan's sourced limits (`analyze/plans.rs`).
fn other_platform(workload: &crate::model::Workload, spec: &crate::model::FunctionSpec) -> Vec<Draft> {
    let plan = crate::analyze::plans::facts(spec.plan);
    let at = |setting: FunctionSetting| {
        spec.location(setting)
            .cloned()
            .unwrap_or_else(|| workload.location.clone())
    };
    let mut drafts = Vec::new();
    let (min_memory, max_memory) = plan.memory_mb;
    if let Some(memory) = spec.memory_mb {
        if memory < min_memory - 1e-9 || memory > max_memory + 1e-9 {
            drafts.push(Draft {
                message: format!(
                    "{}: memory {} MB is outside {}'s {}–{} MB",
                    workload.id,
                    trim(memory, 0),
                    plan.name,
                    trim(min_memory, 0),
                    trim(max_memory, 0)
                ),
                location: at(FunctionSetting::Memory),
                monthly_usd: None,
                escalate: false,
                rests_on: None,
            });
        }
    }
    if let (Some(timeout), Some(limit)) = (spec.timeout_s, plan.max_timeout_for(spec)) {
        if timeout > limit {
            drafts.push(Draft {
                message: format!(
                    "{}: timeout {} s is above {}'s {} s{}",
                    workload.id,
                    trim(timeout, 0),
                    plan.name,
                    trim(limit, 0),
                    if plan.max_http_timeout_s.is_some() && !spec.is_request_driven() {
                        " for event-driven functions"
                    } else {
                        ""
                    }
                ),
                location: at(FunctionSetting::Timeout),
                monthly_usd: None,
                escalate: false,
                rests_on: None,
            });
        }
    }
    drafts
}

#[cfg(test)]
mod tests {
    use crate::rules::Threshold;
    use crate::test_support::{rule_findings, serverless};

    const HTTP: [&str; 2] = ["events:", "  - http: {path: run, method: post}"];
    const SCHEDULE: [&str; 2] = ["events:", "  - schedule: rate(1 hour)"];

    fn function(settings: &[&str], events: &[&str]) -> String {
        let mut all = settings.to_vec();
        all.extend_from_slice(events);
        serverless("run", &all, &[])
    }

    fn messages(text: &str, thresholds: &[(Threshold, f64)]) -> Vec<String> {
        rule_findings("FIT003", thresholds, "serverless.yml", text)
            .into_iter()
            .map(|finding| finding.message)
            .collect()
    }

    #[test]
    fn each_limit_is_checked_one_unit_past_it() {
        let text = function(&["memorySize: 127", "ephemeralStorageSize: 511", "timeout: 901"], &SCHEDULE);
        assert_eq!(
            messages(&text, &[]),
            [
                "sls:rules/run: memory 127 MB is outside Lambda's 128–10240 MB",
                "sls:rules/run: ephemeral storage 511 MB is outside Lambda's 512–10240 MB",
                "sls:rules/run: timeout 901 s is above Lambda's 900 s",
            ]
        );
        let at_limits = function(&["memorySize: 128", "ephemeralStorageSize: 512", "timeout: 900"], &SCHEDULE);
        assert!(messages(&at_limits, &[]).is_empty());
    }

    #[test]
    fn the_api_gateway_timeout_applies_only_behind_api_gateway() {
        let behind = messages(&function(&["timeout: 30"], &HTTP), &[]);
        assert_eq!(behind.len(), 1);
        assert!(behind[0].contains("timeout 30 s is above API Gateway's 29 s integration timeout"), "{}", behind[0]);
        assert!(messages(&function(&["timeout: 29"], &HTTP), &[]).is_empty());
        assert!(messages(&function(&["timeout: 30"], &SCHEDULE), &[]).is_empty());
        let raised = [(Threshold::ApiGatewayTimeoutS, 60.0)];
        assert!(messages(&function(&["timeout: 30"], &HTTP), &raised).is_empty());
    }

    #[test]
    fn the_limits_are_thresholds() {
        let text = function(&["memorySize: 10240"], &SCHEDULE);
        assert!(messages(&text, &[]).is_empty());
        let lowered = [(Threshold::MaxMemoryMb, 8192.0)];
        assert_eq!(messages(&text, &lowered), ["sls:rules/run: memory 10240 MB is outside Lambda's 128–8192 MB"]);
    }

    #[test]
    fn an_image_declared_over_lambdas_limit_fails_the_deploy() {
        let image = |size: &str| {
            serverless(
                "run",
                &["image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch-run:1", "events:", "  - schedule: rate(1 hour)"],
                &[&format!("image-size-gb: {size}")],
            )
        };
        let found = rule_findings("FIT003", &[], "serverless.yml", &image("10.5"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.starts_with("sls:rules/run: its image is 10.5 GB (annotation tcolint.io/image-size-gb"), "{}", found[0].message);
        assert!(found[0].message.ends_with("above Lambda's 10 GB container-image limit: the deploy fails"), "{}", found[0].message);
        assert_eq!(found[0].severity, crate::rules::Severity::Error);
        assert!(messages(&image("10"), &[]).is_empty());
        let raised = [(Threshold::MaxImageSizeGb, 12.0)];
        assert!(messages(&image("10.5"), &raised).is_empty());
        // A zip package's declared image size means nothing to Lambda.
        let zip = serverless("run", &["events:", "  - schedule: rate(1 hour)"], &["image-size-gb: 11"]);
        assert!(messages(&zip, &[]).is_empty());
    }

    fn cloud_run_function(service_config: &str, http: bool) -> String {
        let trigger = if http {
            ""
        } else {
            "  event_trigger {\n    event_type = \"google.cloud.pubsub.topic.v1.messagePublished\"\n  }\n"
        };
        format!("resource \"google_cloudfunctions2_function\" \"f\" {{\n  location = \"us-central1\"\n{trigger}  service_config {{\n{service_config}  }}\n}}\n")
    }

    #[test]
    fn cloud_run_functions_have_their_own_limits_per_trigger() {
        let event = cloud_run_function("    timeout_seconds = 541\n", false);
        let found = rule_findings("FIT003", &[], "main.tf", &event);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "google_cloudfunctions2_function.f: timeout 541 s is above Cloud Run functions (Cloud Functions 2nd gen)'s 540 s for event-driven functions");
        assert_eq!(found[0].location.line, 7);
        let at_limit = cloud_run_function("    timeout_seconds = 540\n", false);
        assert!(rule_findings("FIT003", &[], "main.tf", &at_limit).is_empty());
        // HTTP functions may run an hour.
        let http = cloud_run_function("    timeout_seconds = 3600\n", true);
        assert!(rule_findings("FIT003", &[], "main.tf", &http).is_empty());
        let big = cloud_run_function("    available_memory = \"33Gi\"\n", true);
        let found = rule_findings("FIT003", &[], "main.tf", &big);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("memory 33792 MB is outside Cloud Run functions (Cloud Functions 2nd gen)'s 128–32768 MB"), "{}", found[0].message);
    }

    #[test]
    fn first_gen_cloud_functions_stop_at_540_seconds() {
        let text = |timeout: u32| format!("resource \"google_cloudfunctions_function\" \"f\" {{\n  region       = \"us-central1\"\n  runtime      = \"python310\"\n  trigger_http = true\n  timeout      = {timeout}\n}}\n");
        let found = rule_findings("FIT003", &[], "main.tf", &text(541));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("timeout 541 s is above Cloud Functions (1st gen)'s 540 s"), "{}", found[0].message);
        assert!(rule_findings("FIT003", &[], "main.tf", &text(540)).is_empty());
    }
}
