//! FIT003 platform-limit-exceeded: function settings Lambda rejects, and
//! timeouts API Gateway cuts short.

use super::{Draft, RuleSettings, Threshold};
use crate::analyze::Assessment;
use crate::model::Platform;
use crate::numbers::trim;

pub(super) fn check(assessment: &Assessment<'_>, settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let (Some(spec), Platform::AwsLambda) = (&workload.function, workload.platform) else {
        return Vec::new();
    };
    let at = |setting: &str| {
        spec.location(setting)
            .cloned()
            .unwrap_or_else(|| workload.location.clone())
    };
    let mut drafts = Vec::new();
    let mut push = |message: String, setting: &str| {
        drafts.push(Draft {
            message: format!("{}: {message}", workload.id),
            location: at(setting),
            monthly_usd: None,
            escalate: false,
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
                "memory",
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
                "timeout",
            );
        } else if timeout > gateway
            && spec
                .events
                .iter()
                .any(|e| e.kind == "http" || e.kind == "httpApi")
        {
            push(
                format!(
                    "timeout {} s is above API Gateway's {} s integration timeout: synchronous callers get a 504 while the function runs on",
                    trim(timeout, 0),
                    trim(gateway, 0)
                ),
                "timeout",
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
                "ephemeral",
            );
        }
    }
    drafts
}
