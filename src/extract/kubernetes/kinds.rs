//! Which kinds are workloads, where their pod templates are, and what sets
//! their replica counts.

use super::{push_workload, Ctx, Extraction, Object, Role};
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
        _ if is_template_kind(object.kind) => {}
        _ => generic(ctx, object, out),
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
    push_workload(ctx, object, role, out);
}

fn replicated(ctx: &mut Ctx<'_>, object: &Object<'_>, spec: NodeRef<'_>, out: &mut Extraction) {
    let Some((template, pod_spec)) = pod_template(spec) else {
        return;
    };
    let scaling = match count(ctx, spec, "replicas") {
        Some((replicas, at)) => Scaling::fixed(replicas, "spec.replicas", Some(at)),
        None => Scaling::fixed(1, "spec.replicas (absent, so 1)", None),
    };
    push_workload(
        ctx,
        object,
        simple_role(pod_spec, Some(template), scaling),
        out,
    );
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

fn names_training(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["train", "finetun", "fine-tun"]
        .iter()
        .any(|marker| lower.contains(marker))
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
    let scaling = Scaling {
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
        let scaling = Scaling {
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
            let min = count(ctx, elastic, "minReplicas");
            let max = count(ctx, elastic, "maxReplicas");
            if min.is_some() || max.is_some() {
                let min_value = min.as_ref().map_or(scaling.min, |(v, _)| *v);
                let max_value = max.map_or(scaling.max, |(v, _)| Some(v.max(min_value)));
                scaling = Scaling {
                    min: min_value,
                    max: max_value,
                    min_location: min.map(|(_, at)| at).or(scaling.min_location),
                    basis: format!(
                        "elasticPolicy minReplicas {min_value}, maxReplicas {}",
                        max_value.map_or("unbounded".into(), |m| m.to_string())
                    ),
                };
            }
        }
        let role = Role {
            role: Some(role_name.to_ascii_lowercase()),
            pod_spec,
            extra_containers: Vec::new(),
            template_annotations: template.path(&["metadata", "annotations"]),
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
        let scaling = if autoscaling {
            let min_value = min.as_ref().map_or(0, |(v, _)| *v);
            let min_absent = min.is_none();
            let max_value = max.as_ref().map(|(v, _)| (*v).max(min_value));
            Scaling {
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

/// Kinds that hold pod templates for others to run, not running pods.
fn is_template_kind(kind: &str) -> bool {
    kind.ends_with("Runtime") || kind.ends_with("Template") || kind == "PodTemplate"
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
