//! The per-workload verdict: the deployment as written against always-on
//! Kubernetes, Kubernetes scale-to-zero, serverless and serverless with
//! provisioned concurrency, each priced at the workload's traffic with its
//! cold start and whether it meets the latency SLO and the platform limits.
//!
//! Every alternative uses the expected-cost model of `expected.rs`:
//!
//! ```text
//! always-on          replica hourly × max(1, b) × 730 h          (cold start 0)
//! scale-to-zero      replica hourly × min(max, max(w, b)) × 730 h, K = Knative's 60 s
//! serverless         R × 730/24 × cost per request (Lambda, memory = the replica's)
//! provisioned        n = max(1, ⌈b⌉) instances standing by + R × 730/24 × provisioned cost per request
//! ```
//!
//! An alternative meets the SLO when a warm request (duration d) is within
//! it and either its cold start also is or at most 1% of requests wait for
//! one (the SLO is read as a 99th-percentile target; AWS puts production
//! cold starts "typically under 1%" of invocations). The recommendation is
//! the cheapest alternative that fits and meets the SLO, when it saves at
//! least ARC001's configured thresholds (default 30% and $50/month) against
//! the expected cost as deployed; otherwise the deployment stays. ARC001
//! reports exactly the moves recommended here, so the two never disagree.

use serde::Serialize;

use crate::analyze::breakeven::{cheapest_container, container_arch};
use crate::analyze::cost::Pricing;
use crate::analyze::expected::{Expected, LAMBDA_IDLE_LIFETIME_S};
use crate::analyze::latency::{package_parts, ColdStart, LAMBDA_MAX_IMAGE_GB};
use crate::analyze::profile::Profile;
use crate::analyze::serverless::{rates, DAYS_PER_MONTH};
use crate::catalog::{Catalog, HOURS_PER_MONTH};
use crate::model::{
    Billing, Cloud, FunctionPlan, FunctionSpec, Platform, Purpose, UsageKey, Workload,
};
use crate::numbers::{trim, usd, usd_rate};

/// Lambda's largest memory size, MB, and longest timeout, s (Lambda
/// quotas: sources.tsv LAMBDA-LIMITS).
const LAMBDA_MAX_MEMORY_MB: f64 = 10_240.0;
const LAMBDA_MAX_TIMEOUT_S: f64 = 900.0;
/// Knative's default stable window: the keep-alive of the scale-to-zero
/// alternative (knative.dev autoscaling docs).
const KNATIVE_KEEP_ALIVE_S: f64 = 60.0;
/// Share of requests a cold start may delay past the SLO (p99 reading).
pub const SLO_COLD_SHARE_ALLOWED: f64 = 0.01;

/// The saving that makes a move worth it: ARC001's thresholds
/// (`min-saving-fraction`, `min-saving-usd`) as configured for the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinSaving {
    /// Share of the expected cost as written.
    pub fraction: f64,
    /// Dollars per month.
    pub usd: f64,
}

impl Default for MinSaving {
    /// ARC001's defaults (`rules/ARC001.md`): 30% and $50/month.
    fn default() -> Self {
        MinSaving {
            fraction: 0.3,
            usd: 50.0,
        }
    }
}

impl MinSaving {
    /// Whether saving `saving` of `current` a month is worth a move.
    pub fn met(self, saving: f64, current: f64) -> bool {
        saving >= self.usd && saving >= self.fraction * current
    }

    /// In words: `30% and $50/month`.
    fn words(self) -> String {
        format!(
            "{}% and ${}/month",
            trim(self.fraction * 100.0, 2),
            trim(self.usd, 2)
        )
    }
}

/// What an alternative is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    /// The deployment as written.
    AsDeployed,
    /// Replicas (Kubernetes pods, instances) that never scale below one.
    AlwaysOn,
    /// Replicas that scale to zero when idle (Knative, KEDA).
    ScaleToZero,
    /// A function billed per request.
    Serverless,
    /// A function with provisioned concurrency standing by.
    ServerlessProvisioned,
}

/// One way to run the workload, priced at its traffic.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// The platform (`aws-lambda`, `kubernetes`…, or the workload's own).
    pub platform: String,
    /// Which architecture.
    pub architecture: Architecture,
    /// Expected monthly cost at the workload's traffic; null when unpriced.
    #[serde(serialize_with = "crate::numbers::optional::<_, 2>")]
    pub monthly_usd: Option<f64>,
    /// The wait of a request that finds no warm replica; 0 when one is
    /// always warm; null when no sourced figure exists.
    #[serde(serialize_with = "crate::numbers::optional::<_, 3>")]
    pub cold_start_s: Option<f64>,
    /// Share of requests that wait for a cold start.
    #[serde(serialize_with = "crate::numbers::optional::<_, 6>")]
    pub cold_request_share: Option<f64>,
    /// Whether it meets the latency SLO (see the module documentation).
    pub meets_slo: bool,
    /// Why the platform's limits rule it out (GPUs, timeout, memory,
    /// training), when they do.
    pub ruled_out: Option<String>,
    /// The arithmetic.
    pub basis: String,
}

impl Alternative {
    /// Whether it can run the workload within the SLO at a known price.
    pub fn qualifies(&self) -> bool {
        self.ruled_out.is_none() && self.meets_slo && self.monthly_usd.is_some()
    }
}

/// The verdict for one workload.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// The platform recommended.
    pub platform: String,
    /// Which architecture.
    pub architecture: Architecture,
    /// Its expected monthly cost.
    #[serde(serialize_with = "crate::numbers::optional::<_, 2>")]
    pub monthly_usd: Option<f64>,
    /// What the move saves each month against the deployment as written
    /// (its monthly cost less the recommended one's); `None` when the
    /// recommendation is to stay.
    #[serde(serialize_with = "crate::numbers::optional::<_, 2>")]
    pub saving_monthly_usd: Option<f64>,
    /// Why, in one line.
    pub reason: String,
    /// Every alternative considered, the deployment as written first.
    pub alternatives: Vec<Alternative>,
}

impl Recommendation {
    /// The deployment as written.
    pub fn as_deployed(&self) -> &Alternative {
        &self.alternatives[0]
    }

    /// The cheapest alternative that qualifies other than the deployment.
    pub fn best_other(&self) -> Option<&Alternative> {
        self.alternatives[1..]
            .iter()
            .filter(|a| a.qualifies())
            .min_by(|a, b| {
                a.monthly_usd
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.monthly_usd.unwrap_or(f64::INFINITY))
            })
    }
}

/// The inputs every alternative shares.
struct Load {
    requests_per_day: f64,
    rate_per_s: f64,
    duration_s: f64,
    slo_s: Option<f64>,
    busy: f64,
}

impl Load {
    fn meets(&self, cold_start_s: Option<f64>, share: f64) -> bool {
        let Some(slo) = self.slo_s else {
            return true;
        };
        if self.duration_s > slo {
            return false;
        }
        if share <= SLO_COLD_SHARE_ALLOWED {
            return true;
        }
        cold_start_s.is_some_and(|cold| self.duration_s + cold <= slo)
    }

    fn cold_share(&self, keep_alive_s: f64) -> f64 {
        (-self.rate_per_s * (keep_alive_s + self.duration_s)).exp()
    }
}

/// Compares the workload with the other architectures at its traffic and
/// recommends a move that saves at least `min_saving`; `None` when the
/// traffic is unknown, the workload runs to completion or it is not a
/// serving workload (a cluster fee).
pub fn recommend(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    cold_start: Option<&ColdStart>,
    expected: Option<&Expected>,
    catalog: &Catalog,
    min_saving: MinSaving,
) -> Option<Recommendation> {
    let expected = expected?;
    expected.busy_replicas?;
    if workload.run_to_completion || matches!(workload.billing, Billing::ServiceHour(_)) {
        return None;
    }
    let requests = profile.number(UsageKey::RequestsPerDay)?.value;
    let duration_s = profile
        .number(UsageKey::AvgDurationMs)
        .map_or(1.0, |d| d.value / 1000.0);
    let load = Load {
        requests_per_day: requests,
        rate_per_s: requests / 86_400.0,
        duration_s,
        slo_s: profile
            .number(UsageKey::LatencySloMs)
            .map(|slo| slo.value / 1000.0),
        busy: requests / 86_400.0 * duration_s,
    };
    let is_function = workload.function.is_some();
    let share = expected.cold_request_share.unwrap_or(0.0);
    let deployed_cold = if share > 0.0 {
        cold_start.map(|c| c.total_s)
    } else {
        Some(0.0)
    };
    let mut alternatives = vec![Alternative {
        platform: workload.platform.to_string(),
        architecture: Architecture::AsDeployed,
        monthly_usd: expected.monthly_usd,
        cold_start_s: deployed_cold,
        cold_request_share: Some(share),
        meets_slo: load.meets(deployed_cold, share),
        ruled_out: None,
        basis: format!("as written: {}", expected.basis),
    }];
    let estimate = pricing.estimate.as_ref();
    if is_function {
        alternatives.push(container_for_function(workload, &load, catalog));
    } else if let Some(estimate) = estimate {
        let hourly = estimate.per_replica_hourly_usd;
        let on_kubernetes = workload.platform == Platform::Kubernetes;
        let platform = if on_kubernetes {
            "kubernetes".to_string()
        } else {
            workload.platform.to_string()
        };
        if workload.scaling.min == 0 {
            let replicas = load.busy.max(1.0);
            alternatives.push(Alternative {
                platform: platform.clone(),
                architecture: Architecture::AlwaysOn,
                monthly_usd: Some(hourly * replicas * HOURS_PER_MONTH),
                cold_start_s: Some(0.0),
                cold_request_share: Some(0.0),
                meets_slo: load.meets(Some(0.0), 0.0),
                ruled_out: None,
                basis: format!(
                    "{}/h x max(1, b = {}) replicas x 730 h",
                    usd_rate(hourly),
                    trim(load.busy, 4)
                ),
            });
        } else if on_kubernetes {
            // Scale-to-zero on request traffic needs an activator that holds
            // the request while a pod starts (Knative, KEDA's HTTP add-on).
            let share = load.cold_share(KNATIVE_KEEP_ALIVE_S);
            let cold_per_day = load.requests_per_day * share;
            let boot = cold_start.map(|c| c.total_s);
            let warm = (1.0 - share + cold_per_day * boot.unwrap_or(0.0) / 86_400.0).min(1.0);
            let max = workload.scaling.max.map_or(f64::INFINITY, f64::from);
            let replicas = warm.max(load.busy).min(max);
            alternatives.push(Alternative {
                platform,
                architecture: Architecture::ScaleToZero,
                monthly_usd: Some(hourly * replicas * HOURS_PER_MONTH),
                cold_start_s: boot,
                cold_request_share: Some(share),
                meets_slo: load.meets(boot, share),
                ruled_out: None,
                basis: format!(
                    "K = 60 s (Knative's default stable window): cold share e^(-λ (K + d)) = {}, {} cold starts/day of {}; {}/h x {} replicas x 730 h",
                    trim(share, 4),
                    trim(cold_per_day, 1),
                    boot.map_or("unknown length (no sourced figure for this replica's start)".to_string(), |b| format!("{} s", trim(b, 1))),
                    usd_rate(hourly),
                    trim(replicas, 4)
                ),
            });
        }
    }
    if !is_function {
        alternatives.extend(serverless(
            workload,
            pricing.cloud,
            profile,
            cold_start,
            &load,
            catalog,
        ));
    } else if workload
        .function
        .as_ref()
        .and_then(|f| f.provisioned_concurrency)
        .unwrap_or(0)
        == 0
    {
        alternatives.extend(
            serverless(workload, pricing.cloud, profile, cold_start, &load, catalog)
                .into_iter()
                .filter(|a| a.architecture == Architecture::ServerlessProvisioned),
        );
    } else {
        alternatives.extend(
            serverless(workload, pricing.cloud, profile, cold_start, &load, catalog)
                .into_iter()
                .filter(|a| a.architecture == Architecture::Serverless),
        );
    }
    Some(decide(alternatives, min_saving))
}

fn decide(alternatives: Vec<Alternative>, min_saving: MinSaving) -> Recommendation {
    let mut recommendation = Recommendation {
        platform: alternatives[0].platform.clone(),
        architecture: Architecture::AsDeployed,
        monthly_usd: alternatives[0].monthly_usd,
        saving_monthly_usd: None,
        reason: String::new(),
        alternatives,
    };
    let deployed = recommendation.as_deployed().clone();
    let best = recommendation.best_other().cloned();
    recommendation.reason = match (&best, deployed.monthly_usd) {
        (Some(best), Some(current)) => {
            let cost = best.monthly_usd.unwrap_or_default();
            let saving = current - cost;
            if min_saving.met(saving, current) {
                recommendation.platform = best.platform.clone();
                recommendation.architecture = best.architecture;
                recommendation.monthly_usd = best.monthly_usd;
                recommendation.saving_monthly_usd = Some(saving);
                format!(
                    "{} ({}) costs {}/month against {}/month as written, saving {}/month ({}%), and meets the latency SLO",
                    describe(best.architecture, &best.platform),
                    best.platform,
                    usd(cost),
                    usd(current),
                    usd(saving),
                    trim(saving / current * 100.0, 0)
                )
            } else if cost >= current && deployed.meets_slo {
                format!(
                    "stay: nothing that meets the SLO costs less; the next cheapest is {} ({}) at {}/month",
                    describe(best.architecture, &best.platform),
                    best.platform,
                    usd(cost)
                )
            } else if !deployed.meets_slo && cost >= current {
                format!(
                    "stay: nothing cheaper meets the SLO, and as written it misses it; the cheapest alternative that meets it, {} ({}), costs {}/month, {}/month more",
                    describe(best.architecture, &best.platform),
                    best.platform,
                    usd(cost),
                    usd(cost - current)
                )
            } else if !deployed.meets_slo {
                format!(
                    "stay: the cheapest alternative that meets the SLO, {} ({}/month), does not save {}; but as written it misses the latency SLO",
                    describe(best.architecture, &best.platform),
                    usd(cost),
                    min_saving.words()
                )
            } else {
                format!(
                    "stay: the cheapest alternative that meets the SLO and the platform limits, {} at {}/month, does not save {} against {}/month",
                    describe(best.architecture, &best.platform),
                    usd(cost),
                    min_saving.words(),
                    usd(current)
                )
            }
        }
        (None, _) => {
            "stay: no alternative meets the latency SLO and the platform limits at a known price"
                .to_string()
        }
        (Some(_), None) => "stay: the deployment as written is unpriced".to_string(),
    };
    recommendation
}

/// In words.
pub fn describe(option: Architecture, platform: &str) -> &'static str {
    match option {
        Architecture::AsDeployed => "the deployment as written",
        Architecture::AlwaysOn => "always-on replicas",
        Architecture::ScaleToZero => "replicas scaled to zero",
        Architecture::Serverless => "a serverless function",
        // Only Lambda calls its warm instances provisioned concurrency.
        Architecture::ServerlessProvisioned if platform == "aws-lambda" => {
            "a function with provisioned concurrency"
        }
        Architecture::ServerlessProvisioned => "a function with minimum instances",
    }
}

/// One always-on container for a function: the cheapest catalogue EC2
/// instance with at least the function's memory.
fn container_for_function(workload: &Workload, load: &Load, catalog: &Catalog) -> Alternative {
    let memory_gib = workload
        .function
        .as_ref()
        .and_then(|f| f.memory_mb)
        .unwrap_or(128.0)
        / 1024.0;
    let cloud = workload
        .function
        .as_ref()
        .map_or(Cloud::Aws, |spec| spec.plan.cloud());
    let region = workload
        .placement
        .region
        .clone()
        .unwrap_or_else(|| crate::catalog::home_region(cloud).to_string());
    let arch = workload.function.as_deref().map_or("amd64", container_arch);
    let vcpu = workload
        .function
        .as_ref()
        .and_then(|f| f.cpu)
        .unwrap_or(0.0);
    let container = cheapest_container(catalog, cloud, arch, (vcpu, memory_gib), &region);
    let platform = match cloud {
        Cloud::Aws => "aws-ec2",
        Cloud::Gcp => "gcp-compute",
        Cloud::Azure => "azure-vm",
    };
    let replicas = load.busy.max(1.0);
    match container {
        Some((instance, hourly, _)) => Alternative {
            platform: platform.into(),
            architecture: Architecture::AlwaysOn,
            monthly_usd: Some(hourly * replicas * HOURS_PER_MONTH),
            cold_start_s: Some(0.0),
            cold_request_share: Some(0.0),
            meets_slo: load.meets(Some(0.0), 0.0),
            ruled_out: None,
            basis: format!(
                "the cheapest catalogue {arch} {} with at least {} GiB, {} at {}/h, x max(1, b = {}) x 730 h",
                if cloud == Cloud::Aws { "instance" } else { crate::analyze::breakeven::container_kind(cloud) },
                trim(memory_gib, 3),
                instance.name,
                usd_rate(hourly),
                trim(load.busy, 4)
            ),
        },
        None => Alternative {
            platform: platform.into(),
            architecture: Architecture::AlwaysOn,
            monthly_usd: None,
            cold_start_s: Some(0.0),
            cold_request_share: Some(0.0),
            meets_slo: load.meets(Some(0.0), 0.0),
            ruled_out: None,
            basis: format!("no catalogue instance with at least {} GiB is priced in {region}", trim(memory_gib, 3)),
        },
    }
}

/// The cloud's serverless functions, per request and with provisioned
/// concurrency; ruled out where the platform's limits forbid it.
fn serverless(
    workload: &Workload,
    cloud: Option<Cloud>,
    profile: &Profile,
    cold_start: Option<&ColdStart>,
    load: &Load,
    catalog: &Catalog,
) -> Vec<Alternative> {
    let purpose = profile.purpose.value;
    let cloud = cloud
        .or_else(|| workload.function.as_ref().map(|spec| spec.plan.cloud()))
        .unwrap_or(Cloud::Aws);
    if cloud != Cloud::Aws {
        return other_cloud_serverless(workload, cloud, profile, cold_start, load, catalog);
    }
    let (memory_mb, timeout_s) = match &workload.function {
        Some(spec) => (spec.memory_mb.unwrap_or(128.0), spec.timeout_s),
        None => (
            (workload.compute.memory_gib_per_replica * 1024.0).max(128.0),
            None,
        ),
    };
    let mut ruled_out = Vec::new();
    if workload.has_accelerators() {
        ruled_out.push("it needs GPUs, and Lambda offers none".to_string());
    }
    if purpose == Purpose::Training {
        ruled_out
            .push("it trains: Lambda's 15-minute limit and lack of GPUs rule training out".into());
    }
    if memory_mb > LAMBDA_MAX_MEMORY_MB {
        ruled_out.push(format!(
            "it needs {} MB, above Lambda's 10,240 MB",
            trim(memory_mb, 0)
        ));
    }
    if let Some(image) = profile
        .number(UsageKey::ImageSizeGb)
        .filter(|size| size.is_set() && size.value > LAMBDA_MAX_IMAGE_GB)
    {
        ruled_out.push(format!(
            "its image is {} GB, above Lambda's 10 GB image limit",
            trim(image.value, 2)
        ));
    }
    let longest = timeout_s.unwrap_or(0.0).max(load.duration_s);
    if longest > LAMBDA_MAX_TIMEOUT_S {
        ruled_out.push(format!(
            "a request may run {} s, above Lambda's 900 s limit",
            trim(longest, 0)
        ));
    }
    let platform = match cloud {
        Cloud::Aws => "aws-lambda",
        Cloud::Gcp => "gcp-cloud-functions",
        Cloud::Azure => "azure-functions",
    };
    let ruled_out = (!ruled_out.is_empty()).then(|| ruled_out.join("; "));
    let spec = FunctionSpec {
        memory_mb: Some(memory_mb.min(LAMBDA_MAX_MEMORY_MB)),
        architecture: Some("x86_64".into()),
        ..FunctionSpec::default()
    };
    let lambda = (cloud == Cloud::Aws)
        .then(|| rates(&spec, catalog))
        .flatten();
    let Some(lambda) = lambda else {
        return vec![Alternative {
            platform: platform.into(),
            architecture: Architecture::Serverless,
            monthly_usd: None,
            cold_start_s: None,
            cold_request_share: None,
            meets_slo: false,
            ruled_out,
            basis: format!("the catalogue has no {platform} rates"),
        }];
    };
    let memory_gb = memory_mb.min(LAMBDA_MAX_MEMORY_MB) / 1024.0;
    let monthly_requests = load.requests_per_day * DAYS_PER_MONTH;
    let per_request = lambda.per_request(load.duration_s, memory_gb, 0.0, false);
    let share = load.cold_share(LAMBDA_IDLE_LIFETIME_S);
    let (cold, cold_words) = serverless_cold_start(workload, profile, cold_start, catalog);
    let instances = load.busy.ceil().max(1.0);
    let fixed = lambda.provisioned_monthly(instances as u32, memory_gb);
    let provisioned_request = lambda.per_request(load.duration_s, memory_gb, 0.0, true);
    vec![
        Alternative {
            platform: platform.into(),
            architecture: Architecture::Serverless,
            monthly_usd: Some(monthly_requests * per_request),
            cold_start_s: cold,
            cold_request_share: Some(share),
            meets_slo: load.meets(cold, share),
            ruled_out: ruled_out.clone(),
            basis: format!(
                "{} requests/month x {} per request ({} MB x86_64, {}); cold share e^(-λ (600 s + d)) = {}; cold start {} ({cold_words})",
                trim(monthly_requests, 0),
                crate::analyze::serverless::usd_small(per_request),
                trim(memory_mb.min(LAMBDA_MAX_MEMORY_MB), 0),
                lambda.cite,
                trim(share, 4),
                cold.map_or("unknown".to_string(), |c| format!("{} s", trim(c, 3)))
            ),
        },
        Alternative {
            platform: platform.into(),
            architecture: Architecture::ServerlessProvisioned,
            monthly_usd: Some(fixed + monthly_requests * provisioned_request),
            cold_start_s: Some(0.0),
            cold_request_share: Some(0.0),
            meets_slo: load.meets(Some(0.0), 0.0),
            ruled_out,
            basis: format!(
                "provisioned concurrency {} = max(1, ⌈b⌉) x {} GB x 730 h x 3600 s = {}/month + {} requests/month x {} per request",
                trim(instances, 0),
                trim(memory_gb, 4),
                usd(fixed),
                trim(monthly_requests, 0),
                crate::analyze::serverless::usd_small(provisioned_request)
            ),
        },
    ]
}

/// The serverless functions of Google Cloud (Cloud Run functions, billed
/// at Cloud Run's rates) and Azure (the Consumption plan), per request and,
/// where the plan prices warm instances, with minimum instances; ruled out
/// where the plan's limits (`analyze/plans.rs`) forbid it.
fn other_cloud_serverless(
    workload: &Workload,
    cloud: Cloud,
    profile: &Profile,
    cold_start: Option<&ColdStart>,
    load: &Load,
    catalog: &Catalog,
) -> Vec<Alternative> {
    let plan = if cloud == Cloud::Gcp {
        FunctionPlan::CloudFunctionsGen2
    } else {
        FunctionPlan::AzureConsumption
    };
    let facts = crate::analyze::plans::facts(plan);
    let platform = plan.platform().to_string();
    let (memory_mb, cpu, timeout_s) = match &workload.function {
        Some(spec) => (spec.memory_mb.unwrap_or(128.0), spec.cpu, spec.timeout_s),
        None => (
            (workload.compute.memory_gib_per_replica * 1024.0).max(128.0),
            (workload.compute.cpu_per_replica > 0.0).then_some(workload.compute.cpu_per_replica),
            None,
        ),
    };
    // A serving workload is called over HTTP; the rest by events.
    let request_driven = workload.function.as_deref().map_or(
        profile.purpose.value == Purpose::Inference,
        FunctionSpec::is_request_driven,
    );
    let mut spec = FunctionSpec {
        plan,
        memory_mb: Some(memory_mb.min(facts.memory_mb.1)),
        cpu: (plan == FunctionPlan::CloudFunctionsGen2).then(|| {
            cpu.unwrap_or(0.0)
                .max(crate::model::cloud_functions_cpu(memory_mb))
                .min(8.0)
        }),
        ..FunctionSpec::default()
    };
    if request_driven {
        spec.events.push(crate::model::FunctionEvent {
            trigger: crate::model::Trigger::Https,
            location: workload.location.clone(),
        });
    }
    let mut ruled_out = Vec::new();
    if workload.has_accelerators() {
        ruled_out.push(format!(
            "it needs GPUs, and {} offers none",
            facts.short_name
        ));
    }
    if profile.purpose.value == Purpose::Training {
        ruled_out.push(format!(
            "it trains: {}'s time limits and lack of GPUs rule training out",
            facts.short_name
        ));
    }
    if memory_mb > facts.memory_mb.1 {
        ruled_out.push(format!(
            "it needs {} MB, above {}'s {} MB",
            trim(memory_mb, 0),
            facts.name,
            trim(facts.memory_mb.1, 0)
        ));
    }
    let longest = timeout_s.unwrap_or(0.0).max(load.duration_s);
    if let Some(limit) = facts
        .max_timeout_for(&spec)
        .filter(|limit| longest > *limit)
    {
        ruled_out.push(format!(
            "a request may run {} s, above {}'s {} s limit",
            trim(longest, 0),
            facts.name,
            trim(limit, 0)
        ));
    }
    let ruled_out = (!ruled_out.is_empty()).then(|| ruled_out.join("; "));
    let unpriced = |why: String| Alternative {
        platform: platform.clone(),
        architecture: Architecture::Serverless,
        monthly_usd: None,
        cold_start_s: None,
        cold_request_share: None,
        meets_slo: false,
        ruled_out: ruled_out.clone(),
        basis: why,
    };
    let rates = match crate::analyze::functions::rates(&spec, catalog) {
        Ok(rates) => rates,
        Err(why) => return vec![unpriced(why)],
    };
    if let Some(region) = workload
        .placement
        .region
        .as_ref()
        .filter(|r| **r != rates.region)
    {
        return vec![unpriced(format!(
            "the catalogue has {} rates for {} only, and this runs in {region}",
            facts.name, rates.region
        ))];
    }
    let (cold, cold_words) = match (&workload.function, plan) {
        (Some(own), _) if own.plan == plan => (
            cold_start.map(|c| c.total_s),
            "the function's own cold-start projection".to_string(),
        ),
        _ => {
            let key = if plan == FunctionPlan::CloudFunctionsGen2 {
                "cloud_run_cold_start_python_s"
            } else {
                "azure_functions_cold_start_s"
            };
            match catalog.figure(key) {
                Some(figure) => {
                    let package = package_parts(true, profile, catalog);
                    let extra = if profile.framework.value.is_some() {
                        package.seconds()
                    } else {
                        0.0
                    };
                    (
                        Some(figure.value + extra),
                        format!(
                            "Python assumed: {} s ({}){}",
                            trim(figure.value, 3),
                            catalog.cite(&figure.source),
                            if extra > 0.0 {
                                format!(" + image and framework {} s", trim(extra, 3))
                            } else {
                                String::new()
                            }
                        ),
                    )
                }
                None => (None, "no sourced figure".to_string()),
            }
        }
    };
    let keep_alive = facts.keep_alive.map_or(0.0, |(k, _)| k);
    let share = load.cold_share(keep_alive);
    let monthly_requests = load.requests_per_day * DAYS_PER_MONTH;
    let per_request = rates.per_request(load.duration_s);
    let size = format!(
        "{}{} MB",
        spec.cpu
            .map_or(String::new(), |c| format!("{} vCPU, ", trim(c, 3))),
        trim(spec.memory_mb.unwrap_or(memory_mb), 0)
    );
    let mut out = vec![Alternative {
        platform: platform.clone(),
        architecture: Architecture::Serverless,
        monthly_usd: Some(monthly_requests * per_request),
        cold_start_s: cold,
        cold_request_share: Some(share),
        meets_slo: load.meets(cold, share),
        ruled_out: ruled_out.clone(),
        basis: format!(
            "{} requests/month x {} per request ({}, {size}; {}); cold share e^(-λ ({} s + d)) = {}; cold start {} ({cold_words})",
            trim(monthly_requests, 0),
            crate::analyze::serverless::usd_small(per_request),
            facts.name,
            rates.cite,
            trim(keep_alive, 0),
            trim(share, 4),
            cold.map_or("unknown".to_string(), |c| format!("{} s", trim(c, 3)))
        ),
    }];
    let instances = load.busy.ceil().max(1.0);
    if let Some(fixed) = rates.warm_monthly(instances as u32) {
        out.push(Alternative {
            platform,
            architecture: Architecture::ServerlessProvisioned,
            monthly_usd: Some(fixed + monthly_requests * per_request),
            cold_start_s: Some(0.0),
            cold_request_share: Some(0.0),
            meets_slo: load.meets(Some(0.0), 0.0),
            ruled_out,
            basis: format!(
                "{} {} = max(1, ⌈b⌉) x ({}) x 730 h x 3600 s = {}/month + {} requests/month x {} per request",
                facts.warm_setting,
                trim(instances, 0),
                rates.warm_text.as_deref().unwrap_or_default(),
                usd(fixed),
                trim(monthly_requests, 0),
                crate::analyze::serverless::usd_small(per_request)
            ),
        });
    }
    out
}

/// The cold start of the workload as a function: a function's own
/// projection; for anything else, the python3.12 runtime's measured init,
/// as a zip package, or as a container image carrying its ML framework
/// (image loading and the framework import, `latency::package_parts`).
fn serverless_cold_start(
    workload: &Workload,
    profile: &Profile,
    cold_start: Option<&ColdStart>,
    catalog: &Catalog,
) -> (Option<f64>, String) {
    if workload.function.is_some() {
        return (
            cold_start.map(|c| c.total_s),
            "the function's own cold-start projection".into(),
        );
    }
    let Some(row) = catalog.lambda_init("python3.12") else {
        return (None, "no runtime init figure".into());
    };
    if profile.framework.value.is_none() {
        return (
            Some(row.zip_x86_64_ms / 1000.0),
            "python3.12 zip init, assumed runtime".into(),
        );
    }
    let package = package_parts(true, profile, catalog);
    let mut words = vec![format!(
        "python3.12 container image init {} s, assumed runtime",
        trim(row.image_x86_64_ms / 1000.0, 3)
    )];
    words.extend(
        package
            .image_load
            .iter()
            .chain(&package.import)
            .map(|part| format!("{} {} s", part.name, trim(part.seconds, 3))),
    );
    words.extend(
        package
            .not_projected
            .iter()
            .map(|missing| format!("not projected: {missing}")),
    );
    (
        Some(row.image_x86_64_ms / 1000.0 + package.seconds()),
        words.join(" + "),
    )
}

#[cfg(test)]
mod tests {
    use super::Architecture;
    use crate::test_support::scan_text;

    /// An always-on CPU Deployment (3 x 1 vCPU, 2 GiB on m5.large) running
    /// `image`, at 10,000 requests/day of 200 ms with a 1 s SLO.
    fn service(image: &str, extra: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: web\n  annotations:\n    tcolint.io/purpose: inference\n    tcolint.io/requests-per-day: \"10000\"\n    tcolint.io/avg-duration-ms: \"200\"\n    tcolint.io/latency-slo-ms: \"1000\"\n{extra}spec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: api}}\n  template:\n    metadata:\n      labels: {{app: api}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: m5.large\n      containers:\n      - name: api\n        image: {image}\n        resources:\n          limits: {{cpu: \"1\", memory: 2Gi}}\n"
        )
    }

    fn serverless(text: &str) -> super::Alternative {
        let report = scan_text("api.yaml", text, &["ARC001"], &[]);
        report.workloads[0]
            .recommendation
            .as_ref()
            .unwrap()
            .alternatives
            .iter()
            .find(|a| a.architecture == Architecture::Serverless)
            .unwrap()
            .clone()
    }

    #[test]
    fn a_pytorch_service_moved_to_lambda_pays_for_its_image_at_a_cold_start() {
        let plain = serverless(&service("ghcr.io/acme/api:1", ""));
        assert_eq!(plain.cold_start_s, Some(0.083));
        let torch = serverless(&service("pytorch/torchserve:0.12.0-cpu", ""));
        // python3.12 image init + 7.07 GB at 0.52708 GB/s + import torch.
        let expected = 0.1912 + 7.07 / 0.52708 + 2.688;
        assert!((torch.cold_start_s.unwrap() - expected).abs() < 1e-9);
        assert!(torch.basis.contains("python3.12 container image init 0.191 s, assumed runtime + image loading 13.414 s + framework import 2.688 s"), "{}", torch.basis);
        // At 10,000 requests/day hardly any request waits: it still meets the SLO.
        assert!(torch.meets_slo && torch.ruled_out.is_none());
    }

    #[test]
    fn an_image_over_lambdas_limit_rules_lambda_out() {
        let text = service(
            "pytorch/torchserve:0.12.0-cpu",
            "    tcolint.io/image-size-gb: \"12\"\n",
        );
        let lambda = serverless(&text);
        assert_eq!(
            lambda.ruled_out.as_deref(),
            Some("its image is 12 GB, above Lambda's 10 GB image limit")
        );
        let report = scan_text("api.yaml", &text, &["ARC001"], &[]);
        let recommendation = report.workloads[0].recommendation.as_ref().unwrap();
        assert_ne!(recommendation.platform, "aws-lambda");
    }
}
