//! `tcolint.yml`: default cloud, rule selection, severities, thresholds and
//! usage profiles. Read with the same span-keeping YAML parser as the
//! manifests, so a mistake in the configuration is reported at its line.
//!
//! ```yaml
//! default-cloud: aws
//! select: [GPU, TCO]
//! ignore: [LAT002]
//! rules:
//!   TCO001: {severity: error, min-utilization: 0.25}
//! usage:
//!   "k8s:Deployment/ml/*": {purpose: inference, utilization: 0.6}
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analyze::price_settings::{parse_discount, Commitment, PriceOverride, PriceSettings};
use crate::analyze::profile::UsageEntry;
use crate::analyze::recommend::MinSaving;
use crate::analyze::Settings;
use crate::extract::shared::usage::{known_keys, usage_entry, UsageEntryError};
use crate::model::Cloud;
use crate::parse::yaml::{parse_stream, Limits, NodeRef};
use crate::rules::{code, RuleMeta, RuleSettings, Severity, Threshold};
use crate::source::{Location, SourceFile};

/// The file name looked for in the current folder.
pub const FILE_NAME: &str = "tcolint.yml";

/// A configuration error, located in the file when possible.
#[derive(Debug)]
pub struct ConfigError {
    /// What is wrong and what was expected.
    pub message: String,
    /// Where, when the file could be read.
    pub location: Option<Location>,
    /// The file, for rendering a snippet.
    pub source: Option<Arc<SourceFile>>,
}

/// A rule's configured severity and thresholds.
#[derive(Clone, Debug)]
pub struct RuleOverride {
    /// Rule code.
    pub code: String,
    /// Severity, when set.
    pub severity: Option<Severity>,
    /// Thresholds set, by name.
    pub thresholds: Vec<(String, f64)>,
}

/// The configuration of one run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Cloud assumed when a workload names none.
    pub default_cloud: Cloud,
    /// Codes or prefixes to enable (empty: all).
    pub select: Vec<String>,
    /// Codes or prefixes to disable.
    pub ignore: Vec<String>,
    /// Per-rule overrides.
    pub rule_overrides: Vec<RuleOverride>,
    /// Usage profiles, in file order.
    pub usage: Vec<UsageEntry>,
    /// Leave unpriced what only a stand-in region's price would price
    /// (`strict-prices: true`, `--strict-prices`).
    pub strict_prices: bool,
    /// `modules:`: local copies of Terraform module sources, by source,
    /// relative to the configuration file's folder.
    pub modules: Vec<(String, PathBuf)>,
    /// `ops:` people's time to run the platforms (off by default).
    pub ops: crate::analyze::ops::OpsSettings,
    /// `pricing:` commitment, negotiated discounts and price overrides.
    pub pricing: PriceSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            default_cloud: Cloud::Aws,
            select: Vec::new(),
            ignore: Vec::new(),
            rule_overrides: Vec::new(),
            usage: Vec::new(),
            strict_prices: false,
            modules: Vec::new(),
            ops: Default::default(),
            pricing: PriceSettings::default(),
        }
    }
}

impl Config {
    /// Reads `path`, checking rule codes and thresholds against `rules`.
    pub fn load(path: &Path, rules: &[RuleMeta]) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|error| ConfigError {
            message: format!("cannot read {}: {error}", path.display()),
            location: None,
            source: None,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError {
            message: format!("{} is not UTF-8", path.display()),
            location: None,
            source: None,
        })?;
        let source = Arc::new(SourceFile::new(path.display().to_string(), text));
        let mut config = Config::parse(&source, rules)?;
        // Module folders are relative to the file's own folder.
        let base = path.parent().unwrap_or(Path::new(""));
        for (_, dir) in &mut config.modules {
            *dir = base.join(&*dir);
        }
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses configuration text.
    pub fn parse(source: &Arc<SourceFile>, rules: &[RuleMeta]) -> Result<Config, ConfigError> {
        let fail = |node: Option<NodeRef<'_>>, message: String| ConfigError {
            message,
            location: node.map(|node| source.location(node.start(), node.len())),
            source: Some(Arc::clone(source)),
        };
        let documents = parse_stream(&source.text, &Limits::default());
        let document = match documents.into_iter().next() {
            None => return Ok(Config::default()),
            Some(Err(error)) => {
                return Err(ConfigError {
                    message: format!("invalid YAML: {}", error.message),
                    location: Some(source.location(error.offset, 0)),
                    source: Some(Arc::clone(source)),
                })
            }
            Some(Ok(document)) => document,
        };
        let root = document.root();
        if root.is_null() {
            return Ok(Config::default());
        }
        if !root.is_mapping() {
            return Err(fail(Some(root), "expected a mapping of settings".into()));
        }
        let mut config = Config::default();
        for (key, value) in root.entries() {
            match key.as_text().unwrap_or_default() {
                "default-cloud" => {
                    let text = value.as_text().unwrap_or_default();
                    config.default_cloud = Cloud::parse(text).ok_or_else(|| {
                        fail(Some(value), format!("default-cloud must be aws, gcp or azure, found {text:?}"))
                    })?;
                }
                "strict-prices" => {
                    config.strict_prices = value.as_bool().ok_or_else(|| {
                        fail(Some(value), "strict-prices must be true or false".into())
                    })?;
                }
                "select" | "ignore" => {
                    let name = key.as_text().unwrap_or_default();
                    let codes = code_list(value, rules)
                        .map_err(|(node, message)| fail(Some(node), format!("{name}: {message}")))?;
                    if name == "select" {
                        config.select = codes;
                    } else {
                        config.ignore = codes;
                    }
                }
                "rules" => {
                    for (code_node, settings) in value.entries() {
                        let code = code_node.as_text().unwrap_or_default().to_ascii_uppercase();
                        let Some(meta) = rules.iter().find(|rule| rule.code == code) else {
                            return Err(fail(Some(code_node), format!("rules: unknown rule code {code:?}")));
                        };
                        let mut severity = None;
                        let mut thresholds = Vec::new();
                        for (name_node, setting) in settings.entries() {
                            let name = name_node.as_text().unwrap_or_default();
                            if name == "severity" {
                                let text = setting.as_text().unwrap_or_default();
                                severity = Some(Severity::parse(text).ok_or_else(|| {
                                    fail(Some(setting), format!("severity must be error, warning or info, found {text:?}"))
                                })?);
                            } else if meta.thresholds.contains_key(name) {
                                let number = setting.as_f64().ok_or_else(|| {
                                    fail(Some(setting), format!("{code}.{name} must be a number"))
                                })?;
                                thresholds.push((name.to_string(), number));
                            } else {
                                let known: Vec<&str> = std::iter::once("severity")
                                    .chain(meta.thresholds.keys().map(String::as_str))
                                    .collect();
                                return Err(fail(
                                    Some(name_node),
                                    format!("{code} has no setting {name:?}; expected one of: {}", known.join(", ")),
                                ));
                            }
                        }
                        config.rule_overrides.push(RuleOverride {
                            code,
                            severity,
                            thresholds,
                        });
                    }
                }
                "modules" => {
                    for (source_node, dir) in value.entries() {
                        let source = source_node.as_text().unwrap_or_default().to_string();
                        let Some(dir) = dir.as_text() else {
                            return Err(fail(Some(dir), format!("modules: {source:?} must map to a folder")));
                        };
                        config.modules.push((source, PathBuf::from(dir)));
                    }
                }
                "ops" => {
                    if !value.is_mapping() {
                        return Err(fail(Some(value), "ops must be a mapping of figures".into()));
                    }
                    for (name_node, setting) in value.entries() {
                        let name = name_node.as_text().unwrap_or_default();
                        let number = setting.as_f64().filter(|n| *n >= 0.0).ok_or_else(|| {
                            fail(Some(setting), format!("ops.{name} must be a number >= 0"))
                        })?;
                        if !config.ops.set(name, number) {
                            return Err(fail(
                                Some(name_node),
                                format!(
                                    "ops has no setting {name:?}; expected one of: {}",
                                    crate::analyze::ops::OpsSettings::KEYS.join(", ")
                                ),
                            ));
                        }
                    }
                }
                "pricing" => {
                    config.pricing = pricing(value, source).map_err(|(node, message)| fail(Some(node), message))?;
                }
                "usage" => {
                    for (pattern_node, settings) in value.entries() {
                        let pattern = pattern_node.as_text().unwrap_or_default().to_string();
                        let mut values = Vec::new();
                        for (name_node, setting) in settings.entries() {
                            let name = name_node.as_text().unwrap_or_default();
                            let text = || Ok(setting.as_str().unwrap_or_default().to_string());
                            match usage_entry(name, text) {
                                Ok(entry) => values.push(entry),
                                Err(UsageEntryError::UnknownKey) => {
                                    return Err(fail(Some(name_node), format!("unknown usage key {name:?}; expected one of: {}", known_keys())))
                                }
                                Err(UsageEntryError::InvalidValue(reason)) => {
                                    return Err(fail(Some(setting), format!("{name}: {reason}")))
                                }
                            }
                        }
                        config.usage.push(UsageEntry::new(
                            pattern,
                            values,
                            source.location(pattern_node.start(), pattern_node.len()),
                        ));
                    }
                }
                other => {
                    return Err(fail(
                        Some(key),
                        format!("unknown setting {other:?}; expected one of: default-cloud, strict-prices, pricing, select, ignore, rules, usage, modules, ops"),
                    ))
                }
            }
        }
        Ok(config)
    }

    /// What analysis takes from the configuration: the default cloud, the
    /// usage profiles, `ops:` and ARC001's saving thresholds (which the
    /// recommendation applies whether or not ARC001 is selected).
    pub fn analysis(&self) -> Settings<'_> {
        let mut min_saving = MinSaving::default();
        for rule_override in self
            .rule_overrides
            .iter()
            .filter(|o| o.code == code::ARC001)
        {
            for (name, value) in &rule_override.thresholds {
                if name == Threshold::MinSavingFraction.name() {
                    min_saving.fraction = *value;
                } else if name == Threshold::MinSavingUsd.name() {
                    min_saving.usd = *value;
                }
            }
        }
        Settings {
            default_cloud: self.default_cloud,
            usage: &self.usage,
            strict_prices: self.strict_prices,
            pricing: &self.pricing,
            ops: self.ops,
            min_saving,
            cache: None,
        }
    }

    /// The rules this run checks, with effective severities and thresholds.
    pub fn rule_settings(
        &self,
        rules: &[RuleMeta],
        select: &[String],
        ignore: &[String],
    ) -> Vec<RuleSettings> {
        let select: Vec<&String> = if select.is_empty() {
            self.select.iter().collect()
        } else {
            select.iter().collect()
        };
        let ignore: Vec<&String> = self.ignore.iter().chain(ignore.iter()).collect();
        rules
            .iter()
            .filter(|rule| {
                select.is_empty()
                    || select
                        .iter()
                        .any(|prefix| rule.code.starts_with(prefix.as_str()))
            })
            .filter(|rule| {
                !ignore
                    .iter()
                    .any(|prefix| rule.code.starts_with(prefix.as_str()))
            })
            .map(|rule| {
                let mut settings = RuleSettings {
                    meta: rule.clone(),
                    severity: rule.severity,
                    thresholds: rule.thresholds.clone(),
                };
                for rule_override in &self.rule_overrides {
                    if rule_override.code == rule.code {
                        if let Some(severity) = rule_override.severity {
                            settings.severity = severity;
                        }
                        for (name, value) in &rule_override.thresholds {
                            settings.thresholds.insert(name.clone(), *value);
                        }
                    }
                }
                settings
            })
            .collect()
    }
}

/// Reads `pricing:`: `commitment: none|1y|3y`, `discounts: {aws: 12%}`,
/// `prices: {g5.xlarge: 0.85, m5.large: {eu-west-1: 0.09}}`.
fn pricing<'a>(
    value: NodeRef<'a>,
    source: &Arc<SourceFile>,
) -> Result<PriceSettings, (NodeRef<'a>, String)> {
    if !value.is_mapping() {
        return Err((
            value,
            "pricing must be a mapping (commitment, discounts, prices)".into(),
        ));
    }
    let mut settings = PriceSettings::default();
    let price = |node: NodeRef<'a>, what: &str| {
        node.as_f64()
            .filter(|usd| usd.is_finite() && *usd >= 0.0)
            .ok_or_else(|| {
                (
                    node,
                    format!("{what} must be a price in USD per hour (a number >= 0)"),
                )
            })
    };
    for (key, setting) in value.entries() {
        match key.as_text().unwrap_or_default() {
            "commitment" => {
                let text = setting.as_text().unwrap_or_default();
                settings.commitment = Commitment::parse(text).ok_or_else(|| {
                    (
                        setting,
                        format!("pricing.commitment must be none, 1y or 3y, found {text:?}"),
                    )
                })?;
            }
            "discounts" => {
                if !setting.is_mapping() {
                    return Err((
                        setting,
                        "pricing.discounts must map clouds to discounts, e.g. {aws: 12%}".into(),
                    ));
                }
                for (cloud_node, discount) in setting.entries() {
                    let name = cloud_node.as_text().unwrap_or_default();
                    let cloud = Cloud::parse(name).ok_or_else(|| {
                        (cloud_node, format!("pricing.discounts: unknown cloud {name:?}; expected aws, gcp or azure"))
                    })?;
                    let text = discount.as_text().unwrap_or_default();
                    let fraction = parse_discount(text).map_err(|message| {
                        (discount, format!("pricing.discounts.{name}: {message}"))
                    })?;
                    settings.discounts.retain(|(c, _)| *c != cloud);
                    settings.discounts.push((cloud, fraction));
                }
            }
            "prices" => {
                if !setting.is_mapping() {
                    return Err((
                        setting,
                        "pricing.prices must map instance types to prices, e.g. {g5.xlarge: 0.85}"
                            .into(),
                    ));
                }
                for (name_node, entry) in setting.entries() {
                    let name = name_node.as_text().unwrap_or_default().trim().to_string();
                    let at = |node: NodeRef<'_>| source.location(node.start(), node.len());
                    if entry.is_mapping() {
                        for (region_node, usd) in entry.entries() {
                            settings.prices.push(PriceOverride {
                                name: name.clone(),
                                region: Some(
                                    region_node
                                        .as_text()
                                        .unwrap_or_default()
                                        .trim()
                                        .to_ascii_lowercase(),
                                ),
                                usd_per_hour: price(usd, &format!("pricing.prices.{name}"))?,
                                location: at(usd),
                            });
                        }
                    } else {
                        settings.prices.push(PriceOverride {
                            usd_per_hour: price(entry, &format!("pricing.prices.{name}"))?,
                            name,
                            region: None,
                            location: at(entry),
                        });
                    }
                }
            }
            other => {
                return Err((key, format!("pricing has no setting {other:?}; expected one of: commitment, discounts, prices")));
            }
        }
    }
    Ok(settings)
}

/// Checks a list of rule codes or prefixes (`TCO`, `GPU001`).
pub fn code_list<'a>(
    value: NodeRef<'a>,
    rules: &[RuleMeta],
) -> Result<Vec<String>, (NodeRef<'a>, String)> {
    let items: Vec<NodeRef<'a>> = if value.is_sequence() {
        value.items().collect()
    } else {
        vec![value]
    };
    items
        .into_iter()
        .map(|item| {
            let code = item
                .as_text()
                .unwrap_or_default()
                .trim()
                .to_ascii_uppercase();
            validate_code(&code, rules).map_err(|message| (item, message))
        })
        .collect()
}

/// Accepts a code or a prefix of one or more codes.
pub fn validate_code(code: &str, rules: &[RuleMeta]) -> Result<String, String> {
    if !code.is_empty() && rules.iter().any(|rule| rule.code.starts_with(code)) {
        Ok(code.to_string())
    } else {
        let known: Vec<&str> = rules.iter().map(|rule| rule.code.as_str()).collect();
        Err(format!(
            "unknown rule code or prefix {code:?}; known codes: {}",
            known.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{UsageKey, UsageValue};
    use crate::rules::builtin;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let source = Arc::new(SourceFile::new("tcolint.yml", text));
        Config::parse(&source, &builtin().unwrap())
    }

    #[test]
    fn ops_figures_are_read_and_checked() {
        let config =
            parse("ops:\n  hourly-rate-usd: 120\n  kubernetes-hours-per-cluster-month: 40\n")
                .unwrap();
        assert_eq!(config.ops.hourly_rate_usd, 120.0);
        assert_eq!(config.ops.kubernetes_hours_per_cluster_month, 40.0);
        assert_eq!(config.ops.serverless_hours_per_service_month, 0.0);
        assert_eq!(config.analysis().ops, config.ops);
        let error = parse("ops:\n  hourly-rate: 120\n").unwrap_err();
        assert!(
            error
                .message
                .contains("ops has no setting \"hourly-rate\"; expected one of: hourly-rate-usd"),
            "{}",
            error.message
        );
        let error = parse("ops:\n  hourly-rate-usd: -1\n").unwrap_err();
        assert!(
            error
                .message
                .contains("ops.hourly-rate-usd must be a number >= 0"),
            "{}",
            error.message
        );
        assert_eq!(error.location.unwrap().line, 2);
    }

    #[test]
    fn arc001_thresholds_reach_the_recommendation() {
        let defaults = builtin().unwrap();
        let arc001 = defaults.iter().find(|rule| rule.code == "ARC001").unwrap();
        // The recommendation's defaults are ARC001's (rules/ARC001.md).
        assert_eq!(
            MinSaving::default(),
            MinSaving {
                fraction: arc001.thresholds["min-saving-fraction"],
                usd: arc001.thresholds["min-saving-usd"],
            }
        );
        assert_eq!(
            parse("").unwrap().analysis().min_saving,
            MinSaving::default()
        );
        let config = parse("rules:\n  ARC001: {min-saving-usd: 500}\n").unwrap();
        assert_eq!(
            config.analysis().min_saving,
            MinSaving {
                fraction: 0.3,
                usd: 500.0
            }
        );
        // Ignoring the rule does not change what the recommendation weighs.
        let config =
            parse("ignore: [ARC001]\nrules:\n  ARC001: {min-saving-fraction: 0.5}\n").unwrap();
        assert_eq!(config.analysis().min_saving.fraction, 0.5);
    }

    #[test]
    fn reads_every_setting() {
        let config = parse(
            "default-cloud: gcp\nselect: [TCO, GPU001]\nignore: LAT002\nrules:\n  TCO001: {severity: error, min-utilization: 0.25}\nusage:\n  \"k8s:Deployment/ml/*\": {purpose: inference, utilization: 0.6}\n",
        )
        .unwrap();
        assert_eq!(config.default_cloud, Cloud::Gcp);
        assert_eq!(config.select, ["TCO", "GPU001"]);
        assert_eq!(config.ignore, ["LAT002"]);
        let settings = config.rule_settings(&builtin().unwrap(), &[], &[]);
        let codes: Vec<&str> = settings.iter().map(|s| s.meta.code.as_str()).collect();
        // GPU001 and the TCO family, whatever rules the family gains.
        assert_eq!(codes[..3], ["GPU001", "TCO001", "TCO002"]);
        assert!(
            codes[1..].iter().all(|code| code.starts_with("TCO")),
            "{codes:?}"
        );
        assert_eq!(settings[1].severity, Severity::Error);
        assert_eq!(
            settings[1].threshold(crate::rules::Threshold::MinUtilization),
            0.25
        );
        let entry = &config.usage[0];
        assert!(entry.matches("k8s:Deployment/ml/llm"));
        assert!(!entry.matches("k8s:Deployment/web/llm"));
        assert_eq!(
            entry.values[1],
            (UsageKey::Utilization, UsageValue::Number(0.6))
        );
    }

    #[test]
    fn mistakes_are_located() {
        let error = parse("rules:\n  TCO001:\n    min-utilisation: 0.2\n").unwrap_err();
        assert!(
            error.message.contains("no setting \"min-utilisation\""),
            "{}",
            error.message
        );
        assert_eq!(error.location.unwrap().line, 3);
        let error = parse("usage:\n  x:\n    utilization: 2\n").unwrap_err();
        assert!(
            error.message.contains("between 0 and 1"),
            "{}",
            error.message
        );
        assert_eq!(error.location.unwrap().line, 3);
        let error = parse("select: [NOPE]\n").unwrap_err();
        assert!(error.message.contains("unknown rule code"));
        let error = parse("colour: red\n").unwrap_err();
        assert!(error.message.contains("unknown setting"));
    }

    #[test]
    fn empty_configuration_is_the_default() {
        let config = parse("# nothing\n").unwrap();
        assert_eq!(config.default_cloud, Cloud::Aws);
        assert_eq!(
            config.rule_settings(&builtin().unwrap(), &[], &[]).len(),
            builtin().unwrap().len()
        );
    }
}
