//! AWS SAM and CloudFormation templates (YAML or JSON) → [`Workload`]s, id
//! `cfn:<template file stem>/<LogicalId>`: SAM and Lambda functions (with
//! `Globals`, AutoPublishAlias + provisioned concurrency, Lambda versions and
//! aliases), SageMaker endpoint configurations, EC2 instances, and ECS
//! services and task definitions on Fargate. Short-form intrinsics (`!Ref`,
//! `!Sub`) are read; parameters resolve to their defaults (or `--opt`).

use std::collections::{BTreeMap, HashMap};

use crate::discover::Skipped;
use crate::extract::shared::function::{function_workload, record_locations, Defaults, Read};
use crate::extract::shared::usage::usage_map;
use crate::extract::{comment_suppressions, Extraction, File, FrontEnd, Problem, ReadOptions};
use crate::model::{
    Accelerator, AcceleratorVendor, Billing, Cloud, FunctionEvent, FunctionSetting, FunctionSpec,
    Hint, Platform, Purpose, Scaling, Service, Trigger, UsageMap, Workload,
};
use crate::parse::yaml::{Document, NodeRef};
use crate::source::{Location, SourceFile};

/// Lambda defaults when a template sets nothing (CloudFormation's and SAM's).
const DEFAULTS: Defaults = Defaults {
    memory_field: "MemorySize",
    memory_mb: 128.0,
    timeout_field: "Timeout",
    timeout_s: 3.0,
    whose: "Lambda's default",
};

/// Whether a document is a CloudFormation or SAM template.
pub fn is_template(root: NodeRef<'_>) -> bool {
    root.get("AWSTemplateFormatVersion").is_some()
        || root
            .get("Transform")
            .and_then(|t| t.as_text())
            .is_some_and(|t| t.starts_with("AWS::Serverless"))
        || root.get("Resources").is_some_and(|resources| {
            resources.entries().any(|(_, resource)| {
                resource
                    .get("Type")
                    .and_then(|t| t.as_text())
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// The AWS SAM and CloudFormation front end: a template document.
pub struct CloudFormation;

impl FrontEnd for CloudFormation {
    fn name(&self) -> &'static str {
        "cloudformation"
    }

    fn markers(&self) -> &'static [&'static str] {
        &["AWSTemplateFormatVersion", "Resources"]
    }

    fn document_kind(&self) -> Option<&'static str> {
        Some("CloudFormation template")
    }

    fn claims_documents(&self, documents: &[Document]) -> bool {
        documents.iter().any(|d| is_template(d.root()))
    }

    fn extract(&self, file: &File<'_>, options: &ReadOptions<'_>) -> Extraction {
        match file.documents.iter().find(|d| is_template(d.root())) {
            Some(document) => extract(file.source, document, options.opts),
            None => Extraction::default(),
        }
    }
}

/// Resolves intrinsic functions as far as a template alone allows.
struct Intrinsics {
    parameters: HashMap<String, String>,
}

impl Intrinsics {
    fn new(root: NodeRef<'_>, options: &[(String, String)]) -> Self {
        let mut parameters = HashMap::new();
        for (name, parameter) in root.get("Parameters").iter().flat_map(|p| p.entries()) {
            if let (Some(name), Some(default)) = (
                name.as_text(),
                parameter.get("Default").and_then(|d| d.as_text()),
            ) {
                parameters.insert(name.to_string(), default.to_string());
            }
        }
        for (name, value) in options {
            parameters.insert(name.clone(), value.clone());
        }
        Intrinsics { parameters }
    }

    /// A node's value: `Ok(None)` when absent or null, `Err` with why when
    /// it needs the deployed stack.
    fn value(&self, node: Option<NodeRef<'_>>) -> Result<Option<String>, String> {
        let Some(node) = node else {
            return Ok(None);
        };
        if node.is_null() && node.tag().is_none() {
            return Ok(None);
        }
        match node.tag() {
            Some("!Ref") => self.reference(node.as_text().unwrap_or_default()).map(Some),
            Some("!Sub") => {
                let template = if node.is_sequence() {
                    node.items().next().and_then(|t| t.as_text())
                } else {
                    node.as_text()
                };
                self.substitute(template.unwrap_or_default()).map(Some)
            }
            Some(tag) => Err(format!(
                "{tag} cannot be resolved without the deployed stack"
            )),
            None if node.is_mapping() => {
                let (key, inner) = node
                    .entries()
                    .next()
                    .ok_or_else(|| "an empty mapping".to_string())?;
                match key.as_text().unwrap_or_default() {
                    "Ref" => self
                        .reference(inner.as_text().unwrap_or_default())
                        .map(Some),
                    "Fn::Sub" => {
                        let template = if inner.is_sequence() {
                            inner.items().next().and_then(|t| t.as_text())
                        } else {
                            inner.as_text()
                        };
                        self.substitute(template.unwrap_or_default()).map(Some)
                    }
                    other if other.starts_with("Fn::") => Err(format!(
                        "{other} cannot be resolved without the deployed stack"
                    )),
                    _ => Err("expected a value, found a mapping".into()),
                }
            }
            None if node.is_sequence() => Err("expected a value, found a list".into()),
            None => Ok(node.as_text().map(str::to_string)),
        }
    }

    fn reference(&self, name: &str) -> Result<String, String> {
        if let Some(value) = self.parameters.get(name) {
            return Ok(value.clone());
        }
        if name.starts_with("AWS::") {
            return Err(format!(
                "the pseudo parameter {name} is known only when deployed"
            ));
        }
        Err(format!(
            "!Ref {name} is a resource or a parameter without a default"
        ))
    }

    fn substitute(&self, template: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find('}').ok_or("an unclosed ${ in !Sub")? + start;
            let name = &rest[start + 2..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                out.push_str(&self.reference(name)?);
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The logical id a `FunctionName: !Ref X` or `!GetAtt X.Arn` points at.
fn target_logical_id(node: Option<NodeRef<'_>>) -> Option<String> {
    let node = node?;
    match node.tag() {
        Some("!Ref") => node.as_text().map(str::to_string),
        Some("!GetAtt") => node
            .as_text()
            .map(|t| t.split('.').next().unwrap_or(t).to_string())
            .or_else(|| {
                node.items()
                    .next()
                    .and_then(|i| i.as_text())
                    .map(str::to_string)
            }),
        _ => {
            let (key, inner) = node.entries().next()?;
            match key.as_text()? {
                "Ref" => inner.as_text().map(str::to_string),
                "Fn::GetAtt" => inner
                    .items()
                    .next()
                    .and_then(|i| i.as_text())
                    .or_else(|| inner.as_text().map(|t| t.split('.').next().unwrap_or(t)))
                    .map(str::to_string),
                _ => None,
            }
        }
    }
}

/// Reads a template's workloads.
pub fn extract(
    source: &SourceFile,
    document: &Document,
    options: &[(String, String)],
) -> Extraction {
    let mut out = Extraction::default();
    let root = document.root();
    let intrinsics = Intrinsics::new(root, options);
    let stem = std::path::Path::new(&*source.path).file_stem().map_or_else(
        || "template".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let globals = root.path(&["Globals", "Function"]);
    let location = |node: NodeRef<'_>| source.location(node.start(), node.len());
    let resources: Vec<(NodeRef<'_>, NodeRef<'_>)> = root
        .get("Resources")
        .iter()
        .flat_map(|r| r.entries())
        .collect();

    // Provisioned concurrency set on versions and aliases, by function logical id.
    let mut provisioned: HashMap<String, (u32, Location)> = HashMap::new();
    for (_, resource) in &resources {
        let kind = resource
            .get("Type")
            .and_then(|t| t.as_text())
            .unwrap_or_default();
        if !matches!(kind, "AWS::Lambda::Version" | "AWS::Lambda::Alias") {
            continue;
        }
        let properties = resource.get("Properties");
        let Some(config) = properties.and_then(|p| {
            p.path(&[
                "ProvisionedConcurrencyConfig",
                "ProvisionedConcurrentExecutions",
            ])
        }) else {
            continue;
        };
        let target = target_logical_id(properties.and_then(|p| p.get("FunctionName")));
        if let (Some(target), Ok(Some(value))) = (target, intrinsics.value(Some(config))) {
            if let Ok(count) = value.trim().parse::<u32>() {
                provisioned.insert(target, (count, location(config)));
            }
        }
    }
    let services: Vec<(String, NodeRef<'_>)> = resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(|t| t.as_text()) == Some("AWS::ECS::Service"))
        .filter_map(|(key, r)| Some((key.as_text()?.to_string(), *r)))
        .collect();

    for (key, resource) in &resources {
        let Some(logical_id) = key.as_text() else {
            continue;
        };
        let kind = resource
            .get("Type")
            .and_then(|t| t.as_text())
            .unwrap_or_default();
        let properties = resource.get("Properties");
        let id = format!("cfn:{stem}/{logical_id}");
        let block_end = resource.start() + resource.len();
        let suppressions =
            comment_suppressions(source, key.start(), block_end.max(key.start() + key.len()));
        let mut notes = Vec::new();
        let mut problems = Vec::new();
        // `Metadata: { tcolint: { requests-per-day: 1000, … } }` on the resource.
        let usage = usage_map(
            resource.path(&["Metadata", "tcolint"]),
            "Metadata.tcolint",
            |value| Ok(value.as_str().unwrap_or_default().to_string()),
            &location,
            &mut problems,
        );
        match kind {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                let sam = kind == "AWS::Serverless::Function";
                // A property of the function, else (SAM) of Globals.Function.
                let property = |name: &str| -> Option<NodeRef<'_>> {
                    properties.and_then(|p| p.get(name)).or_else(|| if sam { globals.and_then(|g| g.get(name)) } else { None })
                };
                let read = |name: &str, notes: &mut Vec<String>| -> Read<String> {
                    let Some(node) = property(name) else {
                        return Read::Absent;
                    };
                    match intrinsics.value(Some(node)) {
                        Ok(Some(text)) => Read::Known(text, location(node)),
                        Ok(None) => Read::Absent,
                        Err(reason) => {
                            notes.push(format!("{name}: {reason}"));
                            Read::Unknown
                        }
                    }
                };
                let number = |name: &str, notes: &mut Vec<String>, problems: &mut Vec<Problem>| -> Read<f64> {
                    read(name, notes).number(name, problems)
                };
                let memory = number("MemorySize", &mut notes, &mut problems);
                let timeout = number("Timeout", &mut notes, &mut problems);
                let reserved = number("ReservedConcurrentExecutions", &mut notes, &mut problems);
                let ephemeral = property("EphemeralStorage").and_then(|e| e.get("Size")).and_then(|size| {
                    let text = intrinsics.value(Some(size)).ok().flatten()?;
                    Some((text.trim().parse::<f64>().ok()?, location(size)))
                });
                let pc_node = property("ProvisionedConcurrencyConfig").and_then(|p| p.get("ProvisionedConcurrentExecutions"));
                let mut provisioned_here = match pc_node {
                    Some(node) => match intrinsics.value(Some(node)) {
                        Ok(Some(text)) => text.trim().parse::<u32>().ok().map(|n| (n, location(node))),
                        Ok(None) => None,
                        Err(reason) => {
                            notes.push(format!("ProvisionedConcurrentExecutions: {reason}; not counted"));
                            None
                        }
                    },
                    None => None,
                };
                if let (true, Some((_, at)), None) = (sam, &provisioned_here, property("AutoPublishAlias")) {
                    problems.push(Problem {
                        message: "ProvisionedConcurrencyConfig needs AutoPublishAlias: SAM rejects the template without it".into(),
                        location: at.clone(),
                    });
                }
                if provisioned_here.is_none() {
                    provisioned_here = provisioned.get(logical_id).cloned();
                }
                let runtime = read("Runtime", &mut notes).into_known();
                let handler = read("Handler", &mut notes).into_known();
                let image = read("ImageUri", &mut notes)
                    .into_known()
                    .or_else(|| properties.and_then(|p| p.path(&["Code", "ImageUri"])).and_then(|n| intrinsics.value(Some(n)).ok().flatten()));
                let package_type = read("PackageType", &mut notes).into_known().or(image.as_ref().map(|_| "Image".to_string()));
                // An image brings its own runtime; a Globals runtime is for zip packages.
                let runtime = runtime.filter(|_| package_type.as_deref() != Some("Image"));
                let architecture = property("Architectures")
                    .and_then(|a| a.items().next())
                    .and_then(|a| intrinsics.value(Some(a)).ok().flatten());
                // Layers as written: ARNs, or the logical id a `Ref` names.
                let layers: Vec<String> = property("Layers")
                    .iter()
                    .flat_map(|layers| layers.items())
                    .filter_map(|layer| match layer.get("Ref") {
                        Some(name) => name.as_text().map(str::to_string),
                        None => intrinsics.value(Some(layer)).ok().flatten().or_else(|| layer.as_text().map(str::to_string)),
                    })
                    .collect();
                let snap_start = property("SnapStart")
                    .and_then(|s| s.get("ApplyOn"))
                    .and_then(|a| a.as_text())
                    .is_some_and(|a| a == "PublishedVersions");
                let events: Vec<FunctionEvent> = properties
                    .and_then(|p| p.get("Events"))
                    .iter()
                    .flat_map(|e| e.entries())
                    .filter_map(|(_, event)| {
                        let kind = event.get("Type").and_then(|t| t.as_text())?;
                        Some(FunctionEvent {
                            trigger: trigger(kind),
                            location: location(event),
                        })
                    })
                    .collect();
                let (memory_mb, timeout_s) = DEFAULTS.apply(&memory, &timeout, &mut notes);
                let mut spec = FunctionSpec {
                    memory_mb,
                    timeout_s,
                    ephemeral_storage_mb: Some(ephemeral.as_ref().map_or(512.0, |(e, _)| *e)),
                    runtime,
                    architecture: Some(architecture.unwrap_or_else(|| "x86_64".into())),
                    package_type: Some(package_type.unwrap_or_else(|| "Zip".into())),
                    provisioned_concurrency: provisioned_here.as_ref().map(|(n, _)| *n),
                    reserved_concurrency: reserved.known().map(|r| *r as u32),
                    snap_start,
                    handler,
                    image,
                    layers,
                    events,
                    defined_at: Some(location(*key)),
                    locations: BTreeMap::new(),
                    ..FunctionSpec::default()
                };
                record_locations(
                    &mut spec,
                    [
                        (FunctionSetting::Memory, memory.location()),
                        (FunctionSetting::Timeout, timeout.location()),
                        (FunctionSetting::EphemeralStorage, ephemeral.as_ref().map(|(_, at)| at)),
                        (FunctionSetting::ProvisionedConcurrency, provisioned_here.as_ref().map(|(_, at)| at)),
                    ],
                );
                notes.push("a template does not name its region; the catalogue's us-east-1 prices are assumed".into());
                let mut workload = function_workload(id, kind, location(*key), spec, None, usage, suppressions, notes);
                workload.placement.region = None;
                out.workloads.push(workload);
            }
            "AWS::SageMaker::EndpointConfig" => {
                let variants: Vec<NodeRef<'_>> = properties.and_then(|p| p.get("ProductionVariants")).iter().flat_map(|v| v.items()).collect();
                let several = variants.len() > 1;
                for (index, variant) in variants.iter().enumerate() {
                    let name = intrinsics.value(variant.get("VariantName")).ok().flatten().unwrap_or_else(|| format!("variant-{index}"));
                    let variant_id = if several { format!("{id}/{name}") } else { id.clone() };
                    let mut workload = base(variant_id, kind, location(*key), Platform::AwsSagemaker, Billing::Instances, &suppressions, &usage);
                    workload.inferred_purpose = Some((Purpose::Inference, "a SageMaker endpoint serves requests".into()));
                    if let Some(serverless) = variant.get("ServerlessConfig") {
                        workload.billing = Billing::PerRequest;
                        workload.placement.unpriced_reason = Some("SageMaker Serverless Inference is unpriced: no public per-GB-second rate was found for the catalogue".into());
                        workload.compute.memory_gib_per_replica = intrinsics
                            .value(serverless.get("MemorySizeInMB"))
                            .ok()
                            .flatten()
                            .and_then(|m| m.parse::<f64>().ok())
                            .unwrap_or(0.0)
                            / 1024.0;
                        workload.scaling = Scaling { min: 0, max: intrinsics.value(serverless.get("MaxConcurrency")).ok().flatten().and_then(|m| m.parse().ok()), min_location: None, basis: "SageMaker Serverless: MaxConcurrency".into(), keep_alive_s: None, concurrency: None };
                    } else {
                        instance_type(&mut workload, &intrinsics, variant.get("InstanceType"), &location);
                        let count = intrinsics.value(variant.get("InitialInstanceCount")).ok().flatten().and_then(|c| c.parse::<u32>().ok()).unwrap_or(1);
                        workload.scaling = Scaling::fixed(count, "InitialInstanceCount", variant.get("InitialInstanceCount").map(&location));
                    }
                    out.workloads.push(workload);
                }
            }
            "AWS::EC2::Instance" => {
                let mut workload = base(id, kind, location(*key), Platform::AwsEc2, Billing::Instances, &suppressions, &usage);
                instance_type(&mut workload, &intrinsics, properties.and_then(|p| p.get("InstanceType")), &location);
                out.workloads.push(workload);
            }
            "AWS::ECS::Service" => {
                let launch_type = intrinsics.value(properties.and_then(|p| p.get("LaunchType"))).ok().flatten();
                let fargate = launch_type.as_deref() == Some("FARGATE")
                    || properties
                        .and_then(|p| p.get("CapacityProviderStrategy"))
                        .is_some_and(|s| s.items().any(|i| i.get("CapacityProvider").and_then(|c| c.as_text()).is_some_and(|c| c.starts_with("FARGATE"))));
                let task = target_logical_id(properties.and_then(|p| p.get("TaskDefinition")))
                    .and_then(|task| resources.iter().find(|(k, _)| k.as_text() == Some(task.as_str())).map(|(_, r)| *r));
                if !fargate {
                    out.skipped.push(Skipped {
                        path: location(*key).to_string(),
                        reason: format!("{logical_id}: ECS on EC2 is priced by its cluster's instances, not by the service"),
                        what: "module",
                    });
                    continue;
                }
                let desired = properties.and_then(|p| p.get("DesiredCount"));
                let count = intrinsics.value(desired).ok().flatten().and_then(|c| c.parse::<u32>().ok());
                let scaling = match count {
                    Some(count) => Scaling::fixed(count, "DesiredCount", desired.map(&location)),
                    None => Scaling::fixed(1, "DesiredCount (absent or unknown, so 1)", None),
                };
                let mut workload = fargate_workload(id, kind, location(*key), task, &intrinsics, &location, &suppressions, &usage);
                workload.scaling = scaling;
                out.workloads.push(workload);
            }
            "AWS::ECS::TaskDefinition" => {
                let compatible = properties
                    .and_then(|p| p.get("RequiresCompatibilities"))
                    .is_some_and(|c| c.items().any(|i| i.as_text() == Some("FARGATE")));
                let used = services.iter().any(|(_, service)| {
                    target_logical_id(service.path(&["Properties", "TaskDefinition"])).as_deref() == Some(logical_id)
                });
                if compatible && !used {
                    let mut workload = fargate_workload(id, kind, location(*key), Some(*resource), &intrinsics, &location, &suppressions, &usage);
                    workload.scaling = Scaling::fixed(1, "a task definition no service runs: one task priced as running all month", None);
                    workload.run_to_completion = true;
                    out.workloads.push(workload);
                }
            }
            "AWS::Serverless::CapacityProvider" => out.skipped.push(Skipped {
                path: location(*key).to_string(),
                reason: format!("{logical_id}: Lambda managed instances (capacity providers) are not priced yet"),
                what: "module",
            }),
            _ => {}
        }
        out.problems.extend(problems);
    }
    out
}

/// A SAM event source type as a trigger.
fn trigger(sam_type: &str) -> Trigger {
    match sam_type {
        "Api" => Trigger::RestApi,
        "HttpApi" => Trigger::HttpApi,
        "SQS" => Trigger::Queue,
        "S3" => Trigger::Storage,
        "Schedule" | "ScheduleV2" => Trigger::Schedule,
        "Kinesis" | "DynamoDB" | "MSK" => Trigger::Stream,
        "EventBridgeRule" | "CloudWatchEvent" => Trigger::EventBus,
        "SNS" => Trigger::Topic,
        other => Trigger::Other(other.to_string()),
    }
}

fn base(
    id: String,
    kind: &str,
    location: Location,
    platform: Platform,
    billing: Billing,
    suppressions: &[crate::model::Suppression],
    usage: &UsageMap,
) -> Workload {
    let mut workload = Workload::new(id, kind, platform, location, billing);
    workload.placement.cloud = Some((Cloud::Aws, "template".into()));
    workload.usage = usage.clone();
    workload.suppressions = suppressions.to_vec();
    workload.notes.push(
        "a template does not name its region; the catalogue's us-east-1 prices are assumed".into(),
    );
    workload
}

fn instance_type(
    workload: &mut Workload,
    intrinsics: &Intrinsics,
    node: Option<NodeRef<'_>>,
    location: &dyn Fn(NodeRef<'_>) -> Location,
) {
    match (intrinsics.value(node), node) {
        (Ok(Some(name)), Some(node)) => workload.placement.instance_types.push(Hint {
            key: "InstanceType".into(),
            values: vec![(name, location(node))],
        }),
        (Err(reason), _) => {
            workload.placement.unpriced_reason = Some(format!(
                "InstanceType is not known before deployment ({reason})"
            ))
        }
        _ => workload.placement.unpriced_reason = Some("InstanceType is not set".into()),
    }
}

/// A Fargate service or task: vCPU, memory, architecture and GPU requirements of its task definition.
#[allow(clippy::too_many_arguments)]
fn fargate_workload(
    id: String,
    kind: &str,
    at: Location,
    task: Option<NodeRef<'_>>,
    intrinsics: &Intrinsics,
    location: &dyn Fn(NodeRef<'_>) -> Location,
    suppressions: &[crate::model::Suppression],
    usage: &UsageMap,
) -> Workload {
    let properties = task.and_then(|t| t.get("Properties"));
    let architecture = intrinsics
        .value(properties.and_then(|p| p.path(&["RuntimePlatform", "CpuArchitecture"])))
        .ok()
        .flatten()
        .unwrap_or_else(|| "X86_64".into());
    let service = if architecture.eq_ignore_ascii_case("ARM64") {
        Service::FargateArm64
    } else {
        Service::FargateX86_64
    };
    let mut workload = base(
        id,
        kind,
        at,
        Platform::AwsEc2,
        Billing::UnitRates(service),
        suppressions,
        usage,
    );
    workload.platform = Platform::AwsEc2;
    let Some(properties) = properties else {
        workload.placement.unpriced_reason =
            Some("the task definition is not in this template".into());
        return workload;
    };
    // Task size: Cpu in CPU units (1024 = 1 vCPU) or "1 vCPU"; Memory in MiB or "2 GB".
    let size = |name: &str, unit_per: f64, suffix: &str| -> Option<f64> {
        let text = intrinsics.value(properties.get(name)).ok().flatten()?;
        let lower = text.trim().to_ascii_lowercase();
        match lower.strip_suffix(suffix) {
            Some(number) => number.trim().parse::<f64>().ok(),
            None => lower.parse::<f64>().ok().map(|n| n / unit_per),
        }
    };
    match (size("Cpu", 1024.0, "vcpu"), size("Memory", 1024.0, "gb")) {
        (Some(cpu), Some(memory)) => {
            workload.compute.cpu_per_replica = cpu;
            workload.compute.memory_gib_per_replica = memory;
        }
        _ => {
            workload.placement.unpriced_reason =
                Some("the task definition's Cpu and Memory are not set or not known".into())
        }
    }
    for container in properties
        .get("ContainerDefinitions")
        .iter()
        .flat_map(|c| c.items())
    {
        if let Some(image) = container.get("Image").and_then(|i| i.as_text()) {
            workload.compute.images.push(image.to_string());
        }
        for requirement in container
            .get("ResourceRequirements")
            .iter()
            .flat_map(|r| r.items())
        {
            if requirement.get("Type").and_then(|t| t.as_text()) != Some("GPU") {
                continue;
            }
            let count = intrinsics
                .value(requirement.get("Value"))
                .ok()
                .flatten()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(1.0);
            workload.compute.accelerators.push(Accelerator {
                resource: "ResourceRequirements GPU".into(),
                from_instance_type: false,
                vendor: AcceleratorVendor::Nvidia,
                devices: count,
                units: count,
                location: location(requirement),
            });
        }
    }
    workload
}
