//! Which kinds are workloads, where their pod templates are, and what sets
//! their replica counts.

use super::{
    pod, push_workload, Ctx, Extraction, Links, Object, Patch, Role, TrainJobLink, TrainingRuntime,
};
use crate::extract::shared::purpose::names_training;
use crate::model::UnmodeledAccelerator;
use crate::model::{Purpose, Scaling};
use crate::parse::yaml::NodeRef;
use crate::source::Location;

/// Routes an object to the reader for its kind.
pub(super) fn extract(ctx: &mut Ctx<'_>, object: &Object<'_>, out: &mut Extraction) {
    let Some(spec) = object.root.get("spec") else {
        return;
    };
    match (object.group, object.kind) {
        ("", "Pod") => pod(ctx, object, spec, out),
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "ReplicaSet") => {
            replicated(ctx, object, spec, out);
        }
        ("apps" | "extensions", "DaemonSet") => daemon_set(ctx, object, spec, out),
        ("batch", "Job") => job(ctx, object, spec, spec, out),
        ("batch", "CronJob") => {
            if let Some(job_spec) = spec.path(&["jobTemplate", "spec"]) {
                job(ctx, object, spec, job_spec, out);
            }
        }
        ("serving.knative.dev", "Service") => knative(ctx, object, spec, out),
        ("serving.kserve.io", "InferenceService") => kserve(ctx, object, spec, out),
        ("kubeflow.org", _) if replica_specs(spec).is_some() => kubeflow(ctx, object, spec, out),
        ("ray.io", "RayCluster") => ray(ctx, object, spec, out),
        ("ray.io", "RayService") => {
            if let Some(cluster) = spec.get("rayClusterConfig") {
                ray(ctx, object, cluster, out);
            }
        }
        ("ray.io", "RayJob") => {
            if let Some(cluster) = spec.get("rayClusterSpec") {
                ray(ctx, object, cluster, out);
            }
        }
        ("leaderworkerset.x-k8s.io", "LeaderWorkerSet") => {
            leader_worker_set(ctx, object, spec, out)
        }
        ("batch.volcano.sh", "Job") => volcano_job(ctx, object, spec, out),
        ("serving.kserve.io", "LLMInferenceService") => {
            llm_inference_service(ctx, object, spec, out)
        }
        ("apps.nvidia.com", "NIMService") => nim_service(ctx, object, spec, out),
        ("apps.nvidia.com", "NIMCache") => nim_cache(ctx, object, spec, out),
        ("trainer.kubeflow.org", "TrainJob") => train_job(ctx, object, spec, out),
        ("trainer.kubeflow.org", "ClusterTrainingRuntime" | "TrainingRuntime") => {
            training_runtime(ctx, object, spec, out)
        }
        _ => match not_a_workload(object.group, object.kind) {
            Some(reason) => skip(object, reason, out),
            None => generic(ctx, object, out),
        },
    }
}

/// Lists an object that is known not to run pods in `skipped`.
fn skip(object: &Object<'_>, reason: &str, out: &mut Extraction) {
    out.skipped.push(crate::discover::Skipped {
        path: object.location.to_string(),
        reason: format!("{} {}: {reason}", object.kind, object.name),
        what: "object",
    });
}

/// Why a kind holds pod templates or resources without running them, when
/// it is one of those.
fn not_a_workload(group: &str, kind: &str) -> Option<&'static str> {
    match (group, kind) {
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            Some("a CustomResourceDefinition declares a kind; it runs nothing")
        }
        ("serving.kserve.io", "LLMInferenceServiceConfig") => Some(
            "a template LLMInferenceServices inherit through baseRefs; it runs nothing by itself",
        ),
        ("serving.kserve.io", "ServingRuntime" | "ClusterServingRuntime") => {
            Some("a model-server template InferenceServices run; it runs nothing by itself")
        }
        ("", "PodTemplate") => Some("a pod template; it runs nothing by itself"),
        _ if kind.ends_with("Runtime") || kind.ends_with("Template") => {
            Some("a template other objects run; it runs nothing by itself")
        }
        _ => None,
    }
}

/// The `template` of a controller and the pod spec inside it.
fn pod_template(owner: NodeRef<'_>) -> Option<(NodeRef<'_>, NodeRef<'_>)> {
    let template = owner.get("template")?;
    Some((template, template.get("spec")?))
}

/// A replica count at `key`, with the key's location; `None` when absent.
fn count(ctx: &mut Ctx<'_>, map: NodeRef<'_>, key: &str) -> Option<(u32, Location)> {
    let (key_node, value) = map.entry(key)?;
    if value.is_null() {
        return None;
    }
    match value.as_u64().and_then(|v| u32::try_from(v).ok()) {
        Some(count) => Some((count, ctx.location(key_node))),
        None => {
            ctx.problem(
                value,
                format!(
                    "{key} must be a whole number, found {:?}",
                    value.as_str().unwrap_or("a collection")
                ),
            );
            None
        }
    }
}

fn simple_role<'a>(
    pod_spec: NodeRef<'a>,
    template: Option<NodeRef<'a>>,
    scaling: Scaling,
) -> Role<'a> {
    Role {
        role: None,
        pod_spec,
        extra_containers: Vec::new(),
        template_annotations: template.and_then(|t| t.path(&["metadata", "annotations"])),
        containers: None,
        scaling,
        run_to_completion: false,
        purpose: None,
        scale_target: Some(1),
        notes: Vec::new(),
    }
}

fn pod(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let mut role = simple_role(
        spec,
        None,
        Scaling::fixed(1, "a bare Pod is one replica", None),
    );
    role.scale_target = None;
    mark_completion(object, spec, &mut role);
    push_workload(ctx, object, role, out);
}

/// A pod whose `restartPolicy` is `Never` or `OnFailure` exits when its
/// work is done; `Always` (the default) keeps it running.
fn mark_completion(object: &Object<'_>, pod_spec: NodeRef<'_>, role: &mut Role<'_>) {
    let policy = pod_spec.get("restartPolicy").and_then(|p| p.as_text());
    if let Some(policy @ ("Never" | "OnFailure")) = policy {
        role.run_to_completion = true;
        role.purpose = Some(if names_training(&object.name) {
            (
                Purpose::Training,
                format!(
                    "{} {} is named like a training run",
                    object.kind, object.name
                ),
            )
        } else {
            (
                Purpose::Batch,
                format!("restartPolicy {policy}: the pod runs to completion"),
            )
        });
    }
}

fn replicated(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let Some((template, pod_spec)) = pod_template(spec) else {
        return;
    };
    let scaling = match count(ctx, spec, "replicas") {
        Some((replicas, at)) => Scaling::fixed(replicas, "spec.replicas", Some(at)),
        None => Scaling::fixed(1, "spec.replicas (absent, so 1)", None),
    };
    let mut role = simple_role(pod_spec, Some(template), scaling);
    if object.kind == "ReplicaSet" {
        mark_completion(object, pod_spec, &mut role);
    }
    push_workload(ctx, object, role, out);
}

fn daemon_set(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let Some((template, pod_spec)) = pod_template(spec) else {
        return;
    };
    let mut role = simple_role(
        pod_spec,
        Some(template),
        Scaling::fixed(
            1,
            "one pod per node; the node count is not in the manifest, so costs are per node",
            None,
        ),
    );
    role.scale_target = None;
    push_workload(ctx, object, role, out);
}

fn job(
    ctx: &mut Ctx<'_>,
    object: &Object<'_>,
    spec: NodeRef<'_>,
    job_spec: NodeRef<'_>,
    out: &mut Extraction,
) {
    let Some((template, pod_spec)) = pod_template(job_spec) else {
        return;
    };
    let scaling = match count(ctx, job_spec, "parallelism") {
        Some((parallelism, at)) => Scaling::fixed(parallelism, "spec.parallelism", Some(at)),
        None => Scaling::fixed(1, "spec.parallelism (absent, so 1)", None),
    };
    let mut role = simple_role(pod_spec, Some(template), scaling);
    role.run_to_completion = true;
    role.scale_target = None;
    role.purpose = Some(if names_training(&object.name) {
        (
            Purpose::Training,
            format!(
                "{} {} is named like a training run",
                object.kind, object.name
            ),
        )
    } else {
        (
            Purpose::Batch,
            format!("a {} runs to completion", object.kind),
        )
    });
    if object.kind == "CronJob" {
        let schedule = spec
            .get("schedule")
            .and_then(|s| s.as_text())
            .unwrap_or("?");
        role.notes.push(format!(
            "CronJob on schedule {schedule:?} is priced as if its pods ran all month; set tcolint.io/utilization or see the run-to-completion note in the README"
        ));
    }
    push_workload(ctx, object, role, out);
}

fn knative(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let Some((template, pod_spec)) = pod_template(spec) else {
        return;
    };
    let annotations = template.path(&["metadata", "annotations"]);
    let scale = |ctx: &mut Ctx<'_>, keys: [&str; 2]| -> Option<(u32, Location)> {
        let annotations = annotations?;
        let (key, value) = keys.iter().find_map(|key| annotations.entry(key))?;
        match value.as_str().and_then(|v| v.trim().parse::<u32>().ok()) {
            Some(count) => Some((count, ctx.location(key))),
            None => {
                ctx.problem(
                    value,
                    format!(
                        "{} must be a whole number",
                        key.as_str().unwrap_or_default()
                    ),
                );
                None
            }
        }
    };
    let min = scale(
        ctx,
        [
            "autoscaling.knative.dev/min-scale",
            "autoscaling.knative.dev/minScale",
        ],
    );
    let max = scale(
        ctx,
        [
            "autoscaling.knative.dev/max-scale",
            "autoscaling.knative.dev/maxScale",
        ],
    );
    let min_value = min.as_ref().map_or(0, |(v, _)| *v);
    let min_absent = min.is_none();
    let max_value = max
        .map(|(v, _)| v)
        .filter(|v| *v > 0)
        .map(|v| v.max(min_value));
    let knative_annotations = [annotations, object.root.path(&["metadata", "annotations"])];
    let scaling = Scaling {
        keep_alive_s: Some(Box::new(super::autoscaling::knative_keep_alive(
            ctx,
            &knative_annotations,
        ))),
        concurrency: Some(Box::new(super::autoscaling::knative_concurrency(
            ctx,
            Some(pod_spec),
            &knative_annotations,
        ))),
        min: min_value,
        max: max_value,
        min_location: Some(min.map_or_else(|| ctx.first_line(template), |(_, at)| at)),
        basis: format!(
            "Knative autoscaling.knative.dev/min-scale {min_value}{}, max-scale {}",
            if min_absent { " (absent, so 0)" } else { "" },
            max_value.map_or("unbounded".into(), |m| m.to_string())
        ),
    };
    let mut role = simple_role(pod_spec, Some(template), scaling);
    role.scale_target = None;
    role.purpose = Some((
        Purpose::Inference,
        "a Knative Service serves requests".into(),
    ));
    push_workload(ctx, object, role, out);
}

/// KServe framework blocks: each is a container spec.
const KSERVE_FRAMEWORKS: [&str; 14] = [
    "model",
    "sklearn",
    "xgboost",
    "tensorflow",
    "pytorch",
    "triton",
    "onnx",
    "huggingface",
    "pmml",
    "lightgbm",
    "paddle",
    "alibi",
    "art",
    "lgbserver",
];

fn kserve(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    for component_name in ["predictor", "transformer", "explainer"] {
        let Some(component) = spec.get(component_name) else {
            continue;
        };
        let extra: Vec<NodeRef<'_>> = KSERVE_FRAMEWORKS
            .iter()
            .filter_map(|framework| component.get(framework))
            .filter(|block| block.is_mapping())
            .collect();
        let min = count(ctx, component, "minReplicas");
        let max = count(ctx, component, "maxReplicas")
            .map(|(v, _)| v)
            .filter(|v| *v > 0);
        let min_value = min.as_ref().map_or(1, |(v, _)| *v);
        let min_absent = min.is_none();
        let max_value = max.map(|v| v.max(min_value));
        // KServe's default (serverless) mode runs each component as a
        // Knative revision: component or object annotations configure it.
        let knative_annotations = [
            component.get("annotations"),
            object.root.path(&["metadata", "annotations"]),
        ];
        let scaling = Scaling {
            keep_alive_s: Some(Box::new(super::autoscaling::knative_keep_alive(
                ctx,
                &knative_annotations,
            ))),
            concurrency: Some(Box::new(super::autoscaling::knative_concurrency(
                ctx,
                Some(component),
                &knative_annotations,
            ))),
            min: min_value,
            max: max_value,
            min_location: Some(min.map_or_else(|| ctx.first_line(component), |(_, at)| at)),
            basis: format!(
                "{component_name}.minReplicas {min_value}{}, maxReplicas {}",
                if min_absent { " (absent, so 1)" } else { "" },
                max_value.map_or("unbounded".into(), |m| m.to_string())
            ),
        };
        let role = Role {
            role: Some(component_name.to_string()),
            pod_spec: component,
            extra_containers: extra,
            template_annotations: component.path(&["annotations"]),
            containers: None,
            scaling,
            run_to_completion: false,
            purpose: Some((
                Purpose::Inference,
                "a KServe InferenceService serves requests".into(),
            )),
            scale_target: None,
            notes: Vec::new(),
        };
        push_workload(ctx, object, role, out);
    }
}

fn replica_specs<'a>(spec: NodeRef<'a>) -> Option<NodeRef<'a>> {
    spec.entries()
        .find(|(key, value)| {
            key.as_str().is_some_and(|k| k.ends_with("ReplicaSpecs")) && value.is_mapping()
        })
        .map(|(_, value)| value)
}

fn kubeflow(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let Some(specs) = replica_specs(spec) else {
        return;
    };
    let elastic = spec.get("elasticPolicy");
    for (role_key, replica_spec) in specs.entries() {
        let Some(role_name) = role_key.as_text() else {
            continue;
        };
        let Some((template, pod_spec)) = pod_template(replica_spec) else {
            continue;
        };
        let mut scaling = match count(ctx, replica_spec, "replicas") {
            Some((replicas, at)) => {
                Scaling::fixed(replicas, format!("{role_name}.replicas"), Some(at))
            }
            None => Scaling::fixed(1, format!("{role_name}.replicas (absent, so 1)"), None),
        };
        if let (Some(elastic), "Worker") = (elastic, role_name) {
            // An elastic job starts at `replicas` and may shrink to
            // minReplicas or grow to maxReplicas as nodes come and go:
            // it is costed at what it starts with.
            let min = count(ctx, elastic, "minReplicas");
            let max = count(ctx, elastic, "maxReplicas");
            if min.is_some() || max.is_some() {
                let floor = min.as_ref().map_or(scaling.min, |(v, _)| *v);
                let ceiling = max.as_ref().map(|(v, _)| (*v).max(floor));
                let baseline = scaling.min.max(floor).min(ceiling.unwrap_or(u32::MAX));
                scaling = Scaling {
                    keep_alive_s: None,
                    concurrency: None,
                    min: baseline,
                    max: ceiling.or(scaling.max).map(|m| m.max(baseline)),
                    min_location: scaling.min_location.or(min.map(|(_, at)| at)),
                    basis: format!(
                        "{role_name}.replicas {baseline} (elasticPolicy minReplicas {floor}, maxReplicas {}: it may shrink to {floor} when nodes are lost)",
                        ceiling.map_or("unbounded".into(), |m| m.to_string())
                    ),
                };
            }
        }
        let role = Role {
            role: Some(role_name.to_ascii_lowercase()),
            pod_spec,
            extra_containers: Vec::new(),
            template_annotations: template.path(&["metadata", "annotations"]),
            containers: None,
            scaling,
            run_to_completion: true,
            purpose: Some((
                Purpose::Training,
                format!("a Kubeflow {} trains a model", object.kind),
            )),
            scale_target: None,
            notes: Vec::new(),
        };
        push_workload(ctx, object, role, out);
    }
}

fn ray(ctx: &mut Ctx<'_>, object: &Object<'_>, cluster: NodeRef<'_>, out: &mut Extraction) {
    let autoscaling = cluster
        .get("enableInTreeAutoscaling")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let (purpose, run_to_completion) = match object.kind {
        "RayService" => (
            Some((
                Purpose::Inference,
                "a RayService serves requests".to_string(),
            )),
            false,
        ),
        "RayJob" => (
            Some((Purpose::Batch, "a RayJob runs to completion".to_string())),
            object
                .root
                .path(&["spec", "shutdownAfterJobFinishes"])
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        ),
        _ => (None, false),
    };
    if let Some(template) = cluster.path(&["headGroupSpec", "template"]) {
        if let Some(pod_spec) = template.get("spec") {
            let mut role = simple_role(
                pod_spec,
                Some(template),
                Scaling::fixed(1, "the Ray head is one pod", None),
            );
            role.role = Some("head".into());
            role.scale_target = None;
            role.purpose.clone_from(&purpose);
            role.run_to_completion = run_to_completion;
            push_workload(ctx, object, role, out);
        }
    }
    for (index, group) in cluster
        .get("workerGroupSpecs")
        .iter()
        .flat_map(|g| g.items())
        .enumerate()
    {
        let Some((template, pod_spec)) = pod_template(group) else {
            continue;
        };
        let group_name = group
            .get("groupName")
            .and_then(|n| n.as_text())
            .map_or_else(|| format!("group-{index}"), str::to_string);
        let replicas = count(ctx, group, "replicas");
        let min = count(ctx, group, "minReplicas");
        let max = count(ctx, group, "maxReplicas");
        // A multi-host group (a TPU slice) is numOfHosts pods per replica.
        let hosts = count(ctx, group, "numOfHosts").map_or(1, |(v, _)| v.max(1));
        let mut scaling = if autoscaling {
            let min_value = min.as_ref().map_or(0, |(v, _)| *v);
            let min_absent = min.is_none();
            let max_value = max.as_ref().map(|(v, _)| (*v).max(min_value));
            Scaling {
                keep_alive_s: None,
                concurrency: None,
                min: min_value,
                max: max_value,
                min_location: Some(min.map_or_else(|| ctx.first_line(group), |(_, at)| at)),
                basis: format!(
                    "Ray autoscaling: minReplicas {min_value}{}, maxReplicas {}",
                    if min_absent { " (absent, so 0)" } else { "" },
                    max_value.map_or("unbounded".into(), |m| m.to_string())
                ),
            }
        } else {
            match replicas {
                Some((value, at)) => Scaling::fixed(
                    value,
                    "workerGroupSpecs[].replicas (autoscaling off)",
                    Some(at),
                ),
                None => Scaling::fixed(
                    0,
                    "workerGroupSpecs[].replicas (absent, KubeRay's default 0; autoscaling off)",
                    Some(ctx.first_line(group)),
                ),
            }
        };
        if hosts > 1 {
            scaling.min = scaling.min.saturating_mul(hosts);
            scaling.max = scaling.max.map(|max| max.saturating_mul(hosts));
            scaling.basis = format!("{} x numOfHosts {hosts} pods per replica", scaling.basis);
        }
        let mut role = simple_role(pod_spec, Some(template), scaling);
        role.role = Some(format!("worker/{group_name}"));
        role.scale_target = None;
        role.purpose.clone_from(&purpose);
        role.run_to_completion = run_to_completion;
        push_workload(ctx, object, role, out);
    }
}

fn leader_worker_set(
    ctx: &mut Ctx<'_>,
    object: &Object<'_>,
    spec: NodeRef<'_>,
    out: &mut Extraction,
) {
    let Some(lws) = spec.get("leaderWorkerTemplate") else {
        return;
    };
    let groups = count(ctx, spec, "replicas");
    let size = count(ctx, lws, "size").map_or(1, |(v, _)| v.max(1));
    let group_count = groups.as_ref().map_or(1, |(v, _)| *v);
    let groups_at = groups.map(|(_, at)| at);
    let worker_template = lws.get("workerTemplate");
    let leader_template = lws.get("leaderTemplate").or(worker_template);
    let roles = [
        ("leader", leader_template, 1),
        ("worker", worker_template, size - 1),
    ];
    for (role_name, template, per_group) in roles {
        let (Some(template), true) = (template, per_group > 0) else {
            continue;
        };
        let Some(pod_spec) = template.get("spec") else {
            continue;
        };
        let scaling = Scaling::fixed(
            group_count.saturating_mul(per_group),
            format!("{group_count} group(s) x {per_group} {role_name} pod(s) (spec.replicas x leaderWorkerTemplate.size)"),
            groups_at.clone(),
        );
        let mut role = simple_role(pod_spec, Some(template), scaling);
        role.role = Some(role_name.into());
        role.scale_target = Some(per_group);
        push_workload(ctx, object, role, out);
    }
}

/// Any other kind: every pod spec (a mapping with a `containers` list)
/// becomes a workload, with the nearest enclosing `replicas` as its count.
fn generic(ctx: &mut Ctx<'_>, object: &Object<'_>, out: &mut Extraction) {
    const MAX_POD_SPECS: usize = 64;
    struct Found<'a> {
        path: Vec<String>,
        spec: NodeRef<'a>,
        replicas: Option<(u32, Location)>,
    }
    let mut found: Vec<Found<'_>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    type Pending<'a> = (NodeRef<'a>, Vec<String>, Option<(u32, Location)>);
    let mut stack: Vec<Pending<'_>> = vec![(object.root, Vec::new(), None)];
    while let Some((node, path, replicas)) = stack.pop() {
        if !seen.insert(node.id()) || found.len() >= MAX_POD_SPECS || path.len() > 32 {
            continue;
        }
        if node.is_sequence() {
            for (index, item) in node.items().enumerate() {
                let label = item
                    .get("name")
                    .and_then(|n| n.as_text())
                    .map_or_else(|| index.to_string(), str::to_string);
                let mut child = path.clone();
                child.push(label);
                stack.push((item, child, replicas.clone()));
            }
            continue;
        }
        if !node.is_mapping() {
            continue;
        }
        let replicas = node
            .get("replicas")
            .and_then(|r| r.as_u64())
            .and_then(|r| u32::try_from(r).ok())
            .map(|r| {
                (
                    r,
                    node.entry("replicas")
                        .map_or_else(|| ctx.location(node), |(k, _)| ctx.location(k)),
                )
            })
            .or(replicas);
        if node.get("containers").is_some_and(|c| c.is_sequence()) && !path.is_empty() {
            found.push(Found {
                path,
                spec: node,
                replicas,
            });
            continue;
        }
        for (key, value) in node.entries() {
            let Some(key) = key.as_text() else {
                continue;
            };
            if path.is_empty() && (key == "metadata" || key == "status") {
                continue;
            }
            let mut child = path.clone();
            child.push(key.to_string());
            stack.push((value, child, replicas.clone()));
        }
    }
    if found.is_empty() {
        unmodeled_accelerator(ctx, object, out);
        return;
    }
    found.sort_by_key(|f| f.spec.start());
    let single = found.len() == 1;
    for Found {
        path,
        spec,
        replicas,
    } in found
    {
        let role_path: Vec<&str> = path
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "spec")
            .collect();
        let role_name = (!single && !role_path.is_empty()).then(|| role_path.join("."));
        let scaling = match replicas {
            Some((count, at)) => {
                Scaling::fixed(count, "the nearest enclosing replicas field", Some(at))
            }
            None => Scaling::fixed(1, "no replicas field encloses the pod template, so 1", None),
        };
        let mut role = simple_role(spec, None, scaling);
        role.role = role_name;
        role.scale_target = None;
        role.notes.push(format!(
            "{} is not a kind tcolint models; its pod template at {} was read generically",
            object.kind,
            path.join(".")
        ));
        push_workload(ctx, object, role, out);
    }
}

/// A replica count or autoscaling bounds that `Scaling` reads from one
/// place: `min`/`max` keys of `map`, `min` defaulting to `min_default`.
fn bounds(
    ctx: &mut Ctx<'_>,
    map: NodeRef<'_>,
    (min_key, max_key): (&str, &str),
    min_default: u32,
    what: &str,
) -> Scaling {
    let min = count(ctx, map, min_key);
    let max = count(ctx, map, max_key).map(|(v, _)| v);
    let min_value = min.as_ref().map_or(min_default, |(v, _)| *v);
    let min_absent = min.is_none();
    let max_value = max.map(|v| v.max(min_value));
    Scaling {
        keep_alive_s: None,
        concurrency: None,
        min: min_value,
        max: max_value,
        min_location: Some(min.map_or_else(|| ctx.first_line(map), |(_, at)| at)),
        basis: format!(
            "{what}.{min_key} {min_value}{}, {max_key} {}",
            if min_absent {
                format!(" (absent, so {min_default})")
            } else {
                String::new()
            },
            max_value.map_or("unbounded".into(), |m| m.to_string())
        ),
    }
}

/// Multiplies replica bounds by the pods each replica is.
fn times_pods(mut scaling: Scaling, pods: u32, why: &str) -> Scaling {
    if pods != 1 {
        scaling.min = scaling.min.saturating_mul(pods);
        scaling.max = scaling.max.map(|max| max.saturating_mul(pods));
        scaling.basis = format!("{} x {pods} {why}", scaling.basis);
    }
    scaling
}

/// Volcano `batch.volcano.sh` Job: one workload per task, `replicas` pods
/// each (absent means 0, as Volcano's API has it); runs to completion.
fn volcano_job(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    for (index, task) in spec
        .get("tasks")
        .iter()
        .flat_map(|tasks| tasks.items())
        .enumerate()
    {
        let Some((template, pod_spec)) = pod_template(task) else {
            continue;
        };
        // Volcano's admission webhook names an unnamed task default<index>.
        let task_name = task
            .get("name")
            .and_then(|n| n.as_text())
            .map_or_else(|| format!("default{index}"), str::to_string);
        let scaling = match count(ctx, task, "replicas") {
            Some((replicas, at)) => {
                Scaling::fixed(replicas, format!("tasks[{task_name}].replicas"), Some(at))
            }
            None => Scaling::fixed(
                0,
                format!("tasks[{task_name}].replicas (absent, so 0)"),
                Some(ctx.first_line(task)),
            ),
        };
        let mut role = simple_role(pod_spec, Some(template), scaling);
        role.role = Some(task_name);
        role.scale_target = None;
        role.run_to_completion = true;
        role.purpose = Some(if names_training(&object.name) {
            (
                Purpose::Training,
                format!("Volcano Job {} is named like a training run", object.name),
            )
        } else {
            (
                Purpose::Batch,
                "a Volcano Job runs to completion".to_string(),
            )
        });
        push_workload(ctx, object, role, out);
    }
}

/// KServe `LLMInferenceService` (v1alpha1, v1alpha2): the main workload
/// and, when set, the separately scaled `prefill` pool. Each has
/// `replicas` (or `scaling.minReplicas`/`maxReplicas`) and a `template`;
/// a `worker` makes it multi-node: a LeaderWorkerSet of
/// `parallelism.data / dataLocal` (else `pipeline`) pods per replica, the
/// leader from `template`, the others from `worker` (KServe
/// `ParallelismSpec.GetSize`).
fn llm_inference_service(
    ctx: &mut Ctx<'_>,
    object: &Object<'_>,
    spec: NodeRef<'_>,
    out: &mut Extraction,
) {
    struct Pool<'a> {
        role: String,
        pod_spec: NodeRef<'a>,
        annotations: Option<NodeRef<'a>>,
        scaling: Scaling,
    }
    let mut pools: Vec<Pool<'_>> = Vec::new();
    let parts = [("", Some(spec)), ("prefill.", spec.get("prefill"))];
    for (prefix, workload) in parts {
        let Some(workload) = workload.filter(|w| w.is_mapping()) else {
            continue;
        };
        let what = if prefix.is_empty() { "spec" } else { "prefill" };
        let replicas = match workload.get("scaling").filter(|s| s.is_mapping()) {
            Some(scaling) => bounds(
                ctx,
                scaling,
                ("minReplicas", "maxReplicas"),
                1,
                &format!("{what}.scaling"),
            ),
            None => match count(ctx, workload, "replicas") {
                Some((v, at)) => Scaling::fixed(v, format!("{what}.replicas"), Some(at)),
                None => Scaling::fixed(1, format!("{what}.replicas (absent, so 1)"), None),
            },
        };
        let template = workload.get("template").filter(|t| t.is_mapping());
        let worker = workload.get("worker").filter(|w| w.is_mapping());
        let annotations = workload.get("annotations");
        let Some(worker) = worker else {
            if let Some(template) = template {
                pools.push(Pool {
                    role: format!("{prefix}template"),
                    pod_spec: template,
                    annotations,
                    scaling: replicas,
                });
            }
            continue;
        };
        let size = group_size(ctx, workload.get("parallelism"));
        let (leader, workers_per_group) = match template {
            Some(template) => (Some(template), size.0 - 1),
            None => (None, size.0),
        };
        if let Some(leader) = leader {
            pools.push(Pool {
                role: format!("{prefix}template"),
                pod_spec: leader,
                annotations,
                scaling: Scaling {
                    keep_alive_s: None,
                    concurrency: None,
                    basis: format!("{} (one leader pod per replica)", replicas.basis),
                    ..replicas.clone()
                },
            });
        }
        if workers_per_group > 0 {
            pools.push(Pool {
                role: format!("{prefix}worker"),
                pod_spec: worker,
                annotations,
                scaling: {
                    let mut scaling = times_pods(replicas, workers_per_group, "worker pods");
                    scaling.basis = format!(
                        "{} ({workers_per_group} worker pod(s) per replica: {})",
                        scaling.basis, size.1
                    );
                    scaling
                },
            });
        }
    }
    if spec.get("baseRefs").is_some() {
        ctx.note_once("baseRefs: settings inherited from LLMInferenceServiceConfig objects are merged by the KServe controller and not read here");
    }
    let single = pools.len() == 1;
    for pool in pools {
        let mut role = simple_role(pool.pod_spec, None, pool.scaling);
        role.template_annotations = pool.annotations;
        role.role = (!single).then_some(pool.role);
        role.scale_target = None;
        role.purpose = Some((
            Purpose::Inference,
            "a KServe LLMInferenceService serves a model".into(),
        ));
        push_workload(ctx, object, role, out);
    }
}

/// Pods per replica of a multi-node LLMInferenceService, and why: KServe's
/// `ParallelismSpec.GetSize` (data / dataLocal, at least 1, when data
/// parallel; else pipeline), or LeaderWorkerSet's default of 1.
fn group_size(ctx: &mut Ctx<'_>, parallelism: Option<NodeRef<'_>>) -> (u32, String) {
    let Some(parallelism) = parallelism.filter(|p| p.is_mapping()) else {
        return (1, "no parallelism, so 1 pod".into());
    };
    let data = count(ctx, parallelism, "data").map(|(v, _)| v);
    let data_local = count(ctx, parallelism, "dataLocal").map(|(v, _)| v);
    let pipeline = count(ctx, parallelism, "pipeline").map(|(v, _)| v);
    if data.unwrap_or(0) > 0 || data_local.unwrap_or(0) > 0 {
        let data = data.unwrap_or(1).max(1);
        let local = data_local.unwrap_or(1).max(1);
        let size = (data / local).max(1);
        return (
            size,
            format!("parallelism.data {data} / dataLocal {local} = {size} pods per replica"),
        );
    }
    match pipeline.filter(|p| *p > 0) {
        Some(pipeline) => (
            pipeline,
            format!("parallelism.pipeline {pipeline} pods per replica"),
        ),
        None => (1, "no data or pipeline parallelism, so 1 pod".into()),
    }
}

/// NVIDIA NIM operator `NIMService`: one container from `spec.image` and
/// `spec.resources`, placed by `spec.nodeSelector`/`affinity`; replicas
/// from `spec.replicas`, or `scale.hpa.minReplicas`/`maxReplicas` when
/// `scale.enabled`; a multi-node service is `multiNode.parallelism.pipeline`
/// pods per replica, each with the same resources.
fn nim_service(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let autoscaled = spec
        .path(&["scale", "enabled"])
        .and_then(|e| e.as_bool())
        .unwrap_or(false);
    let hpa = spec.path(&["scale", "hpa"]).filter(|h| h.is_mapping());
    let scaling = match (autoscaled, hpa) {
        (true, Some(hpa)) => bounds(ctx, hpa, ("minReplicas", "maxReplicas"), 1, "scale.hpa"),
        _ => match count(ctx, spec, "replicas") {
            Some((v, at)) => Scaling::fixed(v, "spec.replicas", Some(at)),
            None => Scaling::fixed(1, "spec.replicas (absent, so 1)", None),
        },
    };
    let pipeline = spec
        .path(&["multiNode", "parallelism"])
        .and_then(|p| count(ctx, p, "pipeline"))
        .map_or(1, |(v, _)| v.max(1));
    let scaling = times_pods(
        scaling,
        pipeline,
        "pods per replica (multiNode.parallelism.pipeline)",
    );
    let container = pod::ContainerSpec {
        name: "nim".into(),
        image: image_of(spec.get("image")),
        requests: pod::written_amounts(ctx, spec.path(&["resources", "requests"])),
        limits: pod::written_amounts(ctx, spec.path(&["resources", "limits"])),
        role: pod::ContainerRole::App,
    };
    let mut role = simple_role(spec, None, scaling);
    role.containers = Some(vec![container]);
    role.template_annotations = spec.get("annotations");
    role.scale_target = None;
    role.purpose = Some((Purpose::Inference, "a NIMService serves a model".into()));
    push_workload(ctx, object, role, out);
}

/// `image: {repository, tag}` as `repository:tag`.
fn image_of(image: Option<NodeRef<'_>>) -> Option<String> {
    let image = image?;
    if let Some(text) = image.as_text() {
        return Some(text.to_string());
    }
    let repository = image.get("repository").and_then(|r| r.as_text())?;
    Some(match image.get("tag").and_then(|t| t.as_str()) {
        Some(tag) => format!("{repository}:{tag}"),
        None => repository.to_string(),
    })
}

/// NVIDIA NIM operator `NIMCache`: the operator runs one Job that
/// downloads the model, with `spec.resources.cpu`/`memory` as requests
/// (it asks for no GPU); it runs to completion.
fn nim_cache(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let requests = pod::written_amounts(ctx, spec.get("resources").filter(|r| r.is_mapping()));
    let image = spec
        .path(&["source", "ngc", "modelPuller"])
        .and_then(|i| i.as_text())
        .map(str::to_string);
    let container = pod::ContainerSpec {
        name: "nim-cache".into(),
        image,
        requests,
        limits: Vec::new(),
        role: pod::ContainerRole::App,
    };
    let mut role = simple_role(spec, None, Scaling::fixed(1, "one caching Job pod", None));
    role.containers = Some(vec![container]);
    role.scale_target = None;
    role.run_to_completion = true;
    role.purpose = Some((
        Purpose::Batch,
        "a NIMCache downloads a model in a Job".into(),
    ));
    push_workload(ctx, object, role, out);
}

/// The label Kubeflow Trainer puts on the replicated job that runs the
/// trainer nodes.
const TRAINER_ANCESTOR_LABEL: &str = "trainer.kubeflow.org/trainjob-ancestor-step";

/// Kubeflow Trainer v2 `TrainJob`: `trainer.numNodes` nodes, each with
/// `trainer.resourcesPerNode` and `trainer.image`; what it leaves out
/// comes from the referenced runtime when it is in the scan
/// ([`link_train_jobs`]). Training; runs to completion.
fn train_job(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let trainer = spec.get("trainer").filter(|t| t.is_mapping());
    let nodes = trainer.and_then(|t| count(ctx, t, "numNodes"));
    let nodes_given = nodes.is_some();
    let runtime_kind = spec
        .path(&["runtimeRef", "kind"])
        .and_then(|k| k.as_text())
        .unwrap_or("ClusterTrainingRuntime")
        .to_string();
    let runtime_name = spec
        .path(&["runtimeRef", "name"])
        .and_then(|n| n.as_text())
        .unwrap_or_default()
        .to_string();
    let scaling = match nodes {
        Some((v, at)) => Scaling::fixed(v, "trainer.numNodes", Some(at)),
        None => Scaling::fixed(
            1,
            format!(
                "trainer.numNodes absent and {runtime_kind} {runtime_name} not in the scan, so 1"
            ),
            None,
        ),
    };
    let resources = trainer
        .and_then(|t| t.get("resourcesPerNode"))
        .filter(|r| r.is_mapping())
        .map(|r| {
            (
                pod::written_amounts(ctx, r.get("requests")),
                pod::written_amounts(ctx, r.get("limits")),
            )
        });
    let image = trainer
        .and_then(|t| t.get("image"))
        .and_then(|i| i.as_text())
        .map(str::to_string);
    let (requests, limits) = resources.clone().unwrap_or_default();
    let container = pod::ContainerSpec {
        name: "node".into(),
        image: image.clone(),
        requests,
        limits,
        role: pod::ContainerRole::App,
    };
    // runtimePatches may set the trainer node's nodeSelector and affinity
    // (its pod spec under the replicated job named `node`); they win over
    // the runtime's.
    let patched = spec
        .get("runtimePatches")
        .iter()
        .flat_map(|patches| patches.items())
        .filter_map(|patch| {
            patch.path(&["trainingRuntimeSpec", "template", "spec", "replicatedJobs"])
        })
        .flat_map(|jobs| jobs.items())
        .filter(|job| job.get("name").and_then(|n| n.as_text()) == Some("node"))
        .filter_map(|job| job.path(&["template", "spec", "template", "spec"]))
        .last();
    let mut role = simple_role(patched.unwrap_or(spec), None, scaling);
    role.containers = Some(vec![container]);
    role.scale_target = None;
    role.run_to_completion = true;
    role.purpose = Some((
        Purpose::Training,
        "a Kubeflow TrainJob trains a model".into(),
    ));
    let workload_index = out.workloads.len();
    out.links_mut::<Links>().train_jobs.push(TrainJobLink {
        workload_index,
        runtime_kind,
        runtime_name,
        namespace: object.namespace.clone(),
        nodes_given,
        resources,
        image,
    });
    push_workload(ctx, object, role, out);
}

/// A `ClusterTrainingRuntime` or `TrainingRuntime`: listed as skipped (it
/// runs nothing itself) and kept for the TrainJobs that reference it. The
/// trainer node is the replicated job labelled as the trainer ancestor
/// step, else the one named `node`, else the first that is not an
/// initializer; its container is `node`, else the first.
fn training_runtime(
    ctx: &mut Ctx<'_>,
    object: &Object<'_>,
    spec: NodeRef<'_>,
    out: &mut Extraction,
) {
    skip(
        object,
        "a template TrainJobs run; it runs nothing by itself (its trainer node is read for the TrainJobs that reference it)",
        out,
    );
    let num_nodes = spec
        .get("mlPolicy")
        .and_then(|policy| count(ctx, policy, "numNodes"));
    let jobs: Vec<NodeRef<'_>> = spec
        .path(&["template", "spec", "replicatedJobs"])
        .iter()
        .flat_map(|jobs| jobs.items())
        .collect();
    fn name_of<'a>(job: &NodeRef<'a>) -> &'a str {
        job.get("name").and_then(|n| n.as_text()).unwrap_or("")
    }
    let trainer = jobs
        .iter()
        .find(|job| {
            job.path(&["template", "metadata", "labels", TRAINER_ANCESTOR_LABEL])
                .and_then(|v| v.as_text())
                == Some("trainer")
        })
        .or_else(|| jobs.iter().find(|job| name_of(job) == "node"))
        .or_else(|| {
            jobs.iter()
                .find(|job| !name_of(job).contains("initializer"))
        });
    let pod_spec = trainer.and_then(|job| job.path(&["template", "spec", "template", "spec"]));
    let (containers, placement) = match pod_spec {
        Some(pod_spec) => {
            let listed: Vec<NodeRef<'_>> = pod_spec
                .get("containers")
                .iter()
                .flat_map(|list| list.items())
                .collect();
            let mut containers: Vec<pod::ContainerSpec> = listed
                .iter()
                .map(|node| pod::container_spec(ctx, *node, pod::ContainerRole::App))
                .collect();
            for node in pod_spec
                .get("initContainers")
                .iter()
                .flat_map(|l| l.items())
            {
                let sidecar = node.get("restartPolicy").and_then(|p| p.as_text()) == Some("Always");
                let role = if sidecar {
                    pod::ContainerRole::Sidecar
                } else {
                    pod::ContainerRole::Init
                };
                containers.push(pod::container_spec(ctx, node, role));
            }
            // Report invalid quantities once, here, not per TrainJob.
            let _ = pod::aggregate(&containers, &mut ctx.problems);
            (containers, pod::placement(ctx, pod_spec))
        }
        None => (Vec::new(), crate::model::Placement::default()),
    };
    out.links_mut::<Links>().runtimes.push(TrainingRuntime {
        kind: object.kind.to_string(),
        namespace: if object.kind == "TrainingRuntime" {
            object.namespace.clone()
        } else {
            String::new()
        },
        name: object.name.clone(),
        location: object.location.clone(),
        num_nodes,
        containers,
        placement,
    });
}

/// Completes TrainJobs from the runtimes they reference, across files: the
/// runtime's trainer node supplies the containers (the TrainJob's
/// `resourcesPerNode` and `image` replace the `node` container's), node
/// selectors and affinity, and `mlPolicy.numNodes` when the TrainJob gives
/// no `numNodes`.
pub(super) fn link_train_jobs(extractions: &[&Extraction], patches: &mut Vec<Patch>) {
    let runtimes: Vec<&TrainingRuntime> = extractions
        .iter()
        .filter_map(|e| e.links::<Links>())
        .flat_map(|links| &links.runtimes)
        .collect();
    for (index, extraction) in extractions.iter().enumerate() {
        let train_jobs = extraction
            .links::<Links>()
            .map(|links| links.train_jobs.as_slice())
            .unwrap_or_default();
        for link in train_jobs {
            let runtime = runtimes.iter().find(|runtime| {
                runtime.kind == link.runtime_kind
                    && runtime.name == link.runtime_name
                    && (runtime.namespace.is_empty() || runtime.namespace == link.namespace)
            });
            let (link, runtime) = (link.clone(), runtime.map(|r| TrainingRuntime::clone(r)));
            patches.push(Patch {
                extraction: index,
                workload: link.workload_index,
                apply: Box::new(move |workload| complete_train_job(workload, &link, runtime)),
            });
        }
    }
}

/// Completes one TrainJob's workload from its runtime, if the scan has it.
fn complete_train_job(
    workload: &mut crate::model::Workload,
    link: &TrainJobLink,
    runtime: Option<TrainingRuntime>,
) {
    let Some(runtime) = runtime else {
        if !link.runtime_name.is_empty() {
            workload.notes.push(format!(
                "{} {} is not in the scan: its pod template, node selectors and defaults are unknown",
                link.runtime_kind, link.runtime_name
            ));
        }
        return;
    };
    let mut containers = runtime.containers.clone();
    let node_index = containers
        .iter()
        .position(|c| c.name == "node" && c.role == pod::ContainerRole::App)
        .or_else(|| {
            containers
                .iter()
                .position(|c| c.role == pod::ContainerRole::App)
        });
    match node_index {
        Some(index) => {
            let node = &mut containers[index];
            if let Some((requests, limits)) = &link.resources {
                node.requests.clone_from(requests);
                node.limits.clone_from(limits);
            }
            if let Some(image) = &link.image {
                node.image = Some(image.clone());
            }
        }
        None => {
            let (requests, limits) = link.resources.clone().unwrap_or_default();
            containers.push(pod::ContainerSpec {
                name: "node".into(),
                image: link.image.clone(),
                requests,
                limits,
                role: pod::ContainerRole::App,
            });
        }
    }
    // Problems in these values were reported where they are written.
    let mut ignored = Vec::new();
    workload.compute = pod::aggregate(&containers, &mut ignored);
    if workload.placement.instance_types.is_empty()
        && workload.placement.gpu_models.is_empty()
        && workload.placement.cloud.is_none()
    {
        workload.placement = runtime.placement.clone();
    }
    if !link.nodes_given {
        workload.scaling = match &runtime.num_nodes {
            Some((nodes, at)) => Scaling::fixed(
                *nodes,
                format!("{} {} mlPolicy.numNodes", runtime.kind, runtime.name),
                Some(at.clone()),
            ),
            None => Scaling::fixed(
                1,
                format!(
                    "trainer.numNodes and {} {} mlPolicy.numNodes absent, so 1",
                    runtime.kind, runtime.name
                ),
                None,
            ),
        };
    }
    workload.notes.push(format!(
        "pod template, node selectors and defaults from {} {} at {}",
        runtime.kind, runtime.name, runtime.location
    ));
}

/// An object of a kind tcolint does not model, with no pod template, that
/// still asks for an accelerator somewhere (an operator's own `resources`
/// block): reported once, at the first such request, as GPU003.
fn unmodeled_accelerator(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Extraction) {
    let mut first: Option<(NodeRef<'_>, NodeRef<'_>)> = None;
    let document = object.root.document();
    for (key, value) in object.root.entries() {
        if matches!(
            key.as_text(),
            Some("metadata" | "status" | "apiVersion" | "kind")
        ) {
            continue;
        }
        document.walk(value, |node| {
            for (key, value) in node.entries() {
                let accelerator = key.as_text().is_some_and(pod::is_accelerator);
                let earlier = first.is_some_and(|(k, _)| k.start() <= key.start());
                if accelerator && !earlier {
                    first = Some((key, value));
                }
            }
        });
    }
    if let Some((key, value)) = first {
        out.unmodeled.push(UnmodeledAccelerator {
            object: format!("{} {}/{}", object.kind, object.namespace, object.name),
            resource: key.as_text().unwrap_or_default().to_string(),
            amount: value.as_str().unwrap_or("?").to_string(),
            location: ctx.location(key),
        });
    }
}
