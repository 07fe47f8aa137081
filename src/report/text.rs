//! `--format text`: workloads with what they provision and cost, findings
//! rendered by miette with a snippet of the source, then a summary.

use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
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
    /// Each workload's basis, cold-start parts and assumptions, and every
    /// skipped file (`--verbose`); by default one line per workload and
    /// one count per skip reason.
    pub verbose: bool,
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
            if options.verbose {
                render_workload(&mut block, workload);
                block = wrap_lines(&block, WRAP_COLUMNS);
            } else {
                render_workload_line(&mut block, workload);
            }
            out.push_str(&inert_lines(&block));
        }
        if !options.verbose && !report.workloads.is_empty() {
            out.push('\n');
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
        render_summary(&mut out, report, options.verbose);
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

/// Where `--verbose` detail lines (basis, parts, assumptions) wrap, as the
/// findings do.
const WRAP_COLUMNS: usize = 100;

/// Wraps each line of `block` longer than `width` at spaces, continuing
/// under the text after its label (`cost        …`, `- …`).
fn wrap_lines(block: &str, width: usize) -> String {
    let mut out = String::new();
    for line in block.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        if text.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let mut prefix = continuation_indent(text).min(width / 2);
        while !text.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let indent = " ".repeat(prefix);
        // The label and its padding stay on the first line, with its first word.
        let mut current = text[..prefix].to_string();
        let mut empty = true;
        for word in text[prefix..].split(' ') {
            if !empty && current.chars().count() + 1 + word.chars().count() > width {
                out.push_str(&current);
                out.push('\n');
                current = indent.clone();
                empty = true;
            }
            if !empty {
                current.push(' ');
            }
            current.push_str(word);
            empty = false;
        }
        out.push_str(&current);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The column where a detail line's text starts: after a list item's `- `,
/// else after the label and its padding.
fn continuation_indent(line: &str) -> usize {
    let leading = line.len() - line.trim_start().len();
    let rest = &line[leading..];
    let label_end = rest
        .find("  ")
        .map(|gap| gap + rest[gap..].len() - rest[gap..].trim_start().len())
        .unwrap_or(0);
    let text = &rest[label_end..];
    let bullet = if text.starts_with("- ") { 2 } else { 0 };
    let column = leading + label_end + bullet;
    if column == leading {
        leading + 2
    } else {
        column
    }
}

/// Replica bounds in words: `2`, `0 to 4`, `1 to unbounded`.
fn replica_bounds(workload: &WorkloadReport) -> String {
    let max = workload
        .replicas
        .max
        .map_or("unbounded".to_string(), |m| m.to_string());
    if workload.replicas.max == Some(workload.replicas.min) {
        workload.replicas.min.to_string()
    } else {
        format!("{} to {max}", workload.replicas.min)
    }
}

/// One workload in one line: id, GPUs, replicas, monthly cost, cold start.
fn render_workload_line(out: &mut String, workload: &WorkloadReport) {
    let mut parts = Vec::new();
    match (&workload.gpu, &workload.function) {
        (Some(gpu), _) => parts.push(format!(
            "{} x {} per replica",
            trim(gpu.per_replica, 3),
            gpu.model.as_deref().unwrap_or(&gpu.resource)
        )),
        (None, Some(function)) => parts.push(format!(
            "function {} MB",
            function
                .memory_mb
                .map_or("?".to_string(), |memory| trim(memory, 0))
        )),
        (None, None) => parts.push("no GPU".to_string()),
    }
    parts.push(format!("replicas {}", replica_bounds(workload)));
    parts.push(match &workload.cost {
        Some(cost) => match cost.idle_monthly_usd {
            Some(idle) => format!("{}/month (idle {})", usd(cost.monthly_usd), usd(idle)),
            None => format!("{}/month", usd(cost.monthly_usd)),
        },
        None => "unpriced".to_string(),
    });
    if let Some(change) = &workload.change {
        parts.push(match change.monthly_delta_usd {
            Some(delta) => format!(
                "{} {}{}/month",
                change.action,
                if delta >= 0.0 { "+" } else { "-" },
                usd(delta.abs())
            ),
            None => change.action.to_string(),
        });
    }
    if let Some(cost) = &workload.cost {
        if let Some(expected) = cost
            .expected_monthly_usd
            .filter(|e| (e - cost.monthly_usd).abs() >= 0.005)
        {
            parts.push(format!("expected {}/month", usd(expected)));
        }
    }
    if let Some(cold_start) = &workload.cold_start {
        parts.push(format!("cold start {} s", seconds(cold_start.total_s)));
    }
    let _ = writeln!(
        out,
        "{}  ({}, {}): {}",
        inert(&workload.id),
        inert(&workload.kind),
        workload.purpose,
        parts.join(", ")
    );
    if let Some(scorecard) = &workload.scorecard {
        let _ = writeln!(out, "  scorecard   {}", scorecard_line(scorecard));
    }
    if let Some(recommendation) = &workload.recommendation {
        let _ = writeln!(out, "  recommend   {}", recommendation_line(recommendation));
    }
}

/// The recommendation in one line: stay, or which platform and what it
/// saves (the reason and the alternatives are `--verbose` detail).
fn recommendation_line(recommendation: &crate::analyze::recommend::Recommendation) -> String {
    use crate::analyze::recommend::{describe, Architecture};
    let monthly = |usd_per_month: Option<f64>| {
        usd_per_month.map_or("unpriced".to_string(), |m| format!("{}/month", usd(m)))
    };
    if recommendation.architecture == Architecture::AsDeployed {
        return format!(
            "stay as written ({})",
            monthly(recommendation.as_deployed().monthly_usd)
        );
    }
    let mut line = format!(
        "{} on {} ({})",
        describe(recommendation.architecture, &recommendation.platform),
        recommendation.platform,
        monthly(recommendation.monthly_usd)
    );
    if let Some(saving) = recommendation.saving_monthly_usd.filter(|s| *s > 0.0) {
        line.push_str(&format!(", saving {}/month", usd(saving)));
    }
    line
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
    let bounds = replica_bounds(workload);
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
                function
                    .memory_mb
                    .map_or("memory unknown".to_string(), |m| {
                        format!("{} MB", trim(m, 0))
                    }),
                format!("timeout {} s", trim(function.timeout_s.unwrap_or(0.0), 0)),
            ];
            if let Some(plan) = &function.plan {
                shape.push(plan.clone());
            }
            if let Some(cpu) = function.vcpu {
                shape.push(format!("{} vCPU", trim(cpu, 3)));
            }
            shape.extend(function.architecture.clone());
            shape.extend(function.package_type.clone());
            if let Some(runtime) = &function.runtime {
                shape.push(runtime.clone());
            }
            if let Some(provisioned) = function.provisioned_concurrency {
                // Lambda calls its warm instances provisioned concurrency;
                // the other platforms minimum or always-ready instances.
                if function.plan.is_some() {
                    shape.push(format!("warm instances {provisioned}"));
                } else {
                    shape.push(format!("provisioned {provisioned}"));
                }
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
                let defaults = if break_even.defaulted_inputs.is_empty() {
                    String::new()
                } else {
                    format!("; defaults: {}", break_even.defaulted_inputs.join(", "))
                };
                match break_even.requests_per_day {
                    Some(volume) => {
                        let _ = writeln!(
                            out,
                            "  break-even  {} requests/day vs {} ({} is cheaper above it{defaults})",
                            trim(volume, 0),
                            break_even.alternative,
                            break_even.cheaper_above
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "  break-even  none vs {} (see its basis{defaults})",
                            break_even.alternative
                        );
                    }
                }
            }
        }
        None => {
            let reason = workload.unpriced_reason.as_deref().unwrap_or("unknown");
            let _ = writeln!(out, "  cost        unpriced: {reason}");
        }
    }
    if let Some(scorecard) = &workload.scorecard {
        let _ = writeln!(out, "  scorecard   {}", scorecard_line(scorecard));
    }
    if let Some(recommendation) = &workload.recommendation {
        let _ = writeln!(out, "  verdict     {}", recommendation.reason);
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
        for missing in &cold_start.not_projected {
            let _ = writeln!(out, "              - not projected: {missing}");
        }
    }
    for (index, assumption) in workload.assumptions.iter().enumerate() {
        let label = if index == 0 { "assumes" } else { "" };
        let _ = writeln!(out, "  {label:<11} - {assumption}");
    }
    out.push('\n');
}

/// The five scores in one line, 0-10 each.
pub fn scorecard_line(scorecard: &crate::analyze::scorecard::Scorecard) -> String {
    let score = |metric: Option<&crate::analyze::scorecard::Metric>| {
        metric.map_or("-".to_string(), |m| trim(m.score, 1))
    };
    format!(
        "idle {}, ops {}, latency {}, training {}, intermittent TCO {} (0-10, higher is better)",
        score(Some(&scorecard.cost_of_idle)),
        score(Some(&scorecard.operational_overhead)),
        score(Some(&scorecard.low_latency_inference)),
        score(Some(&scorecard.training_suitability)),
        score(scorecard.tco_intermittent.as_ref())
    )
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

fn render_summary(out: &mut String, report: &Report, verbose: bool) {
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
    // An open-ended maximum is unbounded, never a smaller number.
    let gpus = match summary.unbounded_gpu_workloads {
        0 => format!(
            "{} at minimum, {} at maximum",
            trim(summary.gpus_min, 2),
            trim(summary.gpus_max, 2)
        ),
        open => format!(
            "{} at minimum, unbounded at maximum ({open} GPU workload(s) have no maximum; at least {})",
            trim(summary.gpus_min, 2),
            trim(summary.gpus_max, 2)
        ),
    };
    out.push_str(&wrap_lines(
        &format!("  GPUs        {gpus}\n"),
        WRAP_COLUMNS,
    ));
    let peak = match summary.unbounded_priced_workloads {
        0 => format!("{} peak", usd(summary.peak_monthly_usd)),
        open => format!(
            "peak unbounded ({open} workload(s) have no maximum; at least {})",
            usd(summary.peak_monthly_usd)
        ),
    };
    let line = format!(
        "  cost        {}/month baseline, {peak}, {} idle\n",
        usd(summary.monthly_usd),
        usd(summary.idle_monthly_usd)
    );
    out.push_str(&wrap_lines(&line, WRAP_COLUMNS));
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
    if verbose {
        for skipped in &report.skipped {
            let line = format!(
                "  skipped     {}: {}\n",
                inert(&skipped.file),
                inert(&skipped.reason)
            );
            out.push_str(&wrap_lines(&line, WRAP_COLUMNS));
        }
    } else {
        for line in skipped_counts(&report.skipped) {
            let line = format!("  skipped     {}\n", inert(&line));
            out.push_str(&wrap_lines(&line, WRAP_COLUMNS));
        }
    }
}

/// How many module calls, objects or expansions of one kind the concise
/// summary lists, each with what to do, before it only counts the rest.
const SKIPPED_PARTS_SHOWN: usize = 10;

/// The skipped list, concise: files as one line per reason (hundreds of
/// package.json files share one), module calls, objects and expansions
/// (whose reasons name each one and say what to do) one per line up to
/// [`SKIPPED_PARTS_SHOWN`] of each kind, then a count. `--verbose` lists all.
fn skipped_counts(skipped: &[super::SkippedFile]) -> Vec<String> {
    let mut files: Vec<(&str, usize)> = Vec::new();
    let mut lines = Vec::new();
    let mut parts: Vec<(&str, usize)> = Vec::new();
    for item in skipped {
        if item.what == "file" {
            match files.iter_mut().find(|(reason, _)| *reason == item.reason) {
                Some((_, count)) => *count += 1,
                None => files.push((&item.reason, 1)),
            }
            continue;
        }
        let shown = match parts.iter_mut().find(|(what, _)| *what == item.what) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                parts.push((item.what, 1));
                1
            }
        };
        if shown <= SKIPPED_PARTS_SHOWN {
            lines.push(format!("{}: {}", item.file, item.reason));
        }
    }
    for (what, count) in parts {
        if count > SKIPPED_PARTS_SHOWN {
            lines.push(format!(
                "{} more {what} entries (--verbose lists each and why)",
                count - SKIPPED_PARTS_SHOWN
            ));
        }
    }
    for (reason, count) in files {
        let noun = if count == 1 { "file" } else { "files" };
        lines.push(format!("{count} {noun}: {reason}"));
    }
    lines
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

/// The longest source line a snippet prints whole; longer lines (a
/// Terraform plan is one line) are cut to a window around the span.
const SNIPPET_LINE_CHARS: usize = 200;
/// How much of a long line a window shows before the span starts.
const SNIPPET_LEAD_CHARS: usize = 60;

/// Source text for a snippet: the whole file, or, when a line near the span
/// is too long to print, a window of those lines around the span that keeps
/// the real line and column numbers.
#[derive(Debug)]
enum Snippet {
    Whole(NamedSource<Arc<str>>),
    Window(Window),
}

/// Lines cut to at most [`SNIPPET_LINE_CHARS`] around a span, with `…` where
/// text is left out.
#[derive(Debug)]
struct Window {
    name: String,
    text: String,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
    /// The span's offset in `text`, and its real 0-based column.
    span_offset: usize,
    real_column: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        match self {
            Snippet::Whole(source) => source.read_span(span, before, after),
            Snippet::Window(window) => {
                let contents = window.text.as_str().read_span(span, before, after)?;
                // The header's column is the span's real one, not the window's.
                let column = if span.offset() == window.span_offset && before == 0 && after == 0 {
                    window.real_column
                } else {
                    contents.column()
                };
                Ok(Box::new(MietteSpanContents::new_named(
                    window.name.clone(),
                    contents.data(),
                    *contents.span(),
                    contents.line() + window.first_line,
                    column,
                    contents.line_count(),
                )))
            }
        }
    }
}

/// A window over the lines around `offset..offset + len` of `text` when one
/// of them is longer than [`SNIPPET_LINE_CHARS`]: each long line is cut to
/// the same columns around the span's start, the span clipped to its first
/// line's window. Returns the window and the span in it.
fn window(name: &str, text: &str, offset: usize, len: usize) -> Option<(Window, (usize, usize))> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let first = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1)
        .min(line_start);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let last = if line_end < text.len() {
        text[line_end + 1..]
            .find('\n')
            .map_or(text.len(), |i| line_end + 1 + i)
    } else {
        line_end
    };
    let context = &text[first..last];
    if context
        .lines()
        .all(|line| line.chars().count() <= SNIPPET_LINE_CHARS)
    {
        return None;
    }
    // The window in characters of the span's line, reused for its neighbours.
    let column = text[line_start..offset].chars().count();
    let from = column.saturating_sub(SNIPPET_LEAD_CHARS);
    let to = from + SNIPPET_LINE_CHARS;
    let mut out = String::new();
    let mut span = (0, 0);
    let mut line_offset = first;
    for line in context.split('\n') {
        let chars = line.chars().count();
        if line_offset > first {
            out.push('\n');
        }
        // A short neighbour prints whole; a long one is cut at the span's columns.
        let (from, to) = if line_offset != line_start && chars <= SNIPPET_LINE_CHARS {
            (0, chars)
        } else {
            (from, to)
        };
        if from > 0 && chars > from {
            out.push('…');
        }
        let kept_start = out.len();
        let kept: String = line.chars().skip(from).take(to - from).collect();
        out.push_str(&kept);
        if line_offset == line_start {
            let in_kept = text[line_start..offset]
                .chars()
                .count()
                .saturating_sub(from);
            let start = kept_start
                + kept
                    .chars()
                    .take(in_kept)
                    .map(char::len_utf8)
                    .sum::<usize>();
            let end = (start + len).min(kept_start + kept.len());
            span = (start, end - start);
        }
        if chars > to {
            out.push('…');
        }
        line_offset += line.len() + 1;
    }
    let first_line = text[..first].matches('\n').count();
    Some((
        Window {
            name: name.to_string(),
            text: out,
            first_line,
            span_offset: span.0,
            real_column: column,
        },
        span,
    ))
}

/// A located message (a finding, a configuration error) as a miette
/// diagnostic.
#[derive(Debug)]
pub struct SourceDiagnostic {
    message: String,
    code: String,
    severity: Severity,
    source: Option<Snippet>,
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
        let (source, span) = snippet(file.to_string(), text, span);
        SourceDiagnostic {
            message,
            code: code.unwrap_or_default(),
            severity,
            source,
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
        let text = report
            .sources
            .get(location.file.as_str())
            .map(|source| inert_source(&source.text));
        let (source, span) = snippet(inert(&location.file), text, (location.offset, location.len));
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
            span,
        }
    }
}

/// The snippet source for `span` of `text`, windowed when its lines are long.
fn snippet(
    name: String,
    text: Option<Arc<str>>,
    span: (usize, usize),
) -> (Option<Snippet>, (usize, usize)) {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return (None, span);
    };
    match window(&name, &text, span.0, span.1) {
        Some((window, span)) => (Some(Snippet::Window(window)), span),
        None => (Some(Snippet::Whole(NamedSource::new(name, text))), span),
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
    fn a_long_line_is_cut_to_a_window_around_the_span() {
        let line = format!("{}\"address\":\"gpu\"{}", "a".repeat(500), "b".repeat(500));
        let text = format!("first\n{line}\nlast\n");
        let offset = 6 + 500;
        let (window, span) = window("plan.json", &text, offset, 15).expect("windowed");
        assert_eq!(window.first_line, 0);
        assert_eq!(window.real_column, 500);
        let lines: Vec<&str> = window.text.lines().collect();
        assert_eq!(lines[0], "first");
        assert_eq!(lines[2], "last");
        assert!(
            lines[1].starts_with('…') && lines[1].ends_with('…'),
            "{}",
            lines[1]
        );
        assert!(lines[1].chars().count() <= SNIPPET_LINE_CHARS + 2);
        assert_eq!(&window.text[span.0..span.0 + span.1], "\"address\":\"gpu\"");
        // A span running past the window is clipped to it.
        let (clipped, span) = super::window("plan.json", &text, offset, 5_000).unwrap();
        assert!(clipped.text[span.0..span.0 + span.1].ends_with('b'));
        // Short lines are left whole.
        assert!(super::window("a.yaml", "a: 1\nb: 2\n", 5, 4).is_none());
    }

    #[test]
    fn long_detail_lines_wrap_under_their_text() {
        let block = format!(
            "  basis       {}\n              - {}\n",
            "word ".repeat(30),
            "part ".repeat(30)
        );
        let wrapped = wrap_lines(&block, 60);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= 60, "{line:?}");
        }
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines[1].starts_with("              word"), "{wrapped}");
        assert!(wrapped.contains("\n                part"), "{wrapped}");
        assert_eq!(wrap_lines("short\n", 60), "short\n");
    }

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
