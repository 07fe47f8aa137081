//! A pod spec → what one replica provisions ([`Compute`]) and where it
//! lands ([`Placement`]).
//!
//! Requests are summed the way the scheduler sums them: a container that
//! sets only a limit requests its limit; app containers (and restartable
//! init "sidecar" containers) add up; an ordinary init container runs alone,
//! so the pod needs the larger of the largest init container and the sum.

use std::collections::BTreeMap;

use super::quantity;
use super::Ctx;
use crate::extract::shared::labels::placement_from_labels;
use crate::extract::Problem;
use crate::model::{
    Accelerator, AcceleratorVendor, Compute, ExtendedResource, Placement, Quantity,
};
use crate::parse::yaml::NodeRef;
use crate::source::Location;

/// How the NeuronCores of one Inferentia2 device are counted (EC2
/// DescribeInstanceTypes, as in Karpenter's fixtures: 2 NeuronCore-v2 per inf2 device).
const NEURON_CORES_PER_DEVICE: f64 = 2.0;

/// What one replica provisions and where it lands.
pub struct PodShape {
    /// Requests per replica.
    pub compute: Compute,
    /// Scheduling hints.
    pub placement: Placement,
}

#[derive(Clone)]
struct Amount {
    value: f64,
    location: Location,
}

/// One resource amount as a container writes it.
#[derive(Clone, Debug)]
pub struct Written {
    /// Resource name (`cpu`, `nvidia.com/gpu`).
    pub resource: String,
    /// The quantity as written.
    pub raw: String,
    /// Where the key is (requests point here).
    pub key_location: Location,
    /// Where the value is (invalid quantities point here).
    pub value_location: Location,
}

/// How a container runs relative to the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerRole {
    /// An app container: runs for the pod's life.
    App,
    /// An init container: runs alone, before the app containers.
    Init,
    /// A restartable init container: runs beside the app containers.
    Sidecar,
}

/// A container's name, image and resources, read from any source format
/// (manifests, the Terraform Kubernetes provider).
#[derive(Clone, Debug)]
pub struct ContainerSpec {
    /// Container name.
    pub name: String,
    /// Image, if written.
    pub image: Option<String>,
    /// `resources.requests`.
    pub requests: Vec<Written>,
    /// `resources.limits`.
    pub limits: Vec<Written>,
    /// How it runs.
    pub role: ContainerRole,
}

/// Sums containers into what one replica requests, as the scheduler does.
/// Invalid quantities are returned as problems and otherwise ignored.
pub fn aggregate(containers: &[ContainerSpec], problems: &mut Vec<Problem>) -> Compute {
    let mut compute = Compute::default();
    let mut app_sum: BTreeMap<String, Amount> = BTreeMap::new();
    let mut init_max: BTreeMap<String, Amount> = BTreeMap::new();
    for container in containers {
        if let Some(image) = &container.image {
            compute.images.push(image.clone());
        }
        let effective = effective_requests(container, &mut compute, problems);
        match container.role {
            ContainerRole::App | ContainerRole::Sidecar => add_into(&mut app_sum, effective),
            ContainerRole::Init => {
                for (resource, amount) in effective {
                    keep_larger(&mut init_max, resource, amount);
                }
            }
        }
    }
    let mut pod = app_sum;
    for (resource, amount) in init_max {
        keep_larger(&mut pod, resource, amount);
    }
    for (resource, amount) in &pod {
        match resource.as_str() {
            "cpu" => compute.cpu_per_replica = amount.value,
            "memory" => compute.memory_gib_per_replica = amount.value / 1024f64.powi(3),
            _ => {
                if let Some(accelerator) = accelerator(resource, amount) {
                    compute.accelerators.push(accelerator);
                }
            }
        }
    }
    compute
}

fn keep_larger(map: &mut BTreeMap<String, Amount>, resource: String, amount: Amount) {
    let entry = map.entry(resource).or_insert_with(|| Amount {
        value: 0.0,
        location: amount.location.clone(),
    });
    if amount.value > entry.value {
        *entry = amount;
    }
}

/// Reads a pod spec (the object with `containers`).
///
/// `extra_containers` are container specs that live outside `containers`
/// (a KServe predictor's `model:` or `pytorch:` block).
pub fn pod_shape(
    ctx: &mut Ctx<'_>,
    spec: NodeRef<'_>,
    extra_containers: &[NodeRef<'_>],
) -> PodShape {
    let listed: Vec<NodeRef<'_>> = spec
        .get("containers")
        .iter()
        .flat_map(|list| list.items())
        .collect();
    if listed.is_empty() && extra_containers.is_empty() {
        ctx.note_once("the pod template has no containers, so it requests nothing");
    }
    let mut containers: Vec<ContainerSpec> = listed
        .into_iter()
        .chain(extra_containers.iter().copied())
        .map(|node| container_spec(ctx, node, ContainerRole::App))
        .collect();
    for node in spec.get("initContainers").iter().flat_map(|l| l.items()) {
        let sidecar = node.get("restartPolicy").and_then(|p| p.as_text()) == Some("Always");
        let role = if sidecar {
            ContainerRole::Sidecar
        } else {
            ContainerRole::Init
        };
        containers.push(container_spec(ctx, node, role));
    }
    let compute = aggregate(&containers, &mut ctx.problems);
    PodShape {
        compute,
        placement: placement(ctx, spec),
    }
}

/// What one replica provisions when the containers are built by the
/// caller (an operator's resource block rather than a pod template), with
/// placement read from `placement_spec` (`nodeSelector`, `affinity`).
pub fn shape_from(
    ctx: &mut Ctx<'_>,
    placement_spec: NodeRef<'_>,
    containers: &[ContainerSpec],
) -> PodShape {
    let compute = aggregate(containers, &mut ctx.problems);
    PodShape {
        compute,
        placement: placement(ctx, placement_spec),
    }
}

/// The amounts of a `requests` or `limits` mapping.
pub(super) fn written_amounts(ctx: &Ctx<'_>, map: Option<NodeRef<'_>>) -> Vec<Written> {
    map.iter()
        .flat_map(|map| map.entries())
        .filter_map(|(key, value)| {
            Some(Written {
                resource: key.as_text()?.to_string(),
                raw: value.as_str().unwrap_or_default().to_string(),
                key_location: ctx.location(key),
                value_location: ctx.location(value),
            })
        })
        .collect()
}

fn add_into(sum: &mut BTreeMap<String, Amount>, amounts: BTreeMap<String, Amount>) {
    for (resource, amount) in amounts {
        sum.entry(resource)
            .and_modify(|total| total.value += amount.value)
            .or_insert(amount);
    }
}

/// A container node of a manifest as a [`ContainerSpec`].
pub(super) fn container_spec(
    ctx: &Ctx<'_>,
    container: NodeRef<'_>,
    role: ContainerRole,
) -> ContainerSpec {
    let written = |section: &str| written_amounts(ctx, container.path(&["resources", section]));
    ContainerSpec {
        name: container
            .get("name")
            .and_then(|n| n.as_text())
            .unwrap_or("(unnamed)")
            .to_string(),
        image: container
            .get("image")
            .and_then(|i| i.as_text())
            .map(str::to_string),
        requests: written("requests"),
        limits: written("limits"),
        role,
    }
}

/// One container's effective requests (request, else limit), recording its
/// extended-resource pairs on the way.
fn effective_requests(
    container: &ContainerSpec,
    compute: &mut Compute,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Amount> {
    let mut parse = |written: &Written| -> Option<Amount> {
        match quantity::parse(&written.raw) {
            Ok(value) => Some(Amount {
                value,
                location: written.key_location.clone(),
            }),
            Err(reason) => {
                problems.push(Problem {
                    message: format!("invalid quantity for {}: {reason}", written.resource),
                    location: written.value_location.clone(),
                });
                None
            }
        }
    };
    let mut effective = BTreeMap::new();
    // Requests come second, so they win over limits.
    for written in container.limits.iter().chain(container.requests.iter()) {
        if let Some(amount) = parse(written) {
            effective.insert(written.resource.clone(), amount);
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for written in container.requests.iter().chain(container.limits.iter()) {
        if !is_extended(&written.resource) || seen.contains(&written.resource.as_str()) {
            continue;
        }
        seen.push(&written.resource);
        let find = |list: &[Written]| {
            list.iter()
                .find(|w| w.resource == written.resource)
                .map(|w| Quantity {
                    text: w.raw.clone(),
                    value: quantity::parse(&w.raw).ok(),
                    location: w.key_location.clone(),
                })
        };
        compute.extended_resources.push(ExtendedResource {
            resource: written.resource.clone(),
            container: container.name.clone(),
            request: find(&container.requests),
            limit: find(&container.limits),
        });
    }
    effective
}

/// Extended resources live outside the `kubernetes.io` domain; the API
/// server only accepts them with request equal to limit.
fn is_extended(resource: &str) -> bool {
    match resource.split_once('/') {
        Some((domain, _)) => domain != "kubernetes.io" && !domain.ends_with(".kubernetes.io"),
        None => false,
    }
}

/// Whether a resource name is an accelerator tcolint counts.
pub fn is_accelerator(resource: &str) -> bool {
    devices_per_unit(resource).is_some()
}

/// Who makes the accelerator a resource name asks for, and how units
/// convert to whole devices (`units * numerator / denominator`).
fn devices_per_unit(resource: &str) -> Option<(AcceleratorVendor, f64, f64)> {
    Some(match resource {
        "nvidia.com/gpu" => (AcceleratorVendor::Nvidia, 1.0, 1.0),
        "amd.com/gpu" => (AcceleratorVendor::Amd, 1.0, 1.0),
        "gpu.intel.com/i915" | "gpu.intel.com/xe" => (AcceleratorVendor::Intel, 1.0, 1.0),
        "aws.amazon.com/neuron" | "aws.amazon.com/neurondevice" => {
            (AcceleratorVendor::Aws, 1.0, 1.0)
        }
        "aws.amazon.com/neuroncore" => (AcceleratorVendor::Aws, 1.0, NEURON_CORES_PER_DEVICE),
        "google.com/tpu" => (AcceleratorVendor::Google, 1.0, 1.0),
        _ => {
            // MIG slices: `nvidia.com/mig-<g>g.<memory>gb` is g of 7 compute slices.
            let profile = resource.strip_prefix("nvidia.com/mig-")?;
            let slices: f64 = profile.split_once('g')?.0.parse().ok()?;
            (AcceleratorVendor::Nvidia, slices, 7.0)
        }
    })
}

fn accelerator(resource: &str, amount: &Amount) -> Option<Accelerator> {
    let units = amount.value;
    let (vendor, numerator, denominator) = devices_per_unit(resource)?;
    (units > 0.0).then(|| Accelerator {
        resource: resource.to_string(),
        from_instance_type: false,
        vendor,
        devices: units * numerator / denominator,
        units,
        location: amount.location.clone(),
    })
}

/// Scheduling hints from `nodeSelector` and required node affinity.
pub(super) fn placement(ctx: &mut Ctx<'_>, spec: NodeRef<'_>) -> Placement {
    let mut labels: Vec<(String, Vec<(String, Location)>)> = Vec::new();
    if let Some(selector) = spec.get("nodeSelector") {
        for (key, value) in selector.entries() {
            if let (Some(key_text), Some(value_text)) = (key.as_text(), value.as_text()) {
                labels.push((
                    key_text.to_string(),
                    vec![(value_text.to_string(), ctx.location(value))],
                ));
            }
        }
    }
    let terms = spec.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ]);
    for term in terms.iter().flat_map(|t| t.items()) {
        for expression in term.get("matchExpressions").iter().flat_map(|e| e.items()) {
            let key = expression.get("key").and_then(|k| k.as_text());
            let operator = expression.get("operator").and_then(|o| o.as_text());
            let (Some(key), Some("In")) = (key, operator) else {
                continue;
            };
            let values: Vec<(String, Location)> = expression
                .get("values")
                .iter()
                .flat_map(|v| v.items())
                .filter_map(|v| v.as_text().map(|text| (text.to_string(), ctx.location(v))))
                .collect();
            if !values.is_empty() {
                labels.push((key.to_string(), values));
            }
        }
    }

    placement_from_labels(labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cloud, Hint};
    use crate::parse::yaml::{parse_stream, Limits};
    use crate::source::SourceFile;

    fn shape(yaml: &str) -> (PodShape, Vec<String>) {
        let source = SourceFile::new("pod.yaml", yaml);
        let docs = parse_stream(yaml, &Limits::default());
        let doc = docs.into_iter().next().unwrap().unwrap();
        let mut ctx = Ctx::new(&source);
        let shape = pod_shape(&mut ctx, doc.root(), &[]);
        let problems = ctx.problems.iter().map(|p| p.message.clone()).collect();
        (shape, problems)
    }

    #[test]
    fn init_containers_run_alone_and_limits_default_requests() {
        let (shape, problems) = shape(
            "initContainers:\n\
             - name: fetch\n  resources: {requests: {cpu: '8', memory: 2Gi}}\n\
             containers:\n\
             - name: a\n  resources: {requests: {cpu: 500m, memory: 1Gi}}\n\
             - name: b\n  resources: {limits: {cpu: '2', memory: 3Gi, nvidia.com/gpu: 2}}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(shape.compute.cpu_per_replica, 8.0);
        assert_eq!(shape.compute.memory_gib_per_replica, 4.0);
        let gpu = shape.compute.main_accelerator().unwrap();
        assert_eq!(
            (gpu.resource.as_str(), gpu.devices),
            ("nvidia.com/gpu", 2.0)
        );
        assert_eq!(gpu.location.line, 8);
    }

    #[test]
    fn sidecars_add_to_the_app_containers() {
        let (shape, _) = shape(
            "initContainers:\n\
             - name: proxy\n  restartPolicy: Always\n  resources: {requests: {cpu: '1'}}\n\
             containers:\n- name: a\n  resources: {requests: {cpu: '2'}}\n",
        );
        assert_eq!(shape.compute.cpu_per_replica, 3.0);
    }

    #[test]
    fn extended_resources_keep_request_and_limit() {
        let (shape, _) = shape(
            "containers:\n- name: a\n  resources:\n    requests:\n      nvidia.com/gpu: 2\n    limits:\n      nvidia.com/gpu: 1\n      cpu: 1\n",
        );
        let pair = &shape.compute.extended_resources[0];
        assert_eq!(pair.resource, "nvidia.com/gpu");
        let request = pair.request.clone().unwrap();
        let at = &request.location;
        assert_eq!((request.text.as_str(), at.line, at.column), ("2", 5, 7));
        assert_eq!(request.value, Some(2.0));
        assert_eq!(pair.limit.clone().unwrap().text, "1");
        assert_eq!(shape.compute.accelerators[0].devices, 2.0);
    }

    #[test]
    fn accelerators_of_every_vendor() {
        let (shape, _) = shape(
            "containers:\n- resources:\n    limits:\n      nvidia.com/mig-3g.20gb: 2\n      aws.amazon.com/neuroncore: 4\n      google.com/tpu: 8\n      amd.com/gpu: 1\n      gpu.intel.com/i915: 1\n      gpu.intel.com/millicores: 100\n",
        );
        let devices: Vec<(&str, f64)> = shape
            .compute
            .accelerators
            .iter()
            .map(|a| (a.resource.as_str(), a.devices))
            .collect();
        assert_eq!(
            devices,
            vec![
                ("amd.com/gpu", 1.0),
                ("aws.amazon.com/neuroncore", 2.0),
                ("google.com/tpu", 8.0),
                ("gpu.intel.com/i915", 1.0),
                ("nvidia.com/mig-3g.20gb", 2.0 * 3.0 / 7.0),
            ]
        );
    }

    #[test]
    fn invalid_quantities_are_problems_at_the_value() {
        let (shape, problems) = shape(
            "containers:\n- resources:\n    limits:\n      nvidia.com/gpu: ${ACCELERATOR_QUANTITY}\n",
        );
        assert!(shape.compute.accelerators.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("invalid quantity for nvidia.com/gpu"));
    }

    #[test]
    fn hints_from_node_selector_and_required_affinity() {
        let (shape, _) = shape(
            "nodeSelector:\n  cloud.google.com/gke-accelerator: nvidia-l4\n  cloud.google.com/gke-spot: 'true'\n\
             affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: node.kubernetes.io/instance-type\n          operator: In\n          values: [g2-standard-8, g2-standard-4]\n\
             containers: []\n",
        );
        let placement = shape.placement;
        assert_eq!(placement.cloud.unwrap().0, Cloud::Gcp);
        assert!(placement.spot);
        let names = |hint: &Hint| {
            hint.values
                .iter()
                .map(|(v, _)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&placement.gpu_models[0]), vec!["nvidia-l4"]);
        assert_eq!(
            names(&placement.instance_types[0]),
            vec!["g2-standard-8", "g2-standard-4"]
        );
        let (_, at) = &placement.instance_types[0].values[1];
        assert_eq!((at.line, at.column), (11, 35));
    }
}
