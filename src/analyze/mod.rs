//! Analyze: pure functions over [`Workload`]s. The profile says how a
//! workload is used, the cost model what it costs, the latency model how
//! long a new replica takes; rules turn those into findings.

pub mod breakeven;
pub mod cost;
pub mod expected;
pub mod functions;
pub mod latency;
pub mod ops;
pub mod plans;
pub mod price_settings;
pub mod profile;
pub mod recommend;
pub mod scorecard;
pub mod serverless;
pub mod shape;

use crate::catalog::Catalog;
use crate::model::{Cloud, UsageKey, Workload};
use crate::numbers::trim;

use self::cost::Pricing;
use self::latency::ColdStart;
use self::profile::{Origin, Profile, UsageEntry};

/// What analysis takes from the run's configuration, as plain inputs.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'c> {
    /// Cloud assumed when a workload names none.
    pub default_cloud: Cloud,
    /// Usage profiles by workload id or glob, in file order.
    pub usage: &'c [UsageEntry],
    /// Leave unpriced what only a stand-in region's price would price.
    pub strict_prices: bool,
    /// The buyer's prices: commitment, discounts, overrides (`pricing:`).
    pub pricing: &'c price_settings::PriceSettings,
    /// People's time to run the platforms (`ops:`), off by default.
    pub ops: ops::OpsSettings,
    /// The saving a recommended move must reach: ARC001's configured
    /// thresholds, so the recommendation and ARC001 never disagree.
    pub min_saving: recommend::MinSaving,
    /// What pricing computed for earlier workloads of this run (GPU
    /// candidate nodes, suggestions for unknown names), when the run keeps
    /// it (a scan does; `None` computes each time).
    pub cache: Option<&'c cost::PriceCache>,
}

impl Default for Settings<'_> {
    /// AWS, no usage profiles (what an absent `tcolint.yml` means).
    fn default() -> Self {
        Settings {
            default_cloud: Cloud::Aws,
            usage: &[],
            strict_prices: false,
            pricing: &price_settings::LIST_PRICES,
            ops: ops::OpsSettings::default(),
            min_saving: recommend::MinSaving::default(),
            cache: None,
        }
    }
}

/// Everything tcolint derives about one workload.
#[derive(Clone, Debug)]
pub struct Assessment<'w> {
    /// The workload as extracted.
    pub workload: &'w Workload,
    /// How it is used.
    pub profile: Profile,
    /// What it costs, or why that is unknown.
    pub pricing: Pricing,
    /// How long a new replica takes to serve, for GPU workloads.
    pub cold_start: Option<ColdStart>,
    /// Expected cost and cold starts at the usage profile.
    pub expected: Option<expected::Expected>,
    /// The verdict against the other architectures at the workload's traffic.
    pub recommendation: Option<recommend::Recommendation>,
    /// The five-metric scorecard.
    pub scorecard: Option<scorecard::Scorecard>,
    /// Its share of the people's time to run its platform (`ops:`).
    pub ops: Option<ops::OpsShare>,
    /// What the workload cost before a plan changed it, when it comes from one.
    pub before: Option<Pricing>,
    /// Every assumption behind the numbers, in words.
    pub assumptions: Vec<String>,
}

/// Assesses one workload.
pub fn assess<'w>(
    workload: &'w Workload,
    settings: &Settings<'_>,
    catalog: &Catalog,
) -> Assessment<'w> {
    let profile = profile::resolve(workload, settings.usage, catalog);
    let mut pricing = cost::price(workload, &profile, settings, catalog);
    let mut cold_start = match &workload.function {
        Some(spec) if spec.plan != crate::model::FunctionPlan::Lambda => {
            functions::cold_start(workload, &profile, catalog)
        }
        Some(_) => latency::function_cold_start(workload, &profile, catalog),
        None => latency::cold_start(workload, &profile, catalog),
    };
    if let (Some(cold_start), Some(_)) = (&mut cold_start, &workload.function) {
        latency::add_package_parts(cold_start, workload, &profile, catalog);
    }
    let break_even =
        breakeven::break_even(workload, &profile, &pricing, cold_start.as_ref(), catalog);
    if let Some(estimate) = &mut pricing.estimate {
        estimate.break_even = break_even;
    }
    let expected = expected::expected(workload, &profile, &pricing, cold_start.as_ref());
    if let (Some(cold_start), Some(expected)) = (&mut cold_start, &expected) {
        cold_start.expected_cold_starts_per_day = expected.cold_starts_per_day;
        cold_start.cold_request_share = expected.cold_request_share;
    }
    let recommendation = recommend::recommend(
        workload,
        &profile,
        &pricing,
        cold_start.as_ref(),
        expected.as_ref(),
        catalog,
        settings.min_saving,
    );
    let scorecard = scorecard::score(
        workload,
        &profile,
        &pricing,
        expected.as_ref(),
        recommendation.as_ref(),
    );
    let before = workload
        .change
        .as_ref()
        .and_then(|change| change.before.as_deref())
        .map(|before| {
            cost::price(
                before,
                &profile::resolve(before, settings.usage, catalog),
                settings,
                catalog,
            )
        });

    let mut assumptions = Vec::new();
    if profile.purpose.origin != Origin::Annotation && profile.purpose.origin != Origin::Config {
        assumptions.push(format!(
            "purpose {} ({}): {}",
            profile.purpose.value.as_str(),
            if profile.purpose.origin == Origin::Inferred {
                "inferred"
            } else {
                "default"
            },
            profile.purpose.basis
        ));
    }
    if let Some(utilization) = profile.number(UsageKey::Utilization) {
        let relevant = workload.has_accelerators() && !workload.run_to_completion;
        if relevant && utilization.origin == Origin::Default {
            assumptions.push(format!(
                "utilization {} is a {}; set tcolint.io/utilization",
                trim(utilization.value, 3),
                utilization.basis
            ));
        }
    }
    let mut defaulted = Vec::new();
    if cold_start.is_some() && workload.function.is_none() {
        for (key, what) in [
            (UsageKey::ImageSizeGb, "image"),
            (UsageKey::ModelSizeGb, "model"),
        ] {
            if profile.number(key).is_none() {
                let figure = if key == UsageKey::ImageSizeGb {
                    "default_image_size_gb"
                } else {
                    "default_model_size_gb"
                };
                if let Some(figure) = catalog.figure(figure) {
                    defaulted.push(format!(
                        "{what} {} GB (tcolint.io/{})",
                        trim(figure.value, 2),
                        key.as_str()
                    ));
                }
            }
        }
    }
    if let (Some(cold_start), Some(_)) = (&cold_start, &workload.function) {
        if cold_start
            .parts
            .iter()
            .any(|part| part.name == "image loading" && part.assumed)
        {
            if let Some(figure) = catalog.figure("default_ml_image_size_gb") {
                defaulted.push(format!(
                    "ML image {} GB (tcolint.io/{})",
                    trim(figure.value, 2),
                    UsageKey::ImageSizeGb.as_str()
                ));
            }
        }
        assumptions.extend(
            cold_start
                .not_projected
                .iter()
                .map(|missing| format!("cold start leaves out {missing}")),
        );
    }
    if !defaulted.is_empty() {
        assumptions.push(format!(
            "cold start assumes the default {}; see cold_start.parts for sources",
            defaulted.join(" and ")
        ));
    }
    if workload.run_to_completion {
        assumptions.push(
            "runs to completion, but is priced as if its pods ran all month (730 h): the manifest does not say how long or how often it runs".into(),
        );
    }
    assumptions.extend(workload.notes.iter().cloned());
    assumptions.extend(pricing.notes.iter().cloned());
    Assessment {
        workload,
        profile,
        pricing,
        cold_start,
        expected,
        recommendation,
        scorecard,
        ops: None,
        before,
        assumptions,
    }
}

/// Gives an assessment its share of the configured operational overhead
/// (from [`ops::attribute`]) and scores its `operational_overhead` with
/// those hours.
pub fn apply_ops(assessment: &mut Assessment<'_>, share: Option<ops::OpsShare>) {
    if let (Some(scorecard), Some(share)) = (&mut assessment.scorecard, &share) {
        scorecard.operational_overhead =
            scorecard::operational_overhead(assessment.workload, share.hours_per_month);
    }
    assessment.ops = share;
}
