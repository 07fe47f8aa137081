//! The five-metric scorecard: each 0–10, higher is better for the workload
//! as deployed, each from that workload's own projections.
//!
//! ```text
//! cost_of_idle           10 × (1 − idle share)
//!                        idle share = 1 − utilization (when declared), else 1 − b / replicas
//!                        (traffic known), else 1 − default utilization; per-request
//!                        billing idles only its provisioned concurrency: fixed × (1 − min(1, b / p)) / monthly
//! operational_overhead   platform base (function 9, managed container or endpoint 7,
//!                        VMs 5, Kubernetes 4) − 1 for GPUs on self-managed nodes
//!                        − min(3, ops hours per month / 10)
//! low_latency_inference  10 × (1 − miss share) × (1 − cold share)
//!                        miss share = 1 when a warm request (d) exceeds the SLO, else the cold
//!                        share when d + cold start exceeds it (or the cold start is unknown)
//! training_suitability   4 × GPU access (1 requested, 0.5 available, 0 none)
//!                        + 4 × min(1, time limit / 1 h) + 2 × min(1, memory limit / 64 GiB)
//! tco_intermittent       10 × cheapest alternative meeting the SLO / expected cost as deployed
//! ```
//!
//! The platform bases of `operational_overhead` are a judgement, not a
//! measurement: no cited figure puts hours on running a platform, so
//! tcolint only orders them (managed serverless needs the fewest people;
//! a Kubernetes platform the most). `ops:` in tcolint.yml adds real hours.

use serde::Serialize;

use crate::analyze::cost::{Method, Pricing};
use crate::analyze::expected::Expected;
use crate::analyze::profile::Profile;
use crate::analyze::recommend::Recommendation;
use crate::model::{Billing, Platform, UsageKey, Workload};
use crate::numbers::{round, trim};

/// One metric.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// 0–10, higher is better, to one decimal.
    #[serde(serialize_with = "crate::numbers::number::<_, 1>")]
    pub score: f64,
    /// Why, in one line.
    pub reason: String,
}

impl Metric {
    fn new(score: f64, reason: String) -> Metric {
        Metric {
            score: round(score.clamp(0.0, 10.0), 1),
            reason,
        }
    }
}

/// The five metrics.
#[derive(Clone, Debug, Serialize)]
pub struct Scorecard {
    /// Reserved capacity paid for while idle (10: none).
    pub cost_of_idle: Metric,
    /// People and fees to run the platform (10: fully managed).
    pub operational_overhead: Metric,
    /// Latency against the SLO, cold starts included (10: always warm and within it).
    pub low_latency_inference: Metric,
    /// GPUs, time and memory a training run needs (10: all of them).
    pub training_suitability: Metric,
    /// Expected cost against the cheapest alternative at this traffic (10:
    /// nothing cheaper); absent when the traffic is unknown.
    pub tco_intermittent: Option<Metric>,
}

/// `cost_of_idle` from the share of the cost that pays for idle capacity.
pub fn idle_score(idle_share: f64) -> f64 {
    10.0 * (1.0 - idle_share.clamp(0.0, 1.0))
}

/// `operational_overhead` from the platform's base, GPUs on self-managed
/// nodes and the ops hours a month the configuration attributes to it.
pub fn overhead_score(platform_base: f64, self_managed_gpus: bool, ops_hours: f64) -> f64 {
    platform_base - if self_managed_gpus { 1.0 } else { 0.0 } - (ops_hours / 10.0).min(3.0)
}

/// `low_latency_inference` from the warm duration, the SLO, the share of
/// requests that wait for a cold start and its length (`None`: unknown).
pub fn latency_score(
    duration_s: f64,
    slo_s: Option<f64>,
    cold_share: f64,
    cold_start_s: Option<f64>,
) -> f64 {
    let cold_share = cold_share.clamp(0.0, 1.0);
    let slo = slo_s.unwrap_or(f64::INFINITY);
    let miss = if duration_s > slo {
        1.0
    } else if cold_share > 0.0 && cold_start_s.is_none_or(|cold| duration_s + cold > slo) {
        cold_share
    } else {
        0.0
    };
    // A cold request is not a consistently fast one even within the SLO.
    10.0 * (1.0 - miss) * (1.0 - cold_share)
}

/// `training_suitability` from GPU access (0, 0.5 or 1), the platform's
/// time limit as a fraction of an hour and its memory as a fraction of 64 GiB.
pub fn training_score(gpu_access: f64, time_fraction: f64, memory_fraction: f64) -> f64 {
    4.0 * gpu_access.clamp(0.0, 1.0)
        + 4.0 * time_fraction.clamp(0.0, 1.0)
        + 2.0 * memory_fraction.clamp(0.0, 1.0)
}

/// `tco_intermittent` from the expected cost as deployed and the cheapest
/// alternative that meets the SLO (the deployment itself included).
pub fn intermittent_score(expected_usd: f64, cheapest_usd: f64) -> f64 {
    if expected_usd <= 0.0 || cheapest_usd >= expected_usd {
        10.0
    } else {
        10.0 * cheapest_usd.max(0.0) / expected_usd
    }
}

/// Scores a workload; `None` for a cluster's fixed fee.
pub fn score(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    expected: Option<&Expected>,
    recommendation: Option<&Recommendation>,
) -> Option<Scorecard> {
    if matches!(workload.billing, Billing::ServiceHour(_)) {
        return None;
    }
    Some(Scorecard {
        cost_of_idle: cost_of_idle(workload, profile, pricing, expected),
        operational_overhead: operational_overhead(workload, 0.0),
        low_latency_inference: low_latency(workload, profile, expected, recommendation),
        training_suitability: training(workload),
        tco_intermittent: recommendation.and_then(tco_intermittent),
    })
}

fn cost_of_idle(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    expected: Option<&Expected>,
) -> Metric {
    let estimate = pricing.estimate.as_ref();
    if estimate.is_some_and(|e| e.method == Method::PerRequest) || workload.function.is_some() {
        let provisioned = workload
            .function
            .as_ref()
            .and_then(|f| f.provisioned_concurrency)
            .unwrap_or(0);
        if provisioned == 0 {
            return Metric::new(
                10.0,
                "billed per request: nothing is paid while idle".into(),
            );
        }
        let busy = expected.and_then(|e| e.busy_replicas).unwrap_or(0.0);
        let fixed = estimate.and_then(|e| e.fixed_monthly_usd).unwrap_or(0.0);
        let monthly = estimate.map_or(0.0, |e| e.monthly_usd);
        let idle_share = if monthly > 0.0 {
            fixed * (1.0 - (busy / f64::from(provisioned)).min(1.0)) / monthly
        } else {
            1.0
        };
        return Metric::new(
            idle_score(idle_share),
            format!(
                "{}% of the cost is provisioned concurrency ({provisioned}) standing idle at {} busy instances",
                trim(idle_share * 100.0, 0),
                trim(busy, 2)
            ),
        );
    }
    let utilization = profile.number(UsageKey::Utilization);
    let traffic = expected.and_then(|e| e.busy_replicas.zip(e.replicas));
    let (idle_share, why) = match (utilization.filter(|u| u.is_set()), traffic) {
        (Some(u), _) => (
            1.0 - u.value,
            format!("declared utilization {}%", trim(u.value * 100.0, 1)),
        ),
        (None, Some((_, replicas))) if replicas <= 0.0 => (0.0, "no replica runs".to_string()),
        (None, Some((busy, replicas))) => (
            1.0 - (busy / replicas).min(1.0),
            format!(
                "{} busy of {} replicas running at its traffic",
                trim(busy, 3),
                trim(replicas, 3)
            ),
        ),
        (None, None) if workload.scaling.min == 0 => {
            return Metric::new(
                10.0,
                "scales to zero: idle replicas are removed (traffic unknown)".into(),
            )
        }
        (None, None) => match utilization {
            Some(u) => (
                1.0 - u.value,
                format!(
                    "default utilization {}% (set tcolint.io/utilization or requests-per-day)",
                    trim(u.value * 100.0, 1)
                ),
            ),
            None => (1.0, "no utilization or traffic known".to_string()),
        },
    };
    Metric::new(
        idle_score(idle_share),
        format!(
            "{}% of reserved capacity is idle: {why}",
            trim(idle_share.clamp(0.0, 1.0) * 100.0, 0)
        ),
    )
}

/// The platform's base for `operational_overhead`, and its name.
fn platform_base(workload: &Workload) -> (f64, &'static str) {
    match (&workload.billing, workload.platform) {
        (Billing::PerRequest, _) | (_, Platform::AwsLambda) => (9.0, "a managed function"),
        (Billing::UnitRates(_), _) | (_, Platform::AwsSagemaker | Platform::GcpCloudRun) => {
            (7.0, "a managed container service")
        }
        (_, Platform::AwsEc2 | Platform::GcpCompute | Platform::AzureVm) => {
            (5.0, "self-managed VMs")
        }
        _ => (
            4.0,
            "a Kubernetes platform (control plane, node pools, upgrades)",
        ),
    }
}

/// `operational_overhead` of `workload` with `ops_hours` a month of people's time.
pub fn operational_overhead(workload: &Workload, ops_hours: f64) -> Metric {
    let (base, what) = platform_base(workload);
    let self_managed_gpus = workload.has_accelerators() && base <= 5.0;
    Metric::new(
        overhead_score(base, self_managed_gpus, ops_hours),
        format!(
            "runs on {what}{}{}",
            if self_managed_gpus {
                ", with GPU drivers and device plugins to keep working"
            } else {
                ""
            },
            if ops_hours > 0.0 {
                format!(", {} ops hours a month", trim(ops_hours, 1))
            } else {
                String::new()
            }
        ),
    )
}

fn low_latency(
    workload: &Workload,
    profile: &Profile,
    expected: Option<&Expected>,
    recommendation: Option<&Recommendation>,
) -> Metric {
    let duration_s = profile
        .number(UsageKey::AvgDurationMs)
        .map_or(1.0, |d| d.value / 1000.0);
    let slo = profile.number(UsageKey::LatencySloMs);
    let slo_s = slo.map(|s| s.value / 1000.0);
    let always_warm = workload.scaling.min >= 1
        || workload
            .function
            .as_ref()
            .and_then(|f| f.provisioned_concurrency)
            .is_some_and(|p| p > 0);
    let (share, share_why) = match expected.and_then(|e| e.cold_request_share) {
        Some(share) => (share, "at its traffic"),
        None if always_warm => (0.0, "a warm replica always runs"),
        None => (1.0, "traffic unknown, so every request is assumed cold"),
    };
    let cold = recommendation.and_then(|r| r.as_deployed().cold_start_s);
    let slo_text = match (slo, slo_s) {
        (Some(s), Some(seconds)) => format!(
            "against the SLO {} ms ({})",
            trim(seconds * 1000.0, 0),
            if s.is_set() { "declared" } else { "default" }
        ),
        _ => "with no SLO set".to_string(),
    };
    Metric::new(
        latency_score(duration_s, slo_s, share, cold),
        format!(
            "{}% of requests wait for a cold start{} ({share_why}); warm {} ms {slo_text}",
            trim(share * 100.0, 1),
            cold.filter(|_| share > 0.0)
                .map_or(String::new(), |c| format!(" of {} s", trim(c, 1))),
            trim(duration_s * 1000.0, 0)
        ),
    )
}

fn training(workload: &Workload) -> Metric {
    let no_gpus_offered = matches!(workload.platform, Platform::AwsLambda)
        || matches!(&workload.billing, Billing::UnitRates(s) if s.is_fargate())
        || workload.function.is_some();
    let gpu = if workload.has_accelerators() {
        1.0
    } else if no_gpus_offered {
        0.0
    } else {
        0.5
    };
    let (time, memory, limits) = match &workload.function {
        Some(spec) => {
            let timeout = spec.timeout_s.unwrap_or(900.0);
            let memory_mb = spec.memory_mb.unwrap_or(128.0);
            (
                timeout / 3600.0,
                memory_mb / 65_536.0,
                format!(
                    "runs at most {} s with {} MB",
                    trim(timeout, 0),
                    trim(memory_mb, 0)
                ),
            )
        }
        None => (1.0, 1.0, "no execution time limit".to_string()),
    };
    let gpu_text = match gpu {
        g if g >= 1.0 => "has GPUs",
        g if g > 0.0 => "can have GPUs",
        _ => "offers no GPUs",
    };
    Metric::new(
        training_score(gpu, time, memory),
        format!("{gpu_text}; {limits}"),
    )
}

fn tco_intermittent(recommendation: &Recommendation) -> Option<Metric> {
    let deployed = recommendation.as_deployed();
    let current = deployed.monthly_usd?;
    let cheapest = recommendation
        .alternatives
        .iter()
        .filter(|a| a.qualifies())
        .min_by(|a, b| {
            a.monthly_usd
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.monthly_usd.unwrap_or(f64::INFINITY))
        })?;
    let cheapest_usd = cheapest.monthly_usd?;
    let reason = if cheapest.architecture == deployed.architecture {
        format!(
            "nothing that meets the SLO is cheaper at this traffic ({}/month)",
            crate::numbers::usd(current)
        )
    } else {
        format!(
            "{} ({}) would cost {}/month against {}/month as written",
            crate::analyze::recommend::describe(cheapest.architecture, &cheapest.platform),
            cheapest.platform,
            crate::numbers::usd(cheapest_usd),
            crate::numbers::usd(current)
        )
    };
    Some(Metric::new(
        intermittent_score(current, cheapest_usd),
        reason,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_idle_scores_lower() {
        let scores: Vec<f64> = [0.0, 0.2, 0.5, 0.9, 1.0].map(idle_score).to_vec();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
        assert_eq!(idle_score(0.0), 10.0);
        assert_eq!(idle_score(1.5), 0.0);
    }

    #[test]
    fn more_ops_hours_or_a_heavier_platform_score_lower() {
        assert!(overhead_score(9.0, false, 0.0) > overhead_score(7.0, false, 0.0));
        assert!(overhead_score(5.0, false, 0.0) > overhead_score(4.0, false, 0.0));
        assert!(overhead_score(4.0, false, 0.0) > overhead_score(4.0, true, 0.0));
        let hours: Vec<f64> = [0.0, 5.0, 10.0, 20.0]
            .map(|h| overhead_score(4.0, false, h))
            .to_vec();
        assert!(hours.windows(2).all(|w| w[0] > w[1]), "{hours:?}");
    }

    #[test]
    fn more_cold_starts_longer_ones_or_a_tighter_slo_score_lower() {
        let shares: Vec<f64> = [0.0, 0.01, 0.3, 0.9]
            .map(|share| latency_score(0.1, Some(1.0), share, Some(5.0)))
            .to_vec();
        assert!(shares.windows(2).all(|w| w[0] > w[1]), "{shares:?}");
        assert!(
            latency_score(0.1, Some(1.0), 0.3, Some(0.5))
                > latency_score(0.1, Some(1.0), 0.3, Some(5.0))
        );
        assert!(
            latency_score(0.1, Some(10.0), 0.3, Some(5.0))
                > latency_score(0.1, Some(1.0), 0.3, Some(5.0))
        );
        assert_eq!(latency_score(2.0, Some(1.0), 0.0, Some(0.0)), 0.0);
        assert_eq!(latency_score(0.1, Some(1.0), 0.0, None), 10.0);
    }

    #[test]
    fn gpus_time_and_memory_raise_training_suitability() {
        assert!(training_score(1.0, 1.0, 1.0) > training_score(0.5, 1.0, 1.0));
        assert!(training_score(0.5, 1.0, 1.0) > training_score(0.5, 0.25, 1.0));
        assert!(training_score(0.0, 0.25, 0.5) > training_score(0.0, 0.25, 0.1));
        assert_eq!(training_score(1.0, 1.0, 1.0), 10.0);
    }

    #[test]
    fn a_dearer_deployment_than_the_cheapest_alternative_scores_lower() {
        let scores: Vec<f64> = [100.0, 200.0, 1000.0]
            .map(|expected| intermittent_score(expected, 100.0))
            .to_vec();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
        assert_eq!(intermittent_score(50.0, 100.0), 10.0);
        assert_eq!(intermittent_score(0.0, 0.0), 10.0);
    }

    fn scorecard(file: &str, text: &str) -> Scorecard {
        let report = crate::test_support::scan_text(file, text, &["E001"], &[]);
        report.workloads[0].scorecard.clone().expect("a scorecard")
    }

    /// The textbook cases: a sporadic, low-volume function scores high on
    /// idle cost and intermittent TCO and low on latency and training; a
    /// busy GPU deployment the reverse on latency and training, and below
    /// the function on idle cost.
    #[test]
    fn textbook_calibration() {
        let function = crate::test_support::serverless(
            "classify",
            &["events:", "  - httpApi: {path: /classify, method: post}"],
            &["requests-per-day: 50", "avg-duration-ms: 300"],
        );
        let sporadic = scorecard("serverless.yml", &function);
        assert_eq!(sporadic.cost_of_idle.score, 10.0);
        assert_eq!(sporadic.tco_intermittent.as_ref().unwrap().score, 10.0);
        assert!(
            sporadic.low_latency_inference.score <= 3.0,
            "{:?}",
            sporadic.low_latency_inference
        );
        assert!(
            sporadic.training_suitability.score <= 2.0,
            "{:?}",
            sporadic.training_suitability
        );
        assert_eq!(sporadic.operational_overhead.score, 9.0);

        let gpu = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rerank\n  namespace: ml\n  annotations:\n    tcolint.io/purpose: inference\n    tcolint.io/requests-per-day: \"2000000\"\n    tcolint.io/avg-duration-ms: \"80\"\n    tcolint.io/latency-slo-ms: \"150\"\n    tcolint.io/utilization: \"0.8\"\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: rerank}\n  template:\n    metadata:\n      labels: {app: rerank}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: g6.xlarge\n      containers:\n      - name: rerank\n        image: ghcr.io/acme/rerank:2\n        resources:\n          limits: {cpu: \"3\", memory: 12Gi, nvidia.com/gpu: 1}\n";
        let busy = scorecard("rerank.yaml", gpu);
        assert_eq!(busy.low_latency_inference.score, 10.0);
        assert_eq!(busy.training_suitability.score, 10.0);
        assert_eq!(busy.cost_of_idle.score, 8.0);
        assert!(busy.cost_of_idle.score < sporadic.cost_of_idle.score);
        assert!(busy.operational_overhead.score < sporadic.operational_overhead.score);
        assert!(busy.low_latency_inference.score > sporadic.low_latency_inference.score);
        assert!(busy.training_suitability.score > sporadic.training_suitability.score);
    }
}
