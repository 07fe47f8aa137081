//! The cold-start projection of a new GPU replica on a new node: node
//! provisioning, image pull, framework start, weight loading and the first
//! call; and of a function: its runtime's measured init, plus what its
//! package adds (loading a large image, importing an ML framework) and
//! loading its model. Each figure comes from `catalog/latency.tsv` or
//! `catalog/lambda-coldstart.tsv` with its source.

use serde::Serialize;

use crate::analyze::profile::Profile;
use crate::catalog::Catalog;
use crate::model::{AcceleratorVendor, Framework, UsageKey, Workload};
use crate::numbers::trim;

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
    /// Cold starts per day at the usage profile's traffic (see
    /// `analyze/expected.rs`); absent when the traffic is unknown.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::numbers::optional::<_, 2>"
    )]
    pub expected_cold_starts_per_day: Option<f64>,
    /// Share of requests that wait for a cold start.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::numbers::optional::<_, 6>"
    )]
    pub cold_request_share: Option<f64>,
    /// Parts that happen but have no sourced figure, so the total leaves
    /// them out (importing TensorFlow, loading an image of unknown size).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_projected: Vec<String>,
}

/// Projects the cold start of a Lambda function: the runtime's measured
/// init (by package type and architecture; memory made no systematic
/// difference in the benchmark), SnapStart when on, and loading the model
/// when the profile gives its size.
pub fn function_cold_start(
    workload: &Workload,
    profile: &Profile,
    catalog: &Catalog,
) -> Option<ColdStart> {
    let spec = workload.function.as_ref()?;
    let image = spec.package_type.as_deref() == Some("Image");
    let arm = spec.architecture.as_deref() == Some("arm64");
    let runtime = spec.runtime.clone();
    let (row, assumed, why) = match runtime.as_deref().and_then(|r| catalog.lambda_init(r)) {
        Some(row) => (row, false, String::new()),
        None => {
            // Old runtimes map to the nearest measured one of the same language;
            // images without a runtime are most often Python.
            let language = runtime.as_deref().unwrap_or("python").to_ascii_lowercase();
            let family = [
                "python", "nodejs", "java", "dotnet", "ruby", "go", "provided",
            ]
            .into_iter()
            .find(|f| language.starts_with(f))?;
            let fallback = match family {
                "python" => "python3.12",
                "nodejs" => "nodejs22.x",
                "java" => "java17",
                "dotnet" => "dotnet8",
                "ruby" => "ruby3.4",
                _ => "go1.x",
            };
            let row = catalog.lambda_init(fallback)?;
            let why = match &runtime {
                Some(r) => format!("{r} is not benchmarked; {} assumed similar", row.measured),
                None if profile.framework.value.is_some() => format!(
                    "the image's runtime is not named; {} assumed (an ML framework image runs Python)",
                    row.measured
                ),
                None => format!("the image's language is unknown; {} assumed", row.measured),
            };
            (row, true, why)
        }
    };
    let ms = match (image, arm) {
        (false, false) => row.zip_x86_64_ms,
        (false, true) => row.zip_arm64_ms,
        (true, false) => row.image_x86_64_ms,
        (true, true) => row.image_arm64_ms,
    };
    let mut parts = vec![Part {
        name: "runtime init",
        seconds: ms / 1000.0,
        basis: format!(
            "{} {} on {}: mean init of a hello-world function, {} ms ({}){}",
            row.measured,
            if image { "container image" } else { "zip" },
            if arm { "arm64" } else { "x86_64" },
            ms,
            catalog.cite(&row.source),
            if why.is_empty() {
                String::new()
            } else {
                format!("; {why}")
            }
        ),
        assumed,
    }];
    if spec.snap_start && row.measured.starts_with("java") {
        if let Some(source) = catalog.source("SNAPSTART") {
            let restored = ms / 10.0;
            parts[0] = Part {
                name: "runtime init (SnapStart)",
                seconds: restored / 1000.0,
                basis: format!(
                    "{} ms / 10: AWS's \"up to 10x\" SnapStart claim applied to the measured {} init ({})",
                    ms, row.measured, source.citation()
                ),
                assumed: true,
            };
        }
    }
    parts.extend(model_loading_part(profile, catalog, "Lambda's own storage"));
    Some(ColdStart {
        total_s: parts.iter().map(|p| p.seconds).sum(),
        parts,
        expected_cold_starts_per_day: None,
        cold_request_share: None,
        not_projected: Vec::new(),
    })
}

/// A function's model-loading part, when `model-size-gb` is declared: the
/// local-disk load rate measured on a GPU VM is the only sourced figure, so
/// the part is assumed; `storage` names what was not measured.
pub fn model_loading_part(profile: &Profile, catalog: &Catalog, storage: &str) -> Option<Part> {
    let model = profile.number(UsageKey::ModelSizeGb)?;
    let rate = catalog.figure("weight_load_gb_per_s")?;
    Some(Part {
        name: "model loading",
        seconds: model.value / rate.value,
        basis: format!(
            "model {} GB from {} at {} GB/s: the local-disk load rate measured on a GPU VM ({}), the only sourced figure; {storage} is not measured",
            model.value,
            model.basis,
            rate.value,
            catalog.cite(&rate.source)
        ),
        assumed: true,
    })
}

/// Adds what a function's package costs at start-up (see [`package_parts`])
/// to its cold start, whichever platform's runtime figure it starts from:
/// image loading first, the framework import right after the runtime init.
pub fn add_package_parts(
    cold_start: &mut ColdStart,
    workload: &Workload,
    profile: &Profile,
    catalog: &Catalog,
) {
    let image = workload
        .function
        .as_ref()
        .is_some_and(|spec| spec.package_type.as_deref() == Some("Image") || spec.image.is_some());
    let package = package_parts(image, profile, catalog);
    if let Some(import) = package.import {
        let after_init = cold_start
            .parts
            .iter()
            .position(|part| part.name.starts_with("runtime init"))
            .map_or(0, |index| index + 1);
        cold_start.parts.insert(after_init, import);
    }
    if let Some(load) = package.image_load {
        cold_start.parts.insert(0, load);
    }
    cold_start.not_projected.extend(package.not_projected);
    cold_start.total_s = cold_start.parts.iter().map(|part| part.seconds).sum();
}

/// What a function's package adds to the hello-world init of its runtime.
#[derive(Debug, Default)]
pub struct PackageParts {
    /// Loading a container image larger than the benchmark's hello-world
    /// image (image packages whose size is declared or whose framework
    /// implies one).
    pub image_load: Option<Part>,
    /// Importing the ML framework.
    pub import: Option<Part>,
    /// Parts without a sourced figure.
    pub not_projected: Vec<String>,
}

impl PackageParts {
    /// The seconds the projected parts add.
    pub fn seconds(&self) -> f64 {
        self.image_load
            .iter()
            .chain(&self.import)
            .map(|p| p.seconds)
            .sum()
    }
}

/// Projects what a function's package adds to its runtime's init: for an
/// image, loading it (size declared with `image-size-gb`, else the default
/// of an image that imports an ML framework, at the lazy-loading rate
/// derived from GKE image streaming); for any package, importing the ML
/// framework its images or layers name (or `framework` declares): PyTorch
/// at the measured `import torch`, other frameworks not projected.
pub fn package_parts(image: bool, profile: &Profile, catalog: &Catalog) -> PackageParts {
    let mut out = PackageParts::default();
    let framework = &profile.framework;
    let framework_words = |f: Framework| {
        format!(
            "{} ({}: {})",
            f.as_str(),
            if framework.is_set() {
                "declared"
            } else {
                "inferred"
            },
            framework.basis
        )
    };
    if image {
        let declared = profile
            .number(UsageKey::ImageSizeGb)
            .filter(|size| size.is_set());
        let size = match (declared, framework.value) {
            (Some(size), _) => Some((
                size.value,
                format!("image {} GB from {}", trim(size.value, 3), size.basis),
                false,
            )),
            (None, Some(Framework::Pytorch)) => {
                catalog.figure("default_ml_image_size_gb").map(|default| {
                    (
                        default.value,
                        format!(
                            "image {} GB assumed: {} ({}); set image-size-gb",
                            trim(default.value, 3),
                            default.basis,
                            catalog.cite(&default.source)
                        ),
                        true,
                    )
                })
            }
            (None, Some(other)) => {
                out.not_projected.push(format!(
                    "image loading: the image of a {} function has no sourced default size; set image-size-gb",
                    other.as_str()
                ));
                None
            }
            // A plain image: the hello-world benchmark's init covers it.
            (None, None) => None,
        };
        if let (Some((gb, basis, assumed)), Some(rate)) =
            (size, catalog.figure("lazy_image_load_gb_per_s"))
        {
            out.image_load = Some(Part {
                name: "image loading",
                seconds: gb / rate.value,
                basis: format!(
                    "{basis}; loaded at {} GB/s: {} ({}){}",
                    trim(rate.value, 4),
                    rate.basis,
                    catalog.cite(&rate.source),
                    if gb > LAMBDA_MAX_IMAGE_GB {
                        "; above Lambda's 10 GB image limit, so Lambda would not deploy it"
                    } else {
                        ""
                    }
                ),
                assumed,
            });
        }
    }
    match framework.value {
        Some(Framework::Pytorch) => {
            if let Some(import) = catalog.figure("torch_import_s") {
                out.import = Some(Part {
                    name: "framework import",
                    seconds: import.value,
                    basis: format!(
                        "{}; import torch {} s: {} ({})",
                        framework_words(Framework::Pytorch),
                        trim(import.value, 3),
                        import.basis,
                        catalog.cite(&import.source)
                    ),
                    assumed: !framework.is_set(),
                });
            }
        }
        Some(other) => out.not_projected.push(format!(
            "framework import: {}; no sourced import time (the reference measures import torch only)",
            framework_words(other)
        )),
        None => {}
    }
    out
}

/// Lambda's largest container image, GB (FACTS A2, the Lambda limits table).
pub const LAMBDA_MAX_IMAGE_GB: f64 = 10.0;

/// Projects the cold start of a GPU replica; `None` for workloads without
/// GPUs, and for Neuron and TPU devices, which the reference measurements
/// (a PyTorch stack on an NVIDIA H200) do not describe.
pub fn cold_start(workload: &Workload, profile: &Profile, catalog: &Catalog) -> Option<ColdStart> {
    // Platforms without GPUs (Fargate, Lambda) have no GPU cold start to project.
    if matches!(&workload.billing, crate::model::Billing::PerRequest)
        || matches!(&workload.billing, crate::model::Billing::UnitRates(service) if service.is_fargate())
    {
        return None;
    }
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
    // The measurement is of a PyTorch stack; another framework is an assumption.
    let other_framework = profile.framework.value.filter(|f| *f != Framework::Pytorch);
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
            basis: format!(
                "{} ({}){}",
                framework.basis,
                catalog.cite(&framework.source),
                other_framework.map_or(String::new(), |f| format!(
                    "; measured for PyTorch, and {} ({}) is assumed to start as fast",
                    f.as_str(),
                    profile.framework.basis
                ))
            ),
            assumed: other_framework.is_some(),
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
        expected_cold_starts_per_day: None,
        cold_request_share: None,
        not_projected: Vec::new(),
    })
}
