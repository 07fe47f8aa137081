//! Terraform resource types → [`Workload`]s. Each function knows one
//! provider schema; plans and `.tf` files feed them the same
//! [`Attributes`], so both forms price identically.

use super::values::{Attr, View};
use super::ResourceInstance;
use crate::catalog::normalize_region;
use crate::extract::kubernetes::pod::{aggregate, ContainerRole, ContainerSpec, Written};
use crate::extract::shared::labels::placement_from_labels;
use crate::extract::Problem;
use crate::model::{
    Accelerator, AcceleratorVendor, Billing, Cloud, FunctionSetting, FunctionSpec, Hint, Platform,
    Purpose, Scaling, Service, Workload,
};
use crate::source::Location;

/// The resource types this module reads.
pub const SUPPORTED: [&str; 28] = [
    "aws_instance",
    "aws_autoscaling_group",
    "aws_eks_node_group",
    "aws_eks_cluster",
    "aws_lambda_function",
    "aws_lambda_provisioned_concurrency_config",
    "aws_sagemaker_endpoint_configuration",
    "aws_batch_compute_environment",
    "google_compute_instance",
    "google_container_node_pool",
    "google_container_cluster",
    "google_cloud_run_v2_service",
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool",
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "aws_launch_template",
    "azurerm_virtual_machine",
    "google_cloudfunctions_function",
    "google_cloudfunctions2_function",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_function_app_flex_consumption",
    "azurerm_function_app",
    "azurerm_service_plan",
    "azurerm_app_service_plan",
];

/// Other resources of the same configuration a mapper may need: launch
/// templates for Auto Scaling groups, clusters for AKS node pools.
pub struct Related<'a> {
    /// Every instance of the configuration (or plan).
    pub instances: &'a [ResourceInstance],
}

impl<'a> Related<'a> {
    /// The instance at `address` (module-qualified), if any.
    fn find(&self, address: &str) -> Option<&'a ResourceInstance> {
        self.instances
            .iter()
            .find(|i| i.address == address || i.address.starts_with(&format!("{address}[")))
    }

    /// The instance referenced by `path` of `instance`, if the reference is known.
    pub(super) fn referenced(
        &self,
        instance: &ResourceInstance,
        path: &str,
        resource_type: &str,
    ) -> Option<&'a ResourceInstance> {
        instance
            .references
            .get(path)?
            .iter()
            // `module.a.aws_launch_template.x` → its type is the second-last part.
            .filter(|address| address.rsplit('.').nth(1) == Some(resource_type))
            .find_map(|address| self.find(address))
    }
}

/// Maps one resource instance to its workloads.
pub fn workloads(
    instance: &ResourceInstance,
    related: &Related<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Workload> {
    let view = instance.attributes.view();
    match instance.resource_type.as_str() {
        "aws_instance" => vec![aws_instance(instance, &view)],
        "aws_autoscaling_group" => vec![aws_autoscaling_group(instance, &view, related)],
        "aws_eks_node_group" => vec![aws_eks_node_group(instance, &view, related)],
        "aws_eks_cluster" => vec![service(
            instance,
            Platform::AwsEks,
            Cloud::Aws,
            Service::EksControlPlane,
            None,
        )],
        "aws_lambda_function" => vec![aws_lambda_function(instance, &view, related)],
        "aws_sagemaker_endpoint_configuration" => aws_sagemaker(instance, &view),
        "aws_batch_compute_environment" => aws_batch(instance, &view).into_iter().collect(),
        "google_compute_instance" => vec![google_compute_instance(instance, &view)],
        "google_container_node_pool" => {
            let region = gcp_region(instance, &view, "location");
            vec![gke_pool(
                instance,
                &view,
                instance.address.clone(),
                region,
                false,
            )]
        }
        "google_container_cluster" => google_container_cluster(instance, &view),
        "google_cloud_run_v2_service" => vec![cloud_run(instance, &view, problems)],
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => {
            vec![azure_vm(instance, &view)]
        }
        "azurerm_kubernetes_cluster" => azure_aks(instance, &view),
        "azurerm_kubernetes_cluster_node_pool" => vec![azure_aks_pool(instance, &view, related)],
        "google_cloudfunctions2_function" => {
            vec![super::functions::cloud_functions_gen2(
                instance, &view, problems,
            )]
        }
        "google_cloudfunctions_function" => {
            vec![super::functions::cloud_functions_gen1(instance, &view)]
        }
        "azurerm_linux_function_app" | "azurerm_windows_function_app" | "azurerm_function_app" => {
            vec![super::functions::azure_function_app(
                instance, &view, related,
            )]
        }
        "azurerm_function_app_flex_consumption" => {
            vec![super::functions::azure_flex(instance, &view)]
        }
        "kubernetes_deployment" | "kubernetes_deployment_v1" => {
            kubernetes_deployment(instance, &view, problems)
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

fn base(instance: &ResourceInstance, id: String, platform: Platform, billing: Billing) -> Workload {
    let mut workload = Workload::new(
        id,
        instance.resource_type.clone(),
        platform,
        instance.attributes.block_location.clone(),
        billing,
    );
    workload.suppressions = instance.suppressions.clone();
    workload
}

/// Sets the instance-type hint from `key` of `view`, or says why it is unknown.
fn instance_type(workload: &mut Workload, view: &View<'_>, key: &str, default: Option<&str>) {
    match view.string(key) {
        Attr::Known(name) => workload.placement.instance_types.push(Hint {
            key: key.to_string(),
            values: vec![(name, view.value_location(key))],
        }),
        Attr::Unknown(reason) => {
            workload.placement.unpriced_reason =
                Some(format!("{key} is not known before apply ({reason})"));
        }
        Attr::Absent => match default {
            Some(name) => {
                workload.placement.instance_types.push(Hint {
                    key: key.to_string(),
                    values: vec![(name.to_string(), view.location(key))],
                });
                workload.notes.push(format!(
                    "{key} is not set; the provider's default {name} applies"
                ));
            }
            None => workload.placement.unpriced_reason = Some(format!("{key} is not set")),
        },
    }
}

pub(super) fn region(workload: &mut Workload, cloud: Cloud, region: Option<String>) {
    workload.placement.cloud = Some((cloud, "provider".into()));
    workload.placement.region = region.map(|r| normalize_region(cloud, &r));
}

/// Replica bounds from min/max/desired attributes.
fn bounds(
    view: &View<'_>,
    min_key: &str,
    max_key: &str,
    desired_key: Option<&str>,
    notes: &mut Vec<String>,
) -> Scaling {
    let min = view.count(min_key);
    let max = view.count(max_key);
    let desired = desired_key.map(|key| view.count(key));
    let unknown = |name: &str, attr: &Attr<u32>| {
        if let Attr::Unknown(reason) = attr {
            Some(format!("{name} is unknown ({reason})"))
        } else {
            None
        }
    };
    notes.extend(unknown(min_key, &min));
    notes.extend(unknown(max_key, &max));
    let min_value = min
        .clone()
        .known()
        .or(desired.clone().and_then(Attr::known))
        .unwrap_or(1);
    let max_value = max.clone().known().map(|m| m.max(min_value));
    Scaling {
        keep_alive_s: None,
        concurrency: None,
        min: min_value,
        max: max_value.or(Some(min_value)),
        min_location: Some(view.location(min_key)),
        basis: format!(
            "{min_key} {min_value}, {max_key} {}{}",
            max_value.map_or("not set".into(), |m| m.to_string()),
            desired
                .and_then(Attr::known)
                .map_or(String::new(), |d| format!(", desired {d}"))
        ),
    }
}

fn aws_instance(instance: &ResourceInstance, view: &View<'_>) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AwsEc2,
        Billing::Instances,
    );
    region(&mut workload, Cloud::Aws, instance.provider_region.clone());
    instance_type(&mut workload, view, "instance_type", None);
    if let Some(spot) = spot_market(view) {
        workload.placement.spot = spot;
    }
    workload
}

/// Whether `instance_market_options` asks for spot capacity, when the
/// block is there (an instance's or its launch template's).
fn spot_market(view: &View<'_>) -> Option<bool> {
    let market = view.block("instance_market_options")?;
    Some(
        market
            .string("market_type")
            .known()
            .is_some_and(|m| m == "spot"),
    )
}

fn aws_autoscaling_group(
    instance: &ResourceInstance,
    view: &View<'_>,
    related: &Related<'_>,
) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AwsEc2,
        Billing::Instances,
    );
    region(&mut workload, Cloud::Aws, instance.provider_region.clone());
    workload.pool = true;
    workload.scaling = bounds(
        view,
        "min_size",
        "max_size",
        Some("desired_capacity"),
        &mut workload.notes,
    );
    // Instance types: mixed-instances overrides, else the launch template's.
    let overrides: Vec<(String, Location)> = view
        .block("mixed_instances_policy")
        .and_then(|m| m.block("launch_template"))
        .map(|lt| {
            lt.blocks("override")
                .into_iter()
                .filter_map(|o| {
                    o.string("instance_type")
                        .known()
                        .map(|t| (t, o.value_location("instance_type")))
                })
                .collect()
        })
        .unwrap_or_default();
    if !overrides.is_empty() {
        workload.placement.instance_types.push(Hint {
            key: "mixed_instances_policy.launch_template.override.instance_type".into(),
            values: overrides,
        });
        return workload;
    }
    let template = ["launch_template.0.id", "launch_template.0.name", "mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_id", "launch_configuration"]
        .iter()
        .find_map(|path| related.referenced(instance, path, "aws_launch_template"));
    match template {
        Some(template) => {
            let template_view = template.attributes.view();
            instance_type(&mut workload, &template_view, "instance_type", None);
            if let Some(spot) = spot_market(&template_view) {
                workload.placement.spot = spot;
            }
            workload
                .notes
                .push(format!("instance type from {}", template.address));
        }
        None => {
            workload.placement.unpriced_reason = Some(
                "the launch template is not in the scanned configuration, so the instance type is unknown".into(),
            );
        }
    }
    workload
}

fn aws_eks_node_group(
    instance: &ResourceInstance,
    view: &View<'_>,
    related: &Related<'_>,
) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AwsEks,
        Billing::Instances,
    );
    region(&mut workload, Cloud::Aws, instance.provider_region.clone());
    workload.pool = true;
    match view.strings("instance_types") {
        Attr::Known(types) if !types.is_empty() => workload.placement.instance_types.push(Hint {
            key: "instance_types".into(),
            values: types
                .into_iter()
                .enumerate()
                .map(|(index, t)| (t, view.value_location(&format!("instance_types.{index}"))))
                .collect(),
        }),
        Attr::Unknown(reason) => {
            workload.placement.unpriced_reason = Some(format!(
                "instance_types is not known before apply ({reason})"
            ));
        }
        _ if view.block("launch_template").is_some() => {
            // The instance type is the launch template's.
            let template = ["launch_template.0.id", "launch_template.0.name"]
                .iter()
                .find_map(|path| related.referenced(instance, path, "aws_launch_template"));
            match template {
                Some(template) => {
                    instance_type(
                        &mut workload,
                        &template.attributes.view(),
                        "instance_type",
                        None,
                    );
                    workload
                        .notes
                        .push(format!("instance type from {}", template.address));
                }
                None => {
                    workload.placement.unpriced_reason = Some(
                        "the instance type is set by a launch template that is not in the scanned configuration".into(),
                    );
                }
            }
        }
        _ => {
            workload.placement.instance_types.push(Hint {
                key: "instance_types".into(),
                values: vec![(
                    "t3.medium".into(),
                    instance.attributes.block_location.clone(),
                )],
            });
            workload
                .notes
                .push("instance_types is not set; EKS's default t3.medium applies".into());
        }
    }
    workload.placement.spot = view
        .string("capacity_type")
        .known()
        .is_some_and(|c| c == "SPOT");
    match view.block("scaling_config") {
        Some(scaling) => {
            workload.scaling = bounds(
                &scaling,
                "min_size",
                "max_size",
                Some("desired_size"),
                &mut workload.notes,
            );
        }
        None => workload
            .notes
            .push("no scaling_config; one node assumed".into()),
    }
    workload
}

fn service(
    instance: &ResourceInstance,
    platform: Platform,
    cloud: Cloud,
    name: Service,
    region_value: Option<String>,
) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        platform,
        Billing::ServiceHour(name),
    );
    region(
        &mut workload,
        cloud,
        region_value.or_else(|| instance.provider_region.clone()),
    );
    workload.scaling = Scaling::fixed(1, "one cluster", None);
    workload
}

fn aws_lambda_function(
    instance: &ResourceInstance,
    view: &View<'_>,
    related: &Related<'_>,
) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AwsLambda,
        Billing::PerRequest,
    );
    region(&mut workload, Cloud::Aws, instance.provider_region.clone());
    let number = |key: &str| view.number(key).known();
    let mut function = FunctionSpec {
        memory_mb: Some(number("memory_size").unwrap_or(128.0)),
        timeout_s: Some(number("timeout").unwrap_or(3.0)),
        ephemeral_storage_mb: Some(
            view.block("ephemeral_storage")
                .and_then(|e| e.number("size").known())
                .unwrap_or(512.0),
        ),
        runtime: view.string("runtime").known(),
        architecture: Some(
            view.strings("architectures")
                .known()
                .and_then(|a| a.into_iter().next())
                .unwrap_or_else(|| "x86_64".into()),
        ),
        package_type: Some(
            view.string("package_type")
                .known()
                .unwrap_or_else(|| "Zip".into()),
        ),
        provisioned_concurrency: None,
        handler: view.string("handler").known(),
        image: view.string("image_uri").known(),
        // ARNs when known, else the layer resources referred to (whose
        // names say what they hold: `aws_lambda_layer_version.torch`).
        layers: view.strings("layers").known().unwrap_or_else(|| {
            instance
                .references
                .get("layers")
                .cloned()
                .unwrap_or_default()
        }),
        ..FunctionSpec::default()
    };
    function.defined_at = Some(instance.attributes.block_location.clone());
    for (setting, key) in [
        (FunctionSetting::Memory, "memory_size"),
        (FunctionSetting::Timeout, "timeout"),
    ] {
        if view.number(key).known().is_some() {
            function.locations.insert(setting, view.location(key));
        }
    }
    // Provisioned concurrency lives in its own resource that names this function.
    let name = view.string("function_name").known();
    for other in related
        .instances
        .iter()
        .filter(|i| i.resource_type == "aws_lambda_provisioned_concurrency_config")
    {
        let by_reference = other.references.get("function_name").is_some_and(|refs| {
            refs.iter()
                .any(|r| r == &instance.address || instance.address.starts_with(&format!("{r}[")))
        });
        let by_name =
            name.is_some() && other.attributes.view().string("function_name").known() == name;
        if by_reference || by_name {
            let concurrency = other
                .attributes
                .view()
                .count("provisioned_concurrent_executions")
                .known();
            function.provisioned_concurrency =
                Some(function.provisioned_concurrency.unwrap_or(0) + concurrency.unwrap_or(0));
            // TCO003 points at the setting that costs the money.
            function.locations.insert(
                FunctionSetting::ProvisionedConcurrency,
                other
                    .attributes
                    .view()
                    .location("provisioned_concurrent_executions"),
            );
            workload
                .notes
                .push(format!("provisioned concurrency from {}", other.address));
        }
    }
    workload.compute.memory_gib_per_replica = function.memory_mb.unwrap_or(0.0) / 1024.0;
    workload.scaling = Scaling {
        keep_alive_s: None,
        concurrency: None,
        min: function.provisioned_concurrency.unwrap_or(0),
        max: None,
        min_location: None,
        basis: "scales with requests; the floor is the provisioned concurrency".into(),
    };
    workload.function = Some(Box::new(function));
    workload
}

fn aws_sagemaker(instance: &ResourceInstance, view: &View<'_>) -> Vec<Workload> {
    let variants = view.blocks("production_variants");
    let several = variants.len() > 1;
    variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            let name = variant.string("variant_name").known().unwrap_or_else(|| format!("variant-{index}"));
            let id = if several { format!("{}/{name}", instance.address) } else { instance.address.clone() };
            if let Some(serverless) = variant.block("serverless_config") {
                let mut workload = base(instance, id, Platform::AwsSagemaker, Billing::PerRequest);
                region(&mut workload, Cloud::Aws, instance.provider_region.clone());
                workload.compute.memory_gib_per_replica = serverless.number("memory_size_in_mb").known().unwrap_or(0.0) / 1024.0;
                workload.scaling = Scaling {
                    keep_alive_s: None,
                    concurrency: None,
                    min: serverless.count("provisioned_concurrency").known().unwrap_or(0),
                    max: serverless.count("max_concurrency").known(),
                    min_location: None,
                    basis: "SageMaker Serverless: max_concurrency".into(),
                };
                workload.placement.unpriced_reason = Some(
                    "SageMaker Serverless Inference is unpriced: no public per-GB-second rate was found for the catalogue".into(),
                );
                workload.inferred_purpose = Some((Purpose::Inference, "a SageMaker endpoint serves requests".into()));
                return workload;
            }
            let mut workload = base(instance, id, Platform::AwsSagemaker, Billing::Instances);
            region(&mut workload, Cloud::Aws, instance.provider_region.clone());
            instance_type(&mut workload, variant, "instance_type", None);
            let count = variant.count("initial_instance_count").known().unwrap_or(1);
            workload.scaling = Scaling::fixed(count, "initial_instance_count", Some(variant.location("initial_instance_count")));
            workload.inferred_purpose = Some((Purpose::Inference, "a SageMaker endpoint serves requests".into()));
            workload
        })
        .collect()
}

fn aws_batch(instance: &ResourceInstance, view: &View<'_>) -> Option<Workload> {
    let resources = view.block("compute_resources")?;
    let kind = resources
        .string("type")
        .known()
        .unwrap_or_else(|| "EC2".into());
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AwsEc2,
        Billing::Instances,
    );
    region(&mut workload, Cloud::Aws, instance.provider_region.clone());
    workload.pool = true;
    workload.run_to_completion = true;
    workload.inferred_purpose = Some((
        Purpose::Batch,
        "an AWS Batch compute environment runs jobs".into(),
    ));
    if kind.starts_with("FARGATE") {
        workload.billing = Billing::PerRequest;
        workload.placement.unpriced_reason = Some(
            "AWS Batch on Fargate is billed per task; tasks are not in the configuration".into(),
        );
        return Some(workload);
    }
    workload.placement.spot = kind == "SPOT";
    match resources.strings("instance_type") {
        Attr::Known(types)
            if types
                .iter()
                .any(|t| t != "optimal" && !t.contains("family")) =>
        {
            workload.placement.instance_types.push(Hint {
                key: "compute_resources.instance_type".into(),
                values: types
                    .into_iter()
                    .enumerate()
                    .map(|(index, t)| {
                        (
                            t,
                            resources.value_location(&format!("instance_type.{index}")),
                        )
                    })
                    .collect(),
            });
        }
        Attr::Known(_) => {
            workload.placement.unpriced_reason =
                Some("instance_type \"optimal\" lets AWS pick C, M and R instances; name the types to price them".into());
        }
        Attr::Unknown(reason) => {
            workload.placement.unpriced_reason = Some(format!(
                "instance_type is not known before apply ({reason})"
            ))
        }
        Attr::Absent => {
            workload.placement.unpriced_reason =
                Some("compute_resources.instance_type is not set".into())
        }
    }
    let min = resources.count("min_vcpus").known().unwrap_or(0);
    let max = resources.count("max_vcpus").known();
    workload.scaling = Scaling {
        keep_alive_s: None,
        concurrency: None,
        min,
        max,
        min_location: Some(resources.location("min_vcpus")),
        basis: format!(
            "min_vcpus {min}, max_vcpus {}",
            max.map_or("not set".into(), |m| m.to_string())
        ),
    };
    workload.vcpu_bounds = Some((min, max));
    Some(workload)
}

/// `guest_accelerator` blocks → accelerators and a GPU-model hint.
fn guest_accelerators(workload: &mut Workload, view: &View<'_>) {
    for accelerator in view.blocks("guest_accelerator") {
        let count = accelerator.count("count").known().unwrap_or(1);
        let Some(kind) = accelerator.string("type").known() else {
            workload
                .notes
                .push("a guest_accelerator's type is unknown".into());
            continue;
        };
        if count == 0 {
            continue;
        }
        let location = accelerator.value_location("type");
        workload.compute.accelerators.push(Accelerator {
            resource: "guest_accelerator".into(),
            from_instance_type: false,
            vendor: AcceleratorVendor::Nvidia,
            devices: f64::from(count),
            units: f64::from(count),
            location: location.clone(),
        });
        workload.placement.gpu_models.push(Hint {
            key: "guest_accelerator.type".into(),
            values: vec![(kind, location)],
        });
    }
}

pub(super) fn gcp_region(
    instance: &ResourceInstance,
    view: &View<'_>,
    key: &str,
) -> Option<String> {
    view.string(key)
        .known()
        .or_else(|| instance.provider_region.clone())
}

fn google_compute_instance(instance: &ResourceInstance, view: &View<'_>) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::GcpCompute,
        Billing::Instances,
    );
    region(
        &mut workload,
        Cloud::Gcp,
        gcp_region(instance, view, "zone"),
    );
    instance_type(&mut workload, view, "machine_type", None);
    guest_accelerators(&mut workload, view);
    if let Some(scheduling) = view.block("scheduling") {
        workload.placement.spot = scheduling.boolean("preemptible").known() == Some(true)
            || scheduling
                .string("provisioning_model")
                .known()
                .is_some_and(|m| m == "SPOT");
    }
    workload
}

/// A GKE node pool (a resource, or a block of a cluster).
fn gke_pool(
    instance: &ResourceInstance,
    view: &View<'_>,
    id: String,
    region_value: Option<String>,
    inline: bool,
) -> Workload {
    let mut workload = base(instance, id, Platform::GcpGke, Billing::Instances);
    region(&mut workload, Cloud::Gcp, region_value.clone());
    workload.pool = true;
    if inline {
        workload.location = view.location("name");
    }
    let node_config = view.block("node_config");
    match &node_config {
        Some(config) => {
            instance_type(&mut workload, config, "machine_type", Some("e2-medium"));
            guest_accelerators(&mut workload, config);
            workload.placement.spot = config.boolean("spot").known() == Some(true)
                || config.boolean("preemptible").known() == Some(true);
        }
        None => instance_type(&mut workload, view, "machine_type", Some("e2-medium")),
    }
    let zones = view
        .strings("node_locations")
        .known()
        .map_or(0, |z| z.len() as u32);
    let per_zone = |count: u32| {
        if zones > 1 {
            count.saturating_mul(zones)
        } else {
            count
        }
    };
    let declared = view
        .count("node_count")
        .known()
        .or_else(|| view.count("initial_node_count").known());
    // A multi-host TPU slice without a node count has the topology's hosts.
    let machine_type = node_config
        .as_ref()
        .unwrap_or(view)
        .string("machine_type")
        .known();
    let tpu_slice = declared
        .is_none()
        .then(|| tpu_slice_hosts(view, machine_type.as_deref()))
        .flatten()
        .map(|slice| match slice {
            Ok(hosts) => hosts,
            Err(reason) => {
                workload.placement.unpriced_reason = Some(reason);
                // One node stands in for the count, said so; the pool is unpriced.
                (
                    1,
                    "node count unknown: placement_policy.tpu_topology has too many chips to count (1 shown; unpriced)".to_string(),
                )
            }
        });
    let fixed = declared
        .or(tpu_slice.as_ref().map(|(hosts, _)| *hosts))
        .unwrap_or(1);
    workload.scaling = match view.block("autoscaling") {
        Some(autoscaling) => {
            // Total and per-zone limits exclude each other; GKE writes 0 for the unset pair.
            let total_max = autoscaling
                .count("total_max_node_count")
                .known()
                .filter(|max| *max > 0);
            let total_min = total_max.and(autoscaling.count("total_min_node_count").known());
            let (min, max) = match total_max {
                Some(total_max) => (total_min.unwrap_or(0), total_max),
                None => {
                    let min = per_zone(autoscaling.count("min_node_count").known().unwrap_or(0));
                    let max = per_zone(autoscaling.count("max_node_count").known().unwrap_or(min));
                    (min, max)
                }
            };
            Scaling {
                keep_alive_s: None,
                concurrency: None,
                min,
                max: Some(max.max(min)),
                min_location: Some(autoscaling.location("min_node_count")),
                basis: format!("autoscaling {min} to {}", max.max(min)),
            }
        }
        None => match tpu_slice {
            Some((hosts, basis)) => {
                Scaling::fixed(hosts, basis, Some(view.location("placement_policy")))
            }
            None => Scaling::fixed(
                per_zone(fixed),
                "node_count (no autoscaling)",
                Some(view.location("node_count")),
            ),
        },
    };
    let is_region = region_value
        .as_deref()
        .is_some_and(|r| r.matches('-').count() == 1);
    if zones == 0 && is_region {
        workload.notes.push("node counts are per zone and the pool is regional; its zones are not listed, so one zone is priced".into());
    }
    workload
}

/// A multi-host TPU slice's node count: the topology's chips (`4x4` = 16)
/// over the machine type's chips per VM (`ct5lp-hightpu-4t` = 4), and the
/// arithmetic in words; `Err` (the reason, located) when the topology's
/// chips cannot be counted.
fn tpu_slice_hosts(
    view: &View<'_>,
    machine_type: Option<&str>,
) -> Option<Result<(u32, String), String>> {
    let policy = view.block("placement_policy")?;
    let topology = policy.string("tpu_topology").known()?;
    let machine = machine_type?;
    let per_vm: u32 = machine
        .rsplit('-')
        .next()?
        .strip_suffix('t')?
        .parse()
        .ok()?;
    let dims = topology
        .split('x')
        .map(|d| d.trim().parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()?;
    // Checked: a typo such as 65536x65536x4 must not overflow (or wrap to a
    // small, plausible count); no real slice comes near u32::MAX chips.
    let Some(chips) = dims
        .iter()
        .try_fold(1u32, |chips, dim| chips.checked_mul(*dim))
    else {
        return Some(Err(format!(
            "placement_policy.tpu_topology {topology} at {} has more chips than can be counted; the pool's node count is unknown",
            policy.location("tpu_topology")
        )));
    };
    (per_vm > 0 && chips >= per_vm && chips % per_vm == 0).then(|| {
        Ok((
            chips / per_vm,
            format!(
                "placement_policy.tpu_topology {topology}: {chips} chips / {per_vm} per {machine} VM (no node_count)"
            ),
        ))
    })
}

fn google_container_cluster(instance: &ResourceInstance, view: &View<'_>) -> Vec<Workload> {
    let region_value = gcp_region(instance, view, "location");
    let mut out = vec![service(
        instance,
        Platform::GcpGke,
        Cloud::Gcp,
        Service::GkeClusterManagement,
        region_value.clone(),
    )];
    if view.boolean("enable_autopilot").known() == Some(true) {
        out[0]
            .notes
            .push("Autopilot bills pods, not nodes; pod costs come from the workloads".into());
        return out;
    }
    for (index, pool) in view.blocks("node_pool").into_iter().enumerate() {
        let name = pool
            .string("name")
            .known()
            .unwrap_or_else(|| format!("pool-{index}"));
        out.push(gke_pool(
            instance,
            &pool,
            format!("{}/node_pool/{name}", instance.address),
            region_value.clone(),
            true,
        ));
    }
    if view.boolean("remove_default_node_pool").known() != Some(true)
        && view.blocks("node_pool").is_empty()
    {
        let mut pool = gke_pool(
            instance,
            view,
            format!("{}/default-pool", instance.address),
            region_value,
            false,
        );
        pool.notes
            .push("the default node pool (initial_node_count, node_config of the cluster)".into());
        out.push(pool);
    }
    out
}

fn cloud_run(
    instance: &ResourceInstance,
    view: &View<'_>,
    problems: &mut Vec<Problem>,
) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::GcpCloudRun,
        Billing::UnitRates(Service::CloudRunInstance),
    );
    region(
        &mut workload,
        Cloud::Gcp,
        gcp_region(instance, view, "location"),
    );
    workload.inferred_purpose = Some((
        Purpose::Inference,
        "a Cloud Run service serves requests".into(),
    ));
    let Some(template) = view.block("template") else {
        return workload;
    };
    let containers: Vec<ContainerSpec> = template
        .blocks("containers")
        .iter()
        .map(|container| {
            let resources = container.block("resources");
            let limits = resources
                .as_ref()
                .and_then(|r| r.string_map("limits").known())
                .unwrap_or_default();
            let location = resources
                .as_ref()
                .map_or_else(|| container.location("image"), |r| r.location("limits"));
            ContainerSpec {
                name: container
                    .string("name")
                    .known()
                    .unwrap_or_else(|| "(unnamed)".into()),
                image: container.string("image").known(),
                requests: Vec::new(),
                // Cloud Run defaults: 1 vCPU and 512 MiB when limits are not set.
                limits: if limits.is_empty() {
                    vec![
                        written("cpu", "1", &location),
                        written("memory", "512Mi", &location),
                    ]
                } else {
                    limits
                        .iter()
                        .map(|(k, v)| written(k, v, &location))
                        .collect()
                },
                role: ContainerRole::App,
            }
        })
        .collect();
    workload.compute = aggregate(&containers, problems);
    if let Some(accelerator) = template
        .block("node_selector")
        .and_then(|n| n.string("accelerator").known())
    {
        workload.placement.gpu_models.push(Hint {
            key: "node_selector.accelerator".into(),
            values: vec![(accelerator, template.location("node_selector"))],
        });
    }
    let scaling = template.block("scaling");
    let min = scaling
        .as_ref()
        .and_then(|s| s.count("min_instance_count").known())
        .unwrap_or(0);
    let max = scaling
        .as_ref()
        .and_then(|s| s.count("max_instance_count").known())
        .unwrap_or(100);
    workload.scaling = Scaling {
        keep_alive_s: None,
        concurrency: None,
        min,
        max: Some(max.max(min)),
        min_location: scaling.as_ref().map(|s| s.location("min_instance_count")),
        basis: format!("scaling.min_instance_count {min}, max_instance_count {max} (Cloud Run's default max is 100)"),
    };
    workload
}

fn written(resource: &str, raw: &str, location: &Location) -> Written {
    Written {
        resource: resource.to_string(),
        raw: raw.to_string(),
        key_location: location.clone(),
        value_location: location.clone(),
    }
}

fn azure_vm(instance: &ResourceInstance, view: &View<'_>) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AzureVm,
        Billing::Instances,
    );
    region(&mut workload, Cloud::Azure, view.string("location").known());
    instance_type(&mut workload, view, "size", None);
    workload.placement.spot = view.string("priority").known().is_some_and(|p| p == "Spot");
    if instance.resource_type == "azurerm_windows_virtual_machine" {
        workload.placement.unpriced_reason =
            Some("Windows VMs include a licence the catalogue does not price (its Azure prices are Linux)".into());
    }
    workload
}

/// An AKS node pool (the cluster's default pool or a pool resource).
fn aks_pool(workload: &mut Workload, view: &View<'_>) {
    instance_type(workload, view, "vm_size", None);
    workload.pool = true;
    workload.placement.spot = view.string("priority").known().is_some_and(|p| p == "Spot");
    let autoscaling = view
        .boolean("auto_scaling_enabled")
        .known()
        .or(view.boolean("enable_auto_scaling").known())
        == Some(true);
    workload.scaling = if autoscaling {
        bounds(
            view,
            "min_count",
            "max_count",
            Some("node_count"),
            &mut workload.notes,
        )
    } else {
        let count = view.count("node_count").known().unwrap_or(1);
        Scaling::fixed(
            count,
            "node_count (no autoscaling)",
            Some(view.location("node_count")),
        )
    };
}

fn azure_aks(instance: &ResourceInstance, view: &View<'_>) -> Vec<Workload> {
    let location = view.string("location").known();
    let mut out = Vec::new();
    if view
        .string("sku_tier")
        .known()
        .is_some_and(|tier| tier == "Standard")
    {
        out.push(service(
            instance,
            Platform::AzureAks,
            Cloud::Azure,
            Service::AksStandard,
            location.clone(),
        ));
    }
    if let Some(pool) = view.block("default_node_pool") {
        let name = pool
            .string("name")
            .known()
            .unwrap_or_else(|| "default".into());
        let mut workload = base(
            instance,
            format!("{}/default_node_pool/{name}", instance.address),
            Platform::AzureAks,
            Billing::Instances,
        );
        region(&mut workload, Cloud::Azure, location);
        workload.location = pool.location("vm_size");
        aks_pool(&mut workload, &pool);
        out.push(workload);
    }
    out
}

fn azure_aks_pool(instance: &ResourceInstance, view: &View<'_>, related: &Related<'_>) -> Workload {
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::AzureAks,
        Billing::Instances,
    );
    let cluster_location = related
        .referenced(
            instance,
            "kubernetes_cluster_id",
            "azurerm_kubernetes_cluster",
        )
        .and_then(|cluster| cluster.attributes.view().string("location").known());
    region(&mut workload, Cloud::Azure, cluster_location);
    aks_pool(&mut workload, view);
    workload
}

fn kubernetes_deployment(
    instance: &ResourceInstance,
    view: &View<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Workload> {
    let spec = view.block("spec")?;
    let template = spec.block("template")?;
    let pod = template.block("spec")?;
    let mut workload = base(
        instance,
        instance.address.clone(),
        Platform::Kubernetes,
        Billing::PodShare,
    );
    let container_specs = |key: &str, role: ContainerRole| -> Vec<ContainerSpec> {
        pod.blocks(key)
            .iter()
            .map(|container| {
                let resources = container.block("resources");
                let section = |name: &str| -> Vec<Written> {
                    let Some(resources) = &resources else {
                        return Vec::new();
                    };
                    let location = resources.location(name);
                    resources
                        .string_map(name)
                        .known()
                        .unwrap_or_default()
                        .iter()
                        .map(|(k, v)| written(k, v, &location))
                        .collect()
                };
                ContainerSpec {
                    name: container
                        .string("name")
                        .known()
                        .unwrap_or_else(|| "(unnamed)".into()),
                    image: container.string("image").known(),
                    requests: section("requests"),
                    limits: section("limits"),
                    role,
                }
            })
            .collect()
    };
    let mut containers = container_specs("container", ContainerRole::App);
    containers.extend(container_specs("init_container", ContainerRole::Init));
    workload.compute = aggregate(&containers, problems);
    if let Some(selector) = pod.string_map("node_selector").known() {
        let at = pod.location("node_selector");
        let labels = selector
            .into_iter()
            .map(|(key, value)| (key, vec![(value, at.clone())]))
            .collect();
        workload.placement = placement_from_labels(labels);
    }
    workload.scaling = match spec.count("replicas") {
        Attr::Known(replicas) => {
            Scaling::fixed(replicas, "spec.replicas", Some(spec.location("replicas")))
        }
        Attr::Unknown(reason) => {
            workload
                .notes
                .push(format!("spec.replicas is unknown ({reason}); 1 assumed"));
            Scaling::fixed(1, "spec.replicas (unknown, so 1)", None)
        }
        Attr::Absent => Scaling::fixed(1, "spec.replicas (absent, so 1)", None),
    };
    Some(workload)
}
