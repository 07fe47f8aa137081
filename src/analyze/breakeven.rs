//! The serverless/container break-even, both ways.
//!
//! - A function: the daily request volume above which one always-on
//!   container — the cheapest catalogue EC2 instance with at least the
//!   function's memory — costs less than the function:
//!   `(container monthly − fixed monthly) / (cost per request × 730/24)`.
//! - An always-on workload (min replicas ≥ 1): the volume below which
//!   scaling to zero costs less. Without GPUs the alternative is a Lambda
//!   function with the replica's memory:
//!   `baseline monthly / (cost per request × 730/24)`. With GPUs it is the
//!   same GPU replicas scaled to zero, billed per second while they run: a
//!   keep-alive window after each request and the cold start of each
//!   request that finds none (`analyze/expected.rs`'s model). One replica
//!   scaled to zero costs as much as one always on once its billed share
//!   `max(w, b)` reaches 1; the break-even is that volume per replica times
//!   the replicas (traffic spread evenly over them).

use crate::analyze::cost::{BreakEven, CostEstimate, Pricing};
use crate::analyze::expected::scale_to_zero;
use crate::analyze::latency::ColdStart;
use crate::analyze::profile::Profile;
use crate::analyze::serverless::{rates, usd_small, DAYS_PER_MONTH};

const SECONDS_PER_DAY: f64 = 86_400.0;
use crate::catalog::{Catalog, Instance, HOURS_PER_MONTH};
use crate::model::{Billing, Cloud, FunctionSpec, UsageKey, Workload};
use crate::numbers::{trim, usd, usd_rate};

/// Lambda's largest memory size, MB (Lambda quotas: sources.tsv LAMBDA-LIMITS).
const LAMBDA_MAX_MEMORY_MB: f64 = 10_240.0;

/// Keep-alive assumed for a GPU service scaled to zero when its manifest
/// names none, seconds: KEDA's `cooldownPeriod` default (keda.sh
/// ScaledObject specification), the usual way a GPU Deployment scales to zero.
const SCALE_TO_ZERO_KEEP_ALIVE_DEFAULT_S: f64 = 300.0;

/// Computes the break-even for a priced workload, when one applies.
pub fn break_even(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    cold_start: Option<&ColdStart>,
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
        return Some(gpu_break_even(workload, profile, estimate, cold_start));
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
        requests_per_day: Some(volume),
        alternative: format!("a Lambda function with {} MB (x86_64)", trim(memory_mb.max(128.0), 0)),
        alternative_monthly_usd: None,
        cheaper_above: "always-on",
        alternative_monthly_usd_curve: Vec::new(),
        defaulted_inputs: profile
            .number(UsageKey::AvgDurationMs)
            .filter(|d| !d.is_set())
            .map(|_| vec!["avg-duration-ms"])
            .unwrap_or_default(),
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

/// The always-on GPU replicas against the same replicas scaled to zero.
fn gpu_break_even(
    workload: &Workload,
    profile: &Profile,
    estimate: &CostEstimate,
    cold_start: Option<&ColdStart>,
) -> BreakEven {
    let mut defaulted = Vec::new();
    let (duration_s, duration_text) = match profile.number(UsageKey::AvgDurationMs) {
        Some(d) => {
            if !d.is_set() {
                defaulted.push("avg-duration-ms");
            }
            (
                d.value / 1000.0,
                format!("d = {} s ({})", trim(d.value / 1000.0, 3), d.basis),
            )
        }
        None => {
            defaulted.push("avg-duration-ms");
            (1.0, "d = 1 s (assumed)".to_string())
        }
    };
    let (concurrency, concurrency_text) = match &workload.scaling.concurrency {
        Some(c) if c.value > 0.0 => {
            if !c.declared {
                defaulted.push("concurrency");
            }
            (c.value, format!("c = {} ({})", trim(c.value, 2), c.basis))
        }
        _ => {
            defaulted.push("concurrency");
            (
                1.0,
                "c = 1 (one request at a time per replica, assumed)".to_string(),
            )
        }
    };
    let (keep_alive_s, keep_alive_text) = match &workload.scaling.keep_alive_s {
        Some(k) => {
            if !k.declared {
                defaulted.push("keep-alive");
            }
            (k.value, format!("K = {} s ({})", trim(k.value, 1), k.basis))
        }
        None => {
            defaulted.push("keep-alive");
            (
                SCALE_TO_ZERO_KEEP_ALIVE_DEFAULT_S,
                "K = 300 s (assumed: KEDA's default cooldownPeriod)".to_string(),
            )
        }
    };
    let (boot_s, boot_text) = match cold_start {
        Some(c) => {
            let assumed = c.parts.iter().any(|part| part.assumed);
            if assumed {
                defaulted.push("cold-start");
            }
            (
                Some(c.total_s),
                format!(
                    "cold start {} s{}",
                    trim(c.total_s, 1),
                    if assumed { " (with assumed parts)" } else { "" }
                ),
            )
        }
        None => {
            defaulted.push("cold-start");
            (None, "cold start not projected".to_string())
        }
    };
    let billed = |requests_per_day: f64| {
        scale_to_zero(
            requests_per_day,
            duration_s,
            concurrency,
            keep_alive_s,
            boot_s.unwrap_or(0.0),
            1.0,
        )
        .replicas
    };
    let replicas = f64::from(workload.scaling.min);
    let defaults = if defaulted.is_empty() {
        "every input is the workload's own".to_string()
    } else {
        format!("defaults used: {}", defaulted.join(", "))
    };
    let always_on = format!(
        "always-on {} replica(s) at {}/h = {}/month vs each replica scaled to zero at its share λ of the traffic: busy b = λ x d / c, cold share p = e^(-λ (K + d)), billed share w = 1 - p + λ p x boot (the expected-cost model), min(1, max(w, b)) x {}/h x 730 h",
        trim(replicas, 0),
        usd_rate(estimate.per_replica_hourly_usd),
        usd(estimate.monthly_usd),
        usd_rate(estimate.per_replica_hourly_usd),
    );
    let inputs =
        format!("{duration_text}, {concurrency_text}, {keep_alive_text}, {boot_text}; {defaults}");
    let alternative = format!(
        "the same GPU replicas scaled to zero (per-second billing, {} s keep-alive, {})",
        trim(keep_alive_s, 0),
        boot_s.map_or_else(
            || "cold start not projected".to_string(),
            |boot| format!("{} s cold start", trim(boot, 1))
        )
    );
    let Some(per_replica) =
        boot_s.and_then(|boot| crossing_per_replica_per_day(duration_s, concurrency, boot))
    else {
        let why = match boot_s {
            None => "no break-even figure: the cold start is not projected, and without it the scaled-to-zero cost (w = 1 - e^(-λ (K + d)) with boot 0) never reaches the always-on cost short of a replica busy all day, so any figure would be an artefact".to_string(),
            Some(_) => format!(
                "scaled to zero never costs more than always-on at any volume: with no cold start w = 1 - e^(-λ (K + d)) stays below 1, and min(1, max(w, b)) only reaches 1 when a replica is busy all day (b = 1, {} requests/day per replica), where there is nothing left to scale down",
                trim(SECONDS_PER_DAY * concurrency / duration_s, 0)
            ),
        };
        return BreakEven {
            requests_per_day: None,
            alternative,
            alternative_monthly_usd: None,
            cheaper_above: "always-on",
            defaulted_inputs: defaulted.clone(),
            alternative_monthly_usd_curve: Vec::new(),
            basis: format!("{always_on}; {why}; {inputs}"),
        };
    };
    let volume = per_replica * replicas;
    let at_half = billed(per_replica / 2.0);
    BreakEven {
        requests_per_day: Some(volume),
        alternative,
        alternative_monthly_usd: None,
        cheaper_above: "always-on",
        defaulted_inputs: defaulted.clone(),
        alternative_monthly_usd_curve: (0..=4)
            .map(|step| {
                let per_replica_volume = per_replica * f64::from(step) / 2.0;
                estimate.monthly_usd * billed(per_replica_volume)
            })
            .collect(),
        basis: format!(
            "{always_on}; it reaches 1, the always-on cost, at {} requests/day per replica (at half that it bills {}) x {} replica(s) = {} requests/day; {inputs}",
            trim(per_replica, 0),
            trim(at_half, 3),
            trim(replicas, 0),
            trim(volume, 0),
        ),
    }
}

/// Requests per day at which one replica scaled to zero bills as much as
/// one always on, in closed form: w = 1 - p (1 - λ boot) reaches 1 exactly
/// at λ = 1 / boot (for any p > 0 it is below 1 before), and b = λ d / c at
/// λ = c / d, so min(1, max(w, b)) first reaches 1 at the smaller of the two.
/// `None` with no cold start (boot 0): w never reaches 1 (a searched
/// tolerance would only report -ln(tolerance) / (K + d)).
fn crossing_per_replica_per_day(duration_s: f64, concurrency: f64, boot_s: f64) -> Option<f64> {
    if boot_s <= 0.0 || !boot_s.is_finite() {
        return None;
    }
    let busy_all_day_per_s = concurrency / duration_s;
    Some(SECONDS_PER_DAY * (1.0 / boot_s).min(busy_all_day_per_s))
}

fn function_break_even(
    workload: &Workload,
    spec: &FunctionSpec,
    per_request: f64,
    fixed: f64,
    catalog: &Catalog,
) -> Option<BreakEven> {
    let memory_gib = spec.memory_mb? / 1024.0;
    let cloud = spec.plan.cloud();
    let region = workload
        .placement
        .region
        .as_deref()
        .unwrap_or(crate::catalog::home_region(cloud));
    let arch = container_arch(spec);
    let (instance, hourly, price_source) = cheapest_container(
        catalog,
        cloud,
        arch,
        (spec.cpu.unwrap_or(0.0), memory_gib),
        region,
    )?;
    let monthly = hourly * HOURS_PER_MONTH;
    let volume = ((monthly - fixed) / (per_request * DAYS_PER_MONTH)).max(0.0);
    Some(BreakEven {
        requests_per_day: Some(volume),
        alternative: format!("one always-on {} ({} vCPU, {} GiB)", instance.name, trim(instance.vcpu, 2), trim(instance.memory_gib, 2)),
        alternative_monthly_usd: Some(monthly),
        cheaper_above: "container",
        defaulted_inputs: Vec::new(),
        alternative_monthly_usd_curve: Vec::new(),
        basis: format!(
            "the cheapest {arch} catalogue {} ({}) with at least {}{} GiB: {} at {}/h x 730 h = {}/month ({}) vs the function's {} fixed + {} per request: ({} - {}) / ({} x 730/24) = {} requests/day; one instance is assumed to serve the load",
            container_kind(cloud),
            region,
            spec.cpu.map_or(String::new(), |cpu| format!("{} vCPU and ", trim(cpu, 3))),
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

/// What an always-on machine is called in `cloud`.
pub(crate) fn container_kind(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "EC2 instance",
        Cloud::Gcp => "Compute Engine machine type",
        Cloud::Azure => "Azure VM size",
    }
}

/// Whether a GCP machine type or Azure VM size is an Arm one by its name
/// (the generated GCP and Azure tables carry no architecture): GCP's
/// `t2a-`/`c4a-`/`n4a-` families, Azure sizes with a `p` after the vCPU
/// count (`Standard_D2ps_v5`).
fn arm_by_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["t2a-", "c4a-", "n4a-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return true;
    }
    lower
        .strip_prefix("standard_")
        .and_then(|size| size.split('_').next())
        .and_then(|size| size.find(|c: char| c.is_ascii_digit()).map(|i| &size[i..]))
        .is_some_and(|rest| {
            rest.trim_start_matches(|c: char| c.is_ascii_digit())
                .contains('p')
        })
}

/// The cheapest catalogue machine of `cloud` and `arch` without GPUs and
/// with at least `vcpu` and `memory_gib`, on demand in `region` (ties by name): the
/// always-on container a function is compared with. Its hourly price and
/// the price's source key. GCP and Azure rows carry no architecture, so
/// their Arm families are told by name.
pub(crate) fn cheapest_container<'c>(
    catalog: &'c Catalog,
    cloud: Cloud,
    arch: &str,
    (vcpu, memory_gib): (f64, f64),
    region: &str,
) -> Option<(&'c Instance, f64, &'static str)> {
    let of_arch = |i: &Instance| match i.arch.as_deref() {
        Some(known) => known == arch,
        None => cloud != Cloud::Aws && (arch == "arm64") == arm_by_name(&i.name),
    };
    // Cheapest first: the first that is big enough is the cheapest that is.
    let prices = catalog.container_prices(cloud, arch, region, &of_arch);
    let found = prices
        .iter()
        .find(|p| p.memory_gib >= memory_gib && p.vcpu >= vcpu)?;
    Some((
        &catalog.instances(cloud)[found.index],
        found.usd_per_hour,
        found.source,
    ))
}

#[cfg(test)]
mod tests {
    use crate::report::WorkloadReport;
    use crate::test_support::scan_text;

    /// A KServe predictor on g6.xlarge (one L4), `min` replicas.
    fn kserve(annotations: &str, min: u32) -> String {
        format!(
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: bert\n  namespace: nlp\n  annotations:\n{annotations}spec:\n  predictor:\n    minReplicas: {min}\n    maxReplicas: 4\n    nodeSelector:\n      node.kubernetes.io/instance-type: g6.xlarge\n    pytorch:\n      storageUri: s3://models/bert\n      resources: {{limits: {{nvidia.com/gpu: 1, cpu: '3', memory: 12Gi}}}}\n"
        )
    }

    /// A Deployment on g6.xlarge with `replicas`, no autoscaler.
    fn deployment(annotations: &str, replicas: u32) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n{annotations}spec:\n  replicas: {replicas}\n  template:\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: g6.xlarge\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        resources:\n          limits: {{nvidia.com/gpu: 1, cpu: '3', memory: 12Gi}}\n"
        )
    }

    fn reported<T>(name: &str, text: &str, check: impl FnOnce(&WorkloadReport) -> T) -> T {
        let report = scan_text(name, text, &["E001"], &[]);
        check(&report.workloads[0])
    }

    #[test]
    fn undeclared_gpu_service_breaks_even_at_one_request_per_cold_start_per_replica() {
        reported("llm.yaml", &deployment("    x: y\n", 2), |w| {
            let cost = w.cost.as_ref().unwrap();
            let break_even = cost.break_even.as_ref().unwrap();
            let boot = w.cold_start.as_ref().unwrap().total_s;
            // Default image 12.64 GB and model 16 GB: 321.2 s. With d = 1 s
            // and c = 1 the cold start ends first: w = 1 at λ = 1 / boot.
            assert_eq!(crate::numbers::round(boot, 1), 321.2);
            let expected = 2.0 * 86_400.0 / boot;
            let volume = break_even.requests_per_day.unwrap();
            assert!((volume - expected).abs() < 1e-6, "{volume} vs {expected}");
            assert_eq!(crate::numbers::round(volume, 0), 538.0);
            assert_eq!(cost.break_even_requests_per_day, Some(volume));
            assert_eq!(
                break_even.defaulted_inputs,
                ["avg-duration-ms", "concurrency", "keep-alive", "cold-start"]
            );
            assert_eq!(break_even.cheaper_above, "always-on");
            assert!(
                break_even.basis.contains("K = 300 s (assumed"),
                "{}",
                break_even.basis
            );
            assert!(
                break_even
                    .basis
                    .contains("x 2 replica(s) = 538 requests/day"),
                "{}",
                break_even.basis
            );
        });
    }

    #[test]
    fn crossing_is_where_the_cold_start_or_busy_time_bills_a_whole_replica() {
        use super::crossing_per_replica_per_day;
        // Reaches 1: w = 1 at λ = 1 / boot (321.2 s: 269 requests/day).
        let w_first = crossing_per_replica_per_day(1.0, 1.0, 321.2).unwrap();
        assert!((w_first - 86_400.0 / 321.2).abs() < 1e-9, "{w_first}");
        // Busy time first: d = 600 s, c = 1: 144 requests/day.
        assert_eq!(crossing_per_replica_per_day(600.0, 1.0, 321.2), Some(144.0));
        // A short cold start (5 s, under (K + d) / 27.6 with K = 300 s) still
        // reaches 1, at 86,400 / 5, not at the old search tolerance's
        // -ln(1e-12) / (K + d) x 86,400 = 7,931.
        assert_eq!(crossing_per_replica_per_day(1.0, 1.0, 5.0), Some(17_280.0));
        // Cannot reach 1: no cold start, w = 1 - e^(-λ (K + d)) < 1.
        assert_eq!(crossing_per_replica_per_day(1.0, 1.0, 0.0), None);
    }

    #[test]
    fn tpu_workload_without_a_projected_cold_start_has_no_break_even_figure() {
        let text = include_str!("../../fixtures/catalog/tpu.yaml");
        let report = scan_text("tpu.yaml", text, &["E001"], &[]);
        assert_eq!(report.workloads.len(), 2);
        for w in &report.workloads {
            assert!(w.cold_start.is_none(), "{}", w.id);
            let cost = w.cost.as_ref().unwrap();
            assert_eq!(cost.break_even_requests_per_day, None, "{}", w.id);
            let break_even = cost.break_even.as_ref().unwrap();
            assert_eq!(break_even.requests_per_day, None);
            assert!(break_even.alternative_monthly_usd_curve.is_empty());
            assert!(
                break_even
                    .basis
                    .contains("no break-even figure: the cold start is not projected"),
                "{}",
                break_even.basis
            );
            assert!(!break_even.basis.contains("7931"), "{}", break_even.basis);
            assert!(break_even.defaulted_inputs.contains(&"cold-start"));
        }
    }

    #[test]
    fn requests_longer_than_the_cold_start_set_it_by_busy_time() {
        // d = 600 s > boot: one replica is busy all day at 144 requests.
        let text = deployment("    tcolint.io/avg-duration-ms: \"600000\"\n", 1);
        reported("llm.yaml", &text, |w| {
            let break_even = w.cost.as_ref().unwrap().break_even.as_ref().unwrap();
            assert!(
                (break_even.requests_per_day.unwrap() - 144.0).abs() < 1e-6,
                "{}",
                break_even.basis
            );
            assert_eq!(
                break_even.defaulted_inputs,
                ["concurrency", "keep-alive", "cold-start"]
            );
        });
    }

    /// The break-even is the crossover of the expected-cost model itself:
    /// the same predictor with minReplicas 0 at the break-even volume costs
    /// what the always-on one does, and less below it.
    #[test]
    fn scaled_to_zero_at_the_break_even_costs_the_always_on_baseline() {
        let annotations = "    autoscaling.knative.dev/window: \"5m\"\n    autoscaling.knative.dev/target: \"4\"\n    tcolint.io/avg-duration-ms: \"2000\"\n";
        let (volume, baseline, defaulted) = reported("isvc.yaml", &kserve(annotations, 1), |w| {
            let cost = w.cost.as_ref().unwrap();
            let break_even = cost.break_even.as_ref().unwrap();
            (
                break_even.requests_per_day.unwrap(),
                cost.monthly_usd,
                break_even.defaulted_inputs.clone(),
            )
        });
        // Keep-alive, concurrency and duration are the manifest's own.
        assert_eq!(defaulted, ["cold-start"]);
        let scaled = |requests: f64| {
            let text = kserve(
                &format!("{annotations}    tcolint.io/requests-per-day: \"{requests}\"\n"),
                0,
            );
            reported("isvc.yaml", &text, |w| {
                w.cost.as_ref().unwrap().expected_monthly_usd.unwrap()
            })
        };
        let at = scaled(volume);
        assert!((at - baseline).abs() < 0.01, "{at} vs {baseline}");
        let below = scaled(volume / 2.0);
        assert!(below < baseline * 0.95, "{below} vs {baseline}");
    }
}
