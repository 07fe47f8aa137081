//! What each serverless function platform and hosting plan allows and
//! does, as typed data: its name, the setting that keeps instances warm,
//! its timeout and memory limits and how long an idle instance lives.
//! Every figure names its source (`catalog/sources.tsv` keys).

use crate::model::{FunctionPlan, FunctionSpec};

/// The facts of one plan.
#[derive(Clone, Copy, Debug)]
pub struct PlanFacts {
    /// The platform and plan in words (`Azure Functions (Consumption plan)`).
    pub name: &'static str,
    /// The platform alone, for messages (`Lambda`, `Azure Functions`).
    pub short_name: &'static str,
    /// What keeps instances warm and billed (`provisioned concurrency`).
    pub warm_setting: &'static str,
    /// The largest timeout of an event-driven invocation, s; `None` when
    /// the platform sets no bound.
    pub max_timeout_s: Option<f64>,
    /// The largest timeout of an HTTP invocation, s, where it differs.
    pub max_http_timeout_s: Option<f64>,
    /// Memory the platform accepts per instance, MB (infinite where no
    /// sourced bound exists).
    pub memory_mb: (f64, f64),
    /// Where the limits come from: a `catalog/sources.tsv` key
    /// (`tcolint sources KEY`).
    pub limits_source: &'static str,
    /// How long an idle instance lives before it is recycled, s, with
    /// why; `None` where instances never scale to zero.
    pub keep_alive: Option<(f64, &'static str)>,
    /// Instances the plan always bills, whatever the setting (Premium and
    /// Dedicated plans keep at least one).
    pub floor: u32,
}

/// The facts of `plan`.
pub fn facts(plan: FunctionPlan) -> PlanFacts {
    const AZURE_KEEP_ALIVE: (f64, &str) = (
        1200.0,
        "Azure Functions' fixed 20-minute keep-alive, Shahrad et al. ATC'20; about 20 min measured by mikhail.io",
    );
    const GCF_KEEP_ALIVE: (f64, &str) = (
        900.0,
        "Cloud Functions instances are recycled after 15 minutes of inactivity, measured by mikhail.io",
    );
    match plan {
        FunctionPlan::Lambda => PlanFacts {
            name: "AWS Lambda",
            short_name: "Lambda",
            warm_setting: "provisioned concurrency",
            max_timeout_s: Some(900.0),
            max_http_timeout_s: None,
            memory_mb: (128.0, 10_240.0),
            limits_source: "LAMBDA-LIMITS",
            keep_alive: Some((
                crate::analyze::expected::LAMBDA_IDLE_LIFETIME_S,
                "Lambda idle-instance lifetime: AWS's fixed 10-minute keep-alive, Shahrad et al. ATC'20",
            )),
            floor: 0,
        },
        FunctionPlan::AzureConsumption => PlanFacts {
            name: "Azure Functions (Consumption plan)",
            short_name: "Azure Functions",
            warm_setting: "always-ready instances",
            max_timeout_s: Some(600.0),
            max_http_timeout_s: None,
            memory_mb: (128.0, 1_536.0),
            limits_source: "AZ-FUNC-PLANS",
            keep_alive: Some(AZURE_KEEP_ALIVE),
            floor: 0,
        },
        FunctionPlan::AzureFlexConsumption => PlanFacts {
            name: "Azure Functions (Flex Consumption plan)",
            short_name: "Azure Functions",
            warm_setting: "always-ready instances",
            max_timeout_s: None,
            max_http_timeout_s: None,
            memory_mb: (128.0, f64::INFINITY),
            limits_source: "AZ-FUNC-PLANS",
            keep_alive: Some(AZURE_KEEP_ALIVE),
            floor: 0,
        },
        FunctionPlan::AzurePremium(_) => PlanFacts {
            name: "Azure Functions (Elastic Premium plan)",
            short_name: "Azure Functions",
            warm_setting: "minimum instances",
            max_timeout_s: None,
            max_http_timeout_s: None,
            memory_mb: (128.0, f64::INFINITY),
            limits_source: "AZ-FUNC-PLANS",
            keep_alive: None,
            floor: 1,
        },
        FunctionPlan::AzureDedicated => PlanFacts {
            name: "Azure Functions (Dedicated App Service plan)",
            short_name: "Azure Functions",
            warm_setting: "plan instances",
            max_timeout_s: None,
            max_http_timeout_s: None,
            memory_mb: (128.0, f64::INFINITY),
            limits_source: "AZ-FUNC-PLANS",
            keep_alive: None,
            floor: 1,
        },
        FunctionPlan::AzureUnknownPlan => PlanFacts {
            name: "Azure Functions (plan unknown)",
            short_name: "Azure Functions",
            warm_setting: "minimum instances",
            max_timeout_s: None,
            max_http_timeout_s: None,
            memory_mb: (128.0, f64::INFINITY),
            limits_source: "AZ-FUNC-PLANS",
            keep_alive: None,
            floor: 0,
        },
        FunctionPlan::CloudFunctionsGen1 => PlanFacts {
            name: "Cloud Functions (1st gen)",
            short_name: "Cloud Functions",
            warm_setting: "minimum instances",
            max_timeout_s: Some(540.0),
            max_http_timeout_s: None,
            memory_mb: (128.0, 8_192.0),
            limits_source: "GCF-LIMITS",
            keep_alive: Some(GCF_KEEP_ALIVE),
            floor: 0,
        },
        FunctionPlan::CloudFunctionsGen2 => PlanFacts {
            name: "Cloud Run functions (Cloud Functions 2nd gen)",
            short_name: "Cloud Run functions",
            warm_setting: "minimum instances",
            max_timeout_s: Some(540.0),
            max_http_timeout_s: Some(3_600.0),
            memory_mb: (128.0, 32_768.0),
            limits_source: "GCF-LIMITS",
            keep_alive: Some(GCF_KEEP_ALIVE),
            floor: 0,
        },
    }
}

impl PlanFacts {
    /// The longest a function with `spec`'s triggers may run, s; `None`
    /// when unbounded. HTTP functions get the HTTP limit where it differs.
    pub fn max_timeout_for(&self, spec: &FunctionSpec) -> Option<f64> {
        match self.max_http_timeout_s {
            Some(http) if spec.is_request_driven() => Some(http),
            _ => self.max_timeout_s,
        }
    }

    /// The timeout limit in words (`15 minutes`, `540 s`).
    pub fn timeout_words(limit_s: f64) -> String {
        if limit_s >= 60.0 && limit_s % 60.0 == 0.0 {
            format!("{} minutes", limit_s / 60.0)
        } else {
            format!("{limit_s} s")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_functions_on_cloud_run_may_run_an_hour() {
        let facts = facts(FunctionPlan::CloudFunctionsGen2);
        let mut spec = FunctionSpec::default();
        assert_eq!(facts.max_timeout_for(&spec), Some(540.0));
        spec.events.push(crate::model::FunctionEvent {
            trigger: crate::model::Trigger::Https,
            location: crate::source::SourceFile::new("main.tf", "x").start(),
        });
        assert_eq!(facts.max_timeout_for(&spec), Some(3600.0));
        assert_eq!(PlanFacts::timeout_words(900.0), "15 minutes");
        assert_eq!(PlanFacts::timeout_words(540.0), "9 minutes");
    }
}
