//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding, and Markdown for the job's step summary (`$GITHUB_STEP_SUMMARY`).
//!
//! Each finding becomes one line
//!
//! ```text
//! ::warning file=k8s/app.yaml,line=12,endLine=12,col=5,endColumn=19,title=TCO001 idle-gpu-capacity::message
//! ```
//!
//! Severity `error` is an `::error`, `warning` a `::warning` and `info` a
//! `::notice`. `col` and `endColumn` are given only for spans on one line
//! (GitHub ignores them otherwise). Text is escaped exactly as the Actions
//! runner's toolkit escapes it, so a hostile file name or message can
//! neither end the command early nor start another one: in the message
//! `%`, `\r` and `\n` become `%25`, `%0D` and `%0A`; property values
//! (file, title) additionally turn `:` into `%3A` and `,` into `%2C`.
//!
//! GitHub shows at most 10 annotations of each severity per step, so
//! findings come worst first, and for each severity with more than 10 a
//! closing `::notice::` says how many more there are. Note that this
//! overflow notice is itself a notice annotation: when there are more than
//! 10 infos it is hidden like them; the step summary always has every
//! finding.

use std::fmt::Write;

use super::markdown::cell;
use super::{portable_path, FindingReport, Report};
use crate::numbers::usd;
use crate::rules::Severity;

/// Where the step summary stops listing findings, safely below GitHub's
/// 1 MiB limit for one step's summary (a row is at most a few KB).
const SUMMARY_LIMIT_BYTES: usize = 900 * 1024;

/// The most annotations of one severity GitHub shows for a step.
pub const ANNOTATIONS_SHOWN: usize = 10;

/// Workflow commands, one per finding, worst first.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let findings = report.sorted_findings();
    for finding in &findings {
        out.push_str(&command(finding));
        out.push('\n');
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let hidden = hidden(&findings, severity);
        if hidden > 0 {
            let message = format!(
                "tcolint: {hidden} more {} finding{} than GitHub shows as annotations; \
                 every finding is in the step summary and the report",
                severity.as_str(),
                if hidden == 1 { "" } else { "s" }
            );
            let _ = writeln!(out, "::notice::{}", escape_data(&message));
        }
    }
    out
}

/// Markdown for `$GITHUB_STEP_SUMMARY`: totals, a table of every finding
/// (GitHub shows at most 10 annotations per severity per step), and a note
/// of how many annotations GitHub does not show when there are any.
pub fn step_summary(report: &Report) -> String {
    let summary = &report.summary;
    let findings = report.sorted_findings();
    let mut out = String::new();
    out.push_str("## tcolint\n\n");
    let _ = writeln!(
        out,
        "{} workload{}, {}/month baseline; {} error{}, {} warning{}, {} info{}; {} suppressed.",
        summary.workloads,
        plural(summary.workloads),
        usd(summary.monthly_usd),
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings),
        summary.infos,
        plural(summary.infos),
        summary.suppressed,
    );
    out.push('\n');
    if findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    let hidden: usize = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|severity| hidden(&findings, severity))
        .sum();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "GitHub shows at most {ANNOTATIONS_SHOWN} annotations per severity in a step: \
             {hidden} finding{} below {} no annotation.\n",
            plural(hidden),
            if hidden == 1 { "has" } else { "have" },
        );
    }
    out.push_str("| Severity | Rule | Location | Workload | Message |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    let total = findings.len();
    for (index, finding) in findings.into_iter().enumerate() {
        // GitHub rejects a step summary over 1 MiB: stop short of it.
        if out.len() > SUMMARY_LIMIT_BYTES {
            let _ = writeln!(
                out,
                "\n{} more finding{} not listed: GitHub limits a step summary to 1 MiB; \
                 `tcolint check --format json` has all of them.",
                total - index,
                plural(total - index)
            );
            break;
        }
        let location = &finding.location;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            finding.severity.as_str(),
            cell(&format!("{} {}", finding.rule, finding.name)),
            cell(&format!(
                "{}:{}:{}",
                portable_path(&location.file),
                location.line,
                location.column
            )),
            cell(finding.workload.as_deref().unwrap_or("-")),
            cell(&finding.message),
        );
    }
    out
}

/// One workflow command for one finding, without a line end.
fn command(finding: &FindingReport) -> String {
    let location = &finding.location;
    let kind = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = vec![
        format!("file={}", escape_property(&portable_path(&location.file))),
        format!("line={}", location.line),
        format!("endLine={}", location.end_line),
    ];
    if location.line == location.end_line {
        properties.push(format!("col={}", location.column));
        properties.push(format!("endColumn={}", location.end_column));
    }
    let title = if finding.name.is_empty() {
        finding.rule.clone()
    } else {
        format!("{} {}", finding.rule, finding.name)
    };
    properties.push(format!("title={}", escape_property(&title)));
    format!(
        "::{kind} {}::{}",
        properties.join(","),
        escape_data(&finding.message)
    )
}

/// How many findings of `severity` GitHub will not show as annotations.
fn hidden(findings: &[&FindingReport], severity: Severity) -> usize {
    findings
        .iter()
        .filter(|f| f.severity == severity)
        .count()
        .saturating_sub(ANNOTATIONS_SHOWN)
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A command's message, escaped as the runner's `escapeData`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value, escaped as the runner's `escapeProperty`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::LocationReport;
    pub(crate) use crate::test_support::{scan, temp_folder};

    /// The cold-start fixture's LAT001 finding alone (the full catalogue
    /// also finds its `route` function above break-even, TCO002).
    pub(crate) fn cold_lat001() -> Report {
        let mut report = scan(&["fixtures/serverless/cold"]);
        report.findings.retain(|finding| finding.rule == "LAT001");
        report
    }
    use std::path::PathBuf;

    /// The Deployment name the hostile fixture uses (a Kubernetes name check
    /// would reject it; tcolint reports it verbatim in messages).
    pub(crate) const HOSTILE_NAME: &str = "bad\r\n::error file=x.yaml,line=1::pwned, a:b 100% %0A |c| `tick` <script>alert(1)</script> [l](http://x) & \\| end";

    /// A file name with `,`, `:`, `%` and a space (no `:` on Windows).
    pub(crate) fn hostile_file_name() -> &'static str {
        if cfg!(windows) {
            "we,ird 100% x.yaml"
        } else {
            "we,ird: 100% x.yaml"
        }
    }

    /// A folder with one file whose name, Deployment name, namespace and
    /// container name are hostile; it yields a TCO001 warning and a GPU001
    /// error, both with hostile text in the message.
    pub(crate) fn hostile_report(name: &str) -> (Report, PathBuf) {
        let dir = temp_folder(name);
        let yaml = format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: "ns::x,%y"
  annotations:
    tcolint.io/purpose: inference
    tcolint.io/utilization: "0.05"
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: "c\r\n::warning::inj, % | ` <script>alert(1)</script> & [x](y)"
        image: x
        resources:
          requests:
            nvidia.com/gpu: 2
          limits:
            nvidia.com/gpu: 1
"#,
            name = serde_json::to_string(HOSTILE_NAME).unwrap()
        );
        let file = dir.join(hostile_file_name());
        std::fs::write(&file, yaml).expect("write fixture");
        let report = scan(&[dir.to_str().expect("utf-8 temp path")]);
        (report, dir)
    }

    /// The inverse of [`escape_data`].
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    /// A parsed workflow command: kind, properties (unescaped), message (unescaped).
    struct Command {
        kind: String,
        properties: Vec<(String, String)>,
        message: String,
    }

    /// Parses one line as the runner does: `::kind props::message`.
    fn parse(line: &str) -> Command {
        let rest = line.strip_prefix("::").expect("a command starts with ::");
        let (head, message) = rest.split_once("::").expect("a command has a second ::");
        let (kind, props) = head.split_once(' ').unwrap_or((head, ""));
        let properties = props
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (key, value) = p.split_once('=').expect("key=value");
                (key.to_string(), unescape(value))
            })
            .collect();
        Command {
            kind: kind.to_string(),
            properties,
            message: unescape(message),
        }
    }

    fn property<'a>(command: &'a Command, key: &str) -> Option<&'a str> {
        command
            .properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `|` not escaped by an odd run of backslashes.
    fn separators(row: &str) -> usize {
        let mut count = 0;
        let mut backslashes = 0;
        for c in row.chars() {
            match c {
                '\\' => backslashes += 1,
                '|' => {
                    if backslashes % 2 == 0 {
                        count += 1;
                    }
                    backslashes = 0;
                }
                _ => backslashes = 0,
            }
        }
        count
    }

    #[test]
    fn escaping_matches_the_runner() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
        // `%` first: an input `%0A` stays literal text.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(unescape(&escape_property("%0A:,%3A")), "%0A:,%3A");
    }

    #[test]
    fn markdown_cells_cannot_break_out() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("a\r\nb\nc\rd"), "a b c d");
        assert_eq!(
            cell("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(cell("&amp;"), "&amp;amp;");
        assert_eq!(cell("`x`"), "\\`x\\`");
        assert_eq!(cell("[l](http://x)"), "\\[l\\](http://x)");
        // A trailing backslash cannot escape the next separator.
        assert_eq!(cell("a\\"), "a\\\\");
        assert_eq!(cell("\\|"), "\\\\\\|");
        assert_eq!(separators(&format!("| {} |", cell("\\|\\\\|"))), 2);
        assert_eq!(cell("tab\there\u{2028}x"), "tab here x");
        assert_eq!(cell("plain text 100%"), "plain text 100%");
    }

    #[test]
    fn hostile_text_cannot_inject_commands() {
        let (report, dir) = hostile_report("github-hostile");
        let output = render(&report);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(report.findings.len(), 2, "{output}");
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), report.findings.len(), "{output}");
        for line in &lines {
            assert!(line.starts_with("::"), "injected line: {line:?}");
            assert!(!line.contains('\r'));
        }
        assert!(output.contains("%0D%0A::error file=x.yaml"));
        assert!(output.contains("%25"));
        // The file name's `,`, `:` and `%` are escaped in the property.
        let file_property = lines[0]
            .split(',')
            .next()
            .unwrap()
            .strip_prefix("::error file=")
            .unwrap();
        assert!(file_property.contains("%2C"), "{file_property}");
        assert!(file_property.contains("%25"), "{file_property}");
        if !cfg!(windows) {
            assert!(file_property.contains("%3A"), "{file_property}");
        }
        assert!(!file_property.contains(':') && !file_property.contains(','));

        // Round trip: what the runner reads back is exactly the finding.
        for (line, finding) in lines.iter().zip(report.sorted_findings()) {
            let command = parse(line);
            let kind = if finding.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            assert_eq!(command.kind, kind);
            assert_eq!(command.message, finding.message);
            assert_eq!(
                property(&command, "file"),
                Some(portable_path(&finding.location.file).as_str())
            );
            assert!(property(&command, "file")
                .unwrap()
                .ends_with(hostile_file_name()));
            assert_eq!(
                property(&command, "title"),
                Some(format!("{} {}", finding.rule, finding.name).as_str())
            );
            assert_eq!(
                property(&command, "line"),
                Some(finding.location.line.to_string().as_str())
            );
        }
        // The hostile name is in the TCO001 message and survives.
        let tco = report.findings.iter().find(|f| f.rule == "TCO001").unwrap();
        assert!(tco.message.contains(HOSTILE_NAME), "{}", tco.message);
    }

    #[test]
    fn hostile_text_cannot_break_the_summary_table() {
        let (report, dir) = hostile_report("github-summary");
        let summary = step_summary(&report);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(summary.starts_with("## tcolint\n"));
        assert!(!summary.contains("<script"), "{summary}");
        assert!(!summary.contains("</script"), "{summary}");
        assert!(summary.contains("&lt;script&gt;"));
        let rows: Vec<&str> = summary.lines().filter(|l| l.starts_with('|')).collect();
        // Header, delimiter, one row per finding.
        assert_eq!(rows.len(), 2 + report.findings.len(), "{summary}");
        for row in &rows {
            assert_eq!(separators(row), 6, "row broken: {row:?}");
            assert!(row.ends_with(" |"));
        }
        // No backtick or bracket left unescaped in the rows.
        for row in &rows[2..] {
            let mut previous = ' ';
            for c in row.chars() {
                if matches!(c, '`' | '[' | ']') {
                    assert_eq!(previous, '\\', "unescaped {c} in {row:?}");
                }
                previous = c;
            }
        }
        assert!(summary.contains("1 workload, "), "{summary}");
        assert!(summary.contains("1 error, 1 warning, 0 infos; 0 suppressed."));
        assert!(!summary.contains("GitHub shows at most"));
    }

    #[test]
    fn serverless_cold_start_annotation() {
        let report = cold_lat001();
        let output = render(&report);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 1, "{output}");
        let line = lines[0];
        assert!(
            line.starts_with(
                "::warning file=fixtures/serverless/cold/serverless.yml,line=47,endLine=47,col=3,endColumn="
            ),
            "{line}"
        );
        assert!(
            line.contains(",title=LAT001 cold-start-exceeds-slo::"),
            "{line}"
        );
        let command = parse(line);
        assert_eq!(command.message, report.findings[0].message);
        // The message's `:` and `,` stay as they are in data.
        assert!(command.message.contains("serverless.yml:22:9"));
        assert!(line.contains("serverless.yml:22:9"));

        let summary = step_summary(&report);
        assert!(summary.contains(
            "| warning | LAT001 cold-start-exceeds-slo | fixtures/serverless/cold/serverless.yml:47:3 | sls:ml-cold/detect | "
        ), "{summary}");
    }

    #[test]
    fn multi_line_spans_have_no_columns() {
        let mut report = cold_lat001();
        report.findings[0].location = LocationReport {
            end_line: report.findings[0].location.line + 2,
            ..report.findings[0].location.clone()
        };
        let output = render(&report);
        assert!(
            output.starts_with("::warning file=fixtures/serverless/cold/serverless.yml,line=47,endLine=49,title=LAT001 cold-start-exceeds-slo::"),
            "{output}"
        );
        assert!(!output.contains("col="));
    }

    #[test]
    fn severities_map_to_commands_and_suppressed_are_left_out() {
        let mut report = cold_lat001();
        report.findings[0].severity = Severity::Info;
        let moved = report.findings.remove(0);
        report.suppressed.push(moved);
        assert_eq!(render(&report), "");
        let summary = step_summary(&report);
        assert!(summary.contains("No findings."));
        assert!(!summary.contains("| Severity |"));

        let mut report = cold_lat001();
        report.findings[0].severity = Severity::Info;
        assert!(render(&report).starts_with("::notice file="));
        report.findings[0].severity = Severity::Error;
        assert!(render(&report).starts_with("::error file="));
    }

    #[test]
    fn more_than_ten_warnings_add_an_overflow_notice() {
        let dir = temp_folder("github-overflow");
        let mut yaml = String::new();
        for index in 0..12 {
            let _ = write!(
                yaml,
                r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: idle-{index:02}
  namespace: overflow
  annotations:
    tcolint.io/purpose: inference
    tcolint.io/utilization: "0.05"
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: model
        image: x
        resources:
          requests:
            nvidia.com/gpu: 1
          limits:
            nvidia.com/gpu: 1
"#
            );
        }
        std::fs::write(dir.join("idle.yaml"), yaml).unwrap();
        let report = scan(&[dir.to_str().unwrap()]);
        let _ = std::fs::remove_dir_all(&dir);
        let warnings = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
        assert_eq!(warnings, 12, "{:#?}", report.findings);
        let output = render(&report);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), report.findings.len() + 1, "{output}");
        assert!(lines.iter().all(|l| l.starts_with("::")));
        let last = *lines.last().unwrap();
        assert_eq!(
            last,
            "::notice::tcolint: 2 more warning findings than GitHub shows as annotations; \
             every finding is in the step summary and the report"
        );
        assert_eq!(output.matches("::notice::").count(), 1);

        let summary = step_summary(&report);
        assert!(summary.contains(
            "GitHub shows at most 10 annotations per severity in a step: 2 findings below have no annotation."
        ), "{summary}");
        let rows = summary
            .lines()
            .filter(|l| l.starts_with("| warning |"))
            .count();
        assert_eq!(rows, 12);
    }

    #[test]
    fn the_step_summary_stays_under_githubs_limit() {
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let mut report = Report::build(&[], Vec::new(), Vec::new(), 0, Vec::new(), &catalog);
        report.findings = (0..2000)
            .map(|index| {
                let mut finding =
                    crate::test_support::finding("TCO001", &format!("w{index}"), "a.yaml", index);
                finding.message = "x".repeat(1000);
                finding
            })
            .collect();
        let summary = step_summary(&report);
        assert!(summary.len() < 1024 * 1024, "{}", summary.len());
        let rows = summary
            .lines()
            .filter(|l| l.starts_with("| warning |"))
            .count();
        assert!(rows > 800 && rows < 2000, "{rows}");
        assert!(summary.contains(&format!("{} more findings not listed", 2000 - rows)));
    }
}
