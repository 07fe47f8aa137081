//! Lambda functions as every front end reads them: a setting is absent,
//! unknown until deployed, or known; defaults apply to the absent ones; one
//! builder makes the workload.

use crate::extract::Problem;
use crate::model::{
    Billing, FunctionPlan, FunctionSetting, FunctionSpec, Scaling, Suppression, UsageMap, Workload,
};
use crate::source::Location;

/// A setting as the source has it.
#[derive(Clone, Debug, PartialEq)]
pub enum Read<T> {
    /// Not written, or written but invalid (reported as a problem where it
    /// is written): the platform default applies.
    Absent,
    /// Written, but known only once deployed (a note says why): neither
    /// the value nor a default is assumed.
    Unknown,
    /// Written, with where.
    Known(T, Location),
}

impl<T: Copy> Read<T> {
    /// The value, the default when absent, nothing when unknown.
    pub fn or_default(&self, default: T) -> Option<T> {
        match self {
            Read::Absent => Some(default),
            Read::Unknown => None,
            Read::Known(value, _) => Some(*value),
        }
    }
}

impl Read<String> {
    /// The text as a number; text that is not one is reported as a problem
    /// at its location and counts as absent.
    pub fn number(self, field: &str, problems: &mut Vec<Problem>) -> Read<f64> {
        match self {
            Read::Known(text, at) => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Read::Known(n, at),
                _ => {
                    problems.push(Problem {
                        message: format!("{field} must be a number, found {text:?}"),
                        location: at,
                    });
                    Read::Absent
                }
            },
            Read::Absent => Read::Absent,
            Read::Unknown => Read::Unknown,
        }
    }
}

impl<T> Read<T> {
    /// The value when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Read::Known(value, _) => Some(value),
            _ => None,
        }
    }

    /// The value when known, taken.
    pub fn into_known(self) -> Option<T> {
        match self {
            Read::Known(value, _) => Some(value),
            _ => None,
        }
    }

    /// Where it is written, when known.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Read::Known(_, at) => Some(at),
            _ => None,
        }
    }
}

/// Memory and timeout defaults of a front end, with the names it gives them.
pub struct Defaults {
    /// The memory setting's name (`memorySize`, `MemorySize`).
    pub memory_field: &'static str,
    /// Memory when not set, in MB.
    pub memory_mb: f64,
    /// The timeout setting's name.
    pub timeout_field: &'static str,
    /// Timeout when not set, in seconds.
    pub timeout_s: f64,
    /// Whose defaults these are, for the note (`the Serverless Framework default`).
    pub whose: &'static str,
}

impl Defaults {
    /// Memory and timeout in MB and s: the written value, the default
    /// (noted) when absent, nothing when unknown.
    pub fn apply(
        &self,
        memory: &Read<f64>,
        timeout: &Read<f64>,
        notes: &mut Vec<String>,
    ) -> (Option<f64>, Option<f64>) {
        if *memory == Read::Absent {
            notes.push(format!(
                "{} is not set; {} {} MB applies",
                self.memory_field, self.whose, self.memory_mb
            ));
        }
        if *timeout == Read::Absent {
            notes.push(format!(
                "{} is not set; {} {} s applies",
                self.timeout_field, self.whose, self.timeout_s
            ));
        }
        (
            memory.or_default(self.memory_mb),
            timeout.or_default(self.timeout_s),
        )
    }
}

/// Records where each known setting is written.
pub fn record_locations(
    spec: &mut FunctionSpec,
    settings: [(FunctionSetting, Option<&Location>); 4],
) {
    for (setting, at) in settings {
        if let Some(at) = at {
            spec.locations.insert(setting, at.clone());
        }
    }
}

/// A function workload on the platform its plan names: memory (and vCPU)
/// per replica from the spec, scaling from the instances kept warm
/// (Lambda provisioned concurrency, minimum or always-ready instances:
/// the floor) and reserved concurrency or maximum instances (the ceiling).
#[allow(clippy::too_many_arguments)]
pub fn function_workload(
    id: String,
    kind: &str,
    location: Location,
    spec: FunctionSpec,
    region: Option<String>,
    usage: UsageMap,
    suppressions: Vec<Suppression>,
    notes: Vec<String>,
) -> Workload {
    let mut workload = Workload::new(
        id,
        kind,
        spec.plan.platform(),
        location,
        Billing::PerRequest,
    );
    workload.compute.memory_gib_per_replica = spec.memory_mb.unwrap_or(0.0) / 1024.0;
    workload.compute.cpu_per_replica = spec.cpu.unwrap_or(0.0);
    workload.placement.cloud = Some((spec.plan.cloud(), "provider".into()));
    workload.placement.region = region;
    workload.scaling = Scaling {
        keep_alive_s: None,
        concurrency: None,
        min: spec.provisioned_concurrency.unwrap_or(0),
        max: spec.reserved_concurrency,
        min_location: spec
            .location(FunctionSetting::ProvisionedConcurrency)
            .cloned(),
        basis: if spec.plan == FunctionPlan::Lambda {
            format!(
                "scales with requests from {} (provisioned concurrency){}",
                spec.provisioned_concurrency.unwrap_or(0),
                spec.reserved_concurrency
                    .map_or(String::new(), |r| format!(" to {r} (reserved concurrency)"))
            )
        } else {
            format!(
                "scales with requests from {} (minimum instances){}",
                spec.provisioned_concurrency.unwrap_or(0),
                spec.reserved_concurrency
                    .map_or(String::new(), |r| format!(" to {r} (maximum instances)"))
            )
        },
    };
    workload.usage = usage;
    workload.suppressions = suppressions;
    workload.notes = notes;
    workload.function = Some(Box::new(spec));
    workload
}
