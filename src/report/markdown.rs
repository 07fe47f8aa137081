//! Markdown for a [`Diff`]: a pull-request comment with the cost change,
//! the workloads behind it, the new findings, the assumptions and
//! break-even charts. Like every formatter it only renders: each number
//! comes from the diff (the chart lines are straight lines through numbers
//! the report already holds).
//!
//! Every piece of text taken from the scanned files goes through [`cell`]
//! (tables and prose) or [`mermaid_label`] (charts), so a resource name
//! cannot break the layout or inject HTML.

use std::fmt::Write;

use crate::analyze::serverless::DAYS_PER_MONTH;
use crate::numbers::{trim, usd};
use crate::report::diff::{Diff, WorkloadDiff};
use crate::rules::code;

/// Most break-even charts in one comment.
const MAX_CHARTS: usize = 5;

/// A pull-request comment for a diff.
pub fn render_diff(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", heading(diff));
    let _ = writeln!(
        out,
        "Monthly baseline cost of `{}` (base) → `{}` (head): {} → {}.\n",
        code(&diff.base),
        code(&diff.head),
        usd(diff.summary.monthly_before_usd),
        usd(diff.summary.monthly_after_usd)
    );
    workloads(diff, &mut out);
    findings(diff, &mut out);
    assumptions(diff, &mut out);
    charts(diff, &mut out);
    out
}

/// `tcolint: monthly cost +$X (+Y%)`, `−$X (−Y%)` or `no change`.
/// `check --format markdown`: the cost report and the findings as a
/// pull-request comment, for repositories that want one without a base to
/// diff against. Every text from the scanned files goes through [`cell`].
pub fn render_report(report: &crate::report::Report) -> String {
    let summary = &report.summary;
    let mut out = String::from("## tcolint cost report\n\n");
    let peak = if summary.unbounded_priced_workloads > 0 {
        format!(
            "peak unbounded ({} workload(s) have no maximum; at least {})",
            summary.unbounded_priced_workloads,
            usd(summary.peak_monthly_usd)
        )
    } else {
        format!("{} peak", usd(summary.peak_monthly_usd))
    };
    let _ = writeln!(
        out,
        "{} workload(s), {}/month baseline, {peak}, {} idle; {} error(s), {} warning(s), {} info(s), {} suppressed.\n",
        summary.workloads,
        usd(summary.monthly_usd),
        usd(summary.idle_monthly_usd),
        summary.errors,
        summary.warnings,
        summary.infos,
        summary.suppressed
    );
    if !report.workloads.is_empty() {
        out.push_str("| Workload | GPUs per replica | Replicas | Monthly | Idle | Cold start |\n|---|---|---|---:|---:|---:|\n");
        for w in &report.workloads {
            let gpus = w.gpu.as_ref().map_or("-".to_string(), |gpu| {
                format!(
                    "{} x {}",
                    trim(gpu.per_replica, 3),
                    gpu.model.as_deref().unwrap_or(&gpu.resource)
                )
            });
            let replicas = match w.replicas.max {
                Some(max) if max == w.replicas.min => max.to_string(),
                Some(max) => format!("{} to {max}", w.replicas.min),
                None => format!("{} to unbounded", w.replicas.min),
            };
            let cost = w.cost.as_ref();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&w.id),
                cell(&gpus),
                replicas,
                cost.map_or("unpriced".to_string(), |c| usd(c.monthly_usd)),
                cost.and_then(|c| c.idle_monthly_usd)
                    .map_or("-".to_string(), usd),
                w.cold_start_s
                    .map_or("-".to_string(), |s| format!("{} s", trim(s, 1)))
            );
        }
        out.push('\n');
    }
    let scored: Vec<&crate::report::WorkloadReport> = report
        .workloads
        .iter()
        .filter(|w| w.scorecard.is_some())
        .collect();
    if !scored.is_empty() {
        out.push_str("### Scorecard and recommendation\n\n0-10, higher is better as deployed.\n\n| Workload | Idle | Ops | Latency | Training | Intermittent TCO | Verdict |\n|---|--:|--:|--:|--:|--:|---|\n");
        for w in scored {
            let Some(card) = &w.scorecard else { continue };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&w.id),
                trim(card.cost_of_idle.score, 1),
                trim(card.operational_overhead.score, 1),
                trim(card.low_latency_inference.score, 1),
                trim(card.training_suitability.score, 1),
                card.tco_intermittent
                    .as_ref()
                    .map_or("-".to_string(), |m| trim(m.score, 1)),
                cell(
                    w.recommendation
                        .as_ref()
                        .map_or("traffic unknown: set requests-per-day", |r| r
                            .reason
                            .as_str())
                )
            );
        }
        out.push('\n');
    }
    out.push_str("### Findings\n\n");
    let findings = report.sorted_findings();
    if findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        out.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
        for f in findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.severity.as_str(),
                cell(format!("{} {}", f.rule, f.name).trim()),
                cell(&format!("{}:{}", f.location.file, f.location.line)),
                cell(&f.message)
            );
        }
    }
    out
}

fn heading(diff: &Diff) -> String {
    let delta = diff.summary.monthly_delta_usd;
    if delta == 0.0 {
        return "tcolint: monthly cost no change".to_string();
    }
    let percent = diff
        .summary
        .delta_percent
        .map(|p| format!(" ({}{}%)", sign(p), trim(p.abs(), 1)))
        .unwrap_or_default();
    format!("tcolint: monthly cost {}{percent}", signed_usd(delta))
}

fn sign(value: f64) -> &'static str {
    if value < 0.0 {
        "\u{2212}"
    } else {
        "+"
    }
}

/// `+$1.00`, `−$1.00`, `$0.00`.
fn signed_usd(value: f64) -> String {
    if value == 0.0 {
        usd(0.0)
    } else {
        format!("{}{}", sign(value), usd(value.abs()))
    }
}

fn money(value: Option<f64>) -> String {
    value.map_or_else(|| "unpriced".to_string(), usd)
}

fn delta(value: Option<f64>) -> String {
    value.map_or_else(|| "unpriced".to_string(), signed_usd)
}

/// Escapes text for one cell of a GitHub-flavoured Markdown table, so that
/// no text can end the cell or the row, start a link, a code span or HTML:
///
/// - `\` becomes `\\` (so the escapes below cannot be undone),
/// - `|` becomes `\|` (the column separator),
/// - `\r`, `\n` and other control characters become a space (a row is one line;
///   `<br>` is not used),
/// - `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` (no HTML, no entities),
/// - `` ` `` becomes `` \` `` (no code spans),
/// - `[` and `]` become `\[` and `\]` (no links or images),
/// - `@` becomes `&#64;` (no mentions that notify people or teams).
///
/// The result renders as the original text (with line breaks as spaces).
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `@team` in a pull-request comment would notify the team.
            '@' => out.push_str("&#64;"),
            '\r' => {
                // `\r\n` is one line break, one space.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a code span: backticks and line breaks dropped.
fn code(text: &str) -> String {
    text.chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Text for a Mermaid label: quotes, brackets, braces, angle brackets,
/// backticks, semicolons, `#`, `&`, `|` and line breaks removed.
fn mermaid_label(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .filter(|c| !"\"'[](){}<>`;#&|\\".contains(*c))
        .collect::<String>()
        .trim()
        .to_string()
}

fn row(out: &mut String, w: &WorkloadDiff) {
    let status = match w.status {
        "added" => " _(added)_",
        "removed" => " _(removed)_",
        _ => "",
    };
    let _ = writeln!(
        out,
        "| {}{status} | {} | {} | {} |",
        cell(&w.id),
        money(w.monthly_before_usd),
        money(w.monthly_after_usd),
        delta(w.monthly_delta_usd)
    );
}

const HEADER: &str = "| Workload | Before | After | Delta |\n|---|--:|--:|--:|\n";

fn workloads(diff: &Diff, out: &mut String) {
    let (moved, unchanged): (Vec<&WorkloadDiff>, Vec<&WorkloadDiff>) =
        diff.workloads.iter().partition(|w| w.status != "unchanged");
    if moved.is_empty() {
        out.push_str("No workload's cost changed.\n\n");
    } else {
        out.push_str(HEADER);
        for w in &moved {
            row(out, w);
        }
        let s = &diff.summary;
        let _ = writeln!(
            out,
            "| **Total** | {} | {} | **{}** |\n",
            usd(s.monthly_before_usd),
            usd(s.monthly_after_usd),
            signed_usd(s.monthly_delta_usd)
        );
        let _ = writeln!(
            out,
            "{} changed, {} added, {} removed.\n",
            s.changed, s.added, s.removed
        );
    }
    let unpriced: Vec<&&WorkloadDiff> = moved
        .iter()
        .chain(unchanged.iter())
        .filter(|w| w.monthly_delta_usd.is_none())
        .collect();
    if !unpriced.is_empty() {
        let _ = writeln!(
            out,
            "{} workload(s) without a price on one side are left out of the totals:\n",
            unpriced.len()
        );
        for w in unpriced {
            let _ = writeln!(
                out,
                "- {}: {}",
                cell(&w.id),
                cell(w.unpriced_reason.as_deref().unwrap_or("unpriced"))
            );
        }
        out.push('\n');
    }
    let moves: Vec<&&WorkloadDiff> = moved
        .iter()
        .filter(|w| w.recommendation.is_some())
        .collect();
    if !moves.is_empty() {
        out.push_str("Recommended architecture at the declared traffic:\n\n");
        for w in moves {
            let _ = writeln!(
                out,
                "- {}: {}",
                cell(&w.id),
                cell(w.recommendation.as_deref().unwrap_or_default())
            );
        }
        out.push('\n');
    }
    if !unchanged.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} unchanged workload(s)</summary>\n",
            unchanged.len()
        );
        out.push_str(HEADER);
        for w in &unchanged {
            row(out, w);
        }
        out.push_str("\n</details>\n\n");
    }
}

fn findings(diff: &Diff, out: &mut String) {
    out.push_str("### New findings\n\n");
    if diff.new_findings.is_empty() {
        out.push_str("No new findings.");
    } else {
        out.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
        for f in &diff.new_findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.severity.as_str(),
                cell(format!("{} {}", f.rule, f.name).trim()),
                cell(&format!("{}:{}", f.location.file, f.location.line)),
                cell(&f.message)
            );
        }
    }
    if diff.fixed_findings_count > 0 {
        let _ = write!(
            out,
            "\n{} finding(s) of the base are gone.",
            diff.fixed_findings_count
        );
    }
    out.push_str("\n\n");
}

fn assumptions(diff: &Diff, out: &mut String) {
    let mut seen: Vec<&str> = Vec::new();
    for w in diff
        .workloads
        .iter()
        .filter(|w| w.status == "added" || w.status == "changed")
    {
        for a in &w.assumptions {
            if !seen.contains(&a.as_str()) {
                seen.push(a);
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    out.push_str("### Assumptions\n\n");
    for a in seen {
        let _ = writeln!(out, "- {}", cell(a));
    }
    out.push('\n');
}

/// The two lines of a break-even chart, at `points` request volumes:
/// (the workload's monthly cost, the alternative's monthly cost, what each
/// line is). `None` when the diff lacks a number a line needs.
fn chart_lines(w: &WorkloadDiff, points: &[f64]) -> Option<(Vec<f64>, Vec<f64>, &'static str)> {
    let be = w.break_even.as_ref()?;
    let volume = be.requests_per_day?;
    if !volume.is_finite() || volume <= 0.0 {
        return None;
    }
    match (be.alternative_monthly_usd, w.per_request_usd) {
        // A function billed per request against a flat always-on container.
        (Some(alternative), Some(per_request)) => {
            let fixed = w.fixed_monthly_usd.unwrap_or(0.0);
            let workload = points
                .iter()
                .map(|r| fixed + per_request * r * DAYS_PER_MONTH)
                .collect();
            Some((
                workload,
                points.iter().map(|_| alternative).collect(),
                "the workload grows with requests; the alternative is flat",
            ))
        }
        // An always-on GPU workload against the same replicas scaled to
        // zero: the analysis gives the alternative's cost at 0 to 2 times
        // the break-even, the points charted.
        (None, _) if !be.alternative_monthly_usd_curve.is_empty() => {
            let monthly = w.monthly_after_usd?;
            if monthly <= 0.0 || be.alternative_monthly_usd_curve.len() != points.len() {
                return None;
            }
            Some((
                points.iter().map(|_| monthly).collect(),
                be.alternative_monthly_usd_curve.clone(),
                "the workload is flat; the alternative rises with requests until it is warm all day",
            ))
        }
        // An always-on workload against scaling to zero: the alternative
        // costs nothing at no traffic and as much at the break-even.
        (None, _) => {
            let monthly = w.monthly_after_usd?;
            if monthly <= 0.0 {
                return None;
            }
            Some((
                points.iter().map(|_| monthly).collect(),
                points.iter().map(|r| monthly * r / volume).collect(),
                "the workload is flat; the alternative grows with requests",
            ))
        }
        (Some(_), None) => None,
    }
}

/// Charted: changed or added workloads with a break-even whose
/// `requests-per-day` is within a factor of 2 of it, or that have a TCO001
/// or TCO002 finding in HEAD; at most [`MAX_CHARTS`], in table order.
fn in_question(w: &WorkloadDiff) -> bool {
    let Some(be) = &w.break_even else {
        return false;
    };
    let Some(volume) = be.requests_per_day else {
        return false;
    };
    let near = w
        .requests_per_day
        .is_some_and(|r| r >= volume / 2.0 && r <= volume * 2.0);
    (w.status == "added" || w.status == "changed")
        && (near
            || w.rules
                .iter()
                .any(|r| r == code::TCO001 || r == code::TCO002))
}

fn charts(diff: &Diff, out: &mut String) {
    let mut drawn = 0;
    for w in diff.workloads.iter().filter(|w| in_question(w)) {
        if drawn == MAX_CHARTS {
            break;
        }
        let Some(be) = &w.break_even else { continue };
        let Some(volume) = be.requests_per_day else {
            continue;
        };
        let top = volume * 2.0;
        let points: Vec<f64> = (0..=4).map(|i| top * f64::from(i) / 4.0).collect();
        let Some((workload, alternative, legend)) = chart_lines(w, &points) else {
            continue;
        };
        if drawn == 0 {
            out.push_str("### Break-even\n\n");
        }
        drawn += 1;
        let max = workload
            .iter()
            .chain(&alternative)
            .fold(0.0_f64, |a, b| a.max(*b));
        let list = |values: &[f64], decimals: usize| {
            values
                .iter()
                .map(|v| trim(*v, decimals))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "{}: break-even at {} requests/day against {}; {}.\n",
            cell(&w.id),
            trim(volume, 0),
            cell(&be.alternative),
            legend
        );
        let _ = writeln!(
            out,
            "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis \"requests/day\" [{}]\n    y-axis \"USD/month\" 0 --> {}\n    line [{}]\n    line [{}]\n```\n",
            mermaid_label(&w.id),
            list(&points, 0),
            trim((max * 1.1).ceil(), 0),
            list(&workload, 2),
            list(&alternative, 2)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::diff::DiffSummary;

    #[test]
    fn cells_cannot_break_a_table_or_inject_html() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("a\r\nb"), "a b");
        assert_eq!(cell("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(cell("`x`"), "\\`x\\`");
        assert_eq!(cell("[y](z)"), "\\[y\\](z)");
        assert_eq!(cell("plain id/1.2"), "plain id/1.2");
        assert_eq!(cell("owner @ml-platform"), "owner &#64;ml-platform");
        assert_eq!(mermaid_label("a\"b[c]\nd<e>`f`"), "abcdef");
    }

    fn diff(before: f64, after: f64) -> Diff {
        Diff {
            schema_version: 1,
            base: "main".into(),
            head: "HEAD".into(),
            workloads: Vec::new(),
            new_findings: Vec::new(),
            fixed_findings_count: 0,
            summary: DiffSummary {
                monthly_before_usd: before,
                monthly_after_usd: after,
                monthly_delta_usd: after - before,
                delta_percent: (before > 0.0).then(|| (after - before) / before * 100.0),
                unpriced: 0,
                added: 0,
                removed: 0,
                changed: 0,
            },
        }
    }

    #[test]
    fn headings() {
        assert_eq!(
            heading(&diff(1000.0, 1250.5)),
            "tcolint: monthly cost +$250.50 (+25.1%)"
        );
        assert_eq!(
            heading(&diff(2000.0, 1000.0)),
            "tcolint: monthly cost \u{2212}$1,000.00 (\u{2212}50%)"
        );
        assert_eq!(heading(&diff(0.0, 73.0)), "tcolint: monthly cost +$73.00");
        assert_eq!(heading(&diff(5.0, 5.0)), "tcolint: monthly cost no change");
        let text = render_diff(&diff(5.0, 5.0));
        assert!(text.starts_with("## tcolint: monthly cost no change\n"));
        assert!(text.contains("No new findings."));
    }
}
