//! Kubernetes manifests → [`Workload`]s.
//!
//! One workload per controller, or per role of a multi-role object (KServe
//! components, Kubeflow replica specs, Ray head and worker groups,
//! LeaderWorkerSet leaders and workers). Autoscalers (HPA, KEDA
//! ScaledObject, anything with `spec.scaleTargetRef`) are collected per
//! file and applied across all files by [`link`], since a kustomize folder
//! often keeps the HPA beside, not inside, the Deployment's file.

mod autoscaling;
pub mod pod;
pub(crate) mod quantity;

pub use quantity::parse as parse_quantity;

use std::collections::HashMap;

use crate::extract::shared::usage::{closest_key, known_keys, usage_entry, UsageEntryError};
use crate::extract::{Extraction, File, FrontEnd, Patch, Problem, ReadOptions};
use crate::model::{
    Billing, Platform, Purpose, Scaling, Suppression, UsageMap, UsageSetting, Workload,
};
use crate::parse::yaml::{Document, NodeRef};
use crate::source::{Location, SourceFile};

/// The annotation prefix for tcolint's own keys.
pub const ANNOTATION_PREFIX: &str = "tcolint.io/";

/// Per-document extraction state: where positions come from and where
/// problems go.
pub struct Ctx<'s> {
    source: &'s SourceFile,
    /// Invalid values found on the way (reported as E001).
    pub problems: Vec<Problem>,
    notes: Vec<String>,
}

impl<'s> Ctx<'s> {
    /// A context for one file.
    pub fn new(source: &'s SourceFile) -> Self {
        Ctx {
            source,
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The location of a node.
    pub fn location(&self, node: NodeRef<'_>) -> Location {
        self.source.location(node.start(), node.len())
    }

    /// The location of a node's first line (a whole object is too big to
    /// underline).
    pub fn first_line(&self, node: NodeRef<'_>) -> Location {
        let start = node.start();
        let rest = &self.source.text[start.min(self.source.text.len())..];
        let len = rest.find('\n').unwrap_or(rest.len()).min(node.len().max(1));
        self.source.location(start, len)
    }

    /// Records an invalid value at `node`.
    pub fn problem(&mut self, node: NodeRef<'_>, message: String) {
        let location = if node.is_mapping() || node.is_sequence() {
            self.first_line(node)
        } else {
            self.location(node)
        };
        self.problems.push(Problem { message, location });
    }

    /// Records an assumption for the workload being built.
    pub fn note_once(&mut self, note: &str) {
        if !self.notes.iter().any(|n| n == note) {
            self.notes.push(note.to_string());
        }
    }
}

/// What one file keeps to link across files: autoscalers and the
/// workloads they may target, training runtimes and the TrainJobs that
/// reference them.
#[derive(Default)]
pub struct Links {
    scalers: Vec<Scaler>,
    targets: Vec<ScaleTarget>,
    runtimes: Vec<TrainingRuntime>,
    train_jobs: Vec<TrainJobLink>,
}

/// An autoscaler waiting to be matched with its target.
#[derive(Clone, Debug)]
pub struct Scaler {
    namespace: String,
    target_kind: String,
    target_name: String,
    scaling: Scaling,
}

/// A workload an autoscaler may target, and how many pods one unit of the
/// target's replicas is (a LeaderWorkerSet group is several pods).
#[derive(Clone, Debug)]
pub struct ScaleTarget {
    /// Index of the workload in its file's extraction.
    workload_index: usize,
    workload_id: String,
    namespace: String,
    kind: String,
    name: String,
    pods_per_replica: u32,
}

/// A Kubeflow Trainer runtime (`ClusterTrainingRuntime`,
/// `TrainingRuntime`): not a workload itself, but the pod template, node
/// count and placement of the TrainJobs that reference it.
#[derive(Clone, Debug)]
pub struct TrainingRuntime {
    kind: String,
    /// Empty for a ClusterTrainingRuntime.
    namespace: String,
    name: String,
    location: Location,
    /// `mlPolicy.numNodes`.
    num_nodes: Option<(u32, Location)>,
    /// The trainer node's containers (app, init and sidecar).
    containers: Vec<pod::ContainerSpec>,
    /// Where the trainer node's pods land.
    placement: crate::model::Placement,
}

/// A TrainJob waiting for its runtime.
#[derive(Clone, Debug)]
pub struct TrainJobLink {
    /// Index of the TrainJob's workload in its file's extraction.
    workload_index: usize,
    runtime_kind: String,
    runtime_name: String,
    namespace: String,
    /// `trainer.numNodes` was written on the TrainJob.
    nodes_given: bool,
    /// `trainer.resourcesPerNode` as written, replacing the runtime's.
    resources: Option<(Vec<pod::Written>, Vec<pod::Written>)>,
    /// `trainer.image` as written, replacing the runtime's.
    image: Option<String>,
}

/// The Kubernetes front end: files whose documents include an object
/// (`apiVersion` and `kind`).
pub struct Kubernetes;

impl FrontEnd for Kubernetes {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn markers(&self) -> &'static [&'static str] {
        &["apiVersion"]
    }

    fn document_kind(&self) -> Option<&'static str> {
        Some("Kubernetes object")
    }

    fn claims_documents(&self, documents: &[Document]) -> bool {
        documents.iter().any(|d| is_object(d.root()))
    }

    fn duplicate_key_rejection(&self) -> Option<&'static str> {
        Some("the API server rejects the object (strict field validation, kubectl's default)")
    }

    fn extract(&self, file: &File<'_>, _options: &ReadOptions<'_>) -> Extraction {
        extract(file.source, file.documents)
    }

    fn link(&self, extractions: &[&Extraction]) -> Vec<Patch> {
        link(extractions)
    }
}

/// Whether a document is a Kubernetes object.
pub fn is_object(root: NodeRef<'_>) -> bool {
    root.get("apiVersion").and_then(|v| v.as_text()).is_some()
        && root.get("kind").and_then(|v| v.as_text()).is_some()
}

/// Extracts the workloads of every Kubernetes object in `documents`.
pub fn extract(source: &SourceFile, documents: &[Document]) -> Extraction {
    let mut out = Extraction::default();
    for document in documents {
        let root = document.root();
        if is_object(root) {
            extract_object(source, root, &mut out, 0);
        }
    }
    out
}

fn extract_object(source: &SourceFile, root: NodeRef<'_>, out: &mut Extraction, depth: u8) {
    let kind = root
        .get("kind")
        .and_then(|k| k.as_text())
        .unwrap_or_default();
    let api_version = root
        .get("apiVersion")
        .and_then(|v| v.as_text())
        .unwrap_or_default();
    if kind == "List" || kind.ends_with("List") && root.get("items").is_some() {
        if depth < 4 {
            for item in root.get("items").iter().flat_map(|items| items.items()) {
                if is_object(item) {
                    extract_object(source, item, out, depth + 1);
                }
            }
        }
        return;
    }
    let mut ctx = Ctx::new(source);
    let Some(object) = Object::read(&mut ctx, root, kind, api_version) else {
        out.problems.append(&mut ctx.problems);
        return;
    };
    if let Some(scaler) = scaler(&mut ctx, &object) {
        out.links_mut::<Links>().scalers.push(scaler);
    } else {
        kinds::extract(&mut ctx, &object, out);
    }
    out.problems.append(&mut ctx.problems);
}

/// The parts of an object every kind needs.
pub struct Object<'a> {
    root: NodeRef<'a>,
    kind: &'a str,
    /// API group (`apps`, `serving.kserve.io`; empty for the core group).
    group: &'a str,
    name: String,
    namespace: String,
    location: Location,
}

impl<'a> Object<'a> {
    fn read(
        ctx: &mut Ctx<'_>,
        root: NodeRef<'a>,
        kind: &'a str,
        api_version: &'a str,
    ) -> Option<Self> {
        let metadata = root.get("metadata");
        let name = metadata
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_text())
            .or_else(|| {
                metadata
                    .and_then(|m| m.get("generateName"))
                    .and_then(|n| n.as_text())
            });
        let Some(name) = name else {
            // Only objects that would provision something need a name;
            // a kustomization or other config document without one is fine.
            if !provisions_pods(root) {
                return None;
            }
            ctx.problem(
                root,
                format!("{kind} has no metadata.name (or generateName); workloads need a name to get a stable id"),
            );
            return None;
        };
        let namespace = metadata
            .and_then(|m| m.get("namespace"))
            .and_then(|n| n.as_text())
            .unwrap_or("default")
            .to_string();
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        Some(Object {
            root,
            kind,
            group,
            name: name.to_string(),
            namespace,
            location: ctx.first_line(root),
        })
    }

    fn id(&self, role: Option<&str>) -> String {
        match role {
            Some(role) => format!(
                "k8s:{}/{}/{}/{}",
                self.kind, self.namespace, self.name, role
            ),
            None => format!("k8s:{}/{}/{}", self.kind, self.namespace, self.name),
        }
    }

    fn annotations(&self) -> Option<NodeRef<'a>> {
        self.root.path(&["metadata", "annotations"])
    }
}

/// Whether an object holds a pod template or scales something.
fn provisions_pods(root: NodeRef<'_>) -> bool {
    let Some(spec) = root.get("spec") else {
        return false;
    };
    let mut found = false;
    spec.document().walk(spec, |node| {
        found |= node.get("containers").is_some() || node.get("scaleTargetRef").is_some();
    });
    found
}

/// HPA, KEDA ScaledObject and other objects with `spec.scaleTargetRef`.
fn scaler(ctx: &mut Ctx<'_>, object: &Object<'_>) -> Option<Scaler> {
    let spec = object.root.get("spec")?;
    let target = spec.get("scaleTargetRef")?;
    let target_name = target.get("name").and_then(|n| n.as_text())?;
    let is_keda = object.group == "keda.sh";
    let target_kind = target
        .get("kind")
        .and_then(|k| k.as_text())
        .unwrap_or(if is_keda { "Deployment" } else { "" });
    let (min_key, max_key, min_default, max_default) = if is_keda {
        ("minReplicaCount", "maxReplicaCount", 0, Some(100))
    } else {
        ("minReplicas", "maxReplicas", 1, None)
    };
    let count = |ctx: &mut Ctx<'_>, key: &str| -> Option<(u32, Location)> {
        let (key_node, value) = spec.entry(key)?;
        match value.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(count) => Some((count, ctx.location(key_node))),
            None => {
                ctx.problem(value, format!("{key} must be a whole number"));
                None
            }
        }
    };
    let min = count(ctx, min_key);
    let max = count(ctx, max_key).map(|(max, _)| max).or(max_default);
    let min_value = min.as_ref().map_or(min_default, |(value, _)| *value);
    let basis = format!(
        "{} {}/{} ({min_key} {}{}, {max_key} {})",
        object.kind,
        object.namespace,
        object.name,
        min_value,
        if min.is_none() { " by default" } else { "" },
        max.map_or("unbounded".to_string(), |max| max.to_string()),
    );
    Some(Scaler {
        namespace: object.namespace.clone(),
        target_kind: target_kind.to_string(),
        target_name: target_name.to_string(),
        scaling: Scaling {
            keep_alive_s: is_keda.then(|| Box::new(autoscaling::keda_cooldown(ctx, spec))),
            concurrency: None,
            min: min_value,
            max: max.map(|max| max.max(min_value)),
            min_location: Some(min.map_or_else(|| object.location.clone(), |(_, at)| at)),
            basis,
        },
    })
}

/// Completes every file's TrainJobs from their runtimes and applies every
/// file's autoscalers to their targets, across files: the changes to make,
/// TrainJobs first.
pub fn link(extractions: &[&Extraction]) -> Vec<Patch> {
    let mut patches = Vec::new();
    kinds::link_train_jobs(extractions, &mut patches);
    link_scalers(extractions, &mut patches);
    patches
}

fn link_scalers(extractions: &[&Extraction], patches: &mut Vec<Patch>) {
    let scalers: Vec<&Scaler> = extractions
        .iter()
        .filter_map(|e| e.links::<Links>())
        .flat_map(|links| &links.scalers)
        .collect();
    if scalers.is_empty() {
        return;
    }
    // Scalers by the object they name, in scan order: a large tree has
    // thousands of each, too many to compare every pair.
    let mut by_target: HashMap<(&str, &str), Vec<&Scaler>> = HashMap::new();
    for scaler in scalers {
        by_target
            .entry((&scaler.namespace, &scaler.target_name))
            .or_default()
            .push(scaler);
    }
    let targets = || {
        extractions
            .iter()
            .enumerate()
            .flat_map(|(index, extraction)| {
                let targets = extraction.links::<Links>().map(|links| &links.targets);
                targets
                    .into_iter()
                    .flatten()
                    .map(move |target| (index, target))
            })
    };
    // Every workload of an id takes the scaler of the last target of that
    // id that one matches (overlays of one Deployment share it).
    let mut by_id: HashMap<&str, (u32, &Scaler)> = HashMap::new();
    for (_, target) in targets() {
        let candidates = by_target
            .get(&(target.namespace.as_str(), target.name.as_str()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        // The last one written wins.
        let matching = candidates
            .iter()
            .rev()
            .find(|scaler| scaler.target_kind.is_empty() || scaler.target_kind == target.kind);
        if let Some(scaler) = matching {
            by_id.insert(&target.workload_id, (target.pods_per_replica, scaler));
        }
    }
    for (index, target) in targets() {
        if let Some(&(pods, scaler)) = by_id.get(target.workload_id.as_str()) {
            let scaler = scaler.clone();
            patches.push(Patch {
                extraction: index,
                workload: target.workload_index,
                apply: Box::new(move |workload| apply_scaler(workload, &scaler, pods)),
            });
        }
    }
}

/// Replaces a workload's replicas with its autoscaler's (times the pods
/// of one replica, for a group).
fn apply_scaler(workload: &mut Workload, scaler: &Scaler, pods: u32) {
    let previous = std::mem::replace(
        &mut workload.scaling,
        Scaling {
            keep_alive_s: scaler.scaling.keep_alive_s.clone(),
            concurrency: scaler.scaling.concurrency.clone(),
            min: scaler.scaling.min.saturating_mul(pods),
            max: scaler.scaling.max.map(|max| max.saturating_mul(pods)),
            min_location: scaler.scaling.min_location.clone(),
            basis: if pods == 1 {
                scaler.scaling.basis.clone()
            } else {
                format!("{} x {pods} pods per group", scaler.scaling.basis)
            },
        },
    );
    workload.notes.push(format!(
        "replicas from {} override {}",
        scaler.scaling.basis, previous.basis
    ));
    infer_service(workload, scaler);
}

/// Infers purpose from shape when nothing else says it: a long-running GPU
/// Deployment or StatefulSet that an autoscaler scales to zero waits for
/// requests, so it is a service (inference).
fn infer_service(workload: &mut Workload, scaler: &Scaler) {
    if workload.inferred_purpose.is_none()
        && scaler.scaling.min == 0
        && !workload.run_to_completion
        && matches!(workload.kind.as_str(), "Deployment" | "StatefulSet")
        && workload.has_accelerators()
    {
        workload.inferred_purpose = Some((
            Purpose::Inference,
            format!(
                "a long-running GPU {} that {} scales to zero serves requests",
                workload.kind, scaler.scaling.basis
            ),
        ));
    }
}

/// Builds a workload from a pod spec plus everything around it.
struct Role<'a> {
    role: Option<String>,
    pod_spec: NodeRef<'a>,
    /// Container specs outside `containers` (KServe framework blocks).
    extra_containers: Vec<NodeRef<'a>>,
    /// Annotations on the pod template, merged under the object's own.
    template_annotations: Option<NodeRef<'a>>,
    /// Containers built from an operator's own fields (NIMService
    /// `resources`, TrainJob `resourcesPerNode`); `pod_spec` then only
    /// gives placement.
    containers: Option<Vec<pod::ContainerSpec>>,
    scaling: Scaling,
    run_to_completion: bool,
    purpose: Option<(Purpose, String)>,
    /// The autoscaler target key, when autoscalers can target this role.
    scale_target: Option<u32>,
    notes: Vec<String>,
}

fn push_workload(ctx: &mut Ctx<'_>, object: &Object<'_>, role: Role<'_>, out: &mut Extraction) {
    let id = object.id(role.role.as_deref());
    let shape = match &role.containers {
        Some(containers) => pod::shape_from(ctx, role.pod_spec, containers),
        None => pod::pod_shape(ctx, role.pod_spec, &role.extra_containers),
    };
    let mut usage = UsageMap::new();
    let mut suppressions = Vec::new();
    for annotations in [role.template_annotations, object.annotations()]
        .into_iter()
        .flatten()
    {
        read_annotations(ctx, annotations, &mut usage, &mut suppressions);
    }
    let mut notes = std::mem::take(&mut ctx.notes);
    notes.extend(role.notes);
    if let Some(pods_per_replica) = role.scale_target {
        let workload_index = out.workloads.len();
        out.links_mut::<Links>().targets.push(ScaleTarget {
            workload_index,
            workload_id: id.clone(),
            namespace: object.namespace.clone(),
            kind: object.kind.to_string(),
            name: object.name.clone(),
            pods_per_replica,
        });
    }
    let mut workload = Workload::new(
        id,
        object.kind,
        Platform::Kubernetes,
        object.location.clone(),
        Billing::PodShare,
    );
    workload.inferred_purpose = role.purpose;
    workload.compute = shape.compute;
    workload.placement = shape.placement;
    workload.scaling = role.scaling;
    workload.run_to_completion = role.run_to_completion;
    workload.usage = usage;
    workload.suppressions = suppressions;
    workload.notes = notes;
    out.workloads.push(workload);
}

/// Reads `tcolint.io/*` annotations. Earlier calls win (the object's own
/// annotations are read after the template's, so they are inserted over).
fn read_annotations(
    ctx: &mut Ctx<'_>,
    annotations: NodeRef<'_>,
    usage: &mut UsageMap,
    suppressions: &mut Vec<Suppression>,
) {
    for (key, value) in annotations.entries() {
        let Some(name) = key
            .as_text()
            .and_then(|k| k.strip_prefix(ANNOTATION_PREFIX))
        else {
            continue;
        };
        let text = value.as_str().unwrap_or_default();
        if name == "ignore" {
            let (codes, reason) = match text.split_once(':') {
                Some((codes, reason)) => (codes, Some(reason.trim().to_string())),
                None => (text, None),
            };
            let codes: Vec<String> = codes
                .split(',')
                .map(|code| code.trim().to_ascii_uppercase())
                .filter(|code| !code.is_empty())
                .collect();
            if codes.is_empty() {
                ctx.problem(value, format!("{ANNOTATION_PREFIX}ignore names no rule codes; expected \"CODE,CODE: reason\""));
                continue;
            }
            suppressions.push(Suppression {
                codes,
                reason: reason.filter(|r| !r.is_empty()),
                location: ctx.location(key),
            });
            continue;
        }
        match usage_entry(name, || Ok(text.to_string())) {
            Ok((usage_key, parsed)) => {
                usage.insert(
                    usage_key,
                    UsageSetting {
                        value: parsed,
                        location: ctx.location(key),
                    },
                );
            }
            Err(UsageEntryError::UnknownKey) => {
                let hint = closest_key(name).map_or(String::new(), |k| {
                    format!(" (did you mean {ANNOTATION_PREFIX}{k}?)")
                });
                ctx.problem(
                    key,
                    format!(
                        "unknown annotation {ANNOTATION_PREFIX}{name}{hint}; tcolint reads ignore, {}",
                        known_keys()
                    ),
                );
            }
            Err(UsageEntryError::InvalidValue(reason)) => {
                ctx.problem(value, format!("{ANNOTATION_PREFIX}{name}: {reason}"))
            }
        }
    }
}

mod kinds;

#[cfg(test)]
mod tests;
