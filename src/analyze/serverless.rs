//! The Lambda cost model, per month at the workload's usage profile:
//!
//! ```text
//! requests        R × 0.20 USD per million
//! duration        R × duration s × memory GB × rate per GB-s (x86_64 or arm64;
//!                 the provisioned-duration rate when provisioned concurrency serves them)
//! provisioned     instances × memory GB × 730 h × 3600 s × standby rate per GB-s
//! storage         R × duration s × (ephemeral GB − 0.5) × rate per GB-s
//! API Gateway     R × rate per request (REST for `http`, HTTP API for `httpApi`)
//! ```
//!
//! with R = requests per day × 730 / 24. Every rate is a `catalog/services.tsv`
//! row with its source and date. Volume tiers and the free tier are not applied.

use crate::analyze::cost::{CostEstimate, Method, Pricing};
use crate::analyze::profile::Profile;
use crate::catalog::{Catalog, HOURS_PER_MONTH};
use crate::model::{FunctionSpec, Trigger, UsageKey, Workload};
use crate::numbers::{trim, usd};

/// Days in a month, consistent with 730 hours.
pub const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

/// Rates of one function, resolved from the catalogue.
#[derive(Clone, Debug)]
pub struct LambdaRates {
    /// Per request.
    pub request: f64,
    /// Per GB-s of duration, on demand (by architecture).
    pub duration: f64,
    /// Per GB-s of duration served by provisioned concurrency.
    pub provisioned_duration: f64,
    /// Per GB-s of provisioned concurrency configured.
    pub provisioned: f64,
    /// Per GB-s of ephemeral storage beyond 512 MB.
    pub ephemeral: f64,
    /// Per request at the API in front, if any: (name, rate).
    pub api: Option<(&'static str, f64)>,
    /// Citations, for basis strings.
    pub cite: String,
}

/// The catalogue rates for a function.
pub fn rates(spec: &FunctionSpec, catalog: &Catalog) -> Option<LambdaRates> {
    let rate = |unit: &str| catalog.service("lambda", unit).map(|r| r.usd);
    let architecture = if spec.architecture.as_deref() == Some("arm64") {
        "arm64"
    } else {
        "x86_64"
    };
    let api = if spec.has_trigger(&Trigger::RestApi) {
        catalog
            .service("api-gateway-rest", "request")
            .map(|r| ("API Gateway REST", r.usd))
    } else if spec.has_trigger(&Trigger::HttpApi) {
        catalog
            .service("api-gateway-http", "request")
            .map(|r| ("API Gateway HTTP API", r.usd))
    } else {
        None
    };
    let source = catalog.service("lambda", "request")?.price_source.clone();
    let mut cite = format!("catalog/services.tsv, {}", catalog.cite(&source));
    // Provisioned concurrency has its own arm64 rates (20% below x86).
    let provisioned_rate = |unit: &str| {
        if architecture == "arm64" {
            if let Some(arm) = catalog.service("lambda", &format!("{unit}-arm64")) {
                return Some((arm.usd, Some(arm.price_source.clone())));
            }
        }
        rate(unit).map(|usd| (usd, None))
    };
    let (provisioned_duration, arm_source) = provisioned_rate("provisioned-duration-gb-second")?;
    let (provisioned, _) = provisioned_rate("provisioned-gb-second")?;
    if let Some(arm_source) = arm_source {
        cite.push_str(&format!(
            "; arm64 provisioned concurrency {}",
            catalog.cite(&arm_source)
        ));
    }
    Some(LambdaRates {
        request: rate("request")?,
        duration: rate(&format!("gb-second-{architecture}"))?,
        provisioned_duration,
        provisioned,
        ephemeral: rate("ephemeral-gb-second")?,
        api,
        cite,
    })
}

impl LambdaRates {
    /// The cost of one request (duration `seconds`, memory `memory_gb`,
    /// ephemeral storage beyond the free 512 MB `extra_storage_gb`).
    pub fn per_request(
        &self,
        seconds: f64,
        memory_gb: f64,
        extra_storage_gb: f64,
        provisioned: bool,
    ) -> f64 {
        let duration_rate = if provisioned {
            self.provisioned_duration
        } else {
            self.duration
        };
        self.request
            + seconds * memory_gb * duration_rate
            + seconds * extra_storage_gb * self.ephemeral
            + self.api.map_or(0.0, |(_, rate)| rate)
    }

    /// The fixed monthly cost of `instances` provisioned instances.
    pub fn provisioned_monthly(&self, instances: u32, memory_gb: f64) -> f64 {
        f64::from(instances) * memory_gb * HOURS_PER_MONTH * 3600.0 * self.provisioned
    }
}

/// Prices a Lambda function at its usage profile.
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
    let Some(rates) = rates(spec, catalog) else {
        pricing.unpriced_reason = Some("the catalogue has no Lambda rates".into());
        return pricing;
    };
    if let Some(region) = &workload.placement.region {
        if let Some(request) = catalog.service("lambda", "request") {
            if *region != request.region {
                if let Err(reason) = catalog.lambda_same_rates(region) {
                    pricing.unpriced_reason = Some(reason);
                    return pricing;
                }
                pricing.notes.push(format!(
                    "Lambda in {region} charges the {} rates ({}: regions not listed as exceptions use the default rate)",
                    request.region,
                    catalog.cite("POWER-TUNING")
                ));
            }
        }
    }
    pricing.cloud = Some(crate::model::Cloud::Aws);
    let Some(memory_mb) = spec.memory_mb else {
        pricing.unpriced_reason =
            Some("the function's memory is not known before deployment".into());
        return pricing;
    };
    let memory_gb = memory_mb / 1024.0;
    let extra_storage_gb = (spec.ephemeral_storage_mb.unwrap_or(512.0) - 512.0).max(0.0) / 1024.0;
    let provisioned = spec.provisioned_concurrency.unwrap_or(0);
    let seconds = profile
        .number(UsageKey::AvgDurationMs)
        .map_or(1.0, |d| d.value / 1000.0);
    let fixed = rates.provisioned_monthly(provisioned, memory_gb);
    let per_request = rates.per_request(seconds, memory_gb, extra_storage_gb, provisioned > 0);
    let requests = profile
        .number(UsageKey::RequestsPerDay)
        .map(|r| r.value * DAYS_PER_MONTH);

    let mut terms = vec![format!(
        "{} per request (requests {} + duration {} s x {} GB x {}{}{})",
        usd_small(per_request),
        usd_small(rates.request),
        trim(seconds, 3),
        trim(memory_gb, 4),
        usd_small(if provisioned > 0 {
            rates.provisioned_duration
        } else {
            rates.duration
        }),
        if extra_storage_gb > 0.0 {
            format!(
                " + storage {} GB x {}",
                trim(extra_storage_gb, 3),
                usd_small(rates.ephemeral)
            )
        } else {
            String::new()
        },
        rates.api.map_or(String::new(), |(name, rate)| format!(
            " + {name} {}",
            usd_small(rate)
        ))
    )];
    if provisioned > 0 {
        terms.push(format!(
            "provisioned concurrency {provisioned} x {} GB x 730 h x 3600 s x {} = {}/month",
            trim(memory_gb, 4),
            usd_small(rates.provisioned),
            usd(fixed)
        ));
    }
    let monthly = fixed + requests.map_or(0.0, |r| r * per_request);
    let volume = request_volume(requests, &mut pricing);
    if spec.has_trigger(&Trigger::LoadBalancer) {
        pricing.notes.push("an ALB in front of the function is billed per hour and LCU; the catalogue has no ALB rates, so it is not counted".into());
    }
    pricing
        .notes
        .push("Lambda volume tiers and the free tier are not applied".into());
    let basis = format!(
        "Lambda ({}): {}; {volume} = {}/month",
        rates.cite,
        terms.join("; "),
        usd(monthly)
    );
    pricing.estimate = Some(CostEstimate {
        per_replica_hourly_usd: memory_gb * 3600.0 * rates.provisioned,
        monthly_usd: monthly,
        peak_monthly_usd: None,
        idle_monthly_usd: None,
        utilization: None,
        basis,
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

/// Small dollar amounts (per request, per GB-s) without rounding them away.
/// The basis term for a function's monthly request volume; without a
/// declared volume only fixed charges count, and an assumption says so.
pub fn request_volume(requests_per_month: Option<f64>, pricing: &mut Pricing) -> String {
    match requests_per_month {
        Some(r) => format!(
            "{} requests/month ({} per day x 730/24 days) x per-request cost",
            trim(r, 0),
            trim(r / DAYS_PER_MONTH, 0)
        ),
        None => {
            pricing.notes.push(
                "requests-per-day is not set, so only fixed charges are counted; set tcolint.io/requests-per-day or usage in tcolint.yml".into(),
            );
            "no request volume set: request charges not counted".into()
        }
    }
}

pub fn usd_small(value: f64) -> String {
    if value >= 0.01 {
        format!("${}", trim(value, 4))
    } else {
        format!("${value:.10}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{breakeven, profile};
    use crate::extract::shared::function::function_workload;
    use crate::extract::shared::purpose;
    use crate::model::{FunctionEvent, UsageMap, UsageSetting, UsageValue};
    use crate::source::SourceFile;

    fn function(
        memory_mb: f64,
        architecture: &str,
        provisioned: Option<u32>,
        trigger: Trigger,
        usage: &[(UsageKey, f64)],
    ) -> Workload {
        let at = SourceFile::new("serverless.yml", "x").start();
        let spec = FunctionSpec {
            memory_mb: Some(memory_mb),
            timeout_s: Some(10.0),
            ephemeral_storage_mb: Some(512.0),
            runtime: Some("python3.12".into()),
            architecture: Some(architecture.into()),
            package_type: Some("Zip".into()),
            provisioned_concurrency: provisioned,
            events: vec![FunctionEvent {
                trigger,
                location: at.clone(),
            }],
            ..FunctionSpec::default()
        };
        let usage: UsageMap = usage
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    UsageSetting {
                        value: UsageValue::Number(*v),
                        location: at.clone(),
                    },
                )
            })
            .collect();
        let mut workload = function_workload(
            "sls:api/predict".into(),
            "function",
            at,
            spec,
            Some("us-east-1".into()),
            usage,
            Vec::new(),
            Vec::new(),
        );
        purpose::infer(&mut workload);
        workload
    }

    fn priced(workload: &Workload) -> (Pricing, Profile) {
        let catalog = Catalog::embedded().unwrap();
        let profile = profile::resolve(workload, &[], &catalog);
        (
            price(workload, &profile, &catalog, Pricing::default()),
            profile,
        )
    }

    #[test]
    fn requests_duration_and_api_gateway() {
        let workload = function(
            2048.0,
            "arm64",
            None,
            Trigger::RestApi,
            &[
                (UsageKey::RequestsPerDay, 100_000.0),
                (UsageKey::AvgDurationMs, 250.0),
            ],
        );
        let (pricing, _) = priced(&workload);
        let estimate = pricing.estimate.unwrap();
        let per_request = 0.0000002 + 0.25 * 2.0 * 0.0000133334 + 0.0000035;
        assert!((estimate.per_request_usd.unwrap() - per_request).abs() < 1e-15);
        let monthly = 100_000.0 * 730.0 / 24.0 * per_request;
        assert!((estimate.monthly_usd - monthly).abs() < 1e-9);
        assert_eq!(crate::numbers::round(estimate.monthly_usd, 2), 31.53);
        assert_eq!(estimate.fixed_monthly_usd, Some(0.0));
    }

    #[test]
    fn provisioned_concurrency_is_a_fixed_cost_with_a_lower_duration_rate() {
        let workload = function(
            2048.0,
            "x86_64",
            Some(2),
            Trigger::HttpApi,
            &[
                (UsageKey::RequestsPerDay, 10_000.0),
                (UsageKey::AvgDurationMs, 100.0),
            ],
        );
        let (pricing, _) = priced(&workload);
        let estimate = pricing.estimate.unwrap();
        let fixed = 2.0 * 2.0 * 730.0 * 3600.0 * 0.0000041667;
        assert!((estimate.fixed_monthly_usd.unwrap() - fixed).abs() < 1e-9);
        assert_eq!(crate::numbers::round(fixed, 2), 43.80);
        let per_request = 0.0000002 + 0.1 * 2.0 * 0.0000097222 + 0.000001;
        assert!(
            (estimate.monthly_usd - (fixed + 10_000.0 * 730.0 / 24.0 * per_request)).abs() < 1e-9
        );
    }

    #[test]
    fn arm64_provisioned_concurrency_has_its_own_rates() {
        let workload = function(
            2048.0,
            "arm64",
            Some(2),
            Trigger::HttpApi,
            &[
                (UsageKey::RequestsPerDay, 10_000.0),
                (UsageKey::AvgDurationMs, 100.0),
            ],
        );
        let (pricing, _) = priced(&workload);
        let estimate = pricing.estimate.unwrap();
        // 2 instances x 2 GB x 730 h x 3600 s x 0.0000033334 (arm64, not x86's 0.0000041667).
        let fixed = 2.0 * 2.0 * 730.0 * 3600.0 * 0.0000033334;
        assert_eq!(crate::numbers::round(fixed, 2), 35.04);
        assert!((estimate.fixed_monthly_usd.unwrap() - fixed).abs() < 1e-9);
        let per_request = 0.0000002 + 0.1 * 2.0 * 0.0000077778 + 0.000001;
        let monthly = fixed + 10_000.0 * 730.0 / 24.0 * per_request;
        assert!((estimate.monthly_usd - monthly).abs() < 1e-9);
        assert_eq!(crate::numbers::round(monthly, 2), 35.88);
        assert!(
            estimate
                .basis
                .contains("AWS Lambda pricing, Arm provisioned concurrency, 2025-10"),
            "{}",
            estimate.basis
        );
    }

    #[test]
    fn break_even_against_the_cheapest_fitting_instance() {
        let workload = function(
            2048.0,
            "x86_64",
            None,
            Trigger::Queue,
            &[(UsageKey::AvgDurationMs, 200.0)],
        );
        let catalog = Catalog::embedded().unwrap();
        let (pricing, profile) = priced(&workload);
        let even = breakeven::break_even(&workload, &profile, &pricing, None, &catalog).unwrap();
        // t3a.small (2 GiB) is the cheapest us-east-1 x86 instance with >= 2 GiB: $0.0188 x 730.
        assert!(even.alternative.contains("t3a.small"));
        let per_request = 0.0000002 + 0.2 * 2.0 * 0.0000166667;
        let expected = 0.0188 * 730.0 / (per_request * 730.0 / 24.0);
        assert!(
            (even.requests_per_day.unwrap() - expected).abs() < 1e-6,
            "{:?} vs {expected}",
            even.requests_per_day
        );
        assert_eq!(even.cheaper_above, "container");
    }

    #[test]
    fn regions_with_other_rates_are_unpriced() {
        let mut workload = function(1024.0, "x86_64", None, Trigger::Queue, &[]);
        workload.placement.region = Some("ap-east-1".into());
        let (pricing, _) = priced(&workload);
        let reason = pricing.unpriced_reason.unwrap();
        assert!(reason.contains("differ from us-east-1"), "{reason}");
        // Most regions charge the us-east-1 rates, and the note says so.
        workload.placement.region = Some("eu-west-1".into());
        let (pricing, _) = priced(&workload);
        assert!(pricing.estimate.is_some());
        assert!(pricing
            .notes
            .iter()
            .any(|n| n.contains("Lambda in eu-west-1 charges the us-east-1 rates")));
    }
}
