//! Report: one [`Report`] value, rendered by one formatter per output
//! format. Formatters only render; every number is computed before.
//!
//! The JSON form of this struct (`--format json`) is a public interface:
//! fields are added, never renamed or removed.

pub mod catalog;
pub mod diff;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod sources;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::analyze::cost::{Method, Node, Share};
use crate::analyze::latency::ColdStart;
use crate::analyze::profile::Origin;
use crate::analyze::Assessment;
use crate::catalog::Catalog;
use crate::discover::Skipped;
use crate::model::{ChangeAction, UsageKey, Workload};
use crate::rules::{Finding, Severity};
use crate::source::{Location, SourceFile};

/// The version of the JSON report's shape.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) use crate::numbers::{number, optional};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Version of this shape.
    pub schema_version: u32,
    /// The tool and its catalogue.
    pub tool: Tool,
    /// Every workload found, in file and document order.
    pub workloads: Vec<WorkloadReport>,
    /// Findings not suppressed, by file, line, column, rule.
    pub findings: Vec<FindingReport>,
    /// Findings a suppression matched, with its reason.
    pub suppressed: Vec<FindingReport>,
    /// Files read but not analysed, with why.
    pub skipped: Vec<SkippedFile>,
    /// Totals.
    pub summary: Summary,
    /// Source texts, for snippets in text output.
    #[serde(skip)]
    pub sources: HashMap<Arc<str>, Arc<SourceFile>>,
    /// The input formats that read at least one input (front-end names),
    /// so the command line can say which of its flags had nothing to act on.
    #[serde(skip)]
    pub input_formats: Vec<&'static str>,
}

/// The tool that made the report.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// `tcolint`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
    /// The price catalogue's date.
    pub catalog_date: String,
}

impl Tool {
    /// This build of tcolint with `catalog`'s date.
    pub fn of(catalog: &Catalog) -> Tool {
        Tool {
            name: "tcolint",
            version: env!("CARGO_PKG_VERSION"),
            catalog_date: catalog.date().to_string(),
        }
    }
}

/// A file position.
#[derive(Clone, Debug, Serialize)]
pub struct LocationReport {
    /// Path as given.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// 1-based line where the span ends.
    pub end_line: u32,
    /// 1-based column where the span ends (exclusive).
    pub end_column: u32,
    /// Byte offset of the start (for editors and snippets).
    #[serde(skip)]
    pub offset: usize,
    /// Byte length of the span.
    #[serde(skip)]
    pub len: usize,
}

/// Accelerators one replica asks for.
#[derive(Debug, Serialize)]
pub struct GpuReport {
    /// Maker.
    pub vendor: &'static str,
    /// Catalogue model, when hints name it.
    pub model: Option<String>,
    /// Devices per replica (a MIG slice or a NeuronCore is a fraction).
    #[serde(serialize_with = "number::<_, 4>")]
    pub per_replica: f64,
    /// Memory per device, GiB, when known.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub memory_gb: Option<f64>,
    /// The resource name.
    pub resource: String,
    /// Where it is requested.
    pub location: LocationReport,
}

/// Replica bounds.
#[derive(Debug, Serialize)]
pub struct Replicas {
    /// Floor.
    pub min: u32,
    /// Ceiling; null when unbounded.
    pub max: Option<u32>,
    /// What set them.
    pub basis: String,
}

/// The cost of a workload.
#[derive(Debug, Serialize)]
pub struct CostReport {
    /// One replica, per hour.
    #[serde(serialize_with = "number::<_, 6>")]
    pub per_replica_hourly_usd: f64,
    /// Baseline: min replicas x 730 h.
    #[serde(serialize_with = "number::<_, 2>")]
    pub monthly_usd: f64,
    /// Max replicas x 730 h; null when unbounded.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub peak_monthly_usd: Option<f64>,
    /// (1 - utilization) x baseline, for always-on accelerator capacity.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub idle_monthly_usd: Option<f64>,
    /// The arithmetic and its sources.
    pub basis: String,
    /// Which costing method.
    pub method: Method,
    /// The utilization the idle cost uses.
    #[serde(serialize_with = "optional::<_, 4>")]
    pub utilization: Option<f64>,
    /// The catalogue node priced.
    pub node: Option<Node>,
    /// The pod's share of that node.
    pub share: Option<Share>,
    /// Cost of one request, for per-request billing.
    #[serde(serialize_with = "optional::<_, 10>")]
    pub per_request_usd: Option<f64>,
    /// Monthly cost independent of requests (provisioned concurrency).
    #[serde(serialize_with = "optional::<_, 2>")]
    pub fixed_monthly_usd: Option<f64>,
    /// Requests per day where the other architecture costs the same.
    #[serde(serialize_with = "optional::<_, 0>")]
    pub break_even_requests_per_day: Option<f64>,
    /// The break-even's alternative and arithmetic.
    pub break_even: Option<crate::analyze::cost::BreakEven>,
    /// Expected monthly cost at the usage profile (between baseline and
    /// peak); null when the traffic is unknown or does not apply.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub expected_monthly_usd: Option<f64>,
    /// The expected-cost model's figures and arithmetic.
    pub expected: Option<crate::analyze::expected::Expected>,
    /// People's time to run its platform (`ops:` in tcolint.yml), its
    /// share; null when `ops:` is off or does not apply.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub ops_monthly_usd: Option<f64>,
    /// A service rate (control-plane fee, Cloud Run, Fargate) priced from a
    /// stand-in region: the region asked for; the cost is approximate.
    /// Absent otherwise (an instance's stand-in is `node.approximates_region`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximates_region: Option<String>,
}

/// A function's shape and limits.
#[derive(Debug, Serialize)]
pub struct FunctionReport {
    /// Memory, MB (an integer when whole).
    #[serde(serialize_with = "optional::<_, 3>")]
    pub memory_mb: Option<f64>,
    /// Timeout, s (an integer when whole).
    #[serde(serialize_with = "optional::<_, 3>")]
    pub timeout_s: Option<f64>,
    /// Ephemeral storage, MB (an integer when whole).
    #[serde(serialize_with = "optional::<_, 3>")]
    pub ephemeral_storage_mb: Option<f64>,
    /// Runtime.
    pub runtime: Option<String>,
    /// x86_64 or arm64.
    pub architecture: Option<String>,
    /// Zip or Image.
    pub package_type: Option<String>,
    /// Provisioned concurrency.
    pub provisioned_concurrency: Option<u32>,
    /// Reserved concurrency.
    pub reserved_concurrency: Option<u32>,
    /// SnapStart on.
    pub snap_start: bool,
    /// Handler.
    pub handler: Option<String>,
    /// Image URI.
    pub image: Option<String>,
    /// Event kinds.
    pub events: Vec<String>,
    /// Layers as written (ARNs or references), when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    /// The platform's hosting plan (`cloud-run-functions`,
    /// `azure-consumption`…); absent for Lambda.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// vCPU per instance, where the platform sizes it (Cloud Functions);
    /// absent otherwise.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "optional::<_, 3>"
    )]
    pub vcpu: Option<f64>,
}

/// One usage-profile value and where it came from.
#[derive(Debug, Serialize)]
pub struct ProfileValue {
    /// The value.
    pub value: serde_json::Value,
    /// annotation, config, inferred or default.
    pub origin: Origin,
    /// Where exactly, or why.
    pub basis: String,
}

/// What a plan does to a workload's cost.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeReport {
    /// create, update, delete, replace or no-op.
    pub action: &'static str,
    /// Baseline monthly cost before the plan (0 for a create); null when unpriced.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub monthly_before_usd: Option<f64>,
    /// Baseline monthly cost after the plan (0 for a delete); null when unpriced.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub monthly_after_usd: Option<f64>,
    /// After minus before; null when either side is unpriced.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub monthly_delta_usd: Option<f64>,
}

/// A plan's cost change, over every resource it touches.
#[derive(Debug, Serialize)]
pub struct PlanSummary {
    /// Sum of the priced resources' cost before the plan.
    #[serde(serialize_with = "number::<_, 2>")]
    pub monthly_before_usd: f64,
    /// Sum after the plan.
    #[serde(serialize_with = "number::<_, 2>")]
    pub monthly_after_usd: f64,
    /// After minus before.
    #[serde(serialize_with = "number::<_, 2>")]
    pub monthly_delta_usd: f64,
    /// Resources created, updated, replaced or deleted.
    pub changed: usize,
    /// Resources whose before or after cost is unknown (left out of the sums).
    pub unpriced: usize,
}

/// One workload as reported.
#[derive(Debug, Serialize)]
pub struct WorkloadReport {
    /// Stable id.
    pub id: String,
    /// Kind as written.
    pub kind: String,
    /// Where it runs.
    pub platform: String,
    /// What it does.
    pub purpose: &'static str,
    /// The defining block.
    pub location: LocationReport,
    /// Instance type the price is based on.
    pub instance_type: Option<String>,
    /// The main accelerator.
    pub gpu: Option<GpuReport>,
    /// vCPU per replica.
    #[serde(serialize_with = "number::<_, 3>")]
    pub cpu_per_replica: f64,
    /// GiB per replica.
    #[serde(serialize_with = "number::<_, 2>")]
    pub memory_gb_per_replica: f64,
    /// Replica bounds.
    pub replicas: Replicas,
    /// Cost; null when unpriced (see `unpriced_reason`).
    pub cost: Option<CostReport>,
    /// Projected cold start of a new replica, seconds (to the millisecond).
    #[serde(serialize_with = "optional::<_, 3>")]
    pub cold_start_s: Option<f64>,
    /// Every assumption behind the numbers.
    pub assumptions: Vec<String>,
    /// Cloud of the priced node.
    pub cloud: Option<&'static str>,
    /// Why the workload has no cost.
    pub unpriced_reason: Option<String>,
    /// Every accelerator resource per replica.
    pub accelerators: Vec<GpuReport>,
    /// Cold-start parts.
    pub cold_start: Option<ColdStart>,
    /// The usage profile.
    pub profile: BTreeMap<&'static str, ProfileValue>,
    /// Whether pods exit when done.
    pub run_to_completion: bool,
    /// Whether spot capacity is requested.
    pub spot: bool,
    /// Container images.
    pub images: Vec<String>,
    /// Region, when the source names it.
    pub region: Option<String>,
    /// What a plan does to it; null outside plans.
    pub change: Option<ChangeReport>,
    /// Function shape and limits; null for other workloads.
    pub function: Option<FunctionReport>,
    /// Five metrics 0-10 with a reason each; null for fixed fees.
    pub scorecard: Option<crate::analyze::scorecard::Scorecard>,
    /// The verdict against the other architectures at its traffic; null
    /// when the traffic is unknown or does not apply.
    pub recommendation: Option<crate::analyze::recommend::Recommendation>,
    /// Its share of the people's time to run its platform, with the
    /// arithmetic; null when `ops:` is off or does not apply.
    pub ops: Option<crate::analyze::ops::OpsShare>,
}

/// One finding as reported.
#[derive(Clone, Debug, Serialize)]
pub struct FindingReport {
    /// Rule code.
    pub rule: String,
    /// Rule name.
    pub name: String,
    /// error, warning or info.
    pub severity: Severity,
    /// What is wrong, with its numbers.
    pub message: String,
    /// The workload it is about.
    pub workload: Option<String>,
    /// Where.
    pub location: LocationReport,
    /// The monthly cost it is about.
    #[serde(serialize_with = "optional::<_, 2>")]
    pub monthly_usd: Option<f64>,
    /// The suppression's reason (only in `suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The assumed usage figure the finding was judged on, which is why it
    /// reports at info (absent when every figure it rests on is declared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed: Option<crate::rules::Assumed>,
}

/// A file read but not analysed, or a part of a configuration not analysed.
#[derive(Debug, Serialize)]
pub struct SkippedFile {
    /// Path as given (`path:line:column` for a part of a file).
    pub file: String,
    /// Why.
    pub reason: String,
    /// `file`, `module` (a Terraform module call) or `expansion` (a count or for_each).
    pub what: &'static str,
}

/// Totals over the whole scan.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Files read and analysed (including files with invalid input).
    pub files_scanned: usize,
    /// Files read or seen but not analysed.
    pub files_skipped: usize,
    /// Workloads found.
    pub workloads: usize,
    /// Accelerators at min replicas.
    #[serde(serialize_with = "number::<_, 3>")]
    pub gpus_min: f64,
    /// Accelerators at max replicas, an unbounded workload counted at its
    /// minimum (never below `gpus_min`; see `unbounded_gpu_workloads`).
    #[serde(serialize_with = "number::<_, 3>")]
    pub gpus_max: f64,
    /// Baseline monthly cost of every priced workload.
    #[serde(serialize_with = "number::<_, 2>")]
    pub monthly_usd: f64,
    /// Unsuppressed findings by severity.
    pub errors: usize,
    /// Unsuppressed warnings.
    pub warnings: usize,
    /// Unsuppressed infos.
    pub infos: usize,
    /// Peak monthly cost of the priced workloads, an unbounded one counted
    /// at its baseline (never below `monthly_usd`; see
    /// `unbounded_priced_workloads`).
    #[serde(serialize_with = "number::<_, 2>")]
    pub peak_monthly_usd: f64,
    /// Idle monthly cost of always-on accelerator capacity.
    #[serde(serialize_with = "number::<_, 2>")]
    pub idle_monthly_usd: f64,
    /// Expected monthly cost at the usage profiles: each priced workload's
    /// `cost.expected_monthly_usd`, or its baseline `monthly_usd` where no
    /// expected figure applies, so it is never below the baseline.
    #[serde(serialize_with = "number::<_, 2>")]
    pub expected_monthly_usd: f64,
    /// People's time to run the platforms (`ops:` in tcolint.yml; 0 when off).
    #[serde(serialize_with = "number::<_, 2>")]
    pub ops_monthly_usd: f64,
    /// Workloads without a cost.
    pub unpriced_workloads: usize,
    /// Workloads whose maximum is unbounded.
    pub unbounded_workloads: usize,
    /// Workloads with accelerators and no maximum: when above 0, `gpus_max`
    /// is a lower bound (each counted at its minimum).
    pub unbounded_gpu_workloads: usize,
    /// Priced workloads with no peak: when above 0, `peak_monthly_usd` is a
    /// lower bound (each counted at its baseline).
    pub unbounded_priced_workloads: usize,
    /// Findings a suppression matched.
    pub suppressed: usize,
    /// For plans: the monthly cost before and after, and the delta.
    pub plan: Option<PlanSummary>,
    /// Findings hidden because the baseline (`--baseline`) records them;
    /// absent without a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
}

/// The summary's running totals, added to one workload at a time (in
/// report order, so every sum adds in the same order as a whole-list sum
/// would), so a report can be written while its workloads are assessed.
#[derive(Debug)]
pub struct Totals {
    workloads: usize,
    gpus_min: f64,
    gpus_max: f64,
    monthly_usd: f64,
    peak_monthly_usd: f64,
    idle_monthly_usd: f64,
    expected_monthly_usd: f64,
    ops_monthly_usd: f64,
    unpriced_workloads: usize,
    unbounded_workloads: usize,
    unbounded_gpu_workloads: usize,
    unbounded_priced_workloads: usize,
    /// What a plan does to each workload it touches (few fields each).
    changes: Vec<ChangeReport>,
}

impl Default for Totals {
    fn default() -> Self {
        // What summing no values gives (`Iterator::sum` of f64 starts at
        // -0.0), so an empty scan's totals serialise as before.
        let zero: f64 = std::iter::empty::<f64>().sum();
        Totals {
            workloads: 0,
            gpus_min: zero,
            gpus_max: zero,
            monthly_usd: zero,
            peak_monthly_usd: zero,
            idle_monthly_usd: zero,
            expected_monthly_usd: zero,
            ops_monthly_usd: zero,
            unpriced_workloads: 0,
            unbounded_workloads: 0,
            unbounded_gpu_workloads: 0,
            unbounded_priced_workloads: 0,
            changes: Vec::new(),
        }
    }
}

impl Totals {
    /// Adds one workload and its report.
    pub fn add(&mut self, workload: &Workload, report: &WorkloadReport) {
        self.workloads += 1;
        if report.cost.is_none() {
            self.unpriced_workloads += 1;
        }
        if report.replicas.max.is_none() {
            self.unbounded_workloads += 1;
        }
        if let Some(change) = &report.change {
            self.changes.push(change.clone());
        }
        // A resource the plan deletes is not part of what runs after it.
        let deleted = workload
            .change
            .as_ref()
            .is_some_and(|c| c.action == ChangeAction::Delete);
        if !deleted {
            let devices = workload.compute.accelerator_devices();
            self.gpus_min += devices * f64::from(workload.scaling.min);
            // An unbounded workload counts at its floor, so the maximum is
            // never below the minimum; the unbounded counts say it is a
            // lower bound.
            let replicas = workload.scaling.max.unwrap_or(workload.scaling.min);
            self.gpus_max += devices * f64::from(replicas);
        }
        let running = report.change.as_ref().is_none_or(|c| c.action != "delete");
        if !running {
            return;
        }
        if let Some(cost) = &report.cost {
            let round = |v: f64| crate::numbers::round(v, 2);
            self.monthly_usd += round(cost.monthly_usd);
            self.peak_monthly_usd += round(
                cost.peak_monthly_usd
                    .unwrap_or(cost.monthly_usd)
                    .max(cost.monthly_usd),
            );
            if let Some(idle) = cost.idle_monthly_usd {
                self.idle_monthly_usd += round(idle);
            }
            // A workload without an expected figure (fixed capacity, a
            // function already priced at its usage) is expected to cost its
            // baseline; leaving it out would put the total below the baseline.
            self.expected_monthly_usd +=
                round(cost.expected_monthly_usd.unwrap_or(cost.monthly_usd));
            if cost.peak_monthly_usd.is_none() {
                self.unbounded_priced_workloads += 1;
            }
        }
        if let Some(ops) = &report.ops {
            self.ops_monthly_usd += crate::numbers::round(ops.monthly_usd, 2);
        }
        if report.replicas.max.is_none() && !report.accelerators.is_empty() {
            self.unbounded_gpu_workloads += 1;
        }
    }
}

impl Report {
    /// Assembles the report from assessments (cloned: callers that can
    /// give them up use [`workload_report`] and [`Report::assemble`]).
    pub fn build(
        assessments: &[Assessment<'_>],
        findings: Vec<Finding>,
        skipped: Vec<Skipped>,
        files_scanned: usize,
        sources: Vec<Arc<SourceFile>>,
        catalog: &Catalog,
    ) -> Report {
        let mut totals = Totals::default();
        let workloads = assessments
            .iter()
            .map(|assessment| {
                let report = workload_report(assessment.clone());
                totals.add(assessment.workload, &report);
                report
            })
            .collect();
        Report::assemble(
            workloads,
            totals,
            findings,
            skipped,
            files_scanned,
            sources,
            catalog,
        )
    }

    /// Assembles the report from its workloads' reports (none when they
    /// were written already, as `--format json` streams them) and their
    /// totals.
    pub fn assemble(
        workloads: Vec<WorkloadReport>,
        totals: Totals,
        findings: Vec<Finding>,
        skipped: Vec<Skipped>,
        files_scanned: usize,
        sources: Vec<Arc<SourceFile>>,
        catalog: &Catalog,
    ) -> Report {
        let sources: HashMap<Arc<str>, Arc<SourceFile>> = sources
            .into_iter()
            .map(|s| (Arc::clone(&s.path), s))
            .collect();
        let mut active = Vec::new();
        let mut suppressed = Vec::new();
        for finding in findings {
            let is_suppressed = finding.suppressed.is_some();
            let report = FindingReport {
                rule: finding.code,
                name: finding.name,
                severity: finding.severity,
                message: finding.message,
                workload: finding.workload,
                location: location_report(&finding.location),
                monthly_usd: finding.monthly_usd,
                reason: finding.suppressed.and_then(|s| s.reason),
                assumed: finding.assumed,
            };
            if is_suppressed {
                suppressed.push(report);
            } else {
                active.push(report);
            }
        }
        let summary = Summary {
            files_scanned,
            files_skipped: skipped.iter().filter(|s| s.what == "file").count(),
            workloads: totals.workloads,
            gpus_min: totals.gpus_min,
            gpus_max: totals.gpus_max,
            monthly_usd: totals.monthly_usd,
            errors: 0,
            warnings: 0,
            infos: 0,
            peak_monthly_usd: totals.peak_monthly_usd,
            idle_monthly_usd: totals.idle_monthly_usd,
            expected_monthly_usd: totals.expected_monthly_usd,
            ops_monthly_usd: totals.ops_monthly_usd,
            unpriced_workloads: totals.unpriced_workloads,
            unbounded_workloads: totals.unbounded_workloads,
            unbounded_gpu_workloads: totals.unbounded_gpu_workloads,
            unbounded_priced_workloads: totals.unbounded_priced_workloads,
            suppressed: suppressed.len(),
            plan: plan_summary(&totals.changes),
            baselined: None,
        };
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool::of(catalog),
            workloads,
            findings: active,
            suppressed,
            skipped: skipped
                .into_iter()
                .map(|s| SkippedFile {
                    file: s.path,
                    reason: s.reason,
                    what: s.what,
                })
                .collect(),
            summary,
            sources,
            input_formats: Vec::new(),
        };
        report.count_findings();
        report
    }

    /// Sets the summary's error, warning and info counts from `findings`
    /// (after building, and again when a baseline removes some).
    pub fn count_findings(&mut self) {
        let count = |severity: Severity| {
            self.findings
                .iter()
                .filter(|f| f.severity == severity)
                .count()
        };
        let (errors, warnings, infos) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        self.summary.errors = errors;
        self.summary.warnings = warnings;
        self.summary.infos = infos;
    }

    /// The worst severity among unsuppressed findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The findings every CI format renders, worst first, then by file,
    /// line, column and rule: CI systems that cap annotations show the
    /// ones that matter.
    pub fn sorted_findings(&self) -> Vec<&FindingReport> {
        let mut sorted: Vec<&FindingReport> = self.findings.iter().collect();
        sorted.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.location.file.cmp(&b.location.file))
                .then_with(|| a.location.line.cmp(&b.location.line))
                .then_with(|| a.location.column.cmp(&b.location.column))
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.workload.cmp(&b.workload))
        });
        sorted
    }
}

impl FindingReport {
    /// A fingerprint that survives edits which only move lines: a stable
    /// 64-bit FNV-1a hash of rule, workload id and file, as 16 hex digits.
    /// SARIF's partialFingerprints, GitLab's fingerprint and the baseline
    /// all use it.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let parts = [
            self.rule.as_str(),
            self.workload.as_deref().unwrap_or(""),
            &portable_path(&self.location.file),
        ];
        for part in parts {
            // A separator byte that cannot occur in text keeps ("ab","c") and ("a","bc") apart.
            for byte in part.bytes().chain([0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

/// A path as CI tools want it: forward slashes, no leading `./`.
pub fn portable_path(file: &str) -> String {
    let forward = file.replace('\\', "/");
    let mut path = forward.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_string()
}

fn plan_summary(changes: &[ChangeReport]) -> Option<PlanSummary> {
    if changes.is_empty() {
        return None;
    }
    let priced: Vec<&ChangeReport> = changes
        .iter()
        .filter(|c| c.monthly_delta_usd.is_some())
        .collect();
    let sum = |get: fn(&ChangeReport) -> Option<f64>| -> f64 {
        priced
            .iter()
            .filter_map(|c| get(c))
            .map(|v| crate::numbers::round(v, 2))
            .sum::<f64>()
            + 0.0
    };
    let before = sum(|c| c.monthly_before_usd);
    let after = sum(|c| c.monthly_after_usd);
    Some(PlanSummary {
        monthly_before_usd: before,
        monthly_after_usd: after,
        monthly_delta_usd: after - before,
        changed: changes.iter().filter(|c| c.action != "no-op").count(),
        unpriced: changes.len() - priced.len(),
    })
}

fn change_report(assessment: &Assessment<'_>) -> Option<ChangeReport> {
    let change = assessment.workload.change.as_ref()?;
    let now = assessment.pricing.estimate.as_ref().map(|e| e.monthly_usd);
    let (before, after) = match change.action {
        ChangeAction::Create => (Some(0.0), now),
        ChangeAction::Delete => (now, Some(0.0)),
        _ => (
            match (&change.before, &assessment.before) {
                (Some(_), Some(pricing)) => pricing.estimate.as_ref().map(|e| e.monthly_usd),
                // No recorded before-state: unchanged.
                (None, _) => now,
                (Some(_), None) => None,
            },
            now,
        ),
    };
    let delta = before
        .zip(after)
        .map(|(b, a)| crate::numbers::round(a, 2) - crate::numbers::round(b, 2));
    Some(ChangeReport {
        action: change.action.as_str(),
        monthly_before_usd: before,
        monthly_after_usd: after,
        monthly_delta_usd: delta,
    })
}

fn location_report(location: &Location) -> LocationReport {
    LocationReport {
        file: location.file.to_string(),
        line: location.line,
        column: location.column,
        end_line: location.end_line,
        end_column: location.end_column,
        offset: location.offset,
        len: location.len,
    }
}

/// One workload's report. It takes the assessment: its texts and parts
/// move into the report instead of being copied.
pub fn workload_report(assessment: Assessment<'_>) -> WorkloadReport {
    let locate = location_report;
    let change = change_report(&assessment);
    let Assessment {
        workload,
        profile: assessed_profile,
        pricing,
        cold_start,
        expected,
        recommendation,
        scorecard,
        ops,
        assumptions,
        ..
    } = assessment;
    let main = workload
        .compute
        .main_accelerator()
        .map(|a| a.resource.clone());
    let gpu_report = |accelerator: &crate::model::Accelerator| GpuReport {
        vendor: accelerator.vendor.as_str(),
        model: pricing
            .gpu_model
            .as_ref()
            .filter(|_| main.as_ref() == Some(&accelerator.resource))
            .map(|(model, _)| model.clone()),
        per_replica: accelerator.devices,
        memory_gb: pricing
            .gpu_model
            .as_ref()
            .filter(|_| main.as_ref() == Some(&accelerator.resource))
            .and_then(|(_, memory)| *memory),
        resource: accelerator.resource.clone(),
        location: locate(&accelerator.location),
    };
    let mut profile = BTreeMap::new();
    profile.insert(
        "purpose",
        ProfileValue {
            value: serde_json::Value::from(assessed_profile.purpose.value.as_str()),
            origin: assessed_profile.purpose.origin,
            basis: assessed_profile.purpose.basis.clone(),
        },
    );
    let framework = &assessed_profile.framework;
    if framework.origin != crate::analyze::profile::Origin::Default {
        profile.insert(
            UsageKey::Framework.as_str(),
            ProfileValue {
                value: serde_json::Value::from(framework.value.map_or("none", |f| f.as_str())),
                origin: framework.origin,
                basis: framework.basis.clone(),
            },
        );
    }
    for key in UsageKey::ALL {
        if let Some(resolved) = assessed_profile.number(key) {
            profile.insert(
                key.as_str(),
                ProfileValue {
                    value: serde_json::Number::from_f64(resolved.value)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    origin: resolved.origin,
                    basis: resolved.basis.clone(),
                },
            );
        }
    }
    WorkloadReport {
        id: workload.id.clone(),
        kind: workload.kind.clone(),
        platform: workload.platform.to_string(),
        purpose: assessed_profile.purpose.value.as_str(),
        location: locate(&workload.location),
        instance_type: pricing.instance_type.clone(),
        gpu: workload.compute.main_accelerator().map(gpu_report),
        cpu_per_replica: workload.compute.cpu_per_replica,
        memory_gb_per_replica: workload.compute.memory_gib_per_replica,
        replicas: Replicas {
            min: workload.scaling.min,
            max: workload.scaling.max,
            basis: workload.scaling.basis.clone(),
        },
        cost: pricing.estimate.map(|estimate| CostReport {
            per_replica_hourly_usd: estimate.per_replica_hourly_usd,
            monthly_usd: estimate.monthly_usd,
            peak_monthly_usd: estimate.peak_monthly_usd,
            idle_monthly_usd: estimate.idle_monthly_usd,
            basis: estimate.basis,
            method: estimate.method,
            utilization: estimate.utilization,
            node: estimate.node,
            share: estimate.share,
            per_request_usd: estimate.per_request_usd,
            fixed_monthly_usd: estimate.fixed_monthly_usd,
            break_even_requests_per_day: estimate
                .break_even
                .as_ref()
                .and_then(|b| b.requests_per_day),
            break_even: estimate.break_even,
            expected_monthly_usd: expected.as_ref().and_then(|e| e.monthly_usd),
            expected,
            ops_monthly_usd: ops.as_ref().map(|o| o.monthly_usd),
            approximates_region: estimate.approximates_region,
        }),
        cold_start_s: cold_start.as_ref().map(|c| c.total_s),
        assumptions,
        cloud: pricing.cloud.map(|c| c.as_str()),
        unpriced_reason: pricing.unpriced_reason,
        accelerators: workload
            .compute
            .accelerators
            .iter()
            .map(gpu_report)
            .collect(),
        cold_start,
        profile,
        run_to_completion: workload.run_to_completion,
        spot: workload.placement.spot,
        images: workload.compute.images.clone(),
        region: workload.placement.region.clone(),
        change,
        function: workload.function.as_ref().map(|spec| FunctionReport {
            memory_mb: spec.memory_mb,
            timeout_s: spec.timeout_s,
            ephemeral_storage_mb: spec.ephemeral_storage_mb,
            runtime: spec.runtime.clone(),
            architecture: spec.architecture.clone(),
            package_type: spec.package_type.clone(),
            provisioned_concurrency: spec.provisioned_concurrency,
            reserved_concurrency: spec.reserved_concurrency,
            snap_start: spec.snap_start,
            handler: spec.handler.clone(),
            image: spec.image.clone(),
            events: spec
                .events
                .iter()
                .map(|e| e.trigger.as_str().to_string())
                .collect(),
            layers: spec.layers.clone(),
            plan: (spec.plan != crate::model::FunctionPlan::Lambda)
                .then(|| spec.plan.as_str().to_string()),
            vcpu: spec.cpu,
        }),
        scorecard,
        recommendation,
        ops,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::finding;

    #[test]
    fn fingerprints_ignore_lines_and_path_spelling() {
        let a = finding("TCO001", "k8s:Deployment/ml/x", "./k8s/app.yaml", 10);
        let moved = finding("TCO001", "k8s:Deployment/ml/x", "k8s/app.yaml", 42);
        assert_eq!(a.fingerprint(), moved.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        let other_rule = finding("LAT002", "k8s:Deployment/ml/x", "k8s/app.yaml", 10);
        assert_ne!(a.fingerprint(), other_rule.fingerprint());
        // Field boundaries matter: ("ab", "c") is not ("a", "bc").
        let left = finding("T", "ab", "c", 1);
        let right = finding("T", "a", "bc", 1);
        assert_ne!(left.fingerprint(), right.fingerprint());
        // Fixed value: the baseline file stores these, so they never change.
        assert_eq!(
            finding("TCO001", "w", "./f.yaml", 9).fingerprint(),
            "97d354866d1ded0d"
        );
    }

    #[test]
    fn portable_paths() {
        assert_eq!(portable_path("./a/b.yaml"), "a/b.yaml");
        assert_eq!(portable_path("a\\b.yaml"), "a/b.yaml");
        assert_eq!(portable_path("/abs/x.tf"), "/abs/x.tf");
    }
}
