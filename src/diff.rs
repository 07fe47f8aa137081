//! `tcolint diff BASE HEAD`: the cost of every workload before and after,
//! the delta per workload and in total, and the findings new in HEAD.
//!
//! Two scans are compared; workloads are matched by id (ids are stable
//! across runs). Money follows the report's convention: each workload's
//! monthly cost is rounded to the cent and totals are sums of those rounded
//! amounts, so the total row always equals the sum of the rows.
//!
//! A workload that a plan deletes (`change.action == "delete"`) does not run
//! after that plan, so it counts as absent on that side.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::discover::DiscoverError;
use crate::numbers::round;
use crate::report::{portable_path, FindingReport, Report, WorkloadReport};
use crate::rules::RuleSettings;
use crate::scan::Options;

pub use crate::report::diff::{Diff, DiffSummary, WorkloadDiff, SCHEMA_VERSION};

/// `--fail-on-increase`: `USD` (e.g. `100` or `100.50`) or `PERCENT%` (e.g. `10%`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IncreaseLimit {
    /// An increase in USD per month.
    Usd(f64),
    /// An increase in percent of BASE's monthly cost.
    Percent(f64),
}

impl std::str::FromStr for IncreaseLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || {
            format!(
                "expected an amount in USD such as 250 or a percentage such as 10%, found {text:?}"
            )
        };
        let trimmed = text.trim();
        let (number, percent) = match trimmed.strip_suffix('%') {
            Some(number) => (number.trim_end(), true),
            None => (trimmed.strip_prefix('$').unwrap_or(trimmed), false),
        };
        let valid = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number.chars().filter(|&c| c == '.').count() <= 1
            && number.chars().any(|c| c.is_ascii_digit());
        if !valid {
            return Err(error());
        }
        let value: f64 = number.parse().map_err(|_| error())?;
        if !value.is_finite() {
            return Err(error());
        }
        Ok(if percent {
            IncreaseLimit::Percent(value)
        } else {
            IncreaseLimit::Usd(value)
        })
    }
}

impl std::fmt::Display for IncreaseLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IncreaseLimit::Usd(usd) => write!(f, "{}", crate::numbers::usd(*usd)),
            IncreaseLimit::Percent(percent) => {
                write!(f, "{}%", crate::numbers::trim(*percent, 2))
            }
        }
    }
}

impl Diff {
    /// Whether the total monthly increase is strictly above `limit`. A
    /// percent limit with nothing before and something after is exceeded.
    pub fn exceeds(&self, limit: IncreaseLimit) -> bool {
        let delta = self.summary.monthly_delta_usd;
        match limit {
            IncreaseLimit::Usd(usd) => delta > usd + 1e-9,
            IncreaseLimit::Percent(percent) => {
                let before = self.summary.monthly_before_usd;
                if before <= 0.0 {
                    delta > 0.0
                } else {
                    delta / before * 100.0 > percent + 1e-9
                }
            }
        }
    }
}

/// How one side's file paths are shown and matched.
struct Side<'a> {
    report: &'a Report,
    /// Prefix removed from every path shown (a temporary worktree).
    strip: Option<String>,
    /// Roots the match keys are relative to (the paths scanned).
    roots: Vec<String>,
}

impl Side<'_> {
    /// The path shown for a file of this side.
    fn display(&self, file: &str) -> String {
        let file = portable_path(file);
        match &self.strip {
            Some(prefix) => file
                .strip_prefix(prefix.as_str())
                .map(|rest| rest.trim_start_matches('/').to_string())
                .unwrap_or(file),
            None => file,
        }
    }

    /// The path a finding is matched by: relative to the scanned path that
    /// holds it (empty when that path is the file itself).
    fn key(&self, file: &str) -> String {
        let file = portable_path(file);
        crate::ids::path_below_root(&file, &self.roots).unwrap_or_else(|| self.display(&file))
    }

    /// Workloads that run on this side, by id.
    fn workloads(&self) -> HashMap<&str, &WorkloadReport> {
        self.report
            .workloads
            .iter()
            .filter(|w| w.change.as_ref().is_none_or(|c| c.action != "delete"))
            .map(|w| (w.id.as_str(), w))
            .collect()
    }
}

/// Compares two reports. Files match as the reports spell them (like
/// [`FindingReport::fingerprint`]: rule, workload and file, not line).
pub fn diff(base: &Report, head: &Report, base_label: &str, head_label: &str) -> Diff {
    diff_sides(
        &Side {
            report: base,
            strip: None,
            roots: Vec::new(),
        },
        &Side {
            report: head,
            strip: None,
            roots: Vec::new(),
        },
        base_label,
        head_label,
    )
}

/// Compares two reports whose files live under different roots: findings
/// match by rule, workload and path relative to the root (one of the
/// paths scanned on that side) that holds them.
pub fn diff_with_roots(
    base: &Report,
    head: &Report,
    base_label: &str,
    head_label: &str,
    base_roots: &[String],
    head_roots: &[String],
) -> Diff {
    diff_sides(
        &Side {
            report: base,
            strip: None,
            roots: base_roots.to_vec(),
        },
        &Side {
            report: head,
            strip: None,
            roots: head_roots.to_vec(),
        },
        base_label,
        head_label,
    )
}

fn cents(report: Option<&WorkloadReport>) -> Option<f64> {
    report
        .and_then(|w| w.cost.as_ref())
        .map(|c| round(c.monthly_usd, 2))
}

/// The id a workload had before [`crate::ids::make_unique`] gave it its
/// file's path, and that path as this side matches it.
fn origin<'a>(side: &Side<'_>, workload: &'a WorkloadReport) -> (&'a str, String) {
    let id = workload
        .id
        .split_once('@')
        .map_or(workload.id.as_str(), |(id, _)| id);
    (id, side.key(&workload.location.file))
}

/// Pairs BASE's and HEAD's workloads: by id, then a workload whose id is
/// unique on one side but shared (and so given its path) on the other by
/// its original id and relative file, so that a copy added beside a
/// workload never takes its place. Each pair is keyed by HEAD's id when
/// HEAD has it.
fn pair<'a>(
    base: &Side<'_>,
    head: &Side<'_>,
    before_map: &HashMap<&'a str, &'a WorkloadReport>,
    after_map: &HashMap<&'a str, &'a WorkloadReport>,
) -> Vec<(
    &'a str,
    Option<&'a WorkloadReport>,
    Option<&'a WorkloadReport>,
)> {
    let mut before_left: Vec<&WorkloadReport> = before_map
        .iter()
        .filter(|(id, _)| !after_map.contains_key(*id))
        .map(|(_, w)| *w)
        .collect();
    before_left.sort_by(|a, b| a.id.cmp(&b.id));
    let mut pairs: Vec<(&str, Option<&WorkloadReport>, Option<&WorkloadReport>)> = Vec::new();
    let mut after_sorted: Vec<(&&str, &&WorkloadReport)> = after_map.iter().collect();
    after_sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (id, after) in after_sorted {
        let before = before_map.get(id).copied().or_else(|| {
            let wanted = origin(head, after);
            let index = before_left
                .iter()
                .position(|before| origin(base, before) == wanted)?;
            Some(before_left.remove(index))
        });
        pairs.push((id, before, Some(after)));
    }
    for before in before_left {
        pairs.push((before.id.as_str(), Some(before), None));
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs
}

fn diff_sides(base: &Side<'_>, head: &Side<'_>, base_label: &str, head_label: &str) -> Diff {
    let before_map = base.workloads();
    let after_map = head.workloads();
    let pairs = pair(base, head, &before_map, &after_map);

    let mut head_rules: HashMap<&str, Vec<String>> = HashMap::new();
    for finding in &head.report.findings {
        if let Some(id) = finding.workload.as_deref() {
            let rules = head_rules.entry(id).or_default();
            if !rules.contains(&finding.rule) {
                rules.push(finding.rule.clone());
            }
        }
    }

    let mut workloads: Vec<WorkloadDiff> = pairs
        .into_iter()
        .map(|(id, before, after)| {
            let (status, before_usd, after_usd) = match (before, after) {
                (None, Some(_)) => ("added", Some(0.0), cents(after)),
                (Some(_), None) => ("removed", cents(before), Some(0.0)),
                _ => {
                    let (b, a) = (cents(before), cents(after));
                    (if b == a { "unchanged" } else { "changed" }, b, a)
                }
            };
            let delta = before_usd
                .zip(after_usd)
                .map(|(b, a)| round(a - b, 2) + 0.0);
            let (side, shown) = match after {
                Some(w) => (head, w),
                None => (base, before.expect("an id comes from one side")),
            };
            let cost = shown.cost.as_ref();
            WorkloadDiff {
                id: id.to_string(),
                status,
                file: side.display(&shown.location.file),
                line: shown.location.line,
                monthly_before_usd: before_usd,
                monthly_after_usd: after_usd,
                monthly_delta_usd: delta,
                unpriced_reason: after
                    .and_then(|w| w.unpriced_reason.clone())
                    .or_else(|| before.and_then(|w| w.unpriced_reason.clone())),
                break_even_requests_per_day: cost.and_then(|c| c.break_even_requests_per_day),
                break_even: cost.and_then(|c| c.break_even.clone()),
                per_request_usd: cost.and_then(|c| c.per_request_usd),
                fixed_monthly_usd: cost.and_then(|c| c.fixed_monthly_usd),
                requests_per_day: shown
                    .profile
                    .get("requests-per-day")
                    .and_then(|p| p.value.as_f64()),
                assumptions: after.map(|w| w.assumptions.clone()).unwrap_or_default(),
                rules: after
                    .and_then(|_| head_rules.get(id).cloned())
                    .unwrap_or_default(),
                recommendation: after
                    .and_then(|w| w.recommendation.as_ref())
                    .filter(|r| {
                        r.architecture != crate::analyze::recommend::Architecture::AsDeployed
                    })
                    .map(|r| format!("{}: {}", r.platform, r.reason)),
            }
        })
        .collect();
    workloads.sort_by(|a, b| {
        let rank = |w: &WorkloadDiff| u8::from(w.status == "unchanged");
        let size = |w: &WorkloadDiff| w.monthly_delta_usd.map_or(-1.0, f64::abs);
        rank(a)
            .cmp(&rank(b))
            .then_with(|| size(b).total_cmp(&size(a)))
            .then_with(|| a.id.cmp(&b.id))
    });

    let priced: Vec<&WorkloadDiff> = workloads
        .iter()
        .filter(|w| w.monthly_delta_usd.is_some())
        .collect();
    let sum = |get: fn(&WorkloadDiff) -> Option<f64>| -> f64 {
        round(priced.iter().filter_map(|w| get(w)).sum::<f64>(), 2) + 0.0
    };
    let before_total = sum(|w| w.monthly_before_usd);
    let after_total = sum(|w| w.monthly_after_usd);
    let delta_total = round(after_total - before_total, 2) + 0.0;
    let count = |status: &str| workloads.iter().filter(|w| w.status == status).count();
    let summary = DiffSummary {
        monthly_before_usd: before_total,
        monthly_after_usd: after_total,
        monthly_delta_usd: delta_total,
        delta_percent: (before_total > 0.0).then(|| delta_total / before_total * 100.0),
        unpriced: workloads.len() - priced.len(),
        added: count("added"),
        removed: count("removed"),
        changed: count("changed"),
    };

    let (new_findings, fixed_findings_count) = new_findings(base, head);
    Diff {
        schema_version: SCHEMA_VERSION,
        base: base_label.to_string(),
        head: head_label.to_string(),
        workloads,
        new_findings,
        fixed_findings_count,
        summary,
    }
}

/// HEAD's findings whose (rule, workload, relative file) BASE lacks,
/// counting multiplicity, and how many of BASE's HEAD lacks.
fn new_findings(base: &Side<'_>, head: &Side<'_>) -> (Vec<FindingReport>, usize) {
    type Key = (String, Option<String>, String);
    // The workload's id before it gained its path (when it shared its id
    // with another): the file is part of the key already, and a workload
    // that became shared on one side only keeps its findings.
    let key = |side: &Side<'_>, f: &FindingReport| -> Key {
        (
            f.rule.clone(),
            f.workload
                .as_deref()
                .map(|id| id.split_once('@').map_or(id, |(id, _)| id).to_string()),
            side.key(&f.location.file),
        )
    };
    let mut remaining: HashMap<Key, usize> = HashMap::new();
    for finding in &base.report.findings {
        *remaining.entry(key(base, finding)).or_default() += 1;
    }
    let mut new = Vec::new();
    for finding in head.report.sorted_findings() {
        match remaining.get_mut(&key(head, finding)) {
            Some(left) if *left > 0 => *left -= 1,
            _ => {
                let mut copy = finding.clone();
                copy.location.file = head.display(&finding.location.file);
                new.push(copy);
            }
        }
    }
    (new, remaining.values().sum())
}

/// Scans two sides and diffs them. `base`/`head` are paths (files or
/// folders); each side is scanned with `options` (paths replaced).
/// Findings match by rule, workload and path relative to the side's path.
pub fn scan_pair(
    base: &str,
    head: &str,
    options: &Options,
    config: &Config,
    catalog: &Catalog,
    settings: &[RuleSettings],
) -> Result<Diff, DiffError> {
    let scan = |path: &str| {
        let mut side = options.clone();
        side.paths = vec![path.to_string()];
        crate::scan::check(&side, config, catalog, settings)
    };
    let base_report = scan(base)?;
    let head_report = scan(head)?;
    Ok(diff_with_roots(
        &base_report,
        &head_report,
        base,
        head,
        &[base.to_string()],
        &[head.to_string()],
    ))
}

/// Why `tcolint diff` cannot compare.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A side cannot be scanned.
    #[error(transparent)]
    Scan(#[from] DiscoverError),
    /// `--base-ref` is empty or looks like an option.
    #[error("--base-ref: {rev:?} is not a revision")]
    NotARevision {
        /// As given.
        rev: String,
    },
    /// The current folder cannot be read.
    #[error("cannot read the current folder: {0}")]
    CurrentFolder(std::io::Error),
    /// git cannot be run.
    #[error("--base-ref needs git: {0}")]
    NoGit(GitError),
    /// The current folder is not in a git repository.
    #[error("--base-ref needs a git repository: {0}")]
    NotARepository(GitError),
    /// git cannot say where the current folder is in the repository.
    #[error("--base-ref: {0}")]
    Prefix(GitError),
    /// `-` among the paths.
    #[error("--base-ref cannot compare standard input (`-`)")]
    StandardInput,
    /// A path outside the repository (or absolute).
    #[error("--base-ref needs paths relative to the current folder and inside the repository ({toplevel}), found {path:?}")]
    OutsideRepository {
        /// The repository's root.
        toplevel: String,
        /// The path as given.
        path: String,
    },
    /// The revision does not name a commit.
    #[error("--base-ref: unknown revision {rev:?}")]
    UnknownRevision {
        /// As given.
        rev: String,
    },
    /// The revision cannot be checked out into a temporary worktree.
    #[error("--base-ref: cannot check {rev:?} out: {error}")]
    Checkout {
        /// As given.
        rev: String,
        /// What git said.
        error: GitError,
    },
}

/// Why a git command failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git could not be started.
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    /// git ran and failed; what it wrote to standard error.
    #[error("{0}")]
    Failed(String),
}

/// Runs `git args` in `dir`, returning trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(GitError::Spawn)?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(GitError::Failed(stderr.trim().to_string()))
    }
}

/// A temporary worktree, removed when dropped.
struct Worktree {
    repo: PathBuf,
    path: PathBuf,
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let path = self.path.to_string_lossy().into_owned();
        let _ = git(&self.repo, &["worktree", "remove", "--force", &path]);
        if self.path.exists() {
            let _ = std::fs::remove_dir_all(&self.path);
            let _ = git(&self.repo, &["worktree", "prune"]);
        }
    }
}

/// `path` made relative to the repository root, given the current
/// folder's prefix inside it; `None` when it leaves the repository.
fn inside_repo(prefix: &str, path: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = prefix
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for component in Path::new(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// `--base-ref REV`: checks REV out into a temporary git worktree (always
/// removed afterwards, even on error), scans the same relative paths there
/// as BASE and the working tree as HEAD. Paths must be relative and inside
/// the repository.
pub fn scan_against_ref(
    rev: &str,
    paths: &[String],
    options: &Options,
    config: &Config,
    catalog: &Catalog,
    settings: &[RuleSettings],
) -> Result<Diff, DiffError> {
    // A revision is never an option to git.
    if rev.starts_with('-') || rev.is_empty() {
        return Err(DiffError::NotARevision { rev: rev.into() });
    }
    let here = std::env::current_dir().map_err(DiffError::CurrentFolder)?;
    let paths: Vec<String> = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths.to_vec()
    };
    let toplevel = git(&here, &["rev-parse", "--show-toplevel"]).map_err(|error| match error {
        GitError::Spawn(_) => DiffError::NoGit(error),
        GitError::Failed(_) => DiffError::NotARepository(error),
    })?;
    let prefix = git(&here, &["rev-parse", "--show-prefix"]).map_err(DiffError::Prefix)?;
    for path in &paths {
        if path == "-" {
            return Err(DiffError::StandardInput);
        }
        if Path::new(path).is_absolute() || inside_repo(&prefix, path).is_none() {
            return Err(DiffError::OutsideRepository {
                toplevel,
                path: path.clone(),
            });
        }
    }
    let commit = git(
        &here,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .ok()
    .filter(|c| !c.is_empty())
    .ok_or_else(|| DiffError::UnknownRevision { rev: rev.into() })?;

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tree = std::env::temp_dir().join(format!("tcolint-base-{}-{stamp}", std::process::id()));
    let tree_text = tree.to_string_lossy().into_owned();
    git(
        Path::new(&toplevel),
        &[
            "worktree", "add", "--detach", "--quiet", &tree_text, &commit,
        ],
    )
    .map_err(|error| DiffError::Checkout {
        rev: rev.into(),
        error,
    })?;
    let worktree = Worktree {
        repo: PathBuf::from(&toplevel),
        path: tree.clone(),
    };

    let base_dir = tree.join(&prefix);
    let base_paths: Vec<String> = paths
        .iter()
        .map(|p| base_dir.join(p).to_string_lossy().into_owned())
        .collect();
    let mut base_options = options.clone();
    base_options.paths = base_paths
        .iter()
        .filter(|p| Path::new(p).exists())
        .cloned()
        .collect();
    let base_report = if base_options.paths.is_empty() {
        // None of these paths existed at REV: an empty BASE.
        Report::build(&[], Vec::new(), Vec::new(), 0, Vec::new(), catalog)
    } else {
        crate::scan::check(&base_options, config, catalog, settings)?
    };
    let mut head_options = options.clone();
    head_options.paths = paths.clone();
    let head_report = crate::scan::check(&head_options, config, catalog, settings)?;

    let base_side = Side {
        report: &base_report,
        strip: Some(portable_path(&base_dir.to_string_lossy())),
        roots: base_paths,
    };
    let head_side = Side {
        report: &head_report,
        strip: None,
        roots: paths,
    };
    let diff = diff_sides(&base_side, &head_side, rev, "working tree");
    drop(worktree);
    Ok(diff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::finding;

    #[test]
    fn increase_limits_parse() {
        assert_eq!("100".parse(), Ok(IncreaseLimit::Usd(100.0)));
        assert_eq!("100.50".parse(), Ok(IncreaseLimit::Usd(100.5)));
        assert_eq!("$250".parse(), Ok(IncreaseLimit::Usd(250.0)));
        assert_eq!("10%".parse(), Ok(IncreaseLimit::Percent(10.0)));
        assert_eq!(" 2.5 % ".parse(), Ok(IncreaseLimit::Percent(2.5)));
        assert_eq!("0".parse(), Ok(IncreaseLimit::Usd(0.0)));
        for bad in [
            "", "%", "-5", "ten", "10%%", "1e3", "inf", "NaN", "1.2.3", "$10%", ".",
        ] {
            let error = bad.parse::<IncreaseLimit>().unwrap_err();
            assert!(
                error.starts_with(
                    "expected an amount in USD such as 250 or a percentage such as 10%, found"
                ),
                "{bad}: {error}"
            );
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
    }

    fn report(findings: Vec<FindingReport>) -> Report {
        let catalog = Catalog::embedded().unwrap();
        let mut report = Report::build(&[], Vec::new(), Vec::new(), 0, Vec::new(), &catalog);
        report.findings = findings;
        report
    }

    #[test]
    fn new_findings_count_multiplicity() {
        let base = report(vec![finding("TCO001", "w", "a.yaml", 3)]);
        let head = report(vec![
            finding("TCO001", "w", "a.yaml", 9),
            finding("TCO001", "w", "./a.yaml", 20),
            finding("LAT002", "w", "a.yaml", 4),
        ]);
        let diff = diff(&base, &head, "base", "head");
        assert_eq!(diff.new_findings.len(), 2);
        assert_eq!(diff.new_findings[0].rule, "LAT002");
        assert_eq!(diff.new_findings[1].rule, "TCO001");
        assert_eq!(diff.fixed_findings_count, 0);

        let fixed = super::diff(&head, &base, "head", "base");
        assert!(fixed.new_findings.is_empty());
        assert_eq!(fixed.fixed_findings_count, 2);
    }

    #[test]
    fn findings_match_relative_to_their_roots() {
        let base = report(vec![finding("TCO001", "w", "old/k8s/a.yaml", 3)]);
        let head = report(vec![finding("TCO001", "w", "new/k8s/a.yaml", 3)]);
        let roots = |r: &str| vec![r.to_string()];
        let diff = diff_with_roots(&base, &head, "b", "h", &roots("old"), &roots("new/"));
        assert!(diff.new_findings.is_empty());
        // A single file scanned on each side: the file is its own root.
        let base = report(vec![finding("TCO001", "w", "p/base.json", 3)]);
        let head = report(vec![finding("TCO001", "w", "p/head.json", 3)]);
        let diff = diff_with_roots(
            &base,
            &head,
            "b",
            "h",
            &roots("p/base.json"),
            &roots("./p/head.json"),
        );
        assert!(diff.new_findings.is_empty());
        // Without roots the files differ.
        assert_eq!(super::diff(&base, &head, "b", "h").new_findings.len(), 1);
    }

    #[test]
    fn exceeds_with_nothing_before() {
        let empty = report(Vec::new());
        let mut diff = diff(&empty, &empty, "b", "h");
        assert!(!diff.exceeds(IncreaseLimit::Percent(0.0)));
        assert!(!diff.exceeds(IncreaseLimit::Usd(0.0)));
        diff.summary.monthly_after_usd = 10.0;
        diff.summary.monthly_delta_usd = 10.0;
        assert!(diff.exceeds(IncreaseLimit::Percent(1000.0)));
        assert!(diff.exceeds(IncreaseLimit::Usd(9.99)));
        assert!(!diff.exceeds(IncreaseLimit::Usd(10.0)));
    }

    #[test]
    fn paths_must_stay_inside_the_repository() {
        assert_eq!(inside_repo("", "k8s"), Some(PathBuf::from("k8s")));
        assert_eq!(inside_repo("sub/", "../k8s"), Some(PathBuf::from("k8s")));
        assert_eq!(inside_repo("", "../k8s"), None);
        assert_eq!(inside_repo("", "/etc"), None);
        assert_eq!(inside_repo("", "."), Some(PathBuf::new()));
    }
}
