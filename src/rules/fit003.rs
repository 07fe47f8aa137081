//! FIT003 platform-limit-exceeded: function settings Lambda rejects, and
//! timeouts API Gateway cuts short.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::{FunctionSetting, Platform};
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let (Some(spec), Platform::AwsLambda) = (&workload.function, workload.platform) else {
        return Vec::new();
    };
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
}
