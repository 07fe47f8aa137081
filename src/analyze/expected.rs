//! Expected cost under the usage profile: the replica-hours a workload's
//! traffic really keeps running, between the baseline (min replicas all
//! month) and the peak (max replicas all month).
//!
//! With λ = requests per day / 86,400 (requests per second, Poisson
//! arrivals), d = average duration in seconds and c = requests one replica
//! serves at once (the autoscaler's concurrency target, else 1):
//!
//! ```text
//! busy replicas        b = λ × d / c                        (Little's law)
//! floor ≥ 1            replicas = clamp(max(min, b), min, max)
//! scale-to-zero        K = keep-alive (KEDA cooldownPeriod, Knative window, Lambda idle lifetime)
//!                      cold share    p = e^(−λ (K + d))      (no request in the last K + d seconds)
//!                      cold starts   = requests per day × p
//!                      warm share    w = 1 − p + cold starts × boot s / 86,400   (capped at 1)
//!                      replicas = min(max, max(w, b))
//! expected monthly     = replica hourly × replicas × 730 h
//! ```
//!
//! Functions (per-request billing) already cost what their traffic uses;
//! only their cold starts are projected, with K = Lambda's idle-instance
//! lifetime and no cold start while provisioned concurrency covers the load.
//! Autoscaler headroom (target utilization below 100%) is not modelled.

use serde::Serialize;

use crate::analyze::cost::{Method, Pricing};
use crate::analyze::latency::ColdStart;
use crate::analyze::profile::{Profile, Resolved};
use crate::catalog::HOURS_PER_MONTH;
use crate::model::{FunctionSpec, UsageKey, Workload};
use crate::numbers::{trim, usd, usd_rate};

/// How long an idle Lambda execution environment is kept before it is
/// recycled, seconds: AWS's fixed keep-alive of 10 minutes (Shahrad et al.,
/// "Serverless in the Wild", USENIX ATC'20); measured lifetimes range from
/// 5–7 min to over 25 min (mikhail.io/serverless/coldstarts/big3).
pub const LAMBDA_IDLE_LIFETIME_S: f64 = 600.0;

const SECONDS_PER_DAY: f64 = 86_400.0;

/// The workload's expected cost and cold starts at its usage profile.
#[derive(Clone, Debug, Serialize)]
pub struct Expected {
    /// Expected monthly cost; null when the workload is unpriced or its
    /// traffic is unknown.
    #[serde(serialize_with = "crate::numbers::optional::<_, 2>")]
    pub monthly_usd: Option<f64>,
    /// Average replicas (instances) running.
    #[serde(serialize_with = "crate::numbers::optional::<_, 6>")]
    pub replicas: Option<f64>,
    /// Average replicas busy serving requests (λ × d / c).
    #[serde(serialize_with = "crate::numbers::optional::<_, 6>")]
    pub busy_replicas: Option<f64>,
    /// Seconds the last replica stays after its last request (scale-to-zero).
    #[serde(serialize_with = "crate::numbers::optional::<_, 3>")]
    pub keep_alive_s: Option<f64>,
    /// Cold starts per day at the declared traffic (scale-to-zero).
    #[serde(serialize_with = "crate::numbers::optional::<_, 2>")]
    pub cold_starts_per_day: Option<f64>,
    /// Share of requests that wait for a cold start.
    #[serde(serialize_with = "crate::numbers::optional::<_, 6>")]
    pub cold_request_share: Option<f64>,
    /// Whether the request volume is set by a person (not defaulted).
    pub traffic_declared: bool,
    /// The formula with its inputs and their origins.
    pub basis: String,
}

/// The traffic inputs, resolved.
struct Traffic<'p> {
    requests: &'p Resolved<f64>,
    rate_per_s: f64,
    duration_s: f64,
    duration_basis: String,
}

fn traffic(profile: &Profile) -> Option<Traffic<'_>> {
    let requests = profile.number(UsageKey::RequestsPerDay)?;
    let (duration_s, duration_basis) = match profile.number(UsageKey::AvgDurationMs) {
        Some(d) => (
            d.value / 1000.0,
            format!("d = {} s ({})", trim(d.value / 1000.0, 3), origin(d)),
        ),
        None => (1.0, "d = 1 s (assumed)".to_string()),
    };
    Some(Traffic {
        requests,
        rate_per_s: requests.value / SECONDS_PER_DAY,
        duration_s,
        duration_basis,
    })
}

fn origin(value: &Resolved<f64>) -> &'static str {
    if value.is_set() {
        "declared"
    } else {
        "default"
    }
}

/// Projects the expected cost and cold starts of `workload`; `None` for
/// work that runs to completion and fixed fees, whose cost does not follow
/// request traffic.
pub fn expected(
    workload: &Workload,
    profile: &Profile,
    pricing: &Pricing,
    cold_start: Option<&ColdStart>,
) -> Option<Expected> {
    if workload.run_to_completion {
        return None;
    }
    let estimate = pricing.estimate.as_ref();
    if estimate.is_some_and(|e| e.method == Method::ServiceHour) {
        return None;
    }
    if let Some(spec) = &workload.function {
        return function(spec, profile, pricing, cold_start);
    }
    let scaling = &workload.scaling;
    let hourly = estimate.map(|e| e.per_replica_hourly_usd);
    let monthly = |replicas: f64| hourly.map(|h| h * replicas * HOURS_PER_MONTH);
    let price_text = |replicas: f64| match hourly {
        Some(h) => format!(
            "; {} /h x {} replicas x {HOURS_PER_MONTH} h = {}/month",
            usd_rate(h),
            trim(replicas, 4),
            usd(h * replicas * HOURS_PER_MONTH)
        ),
        None => "; unpriced".to_string(),
    };
    let Some(traffic) = traffic(profile) else {
        if scaling.min >= 1 {
            let replicas = f64::from(scaling.min);
            return Some(Expected {
                monthly_usd: monthly(replicas),
                replicas: Some(replicas),
                busy_replicas: None,
                keep_alive_s: None,
                cold_starts_per_day: None,
                cold_request_share: None,
                traffic_declared: false,
                basis: format!(
                    "no request volume is set, so the floor of {} replica(s) is assumed to carry the load{}; set tcolint.io/requests-per-day",
                    scaling.min,
                    price_text(replicas)
                ),
            });
        }
        return Some(Expected {
            monthly_usd: None,
            replicas: None,
            busy_replicas: None,
            keep_alive_s: scaling.keep_alive_s.as_ref().map(|k| k.value),
            cold_starts_per_day: None,
            cold_request_share: None,
            traffic_declared: false,
            basis: "scales to zero, so its cost follows its traffic, and no request volume is set; set tcolint.io/requests-per-day".into(),
        });
    };
    let (concurrency, concurrency_basis) = match &scaling.concurrency {
        Some(c) if c.value > 0.0 => (c.value, format!("c = {} ({})", trim(c.value, 2), c.basis)),
        _ => (
            1.0,
            "c = 1 (one request at a time per replica, assumed)".to_string(),
        ),
    };
    let busy = traffic.rate_per_s * traffic.duration_s / concurrency;
    let max = scaling.max.map_or(f64::INFINITY, f64::from);
    let inputs = format!(
        "λ = {} requests/day ({}) / 86400 s, {}, {concurrency_basis}: busy replicas b = λ x d / c = {}",
        trim(traffic.requests.value, 2),
        origin(traffic.requests),
        traffic.duration_basis,
        trim(busy, 4)
    );
    if scaling.min >= 1 {
        let replicas = busy.max(f64::from(scaling.min)).min(max);
        return Some(Expected {
            monthly_usd: monthly(replicas),
            replicas: Some(replicas),
            busy_replicas: Some(busy),
            keep_alive_s: None,
            cold_starts_per_day: Some(0.0),
            cold_request_share: Some(0.0),
            traffic_declared: traffic.requests.is_set(),
            basis: format!(
                "{inputs}; replicas = clamp(max(min {}, b), min, max {}) = {}{}",
                scaling.min,
                scaling
                    .max
                    .map_or("unbounded".to_string(), |m| m.to_string()),
                trim(replicas, 4),
                price_text(replicas)
            ),
        });
    }
    let (keep_alive, keep_alive_basis) = match &scaling.keep_alive_s {
        Some(k) => (k.value, format!("K = {} s ({})", trim(k.value, 1), k.basis)),
        None => (
            0.0,
            "K = 0 s (the source names no keep-alive, so replicas are assumed to stop when idle)"
                .to_string(),
        ),
    };
    let boot_s = cold_start.map_or(0.0, |c| c.total_s);
    let ScaleToZero {
        cold_share: share,
        cold_starts_per_day: cold_per_day,
        warm,
        replicas,
        ..
    } = scale_to_zero(
        traffic.requests.value,
        traffic.duration_s,
        concurrency,
        keep_alive,
        boot_s,
        max,
    );
    Some(Expected {
        monthly_usd: monthly(replicas),
        replicas: Some(replicas),
        busy_replicas: Some(busy),
        keep_alive_s: Some(keep_alive),
        cold_starts_per_day: Some(cold_per_day),
        cold_request_share: Some(share),
        traffic_declared: traffic.requests.is_set(),
        basis: format!(
            "{inputs}; {keep_alive_basis}; cold share p = e^(-λ (K + d)) = {}, cold starts = {} x p = {}/day; warm share w = 1 - p + cold starts x {} s boot / 86400 = {}; replicas = min(max, max(w, b)) = {}{}",
            trim(share, 4),
            trim(traffic.requests.value, 2),
            trim(cold_per_day, 2),
            trim(boot_s, 1),
            trim(warm, 4),
            trim(replicas, 4),
            price_text(replicas)
        ),
    })
}

/// The scale-to-zero model at one request volume (the module's formula).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleToZero {
    /// Busy replicas b = λ × d / c.
    pub busy: f64,
    /// Share of requests that find no replica: p = e^(−λ (K + d)).
    pub cold_share: f64,
    /// Cold starts per day: requests per day × p.
    pub cold_starts_per_day: f64,
    /// Share of the day the last replica runs (keep-alive windows and
    /// boots): w = 1 − p + cold starts × boot s / 86,400, at most 1.
    pub warm: f64,
    /// Replicas billed on average: min(max, max(w, b)).
    pub replicas: f64,
}

/// Evaluates the scale-to-zero model for `requests_per_day` (Poisson
/// arrivals) of `duration_s` each, `concurrency` per replica, a keep-alive
/// of `keep_alive_s` after the last request, `boot_s` per cold start and
/// at most `max_replicas`. `replicas` never decreases as the volume grows.
pub fn scale_to_zero(
    requests_per_day: f64,
    duration_s: f64,
    concurrency: f64,
    keep_alive_s: f64,
    boot_s: f64,
    max_replicas: f64,
) -> ScaleToZero {
    let rate_per_s = requests_per_day / SECONDS_PER_DAY;
    let busy = rate_per_s * duration_s / concurrency;
    let cold_share = (-rate_per_s * (keep_alive_s + duration_s)).exp();
    let cold_starts_per_day = requests_per_day * cold_share;
    let warm = (1.0 - cold_share + cold_starts_per_day * boot_s / SECONDS_PER_DAY).min(1.0);
    ScaleToZero {
        busy,
        cold_share,
        cold_starts_per_day,
        warm,
        replicas: warm.max(busy).min(max_replicas),
    }
}

fn function(
    spec: &FunctionSpec,
    profile: &Profile,
    pricing: &Pricing,
    cold_start: Option<&ColdStart>,
) -> Option<Expected> {
    let traffic = traffic(profile)?;
    let monthly = pricing.estimate.as_ref().map(|e| e.monthly_usd);
    let busy = traffic.rate_per_s * traffic.duration_s;
    let plan = crate::analyze::plans::facts(spec.plan);
    let provisioned = f64::from(spec.provisioned_concurrency.unwrap_or(0).max(plan.floor));
    let inputs = format!(
        "λ = {} requests/day ({}) / 86400 s, {}: concurrent executions b = λ x d = {}",
        trim(traffic.requests.value, 2),
        origin(traffic.requests),
        traffic.duration_basis,
        trim(busy, 4)
    );
    let keep_alive = plan.keep_alive.map(|(k, _)| k);
    let (share, cold_text) = if provisioned > 0.0 && busy <= provisioned {
        (
            0.0,
            format!(
                "{} {} covers the load, so requests find a warm instance",
                plan.warm_setting,
                trim(provisioned, 0)
            ),
        )
    } else if let Some((k, why)) = plan.keep_alive {
        let share = (-traffic.rate_per_s * (k + traffic.duration_s)).exp();
        (
            share,
            format!(
                "K = {} s ({why}): cold share p = e^(-λ (K + d)) = {}",
                trim(k, 0),
                trim(share, 4)
            ),
        )
    } else {
        return None;
    };
    let cold_per_day = traffic.requests.value * share;
    Some(Expected {
        monthly_usd: monthly,
        replicas: Some(busy.max(provisioned)),
        busy_replicas: Some(busy),
        keep_alive_s: keep_alive,
        cold_starts_per_day: Some(cold_per_day),
        cold_request_share: Some(share),
        traffic_declared: traffic.requests.is_set(),
        basis: format!(
            "{inputs}; {cold_text}; cold starts = {} x p = {}/day{}; billed per request, so the expected cost is the per-request cost at this volume{}",
            trim(traffic.requests.value, 2),
            trim(cold_per_day, 2),
            cold_start.map_or(String::new(), |c| format!(" of about {} s", trim(c.total_s, 2))),
            monthly.map_or(String::new(), |m| format!(" = {}/month", usd(m)))
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::report::WorkloadReport;
    use crate::test_support::scan_text;

    fn kserve(annotations: &str, min: u32) -> String {
        format!(
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: bert\n  namespace: nlp\n  annotations:\n{annotations}spec:\n  predictor:\n    minReplicas: {min}\n    maxReplicas: 4\n    nodeSelector:\n      node.kubernetes.io/instance-type: g6.xlarge\n    pytorch:\n      storageUri: s3://models/bert\n      resources: {{limits: {{nvidia.com/gpu: 1, cpu: '3', memory: 12Gi}}}}\n"
        )
    }

    fn reported<T>(text: &str, check: impl FnOnce(&WorkloadReport) -> T) -> T {
        let report = scan_text("isvc.yaml", text, &["E001"], &[]);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        check(&report.workloads[0])
    }

    #[test]
    fn scale_to_zero_costs_what_its_traffic_keeps_warm() {
        let text = kserve(
            "    tcolint.io/requests-per-day: \"200\"\n    tcolint.io/avg-duration-ms: \"500\"\n    autoscaling.knative.dev/window: \"5m\"\n",
            0,
        );
        reported(&text, |w| {
            let cost = w.cost.as_ref().unwrap();
            let expected = cost.expected.as_ref().unwrap();
            let monthly = cost.expected_monthly_usd.unwrap();
            assert!(monthly > cost.monthly_usd, "{monthly}");
            assert!(monthly < cost.peak_monthly_usd.unwrap(), "{monthly}");
            // λ = 200/86400; K = 300 s; d = 0.5 s; c = 100 (Knative default).
            let rate = 200.0 / 86_400.0;
            let share = (-rate * 300.5_f64).exp();
            assert!((expected.cold_request_share.unwrap() - share).abs() < 1e-12);
            let cold_start = w.cold_start.as_ref().unwrap();
            let per_day = cold_start.expected_cold_starts_per_day.unwrap();
            assert!((per_day - 200.0 * share).abs() < 1e-9, "{per_day}");
            assert_eq!(crate::numbers::round(per_day, 2), 99.75);
            let warm = 1.0 - share + 200.0 * share * cold_start.total_s / 86_400.0;
            // g6.xlarge $0.8048/h, one GPU of one: a whole node per replica.
            assert!(
                (monthly - 0.8048 * warm * 730.0).abs() < 1e-9,
                "{}",
                expected.basis
            );
            // Boot 321.2 s (default 12.64 GB image, 16 GB model): w = 0.50123
            // + 99.75 x 321.2 / 86400 = 0.87206; $0.8048 x 0.87206 x 730 h.
            assert_eq!(crate::numbers::round(monthly, 2), 512.35);
            assert_eq!(expected.keep_alive_s, Some(300.0));
            assert!(expected.basis.contains("window 5m"), "{}", expected.basis);
        });
    }

    #[test]
    fn more_traffic_means_fewer_cold_starts_per_request_and_more_cost() {
        let at = |requests: u32| {
            let text = kserve(
                &format!("    tcolint.io/requests-per-day: \"{requests}\"\n"),
                0,
            );
            reported(&text, |w| {
                let cost = w.cost.as_ref().unwrap();
                let e = cost.expected.as_ref().unwrap();
                (
                    e.cold_request_share.unwrap(),
                    cost.expected_monthly_usd.unwrap(),
                )
            })
        };
        let (sparse_share, sparse_cost) = at(50);
        let (busy_share, busy_cost) = at(5_000);
        assert!(busy_share < sparse_share);
        assert!(busy_cost > sparse_cost);
    }

    #[test]
    fn a_floor_without_traffic_is_the_baseline_and_unknown_traffic_at_zero_is_unknown() {
        reported(&kserve("    x: y\n", 1), |w| {
            let cost = w.cost.as_ref().unwrap();
            assert_eq!(cost.expected_monthly_usd, Some(cost.monthly_usd));
            assert!(cost
                .expected
                .as_ref()
                .unwrap()
                .basis
                .contains("no request volume is set"));
        });
        reported(&kserve("    x: y\n", 0), |w| {
            let cost = w.cost.as_ref().unwrap();
            assert_eq!(cost.expected_monthly_usd, None);
            assert_eq!(cost.expected.as_ref().unwrap().keep_alive_s, Some(60.0));
        });
    }

    #[test]
    fn keda_cooldown_is_the_keep_alive() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  namespace: ml\n  annotations:\n    tcolint.io/requests-per-day: \"100\"\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: w}\n  template:\n    metadata:\n      labels: {app: w}\n    spec:\n      containers:\n      - name: w\n        image: w\n        resources: {requests: {cpu: '1', memory: 2Gi}}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\n  namespace: ml\nspec:\n  scaleTargetRef: {name: w}\n  cooldownPeriod: 900\n  maxReplicaCount: 3\n";
        reported(text, |w| {
            let e = w.cost.as_ref().unwrap().expected.as_ref().unwrap();
            assert_eq!(e.keep_alive_s, Some(900.0));
            let share = (-(100.0 / 86_400.0) * 901.0_f64).exp();
            assert!(
                (e.cold_request_share.unwrap() - share).abs() < 1e-12,
                "{}",
                e.basis
            );
            assert!(e.basis.contains("KEDA cooldownPeriod 900 s"), "{}", e.basis);
        });
    }

    /// A sparse Azure Functions app: 50 executions a day against Azure's
    /// 20-minute keep-alive; a Cloud Run function without a declared volume
    /// gets no expectation rather than an invented one.
    #[test]
    fn functions_outside_aws_use_their_platforms_keep_alive() {
        let azure = "service: s\nprovider:\n  name: azure\n  region: East US\n  runtime: python3.11\ncustom:\n  tcolint:\n    usage:\n      f: {requests-per-day: 50, avg-duration-ms: 400}\nfunctions:\n  f:\n    handler: h\n    events:\n      - http: true\n";
        let report = scan_text("serverless.yml", azure, &["E001"], &[]);
        let expected = report.workloads[0]
            .cost
            .as_ref()
            .unwrap()
            .expected
            .as_ref()
            .unwrap();
        assert_eq!(expected.keep_alive_s, Some(1200.0));
        let share = (-(50.0 / 86_400.0) * 1200.4_f64).exp();
        assert!(
            (expected.cold_request_share.unwrap() - share).abs() < 1e-12,
            "{}",
            expected.basis
        );
        assert!(
            expected
                .basis
                .contains("Azure Functions' fixed 20-minute keep-alive"),
            "{}",
            expected.basis
        );
        let gcf = "resource \"google_cloudfunctions2_function\" \"f\" {\n  location = \"us-central1\"\n}\n";
        let report = scan_text("main.tf", gcf, &["E001"], &[]);
        let workload = &report.workloads[0];
        // No traffic is declared (Terraform has no annotations), so no expectation.
        assert!(workload.cost.as_ref().unwrap().expected.is_none());
    }
}
