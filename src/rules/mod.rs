//! The rule catalogue. Each rule's metadata and documentation is a data
//! file under `rules/` (YAML front matter, Markdown body), embedded at build
//! time; its detection logic is one Rust module here. The registry below
//! lists every rule once; the module list, the embedded files, dispatch,
//! `tcolint rules`, the SARIF rule entries and the rule tests derive from it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::analyze::Assessment;
use crate::model::UsageKey;
use crate::parse::yaml::{parse_stream, Limits};
use crate::source::Location;

/// Declares the rule registry. One line per rule, in code order:
/// `CODE => module [Key = "threshold-name", …];`, where `module` (the file
/// `src/rules/<module>.rs`, which defines `check`) is left out for rules
/// raised by the pipeline itself, and the bracketed thresholds are the typed
/// keys of the thresholds `rules/<CODE>.md` declares.
macro_rules! registry {
    ($(
        $code:ident $(=> $module:ident)? $([$($key:ident = $name:literal),* $(,)?])? ;
    )*) => {
        $($(mod $module;)?)*

        /// A rule threshold, by typed key: a misspelled key does not
        /// compile, and a rule file that does not declare exactly its rule's
        /// keys fails to load.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Threshold {
            $($($(
                #[doc = concat!("`", $name, "` of ", stringify!($code), ".")]
                $key,
            )*)?)*
        }

        impl Threshold {
            /// Every threshold of every rule.
            pub const ALL: &'static [Threshold] = &[$($($(Threshold::$key,)*)?)*];

            /// The name in `rules/<CODE>.md` and `tcolint.yml`.
            pub fn name(self) -> &'static str {
                match self {
                    $($($(Threshold::$key => $name,)*)?)*
                }
            }

            /// The code of the rule it belongs to.
            pub fn rule(self) -> &'static str {
                match self {
                    $($($(Threshold::$key => stringify!($code),)*)?)*
                }
            }
        }

        /// Every rule code as a constant, for code that names a rule: a
        /// misspelled code does not compile.
        pub mod code {
            $(
                #[doc = concat!("`", stringify!($code), "`.")]
                pub const $code: &str = stringify!($code);
            )*
        }

        /// Every built-in rule: code, embedded rule file, detection logic.
        const REGISTRY: &[Registered] = &[$(
            Registered {
                code: stringify!($code),
                file: include_str!(concat!("../../rules/", stringify!($code), ".md")),
                check: registry!(@check $($module)?),
            },
        )*];
    };
    (@check) => { None };
    (@check $module:ident) => { Some($module::check as Check) };
}

registry! {
    ARC001 => arc001 [MinSavingFraction = "min-saving-fraction", MinSavingUsd = "min-saving-usd"];
    E001;
    E002;
    FIT001 => fit001 [BatchTimeoutS = "batch-timeout-s", BatchMemoryMb = "batch-memory-mb"];
    FIT002 => fit002;
    FIT003 => fit003 [
        MinMemoryMb = "min-memory-mb",
        MaxMemoryMb = "max-memory-mb",
        MaxTimeoutS = "max-timeout-s",
        MinEphemeralMb = "min-ephemeral-mb",
        MaxEphemeralMb = "max-ephemeral-mb",
        ApiGatewayTimeoutS = "api-gateway-timeout-s",
        MaxImageSizeGb = "max-image-size-gb",
    ];
    GPU001 => gpu001;
    GPU002 => gpu002;
    GPU003;
    LAT001 => lat001;
    LAT002 => lat002;
    SUP001;
    TCO001 => tco001 [MinUtilization = "min-utilization"];
    TCO002 => tco002;
    TCO003 => tco003;
    TCO004 => tco004;
}

pub mod gpu003;

/// One registry entry.
struct Registered {
    code: &'static str,
    file: &'static str,
    check: Option<Check>,
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Costs money or latency.
    Warning,
    /// Breaks a deploy or an SLO.
    Error,
}

impl Severity {
    /// Parses `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's metadata and documentation, from `rules/<CODE>.md`.
#[derive(Clone, Debug, Serialize)]
pub struct RuleMeta {
    /// Stable code (`TCO001`).
    pub code: String,
    /// Kebab-case name (`idle-gpu-capacity`).
    pub name: String,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// Thresholds and their defaults.
    pub thresholds: BTreeMap<String, f64>,
    /// Markdown: what it detects, why, how to fix, how to suppress.
    #[serde(skip)]
    pub documentation: String,
    /// The detection logic, for rules judged per workload (E001, E002,
    /// GPU003 and
    /// SUP001 are raised by the pipeline itself).
    #[serde(skip)]
    pub check: Option<Check>,
}

/// The code of the invalid-input rule, raised by the parse and extract stages.
pub const INVALID_INPUT: &str = code::E001;

/// The code of the duplicate-key rule, raised by the parse stage.
pub const DUPLICATE_KEY: &str = code::E002;

/// The code reported for an accelerator request in a kind tcolint cannot
/// read, raised by the extract stage.
pub const UNMODELED_ACCELERATOR: &str = code::GPU003;

/// The code reported for a suppression that silences nothing.
pub const UNUSED_SUPPRESSION: &str = code::SUP001;

/// A rule's detection logic over one assessed workload.
pub type Check = fn(&Assessment<'_>, &RuleSettings) -> Vec<Draft>;

/// Every built-in rule, in code order (the registry's order).
pub fn builtin() -> Result<Vec<RuleMeta>, String> {
    REGISTRY.iter().map(load).collect()
}

/// Reads a registered rule's file and checks that it declares exactly the
/// thresholds the registry gives the rule, so every typed key has a value.
fn load(entry: &Registered) -> Result<RuleMeta, String> {
    let file = format!("{}.md", entry.code);
    let mut meta = parse_rule_file(&file, entry.file)?;
    let keys: Vec<&str> = Threshold::ALL
        .iter()
        .filter(|key| key.rule() == entry.code)
        .map(|key| key.name())
        .collect();
    for name in meta.thresholds.keys() {
        if !keys.contains(&name.as_str()) {
            return Err(format!(
                "rules/{file}: threshold `{name}` has no key in the rule registry"
            ));
        }
    }
    if let Some(missing) = keys.iter().find(|key| !meta.thresholds.contains_key(**key)) {
        return Err(format!(
            "rules/{file}: the rule registry expects threshold `{missing}`"
        ));
    }
    meta.check = entry.check;
    Ok(meta)
}

fn parse_rule_file(file: &str, text: &str) -> Result<RuleMeta, String> {
    let body = text
        .strip_prefix("---\n")
        .ok_or_else(|| format!("rules/{file}: must start with a `---` front-matter line"))?;
    let (front, documentation) = body
        .split_once("\n---\n")
        .ok_or_else(|| format!("rules/{file}: front matter is not closed by `---`"))?;
    let documents = parse_stream(front, &Limits::default());
    let front = match documents.into_iter().next() {
        Some(Ok(document)) => document,
        Some(Err(error)) => return Err(format!("rules/{file}: {}", error.message)),
        None => return Err(format!("rules/{file}: empty front matter")),
    };
    let root = front.root();
    let field = |key: &str| -> Result<String, String> {
        root.get(key)
            .and_then(|value| value.as_text())
            .map(str::to_string)
            .ok_or_else(|| format!("rules/{file}: front matter needs `{key}`"))
    };
    let code = field("code")?;
    if format!("{code}.md") != file {
        return Err(format!(
            "rules/{file}: code {code} does not match the file name"
        ));
    }
    let severity = Severity::parse(&field("severity")?)
        .ok_or_else(|| format!("rules/{file}: severity must be error, warning or info"))?;
    let mut thresholds = BTreeMap::new();
    for (key, value) in root.get("thresholds").iter().flat_map(|t| t.entries()) {
        let (Some(key), Some(value)) = (key.as_text(), value.as_f64()) else {
            return Err(format!(
                "rules/{file}: thresholds must map names to numbers"
            ));
        };
        thresholds.insert(key.to_string(), value);
    }
    Ok(RuleMeta {
        code,
        name: field("name")?,
        severity,
        summary: field("summary")?,
        thresholds,
        documentation: documentation.trim().to_string(),
        check: None,
    })
}

/// A rule as configured for this run.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    /// The rule's metadata.
    pub meta: RuleMeta,
    /// Effective severity.
    pub severity: Severity,
    /// Effective thresholds (defaults merged with configuration).
    pub thresholds: BTreeMap<String, f64>,
}

impl RuleSettings {
    /// A threshold's effective value. Loading checked that the rule file
    /// declares every key of its rule, so a rule's own key always has one.
    pub fn threshold(&self, key: Threshold) -> f64 {
        debug_assert_eq!(key.rule(), self.meta.code, "{key:?} is not this rule's");
        self.thresholds.get(key.name()).copied().unwrap_or(f64::NAN)
    }
}

/// What a rule's check returns; the runner adds code, severity, workload.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The finding's message.
    pub message: String,
    /// Where it points.
    pub location: Location,
    /// The monthly cost the finding is about, if any.
    pub monthly_usd: Option<f64>,
    /// Raise the severity to error (LAT002 with an SLO that is exceeded).
    pub escalate: bool,
    /// The usage figure the judgement rests on: when the profile only
    /// assumed it (a default), the finding reports at info and says what to
    /// declare, because a finding on an assumption nobody made is noise.
    pub rests_on: Option<UsageKey>,
}

/// The assumed usage figure a finding was judged on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assumed {
    /// The usage key (`utilization`).
    pub key: UsageKey,
    /// The value assumed.
    pub value: f64,
    /// Where the assumption comes from.
    pub basis: String,
    /// How to declare the real figure, in one line.
    pub fix: String,
}

impl Assumed {
    /// The assumption behind `key` of `assessment`, if the profile did not
    /// get the figure from a person (annotation or configuration).
    fn of(assessment: &Assessment<'_>, key: UsageKey) -> Option<Assumed> {
        let resolved = assessment.profile.number(key)?;
        if resolved.is_set() {
            return None;
        }
        let workload = assessment.workload;
        let example = match key {
            UsageKey::Utilization => "0.3".to_string(),
            _ => crate::numbers::trim(resolved.value, 3),
        };
        let annotation = if workload.platform == crate::model::Platform::Kubernetes {
            format!("annotate `tcolint.io/{}: \"{example}\"` or ", key.as_str())
        } else {
            String::new()
        };
        Some(Assumed {
            key,
            value: resolved.value,
            basis: resolved.basis.clone(),
            fix: format!(
                "{annotation}add `usage: {{\"{}\": {{{}: {example}}}}}` to tcolint.yml",
                workload.id,
                key.as_str()
            ),
        })
    }

    /// The sentence a finding's message ends with.
    fn sentence(&self) -> String {
        format!(
            "Judged on an assumed {} of {} ({}), so reported at info; to judge it, {}",
            self.key.as_str(),
            crate::numbers::trim(self.value, 4),
            self.basis,
            self.fix
        )
    }
}

/// One finding, as every output format renders it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub name: String,
    /// Effective severity.
    pub severity: Severity,
    /// What is wrong, with its numbers.
    pub message: String,
    /// The workload it is about, if any.
    pub workload: Option<String>,
    /// Where it points.
    pub location: Location,
    /// The monthly cost it is about, if any.
    pub monthly_usd: Option<f64>,
    /// Set when a suppression on the workload silences it.
    pub suppressed: Option<Suppressed>,
    /// Set when the judgement rests on an assumed usage figure.
    pub assumed: Option<Assumed>,
}

impl Finding {
    /// A finding about input rather than a workload (E001, E002, GPU003):
    /// no workload, cost, suppression or assumed figure.
    pub fn about_input(
        settings: &RuleSettings,
        severity: Severity,
        message: String,
        location: Location,
    ) -> Finding {
        Finding {
            code: settings.meta.code.clone(),
            name: settings.meta.name.clone(),
            severity,
            message,
            workload: None,
            location,
            monthly_usd: None,
            suppressed: None,
            assumed: None,
        }
    }
}

/// How a finding was silenced by a suppression on its workload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// Why, as the suppression's author wrote it (a reason is optional).
    pub reason: Option<String>,
}

/// Runs every enabled rule with logic over one assessed workload.
pub fn run(assessment: &Assessment<'_>, rules: &[RuleSettings], out: &mut Vec<Finding>) {
    for settings in rules {
        let Some(check) = settings.meta.check else {
            continue;
        };
        for draft in check(assessment, settings) {
            let workload = assessment.workload;
            let suppressed = workload
                .suppressions
                .iter()
                .find(|s| s.matches(&settings.meta.code))
                .map(|s| Suppressed {
                    reason: s.reason.clone(),
                });
            let assumed = draft.rests_on.and_then(|key| Assumed::of(assessment, key));
            let (severity, message) = match &assumed {
                Some(assumed) => (
                    Severity::Info,
                    format!("{}. {}", draft.message, assumed.sentence()),
                ),
                None if draft.escalate => (Severity::Error, draft.message),
                None => (settings.severity, draft.message),
            };
            out.push(Finding {
                code: settings.meta.code.clone(),
                name: settings.meta.name.clone(),
                severity,
                message,
                workload: Some(workload.id.clone()),
                location: draft.location,
                monthly_usd: draft.monthly_usd,
                suppressed,
                assumed,
            });
        }
    }
}

/// SUP001: the suppressions written on `workload` that silenced none of
/// `findings` (all of this run's findings on it). Suppressions naming only
/// rules that are not enabled are not judged.
pub fn unused_suppressions(
    workload: &crate::model::Workload,
    findings: &[&Finding],
    rules: &[RuleSettings],
) -> Vec<Finding> {
    let Some(settings) = rules.iter().find(|r| r.meta.code == UNUSED_SUPPRESSION) else {
        return Vec::new();
    };
    let enabled = |code: &str| {
        rules
            .iter()
            .any(|r| r.meta.code != UNUSED_SUPPRESSION && r.meta.code.starts_with(code))
    };
    workload
        .suppressions
        .iter()
        .filter(|suppression| suppression.codes.iter().any(|code| enabled(code)))
        .filter(|suppression| {
            !findings
                .iter()
                .any(|finding| finding.suppressed.is_some() && suppression.matches(&finding.code))
        })
        .map(|suppression| Finding {
            code: settings.meta.code.clone(),
            name: settings.meta.name.clone(),
            severity: settings.severity,
            message: format!(
                "the suppression of {} on {} matches no finding in this run; delete it or narrow it",
                suppression.codes.join(", "),
                workload.id
            ),
            workload: Some(workload.id.clone()),
            location: suppression.location.clone(),
            monthly_usd: None,
            suppressed: None,
            assumed: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_parses_and_documents_itself() {
        let rules = builtin().unwrap();
        for rule in &rules {
            for section in [
                "## What it detects",
                "## Why it matters",
                "## How to fix",
                "## How to suppress",
            ] {
                assert!(
                    rule.documentation.contains(section),
                    "{} lacks {section}",
                    rule.code
                );
            }
            assert!(rule
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            // Only the rules the pipeline raises itself have no check.
            let raised_by_pipeline = [
                INVALID_INPUT,
                DUPLICATE_KEY,
                UNMODELED_ACCELERATOR,
                UNUSED_SUPPRESSION,
            ]
            .contains(&rule.code.as_str());
            assert_eq!(rule.check.is_none(), raised_by_pipeline, "{}", rule.code);
        }
        let tco = rules.iter().find(|r| r.code == "TCO001").unwrap();
        assert_eq!(tco.thresholds.get("min-utilization"), Some(&0.4));
    }

    #[test]
    fn the_registry_lists_every_rule_file_once_in_code_order() {
        let codes: Vec<&str> = REGISTRY.iter().map(|entry| entry.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "registry lines are unique and in code order");
        for code in &codes {
            let (letters, digits) = code.split_at(code.len() - 3);
            assert!(
                !letters.is_empty()
                    && letters.chars().all(|c| c.is_ascii_uppercase())
                    && digits.chars().all(|c| c.is_ascii_digit()),
                "{code} is not LETTERS + three digits"
            );
        }
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut files: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".md"))
            .collect();
        files.sort();
        let registered: Vec<String> = codes.iter().map(|code| format!("{code}.md")).collect();
        assert_eq!(files, registered, "every rules/*.md has a registry line");
        for code in [
            INVALID_INPUT,
            DUPLICATE_KEY,
            UNMODELED_ACCELERATOR,
            UNUSED_SUPPRESSION,
        ] {
            assert!(codes.contains(&code), "{code}");
        }
    }

    #[test]
    fn every_threshold_key_has_its_rules_value() {
        let rules = builtin().unwrap();
        for key in Threshold::ALL {
            let rule = rules.iter().find(|r| r.code == key.rule()).unwrap();
            let settings = RuleSettings {
                meta: rule.clone(),
                severity: rule.severity,
                thresholds: rule.thresholds.clone(),
            };
            assert!(settings.threshold(*key).is_finite(), "{key:?}");
        }
        let fit003 = rules.iter().find(|r| r.code == "FIT003").unwrap();
        assert_eq!(fit003.thresholds.len(), 7);
    }

    #[test]
    fn a_rule_file_must_declare_exactly_its_registered_thresholds() {
        let front = |thresholds: &str| {
            format!("---\ncode: TCO001\nname: x\nseverity: info\nsummary: s\n{thresholds}---\nbody")
        };
        let check = |text: &'static str| {
            load(&Registered {
                code: "TCO001",
                file: text,
                check: None,
            })
        };
        let misspelled = front("thresholds:\n  min-utilisation: 0.4\n");
        let error = check(misspelled.leak()).unwrap_err();
        assert!(error.contains("`min-utilisation` has no key"), "{error}");
        let missing = front("");
        let error = check(missing.leak()).unwrap_err();
        assert!(
            error.contains("expects threshold `min-utilization`"),
            "{error}"
        );
        let exact = front("thresholds:\n  min-utilization: 0.3\n");
        assert_eq!(
            check(exact.leak()).unwrap().thresholds["min-utilization"],
            0.3
        );
    }

    #[test]
    fn malformed_rule_files_are_rejected_with_a_reason() {
        assert!(parse_rule_file("X1.md", "no front matter")
            .unwrap_err()
            .contains("must start"));
        let wrong = "---\ncode: X2\nname: x\nseverity: loud\nsummary: s\n---\nbody";
        assert!(parse_rule_file("X2.md", wrong)
            .unwrap_err()
            .contains("severity"));
        let mismatch = "---\ncode: X3\nname: x\nseverity: info\nsummary: s\n---\nbody";
        assert!(parse_rule_file("X4.md", mismatch)
            .unwrap_err()
            .contains("does not match"));
    }

    /// A CPU or GPU Deployment carrying `suppression` as its ignore annotation.
    fn suppressed(gpus: u32, suppression: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: ml\n  annotations:\n    tcolint.io/purpose: inference\n    tcolint.io/utilization: \"0.2\"\n    tcolint.io/ignore: \"{suppression}\"\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: api}}\n  template:\n    metadata:\n      labels: {{app: api}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: g6.xlarge\n      containers:\n      - name: api\n        image: api:1\n        resources:\n          limits: {{cpu: \"3\", memory: 12Gi, nvidia.com/gpu: {gpus}}}\n"
        )
    }

    fn codes(report: &crate::report::Report) -> Vec<(&str, bool)> {
        report
            .findings
            .iter()
            .map(|finding| (finding.rule.as_str(), false))
            .chain(
                report
                    .suppressed
                    .iter()
                    .map(|finding| (finding.rule.as_str(), true)),
            )
            .collect()
    }

    #[test]
    fn a_suppression_that_silences_nothing_is_reported_at_itself() {
        use crate::test_support::scan_text;
        let report = scan_text(
            "api.yaml",
            &suppressed(0, "TCO001: warm pool"),
            &["TCO001", "SUP001"],
            &[],
        );
        assert_eq!(codes(&report), [("SUP001", false)]);
        let finding = &report.findings[0];
        assert_eq!(finding.message, "the suppression of TCO001 on k8s:Deployment/ml/api matches no finding in this run; delete it or narrow it");
        assert_eq!((finding.location.line, finding.location.column), (9, 5));
    }

    #[test]
    fn a_suppression_that_silences_a_finding_or_names_a_disabled_rule_is_not_reported() {
        use crate::test_support::scan_text;
        for suppression in ["TCO001: warm pool", "TCO: the whole family"] {
            let report = scan_text(
                "api.yaml",
                &suppressed(1, suppression),
                &["TCO001", "SUP001"],
                &[],
            );
            assert_eq!(codes(&report), [("TCO001", true)], "{suppression}");
        }
        // TCO001 is not enabled: its suppression is not judged.
        let report = scan_text(
            "api.yaml",
            &suppressed(0, "TCO001: warm pool"),
            &["GPU", "SUP001"],
            &[],
        );
        assert_eq!(codes(&report), []);
    }
}
