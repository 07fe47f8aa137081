//! GPU003 unmodeled-accelerator-workload: a document of a kind tcolint does
//! not model, with no pod template to read, asks for an accelerator. The
//! Kubernetes extractor finds these (it is the only stage that sees the
//! document); this turns them into findings, so no accelerator is dropped
//! in silence.

use super::{Finding, RuleSettings, UNMODELED_ACCELERATOR};
use crate::model::UnmodeledAccelerator;

/// One finding per object, when GPU003 is enabled.
pub fn findings(unmodeled: &[UnmodeledAccelerator], rules: &[RuleSettings]) -> Vec<Finding> {
    let Some(settings) = rules.iter().find(|r| r.meta.code == UNMODELED_ACCELERATOR) else {
        return Vec::new();
    };
    unmodeled
        .iter()
        .map(|found| {
            Finding::about_input(
                settings,
                settings.severity,
                format!(
                    "{} asks for {} {} but is not a kind tcolint models and holds no pod template to read; its pods are not counted or priced (render what the operator creates and scan that)",
                    found.object, found.amount, found.resource
                ),
                found.location.clone(),
            )
        })
        .collect()
}
