//! The cold-start projection of a new GPU replica on a new node: node
//! provisioning, image pull, framework start, weight loading and the first
//! call, each from `catalog/latency.tsv` with its source.

use serde::Serialize;

use crate::analyze::profile::Profile;
use crate::catalog::Catalog;
use crate::model::{AcceleratorVendor, UsageKey, Workload};

/// One part of a cold start.
#[derive(Clone, Debug, Serialize)]
pub struct Part {
    /// What happens (`node provisioning`, `image pull`…).
    pub name: &'static str,
    /// How long it takes.
    pub seconds: f64,
    /// The figure's source and arithmetic.
    pub basis: String,
    /// Whether an input was a default rather than the workload's own value.
    pub assumed: bool,
}

/// A projected cold start.
#[derive(Clone, Debug, Serialize)]
pub struct ColdStart {
    /// Sum of the parts.
    pub total_s: f64,
    /// The parts, in the order they happen.
    pub parts: Vec<Part>,
}

/// Projects the cold start of a GPU replica; `None` for workloads without
/// GPUs, and for Neuron and TPU devices, which the reference measurements
/// (a PyTorch stack on an NVIDIA H200) do not describe.
pub fn cold_start(workload: &Workload, profile: &Profile, catalog: &Catalog) -> Option<ColdStart> {
    let accelerator = workload.compute.main_accelerator()?;
    if matches!(
        accelerator.vendor,
        AcceleratorVendor::Aws | AcceleratorVendor::Google
    ) {
        return None;
    }
    let figure = |key: &str| catalog.figure(key);
    let node = figure("node_provision_s")?;
    let pull_rate = figure("image_pull_gb_per_s")?;
    let default_image = figure("default_image_size_gb")?;
    let framework = figure("framework_start_s")?;
    let load_rate = figure("weight_load_gb_per_s")?;
    let default_model = figure("default_model_size_gb")?;
    let first_call = figure("first_call_s")?;

    let sized =
        |key: UsageKey, default: &crate::catalog::Figure, what: &str| -> (f64, String, bool) {
            match profile.number(key) {
                Some(value) => (
                    value.value,
                    format!("{what} {} GB from {}", value.value, value.basis),
                    false,
                ),
                None => (
                    default.value,
                    format!(
                        "{what} {} GB assumed: {} ({})",
                        default.value,
                        default.basis,
                        catalog.cite(&default.source)
                    ),
                    true,
                ),
            }
        };
    let (image_gb, image_basis, image_assumed) =
        sized(UsageKey::ImageSizeGb, default_image, "image");
    let (model_gb, model_basis, model_assumed) =
        sized(UsageKey::ModelSizeGb, default_model, "model");
    let parts = vec![
        Part {
            name: "GPU node provisioning",
            seconds: node.value,
            basis: format!("{} ({})", node.basis, catalog.cite(&node.source)),
            assumed: false,
        },
        Part {
            name: "image pull",
            seconds: image_gb / pull_rate.value,
            basis: format!(
                "{image_basis}; pulled at {} GB/s: {} ({})",
                pull_rate.value,
                pull_rate.basis,
                catalog.cite(&pull_rate.source)
            ),
            assumed: image_assumed,
        },
        Part {
            name: "framework start",
            seconds: framework.value,
            basis: format!("{} ({})", framework.basis, catalog.cite(&framework.source)),
            assumed: false,
        },
        Part {
            name: "weight loading",
            seconds: model_gb / load_rate.value,
            basis: format!(
                "{model_basis}; loaded at {} GB/s: {} ({})",
                load_rate.value,
                load_rate.basis,
                catalog.cite(&load_rate.source)
            ),
            assumed: model_assumed,
        },
        Part {
            name: "first call",
            seconds: first_call.value,
            basis: format!(
                "{} ({})",
                first_call.basis,
                catalog.cite(&first_call.source)
            ),
            assumed: false,
        },
    ];
    Some(ColdStart {
        total_s: parts.iter().map(|part| part.seconds).sum(),
        parts,
    })
}
