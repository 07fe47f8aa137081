//! The comparison of two scans, as a value the formatters render: built by
//! the `diff` command, shown by [`super::text::render_diff`] and
//! [`super::markdown::render_diff`], or serialised as JSON.

use serde::Serialize;

use crate::analyze::cost::BreakEven;
use crate::report::FindingReport;

/// The version of the diff's JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

/// One workload's cost in BASE and HEAD.
#[derive(Debug, Serialize)]
pub struct WorkloadDiff {
    /// Stable id.
    pub id: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub status: &'static str,
    /// HEAD's file, or BASE's when removed.
    pub file: String,
    /// HEAD's line, or BASE's when removed.
    pub line: u32,
    /// Monthly cost in BASE, to the cent (0 when added); null when unpriced.
    pub monthly_before_usd: Option<f64>,
    /// Monthly cost in HEAD, to the cent (0 when removed); null when unpriced.
    pub monthly_after_usd: Option<f64>,
    /// After minus before; null when either side is unpriced.
    pub monthly_delta_usd: Option<f64>,
    /// Why a side is unpriced (HEAD's reason first).
    pub unpriced_reason: Option<String>,
    /// HEAD's break-even volume (BASE's when removed).
    pub break_even_requests_per_day: Option<f64>,
    /// HEAD's break-even alternative and arithmetic.
    pub break_even: Option<BreakEven>,
    /// HEAD's cost of one request, for per-request billing.
    pub per_request_usd: Option<f64>,
    /// HEAD's monthly cost independent of requests.
    pub fixed_monthly_usd: Option<f64>,
    /// HEAD's `requests-per-day` usage profile value, when known.
    pub requests_per_day: Option<f64>,
    /// HEAD's assumptions behind the numbers (empty when removed).
    pub assumptions: Vec<String>,
    /// Rule codes of HEAD's findings on this workload.
    pub rules: Vec<String>,
    /// HEAD's recommendation when it is to move (its reason), else null.
    pub recommendation: Option<String>,
}

/// Totals over the priced workloads.
#[derive(Debug, Serialize)]
pub struct DiffSummary {
    /// Sum of BASE's costs of the workloads with a known delta.
    pub monthly_before_usd: f64,
    /// Sum of HEAD's costs of the workloads with a known delta.
    pub monthly_after_usd: f64,
    /// After minus before (the sum of the rows' deltas).
    pub monthly_delta_usd: f64,
    /// Delta over before, in percent, rounded to 2 decimals; null when
    /// before is 0.
    #[serde(serialize_with = "super::optional::<_, 2>")]
    pub delta_percent: Option<f64>,
    /// Workloads whose delta is unknown (left out of the sums).
    pub unpriced: usize,
    /// Workloads only in HEAD.
    pub added: usize,
    /// Workloads only in BASE.
    pub removed: usize,
    /// Workloads in both whose cost changed.
    pub changed: usize,
}

/// The comparison of two scans.
#[derive(Debug, Serialize)]
pub struct Diff {
    /// Version of this shape.
    pub schema_version: u32,
    /// What BASE is (a path or a revision).
    pub base: String,
    /// What HEAD is.
    pub head: String,
    /// Changed, added and removed workloads by absolute delta, then
    /// unchanged ones; ties by id.
    pub workloads: Vec<WorkloadDiff>,
    /// HEAD's findings that BASE does not have, worst first.
    pub new_findings: Vec<FindingReport>,
    /// BASE's findings that HEAD no longer has.
    pub fixed_findings_count: usize,
    /// Totals.
    pub summary: DiffSummary,
}
