//! Serverless functions outside AWS, as their Terraform providers write
//! them: Cloud Functions (`google_cloudfunctions_function`, 1st gen) and
//! Cloud Run functions (`google_cloudfunctions2_function`), and Azure
//! Functions apps with the SKU of their service plan
//! (`azurerm_linux_function_app`, `azurerm_windows_function_app`, the
//! older `azurerm_function_app`, `azurerm_function_app_flex_consumption`).

use super::resources::{gcp_region, region, Related};
use super::values::{Attr, View};
use super::ResourceInstance;
use crate::extract::kubernetes::quantity;
use crate::extract::shared::function::function_workload;
use crate::extract::Problem;
use crate::model::{
    Cloud, FunctionEvent, FunctionPlan, FunctionSetting, FunctionSpec, Platform, Trigger, Workload,
};

/// A Cloud Run function (Cloud Functions 2nd gen): `service_config`
/// memory (a quantity, `256M` by default), vCPU (by default the minimum the
/// memory requires), timeout (60 s), minimum and maximum instances and
/// per-instance concurrency (1); `build_config.runtime`; an
/// `event_trigger`, else an HTTPS endpoint.
pub fn cloud_functions_gen2(
    instance: &ResourceInstance,
    view: &View<'_>,
    problems: &mut Vec<Problem>,
) -> Workload {
    let mut notes = Vec::new();
    let service = view.block("service_config");
    let memory_mib = match service.as_ref().map(|s| s.string("available_memory")) {
        Some(Attr::Known(text)) => match quantity::parse(&text) {
            Ok(bytes) if bytes > 0.0 => Some(bytes / 1_048_576.0),
            _ => {
                problems.push(Problem {
                    message: format!(
                        "service_config.available_memory must be a quantity such as 256M or 1Gi, found {text:?}"
                    ),
                    location: service
                        .as_ref()
                        .map_or_else(|| view.location("service_config"), |s| s.value_location("available_memory")),
                });
                None
            }
        },
        Some(Attr::Unknown(reason)) => {
            notes.push(format!(
                "service_config.available_memory is unknown ({reason})"
            ));
            None
        }
        _ => {
            notes.push("service_config.available_memory is not set; the default 256M (256,000,000 bytes) applies".into());
            Some(256e6 / 1_048_576.0)
        }
    };
    let cpu = match service.as_ref().map(|s| s.string("available_cpu")) {
        Some(Attr::Known(text)) => text.trim().parse::<f64>().ok().filter(|c| *c > 0.0),
        _ => None,
    };
    if cpu.is_none() {
        if let Some(memory) = memory_mib {
            notes.push(format!(
                "service_config.available_cpu is not set; the {} vCPU Cloud Run functions allot to {} MiB applies",
                crate::model::cloud_functions_cpu(memory),
                crate::numbers::trim(memory, 2)
            ));
        }
    }
    let number = |key: &str| service.as_ref().and_then(|s| s.number(key).known());
    let timeout = number("timeout_seconds");
    if timeout.is_none() {
        notes.push("service_config.timeout_seconds is not set; the default 60 s applies".into());
    }
    let min_instances = service
        .as_ref()
        .and_then(|s| s.count("min_instance_count").known())
        .unwrap_or(0);
    let max_instances = service
        .as_ref()
        .and_then(|s| s.count("max_instance_count").known());
    let build = view.block("build_config");
    let events = gcf_events(view, false);
    let mut spec = FunctionSpec {
        plan: FunctionPlan::CloudFunctionsGen2,
        cpu: cpu.or_else(|| memory_mib.map(crate::model::cloud_functions_cpu)),
        instance_concurrency: Some(
            service
                .as_ref()
                .and_then(|s| s.count("max_instance_request_concurrency").known())
                .unwrap_or(1),
        ),
        memory_mb: memory_mib,
        timeout_s: Some(timeout.unwrap_or(60.0)),
        runtime: build.as_ref().and_then(|b| b.string("runtime").known()),
        provisioned_concurrency: Some(min_instances),
        handler: build.as_ref().and_then(|b| b.string("entry_point").known()),
        events,
        defined_at: Some(instance.attributes.block_location.clone()),
        ..FunctionSpec::default()
    };
    if let Some(service) = &service {
        for (setting, key) in [
            (FunctionSetting::Memory, "available_memory"),
            (FunctionSetting::Timeout, "timeout_seconds"),
            (
                FunctionSetting::ProvisionedConcurrency,
                "min_instance_count",
            ),
        ] {
            if !matches!(service.get(key), Attr::Absent) {
                spec.locations.insert(setting, service.location(key));
            }
        }
    }
    let location = gcp_region(instance, view, "location");
    finish(instance, spec, Cloud::Gcp, location, max_instances, notes)
}

/// A Cloud Functions (1st gen) function: `available_memory_mb` (256),
/// `timeout` (60 s), `min_instances`, `max_instances`, `runtime`,
/// `trigger_http` or an `event_trigger`.
pub fn cloud_functions_gen1(instance: &ResourceInstance, view: &View<'_>) -> Workload {
    let mut notes = Vec::new();
    let memory = view.number("available_memory_mb").known();
    if memory.is_none() {
        notes.push("available_memory_mb is not set; the default 256 MB applies".into());
    }
    let memory = memory.unwrap_or(256.0);
    let timeout = view.number("timeout").known();
    if timeout.is_none() {
        notes.push("timeout is not set; the default 60 s applies".into());
    }
    let mut spec = FunctionSpec {
        plan: FunctionPlan::CloudFunctionsGen1,
        cpu: Some(crate::model::cloud_functions_cpu(memory)),
        memory_mb: Some(memory),
        timeout_s: Some(timeout.unwrap_or(60.0)),
        runtime: view.string("runtime").known(),
        provisioned_concurrency: Some(view.count("min_instances").known().unwrap_or(0)),
        handler: view.string("entry_point").known(),
        events: gcf_events(view, true),
        defined_at: Some(instance.attributes.block_location.clone()),
        ..FunctionSpec::default()
    };
    for (setting, key) in [
        (FunctionSetting::Memory, "available_memory_mb"),
        (FunctionSetting::Timeout, "timeout"),
        (FunctionSetting::ProvisionedConcurrency, "min_instances"),
    ] {
        if !matches!(view.get(key), Attr::Absent) {
            spec.locations.insert(setting, view.location(key));
        }
    }
    let max_instances = view.count("max_instances").known().filter(|m| *m > 0);
    let location = gcp_region(instance, view, "region");
    finish(instance, spec, Cloud::Gcp, location, max_instances, notes)
}

/// Cloud Functions triggers: an `event_trigger` by its event type, else an
/// HTTPS endpoint (1st gen says so with `trigger_http`).
fn gcf_events(view: &View<'_>, gen1: bool) -> Vec<FunctionEvent> {
    match view.block("event_trigger") {
        Some(event) => {
            let kind = event.string("event_type").known().unwrap_or_default();
            let lower = kind.to_ascii_lowercase();
            let trigger = if lower.contains("pubsub") {
                Trigger::Topic
            } else if lower.contains("storage") {
                Trigger::Storage
            } else if kind.is_empty() {
                Trigger::Other("event".into())
            } else {
                Trigger::Other(kind)
            };
            vec![FunctionEvent {
                trigger,
                location: view.location("event_trigger"),
            }]
        }
        None if !gen1 || view.boolean("trigger_http").known() == Some(true) => {
            vec![FunctionEvent {
                trigger: Trigger::Https,
                location: if gen1 {
                    view.location("trigger_http")
                } else {
                    view.location("service_config")
                },
            }]
        }
        None => Vec::new(),
    }
}

/// An Azure Functions app on the plan its `service_plan_id` (or the older
/// `app_service_plan_id`) names: `Y1` Consumption, `FC1` Flex Consumption,
/// `EP1`–`EP3` Elastic Premium (minimum instances from
/// `site_config.elastic_instance_minimum`, else the plan's
/// `worker_count`), anything else a Dedicated App Service plan. The
/// triggers and the timeout live in the app's code and `host.json`, not in
/// Terraform: the plan's default timeout applies.
pub fn azure_function_app(
    instance: &ResourceInstance,
    view: &View<'_>,
    related: &Related<'_>,
) -> Workload {
    let mut notes = Vec::new();
    let plan_resource = related
        .referenced(instance, "service_plan_id", "azurerm_service_plan")
        .or_else(|| {
            related.referenced(instance, "app_service_plan_id", "azurerm_app_service_plan")
        });
    let (plan, plan_at, worker_count) = match plan_resource {
        Some(plan_resource) => {
            let plan_view = plan_resource.attributes.view();
            let sku = plan_view.string("sku_name").known().or_else(|| {
                plan_view
                    .block("sku")
                    .and_then(|sku| sku.string("size").known())
            });
            let plan = sku
                .as_deref()
                .map_or(FunctionPlan::AzureUnknownPlan, plan_for_sku);
            notes.push(format!(
                "hosting plan from {}: {}",
                plan_resource.address,
                sku.as_deref().unwrap_or("SKU unknown before apply")
            ));
            (
                plan,
                Some(plan_view.location("sku_name")),
                plan_view.count("worker_count").known(),
            )
        }
        None => (FunctionPlan::AzureUnknownPlan, None, None),
    };
    let site = view.block("site_config");
    let mut spec = FunctionSpec {
        plan,
        runtime: site.as_ref().and_then(azure_runtime),
        events: Vec::new(),
        defined_at: Some(instance.attributes.block_location.clone()),
        ..FunctionSpec::default()
    };
    let (timeout_s, memory_mb) = match plan {
        FunctionPlan::AzureConsumption => {
            notes.push("the Consumption plan bills the memory a function uses, rounded up to 128 MB, up to 1,536 MB; Terraform cannot say how much it uses, so the 1,536 MB maximum is assumed (an upper bound)".into());
            (300.0, Some(1536.0))
        }
        _ => (1800.0, None),
    };
    notes.push(format!(
        "the function timeout is set in host.json, not Terraform; the plan's default {} s applies",
        timeout_s
    ));
    notes.push(
        "the triggers are declared in the function code, not Terraform; set tcolint.io/purpose or usage in tcolint.yml to say how it is called".into(),
    );
    spec.timeout_s = Some(timeout_s);
    spec.memory_mb = memory_mb;
    if let FunctionPlan::AzurePremium(_) = plan {
        let minimum = site
            .as_ref()
            .and_then(|s| s.count("elastic_instance_minimum").known())
            .or(worker_count)
            .unwrap_or(1)
            .max(1);
        spec.provisioned_concurrency = Some(minimum);
        if let Some(at) = site
            .as_ref()
            .filter(|s| !matches!(s.get("elastic_instance_minimum"), Attr::Absent))
            .map(|s| s.location("elastic_instance_minimum"))
            .or(plan_at)
        {
            spec.locations
                .insert(FunctionSetting::ProvisionedConcurrency, at);
        }
    } else if plan == FunctionPlan::AzureDedicated {
        spec.provisioned_concurrency = Some(worker_count.unwrap_or(1).max(1));
    }
    let max_instances = site
        .as_ref()
        .and_then(|s| s.count("app_scale_limit").known())
        .filter(|m| *m > 0);
    let location = view.string("location").known();
    finish(instance, spec, Cloud::Azure, location, max_instances, notes)
}

/// A Flex Consumption app: `instance_memory_in_mb` (2048),
/// `maximum_instance_count`, `always_ready` instance counts,
/// `runtime_name`/`runtime_version`.
pub fn azure_flex(instance: &ResourceInstance, view: &View<'_>) -> Workload {
    let mut notes = Vec::new();
    let memory = view.number("instance_memory_in_mb").known();
    if memory.is_none() {
        notes.push("instance_memory_in_mb is not set; the default 2048 MB applies".into());
    }
    let always_ready: u32 = view
        .blocks("always_ready")
        .iter()
        .filter_map(|block| block.count("instance_count").known())
        .sum();
    let runtime = match (
        view.string("runtime_name").known(),
        view.string("runtime_version").known(),
    ) {
        (Some(name), Some(version)) => Some(format!("{name}{version}")),
        (name, _) => name,
    };
    notes.push(
        "the function timeout is set in host.json, not Terraform; the plan's default 1800 s applies".into(),
    );
    notes.push(
        "the triggers are declared in the function code, not Terraform; set tcolint.io/purpose or usage in tcolint.yml to say how it is called".into(),
    );
    let mut spec = FunctionSpec {
        plan: FunctionPlan::AzureFlexConsumption,
        memory_mb: Some(memory.unwrap_or(2048.0)),
        timeout_s: Some(1800.0),
        runtime,
        provisioned_concurrency: Some(always_ready),
        instance_concurrency: view.count("http_concurrency").known(),
        defined_at: Some(instance.attributes.block_location.clone()),
        ..FunctionSpec::default()
    };
    if !matches!(view.get("instance_memory_in_mb"), Attr::Absent) {
        spec.locations.insert(
            FunctionSetting::Memory,
            view.location("instance_memory_in_mb"),
        );
    }
    if always_ready > 0 {
        spec.locations.insert(
            FunctionSetting::ProvisionedConcurrency,
            view.location("always_ready"),
        );
    }
    let max_instances = view.count("maximum_instance_count").known();
    let location = view.string("location").known();
    finish(instance, spec, Cloud::Azure, location, max_instances, notes)
}

/// The hosting plan of an App Service plan SKU.
fn plan_for_sku(sku: &str) -> FunctionPlan {
    match sku.trim().to_ascii_uppercase().as_str() {
        "Y1" => FunctionPlan::AzureConsumption,
        "FC1" => FunctionPlan::AzureFlexConsumption,
        "EP1" => FunctionPlan::AzurePremium(1),
        "EP2" => FunctionPlan::AzurePremium(2),
        "EP3" => FunctionPlan::AzurePremium(3),
        _ => FunctionPlan::AzureDedicated,
    }
}

/// `site_config.application_stack` as a runtime name (`python3.11`,
/// `node20`, `dotnet8.0`, `java17`, `powershell7.4`).
fn azure_runtime(site: &View<'_>) -> Option<String> {
    let stack = site.block("application_stack")?;
    [
        ("python_version", "python"),
        ("node_version", "node"),
        ("dotnet_version", "dotnet"),
        ("java_version", "java"),
        ("powershell_core_version", "powershell"),
    ]
    .into_iter()
    .find_map(|(key, name)| {
        stack
            .string(key)
            .known()
            .map(|version| format!("{name}{}", version.trim_start_matches('~')))
    })
}

fn finish(
    instance: &ResourceInstance,
    spec: FunctionSpec,
    cloud: Cloud,
    location: Option<String>,
    max_instances: Option<u32>,
    notes: Vec<String>,
) -> Workload {
    let platform = spec.plan.platform();
    debug_assert!(matches!(
        platform,
        Platform::AzureFunctions | Platform::GcpCloudFunctions
    ));
    let mut workload = function_workload(
        instance.address.clone(),
        &instance.resource_type,
        instance.attributes.block_location.clone(),
        spec,
        None,
        Default::default(),
        instance.suppressions.clone(),
        notes,
    );
    region(
        &mut workload,
        cloud,
        location.or_else(|| instance.provider_region.clone()),
    );
    if let Some(max) = max_instances {
        workload.scaling.max = Some(max.max(workload.scaling.min));
        workload
            .scaling
            .basis
            .push_str(&format!(" to {max} (maximum instances)"));
    }
    workload
}
