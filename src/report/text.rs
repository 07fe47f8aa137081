//! `--format text`: workloads with what they provision and cost, findings
//! rendered by miette with a snippet of the source, then a summary.

use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{FindingReport, Report, WorkloadReport};
use crate::numbers::{trim, usd};
use crate::rules::Severity;

/// How much the text report shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// Findings only: no header, workloads or summary (`--quiet`).
    pub quiet: bool,
    /// Also list the findings a suppression silenced, with its reason
    /// (`--show-suppressed`).
    pub show_suppressed: bool,
}

/// Renders the report for a terminal (`color`) or a log.
pub fn render(report: &Report, color: bool) -> String {
    render_with(
        report,
        TextOptions {
            color,
            ..TextOptions::default()
        },
    )
}

/// Renders the report with the given options.
pub fn render_with(report: &Report, options: TextOptions) -> String {
    let mut out = String::new();
    if !options.quiet {
        let _ = writeln!(
            out,
            "tcolint {} (price catalogue {})\n",
            report.tool.version, report.tool.catalog_date
        );
        for workload in &report.workloads {
            let mut block = String::new();
            render_workload(&mut block, workload);
            out.push_str(&inert_lines(&block));
        }
    }
    let handler = handler(options.color);
    for finding in &report.findings {
        let diagnostic = SourceDiagnostic::from_finding(finding, report);
        let _ = handler.render_report(&mut out, &diagnostic);
        out.push('\n');
    }
    if options.show_suppressed && !report.suppressed.is_empty() {
        let _ = writeln!(out, "Suppressed");
        for finding in &report.suppressed {
            let location = &finding.location;
            let _ = writeln!(
                out,
                "  {}:{}:{}: {} {} on {}: {}",
                inert(&location.file),
                location.line,
                location.column,
                finding.rule,
                finding.name,
                inert(finding.workload.as_deref().unwrap_or("-")),
                inert(finding.reason.as_deref().unwrap_or("(no reason given)"))
            );
        }
        out.push('\n');
    }
    if !options.quiet {
        render_summary(&mut out, report);
    }
    out
}

/// miette's graphical handler, fixed width so output does not depend on the terminal.
fn handler(color: bool) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    })
    .with_width(100)
    .with_links(false)
}

fn render_workload(out: &mut String, workload: &WorkloadReport) {
    let location = &workload.location;
    let _ = writeln!(
        out,
        "{}  ({}, {})",
        inert(&workload.id),
        inert(&workload.kind),
        workload.purpose
    );
    let _ = writeln!(
        out,
        "  at          {}:{}:{}",
        inert(&location.file),
        location.line,
        location.column
    );
    let max = workload
        .replicas
        .max
        .map_or("unbounded".to_string(), |m| m.to_string());
    let bounds = if workload.replicas.max == Some(workload.replicas.min) {
        workload.replicas.min.to_string()
    } else {
        format!("{} to {max}", workload.replicas.min)
    };
    let _ = writeln!(out, "  replicas    {bounds} ({})", workload.replicas.basis);
    let mut per_replica = Vec::new();
    for accelerator in &workload.accelerators {
        let mut text = format!("{} x", trim(accelerator.per_replica, 3));
        if let Some(model) = &accelerator.model {
            text.push_str(&format!(" {model}"));
        }
        if let Some(memory) = accelerator.memory_gb {
            text.push_str(&format!(" {} GB", trim(memory, 2)));
        }
        text.push_str(&format!(" ({})", accelerator.resource));
        per_replica.push(text);
    }
    match &workload.function {
        Some(function) => {
            let mut shape = vec![
                format!("{} MB", trim(function.memory_mb.unwrap_or(0.0), 0)),
                format!("timeout {} s", trim(function.timeout_s.unwrap_or(0.0), 0)),
                function.architecture.clone().unwrap_or_default(),
                function.package_type.clone().unwrap_or_default(),
            ];
            if let Some(runtime) = &function.runtime {
                shape.push(runtime.clone());
            }
            if let Some(provisioned) = function.provisioned_concurrency {
                shape.push(format!("provisioned {provisioned}"));
            }
            if !function.events.is_empty() {
                shape.push(format!("events {}", function.events.join(", ")));
            }
            let _ = writeln!(out, "  function    {}", shape.join(", "));
        }
        None => {
            per_replica.push(format!("{} vCPU", trim(workload.cpu_per_replica, 3)));
            per_replica.push(format!("{} GiB", trim(workload.memory_gb_per_replica, 2)));
            let _ = writeln!(out, "  per replica {}", per_replica.join(", "));
        }
    }
    if let Some(instance) = &workload.instance_type {
        let cloud = workload.cloud.unwrap_or("?");
        match &workload.region {
            Some(region) => {
                let _ = writeln!(out, "  node        {instance} ({cloud} {region})");
            }
            None => {
                let _ = writeln!(out, "  node        {instance} ({cloud})");
            }
        }
    }
    if let Some(change) = &workload.change {
        let side = |value: Option<f64>| value.map_or("unpriced".to_string(), usd);
        let delta = change.monthly_delta_usd.map_or(String::new(), |delta| {
            format!(
                " ({}{}/month)",
                if delta >= 0.0 { "+" } else { "-" },
                usd(delta.abs())
            )
        });
        let _ = writeln!(
            out,
            "  change      {}: {} -> {}{delta}",
            change.action,
            side(change.monthly_before_usd),
            side(change.monthly_after_usd)
        );
    }
    match &workload.cost {
        Some(cost) => {
            let mut line = format!("{}/month", usd(cost.monthly_usd));
            match cost.peak_monthly_usd {
                Some(peak) if (peak - cost.monthly_usd).abs() > 0.005 => {
                    line.push_str(&format!(", peak {}", usd(peak)))
                }
                Some(_) => {}
                None => line.push_str(", peak unbounded"),
            }
            if let Some(idle) = cost.idle_monthly_usd {
                line.push_str(&format!(", idle {}", usd(idle)));
            }
            let _ = writeln!(out, "  cost        {line}");
            let _ = writeln!(out, "  basis       {}", cost.basis);
            if let Some(expected) = cost.expected.as_ref().filter(|e| e.busy_replicas.is_some()) {
                let _ = writeln!(out, "  expected    {}", expected_line(expected));
            }
            if let Some(break_even) = &cost.break_even {
                let _ = writeln!(
                    out,
                    "  break-even  {} requests/day vs {} ({} is cheaper above it)",
                    trim(break_even.requests_per_day, 0),
                    break_even.alternative,
                    break_even.cheaper_above
                );
            }
        }
        None => {
            let reason = workload.unpriced_reason.as_deref().unwrap_or("unknown");
            let _ = writeln!(out, "  cost        unpriced: {reason}");
        }
    }
    if let Some(cold_start) = &workload.cold_start {
        let parts: Vec<String> = cold_start
            .parts
            .iter()
            .map(|part| format!("{} {} s", part.name, seconds(part.seconds)))
            .collect();
        let _ = writeln!(
            out,
            "  cold start  {} s ({})",
            seconds(cold_start.total_s),
            parts.join(" + ")
        );
        // Each part's source, as the cost's basis line gives its price's.
        for part in &cold_start.parts {
            let assumed = if part.assumed { " (assumed)" } else { "" };
            let _ = writeln!(
                out,
                "              - {}{assumed}: {}",
                part.name, part.basis
            );
        }
    }
    for (index, assumption) in workload.assumptions.iter().enumerate() {
        let label = if index == 0 { "assumes" } else { "" };
        let _ = writeln!(out, "  {label:<11} - {assumption}");
    }
    out.push('\n');
}

/// The expected cost and cold starts at the usage profile, in one line.
fn expected_line(expected: &crate::analyze::expected::Expected) -> String {
    let mut line = match (expected.monthly_usd, expected.replicas) {
        (Some(monthly), Some(replicas)) => format!(
            "{}/month ({} replicas on average)",
            usd(monthly),
            trim(replicas, 3)
        ),
        (None, Some(replicas)) => format!("{} replicas on average", trim(replicas, 3)),
        _ => "unknown".to_string(),
    };
    if let (Some(per_day), Some(share)) =
        (expected.cold_starts_per_day, expected.cold_request_share)
    {
        if per_day > 0.0 {
            line.push_str(&format!(
                ", {} cold starts/day ({}% of requests wait)",
                trim(per_day, 1),
                trim(share * 100.0, 1)
            ));
        }
    }
    line
}

/// Seconds with millisecond precision below 10 s (Lambda cold starts), tenths above.
fn seconds(value: f64) -> String {
    trim(value, if value < 10.0 { 3 } else { 1 })
}

fn render_summary(out: &mut String, report: &Report) {
    let summary = &report.summary;
    let _ = writeln!(out, "Summary");
    let _ = writeln!(
        out,
        "  files       {} scanned, {} skipped",
        summary.files_scanned, summary.files_skipped
    );
    let mut workloads = format!("{}", summary.workloads);
    if summary.unpriced_workloads > 0 {
        workloads.push_str(&format!(" ({} unpriced)", summary.unpriced_workloads));
    }
    let _ = writeln!(out, "  workloads   {workloads}");
    let mut gpus = format!(
        "{} at minimum, {} at maximum",
        trim(summary.gpus_min, 2),
        trim(summary.gpus_max, 2)
    );
    if summary.unbounded_workloads > 0 {
        gpus.push_str(&format!(
            " ({} workload(s) unbounded)",
            summary.unbounded_workloads
        ));
    }
    let _ = writeln!(out, "  GPUs        {gpus}");
    let _ = writeln!(
        out,
        "  cost        {}/month baseline, {} peak, {} idle",
        usd(summary.monthly_usd),
        usd(summary.peak_monthly_usd),
        usd(summary.idle_monthly_usd)
    );
    if let Some(plan) = &summary.plan {
        let delta = plan.monthly_delta_usd;
        let _ = writeln!(
            out,
            "  plan        {} -> {}/month ({}{}), {} resource(s) changed{}",
            usd(plan.monthly_before_usd),
            usd(plan.monthly_after_usd),
            if delta >= 0.0 { "+" } else { "-" },
            usd(delta.abs()),
            plan.changed,
            if plan.unpriced > 0 {
                format!(", {} unpriced", plan.unpriced)
            } else {
                String::new()
            }
        );
    }
    let mut findings = format!(
        "{} error(s), {} warning(s), {} info(s)",
        summary.errors, summary.warnings, summary.infos
    );
    if summary.suppressed > 0 {
        findings.push_str(&format!(", {} suppressed", summary.suppressed));
    }
    if let Some(hidden) = summary.baselined {
        findings.push_str(&format!(", {hidden} in the baseline (not shown)"));
    }
    let _ = writeln!(out, "  findings    {findings}");
    for skipped in &report.skipped {
        let _ = writeln!(
            out,
            "  skipped     {}: {}",
            inert(&skipped.file),
            inert(&skipped.reason)
        );
    }
}

/// `tcolint diff --format text`: changed workloads, the total and the new
/// findings as a plain table.
pub fn render_diff(diff: &crate::report::diff::Diff) -> String {
    let money = |value: Option<f64>| value.map_or_else(|| "unpriced".to_string(), usd);
    let signed = |value: Option<f64>| match value {
        Some(v) if v < 0.0 => format!("-{}", usd(-v)),
        Some(v) => format!("+{}", usd(v)),
        None => "unpriced".to_string(),
    };
    let mut out = format!(
        "tcolint diff: {} -> {}\n\n",
        inert(&diff.base),
        inert(&diff.head)
    );
    for workload in diff.workloads.iter().filter(|w| w.status != "unchanged") {
        out.push_str(&format!(
            "  {:<9} {}  {} -> {}  ({})\n",
            workload.status,
            inert(&workload.id),
            money(workload.monthly_before_usd),
            money(workload.monthly_after_usd),
            signed(workload.monthly_delta_usd)
        ));
    }
    let summary = &diff.summary;
    out.push_str(&format!(
        "\n  total     {} -> {}/month ({}{}); {} added, {} removed, {} changed, {} unpriced\n",
        usd(summary.monthly_before_usd),
        usd(summary.monthly_after_usd),
        signed(Some(summary.monthly_delta_usd)),
        summary
            .delta_percent
            .map_or_else(String::new, |p| format!(", {p:+.2}%")),
        summary.added,
        summary.removed,
        summary.changed,
        summary.unpriced
    ));
    if !diff.new_findings.is_empty() {
        out.push_str("\nNew findings\n");
        for finding in &diff.new_findings {
            let location = &finding.location;
            out.push_str(&format!(
                "  {}:{}:{}: {} {} {}\n",
                inert(&location.file),
                location.line,
                location.column,
                finding.severity,
                finding.rule,
                inert(&finding.message)
            ));
        }
    }
    if diff.fixed_findings_count > 0 {
        out.push_str(&format!(
            "\n{} finding(s) of the base are gone\n",
            diff.fixed_findings_count
        ));
    }
    out
}

/// Text from the scanned files made inert for a terminal: control
/// characters (line breaks, escape sequences) and bidirectional overrides
/// are shown as escapes, so a name cannot fake lines, recolour or clear the
/// screen, or reorder what the reader sees.
fn inert(text: &str) -> String {
    text.chars().map(escape_char).collect()
}

/// [`inert`] for a rendered block, keeping its own line breaks.
fn inert_lines(block: &str) -> String {
    block
        .chars()
        .map(|c| {
            if c == '\n' {
                c.to_string()
            } else {
                escape_char(c)
            }
        })
        .collect()
}

/// Source text for a snippet, with control characters (other than line
/// breaks and tabs) and bidirectional overrides replaced by `?` byte for
/// byte, so spans still point at the same offsets.
fn inert_source(text: &Arc<str>) -> Arc<str> {
    let unsafe_char = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Arc::clone(text);
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

fn escape_char(c: char) -> String {
    let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if c.is_control() || bidi || c == '\u{2028}' || c == '\u{2029}' {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

/// A located message (a finding, a configuration error) as a miette
/// diagnostic.
#[derive(Debug)]
pub struct SourceDiagnostic {
    message: String,
    code: String,
    severity: Severity,
    source: Option<NamedSource<Arc<str>>>,
    span: (usize, usize),
}

impl SourceDiagnostic {
    /// A message at `offset..offset + len` of `text`, or without a snippet
    /// when there is no text.
    pub fn new(
        message: String,
        code: Option<String>,
        severity: Severity,
        file: &str,
        text: Option<Arc<str>>,
        span: (usize, usize),
    ) -> Self {
        SourceDiagnostic {
            message,
            code: code.unwrap_or_default(),
            severity,
            source: text
                .filter(|t| !t.is_empty())
                .map(|t| NamedSource::new(file, t)),
            span,
        }
    }

    /// Renders with miette's graphical handler.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let _ = handler(color).render_report(&mut out, self);
        out
    }

    fn from_finding(finding: &FindingReport, report: &Report) -> Self {
        let location = &finding.location;
        let source = report
            .sources
            .get(location.file.as_str())
            .filter(|source| !source.text.is_empty())
            .map(|source| NamedSource::new(inert(&location.file), inert_source(&source.text)));
        let message = if source.is_some() {
            inert(&finding.message)
        } else {
            format!(
                "{}:{}:{}: {}",
                inert(&location.file),
                location.line,
                location.column,
                inert(&finding.message)
            )
        };
        SourceDiagnostic {
            message,
            code: format!("{} {}", finding.rule, finding.name),
            severity: finding.severity,
            source,
            span: (location.offset, location.len),
        }
    }
}

impl fmt::Display for SourceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceDiagnostic {}

impl Diagnostic for SourceDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display + 'a>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".into()),
            self.span.0,
            self.span.1,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_is_inert() {
        assert_eq!(inert("a\nb\x1b[2Jc"), "a\\nb\\u{1b}[2Jc");
        assert_eq!(inert("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(inert("plain/é.yaml"), "plain/é.yaml");
        assert_eq!(inert_lines("x\ny\rz\n"), "x\ny\\rz\n");
        let source: Arc<str> = "key: a\x1b[31m\u{202e}\nnext: 1\n".into();
        let cleaned = inert_source(&source);
        assert_eq!(cleaned.len(), source.len(), "offsets are kept");
        assert_eq!(&*cleaned, "key: a?[31m???\nnext: 1\n");
        let plain: Arc<str> = "k: v\n".into();
        assert!(Arc::ptr_eq(&inert_source(&plain), &plain));
    }
}
