//! The embedded price and latency catalogue: data files under `catalog/`,
//! compiled into the binary, every row with its source and date.
//!
//! The catalogue prices what its sources price and nothing else: a row
//! without a price (`-`) keeps the reason in its note, and callers report
//! the workload as unpriced with that reason.

pub mod allocatable;
pub mod generate;
pub mod instances;
pub mod query;
mod tsv;

pub use instances::{home_region, CustomRate, Instance, Quote, RegionPrice};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::model::{AcceleratorVendor, Cloud, Purpose};

/// Hours in a month, the convention every monthly figure uses.
pub const HOURS_PER_MONTH: f64 = 730.0;

const SOURCES: &str = include_str!("../../catalog/sources.tsv");
const CURATED_INSTANCES: (&str, &str) = (
    "instances-sagemaker.tsv",
    include_str!("../../catalog/instances-sagemaker.tsv"),
);
const TPU_HOSTS: (&str, &str) = ("tpu-hosts.tsv", include_str!("../../catalog/tpu-hosts.tsv"));
const TPU_CHIPS: (&str, &str) = ("tpu-chips.tsv", include_str!("../../catalog/tpu-chips.tsv"));
/// Generated tables (`cargo run --bin catalog-gen`), one per cloud.
const GENERATED: [(Cloud, &str, &str); 3] = [
    (
        Cloud::Aws,
        "generated/aws.tsv",
        include_str!("../../catalog/generated/aws.tsv"),
    ),
    (
        Cloud::Gcp,
        "generated/gcp.tsv",
        include_str!("../../catalog/generated/gcp.tsv"),
    ),
    (
        Cloud::Azure,
        "generated/azure.tsv",
        include_str!("../../catalog/generated/azure.tsv"),
    ),
];
const GCP_CUSTOM: &str = include_str!("../../catalog/generated/gcp-custom.tsv");
const SERVICES: &str = include_str!("../../catalog/services.tsv");
const LAMBDA_REGIONS: &str = include_str!("../../catalog/lambda-regions.tsv");
const LAMBDA_COLDSTART: &str = include_str!("../../catalog/lambda-coldstart.tsv");
const ATTACHED_GPUS: &str = include_str!("../../catalog/gpus-attached.tsv");
const GPU_MODELS: &str = include_str!("../../catalog/gpus.tsv");
const UNIT_PRICES: &str = include_str!("../../catalog/unit-prices.tsv");
const LATENCY: &str = include_str!("../../catalog/latency.tsv");
const PROFILES: &str = include_str!("../../catalog/profiles.tsv");

/// Where a figure comes from (a row of `catalog/sources.tsv`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Source {
    /// Short key used by the tables (`KP`, `SKY-GCP`…) and by
    /// `tcolint sources KEY`; reports cite the title instead.
    pub key: String,
    /// The source's date, as precise as the source allows.
    pub date: String,
    /// What the source is, as reports cite it.
    pub title: String,
    /// Where to find it: a public URL or document name.
    #[serde(rename = "where")]
    pub location: String,
    /// What the catalogue took from it.
    pub note: String,
    /// `title, date`, built once: basis strings cite sources for every
    /// workload.
    #[serde(skip)]
    citation: String,
}

impl Source {
    /// A source from its `sources.tsv` columns.
    pub fn new(key: &str, date: &str, title: &str, location: &str, note: &str) -> Source {
        Source {
            key: key.to_string(),
            date: date.to_string(),
            title: title.to_string(),
            location: location.to_string(),
            note: note.to_string(),
            citation: format!("{title}, {date}"),
        }
    }

    /// `title, date`: how reports cite the source.
    pub fn citation(&self) -> &str {
        &self.citation
    }
}

/// A GPU priced per GPU-hour and attached to a general-purpose machine.
#[derive(Clone, Debug)]
pub struct AttachableGpu {
    /// Which cloud sells it.
    pub cloud: Cloud,
    /// The region the price is for.
    pub region: String,
    /// The GPU model (catalogue name).
    pub gpu_model: String,
    /// Price per GPU-hour.
    pub usd_per_gpu_hour: f64,
    /// Machines it attaches to.
    pub attach_to: Vec<String>,
    /// Memory per GPU in GiB, when known.
    pub gpu_memory_gib: Option<f64>,
    /// Key of the price's source.
    pub price_source: String,
    /// Caveat.
    pub note: Option<String>,
}

impl AttachableGpu {
    /// Whether the GPU attaches to machine type `name` (`attach_to`
    /// entries are names, or prefixes ending in `*`).
    pub fn attaches_to(&self, name: &str) -> bool {
        // Compared in place, ASCII case-insensitively: pricing asks this of
        // every machine type for every GPU workload.
        let name = name.as_bytes();
        self.attach_to.iter().any(|pattern| {
            let pattern = pattern.as_bytes();
            match pattern.strip_suffix(b"*") {
                Some(prefix) => name
                    .get(..prefix.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(prefix)),
                None => name.eq_ignore_ascii_case(pattern),
            }
        })
    }
}

/// An accelerator model and the names hints use for it.
#[derive(Clone, Debug)]
pub struct GpuModel {
    /// Catalogue name (`A100-80GB`).
    pub model: String,
    /// Family (`A100`); a hint naming only the family matches every variant.
    pub family: String,
    /// Maker.
    pub vendor: AcceleratorVendor,
    /// Memory per device in GiB, when known.
    pub memory_gib: Option<f64>,
    /// Lowercase names hints use.
    pub aliases: Vec<String>,
}

/// OpenCost's default unit prices, the fallback when nothing names a node.
#[derive(Clone, Debug)]
pub struct UnitPrices {
    /// Per vCPU-hour.
    pub cpu_usd_per_hour: f64,
    /// Per GiB-hour.
    pub memory_usd_per_gib_hour: f64,
    /// Per GPU-hour.
    pub gpu_usd_per_hour: f64,
    /// Key of the source.
    pub source: String,
}

/// A reference figure for latency projections.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The value in `unit`.
    pub value: f64,
    /// Unit (`s`, `GB`, `GB/s`).
    pub unit: String,
    /// Key of the source.
    pub source: String,
    /// How the value follows from the source.
    pub basis: String,
}

/// A managed-service rate.
#[derive(Clone, Debug)]
pub struct ServiceRate {
    /// Which cloud sells it.
    pub cloud: Cloud,
    /// The region the rate is for.
    pub region: String,
    /// Service name (`eks-control-plane`, `cloud-run-instance`).
    pub service: String,
    /// What one unit is (`cluster-hour`, `vcpu-second`).
    pub unit: String,
    /// Price per unit.
    pub usd: f64,
    /// Key of the source.
    pub price_source: String,
    /// Caveat.
    pub note: Option<String>,
}

/// Measured Lambda init durations of one runtime, in milliseconds.
#[derive(Clone, Debug)]
pub struct LambdaInit {
    /// The benchmarked runtime.
    pub measured: String,
    /// Runtime identifiers this row stands for.
    pub runtimes: Vec<String>,
    /// Zip package on x86_64.
    pub zip_x86_64_ms: f64,
    /// Zip package on arm64.
    pub zip_arm64_ms: f64,
    /// Container image on x86_64.
    pub image_x86_64_ms: f64,
    /// Container image on arm64.
    pub image_arm64_ms: f64,
    /// Key of the source.
    pub source: String,
}

/// A usage default for one purpose.
#[derive(Clone, Debug)]
pub struct ProfileDefault {
    /// The value.
    pub value: f64,
    /// Key of the source.
    pub source: String,
    /// Why this value.
    pub basis: String,
}

/// One machine in a [`Catalog::container_prices`] list: its row in
/// `instances(cloud)`, size and on-demand price in the region.
#[derive(Clone, Debug)]
pub struct ContainerPrice {
    /// Index into `instances(cloud)`.
    pub index: usize,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// On-demand price per hour in the region.
    pub usd_per_hour: f64,
    /// Key of the price's source.
    pub source: &'static str,
}

type ContainerKey = (Cloud, String, String);

/// Per (cloud, architecture, region): the machines without GPUs, cheapest
/// first, built on first use. Cloning a catalogue starts an empty memo.
#[derive(Debug, Default)]
struct ContainerMemo(Mutex<HashMap<ContainerKey, Arc<Vec<ContainerPrice>>>>);

impl Clone for ContainerMemo {
    fn clone(&self) -> Self {
        ContainerMemo::default()
    }
}

/// The whole catalogue.
#[derive(Clone, Debug)]
pub struct Catalog {
    sources: BTreeMap<String, Source>,
    /// Curated instance rows (SageMaker, TPU VM hosts), loaded eagerly.
    curated: Vec<Instance>,
    /// Generated tables, parsed per cloud on first use (AWS, GCP, Azure).
    generated: [OnceLock<Vec<Instance>>; 3],
    /// GCP custom machine type rates, parsed on first use.
    custom_rates: OnceLock<Vec<CustomRate>>,
    /// GPUs priced per GPU-hour.
    pub attachable_gpus: Vec<AttachableGpu>,
    /// Known accelerator models.
    pub gpu_models: Vec<GpuModel>,
    /// Fallback unit prices.
    pub unit_prices: UnitPrices,
    /// Managed-service rates.
    pub services: Vec<ServiceRate>,
    /// Lambda init durations by runtime.
    pub lambda_init: Vec<LambdaInit>,
    /// Regions whose Lambda rates differ from us-east-1's: (region, source key).
    lambda_rate_exceptions: Vec<(String, String)>,
    latency: BTreeMap<String, Figure>,
    profiles: BTreeMap<(String, String), ProfileDefault>,
    containers: ContainerMemo,
}

impl Catalog {
    /// Loads the embedded catalogue. Fails only if the embedded data is
    /// malformed, which the unit tests rule out.
    pub fn embedded() -> Result<Catalog, String> {
        let sources = tsv::for_each_row("sources.tsv", SOURCES, |row| {
            Ok(Source::new(
                row.text("key")?,
                row.text("date")?,
                row.text("title")?,
                row.text("where")?,
                row.text("note")?,
            ))
        })?
        .into_iter()
        .map(|source| (source.key.clone(), source))
        .collect::<BTreeMap<_, _>>();
        let known_source = |row: &tsv::Row<'_>, column: &str| -> Result<String, String> {
            let key = row.text(column)?;
            if sources.contains_key(key) {
                Ok(key.to_string())
            } else {
                Err(row.error(column, &format!("names unknown source {key:?}")))
            }
        };
        let cloud = |row: &tsv::Row<'_>| -> Result<Cloud, String> {
            let text = row.text("cloud")?;
            Cloud::parse(text).ok_or_else(|| row.error("cloud", &format!("unknown cloud {text:?}")))
        };

        let source_keys: Vec<&'static str> = SOURCES
            .lines()
            .filter_map(|line| line.split('\t').next())
            .collect();
        let known_key = |key: &str| source_keys.iter().find(|k| **k == key).copied();
        let mut curated =
            instances::parse_curated(CURATED_INSTANCES.0, CURATED_INSTANCES.1, &known_key)?;
        curated.extend(instances::parse_tpu_hosts(
            TPU_HOSTS, TPU_CHIPS, &known_key,
        )?);
        let attachable_gpus = tsv::for_each_row("gpus-attached.tsv", ATTACHED_GPUS, |row| {
            Ok(AttachableGpu {
                cloud: cloud(row)?,
                region: row.text("region")?.to_string(),
                gpu_model: row.text("gpu_model")?.to_string(),
                usd_per_gpu_hour: row.required_number("usd_per_gpu_hour")?,
                attach_to: row
                    .text("attach_to")?
                    .split(',')
                    .map(|name| name.trim().to_string())
                    .collect(),
                gpu_memory_gib: row.number("gpu_memory_gib")?,
                price_source: known_source(row, "price_source")?,
                note: row.get("note").map(str::to_string),
            })
        })?;
        let gpu_models = tsv::for_each_row("gpus.tsv", GPU_MODELS, |row| {
            let vendor = match row.text("vendor")? {
                "nvidia" => AcceleratorVendor::Nvidia,
                "amd" => AcceleratorVendor::Amd,
                "intel" => AcceleratorVendor::Intel,
                "aws" => AcceleratorVendor::Aws,
                "google" => AcceleratorVendor::Google,
                other => return Err(row.error("vendor", &format!("unknown vendor {other:?}"))),
            };
            Ok(GpuModel {
                model: row.text("model")?.to_string(),
                family: row.text("family")?.to_string(),
                vendor,
                memory_gib: row.number("memory_gib")?,
                aliases: row
                    .text("aliases")?
                    .split(',')
                    .map(|alias| alias.trim().to_ascii_lowercase())
                    .collect(),
            })
        })?;
        let mut unit_prices = BTreeMap::new();
        let mut unit_source = String::new();
        tsv::for_each_row("unit-prices.tsv", UNIT_PRICES, |row| {
            unit_source = known_source(row, "price_source")?;
            unit_prices.insert(
                row.text("resource")?.to_string(),
                row.required_number("usd_per_unit_hour")?,
            );
            Ok(())
        })?;
        let unit = |name: &str| {
            unit_prices
                .get(name)
                .copied()
                .ok_or_else(|| format!("unit-prices.tsv: no {name} row"))
        };
        let unit_prices = UnitPrices {
            cpu_usd_per_hour: unit("cpu")?,
            memory_usd_per_gib_hour: unit("memory")?,
            gpu_usd_per_hour: unit("gpu")?,
            source: unit_source,
        };
        let latency = tsv::for_each_row("latency.tsv", LATENCY, |row| {
            Ok((
                row.text("key")?.to_string(),
                Figure {
                    value: row.required_number("value")?,
                    unit: row.text("unit")?.to_string(),
                    source: known_source(row, "source")?,
                    basis: row.text("basis")?.to_string(),
                },
            ))
        })?
        .into_iter()
        .collect();
        let profiles = tsv::for_each_row("profiles.tsv", PROFILES, |row| {
            let purpose = row.text("purpose")?;
            if Purpose::parse(purpose).is_none() {
                return Err(row.error("purpose", "is not a purpose"));
            }
            Ok((
                (purpose.to_string(), row.text("key")?.to_string()),
                ProfileDefault {
                    value: row.required_number("value")?,
                    source: known_source(row, "source")?,
                    basis: row.text("basis")?.to_string(),
                },
            ))
        })?
        .into_iter()
        .collect();
        let services = tsv::for_each_row("services.tsv", SERVICES, |row| {
            Ok(ServiceRate {
                cloud: cloud(row)?,
                region: row.text("region")?.to_string(),
                service: row.text("service")?.to_string(),
                unit: row.text("unit")?.to_string(),
                usd: row.required_number("usd")?,
                price_source: known_source(row, "price_source")?,
                note: row.get("note").map(str::to_string),
            })
        })?;
        let lambda_init = tsv::for_each_row("lambda-coldstart.tsv", LAMBDA_COLDSTART, |row| {
            Ok(LambdaInit {
                measured: row.text("measured")?.to_string(),
                runtimes: row
                    .text("runtimes")?
                    .split(',')
                    .map(|r| r.trim().to_ascii_lowercase())
                    .collect(),
                zip_x86_64_ms: row.required_number("zip_x86_64_ms")?,
                zip_arm64_ms: row.required_number("zip_arm64_ms")?,
                image_x86_64_ms: row.required_number("image_x86_64_ms")?,
                image_arm64_ms: row.required_number("image_arm64_ms")?,
                source: known_source(row, "source")?,
            })
        })?;
        let lambda_rate_exceptions =
            tsv::for_each_row("lambda-regions.tsv", LAMBDA_REGIONS, |row| {
                row.required_number("x86_usd_per_ms_128mb")?;
                Ok((
                    row.text("region")?.to_string(),
                    known_source(row, "source")?,
                ))
            })?;
        let catalog = Catalog {
            lambda_rate_exceptions,
            lambda_init,
            sources,
            curated,
            generated: Default::default(),
            custom_rates: OnceLock::new(),
            attachable_gpus,
            gpu_models,
            unit_prices,
            services,
            latency,
            profiles,
            containers: ContainerMemo::default(),
        };
        catalog.check_references()?;
        Ok(catalog)
    }

    fn check_references(&self) -> Result<(), String> {
        let models: Vec<&str> = self.gpu_models.iter().map(|m| m.model.as_str()).collect();
        for instance in &self.curated {
            if let Some(model) = &instance.gpu_model {
                if !models.contains(&model.as_str()) {
                    return Err(format!(
                        "{}: {} names GPU model {model:?}, which gpus.tsv does not list",
                        instance.table, instance.name
                    ));
                }
            }
        }
        for gpu in &self.attachable_gpus {
            if !models.contains(&gpu.gpu_model.as_str()) {
                return Err(format!(
                    "gpus-attached.tsv: GPU model {:?} is not in gpus.tsv",
                    gpu.gpu_model
                ));
            }
        }
        if !self.sources.contains_key("CATALOG") {
            return Err("sources.tsv: no CATALOG row".into());
        }
        // Workloads name services by a typed key; each must have rates.
        for service in crate::model::Service::ALL {
            if !self
                .services
                .iter()
                .any(|rate| rate.service == service.key())
            {
                return Err(format!(
                    "services.tsv: no rates for {}, which workloads are billed by",
                    service.key()
                ));
            }
        }
        Ok(())
    }

    /// The date of the catalogue as a whole.
    pub fn date(&self) -> &str {
        self.sources
            .get("CATALOG")
            .map_or("unknown", |source| source.date.as_str())
    }

    /// A source by key.
    pub fn source(&self, key: &str) -> Option<&Source> {
        self.sources.get(key)
    }

    /// Every source, by key.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.values()
    }

    /// `title, date`, the citation used in basis strings and messages
    /// (`tcolint sources` says where to find each source).
    pub fn cite<'a>(&'a self, key: &'a str) -> &'a str {
        self.sources.get(key).map_or(key, Source::citation)
    }

    /// The generated rows of `cloud`, sorted by lowercase name (parsed on
    /// first use; the unit tests check every table parses).
    pub fn instances(&self, cloud: Cloud) -> &[Instance] {
        let index = GENERATED
            .iter()
            .position(|(c, _, _)| *c == cloud)
            .unwrap_or_default();
        self.generated[index].get_or_init(|| {
            let (cloud, table, text) = GENERATED[index];
            instances::parse_generated(cloud, table, text).unwrap_or_default()
        })
    }

    /// The machines of `cloud` without GPUs that `keep` accepts, with their
    /// on-demand price in `region`, cheapest first (ties by name). Built once
    /// per (cloud, `arch`, region) and reused: `keep` must depend on
    /// nothing but `arch`. The search for an always-on alternative to a
    /// function runs per function; the table is parsed once per region.
    pub fn container_prices(
        &self,
        cloud: Cloud,
        arch: &str,
        region: &str,
        keep: &dyn Fn(&Instance) -> bool,
    ) -> Arc<Vec<ContainerPrice>> {
        let key = (cloud, arch.to_string(), region.to_string());
        if let Some(found) = self
            .containers
            .0
            .lock()
            .ok()
            .and_then(|memo| memo.get(&key).cloned())
        {
            return found;
        }
        let rows = self.instances(cloud);
        let mut prices: Vec<ContainerPrice> = rows
            .iter()
            .enumerate()
            .filter(|(_, i)| i.gpu_count == 0 && keep(i))
            .filter_map(|(index, i)| {
                let price = i.price_in(region)?;
                Some(ContainerPrice {
                    index,
                    vcpu: i.vcpu,
                    memory_gib: i.memory_gib,
                    usd_per_hour: price.on_demand?,
                    source: price.source,
                })
            })
            .collect();
        prices.sort_by(|a, b| {
            a.usd_per_hour
                .total_cmp(&b.usd_per_hour)
                .then(rows[a.index].name.cmp(&rows[b.index].name))
        });
        let prices = Arc::new(prices);
        if let Ok(mut memo) = self.containers.0.lock() {
            memo.insert(key, Arc::clone(&prices));
        }
        prices
    }

    /// Curated instance rows (SageMaker, TPU VM hosts).
    pub fn curated_instances(&self) -> &[Instance] {
        &self.curated
    }

    /// Nodes a pod can be scheduled on that are not in the generated
    /// tables: the TPU VM hosts of `cloud`.
    pub fn accelerator_hosts(&self, cloud: Cloud) -> impl Iterator<Item = &Instance> + '_ {
        self.curated
            .iter()
            .filter(move |row| row.cloud == cloud && row.table == TPU_HOSTS.0)
    }

    /// Every row of every cloud (parses every table).
    pub fn all_instances(&self) -> impl Iterator<Item = &Instance> + '_ {
        GENERATED
            .iter()
            .flat_map(|(cloud, _, _)| self.instances(*cloud).iter())
            .chain(self.curated.iter())
    }

    fn custom_rates(&self) -> &[CustomRate] {
        self.custom_rates
            .get_or_init(|| instances::parse_custom(GCP_CUSTOM).unwrap_or_default())
    }

    /// An instance row by name (case-insensitive: Azure sizes are written
    /// in any case). GCP custom machine types are priced from their
    /// family's per-unit rates.
    pub fn instance(&self, name: &str) -> Option<Instance> {
        let name = name.trim();
        if let Some(row) = self
            .curated
            .iter()
            .find(|row| row.name.eq_ignore_ascii_case(name))
        {
            return Some(row.clone());
        }
        let lower = name.to_ascii_lowercase();
        let guess = if lower.starts_with("standard_") || lower.starts_with("basic_") {
            Cloud::Azure
        } else if lower.contains('.') {
            Cloud::Aws
        } else {
            Cloud::Gcp
        };
        let lookup = |cloud: Cloud| -> Option<Instance> {
            let index = GENERATED.iter().position(|(c, _, _)| *c == cloud)?;
            // A table already parsed is searched as rows; otherwise one line
            // is found in the sorted text and parsed alone.
            if let Some(rows) = self.generated[index].get() {
                let found = rows.binary_search_by(|row| {
                    row.name
                        .bytes()
                        .map(|b| b.to_ascii_lowercase())
                        .cmp(lower.bytes())
                });
                return found.ok().map(|i| rows[i].clone());
            }
            let (cloud, table, text) = GENERATED[index];
            instances::find_generated(cloud, table, text, &lower)
        };
        if let Some(found) = lookup(guess) {
            return Some(found);
        }
        // A custom machine type before the other clouds' tables.
        if let Some(custom) = instances::custom_instance(name, self.custom_rates()) {
            return custom.ok();
        }
        [Cloud::Aws, Cloud::Gcp, Cloud::Azure]
            .into_iter()
            .filter(|c| *c != guess)
            .find_map(lookup)
    }

    /// Why a GCP custom machine type name cannot be priced, if it is one.
    pub fn custom_type_problem(&self, name: &str) -> Option<String> {
        instances::custom_instance(name, self.custom_rates()).and_then(Result::err)
    }

    /// The price of `instance` in `region` (its default region when
    /// `None`), with a nearby region standing in when the data lacks the
    /// region, unless `strict`.
    pub fn quote(
        &self,
        instance: &Instance,
        region: Option<&str>,
        strict: bool,
    ) -> Result<Quote, String> {
        let region = region.map(|r| normalize_region(instance.cloud, r));
        let quote = instance.quote(region.as_deref())?;
        if let (true, Some(wanted)) = (strict, &quote.approximates) {
            return Err(format!(
                "the data has no {} price for {wanted}, and strict prices are on (the nearest priced region is {})",
                instance.name, quote.price.region
            ));
        }
        Ok(quote)
    }

    /// The known name closest to `name`, for "did you mean" hints: only
    /// names of the same family (`g5.3xlarge` → `g5.2xlarge`, never
    /// `m5.4xlarge` → `p5.4xlarge`), and only for accelerated families,
    /// where a typo is the likely cause.
    pub fn nearest_instance(&self, name: &str) -> Option<&str> {
        if !is_accelerated_family(name) {
            return None;
        }
        let wanted = family_of(name);
        let candidates = self
            .all_instances()
            .map(|i| i.name.as_str())
            .filter(|candidate| family_of(candidate).eq_ignore_ascii_case(wanted));
        nearest(name, candidates)
    }

    /// A GPU model by catalogue name.
    pub fn gpu_model(&self, model: &str) -> Option<&GpuModel> {
        self.gpu_models.iter().find(|gpu| gpu.model == model)
    }

    /// The GPU model a hint value names (`nvidia-tesla-t4`, `NVIDIA-A100-SXM4-80GB`, `l4`).
    pub fn gpu_model_for_hint(&self, value: &str) -> Option<&GpuModel> {
        let lower = value.trim().to_ascii_lowercase();
        let by_alias = |name: &str| {
            self.gpu_models
                .iter()
                .find(|gpu| gpu.aliases.iter().any(|alias| alias == name))
        };
        if let Some(gpu) = by_alias(&lower) {
            return Some(gpu);
        }
        let mut stripped = lower.as_str();
        for prefix in ["nvidia-", "tesla-", "nvidia-tesla-"] {
            stripped = stripped.strip_prefix(prefix).unwrap_or(stripped);
        }
        if let Some(gpu) = by_alias(stripped) {
            return Some(gpu);
        }
        // GFD product names carry a form factor: `A100-SXM4-40GB`, `H100-PCIE-80GB`.
        let tokens: Vec<&str> = stripped.split(['-', '_', ' ']).collect();
        let family = self.gpu_models.iter().find(|gpu| {
            tokens
                .first()
                .is_some_and(|first| gpu.family.eq_ignore_ascii_case(first))
        })?;
        let memory = tokens.iter().find_map(|token| {
            token
                .strip_suffix("gb")
                .and_then(|digits| digits.parse::<f64>().ok())
        });
        let variants = self
            .gpu_models
            .iter()
            .filter(|gpu| gpu.family == family.family);
        match memory {
            Some(memory) => variants
                .clone()
                .find(|gpu| gpu.memory_gib == Some(memory))
                .or_else(|| variants.clone().find(|gpu| gpu.memory_gib.is_none())),
            None => variants.clone().find(|gpu| gpu.memory_gib.is_none()),
        }
        .or(Some(family))
    }

    /// The known GPU alias closest to `value`.
    pub fn nearest_gpu_alias(&self, value: &str) -> Option<&str> {
        nearest(
            &value.to_ascii_lowercase(),
            self.gpu_models
                .iter()
                .flat_map(|gpu| gpu.aliases.iter().map(String::as_str)),
        )
    }

    /// Whether a node's GPU model satisfies a wanted model: same model, or
    /// the wanted model is a family-level name (no memory) of the same family.
    pub fn gpu_matches(&self, node_model: &str, wanted: &GpuModel) -> bool {
        if node_model == wanted.model {
            return true;
        }
        wanted.memory_gib.is_none()
            && self
                .gpu_model(node_model)
                .is_some_and(|node| node.family == wanted.family)
    }

    /// The rate of `service` per `unit`.
    pub fn service(&self, service: &str, unit: &str) -> Option<&ServiceRate> {
        self.services
            .iter()
            .find(|rate| rate.service == service && rate.unit == unit)
    }

    /// The rates of `service`.
    pub fn service_rates(&self, service: &str) -> impl Iterator<Item = &ServiceRate> + '_ {
        let service = service.to_string();
        self.services
            .iter()
            .filter(move |rate| rate.service == service)
    }

    /// The Lambda init row for a runtime identifier (`python3.11` → the
    /// python3.12 measurement).
    pub fn lambda_init(&self, runtime: &str) -> Option<&LambdaInit> {
        let runtime = runtime.trim().to_ascii_lowercase();
        self.lambda_init
            .iter()
            .find(|row| row.runtimes.contains(&runtime))
    }

    /// Whether Lambda in `region` charges the us-east-1 rates: `Ok(())`
    /// when it does, else why not (the region's rates differ; the source).
    pub fn lambda_same_rates(&self, region: &str) -> Result<(), String> {
        match self
            .lambda_rate_exceptions
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(region))
        {
            None => Ok(()),
            Some((_, source)) => Err(format!(
                "Lambda rates in {region} differ from us-east-1's ({}), and the catalogue has no full rate set for {region}",
                self.cite(source)
            )),
        }
    }

    /// A latency reference figure by key.
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.latency.get(key)
    }

    /// The usage default for `purpose` and `key`.
    pub fn profile_default(&self, purpose: Purpose, key: &str) -> Option<&ProfileDefault> {
        self.profiles
            .get(&(purpose.as_str().to_string(), key.to_string()))
    }
}

/// A region as the catalogue writes it: GCP zones become their region
/// (`us-central1-a` → `us-central1`), Azure display names lose case and
/// spaces (`East US` → `eastus`).
pub fn normalize_region(cloud: Cloud, region: &str) -> String {
    let region = region.trim();
    match cloud {
        Cloud::Aws => region.to_ascii_lowercase(),
        Cloud::Gcp => {
            let lower = region.to_ascii_lowercase();
            // A zone ends in `-<letter>`: `us-central1-a`.
            match lower.rsplit_once('-') {
                Some((prefix, zone))
                    if zone.len() == 1 && zone.chars().all(|c| c.is_ascii_lowercase()) =>
                {
                    prefix.to_string()
                }
                _ => lower,
            }
        }
        Cloud::Azure => region
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase(),
    }
}

/// Whether an instance type name belongs to an accelerated family (AWS
/// p/g/inf/trn/dl, GCP a2/a3/a4/g2/g4, Azure N-series), known or not.
pub fn is_accelerated_family(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    let family = family_of(&lower);
    if lower.starts_with("standard_") {
        return family.starts_with('n');
    }
    let with_generation = |prefixes: &[&str]| {
        prefixes.iter().any(|prefix| {
            family
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_digit()))
        })
    };
    (lower.contains('.') && with_generation(&["p", "g", "inf", "trn", "dl"]))
        || (lower.contains('-') && with_generation(&["a", "g", "ct"]))
}

/// An instance type's family, as a slice of `name` in its own case: `g5`
/// of `g5.xlarge`, `n1` of `n1-standard-4`, `NC` of `Standard_NC4as_T4_v3`.
/// No copy: the suggestion search compares it with every machine of the
/// catalogue.
fn family_of(name: &str) -> &str {
    let name = name.trim();
    let without = |prefix: &str| {
        name.get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &name[prefix.len()..])
    };
    if let Some(size) = without("standard_") {
        let end = size
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(size.len());
        return &size[..end];
    }
    let name = without("ml.").unwrap_or(name);
    name.split(['.', '-']).next().unwrap_or_default()
}

/// The candidate closest to `name` by edit distance, if it is close enough
/// to be a plausible typo.
fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&lower, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .min_by_key(|(distance, candidate)| (*distance, candidate.len().abs_diff(lower.len())))
        .filter(|(distance, _)| *distance <= (lower.len() / 3).max(2))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().unwrap()
    }

    #[test]
    fn embedded_catalogue_loads_and_is_consistent() {
        let catalog = catalog();
        assert_eq!(catalog.date(), "2026-11-27");
        for (cloud, table, text) in GENERATED {
            let rows = instances::parse_generated(cloud, table, text).unwrap();
            assert!(rows.len() > 500, "{table}");
            assert!(
                rows.windows(2)
                    .all(|w| w[0].name.to_ascii_lowercase() < w[1].name.to_ascii_lowercase()),
                "{table} must be sorted by lowercase name"
            );
        }
        instances::parse_custom(GCP_CUSTOM).unwrap();
        for instance in catalog.all_instances() {
            assert!(instance.vcpu > 0.0, "{}", instance.name);
            assert_eq!(
                instance.gpu_count == 0,
                instance.gpu_model.is_none(),
                "{}",
                instance.name
            );
            if let Some(model) = &instance.gpu_model {
                assert!(
                    catalog.gpu_model(model).is_some(),
                    "{}: {model}",
                    instance.name
                );
            }
            for price in instance.prices() {
                assert!(catalog.source(price.source).is_some(), "{}", price.source);
            }
        }
        for gpu in &catalog.attachable_gpus {
            let machines = catalog
                .instances(gpu.cloud)
                .iter()
                .filter(|i| gpu.attaches_to(&i.name))
                .count();
            assert!(machines > 10, "{}: {machines} machines", gpu.gpu_model);
            assert!(gpu.attaches_to("n1-standard-16") && !gpu.attaches_to("n2-standard-16"));
        }
    }

    #[test]
    fn attachable_gpus_match_names_and_prefixes_in_any_case() {
        let gpu = AttachableGpu {
            attach_to: vec!["N1-*".into(), "a2-highgpu-1g".into()],
            ..catalog().attachable_gpus[0].clone()
        };
        assert!(gpu.attaches_to("n1-standard-4") && gpu.attaches_to("N1-HIGHMEM-8"));
        assert!(gpu.attaches_to("A2-HighGPU-1g") && !gpu.attaches_to("a2-highgpu-1"));
        assert!(!gpu.attaches_to("n") && !gpu.attaches_to("n2-standard-4"));
        assert!(!gpu.attaches_to("a2-highgpu-1g-x") && !gpu.attaches_to(""));
    }

    /// A user can follow every citation: each source has a title, a date
    /// and a public URL or a file in this repository, and none points at
    /// material outside it.
    #[test]
    fn every_source_says_where_to_find_it() {
        let catalog = catalog();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for source in catalog.sources() {
            count += 1;
            for field in [&source.title, &source.date, &source.location, &source.note] {
                assert!(!field.trim().is_empty(), "{}", source.key);
                assert!(
                    !field.contains("FACTS") && !field.contains("shared/"),
                    "{}: {field}",
                    source.key
                );
            }
            // A key is not a title: reports cite the title.
            assert_ne!(source.title, source.key);
            let location = &source.location;
            if !location.starts_with("https://") {
                let file = location
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches(',');
                assert!(root.join(file).exists(), "{}: {location}", source.key);
            }
            for copy in location.split("copy: ").skip(1) {
                let file = copy.trim_end_matches(')');
                assert!(root.join(file).exists(), "{}: {file}", source.key);
            }
            assert_eq!(
                catalog.cite(&source.key),
                format!("{}, {}", source.title, source.date)
            );
        }
        assert!(count > 30, "{count} sources");
    }

    #[test]
    fn rows_carry_figures_from_facts() {
        let catalog = catalog();
        let g5 = catalog.instance("g5.12xlarge").unwrap();
        assert_eq!(g5.default_on_demand(), Some(5.672));
        assert_eq!((g5.vcpu, g5.memory_gib, g5.gpu_count), (48.0, 192.0, 4));
        assert_eq!(g5.gpu_model.as_deref(), Some("A10G"));
        let nc = catalog.instance("standard_nc24ads_a100_v4").unwrap();
        assert_eq!(nc.default_on_demand(), Some(3.673));
        let p5e = catalog.instance("p5e.48xlarge").unwrap();
        assert_eq!(p5e.default_on_demand(), None);
        assert_eq!(catalog.unit_prices.gpu_usd_per_hour, 0.95);
        assert_eq!(catalog.figure("node_provision_s").unwrap().value, 30.0);
        assert_eq!(
            catalog
                .profile_default(Purpose::Inference, "utilization")
                .unwrap()
                .value,
            0.05
        );
    }

    #[test]
    fn tpu_hosts_cost_their_chips() {
        let catalog = catalog();
        let price = |name: &str, region: &str| {
            let host = catalog.instance(name).unwrap();
            let price = host.price_in(region).unwrap();
            (host.gpu_count, price.on_demand.unwrap(), price.spot)
        };
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // The source's own multi-chip slice rows: tpu-v5litepod-8 us-west4
        // 9.6 / 3.84 spot; tpu-v5litepod-4 europe-west1 5.28528; tpu-v6e-4
        // europe-west4 11.88 / 4.0392 spot.
        let (chips, on_demand, spot) = price("ct5lp-hightpu-8t", "us-west4");
        assert_eq!(chips, 8);
        assert!(close(on_demand, 9.6) && close(spot.unwrap(), 3.84));
        let (_, on_demand, _) = price("ct5lp-hightpu-4t", "europe-west1");
        assert!(close(on_demand, 5.28528));
        let (_, on_demand, spot) = price("ct6e-standard-4t", "europe-west4");
        assert!(close(on_demand, 11.88) && close(spot.unwrap(), 4.0392));
        // A region without TPU v5e is priced from a stand-in and flagged.
        let host = catalog.instance("ct5lp-hightpu-1t").unwrap();
        let quote = catalog.quote(&host, Some("europe-west2"), false).unwrap();
        assert_eq!(quote.approximates.as_deref(), Some("europe-west2"));
        assert!(catalog.quote(&host, Some("europe-west2"), true).is_err());
        assert_eq!(
            catalog
                .gpu_model_for_hint("tpu-v5-lite-podslice")
                .map(|m| m.model.as_str()),
            Some("TPU-v5e")
        );
        assert_eq!(catalog.accelerator_hosts(Cloud::Gcp).count(), 6);
    }

    #[test]
    fn container_prices_are_the_cheapest_first_and_built_once() {
        let catalog = catalog();
        let amd64 = |i: &Instance| i.arch.as_deref() == Some("amd64");
        for region in ["us-east-1", "eu-west-1"] {
            let prices = catalog.container_prices(Cloud::Aws, "amd64", region, &amd64);
            let again = catalog.container_prices(Cloud::Aws, "amd64", region, &|_| false);
            assert!(Arc::ptr_eq(&prices, &again), "memoized per key");
            let rows = catalog.instances(Cloud::Aws);
            for (vcpu, memory) in [
                (0.0, 0.5),
                (2.0, 4.0),
                (8.0, 3.0),
                (0.0, 64.0),
                (96.0, 10.0),
            ] {
                let indexed = prices
                    .iter()
                    .find(|p| p.memory_gib >= memory && p.vcpu >= vcpu)
                    .map(|p| (rows[p.index].name.as_str(), p.usd_per_hour));
                // The whole-table scan the index replaces.
                let scanned = rows
                    .iter()
                    .filter(|i| i.gpu_count == 0 && amd64(i))
                    .filter(|i| i.memory_gib >= memory && i.vcpu >= vcpu)
                    .filter_map(|i| Some((i.name.as_str(), i.price_in(region)?.on_demand?)))
                    .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
                assert_eq!(indexed, scanned, "{region} {vcpu} {memory}");
                assert!(indexed.is_some());
            }
        }
    }

    #[test]
    fn accelerated_families() {
        for name in [
            "g5.3xlarge",
            "p4d.24xlarge",
            "inf2.xlarge",
            "trn1.2xlarge",
            "ml.g5.xlarge",
            "a2-highgpu-1g",
            "g2-standard-4",
            "Standard_NC6s_v3",
        ] {
            assert!(is_accelerated_family(name), "{name}");
        }
        for name in [
            "t3.nano",
            "m5.4xlarge",
            "e2-medium",
            "n1-standard-4",
            "Standard_D4s_v5",
            "test-machine_type",
        ] {
            assert!(!is_accelerated_family(name), "{name}");
        }
    }

    #[test]
    fn regions_are_normalized() {
        assert_eq!(normalize_region(Cloud::Gcp, "us-central1-a"), "us-central1");
        assert_eq!(normalize_region(Cloud::Gcp, "us-central1"), "us-central1");
        assert_eq!(normalize_region(Cloud::Azure, "East US"), "eastus");
        assert_eq!(normalize_region(Cloud::Aws, "US-EAST-1"), "us-east-1");
        let catalog = catalog();
        assert_eq!(
            catalog
                .service("eks-control-plane", "cluster-hour")
                .unwrap()
                .usd,
            0.10
        );
        assert_eq!(
            catalog
                .instance("ml.g5.xlarge")
                .unwrap()
                .default_on_demand(),
            Some(1.408)
        );
    }

    #[test]
    fn hint_values_map_to_models() {
        let catalog = catalog();
        let model = |hint: &str| catalog.gpu_model_for_hint(hint).map(|m| m.model.as_str());
        assert_eq!(model("nvidia-tesla-t4"), Some("T4"));
        assert_eq!(model("nvidia-l4"), Some("L4"));
        assert_eq!(model("nvidia-tesla-a100"), Some("A100-40GB"));
        assert_eq!(model("nvidia-a100-80gb"), Some("A100-80GB"));
        assert_eq!(model("NVIDIA-A100-SXM4-80GB"), Some("A100-80GB"));
        assert_eq!(model("NVIDIA-H100-80GB-HBM3"), Some("H100-80GB"));
        assert_eq!(model("Tesla-T4"), Some("T4"));
        assert_eq!(model("a100"), Some("A100"));
        assert_eq!(model("NVIDIA-A10G"), Some("A10G"));
        assert_eq!(model("nvidia-tesla-k80"), None);
    }

    #[test]
    fn family_names_match_every_variant() {
        let catalog = catalog();
        let a100 = catalog.gpu_model("A100").unwrap();
        assert!(catalog.gpu_matches("A100-80GB", a100));
        let a100_40 = catalog.gpu_model("A100-40GB").unwrap();
        assert!(!catalog.gpu_matches("A100-80GB", a100_40));
    }

    #[test]
    fn families_read_every_naming_scheme() {
        for (name, expected) in [
            ("g5.xlarge", "g5"),
            (" ML.G5.XLARGE ", "g5"),
            ("n1-standard-4", "n1"),
            ("Standard_NC4as_T4_v3", "nc"),
            ("standard_ND96asr_v4", "nd"),
            ("é-standard", "é"),
            ("", ""),
        ] {
            assert_eq!(family_of(name).to_ascii_lowercase(), expected, "{name:?}");
        }
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let catalog = catalog();
        assert_eq!(catalog.nearest_instance("g5.3xlarge"), Some("g5.2xlarge"));
        assert_eq!(catalog.nearest_instance("zz-unrelated-name-entirely"), None);
        assert_eq!(catalog.nearest_instance("m5.4xlarge"), None);
        assert_eq!(catalog.nearest_instance("e2-medium"), None);
        assert_eq!(
            catalog.nearest_instance("Standard_NC4as_T4_v4"),
            Some("Standard_NC4as_T4_v3")
        );
        assert_eq!(
            catalog.nearest_gpu_alias("nvidia-tesla-k80"),
            Some("nvidia-tesla-t4")
        );
    }
}
