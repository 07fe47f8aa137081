//! The cost and cold-start model of Azure Functions and Cloud Functions,
//! per month at the workload's usage profile (Lambda has its own,
//! `serverless.rs`). Every plan bills a request charge plus the execution
//! time of an instance of the function's size, some plans a warm floor:
//!
//! ```text
//! per request     request rate + billed duration × instance rate per second
//! billed duration d rounded up to the plan's step (Cloud Run 100 ms, Azure 1 ms)
//! instance rate   Cloud Run functions: vCPU × rate per vCPU-s + GiB × rate per GiB-s
//!                 Azure Consumption:   memory rounded up to 128 MB (at most 1,536 MB) × rate per GB-s
//!                 Azure Flex:          instance memory × rate per GB-s
//! warm floor      minimum instances × 730 h × 3600 s × warm rate per instance-second
//! monthly         warm floor + R × per request, R = requests per day × 730/24
//! ```
//!
//! Rates are `catalog/services.tsv` rows with their sources; a plan whose
//! rates the catalogue lacks is unpriced and says which.

use crate::analyze::cost::{CostEstimate, Method, Pricing};
use crate::analyze::latency::{model_loading_part, ColdStart, Part};
use crate::analyze::plans::facts;
use crate::analyze::profile::Profile;
use crate::analyze::serverless::{request_volume, usd_small, DAYS_PER_MONTH};
use crate::catalog::{Catalog, ServiceRate, HOURS_PER_MONTH};
use crate::model::cloud_functions_cpu;
use crate::model::{FunctionPlan, FunctionSpec, UsageKey, Workload};
use crate::numbers::{trim, usd};

/// A function plan's rates for one function's size, from the catalogue.
#[derive(Clone, Debug)]
pub struct PlanRates {
    /// Per request (execution, invocation).
    pub request: f64,
    /// Per second one instance of this size executes.
    pub active_per_s: f64,
    /// Per second one warm instance (minimum, always-ready) is kept,
    /// when the catalogue prices it.
    pub warm_per_s: Option<f64>,
    /// The billing step of an execution, s.
    pub step_s: f64,
    /// The instance rate's arithmetic.
    pub active_text: String,
    /// The warm rate's arithmetic.
    pub warm_text: Option<String>,
    /// The catalogue region of the rates.
    pub region: String,
    /// Citations.
    pub cite: String,
    /// What the rates leave out or assume.
    pub notes: Vec<String>,
}

impl PlanRates {
    /// The billed duration of an execution of `seconds`.
    pub fn billed_s(&self, seconds: f64) -> f64 {
        // A float a hair above a step (0.30000000000000004) is that step.
        ((seconds / self.step_s) - 1e-9).ceil().max(1.0) * self.step_s
    }

    /// The cost of one request running `seconds`.
    pub fn per_request(&self, seconds: f64) -> f64 {
        self.request + self.billed_s(seconds) * self.active_per_s
    }

    /// The monthly cost of `instances` warm instances, when priced.
    pub fn warm_monthly(&self, instances: u32) -> Option<f64> {
        self.warm_per_s
            .map(|rate| f64::from(instances) * HOURS_PER_MONTH * 3600.0 * rate)
    }
}

fn row<'c>(catalog: &'c Catalog, service: &str, unit: &str) -> Result<&'c ServiceRate, String> {
    catalog
        .service(service, unit)
        .ok_or_else(|| format!("the catalogue has no {service} {unit} rate"))
}

/// The rates of `spec`'s plan at its size; why not, when the catalogue
/// cannot price the plan.
pub fn rates(spec: &FunctionSpec, catalog: &Catalog) -> Result<PlanRates, String> {
    let memory_mb = spec.memory_mb;
    match spec.plan {
        FunctionPlan::CloudFunctionsGen2 => {
            let memory_mib = memory_mb.ok_or("the function's memory is not known before deployment")?;
            let cpu_rate = row(catalog, "cloud-run-request", "vcpu-second")?;
            let memory_rate = row(catalog, "cloud-run-request", "gib-second")?;
            let request = row(catalog, "cloud-run-request", "request")?;
            let warm_cpu = row(catalog, "cloud-run-instance", "vcpu-second")?;
            let warm_memory = row(catalog, "cloud-run-instance", "gib-second")?;
            let cpu = spec.cpu.unwrap_or_else(|| cloud_functions_cpu(memory_mib));
            let gib = memory_mib / 1024.0;
            let mut notes = Vec::new();
            if spec.instance_concurrency.unwrap_or(1) > 1 {
                notes.push(format!(
                    "an instance serves up to {} requests at once, and overlapping requests share its billed time; each request is billed its own duration here, an upper bound",
                    spec.instance_concurrency.unwrap_or(1)
                ));
            }
            notes.push(format!(
                "minimum instances are priced at Cloud Run's instance-based rates ({} per vCPU-s, {} per GiB-s): the catalogue has no sourced idle rate for request-based billing",
                usd_small(warm_cpu.usd),
                usd_small(warm_memory.usd)
            ));
            notes.push("the Cloud Run free tier is not applied".into());
            Ok(PlanRates {
                request: request.usd,
                active_per_s: cpu * cpu_rate.usd + gib * memory_rate.usd,
                warm_per_s: Some(cpu * warm_cpu.usd + gib * warm_memory.usd),
                step_s: 0.1,
                active_text: format!(
                    "{} vCPU x {} + {} GiB x {}",
                    trim(cpu, 3),
                    usd_small(cpu_rate.usd),
                    trim(gib, 4),
                    usd_small(memory_rate.usd)
                ),
                warm_text: Some(format!(
                    "{} vCPU x {} + {} GiB x {}",
                    trim(cpu, 3),
                    usd_small(warm_cpu.usd),
                    trim(gib, 4),
                    usd_small(warm_memory.usd)
                )),
                region: cpu_rate.region.clone(),
                cite: format!(
                    "catalog/services.tsv, Cloud Run functions bill at Cloud Run's rates: request-based {}, instance-based {}",
                    catalog.cite(&cpu_rate.price_source),
                    catalog.cite(&warm_cpu.price_source)
                ),
                notes,
            })
        }
        FunctionPlan::AzureConsumption => {
            let execution = row(catalog, "azure-functions-consumption", "execution")?;
            let gb_second = row(catalog, "azure-functions-consumption", "gb-second")?;
            let used = memory_mb.unwrap_or(1536.0);
            let billed_mb = ((used / 128.0).ceil() * 128.0).clamp(128.0, 1536.0);
            let gb = billed_mb / 1024.0;
            Ok(PlanRates {
                request: execution.usd,
                active_per_s: gb * gb_second.usd,
                warm_per_s: None,
                step_s: 0.001,
                active_text: format!(
                    "{} MB ({} MB rounded up to 128 MB) = {} GB x {}",
                    trim(billed_mb, 0),
                    trim(used, 0),
                    trim(gb, 4),
                    usd_small(gb_second.usd)
                ),
                warm_text: None,
                region: execution.region.clone(),
                cite: format!("catalog/services.tsv, {}", catalog.cite(&execution.price_source)),
                notes: vec!["the Azure Functions free grant is not applied".into()],
            })
        }
        FunctionPlan::AzureFlexConsumption => {
            let gb_second = row(catalog, "azure-functions-flex", "gb-second")?;
            let memory = memory_mb.unwrap_or(2048.0);
            let gb = memory / 1024.0;
            Ok(PlanRates {
                request: 0.0,
                active_per_s: gb * gb_second.usd,
                warm_per_s: None,
                step_s: 0.001,
                active_text: format!(
                    "{} GB instance memory x {}",
                    trim(gb, 4),
                    usd_small(gb_second.usd)
                ),
                warm_text: None,
                region: gb_second.region.clone(),
                cite: format!("catalog/services.tsv, {}", catalog.cite(&gb_second.price_source)),
                notes: vec![
                    "Flex Consumption also charges per execution, at a rate the catalogue has no sourced figure for: not counted".into(),
                    "the Flex Consumption free grant is not applied".into(),
                ],
            })
        }
        FunctionPlan::AzurePremium(sku) => Err(format!(
            "an Elastic Premium EP{sku} plan bills its instances' vCPU and memory per second whatever the traffic, and the catalogue has no sourced Premium rates"
        )),
        FunctionPlan::AzureDedicated => Err(
            "a Dedicated App Service plan bills its instances per hour whatever the traffic, and the catalogue has no App Service rates".into(),
        ),
        FunctionPlan::AzureUnknownPlan => Err(
            "its hosting plan is unknown: the service plan it names is not in the configuration".into(),
        ),
        FunctionPlan::CloudFunctionsGen1 => Err(
            "Cloud Functions (1st gen) bills GHz-seconds of the CPU clock each memory tier comes with, and the catalogue has no sourced tier table (the per-GB-s and per-GHz-s rates alone do not price it)".into(),
        ),
        FunctionPlan::Lambda => Err("Lambda is priced by the Lambda model".into()),
    }
}

/// Prices an Azure Functions or Cloud Functions function at its usage
/// profile.
pub fn price(
    workload: &Workload,
    profile: &Profile,
    catalog: &Catalog,
    mut pricing: Pricing,
) -> Pricing {
    let Some(spec) = &workload.function else {
        pricing.unpriced_reason =
            Some("priced per request, but the function's shape is unknown".into());
        return pricing;
    };
    let plan = facts(spec.plan);
    let rates = match rates(spec, catalog) {
        Ok(rates) => rates,
        Err(reason) => {
            pricing.unpriced_reason = Some(reason);
            return pricing;
        }
    };
    match &workload.placement.region {
        Some(region) if *region != rates.region => {
            pricing.unpriced_reason = Some(format!(
                "the catalogue has {} rates for {} only, and this runs in {region}",
                plan.name, rates.region
            ));
            return pricing;
        }
        Some(_) => {}
        None => pricing.notes.push(format!(
            "prices are {} {} rates; the source does not say which region it runs in",
            spec.plan.cloud(),
            rates.region
        )),
    }
    pricing.cloud = Some(spec.plan.cloud());
    let warm = spec.provisioned_concurrency.unwrap_or(0);
    let fixed = match rates.warm_monthly(warm) {
        Some(fixed) => fixed,
        None if warm == 0 => 0.0,
        None => {
            pricing.unpriced_reason = Some(format!(
                "{warm} {} are billed at a baseline rate the catalogue has no sourced figure for",
                plan.warm_setting
            ));
            return pricing;
        }
    };
    let seconds = profile
        .number(UsageKey::AvgDurationMs)
        .map_or(1.0, |d| d.value / 1000.0);
    let per_request = rates.per_request(seconds);
    let requests = profile
        .number(UsageKey::RequestsPerDay)
        .map(|r| r.value * DAYS_PER_MONTH);
    let mut terms = vec![format!(
        "{} per request (request {} + billed {} s ({} s rounded up to a multiple of {} s) x ({}))",
        usd_small(per_request),
        usd_small(rates.request),
        trim(rates.billed_s(seconds), 3),
        trim(seconds, 3),
        trim(rates.step_s, 3),
        rates.active_text
    )];
    if warm > 0 {
        terms.push(format!(
            "{} {warm} x ({}) x 730 h x 3600 s = {}/month",
            plan.warm_setting,
            rates.warm_text.as_deref().unwrap_or_default(),
            usd(fixed)
        ));
    }
    let monthly = fixed + requests.map_or(0.0, |r| r * per_request);
    let volume = request_volume(requests, &mut pricing);
    pricing.notes.extend(rates.notes.iter().cloned());
    pricing.estimate = Some(CostEstimate {
        per_replica_hourly_usd: rates.warm_per_s.unwrap_or(rates.active_per_s) * 3600.0,
        monthly_usd: monthly,
        peak_monthly_usd: None,
        idle_monthly_usd: None,
        utilization: None,
        basis: format!(
            "{} ({} {}; {}): {}; {volume} = {}/month",
            plan.name,
            spec.plan.cloud(),
            rates.region,
            rates.cite,
            terms.join("; "),
            usd(monthly)
        ),
        method: Method::PerRequest,
        node: None,
        share: None,
        per_request_usd: Some(per_request),
        fixed_monthly_usd: Some(fixed),
        break_even: None,
        approximates_region: None,
    });
    pricing
}

/// Projects the cold start of an Azure Functions or Cloud Functions
/// function from the sourced figures: by runtime where one exists (Cloud
/// Run functions: Python, Node.js, Go), the platform's typical range
/// otherwise (assumed), nothing where no figure exists (Flex Consumption,
/// other runtimes) or no instance ever starts cold (Premium, Dedicated).
/// Loading the model is added when the profile gives its size.
pub fn cold_start(workload: &Workload, profile: &Profile, catalog: &Catalog) -> Option<ColdStart> {
    let spec = workload.function.as_ref()?;
    let runtime = spec.runtime.as_deref().unwrap_or("").to_ascii_lowercase();
    let (key, assumed, what) = match spec.plan {
        FunctionPlan::CloudFunctionsGen2 => {
            let family = ["python", "nodejs", "go"]
                .into_iter()
                .find(|family| runtime.starts_with(family))?;
            (
                format!("cloud_run_cold_start_{family}_s"),
                false,
                format!("{runtime} on Cloud Run functions"),
            )
        }
        FunctionPlan::CloudFunctionsGen1 => (
            "gcf_cold_start_s".to_string(),
            true,
            format!(
                "{} on Cloud Functions (1st gen)",
                runtime_or_unknown(&runtime)
            ),
        ),
        FunctionPlan::AzureConsumption => (
            "azure_functions_cold_start_s".to_string(),
            true,
            format!(
                "{} on the Azure Functions Consumption plan",
                runtime_or_unknown(&runtime)
            ),
        ),
        _ => return None,
    };
    let figure = catalog.figure(&key)?;
    let mut parts = vec![Part {
        name: "runtime init",
        seconds: figure.value,
        basis: format!(
            "{what}: {} s, {} ({})",
            trim(figure.value, 3),
            figure.basis,
            catalog.cite(&figure.source)
        ),
        assumed,
    }];
    parts.extend(model_loading_part(
        profile,
        catalog,
        "the platform's own storage",
    ));
    Some(ColdStart {
        total_s: parts.iter().map(|p| p.seconds).sum(),
        parts,
        expected_cold_starts_per_day: None,
        cold_request_share: None,
        not_projected: Vec::new(),
    })
}

fn runtime_or_unknown(runtime: &str) -> &str {
    if runtime.is_empty() {
        "a function of unknown runtime"
    } else {
        runtime
    }
}
