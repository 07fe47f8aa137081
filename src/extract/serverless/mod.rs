//! Serverless Framework (`serverless.yml`) → one [`Workload`] per function,
//! id `sls:<service>/<function>`, with provider defaults (memorySize 1024,
//! timeout 6, runtime, architecture, region, stage), events, provisioned and
//! reserved concurrency, SnapStart, and per-function usage from
//! `custom.tcolint.usage`.

mod clouds;
pub mod variables;

use std::collections::BTreeMap;
use std::path::Path;

use crate::discover::Skipped;
use crate::extract::shared::function::{function_workload, record_locations, Defaults, Read};
use crate::extract::shared::usage::usage_map;
use crate::extract::{comment_suppressions, Extraction, File, FrontEnd, Problem, ReadOptions};
use crate::model::{FunctionEvent, FunctionSetting, FunctionSpec, Trigger};
use crate::parse::yaml::{Document, NodeRef};
use crate::source::SourceFile;

use self::variables::Resolver;

/// Serverless Framework defaults when neither the function nor the provider sets a value.
const DEFAULTS: Defaults = Defaults {
    memory_field: "memorySize",
    memory_mb: 1024.0,
    timeout_field: "timeout",
    timeout_s: 6.0,
    whose: "the Serverless Framework default",
};
const DEFAULT_REGION: &str = "us-east-1";

/// Whether a document is a Serverless Framework configuration.
pub fn is_serverless(root: NodeRef<'_>) -> bool {
    root.get("service").is_some()
        && (root.get("provider").is_some() || root.get("functions").is_some())
}

/// The Serverless Framework front end: a document with `service` and
/// `provider` or `functions`.
pub struct Serverless;

impl FrontEnd for Serverless {
    fn name(&self) -> &'static str {
        "serverless"
    }

    fn markers(&self) -> &'static [&'static str] {
        &["service", "functions"]
    }

    fn document_kind(&self) -> Option<&'static str> {
        Some("Serverless Framework service")
    }

    fn claims_documents(&self, documents: &[Document]) -> bool {
        documents.iter().any(|d| is_serverless(d.root()))
    }

    fn extract(&self, file: &File<'_>, options: &ReadOptions<'_>) -> Extraction {
        let Some(document) = file.documents.iter().find(|d| is_serverless(d.root())) else {
            return Extraction::default();
        };
        // `${file(...)}` reads beside the configuration; nothing for stdin.
        let project_dir = file.path.and_then(Path::parent).map(|dir| {
            if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }
        });
        extract(
            file.source,
            document,
            options.opts,
            project_dir,
            options.max_file_size,
        )
    }
}

/// Reads the functions of a Serverless Framework configuration.
/// `project_dir` is the folder `${file(…)}` may read from (none for
/// standard input).
pub fn extract(
    source: &SourceFile,
    document: &Document,
    options: &[(String, String)],
    project_dir: Option<&Path>,
    max_file_size: u64,
) -> Extraction {
    let mut out = Extraction::default();
    let root = document.root();
    let resolver = Resolver::new(root, options, project_dir, max_file_size);
    let location = |node: NodeRef<'_>| source.location(node.start(), node.len());

    let provider = root.get("provider");
    let provider_name = match provider {
        Some(p) if p.is_mapping() => resolver.scalar(p.get("name")).ok().flatten(),
        Some(p) => resolver.scalar(Some(p)).ok().flatten(),
        None => None,
    }
    .unwrap_or_else(|| "aws".into());
    if let Some(cloud) = clouds::Provider::parse(&provider_name) {
        let service = match root.get("service") {
            Some(s) if s.is_mapping() => resolver.scalar(s.get("name")),
            other => resolver.scalar(other),
        }
        .ok()
        .flatten()
        .unwrap_or_else(|| "service".into());
        return clouds::extract(source, root, &resolver, cloud, &service);
    }
    if provider_name != "aws" {
        out.skipped.push(Skipped {
            path: source.path.to_string(),
            reason: format!(
                "Serverless Framework provider {provider_name:?}: only aws, azure and google are analysed"
            ),
            what: "file",
        });
        return out;
    }
    let service = match root.get("service") {
        Some(s) if s.is_mapping() => resolver.scalar(s.get("name")),
        other => resolver.scalar(other),
    }
    .ok()
    .flatten()
    .unwrap_or_else(|| "service".into());
    let setting = |key: &str| provider.and_then(|p| p.get(key));
    let region = resolver.scalar(setting("region")).ok().flatten();
    let mut region_note = None;
    let region = match region {
        Some(region) => region,
        None => {
            region_note = Some(format!("provider.region is not set; the Serverless Framework default {DEFAULT_REGION} applies"));
            DEFAULT_REGION.into()
        }
    };
    let usage = root.path(&["custom", "tcolint", "usage"]);

    let functions: Vec<(NodeRef<'_>, NodeRef<'_>)> = match root.get("functions") {
        Some(f) if f.is_mapping() => f.entries().collect(),
        // Older configurations list one-entry mappings.
        Some(f) if f.is_sequence() => f.items().flat_map(|item| item.entries()).collect(),
        _ => Vec::new(),
    };
    for (key, function) in functions {
        let Some(name) = key.as_text() else {
            continue;
        };
        let mut notes: Vec<String> = region_note.iter().cloned().collect();
        let mut problems = Vec::new();
        // A function value (or provider default), resolved; unknown values are noted.
        let mut value = |field: &str, from_provider: bool| {
            function_value(
                function,
                &setting,
                from_provider,
                field,
                &resolver,
                source,
                &mut notes,
            )
        };
        let mut number = |field: &str, from_provider: bool, problems: &mut Vec<Problem>| {
            value(field, from_provider).number(field, problems)
        };
        let memory = number("memorySize", true, &mut problems);
        let timeout = number("timeout", true, &mut problems);
        let ephemeral = number("ephemeralStorageSize", true, &mut problems);
        let provisioned = number("provisionedConcurrency", false, &mut problems);
        let reserved = number("reservedConcurrency", false, &mut problems);
        // An image brings its own runtime; the provider's default is for zip packages.
        let is_image = function.get("image").is_some();
        let runtime = value("runtime", !is_image).known().cloned();
        let architecture = value("architecture", true).known().cloned();
        let handler = value("handler", false).known().cloned();
        let snap_start = value("snapStart", false)
            .known()
            .is_some_and(|t| t == "true" || t == "PublishedVersions");
        let image = match function.get("image") {
            Some(image) if image.is_mapping() => resolver
                .scalar(image.get("uri").or_else(|| image.get("name")))
                .ok()
                .flatten(),
            Some(image) => resolver.scalar(Some(image)).ok().flatten(),
            None => None,
        };
        // Layers (ARNs, or `Ref`s to layers the file defines) name what a zip
        // package imports; the function's own list replaces the provider's.
        let layers: Vec<String> = function
            .get("layers")
            .or_else(|| setting("layers"))
            .iter()
            .flat_map(|layers| layers.items())
            .filter_map(|layer| match layer.get("Ref") {
                Some(name) => name.as_text().map(str::to_string),
                None => resolver.scalar(Some(layer)).ok().flatten(),
            })
            .collect();
        let events: Vec<FunctionEvent> = function
            .get("events")
            .iter()
            .flat_map(|events| events.items())
            .filter_map(|event| {
                let (kind, _) = event.entries().next()?;
                Some(FunctionEvent {
                    trigger: trigger(kind.as_text()?),
                    location: location(kind),
                })
            })
            .collect();

        let (memory_mb, timeout_s) = DEFAULTS.apply(&memory, &timeout, &mut notes);
        let mut spec = FunctionSpec {
            memory_mb,
            timeout_s,
            ephemeral_storage_mb: Some(ephemeral.known().copied().unwrap_or(512.0)),
            runtime,
            architecture: Some(architecture.unwrap_or_else(|| "x86_64".into())),
            package_type: Some(if image.is_some() { "Image" } else { "Zip" }.into()),
            provisioned_concurrency: provisioned.known().map(|p| *p as u32),
            reserved_concurrency: reserved.known().map(|r| *r as u32),
            snap_start,
            handler,
            image,
            layers,
            events,
            defined_at: Some(location(key)),
            locations: BTreeMap::new(),
            ..FunctionSpec::default()
        };
        record_locations(
            &mut spec,
            [
                (FunctionSetting::Memory, memory.location()),
                (FunctionSetting::Timeout, timeout.location()),
                (FunctionSetting::EphemeralStorage, ephemeral.location()),
                (
                    FunctionSetting::ProvisionedConcurrency,
                    provisioned.location(),
                ),
            ],
        );

        let usage_settings = usage_map(
            usage.and_then(|u| u.get(name)),
            &format!("custom.tcolint.usage.{name}"),
            |value| resolver.scalar(Some(value)).map(|t| t.unwrap_or_default()),
            &location,
            &mut problems,
        );

        let end = function.start() + function.len();
        let workload = function_workload(
            format!("sls:{service}/{name}"),
            "function",
            location(key),
            spec,
            Some(region.clone()),
            usage_settings,
            comment_suppressions(source, key.start(), end.max(key.start() + key.len())),
            notes,
        );
        out.workloads.push(workload);
        out.problems.extend(problems);
    }
    out
}

/// A Serverless Framework event name as a trigger.
/// A function's `field` (or, when `from_provider`, the provider's default
/// from `setting`), resolved; a value that cannot be resolved is noted and
/// reads as unknown.
pub(super) fn function_value<'a>(
    function: NodeRef<'a>,
    setting: &dyn Fn(&str) -> Option<NodeRef<'a>>,
    from_provider: bool,
    field: &str,
    resolver: &Resolver<'_>,
    source: &SourceFile,
    notes: &mut Vec<String>,
) -> Read<String> {
    let Some(node) = function
        .get(field)
        .or_else(|| if from_provider { setting(field) } else { None })
    else {
        return Read::Absent;
    };
    match resolver.scalar(Some(node)) {
        Ok(Some(text)) => Read::Known(text, source.location(node.start(), node.len())),
        Ok(None) => Read::Absent,
        Err(reason) => {
            notes.push(format!("{field}: {reason}"));
            Read::Unknown
        }
    }
}

fn trigger(event: &str) -> Trigger {
    match event {
        "http" => Trigger::RestApi,
        "httpApi" => Trigger::HttpApi,
        "alb" => Trigger::LoadBalancer,
        "sqs" => Trigger::Queue,
        "s3" => Trigger::Storage,
        "schedule" => Trigger::Schedule,
        "stream" => Trigger::Stream,
        "eventBridge" => Trigger::EventBus,
        "sns" => Trigger::Topic,
        other => Trigger::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Purpose;
    use crate::parse::yaml::{parse_stream, Limits};

    fn functions(yaml: &str, options: &[(String, String)]) -> Extraction {
        let source = SourceFile::new("<stdin>", yaml);
        let document = parse_stream(yaml, &Limits::default()).remove(0).unwrap();
        let mut out = extract(&source, &document, options, None, 1 << 20);
        out.workloads
            .iter_mut()
            .for_each(crate::extract::shared::purpose::infer);
        out
    }

    #[test]
    fn provider_defaults_and_function_settings() {
        let out = functions(
            "service: ml-api\nprovider:\n  name: aws\n  runtime: python3.12\n  region: ${opt:region, 'us-east-1'}\n  memorySize: ${self:custom.memory.${sls:stage}}\n  architecture: arm64\ncustom:\n  memory:\n    dev: 512\n    prod: 3008\n  tcolint:\n    usage:\n      predict: {requests-per-day: 100000, avg-duration-ms: 250}\nfunctions:\n  predict:\n    handler: app.predict\n    timeout: 29\n    provisionedConcurrency: 2\n    events:\n      - httpApi: {path: /predict, method: post}\n  # tcolint:ignore=FIT001 nightly refit is small\n  retrain:\n    image: 123.dkr.ecr.us-east-1.amazonaws.com/train:latest\n    memorySize: 10240\n    timeout: 900\n    events:\n      - schedule: rate(1 day)\n",
            &[("stage".into(), "prod".into())],
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let predict = &out.workloads[0];
        assert_eq!(predict.id, "sls:ml-api/predict");
        let spec = predict.function.as_ref().unwrap();
        assert_eq!((spec.memory_mb, spec.timeout_s), (Some(3008.0), Some(29.0)));
        assert_eq!(spec.architecture.as_deref(), Some("arm64"));
        assert_eq!(spec.provisioned_concurrency, Some(2));
        assert!(spec.is_request_driven());
        assert_eq!(predict.placement.region.as_deref(), Some("us-east-1"));
        assert_eq!(predict.usage.len(), 2);
        assert_eq!(
            predict.inferred_purpose.as_ref().unwrap().0,
            Purpose::Inference
        );
        let retrain = &out.workloads[1];
        assert_eq!(
            retrain.function.as_ref().unwrap().package_type.as_deref(),
            Some("Image")
        );
        assert_eq!(
            retrain.inferred_purpose.as_ref().unwrap().0,
            Purpose::Training
        );
        assert_eq!(retrain.suppressions[0].codes, ["FIT001"]);
        assert_eq!(retrain.location.line, 23);
    }

    #[test]
    fn defaults_apply_and_other_providers_are_skipped() {
        let out = functions(
            "service: s\nprovider: aws\nfunctions:\n  f:\n    handler: h\n",
            &[],
        );
        let spec = out.workloads[0].function.as_ref().unwrap();
        assert_eq!((spec.memory_mb, spec.timeout_s), (Some(1024.0), Some(6.0)));
        assert!(out.workloads[0]
            .notes
            .iter()
            .any(|n| n.contains("default 1024 MB")));
        let google = functions(
            "service: s\nprovider:\n  name: google\nfunctions:\n  f:\n    handler: h\n",
            &[],
        );
        let spec = google.workloads[0].function.as_ref().unwrap();
        assert_eq!(spec.plan, crate::model::FunctionPlan::CloudFunctionsGen1);
        assert_eq!((spec.memory_mb, spec.timeout_s), (Some(256.0), Some(60.0)));
        let other = functions(
            "service: s\nprovider:\n  name: openwhisk\nfunctions:\n  f:\n    handler: h\n",
            &[],
        );
        assert!(other.workloads.is_empty());
        assert!(other.skipped[0].reason.contains("openwhisk"));
    }
}
