//! The usage profile: how a workload is really used. Each value comes from
//! (in order) an annotation on the workload, the `usage:` map of
//! `tcolint.yml`, an inference from the kind or images (purpose only), or
//! a documented default for the purpose, and remembers which.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::{Framework, Purpose, UsageKey, UsageValue, Workload};
use crate::source::Location;

/// One usage profile of the configuration: a workload id or glob and the
/// values it sets.
#[derive(Clone, Debug)]
pub struct UsageEntry {
    /// The id or glob as written.
    pub pattern: String,
    matcher: Option<glob::Pattern>,
    /// The values it sets.
    pub values: Vec<(UsageKey, UsageValue)>,
    /// Where the entry is written.
    pub location: Location,
}

impl UsageEntry {
    /// An entry for `pattern` (an id, or a glob over ids).
    pub fn new(pattern: String, values: Vec<(UsageKey, UsageValue)>, location: Location) -> Self {
        UsageEntry {
            matcher: glob::Pattern::new(&pattern).ok(),
            pattern,
            values,
            location,
        }
    }

    /// Whether the entry names this workload: exactly, or as a glob, by
    /// its id or by the id it had before sharing it with another workload
    /// made it unique (`k8s:Deployment/ml/llm` names
    /// `k8s:Deployment/ml/llm@dev/llm.yaml`; see `crate::ids`).
    pub fn matches(&self, workload_id: &str) -> bool {
        [workload_id, original_id(workload_id)].iter().any(|id| {
            self.pattern == *id
                || self
                    .matcher
                    .as_ref()
                    .is_some_and(|pattern| pattern.matches(id))
        })
    }

    /// Whether the entry names exactly this workload, by its id or its
    /// original id (beats any glob).
    pub fn is_exact(&self, workload_id: &str) -> bool {
        self.pattern == workload_id || self.pattern == original_id(workload_id)
    }
}

/// Where a profile value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A `tcolint.io/*` annotation on the workload.
    Annotation,
    /// The `usage:` map of `tcolint.yml`.
    Config,
    /// Inferred from the kind or the images.
    Inferred,
    /// A documented default for the purpose.
    Default,
}

/// A value and its provenance.
#[derive(Clone, Debug, Serialize)]
pub struct Resolved<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
    /// Why, in words (the annotation's location, the default's source).
    pub basis: String,
}

impl<T> Resolved<T> {
    /// Whether a person set the value (annotation or configuration).
    pub fn is_set(&self) -> bool {
        matches!(self.origin, Origin::Annotation | Origin::Config)
    }
}

/// A workload's resolved usage profile.
#[derive(Clone, Debug)]
pub struct Profile {
    /// What the workload does.
    pub purpose: Resolved<Purpose>,
    /// The ML framework its code imports at start-up (`None`: none known).
    pub framework: Resolved<Option<Framework>>,
    /// Every numeric key that has a value.
    pub numbers: BTreeMap<UsageKey, Resolved<f64>>,
}

impl Profile {
    /// A numeric key's value, if set or defaulted.
    pub fn number(&self, key: UsageKey) -> Option<&Resolved<f64>> {
        self.numbers.get(&key)
    }
}

/// A workload's id without the `@path` a shared id gained.
fn original_id(workload_id: &str) -> &str {
    workload_id
        .split_once('@')
        .map_or(workload_id, |(id, _)| id)
}

/// Resolves the profile of `workload` from its annotations, the usage
/// profiles `usage` (in file order) and the catalogue's defaults.
pub fn resolve(workload: &Workload, usage: &[UsageEntry], catalog: &Catalog) -> Profile {
    let mut chosen: BTreeMap<UsageKey, (UsageValue, Origin, String)> = BTreeMap::new();
    // Globs first, exact ids after, so an exact entry beats any glob; later
    // entries of the same kind beat earlier ones.
    let matching = usage
        .iter()
        .filter(|entry| entry.matches(&workload.id) && !entry.is_exact(&workload.id))
        .chain(usage.iter().filter(|entry| entry.is_exact(&workload.id)));
    for entry in matching {
        for (key, value) in &entry.values {
            chosen.insert(
                *key,
                (
                    *value,
                    Origin::Config,
                    format!("tcolint.yml usage {:?} ({})", entry.pattern, entry.location),
                ),
            );
        }
    }
    for (key, setting) in &workload.usage {
        chosen.insert(
            *key,
            (
                setting.value,
                Origin::Annotation,
                format!(
                    "annotation tcolint.io/{} ({})",
                    key.as_str(),
                    setting.location
                ),
            ),
        );
    }

    let purpose = match chosen.remove(&UsageKey::Purpose) {
        Some((UsageValue::Purpose(purpose), origin, basis)) => Resolved {
            value: purpose,
            origin,
            basis,
        },
        _ => match &workload.inferred_purpose {
            Some((purpose, why)) => Resolved {
                value: *purpose,
                origin: Origin::Inferred,
                basis: why.clone(),
            },
            None => Resolved {
                value: Purpose::Unknown,
                origin: Origin::Default,
                basis: "nothing says what the workload does; set tcolint.io/purpose".into(),
            },
        },
    };

    let framework = match chosen.remove(&UsageKey::Framework) {
        Some((UsageValue::Framework(framework), origin, basis)) => Resolved {
            value: framework,
            origin,
            basis,
        },
        _ => match &workload.inferred_framework {
            Some((framework, why)) => Resolved {
                value: Some(*framework),
                origin: Origin::Inferred,
                basis: why.clone(),
            },
            None => Resolved {
                value: None,
                origin: Origin::Default,
                basis: "no image or layer names an ML framework; set tcolint.io/framework".into(),
            },
        },
    };

    let mut numbers = BTreeMap::new();
    for (key, (value, origin, basis)) in chosen {
        if let UsageValue::Number(value) = value {
            numbers.insert(
                key,
                Resolved {
                    value,
                    origin,
                    basis,
                },
            );
        }
    }
    for key in UsageKey::ALL {
        if numbers.contains_key(&key) {
            continue;
        }
        if let Some(default) = catalog.profile_default(purpose.value, key.as_str()) {
            numbers.insert(
                key,
                Resolved {
                    value: default.value,
                    origin: Origin::Default,
                    basis: format!(
                        "default for {} workloads: {} ({})",
                        purpose.value.as_str(),
                        default.basis,
                        catalog.cite(&default.source)
                    ),
                },
            );
        }
    }
    Profile {
        purpose,
        framework,
        numbers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Platform, Scaling, UsageSetting};
    use crate::source::SourceFile;

    fn workload(annotations: &[(UsageKey, UsageValue)]) -> Workload {
        let at = SourceFile::new("w.yaml", "x").start();
        let mut workload = Workload::new(
            "k8s:Deployment/ml/llm".into(),
            "Deployment",
            Platform::Kubernetes,
            at.clone(),
            crate::model::Billing::PodShare,
        );
        workload.inferred_purpose = Some((Purpose::Inference, "image is vLLM".into()));
        workload.scaling = Scaling::fixed(1, "test", None);
        workload.usage = annotations
            .iter()
            .map(|(key, value)| {
                (
                    *key,
                    UsageSetting {
                        value: *value,
                        location: at.clone(),
                    },
                )
            })
            .collect();
        workload
    }

    fn entry(pattern: &str, values: &[(UsageKey, f64)]) -> UsageEntry {
        UsageEntry::new(
            pattern.into(),
            values
                .iter()
                .map(|(key, value)| (*key, UsageValue::Number(*value)))
                .collect(),
            SourceFile::new("tcolint.yml", "x").start(),
        )
    }

    #[test]
    fn annotation_beats_exact_id_beats_glob_beats_default() {
        let catalog = Catalog::embedded().unwrap();
        let config = [
            entry("k8s:Deployment/ml/llm", &[(UsageKey::Utilization, 0.3)]),
            entry(
                "k8s:Deployment/*",
                &[
                    (UsageKey::Utilization, 0.2),
                    (UsageKey::LatencySloMs, 800.0),
                ],
            ),
        ];
        let profile = resolve(&workload(&[]), &config, &catalog);
        let utilization = profile.number(UsageKey::Utilization).unwrap();
        assert_eq!(
            (utilization.value, utilization.origin),
            (0.3, Origin::Config)
        );
        assert_eq!(profile.number(UsageKey::LatencySloMs).unwrap().value, 800.0);

        let annotated = workload(&[(UsageKey::Utilization, UsageValue::Number(0.9))]);
        let profile = resolve(&annotated, &config, &catalog);
        assert_eq!(
            profile.number(UsageKey::Utilization).unwrap().origin,
            Origin::Annotation
        );

        let profile = resolve(&workload(&[]), &[], &catalog);
        let utilization = profile.number(UsageKey::Utilization).unwrap();
        assert_eq!(
            (utilization.value, utilization.origin),
            (0.05, Origin::Default)
        );
        assert!(utilization
            .basis
            .contains("Cast AI 2026 State of Kubernetes Optimization Report, 2026-04"));
        assert_eq!(profile.purpose.origin, Origin::Inferred);
    }

    #[test]
    fn a_profile_names_a_workload_by_its_id_before_it_gained_its_path() {
        let catalog = Catalog::embedded().unwrap();
        let config = [
            entry("k8s:Deployment/ml/llm", &[(UsageKey::Utilization, 0.3)]),
            entry(
                "k8s:Deployment/ml/llm@prod/llm.yaml",
                &[(UsageKey::Utilization, 0.7)],
            ),
        ];
        let mut dev = workload(&[]);
        dev.id = "k8s:Deployment/ml/llm@dev/llm.yaml".into();
        let mut prod = dev.clone();
        prod.id = "k8s:Deployment/ml/llm@prod/llm.yaml".into();
        let value = |w: &Workload| {
            resolve(w, &config, &catalog)
                .number(UsageKey::Utilization)
                .unwrap()
                .value
        };
        assert_eq!(value(&dev), 0.3);
        // The later exact entry, naming the full id, wins for prod.
        assert_eq!(value(&prod), 0.7);
        assert!(entry("k8s:Deployment/*", &[]).matches(&dev.id));
    }

    #[test]
    fn a_declared_framework_beats_the_one_names_imply() {
        use crate::model::Framework;
        let catalog = Catalog::embedded().unwrap();
        let mut inferred = workload(&[]);
        inferred.inferred_framework = Some((Framework::Pytorch, "image names torch".into()));
        let profile = resolve(&inferred, &[], &catalog);
        assert_eq!(profile.framework.value, Some(Framework::Pytorch));
        assert_eq!(profile.framework.origin, Origin::Inferred);
        // `framework: none` says the code imports no ML framework.
        let none = UsageKey::Framework.parse_value("none").unwrap();
        let mut declared = workload(&[(UsageKey::Framework, none)]);
        declared.inferred_framework = inferred.inferred_framework.clone();
        let profile = resolve(&declared, &[], &catalog);
        assert_eq!(profile.framework.value, None);
        assert!(profile.framework.is_set());
        assert!(UsageKey::Framework
            .parse_value("caffe")
            .unwrap_err()
            .contains("expected pytorch, tensorflow, jax, onnxruntime or none"));
        let profile = resolve(&workload(&[]), &[], &catalog);
        assert_eq!(
            (profile.framework.value, profile.framework.origin),
            (None, Origin::Default)
        );
    }

    #[test]
    fn purpose_sets_the_defaults() {
        let catalog = Catalog::embedded().unwrap();
        let training = workload(&[(UsageKey::Purpose, UsageValue::Purpose(Purpose::Training))]);
        let profile = resolve(&training, &[], &catalog);
        assert_eq!(profile.purpose.value, Purpose::Training);
        assert_eq!(profile.number(UsageKey::Utilization).unwrap().value, 0.5);
        assert!(profile.number(UsageKey::LatencySloMs).is_none());
    }
}
