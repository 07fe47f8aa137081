//! Costing a workload from the catalogue.
//!
//! 1. The node's instance type is named: one replica costs that node's
//!    hourly price times its dominant share, the largest of requested
//!    GPUs / node GPUs, vCPU / node vCPU and memory / node memory.
//! 2. Only the GPU model is named: the cheapest catalogue node with that GPU
//!    that fits the pod, in the cloud the hint names (else the default
//!    cloud), priced the same way.
//! 3. Nothing is named: OpenCost's default unit prices per vCPU, GiB and GPU.
//!
//! Baseline monthly cost = min replicas × replica hourly × 730 h; peak uses
//! max replicas. Nothing is priced that the catalogue does not price.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::analyze::price_settings::{NodePrice, PriceSettings};
use crate::analyze::profile::Profile;
use crate::analyze::Settings;
use crate::catalog::{Catalog, GpuModel, Instance, Quote, HOURS_PER_MONTH};
use crate::model::{AcceleratorVendor, Billing, Cloud, UsageKey, Workload};
use crate::numbers::{trim, usd, usd_rate};
use crate::source::Location;

/// Which costing method priced the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// A named instance type, times the pod's dominant share.
    InstanceShare,
    /// The cheapest node with the named GPU model, times the dominant share.
    GpuModelNode,
    /// OpenCost's default unit prices.
    UnitPrices,
    /// A managed service's hourly rate (a cluster control plane).
    ServiceHour,
    /// A managed service's per-vCPU, per-GiB and per-GPU rates (Cloud Run, Fargate).
    ServiceRates,
    /// Per request and duration (Lambda).
    PerRequest,
}

/// The request volume at which the other architecture costs the same.
#[derive(Clone, Debug, Serialize)]
pub struct BreakEven {
    /// Requests per day where both cost the same; `None` when there is no
    /// such volume (the basis says why: e.g. a GPU service whose cold start
    /// is not projected, or that scaled to zero never costs more).
    pub requests_per_day: Option<f64>,
    /// What the workload is compared with.
    pub alternative: String,
    /// The alternative's monthly cost (at the break-even volume for a
    /// per-request alternative), when it has a fixed one.
    pub alternative_monthly_usd: Option<f64>,
    /// Which side wins above the break-even volume.
    pub cheaper_above: &'static str,
    /// Inputs of the break-even that were defaults, not the workload's own
    /// figures (`avg-duration-ms`, `concurrency`, `keep-alive`, `cold-start`).
    pub defaulted_inputs: Vec<&'static str>,
    /// For an always-on GPU workload, the scaled-to-zero alternative's
    /// monthly cost at 0, ½, 1, 1½ and 2 times the break-even volume (it is
    /// not proportional to the volume); empty otherwise.
    #[serde(serialize_with = "crate::numbers::list::<_, 2>")]
    pub alternative_monthly_usd_curve: Vec<f64>,
    /// The arithmetic and its sources.
    pub basis: String,
}

/// The catalogue node a price is based on.
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// Instance type, or machine + attached GPUs.
    pub name: String,
    /// Cloud.
    pub cloud: Cloud,
    /// Region the price is for.
    pub region: String,
    /// On-demand price per hour.
    pub usd_per_hour: Option<f64>,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gb: f64,
    /// vCPUs pods can request (shares are taken of this).
    pub allocatable_vcpu: f64,
    /// Memory in GiB pods can request (shares are taken of this).
    pub allocatable_memory_gb: f64,
    /// Where the allocatable figures come from.
    pub allocatable_basis: String,
    /// Accelerators.
    pub gpus: u32,
    /// Accelerator model.
    pub gpu_model: Option<String>,
    /// Memory per accelerator, GiB.
    #[serde(skip)]
    pub gpu_memory_gb: Option<f64>,
    /// Catalogue table and citation.
    pub source: String,
    /// Caveat or reason for a missing price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The region the workload runs in, when the data has no price there
    /// and `region`'s list price stands in: the price is approximate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximates_region: Option<String>,
    /// How the price is derived, when it is not read from the data as is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<String>,
    /// `on-demand`, or `spot` when the workload asks for spot capacity and
    /// the data has a spot price; `1y-commitment`/`3y-commitment` with
    /// `pricing.commitment`, `override` for a `pricing.prices` entry.
    pub purchase: &'static str,
    /// What tcolint.yml's `pricing:` changed about the catalogue price.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub price_adjustments: Vec<String>,
    /// The catalogue's 1-year and 3-year committed prices.
    #[serde(skip)]
    committed: (Option<f64>, Option<f64>),
    /// For a machine with attached GPUs: the machine's name and the attached
    /// GPUs' list price per hour, so a `pricing.prices` entry for the machine
    /// replaces the machine part only.
    #[serde(skip)]
    attached: Option<(String, f64)>,
}

impl Node {
    /// The node for `instance` priced by `quote`; without a quote the node
    /// is unpriced for `reason`.
    fn from_instance(
        instance: &Instance,
        quote: Result<&Quote, &String>,
        spot: bool,
        catalog: &Catalog,
    ) -> Node {
        let spot_price = quote
            .ok()
            .and_then(|quote| quote.price.spot)
            .filter(|_| spot);
        let (region, usd_per_hour, source, note, approximates_region, derived) = match quote {
            Ok(quote) => (
                quote.price.region.clone(),
                spot_price.or(quote.price.on_demand),
                catalog.cite(quote.price.source).to_string(),
                instance.note.clone(),
                quote.approximates.clone(),
                quote.price.derivation.clone(),
            ),
            Err(reason) => (
                instance.default_region(),
                None,
                "no price".to_string(),
                Some(reason.clone()),
                None,
                None,
            ),
        };
        let allocatable = crate::catalog::allocatable::of(instance);
        Node {
            name: instance.name.clone(),
            cloud: instance.cloud,
            region,
            usd_per_hour,
            vcpu: instance.vcpu,
            memory_gb: instance.memory_gib,
            allocatable_vcpu: allocatable.vcpu,
            allocatable_memory_gb: allocatable.memory_gib,
            allocatable_basis: allocatable.cited_basis(catalog),
            gpus: instance.gpu_count,
            gpu_model: instance.gpu_model.clone(),
            gpu_memory_gb: instance.gpu_memory_gib,
            source: format!("catalog/{}, {source}", instance.table),
            note,
            approximates_region,
            derived,
            purchase: if spot_price.is_some() {
                "spot"
            } else {
                "on-demand"
            },
            price_adjustments: Vec::new(),
            committed: quote.ok().map_or((None, None), |quote| {
                (quote.price.commit_1y, quote.price.commit_3y)
            }),
            attached: None,
        }
    }

    /// Applies `pricing:` (override, commitment, discount) for a workload
    /// in `wanted_region` (the node's price region when it names none).
    fn apply_pricing(&mut self, wanted_region: Option<&str>, pricing: &PriceSettings) {
        if pricing.is_list() {
            return;
        }
        let wanted = wanted_region.map_or_else(
            || self.region.clone(),
            |region| crate::catalog::normalize_region(self.cloud, region),
        );
        if let Some((machine, gpus_usd_per_hour)) = self.attached.clone() {
            let whole = pricing.override_for(&self.name, &wanted).is_some();
            if let (false, Some(machine_price)) = (whole, pricing.override_for(&machine, &wanted)) {
                // The override is the machine's; the attached GPUs keep
                // their list price with the discount (they have no
                // committed price).
                let gpus = pricing.adjust(&NodePrice {
                    name: &self.name,
                    cloud: self.cloud,
                    wanted_region: &wanted,
                    usd_per_hour: Some(gpus_usd_per_hour),
                    spot: false,
                    committed: (None, None),
                });
                let gpus_price = gpus.as_ref().map_or(gpus_usd_per_hour, |g| g.usd_per_hour);
                self.usd_per_hour = Some(machine_price.usd_per_hour + gpus_price);
                self.price_adjustments = vec![format!(
                    "price override {}/h for the {machine} machine from {} (no commitment or discount applied to it) + the attached GPUs' {}/h",
                    usd_rate(machine_price.usd_per_hour),
                    machine_price.location,
                    usd_rate(gpus_price),
                )];
                self.price_adjustments
                    .extend(gpus.into_iter().flat_map(|g| g.steps));
                self.source = format!("tcolint.yml pricing.prices + {}", self.source);
                return;
            }
        }
        let Some(adjusted) = pricing.adjust(&NodePrice {
            name: &self.name,
            cloud: self.cloud,
            wanted_region: &wanted,
            usd_per_hour: self.usd_per_hour,
            spot: self.purchase == "spot",
            committed: self.committed,
        }) else {
            return;
        };
        self.usd_per_hour = Some(adjusted.usd_per_hour);
        self.purchase = adjusted.purchase;
        self.price_adjustments = adjusted.steps;
        if adjusted.overridden {
            // The user's price is for the region asked for: no stand-in.
            self.region = wanted;
            self.approximates_region = None;
            self.derived = None;
            self.source = "tcolint.yml pricing.prices".into();
        }
    }

    /// How the price was found, for the basis text: the stand-in region
    /// and any derivation.
    fn price_caveats(&self) -> String {
        let mut caveats = String::new();
        if let Some(wanted) = &self.approximates_region {
            caveats.push_str(&format!(
                "; APPROXIMATE: the data has no {wanted} price for {}, so the {} list price stands in",
                self.name, self.region
            ));
        }
        if let Some(derived) = &self.derived {
            caveats.push_str(&format!("; {derived}"));
        }
        for step in &self.price_adjustments {
            caveats.push_str(&format!("; {step}"));
        }
        caveats
    }
}

/// The pod's share of its node.
#[derive(Clone, Debug, Serialize)]
pub struct Share {
    /// Requested accelerators / node accelerators.
    pub gpu: Option<f64>,
    /// Requested vCPU / node vCPU.
    pub cpu: f64,
    /// Requested memory / node memory.
    pub memory: f64,
    /// Which share dominates.
    pub dominant: Dominant,
    /// The dominant share.
    pub value: f64,
}

/// Which of a pod's shares of its node sets its price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dominant {
    /// A whole instance per replica (instance-billed workloads).
    Instance,
    /// Its accelerators.
    Gpu,
    /// Its vCPU.
    Cpu,
    /// Its memory.
    Memory,
}

/// A priced workload.
#[derive(Clone, Debug)]
pub struct CostEstimate {
    /// One replica, per hour.
    pub per_replica_hourly_usd: f64,
    /// Baseline: min replicas all month.
    pub monthly_usd: f64,
    /// Max replicas all month; `None` when unbounded.
    pub peak_monthly_usd: Option<f64>,
    /// (1 − utilization) × baseline, for always-on accelerator capacity.
    pub idle_monthly_usd: Option<f64>,
    /// The utilization the idle cost uses.
    pub utilization: Option<f64>,
    /// The arithmetic, in words.
    pub basis: String,
    /// Which method.
    pub method: Method,
    /// The node priced, for the share methods.
    pub node: Option<Node>,
    /// The share of that node.
    pub share: Option<Share>,
    /// Cost of one request (per-request billing).
    pub per_request_usd: Option<f64>,
    /// Monthly cost that does not depend on requests (provisioned concurrency).
    pub fixed_monthly_usd: Option<f64>,
    /// The break-even against the other architecture.
    pub break_even: Option<BreakEven>,
    /// For a service rate priced in a stand-in region: the region asked
    /// for (the rate's own region is in the basis). Instance prices carry
    /// theirs on the node.
    pub approximates_region: Option<String>,
}

/// What is wrong with a name a hint gives.
#[derive(Clone, Debug)]
pub enum NameProblem {
    /// Not in the catalogue; the nearest known name, if close.
    Unknown {
        /// "did you mean" candidate.
        suggestion: Option<String>,
    },
    /// In the catalogue but without a price, for this reason.
    NoPrice {
        /// The catalogue row's note.
        reason: String,
    },
}

/// A hint value the catalogue cannot price.
#[derive(Clone, Debug)]
pub struct NameIssue {
    /// `instance type` or `GPU model`.
    pub what: &'static str,
    /// The value as written.
    pub value: String,
    /// The label key.
    pub key: String,
    /// Where the hint is.
    pub location: Location,
    /// What is wrong.
    pub problem: NameProblem,
    /// Whether the name is (or looks like) an accelerator or a GPU
    /// instance; GPU002 reports only those.
    pub accelerated: bool,
}

/// The outcome of costing one workload.
#[derive(Clone, Debug, Default)]
pub struct Pricing {
    /// The estimate, when the catalogue could price it.
    pub estimate: Option<CostEstimate>,
    /// Why not, when it could not.
    pub unpriced_reason: Option<String>,
    /// Hint values the catalogue cannot price.
    pub issues: Vec<NameIssue>,
    /// The instance type the estimate is based on.
    pub instance_type: Option<String>,
    /// The cloud the estimate is in.
    pub cloud: Option<Cloud>,
    /// The GPU model, when known: catalogue name and memory per device.
    pub gpu_model: Option<(String, Option<f64>)>,
    /// What the estimate assumes.
    pub notes: Vec<String>,
}

struct Demand {
    gpus: f64,
    cpu: f64,
    memory_gib: f64,
}

impl Demand {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.gpus > 0.0 {
            parts.push(format!("{} accelerator(s)", trim(self.gpus, 3)));
        }
        parts.push(format!("{} vCPU", trim(self.cpu, 3)));
        parts.push(format!("{} GiB", trim(self.memory_gib, 2)));
        parts.join(", ")
    }
}

/// Prices `workload`; `settings.default_cloud` applies when nothing names
/// its cloud, and `settings.strict_prices` refuses stand-in regions.
pub fn price(
    workload: &Workload,
    profile: &Profile,
    settings: &Settings<'_>,
    catalog: &Catalog,
) -> Pricing {
    let demand = Demand {
        gpus: workload.compute.accelerator_devices(),
        cpu: workload.compute.cpu_per_replica,
        memory_gib: workload.compute.memory_gib_per_replica,
    };
    let mut pricing = Pricing::default();
    let placement = &workload.placement;
    if let Some(reason) = &placement.unpriced_reason {
        pricing.unpriced_reason = Some(reason.clone());
        return pricing;
    }
    match &workload.billing {
        Billing::PodShare | Billing::Instances => {}
        Billing::ServiceHour(service) => {
            return by_service_hour(
                workload,
                service.key(),
                settings.strict_prices,
                catalog,
                pricing,
            )
        }
        Billing::UnitRates(service) => {
            return by_service_rates(
                workload,
                profile,
                service.key(),
                &demand,
                settings.strict_prices,
                catalog,
                pricing,
            )
        }
        Billing::PerRequest => {
            match &workload.function {
                Some(spec) if spec.plan != crate::model::FunctionPlan::Lambda => {
                    return crate::analyze::functions::price(workload, profile, catalog, pricing);
                }
                Some(_) => {
                    return crate::analyze::serverless::price(workload, profile, catalog, pricing)
                }
                None => {}
            }
            pricing.unpriced_reason =
                Some("billed per request, and the catalogue has no rates for it".into());
            return pricing;
        }
    }

    let chosen = if !placement.instance_types.is_empty() {
        by_instance_type(workload, &demand, settings, catalog, &mut pricing)
    } else if !placement.gpu_models.is_empty() {
        by_gpu_model(workload, &demand, settings, catalog, &mut pricing)
    } else {
        return by_unit_prices(workload, profile, &demand, catalog, pricing);
    };
    if let Some((node, share, method, choice_note)) = chosen {
        let hourly = node.usd_per_hour.unwrap_or_default() * share.value;
        let share_text = match share.dominant {
            Dominant::Instance => "a whole instance per replica".to_string(),
            Dominant::Gpu => format!("GPU {}/{}", trim(demand.gpus, 3), node.gpus),
            Dominant::Cpu => format!(
                "vCPU {}/{} allocatable",
                trim(demand.cpu, 3),
                trim(node.allocatable_vcpu, 3)
            ),
            Dominant::Memory => format!(
                "memory {}/{} GiB allocatable",
                trim(demand.memory_gib, 2),
                trim(node.allocatable_memory_gb, 3)
            ),
        };
        let share_text = match share.dominant {
            Dominant::Cpu | Dominant::Memory => {
                format!("{share_text}; {}", node.allocatable_basis)
            }
            _ => share_text,
        };
        let basis = format!(
            "{}{} at {}/h ({} {} {}, {}{}) x dominant share {} ({share_text}) = {}/h per replica",
            choice_note.map_or(String::new(), |note| format!("{note}: ")),
            node.name,
            usd_rate(node.usd_per_hour.unwrap_or_default()),
            node.cloud,
            node.region,
            node.purchase,
            node.source,
            node.price_caveats(),
            trim(share.value, 4),
            usd_rate(hourly),
        );
        if placement.spot && node.purchase != "spot" && node.purchase != "override" {
            pricing.notes.push(format!(
                "spot capacity is requested, but the catalogue has no spot price for {} in {}{}: the on-demand price is used",
                node.name,
                node.region,
                if node.cloud == Cloud::Aws {
                    " (AWS spot prices move hourly and are not in the data)"
                } else {
                    ""
                }
            ));
        }
        if let Some(wanted) = &node.approximates_region {
            pricing.notes.push(format!(
                "approximate price: {} has no {wanted} price in the catalogue; the {} list price stands in (--strict-prices leaves it unpriced)",
                node.name, node.region
            ));
        }
        if placement.region.is_none() {
            pricing.notes.push(format!(
                "prices are {} {} on-demand; the source does not say which region it runs in",
                node.cloud, node.region
            ));
        }
        pricing.instance_type = Some(node.name.clone());
        pricing.cloud = Some(node.cloud);
        if let Some(model) = &node.gpu_model {
            let memory = node
                .gpu_memory_gb
                .or_else(|| catalog.gpu_model(model).and_then(|m| m.memory_gib));
            pricing.gpu_model = Some((model.clone(), memory));
        }
        pricing.estimate = Some(estimate(
            workload,
            profile,
            hourly,
            basis,
            method,
            Some(node),
            Some(share),
        ));
    }
    pricing
}

type Choice = (Node, Share, Method, Option<String>);

fn by_instance_type(
    workload: &Workload,
    demand: &Demand,
    settings: &Settings<'_>,
    catalog: &Catalog,
    pricing: &mut Pricing,
) -> Option<Choice> {
    let strict_prices = settings.strict_prices;
    let mut fitting: Vec<(Node, Share)> = Vec::new();
    let mut reasons = Vec::new();
    let mut names = Vec::new();
    for hint in &workload.placement.instance_types {
        for (value, location) in &hint.values {
            names.push(value.clone());
            let Some(instance) = catalog.instance(value) else {
                let suggestion = suggest(settings, Suggestion::Instance, value, catalog);
                reasons.push(match catalog.custom_type_problem(value) {
                    Some(problem) => problem,
                    None => format!(
                        "instance type {value:?} is not in the catalogue{}",
                        suggestion
                            .as_ref()
                            .map_or(String::new(), |s| format!(" (did you mean {s}?)"))
                    ),
                });
                pricing.issues.push(NameIssue {
                    what: "instance type",
                    value: value.clone(),
                    key: hint.key.clone(),
                    location: location.clone(),
                    problem: NameProblem::Unknown { suggestion },
                    accelerated: workload.has_accelerators()
                        || crate::catalog::is_accelerated_family(value),
                });
                continue;
            };
            let quote = catalog.quote(
                &instance,
                workload.placement.region.as_deref(),
                strict_prices,
            );
            let mut node =
                Node::from_instance(&instance, quote.as_ref(), workload.placement.spot, catalog);
            // Even unpriced, a known row says which GPU the workload has.
            if pricing.gpu_model.is_none() {
                if let Some(model) = &node.gpu_model {
                    let memory = node
                        .gpu_memory_gb
                        .or_else(|| catalog.gpu_model(model).and_then(|m| m.memory_gib));
                    pricing.gpu_model = Some((model.clone(), memory));
                }
            }
            if node.gpus == 0 && demand.gpus > 0.0 {
                if let Some(attached) =
                    attach(&node, &instance, workload, demand, strict_prices, catalog)
                {
                    node = attached;
                }
            }
            node.apply_pricing(workload.placement.region.as_deref(), settings.pricing);
            if node.usd_per_hour.is_none() {
                let reason = node.note.clone().unwrap_or_default();
                reasons.push(format!("{} has no price: {reason}", node.name));
                pricing.issues.push(NameIssue {
                    what: "instance type",
                    value: value.clone(),
                    key: hint.key.clone(),
                    location: location.clone(),
                    problem: NameProblem::NoPrice { reason },
                    accelerated: node.gpus > 0 || workload.has_accelerators(),
                });
                continue;
            }
            if workload.billing == Billing::Instances {
                if node.gpus == 0 && demand.gpus > 0.0 {
                    let requested: Vec<&str> = workload
                        .placement
                        .gpu_models
                        .iter()
                        .flat_map(|hint| hint.values.iter().map(|(v, _)| v.as_str()))
                        .collect();
                    reasons.push(format!(
                        "{} has no GPUs, and the catalogue has no price for attaching the requested accelerators ({}) to it",
                        node.name,
                        if requested.is_empty() { "model not named".to_string() } else { requested.join(", ") }
                    ));
                    continue;
                }
                // Each replica is a whole instance of the type.
                let share = Share {
                    gpu: (node.gpus > 0).then_some(1.0),
                    cpu: 1.0,
                    memory: 1.0,
                    dominant: Dominant::Instance,
                    value: 1.0,
                };
                fitting.push((node, share));
                continue;
            }
            match share_of(&node, demand) {
                Ok(share) => fitting.push((node, share)),
                Err(misfit) => reasons.push(misfit.describe(&node, demand)),
            }
        }
    }
    let count = fitting.len();
    let best = fitting.into_iter().min_by(|(a, sa), (b, sb)| {
        (a.usd_per_hour.unwrap_or_default() * sa.value)
            .total_cmp(&(b.usd_per_hour.unwrap_or_default() * sb.value))
    });
    match best {
        Some((node, share)) => {
            let note = (names.len() > 1).then(|| {
                format!(
                    "cheapest fitting of {} ({count} priced and fitting)",
                    names.join(", ")
                )
            });
            Some((node, share, Method::InstanceShare, note))
        }
        None => {
            pricing.unpriced_reason = Some(reasons.join("; "));
            None
        }
    }
}

fn by_gpu_model(
    workload: &Workload,
    demand: &Demand,
    settings: &Settings<'_>,
    catalog: &Catalog,
    pricing: &mut Pricing,
) -> Option<Choice> {
    let mut models: Vec<&GpuModel> = Vec::new();
    let mut first_hint = None;
    for hint in &workload.placement.gpu_models {
        first_hint.get_or_insert(hint);
        for (value, location) in &hint.values {
            match catalog.gpu_model_for_hint(value) {
                Some(model) => models.push(model),
                None => {
                    let suggestion = suggest(settings, Suggestion::GpuAlias, value, catalog);
                    pricing.issues.push(NameIssue {
                        what: "GPU model",
                        value: value.clone(),
                        key: hint.key.clone(),
                        location: location.clone(),
                        problem: NameProblem::Unknown { suggestion },
                        accelerated: true,
                    });
                }
            }
        }
    }
    if models.is_empty() {
        let names: Vec<&str> = pricing.issues.iter().map(|i| i.value.as_str()).collect();
        pricing.unpriced_reason = Some(format!(
            "GPU model {} is not in the catalogue",
            names.join(", ")
        ));
        return None;
    }
    pricing.gpu_model = Some((models[0].model.clone(), models[0].memory_gib));
    let (cloud, cloud_basis) = match &workload.placement.cloud {
        Some((cloud, key)) => (*cloud, format!("{cloud} (from the {key} label)")),
        None => (
            settings.default_cloud,
            format!("{} (the default cloud)", settings.default_cloud),
        ),
    };
    pricing.cloud = Some(cloud);
    let model_names: Vec<&str> = models.iter().map(|m| m.model.as_str()).collect();
    let nodes = gpu_model_nodes(workload, settings, catalog, cloud, &models);
    if nodes.is_empty() {
        pricing.unpriced_reason = Some(format!(
            "no {cloud_basis} instance in the catalogue has {}",
            model_names.join(" or ")
        ));
        return None;
    }
    let mut fitting: Vec<(&Node, Share)> = nodes
        .iter()
        .filter_map(|node| share_of(node, demand).ok().map(|share| (node, share)))
        .collect();
    if fitting.is_empty() {
        pricing.unpriced_reason = Some(format!(
            "no {cloud_basis} catalogue instance with {} fits the pod ({})",
            model_names.join(" or "),
            demand.describe()
        ));
        return None;
    }
    let unpriced: Vec<&Node> = fitting
        .iter()
        .filter(|(n, _)| n.usd_per_hour.is_none())
        .map(|(n, _)| *n)
        .collect();
    fitting.retain(|(node, _)| node.usd_per_hour.is_some());
    fitting.sort_by(|(a, _), (b, _)| {
        a.usd_per_hour
            .unwrap_or_default()
            .total_cmp(&b.usd_per_hour.unwrap_or_default())
            .then(a.name.cmp(&b.name))
    });
    let Some((node, share)) = fitting
        .into_iter()
        .next()
        .map(|(node, share)| (Node::clone(node), share))
    else {
        let reasons: Vec<String> = unpriced
            .iter()
            .map(|n| {
                format!(
                    "{} has no price: {}",
                    n.name,
                    n.note.clone().unwrap_or_default()
                )
            })
            .collect();
        let reason = reasons.join("; ");
        if let Some((hint, (_, location))) =
            first_hint.and_then(|hint| hint.values.first().map(|value| (hint, value)))
        {
            pricing.issues.push(NameIssue {
                what: "GPU model",
                value: hint
                    .values
                    .iter()
                    .map(|(v, _)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                key: hint.key.clone(),
                location: location.clone(),
                problem: NameProblem::NoPrice {
                    reason: reason.clone(),
                },
                accelerated: true,
            });
        }
        pricing.unpriced_reason = Some(reason);
        return None;
    };
    let note = format!(
        "{} named by a label, in {cloud_basis}: cheapest catalogue node that fits ({})",
        model_names.join(" or "),
        demand.describe()
    );
    Some((node, share, Method::GpuModelNode, Some(note)))
}

/// A machine with GPUs attached (`guest_accelerator` on a GCP N1 machine),
/// when the catalogue prices that GPU for that machine.
/// Attached-GPU prices exist for one region: a machine elsewhere is
/// priced in that region too and flagged approximate (unpriced if strict).
fn attach(
    machine: &Node,
    instance: &Instance,
    workload: &Workload,
    demand: &Demand,
    strict: bool,
    catalog: &Catalog,
) -> Option<Node> {
    let count = demand.gpus.ceil() as u32;
    let wanted: Vec<&GpuModel> = workload
        .placement
        .gpu_models
        .iter()
        .flat_map(|hint| hint.values.iter())
        .filter_map(|(value, _)| catalog.gpu_model_for_hint(value))
        .collect();
    let gpu = catalog.attachable_gpus.iter().find(|gpu| {
        gpu.cloud == machine.cloud
            && gpu.attaches_to(&machine.name)
            && wanted
                .iter()
                .any(|w| catalog.gpu_matches(&gpu.gpu_model, w))
    })?;
    let mut machine = machine.clone();
    if machine.region != gpu.region {
        if strict {
            return None;
        }
        let quote = catalog.quote(instance, Some(&gpu.region), false);
        let wanted_region = machine
            .approximates_region
            .clone()
            .unwrap_or_else(|| machine.region.clone());
        machine = Node::from_instance(instance, quote.as_ref(), false, catalog);
        machine.approximates_region = Some(wanted_region);
    }
    Some(Node {
        name: format!("{} + {count} x {}", machine.name, gpu.gpu_model),
        usd_per_hour: machine
            .usd_per_hour
            .map(|price| price + f64::from(count) * gpu.usd_per_gpu_hour),
        gpus: count,
        gpu_model: Some(gpu.gpu_model.clone()),
        gpu_memory_gb: gpu.gpu_memory_gib,
        source: format!(
            "{} + catalog/gpus-attached.tsv, {}",
            machine.source,
            catalog.cite(&gpu.price_source)
        ),
        note: gpu.note.clone(),
        // The attached GPUs have no committed price.
        committed: (None, None),
        attached: Some((
            machine.name.clone(),
            f64::from(count) * gpu.usd_per_gpu_hour,
        )),
        ..machine
    })
}

/// A managed service billed per hour (a cluster control plane).
fn by_service_hour(
    workload: &Workload,
    service: &str,
    strict: bool,
    catalog: &Catalog,
    mut pricing: Pricing,
) -> Pricing {
    let Some(rate) = catalog.service(service, "cluster-hour") else {
        pricing.unpriced_reason = Some(format!("the catalogue has no rate for {service}"));
        return pricing;
    };
    let approximates = match stand_in_region(workload, service, &rate.region, strict) {
        Ok(approximates) => approximates,
        Err(reason) => {
            pricing.unpriced_reason = Some(reason);
            return pricing;
        }
    };
    pricing.cloud = Some(rate.cloud);
    let basis = format!(
        "{service} at {}/cluster-hour ({} {}, catalog/services.tsv, {}{}){}",
        usd_rate(rate.usd),
        rate.cloud,
        rate.region,
        catalog.cite(&rate.price_source),
        rate.note
            .as_ref()
            .map_or(String::new(), |note| format!("; {note}")),
        approximate_caveat(service, &rate.region, approximates.as_deref(), &mut pricing)
    );
    let mut estimate = plain_estimate(workload, rate.usd, basis, Method::ServiceHour);
    estimate.approximates_region = approximates;
    pricing.estimate = Some(estimate);
    pricing
}

/// Instances billed per vCPU, GiB and GPU second (Cloud Run).
fn by_service_rates(
    workload: &Workload,
    profile: &Profile,
    service: &str,
    demand: &Demand,
    strict: bool,
    catalog: &Catalog,
    mut pricing: Pricing,
) -> Pricing {
    let rate = |unit: &str| catalog.service(service, unit);
    // Rates are per second (Cloud Run) or per hour (Fargate).
    let (Some(cpu), Some(memory), per_hour) = (match (rate("vcpu-second"), rate("gib-second")) {
        (Some(cpu), Some(memory)) => (Some(cpu), Some(memory), false),
        _ => (rate("vcpu-hour"), rate("gib-hour"), true),
    }) else {
        pricing.unpriced_reason = Some(format!("the catalogue has no rates for {service}"));
        return pricing;
    };
    let seconds_per_unit = if per_hour { 3600.0 } else { 1.0 };
    let approximates = match stand_in_region(workload, service, &cpu.region, strict) {
        Ok(approximates) => approximates,
        Err(reason) => {
            pricing.unpriced_reason = Some(reason);
            return pricing;
        }
    };
    let mut per_second = (demand.cpu * cpu.usd + demand.memory_gib * memory.usd) / seconds_per_unit;
    let mut terms = vec![
        format!("{} vCPU x {}", trim(demand.cpu, 3), usd_rate(cpu.usd)),
        format!(
            "{} GiB x {}",
            trim(demand.memory_gib, 3),
            usd_rate(memory.usd)
        ),
    ];
    if demand.gpus > 0.0 {
        let Some(gpu) = rate("gpu-second") else {
            pricing.unpriced_reason = Some(format!("the catalogue has no GPU rate for {service}"));
            return pricing;
        };
        let named: Vec<&str> = workload
            .placement
            .gpu_models
            .iter()
            .flat_map(|hint| hint.values.iter().map(|(value, _)| value.as_str()))
            .collect();
        if named.iter().any(|value| {
            catalog
                .gpu_model_for_hint(value)
                .is_none_or(|m| m.family != "L4")
        }) {
            pricing.unpriced_reason = Some(format!(
                "{service} is priced for NVIDIA L4 GPUs only, and this asks for {}",
                named.join(", ")
            ));
            return pricing;
        }
        pricing.gpu_model = catalog
            .gpu_model("L4")
            .map(|m| (m.model.clone(), m.memory_gib));
        per_second += demand.gpus * gpu.usd;
        terms.push(format!(
            "{} GPU x {}",
            trim(demand.gpus, 3),
            usd_rate(gpu.usd)
        ));
    }
    pricing.cloud = Some(cpu.cloud);
    if workload.placement.spot {
        pricing.notes.push(format!(
            "spot capacity is requested, but the catalogue has only on-demand {service} rates"
        ));
    }
    let hourly = per_second * 3600.0;
    let caveat = approximate_caveat(service, &cpu.region, approximates.as_deref(), &mut pricing);
    let basis = format!(
        "{service} rates ({} {}, catalog/services.tsv, {}): {} = {}/h per instance{caveat}",
        cpu.cloud,
        cpu.region,
        catalog.cite(&cpu.price_source),
        terms.join(" + "),
        usd_rate(hourly)
    );
    let mut service_estimate = estimate(
        workload,
        profile,
        hourly,
        basis,
        Method::ServiceRates,
        None,
        None,
    );
    service_estimate.approximates_region = approximates;
    pricing.estimate = Some(service_estimate);
    pricing
}

/// The region a service rate stands in for: `Ok(None)` when the rate's own
/// region is the workload's (or it names none), `Ok(Some(region))` when the
/// rate of `priced_region` stands in for the workload's (approximate, as for
/// instance types the data lacks), `Err` with the reason under strict prices.
fn stand_in_region(
    workload: &Workload,
    service: &str,
    priced_region: &str,
    strict: bool,
) -> Result<Option<String>, String> {
    match workload.placement.region.as_ref() {
        Some(region) if region != priced_region => {
            if strict {
                Err(format!(
                    "the catalogue has the {service} rate for {priced_region} only, and this runs in {region} (--strict-prices refuses a stand-in region)"
                ))
            } else {
                Ok(Some(region.clone()))
            }
        }
        _ => Ok(None),
    }
}

/// The basis caveat and the assumption for a service rate priced in a
/// stand-in region; empty when the rate is the region's own.
fn approximate_caveat(
    service: &str,
    priced_region: &str,
    approximates: Option<&str>,
    pricing: &mut Pricing,
) -> String {
    let Some(wanted) = approximates else {
        return String::new();
    };
    pricing.notes.push(format!(
        "approximate price: the catalogue has no {wanted} rate for {service}; the {priced_region} rate stands in (--strict-prices leaves it unpriced)"
    ));
    format!(
        "; APPROXIMATE: the data has no {wanted} rate for {service}, so the {priced_region} rate stands in"
    )
}

/// An estimate without utilization or idle cost (a fixed service fee).
fn plain_estimate(workload: &Workload, hourly: f64, basis: String, method: Method) -> CostEstimate {
    let monthly = hourly * f64::from(workload.scaling.min) * HOURS_PER_MONTH;
    CostEstimate {
        per_replica_hourly_usd: hourly,
        monthly_usd: monthly,
        peak_monthly_usd: workload
            .scaling
            .max
            .map(|max| hourly * f64::from(max) * HOURS_PER_MONTH),
        idle_monthly_usd: None,
        utilization: None,
        basis: format!(
            "{basis}; x {} x {HOURS_PER_MONTH} h = {}/month",
            workload.scaling.min,
            usd(monthly)
        ),
        method,
        node: None,
        share: None,
        per_request_usd: None,
        fixed_monthly_usd: None,
        break_even: None,
        approximates_region: None,
    }
}

/// The nodes that carry one of `models`, as [`candidate_nodes`] builds
/// them for `workload`'s cloud, region and capacity, with the run's
/// prices: taken from `settings.cache` when an earlier workload
/// asked for the same, since building them (names, sources, attached-GPU
/// combinations) is most of pricing a GPU workload.
fn gpu_model_nodes(
    workload: &Workload,
    settings: &Settings<'_>,
    catalog: &Catalog,
    cloud: Cloud,
    models: &[&GpuModel],
) -> Arc<Vec<Node>> {
    let build = || {
        let has_wanted_gpu = |node_model: Option<&str>| {
            node_model.is_some_and(|node_model| {
                models
                    .iter()
                    .any(|wanted| catalog.gpu_matches(node_model, wanted))
            })
        };
        let nodes: Vec<Node> = candidate_nodes(
            catalog,
            cloud,
            workload.placement.region.as_deref(),
            settings.strict_prices,
            workload.placement.spot,
            settings.pricing,
            &has_wanted_gpu,
        )
        .into_iter()
        .filter(|node| has_wanted_gpu(node.gpu_model.as_deref()))
        .collect();
        Arc::new(nodes)
    };
    let Some(cache) = settings.cache else {
        return build();
    };
    // Everything downstream reads the region normalised (zones of one
    // region share a list).
    let key = CandidateKey {
        cloud,
        region: workload
            .placement
            .region
            .as_deref()
            .map(|region| crate::catalog::normalize_region(cloud, region)),
        spot: workload.placement.spot,
        models: models.iter().map(|m| m.model.clone()).collect(),
    };
    kept_or_built(&cache.candidates, key, MAX_CANDIDATE_LISTS, build)
}

/// Candidate lists a run keeps: a list can hold hundreds of nodes (an
/// attachable GPU on every machine it fits, four counts each, about 100
/// KB), and a scan asks for a few dozen distinct ones; a tree that asks
/// for more (a region per workload) builds the rest each time instead of
/// holding them all.
const MAX_CANDIDATE_LISTS: usize = 64;

/// What a "did you mean" suggestion is looked up among.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Suggestion {
    /// Instance types of the same family.
    Instance,
    /// GPU model aliases.
    GpuAlias,
}

/// The catalogue name nearest an unknown `value`, remembered for the run:
/// the edit distance to every candidate is computed once per name, not
/// once per workload that repeats it.
fn suggest(
    settings: &Settings<'_>,
    kind: Suggestion,
    value: &str,
    catalog: &Catalog,
) -> Option<String> {
    let look_up = || {
        match kind {
            Suggestion::Instance => catalog.nearest_instance(value),
            Suggestion::GpuAlias => catalog.nearest_gpu_alias(value),
        }
        .map(str::to_string)
    };
    let Some(cache) = settings.cache else {
        return look_up();
    };
    // One per distinct unknown name of the scan: few, and small.
    kept_or_built(
        &cache.suggestions,
        (kind, value.to_string()),
        usize::MAX,
        look_up,
    )
}

/// What decides [`gpu_model_nodes`]' list within one run (the run's
/// prices and `--strict-prices` are fixed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CandidateKey {
    cloud: Cloud,
    region: Option<String>,
    spot: bool,
    models: Vec<String>,
}

/// What pricing keeps for one run ([`Settings::cache`]): each entry is a
/// pure function of its key, the catalogue and the run's settings, so a
/// kept value is the one that would be computed again.
#[derive(Debug, Default)]
pub struct PriceCache {
    /// GPU workloads' candidate nodes.
    candidates: Mutex<HashMap<CandidateKey, Arc<Vec<Node>>>>,
    /// "Did you mean" suggestions for unknown names.
    suggestions: Mutex<HashMap<(Suggestion, String), Option<String>>>,
}

/// The map behind `mutex`; a panic while it was held leaves only whole
/// entries, so the map is still good.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The value `map` keeps for `key`, or the one `build` makes, kept while
/// the map holds fewer than `cap` entries. Built outside the lock: two
/// threads may build the same value, and either copy is the same.
fn kept_or_built<K: Eq + std::hash::Hash, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    cap: usize,
    build: impl FnOnce() -> V,
) -> V {
    if let Some(value) = lock(map).get(&key) {
        return value.clone();
    }
    let value = build();
    let mut kept = lock(map);
    if kept.len() < cap {
        kept.insert(key, value.clone());
    }
    value
}

/// Every node of `cloud` priced for `region` whose accelerator model passes
/// `wanted_gpu`: generated instance rows, plus machine + attached-GPU
/// combinations (built only for the attachable GPUs wanted: each is every
/// machine it attaches to times four counts).
fn candidate_nodes(
    catalog: &Catalog,
    cloud: Cloud,
    region: Option<&str>,
    strict: bool,
    spot: bool,
    pricing: &PriceSettings,
    wanted_gpu: &dyn Fn(Option<&str>) -> bool,
) -> Vec<Node> {
    let node = |instance: &Instance| {
        let quote = catalog.quote(instance, region, strict);
        Node::from_instance(instance, quote.as_ref(), spot, catalog)
    };
    let mut nodes: Vec<Node> = catalog
        .instances(cloud)
        .iter()
        .chain(catalog.accelerator_hosts(cloud))
        .filter(|instance| wanted_gpu(instance.gpu_model.as_deref()))
        .map(node)
        .collect();
    for gpu in catalog
        .attachable_gpus
        .iter()
        .filter(|gpu| gpu.cloud == cloud && wanted_gpu(Some(&gpu.gpu_model)))
    {
        let machines = catalog
            .instances(cloud)
            .iter()
            .filter(|instance| gpu.attaches_to(&instance.name));
        for base in machines {
            // Attached-GPU prices exist for one region; the machine is
            // priced there too, standing in for any other region.
            let quote = catalog.quote(base, Some(&gpu.region), false);
            // Attached-GPU rows have no spot price: the machine stays on-demand too.
            let mut base_node = Node::from_instance(base, quote.as_ref(), false, catalog);
            if let Some(wanted_region) = region {
                let wanted_region = crate::catalog::normalize_region(cloud, wanted_region);
                if wanted_region != gpu.region {
                    if strict {
                        continue;
                    }
                    base_node.approximates_region = Some(wanted_region);
                }
            }
            for count in [1u32, 2, 4, 8] {
                nodes.push(Node {
                    name: format!("{} + {count} x {}", base.name, gpu.gpu_model),
                    usd_per_hour: base_node.usd_per_hour.map(|machine_price| {
                        machine_price + f64::from(count) * gpu.usd_per_gpu_hour
                    }),
                    gpus: count,
                    gpu_model: Some(gpu.gpu_model.clone()),
                    gpu_memory_gb: gpu.gpu_memory_gib,
                    source: format!(
                        "{} + catalog/gpus-attached.tsv, {}",
                        base_node.source,
                        catalog.cite(&gpu.price_source)
                    ),
                    note: gpu.note.clone(),
                    committed: (None, None),
                    attached: Some((base.name.clone(), f64::from(count) * gpu.usd_per_gpu_hour)),
                    ..base_node.clone()
                });
            }
        }
    }
    for node in &mut nodes {
        node.apply_pricing(region, pricing);
    }
    nodes
}

/// Why a pod does not fit a node: rendered only where it is shown, since
/// a GPU workload is tried on every node with its GPU and most do not fit.
enum Misfit {
    NoAccelerators,
    NoDemand,
    TooSmall,
}

impl Misfit {
    /// The reason as the report says it.
    fn describe(&self, node: &Node, demand: &Demand) -> String {
        match self {
            Misfit::NoAccelerators => format!(
                "{} has no accelerators but the pod asks for {}",
                node.name,
                trim(demand.gpus, 3)
            ),
            Misfit::NoDemand => format!(
                "the pod requests no CPU, memory or accelerators, so its share of a {} is unknown",
                node.name
            ),
            Misfit::TooSmall => format!(
                "the pod ({}) does not fit on {} ({} accelerator(s), {} vCPU, {} GiB allocatable)",
                demand.describe(),
                node.name,
                node.gpus,
                trim(node.allocatable_vcpu, 3),
                trim(node.allocatable_memory_gb, 3)
            ),
        }
    }
}

fn share_of(node: &Node, demand: &Demand) -> Result<Share, Misfit> {
    if demand.gpus > 0.0 && node.gpus == 0 {
        return Err(Misfit::NoAccelerators);
    }
    let gpu = (demand.gpus > 0.0).then(|| demand.gpus / f64::from(node.gpus));
    let cpu = demand.cpu / node.allocatable_vcpu;
    let memory = demand.memory_gib / node.allocatable_memory_gb;
    let (dominant, value) = [
        (Dominant::Gpu, gpu.unwrap_or(0.0)),
        (Dominant::Cpu, cpu),
        (Dominant::Memory, memory),
    ]
    .into_iter()
    .fold((Dominant::Gpu, f64::MIN), |best, next| {
        if next.1 > best.1 {
            next
        } else {
            best
        }
    });
    if value <= 0.0 {
        return Err(Misfit::NoDemand);
    }
    if value > 1.0 + 1e-9 {
        return Err(Misfit::TooSmall);
    }
    Ok(Share {
        gpu,
        cpu,
        memory,
        dominant,
        value,
    })
}

fn by_unit_prices(
    workload: &Workload,
    profile: &Profile,
    demand: &Demand,
    catalog: &Catalog,
    mut pricing: Pricing,
) -> Pricing {
    if let Some(accelerator) = workload.compute.main_accelerator() {
        let reason = match accelerator.vendor {
            AcceleratorVendor::Google => Some(format!(
                "{} asks for TPUs without naming the TPU type; name it (cloud.google.com/gke-tpu-accelerator: tpu-v5-lite-podslice, or the node's machine type) to price the chips",
                accelerator.resource
            )),
            AcceleratorVendor::Aws => Some(format!(
                "{} asks for Neuron devices; name the instance type (node.kubernetes.io/instance-type: inf2.* or trn1.*) to price them",
                accelerator.resource
            )),
            _ => None,
        };
        if let Some(reason) = reason {
            pricing.unpriced_reason = Some(reason);
            return pricing;
        }
    }
    if demand.gpus <= 0.0 && demand.cpu <= 0.0 && demand.memory_gib <= 0.0 {
        pricing.unpriced_reason = Some(
            "the pod requests no CPU, memory or accelerators, so it has no computable cost".into(),
        );
        return pricing;
    }
    let units = &catalog.unit_prices;
    let hourly = demand.cpu * units.cpu_usd_per_hour
        + demand.memory_gib * units.memory_usd_per_gib_hour
        + demand.gpus * units.gpu_usd_per_hour;
    let mut terms = vec![
        format!(
            "{} vCPU x {}",
            trim(demand.cpu, 3),
            usd_rate(units.cpu_usd_per_hour)
        ),
        format!(
            "{} GiB x {}",
            trim(demand.memory_gib, 3),
            usd_rate(units.memory_usd_per_gib_hour)
        ),
    ];
    if demand.gpus > 0.0 {
        terms.push(format!(
            "{} GPU x {}",
            trim(demand.gpus, 3),
            usd_rate(units.gpu_usd_per_hour)
        ));
    }
    let basis = format!(
        "no instance type or GPU model is named, so OpenCost's default unit prices apply ({}): {} = {}/h per replica",
        catalog.cite(&units.source),
        terms.join(" + "),
        usd_rate(hourly)
    );
    pricing.notes.push(
        "OpenCost's default unit prices are based on GCP us-central1; name the instance type for a node-accurate price".into(),
    );
    if workload.placement.spot {
        pricing.notes.push(
            "spot capacity is requested, but the default unit prices are on-demand; name the instance type for its spot price".into(),
        );
    }
    pricing.estimate = Some(estimate(
        workload,
        profile,
        hourly,
        basis,
        Method::UnitPrices,
        None,
        None,
    ));
    pricing
}

fn estimate(
    workload: &Workload,
    profile: &Profile,
    hourly: f64,
    basis: String,
    method: Method,
    node: Option<Node>,
    share: Option<Share>,
) -> CostEstimate {
    let scaling = &workload.scaling;
    let monthly = hourly * f64::from(scaling.min) * HOURS_PER_MONTH;
    let peak = scaling
        .max
        .map(|max| hourly * f64::from(max) * HOURS_PER_MONTH);
    let utilization = profile
        .number(UsageKey::Utilization)
        .filter(|u| workload.has_accelerators() || u.is_set())
        .filter(|_| !workload.run_to_completion && scaling.min > 0);
    let idle = utilization.map(|u| (1.0 - u.value) * monthly);
    let mut basis = format!(
        "{basis}; x {} min replica(s) x {} h = {}/month",
        scaling.min,
        HOURS_PER_MONTH,
        usd(monthly)
    );
    match (scaling.max, peak) {
        (Some(max), Some(peak)) if max != scaling.min => {
            basis.push_str(&format!("; peak x {max} = {}/month", usd(peak)));
        }
        (None, _) => basis.push_str("; no maximum, so no peak"),
        _ => {}
    }
    if let (Some(u), Some(idle)) = (utilization, idle) {
        basis.push_str(&format!(
            "; idle = (1 - utilization {}) x {} = {}/month",
            trim(u.value, 3),
            usd(monthly),
            usd(idle)
        ));
    }
    CostEstimate {
        per_replica_hourly_usd: hourly,
        monthly_usd: monthly,
        peak_monthly_usd: peak,
        idle_monthly_usd: idle,
        utilization: utilization.map(|u| u.value),
        basis,
        method,
        node,
        share,
        per_request_usd: None,
        fixed_monthly_usd: None,
        break_even: None,
        approximates_region: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::profile;
    use crate::model::{Accelerator, Compute, Hint, Placement, Platform, Scaling};
    use crate::source::SourceFile;

    fn at() -> Location {
        SourceFile::new("t.yaml", "x").start()
    }

    fn workload(
        gpus: f64,
        cpu: f64,
        memory_gib: f64,
        placement: Placement,
        min: u32,
        max: u32,
    ) -> Workload {
        let accelerators = if gpus > 0.0 {
            vec![Accelerator {
                resource: "nvidia.com/gpu".into(),
                from_instance_type: false,
                vendor: AcceleratorVendor::Nvidia,
                devices: gpus,
                units: gpus,
                location: at(),
            }]
        } else {
            Vec::new()
        };
        let mut workload = Workload::new(
            "k8s:Deployment/ml/llm".into(),
            "Deployment",
            Platform::Kubernetes,
            at(),
            crate::model::Billing::PodShare,
        );
        workload.compute = Compute {
            cpu_per_replica: cpu,
            memory_gib_per_replica: memory_gib,
            accelerators,
            ..Compute::default()
        };
        workload.placement = placement;
        workload.scaling = Scaling {
            min,
            max: Some(max),
            basis: "test".into(),
            ..Scaling::fixed(min, "test", None)
        };
        workload
    }

    fn hint(key: &str, values: &[&str]) -> Hint {
        Hint {
            key: key.into(),
            values: values.iter().map(|v| (v.to_string(), at())).collect(),
        }
    }

    fn instance_types(values: &[&str]) -> Placement {
        Placement {
            instance_types: vec![hint("node.kubernetes.io/instance-type", values)],
            ..Placement::default()
        }
    }

    fn gke(accelerator: &str) -> Placement {
        Placement {
            gpu_models: vec![hint("cloud.google.com/gke-accelerator", &[accelerator])],
            cloud: Some((Cloud::Gcp, "cloud.google.com/gke-accelerator".into())),
            ..Placement::default()
        }
    }

    fn priced(workload: &Workload) -> Pricing {
        let catalog = Catalog::embedded().unwrap();
        let profile = profile::resolve(workload, &[], &catalog);
        price(workload, &profile, &Settings::default(), &catalog)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn kept_candidate_lists_price_as_built_ones_and_are_capped() {
        let catalog = Catalog::embedded().unwrap();
        let cache = PriceCache::default();
        let cached = Settings {
            cache: Some(&cache),
            ..Settings::default()
        };
        let text = |pricing: &Pricing| format!("{:?}", pricing.estimate);
        // Zones of one region share a list; past the cap, lists are built
        // each time; every price is the one built afresh.
        for region in ["us-central1-a", "us-central1-b"]
            .into_iter()
            .map(str::to_string)
            .chain((0..MAX_CANDIDATE_LISTS + 8).map(|i| format!("zz-region{i}-a")))
        {
            let mut placement = gke("nvidia-tesla-t4");
            placement.region = Some(region.clone());
            let workload = workload(1.0, 2.0, 8.0, placement, 1, 1);
            let profile = profile::resolve(&workload, &[], &catalog);
            let fresh = price(&workload, &profile, &Settings::default(), &catalog);
            let kept = price(&workload, &profile, &cached, &catalog);
            assert!(fresh.estimate.is_some(), "{region}");
            assert_eq!(text(&kept), text(&fresh), "{region}");
        }
        let lists = lock(&cache.candidates);
        assert_eq!(lists.len(), MAX_CANDIDATE_LISTS);
        assert!(lists
            .keys()
            .any(|key| key.region.as_deref() == Some("us-central1")));
    }

    #[test]
    fn instance_type_times_dominant_share() {
        // The issue's example: 2 of the 4 A10Gs of a g5.12xlarge, 2 to 6 replicas.
        let pricing = priced(&workload(
            2.0,
            10.1,
            40.06,
            instance_types(&["g5.12xlarge"]),
            2,
            6,
        ));
        let estimate = pricing.estimate.unwrap();
        assert!(close(estimate.per_replica_hourly_usd, 2.836));
        assert_eq!(crate::numbers::round(estimate.monthly_usd, 2), 4140.56);
        assert_eq!(
            crate::numbers::round(estimate.peak_monthly_usd.unwrap(), 2),
            12421.68
        );
        assert_eq!(estimate.share.unwrap().dominant, Dominant::Gpu);
        assert_eq!(estimate.method, Method::InstanceShare);
        assert_eq!(pricing.gpu_model.unwrap().0, "A10G");
    }

    #[test]
    fn memory_can_dominate() {
        // 1 of 4 GPUs but 96 of 169.336 allocatable GiB (Karpenter): the
        // memory share is what the pod blocks.
        let estimate = priced(&workload(
            1.0,
            4.0,
            96.0,
            instance_types(&["g5.12xlarge"]),
            1,
            1,
        ))
        .estimate
        .unwrap();
        assert_eq!(estimate.share.as_ref().unwrap().dominant, Dominant::Memory);
        assert!(close(
            estimate.per_replica_hourly_usd,
            5.672 * 96.0 / 169.336
        ));
    }

    #[test]
    fn cheapest_allowed_type_that_fits() {
        // 6 vCPU does not fit a g5.xlarge (4 vCPU); the g5.2xlarge does.
        let pricing = priced(&workload(
            1.0,
            6.0,
            16.0,
            instance_types(&["g5.xlarge", "g5.2xlarge"]),
            1,
            1,
        ));
        assert_eq!(pricing.instance_type.as_deref(), Some("g5.2xlarge"));
        assert!(close(
            pricing.estimate.unwrap().per_replica_hourly_usd,
            1.212
        ));
    }

    #[test]
    fn gpu_model_picks_the_cheapest_fitting_node_in_the_labelled_cloud() {
        // 4 vCPU does not fit a g2-standard-4 once GKE reserves 0.08 of
        // its 4 vCPU (3.92 allocatable): the g2-standard-8 is the cheapest that fits.
        let l4 = priced(&workload(1.0, 4.0, 16.0, gke("nvidia-l4"), 1, 1));
        assert_eq!(l4.instance_type.as_deref(), Some("g2-standard-8"));
        let hourly = l4.estimate.unwrap().per_replica_hourly_usd;
        assert!(close(hourly, 0.85362427), "{hourly}");
        let l4 = priced(&workload(1.0, 3.5, 12.0, gke("nvidia-l4"), 1, 1));
        assert_eq!(l4.instance_type.as_deref(), Some("g2-standard-4"));
        assert!(close(
            l4.estimate.unwrap().per_replica_hourly_usd,
            0.70683226
        ));
        let t4 = priced(&workload(1.0, 3.5, 16.0, gke("nvidia-tesla-t4"), 1, 1));
        // Every N1 machine takes T4s: n1-highmem-4 (4 vCPU, 26 GB) is the cheapest that fits.
        assert_eq!(t4.instance_type.as_deref(), Some("n1-highmem-4 + 1 x T4"));
        assert!(close(
            t4.estimate.unwrap().per_replica_hourly_usd,
            0.236606 + 0.35
        ));
    }

    #[test]
    fn no_invented_prices() {
        // p5e.48xlarge is in the instance-type reference but in no price file.
        let p5e = priced(&workload(
            1.0,
            4.0,
            16.0,
            instance_types(&["p5e.48xlarge"]),
            1,
            1,
        ));
        assert!(p5e.estimate.is_none());
        assert!(p5e
            .unpriced_reason
            .unwrap()
            .contains("not in the us-east-1 on-demand table"));
        assert!(matches!(p5e.issues[0].problem, NameProblem::NoPrice { .. }));

        let typo = priced(&workload(
            1.0,
            4.0,
            16.0,
            instance_types(&["g5.3xlarge"]),
            1,
            1,
        ));
        assert!(typo.estimate.is_none());
        assert!(
            matches!(&typo.issues[0].problem, NameProblem::Unknown { suggestion: Some(s) } if s == "g5.2xlarge")
        );

        let no_gpus = priced(&workload(
            1.0,
            2.0,
            4.0,
            instance_types(&["m5.xlarge"]),
            1,
            1,
        ));
        assert!(no_gpus
            .unpriced_reason
            .unwrap()
            .contains("m5.xlarge has no accelerators"));

        let too_big = priced(&workload(
            8.0,
            2.0,
            4.0,
            instance_types(&["g5.12xlarge"]),
            1,
            1,
        ));
        assert!(too_big
            .unpriced_reason
            .unwrap()
            .contains("does not fit on g5.12xlarge"));

        let mut tpu = workload(4.0, 2.0, 4.0, Placement::default(), 1, 1);
        tpu.compute.accelerators[0].vendor = AcceleratorVendor::Google;
        assert!(priced(&tpu)
            .unpriced_reason
            .unwrap()
            .contains("without naming the TPU type"));

        let nothing = priced(&workload(0.0, 0.0, 0.0, Placement::default(), 1, 1));
        assert!(nothing.unpriced_reason.unwrap().contains("requests no CPU"));
    }

    #[test]
    fn unit_prices_when_nothing_is_named() {
        let estimate = priced(&workload(1.0, 2.0, 4.0, Placement::default(), 3, 3))
            .estimate
            .unwrap();
        assert_eq!(estimate.method, Method::UnitPrices);
        let hourly = 2.0 * 0.031611 + 4.0 * 0.004237 + 0.95;
        assert!(close(estimate.per_replica_hourly_usd, hourly));
        assert!(close(estimate.monthly_usd, hourly * 3.0 * 730.0));
        // Inference default utilization 0.05: idle is 95% of the baseline.
        assert!(close(
            estimate.idle_monthly_usd.unwrap(),
            0.95 * hourly * 3.0 * 730.0
        ));
    }

    #[test]
    fn no_idle_cost_without_always_on_capacity() {
        let scale_to_zero = priced(&workload(1.0, 2.0, 4.0, Placement::default(), 0, 3))
            .estimate
            .unwrap();
        assert_eq!(scale_to_zero.idle_monthly_usd, None);
        let mut job = workload(1.0, 2.0, 4.0, Placement::default(), 1, 1);
        job.run_to_completion = true;
        assert_eq!(priced(&job).estimate.unwrap().idle_monthly_usd, None);
        let cpu_only = priced(&workload(0.0, 2.0, 4.0, Placement::default(), 1, 1))
            .estimate
            .unwrap();
        assert_eq!(cpu_only.idle_monthly_usd, None);
    }
}
