//! Serverless Framework services for Azure Functions (`provider.name:
//! azure`, the serverless-azure-functions plugin, which deploys to the
//! Consumption plan) and Google Cloud Functions (`provider.name: google`,
//! the serverless-google-cloudfunctions plugin, which deploys 1st gen
//! functions): one function workload per function, with the plugin's
//! defaults, events and `custom.tcolint.usage`.

use super::variables::Resolver;
use crate::extract::shared::function::{function_workload, Read};
use crate::extract::shared::usage::usage_map;
use crate::extract::{comment_suppressions, Extraction, Problem};
use crate::model::{FunctionEvent, FunctionPlan, FunctionSetting, FunctionSpec, Trigger};
use crate::parse::yaml::NodeRef;
use crate::source::SourceFile;

/// Which plugin's service it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `provider.name: azure`.
    Azure,
    /// `provider.name: google`.
    Google,
}

impl Provider {
    /// The provider of `name`, when it is one of these.
    pub fn parse(name: &str) -> Option<Provider> {
        match name {
            "azure" => Some(Provider::Azure),
            "google" => Some(Provider::Google),
            _ => None,
        }
    }
}

/// Reads the functions of an Azure or Google Serverless Framework service.
pub fn extract(
    source: &SourceFile,
    root: NodeRef<'_>,
    resolver: &Resolver<'_>,
    provider: Provider,
    service: &str,
) -> Extraction {
    let mut out = Extraction::default();
    let location = |node: NodeRef<'_>| source.location(node.start(), node.len());
    let provider_node = root.get("provider");
    let setting = |key: &str| provider_node.and_then(|p| p.get(key));
    let mut provider_notes = Vec::new();
    let region = match resolver.scalar(setting("region")).ok().flatten() {
        Some(region) => region,
        None => {
            let default = match provider {
                Provider::Azure => "West US",
                Provider::Google => "us-central1",
            };
            provider_notes.push(format!(
                "provider.region is not set; the plugin's default {default} applies"
            ));
            default.to_string()
        }
    };
    let plan = match provider {
        Provider::Azure => match resolver.scalar(setting("type")).ok().flatten().as_deref() {
            None | Some("consumption") => FunctionPlan::AzureConsumption,
            Some(other) => {
                provider_notes.push(format!(
                    "provider.type {other}: the plugin's plan SKU is not in the configuration"
                ));
                FunctionPlan::AzureUnknownPlan
            }
        },
        Provider::Google => FunctionPlan::CloudFunctionsGen1,
    };
    let usage = root.path(&["custom", "tcolint", "usage"]);
    let functions: Vec<(NodeRef<'_>, NodeRef<'_>)> = match root.get("functions") {
        Some(f) if f.is_mapping() => f.entries().collect(),
        _ => Vec::new(),
    };
    for (key, function) in functions {
        let Some(name) = key.as_text() else {
            continue;
        };
        let mut notes = provider_notes.clone();
        let mut problems: Vec<Problem> = Vec::new();
        let value = |field: &str, from_provider: bool, notes: &mut Vec<String>| {
            super::function_value(
                function,
                &setting,
                from_provider,
                field,
                resolver,
                source,
                notes,
            )
        };
        let runtime = value("runtime", true, &mut notes).into_known();
        let handler = value("handler", false, &mut notes).into_known();
        let events = events(function, provider, &location);
        let mut spec = FunctionSpec {
            plan,
            runtime,
            handler,
            events,
            defined_at: Some(location(key)),
            ..FunctionSpec::default()
        };
        match provider {
            Provider::Google => {
                let memory =
                    value("memorySize", true, &mut notes).number("memorySize", &mut problems);
                // The plugin writes timeouts as durations (`60s`).
                let timeout = match value("timeout", true, &mut notes) {
                    Read::Known(text, at) => {
                        Read::Known(text.trim().trim_end_matches('s').to_string(), at)
                            .number("timeout", &mut problems)
                    }
                    Read::Absent => Read::Absent,
                    Read::Unknown => Read::Unknown,
                };
                let min =
                    value("minInstances", false, &mut notes).number("minInstances", &mut problems);
                if memory == Read::Absent {
                    notes.push("memorySize is not set; the plugin's default 256 MB applies".into());
                }
                if timeout == Read::Absent {
                    notes.push("timeout is not set; the plugin's default 60 s applies".into());
                }
                spec.memory_mb = memory.or_default(256.0);
                spec.cpu = spec.memory_mb.map(crate::model::cloud_functions_cpu);
                spec.timeout_s = timeout.or_default(60.0);
                spec.provisioned_concurrency = Some(min.known().map_or(0, |m| *m as u32));
                for (setting, at) in [
                    (FunctionSetting::Memory, memory.location()),
                    (FunctionSetting::Timeout, timeout.location()),
                    (FunctionSetting::ProvisionedConcurrency, min.location()),
                ] {
                    if let Some(at) = at {
                        spec.locations.insert(setting, at.clone());
                    }
                }
            }
            Provider::Azure => {
                if plan == FunctionPlan::AzureConsumption {
                    notes.push("the Consumption plan bills the memory a function uses, rounded up to 128 MB, up to 1,536 MB; the configuration cannot say how much it uses, so the 1,536 MB maximum is assumed (an upper bound)".into());
                    spec.memory_mb = Some(1536.0);
                    spec.timeout_s = Some(300.0);
                    notes.push("the function timeout is set in host.json; the Consumption plan's default 300 s applies".into());
                }
            }
        }
        let usage_settings = usage_map(
            usage.and_then(|u| u.get(name)),
            &format!("custom.tcolint.usage.{name}"),
            |value| resolver.scalar(Some(value)).map(|t| t.unwrap_or_default()),
            &location,
            &mut problems,
        );
        let end = function.start() + function.len();
        let mut workload = function_workload(
            format!("sls:{service}/{name}"),
            "function",
            location(key),
            spec,
            Some(crate::catalog::normalize_region(plan.cloud(), &region)),
            usage_settings,
            comment_suppressions(source, key.start(), end.max(key.start() + key.len())),
            notes,
        );
        if provider == Provider::Google {
            let max = function
                .get("maxInstances")
                .and_then(|node| resolver.scalar(Some(node)).ok().flatten())
                .and_then(|text| text.trim().parse::<u32>().ok())
                .filter(|max| *max > 0);
            if let Some(max) = max {
                workload.scaling.max = Some(max.max(workload.scaling.min));
                workload
                    .scaling
                    .basis
                    .push_str(&format!(" to {max} (maximum instances)"));
            }
        }
        out.workloads.push(workload);
        out.problems.extend(problems);
    }
    out
}

/// Azure event types the plugin binds (`- http: true`, `- queue: name`,
/// ...); the keys beside one in the same item are its settings.
const AZURE_EVENT_TYPES: [&str; 7] = [
    "http",
    "queue",
    "serviceBusQueue",
    "serviceBusTopic",
    "timer",
    "blob",
    "eventHub",
];

/// The plugins' event names as triggers, one per event item: `http` is the
/// function's own HTTPS endpoint; Azure `queue`/`serviceBusQueue`,
/// `timer`, `blob`, `eventHub`; Google `event` by its `eventType`.
fn events(
    function: NodeRef<'_>,
    provider: Provider,
    location: &dyn Fn(NodeRef<'_>) -> crate::source::Location,
) -> Vec<FunctionEvent> {
    let mut out = Vec::new();
    for event in function
        .get("events")
        .iter()
        .flat_map(|events| events.items())
    {
        // An item is one event: its type key, then (Azure's plugin) that
        // event's settings as siblings (`methods`, `authLevel`, `name`,
        // `x-azure-settings`, ...), which are not events. The type is the
        // known event key, else the item's first key.
        let keyed = || {
            event
                .entries()
                .filter_map(|(kind, body)| kind.as_text().map(|text| (kind, text, body)))
        };
        let Some((kind, kind_text, body)) = keyed()
            .find(|(_, text, _)| provider == Provider::Azure && AZURE_EVENT_TYPES.contains(text))
            .or_else(|| keyed().find(|(_, text, _)| *text != "x-azure-settings"))
        else {
            continue;
        };
        let trigger = match (provider, kind_text) {
            (_, "http") => Trigger::Https,
            (Provider::Azure, "queue" | "serviceBusQueue" | "serviceBusTopic") => Trigger::Queue,
            (Provider::Azure, "timer") => Trigger::Schedule,
            (Provider::Azure, "blob") => Trigger::Storage,
            (Provider::Azure, "eventHub") => Trigger::Stream,
            (Provider::Google, "event") => {
                let kind = body
                    .get("eventType")
                    .and_then(|t| t.as_text())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if kind.contains("pubsub") {
                    Trigger::Topic
                } else if kind.contains("storage") {
                    Trigger::Storage
                } else {
                    Trigger::Other("event".into())
                }
            }
            (_, other) => Trigger::Other(other.to_string()),
        };
        out.push(FunctionEvent {
            trigger,
            location: location(kind),
        });
    }
    out
}
