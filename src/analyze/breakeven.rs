//! The serverless/container break-even, both ways.
//!
//! - A function: the daily request volume above which one always-on
//!   container — the cheapest catalogue EC2 instance with at least the
//!   function's memory — costs less than the function:
//!   `(container monthly − fixed monthly) / (cost per request × 730/24)`.
//! - An always-on workload (min replicas ≥ 1): the volume below which
//!   scaling to zero costs less. Without GPUs the alternative is a Lambda
//!   function with the replica's memory; with GPUs it is the same replicas
//!   scaled to zero and billed only while busy, one request at a time:
//!   `baseline monthly / (cost per request × 730/24)`.

use crate::analyze::cost::{BreakEven, Pricing};
use crate::analyze::profile::Profile;
use crate::analyze::serverless::{rates, usd_small, DAYS_PER_MONTH};
use crate::catalog::{Catalog, Instance, HOURS_PER_MONTH};
use crate::model::{Billing, Cloud, FunctionSpec, UsageKey, Workload};
use crate::numbers::{trim, usd, usd_rate};

/// Lambda's largest memory size, MB (Lambda quotas: sources.tsv LAMBDA-LIMITS).
const LAMBDA_MAX_MEMORY_MB: f64 = 10_240.0;

/// Computes the break-even for a priced workload, when one applies.
pub fn break_even(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    catalog: &Catalog,
) -> Option<BreakEven> {
    let estimate = pricing.estimate.as_ref()?;
    let seconds = profile
        .number(UsageKey::AvgDurationMs)
        .map_or(1.0, |d| d.value / 1000.0);
    let duration_basis = profile
        .number(UsageKey::AvgDurationMs)
        .map_or_else(String::new, |d| {
            format!("duration {} ms ({})", trim(d.value, 1), d.basis)
        });
    if let (Some(spec), Some(per_request)) = (&workload.function, estimate.per_request_usd) {
        return function_break_even(
            workload,
            spec,
            per_request,
            estimate.fixed_monthly_usd.unwrap_or(0.0),
            catalog,
        );
    }
    let always_on = workload.scaling.min >= 1
        && !workload.run_to_completion
        && matches!(
            workload.billing,
            Billing::PodShare | Billing::Instances | Billing::UnitRates(_)
        );
    if !always_on || estimate.monthly_usd <= 0.0 {
        return None;
    }
    let baseline = estimate.monthly_usd;
    if workload.has_accelerators() {
        // Busy time of the same replicas: one request at a time.
        let per_request = estimate.per_replica_hourly_usd * seconds / 3600.0;
        let volume = baseline / (per_request * DAYS_PER_MONTH);
        return Some(BreakEven {
            requests_per_day: volume,
            alternative: "the same replicas scaled to zero, paid only while a request runs".into(),
            alternative_monthly_usd: None,
            cheaper_above: "always-on",
            basis: format!(
                "always-on {}/month vs {}/h x {} s per request = {} per request: {} / ({} x 730/24) = {} requests/day; assumes one request at a time per replica, no idle window and no cold-start penalty; {duration_basis}",
                usd(baseline),
                usd_rate(estimate.per_replica_hourly_usd),
                trim(seconds, 3),
                usd_small(per_request),
                usd(baseline),
                usd_small(per_request),
                trim(volume, 0)
            ),
        });
    }
    let memory_mb = workload.compute.memory_gib_per_replica * 1024.0;
    if memory_mb <= 0.0 || memory_mb > LAMBDA_MAX_MEMORY_MB {
        return None;
    }
    let spec = FunctionSpec {
        memory_mb: Some(memory_mb.max(128.0)),
        architecture: Some("x86_64".into()),
        ..FunctionSpec::default()
    };
    let lambda = rates(&spec, catalog)?;
    let memory_gb = memory_mb.max(128.0) / 1024.0;
    let per_request = lambda.per_request(seconds, memory_gb, 0.0, false);
    let volume = baseline / (per_request * DAYS_PER_MONTH);
    Some(BreakEven {
        requests_per_day: volume,
        alternative: format!("a Lambda function with {} MB (x86_64)", trim(memory_mb.max(128.0), 0)),
        alternative_monthly_usd: None,
        cheaper_above: "always-on",
        basis: format!(
            "always-on {}/month vs Lambda {} per request ({} + {} s x {} GB x {}; {}): {} / ({} x 730/24) = {} requests/day; {duration_basis}",
            usd(baseline),
            usd_small(per_request),
            usd_small(lambda.request),
            trim(seconds, 3),
            trim(memory_gb, 4),
            usd_small(lambda.duration),
            lambda.cite,
            usd(baseline),
            usd_small(per_request),
            trim(volume, 0)
        ),
    })
}

fn function_break_even(
    workload: &Workload,
    spec: &FunctionSpec,
    per_request: f64,
    fixed: f64,
    catalog: &Catalog,
) -> Option<BreakEven> {
    let memory_gib = spec.memory_mb? / 1024.0;
    let region = workload
        .placement
        .region
        .as_deref()
        .unwrap_or(crate::catalog::home_region(Cloud::Aws));
    let arch = container_arch(spec);
    let (instance, hourly, price_source) = cheapest_container(catalog, arch, memory_gib, region)?;
    let monthly = hourly * HOURS_PER_MONTH;
    let volume = ((monthly - fixed) / (per_request * DAYS_PER_MONTH)).max(0.0);
    Some(BreakEven {
        requests_per_day: volume,
        alternative: format!("one always-on {} ({} vCPU, {} GiB)", instance.name, trim(instance.vcpu, 2), trim(instance.memory_gib, 2)),
        alternative_monthly_usd: Some(monthly),
        cheaper_above: "container",
        basis: format!(
            "the cheapest {arch} catalogue EC2 instance ({}) with at least {} GiB: {} at {}/h x 730 h = {}/month ({}) vs the function's {} fixed + {} per request: ({} - {}) / ({} x 730/24) = {} requests/day; one instance is assumed to serve the load",
            region,
            trim(memory_gib, 3),
            instance.name,
            usd_rate(hourly),
            usd(monthly),
            catalog.cite(price_source),
            usd(fixed),
            usd_small(per_request),
            usd(monthly),
            usd(fixed),
            usd_small(per_request),
            trim(volume, 0)
        ),
    })
}

/// The EC2 architecture a function's code runs on unchanged: `arm64` for
/// an arm64 function, `amd64` otherwise.
pub(crate) fn container_arch(spec: &FunctionSpec) -> &'static str {
    match spec.architecture.as_deref() {
        Some("arm64") => "arm64",
        _ => "amd64",
    }
}

/// The cheapest catalogue EC2 instance of `arch` without GPUs and with at
/// least `memory_gib`, on demand in `region` (ties by name): the always-on
/// container a function is compared with. Its hourly price and the
/// price's source key.
pub(crate) fn cheapest_container<'c>(
    catalog: &'c Catalog,
    arch: &str,
    memory_gib: f64,
    region: &str,
) -> Option<(&'c Instance, f64, &'static str)> {
    catalog
        .instances(Cloud::Aws)
        .iter()
        .filter(|i| i.gpu_count == 0 && i.memory_gib >= memory_gib)
        .filter(|i| i.arch.as_deref() == Some(arch))
        .filter_map(|i| {
            let price = i.price_in(region)?;
            Some((i, price.on_demand?, price.source))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.name.cmp(&b.0.name)))
}
