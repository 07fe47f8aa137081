//! The catalogue generator: reads the raw public snapshots in
//! `catalog/raw/` and writes the tables in `catalog/generated/`.
//!
//! Run it with `cargo run --bin catalog-gen`; a test checks that the
//! committed tables are what it produces. Each raw file is read as its
//! upstream publishes it, so a newer snapshot of the same file is a drop-in
//! replacement. Format knowledge of the raw files lives here only.
//!
//! Output: one table per cloud, one row per machine type, sorted by
//! lowercase name (the loader binary-searches it). The spec columns are
//! followed by one column per region; a region cell holds hourly prices
//! `on_demand/spot/commit_1y/commit_3y/sustained_use` with empty parts for
//! figures the data lacks, trailing ones dropped, and `*` after the
//! on-demand price when it is derived (see [`AWS_DERIVED_NOTE`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::parse::yaml::{self, NodeRef};

/// What `*` on an AWS regional price means.
pub const AWS_DERIVED_NOTE: &str = "derived: the 2025-04 regional list price x this type's us-east-1 price ratio (2026-07 / 2025-04)";

/// Hours in a month, as the GCP source computes `month` figures.
const GCP_HOURS_PER_MONTH: f64 = 730.0;

/// The raw files the generator reads, as text.
pub struct RawFiles {
    /// `aws-ondemand-us-east-1.karpenter.go`.
    pub aws_us_east_1: String,
    /// `aws-instance-types.karpenter.md`.
    pub aws_instance_types: String,
    /// `aws-ondemand-regions-2025-04/<region>-ondemand.json`, by region.
    pub aws_regions: BTreeMap<String, String>,
    /// `gcp-pricing.cyclenerd.yml`.
    pub gcp: String,
    /// `azure-vms.skypilot-v6.csv`.
    pub azure: String,
    /// `catalog/aws-specs-extra.tsv`: specs of types the instance-type
    /// reference no longer lists.
    pub aws_specs_extra: String,
}

impl RawFiles {
    /// Reads the raw files from a repository checkout.
    pub fn read(repo: &Path) -> Result<RawFiles, String> {
        let raw = repo.join("catalog/raw");
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let mut aws_regions = BTreeMap::new();
        let regions_dir = raw.join("aws-ondemand-regions-2025-04");
        let entries = std::fs::read_dir(&regions_dir)
            .map_err(|e| format!("{}: {e}", regions_dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(region) = name.strip_suffix("-ondemand.json") {
                aws_regions.insert(region.to_string(), read(&path)?);
            }
        }
        Ok(RawFiles {
            aws_us_east_1: read(&raw.join("aws-ondemand-us-east-1.karpenter.go"))?,
            aws_instance_types: read(&raw.join("aws-instance-types.karpenter.md"))?,
            aws_regions,
            gcp: read(&raw.join("gcp-pricing.cyclenerd.yml"))?,
            azure: read(&raw.join("azure-vms.skypilot-v6.csv"))?,
            aws_specs_extra: read(&repo.join("catalog/aws-specs-extra.tsv"))?,
        })
    }
}

/// A generated table: its file name under `catalog/generated/` and text.
pub struct Output {
    /// File name.
    pub file: &'static str,
    /// Contents.
    pub text: String,
    /// One line of counts for the generator's summary.
    pub summary: String,
}

/// One machine type's specification.
#[derive(Clone, Debug, Default)]
struct Spec {
    vcpu: f64,
    memory_gib: f64,
    allocatable_vcpu: Option<f64>,
    allocatable_memory_gib: Option<f64>,
    gpu_count: f64,
    gpu_model: Option<&'static str>,
    gpu_memory_gib: Option<f64>,
    /// CPU architecture as Kubernetes names it (`amd64`, `arm64`), when known.
    arch: Option<String>,
    note: String,
}

/// Hourly prices of one type in one region.
#[derive(Clone, Debug, Default)]
struct Cell {
    on_demand: Option<f64>,
    derived: bool,
    spot: Option<f64>,
    commit_1y: Option<f64>,
    commit_3y: Option<f64>,
    sustained: Option<f64>,
}

impl Cell {
    fn render(&self) -> String {
        let parts = [
            self.on_demand
                .map(|p| format!("{}{}", number(p), if self.derived { "*" } else { "" })),
            self.spot.map(number),
            self.commit_1y.map(number),
            self.commit_3y.map(number),
            self.sustained.map(number),
        ];
        let last = parts.iter().rposition(Option::is_some);
        match last {
            None => String::new(),
            Some(last) => parts[..=last]
                .iter()
                .map(|p| p.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("/"),
        }
    }
}

/// A price or spec number: at most 8 decimals, no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.8}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".into()
    } else {
        text.to_string()
    }
}

/// A type's spec and its price cell per region.
type Row = (Spec, BTreeMap<String, Cell>);

struct Table {
    header_comment: String,
    regions: Vec<String>,
    rows: BTreeMap<String, Row>,
}

impl Table {
    fn render(&self) -> String {
        let mut out = self.header_comment.clone();
        out.push_str("name\tvcpu\tmemory_gib\tallocatable_vcpu\tallocatable_memory_gib\tgpu_count\tgpu_model\tgpu_memory_gib\tarch\tnote");
        for region in &self.regions {
            out.push('\t');
            out.push_str(region);
        }
        out.push('\n');
        let mut rows: Vec<(&String, &Row)> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            a.0.to_ascii_lowercase()
                .cmp(&b.0.to_ascii_lowercase())
                .then(a.0.cmp(b.0))
        });
        for (name, (spec, cells)) in rows {
            let optional = |v: Option<f64>| v.map(number).unwrap_or_default();
            let _ = write!(
                out,
                "{name}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                number(spec.vcpu),
                number(spec.memory_gib),
                optional(spec.allocatable_vcpu),
                optional(spec.allocatable_memory_gib),
                number(spec.gpu_count),
                spec.gpu_model.unwrap_or_default(),
                optional(spec.gpu_memory_gib),
                spec.arch.as_deref().unwrap_or_default(),
                spec.note,
            );
            for region in &self.regions {
                out.push('\t');
                if let Some(cell) = cells.get(region) {
                    out.push_str(&cell.render());
                }
            }
            out.push('\n');
        }
        out
    }

    fn priced_cells(&self) -> usize {
        self.rows
            .values()
            .flat_map(|(_, cells)| cells.values())
            .filter(|c| c.on_demand.is_some())
            .count()
    }
}

/// Generates every table.
pub fn generate(raw: &RawFiles) -> Result<Vec<Output>, String> {
    let aws = aws(raw)?;
    let (gcp, gcp_custom) = gcp(&raw.gcp)?;
    let azure = azure(&raw.azure)?;
    Ok(vec![aws, gcp, gcp_custom, azure])
}

// ---------------------------------------------------------------- AWS

/// Catalogue GPU model of an EC2 GPU or accelerator name, and the memory
/// per device the catalogue uses when it differs from the EC2 figure
/// (T4/A10G/L4: the AWS Batch GPU-jobs table's 16/24/24 GiB).
fn aws_gpu_model(name: &str, memory_mib: Option<f64>) -> Option<(&'static str, Option<f64>)> {
    Some(match name {
        "a100" if memory_mib.is_some_and(|m| m > 50_000.0) => ("A100-80GB", None),
        "a100" => ("A100-40GB", None),
        "a10g" => ("A10G", Some(24.0)),
        "t4" => ("T4", Some(16.0)),
        "t4g" => ("T4G", Some(16.0)),
        "l4" => ("L4", Some(24.0)),
        "l40s" => ("L40S", None),
        "h100" => ("H100-80GB", Some(80.0)),
        "h200" => ("H200", Some(141.0)),
        "b200" => ("B200", None),
        "b300" => ("B300", None),
        "v100" if memory_mib.is_some_and(|m| m > 20_000.0) => ("V100-32GB", None),
        "v100" => ("V100-16GB", None),
        "radeon-pro-v520" => ("Radeon-Pro-V520", None),
        "rtx-pro-4500" => ("RTX-PRO-4500", None),
        "rtx-pro-server-6000" => ("RTX-PRO-6000", None),
        "inferentia" => ("Inferentia", Some(8.0)),
        "inferentia2" => ("Inferentia2", Some(32.0)),
        "trainium" => ("Trainium", Some(32.0)),
        "trainium2" => ("Trainium2", Some(96.0)),
        _ => return None,
    })
}

/// `"type": price` entries of the Karpenter Go map literal.
fn karpenter_prices(text: &str) -> BTreeMap<String, f64> {
    let mut prices = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with('"') {
            continue;
        }
        for entry in line.split(',') {
            let Some((name, price)) = entry.split_once(':') else {
                continue;
            };
            let name = name.trim().trim_matches('"');
            if let (false, Ok(price)) = (name.is_empty(), price.trim().parse::<f64>()) {
                if name.contains('.') {
                    prices.insert(name.to_string(), price);
                }
            }
        }
    }
    prices
}

/// Specs from the Karpenter instance-type reference (`### \`type\``
/// sections with Labels and Resources tables).
fn karpenter_specs(text: &str) -> BTreeMap<String, Spec> {
    let mut specs = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, String>)> = None;
    let finish = |entry: Option<(String, BTreeMap<String, String>)>,
                  specs: &mut BTreeMap<String, Spec>| {
        let Some((name, fields)) = entry else { return };
        let num = |key: &str| fields.get(key).and_then(|v| v.parse::<f64>().ok());
        let Some(vcpu) = num("karpenter.k8s.aws/instance-cpu") else {
            return;
        };
        let memory_mib = num("karpenter.k8s.aws/instance-memory").unwrap_or_default();
        let mut spec = Spec {
            vcpu,
            memory_gib: memory_mib / 1024.0,
            ..Spec::default()
        };
        spec.arch = fields.get("kubernetes.io/arch").cloned();
        spec.allocatable_vcpu = fields.get("cpu").and_then(|v| cpu_quantity(v));
        spec.allocatable_memory_gib = fields.get("memory").and_then(|v| memory_quantity_gib(v));
        let gpu = fields
            .get("karpenter.k8s.aws/instance-gpu-name")
            .map(|name| {
                (
                    name.as_str(),
                    num("karpenter.k8s.aws/instance-gpu-count"),
                    num("karpenter.k8s.aws/instance-gpu-memory"),
                )
            })
            .or_else(|| {
                fields
                    .get("karpenter.k8s.aws/instance-accelerator-name")
                    .map(|name| {
                        (
                            name.as_str(),
                            num("karpenter.k8s.aws/instance-accelerator-count"),
                            None,
                        )
                    })
            });
        if let Some((gpu_name, Some(count), memory_mib)) = gpu {
            match aws_gpu_model(gpu_name, memory_mib) {
                // Fractional GPUs (g6f, gr6f): Karpenter counts no whole GPU.
                Some((model, _)) if count < 1.0 => {
                    spec.note = format!("a fraction of one {model} GPU, which the catalogue does not model as an accelerator");
                }
                Some((model, memory)) => {
                    spec.gpu_count = count;
                    spec.gpu_model = Some(model);
                    spec.gpu_memory_gib =
                        memory.or(memory_mib.map(|m| (m / 1024.0 * 100.0).round() / 100.0));
                }
                None => {
                    spec.note = format!(
                        "{count} x {gpu_name} accelerator(s), which the catalogue does not model"
                    );
                }
            }
        }
        specs.insert(name, spec);
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("### `") {
            finish(current.take(), &mut specs);
            current = Some((rest.trim_end_matches('`').to_string(), BTreeMap::new()));
            continue;
        }
        let Some((_, fields)) = current.as_mut() else {
            continue;
        };
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        if let [key, value] = cells[..] {
            fields.insert(key.trim().to_string(), value.trim().to_string());
        }
    }
    finish(current.take(), &mut specs);
    specs
}

/// A Kubernetes CPU quantity (`3920m`, `4`) in vCPUs.
fn cpu_quantity(text: &str) -> Option<f64> {
    match text.strip_suffix('m') {
        Some(milli) => milli.parse::<f64>().ok().map(|m| m / 1000.0),
        None => text.parse().ok(),
    }
}

/// A Kubernetes memory quantity (`14162Mi`, `1Gi`) in GiB.
fn memory_quantity_gib(text: &str) -> Option<f64> {
    let (digits, factor) = if let Some(d) = text.strip_suffix("Ki") {
        (d, 1.0 / (1024.0 * 1024.0))
    } else if let Some(d) = text.strip_suffix("Mi") {
        (d, 1.0 / 1024.0)
    } else if let Some(d) = text.strip_suffix("Gi") {
        (d, 1.0)
    } else if let Some(d) = text.strip_suffix("Ti") {
        (d, 1024.0)
    } else {
        (text, 1.0 / (1024.0 * 1024.0 * 1024.0))
    };
    digits
        .parse::<f64>()
        .ok()
        .map(|v| (v * factor * 1000.0).round() / 1000.0)
}

/// Linux on-demand prices of one regional pricing-page JSON file.
fn aws_regional_prices(region: &str, text: &str) -> Result<BTreeMap<String, f64>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{region}-ondemand.json: {e}"))?;
    let mut prices = BTreeMap::new();
    let locations = value
        .get("regions")
        .and_then(|r| r.as_object())
        .ok_or_else(|| format!("{region}-ondemand.json: no `regions` object"))?;
    for entries in locations.values() {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for entry in entries.values() {
            let field = |key: &str| entry.get(key).and_then(|v| v.as_str());
            if field("Operating System") != Some("Linux") {
                continue;
            }
            let (Some(name), Some(price)) = (
                field("Instance Type"),
                field("price").and_then(|p| p.parse::<f64>().ok()),
            ) else {
                continue;
            };
            if price > 0.0 {
                prices.insert(name.to_string(), price);
            }
        }
    }
    Ok(prices)
}

fn aws_specs_extra(text: &str) -> Result<BTreeMap<String, Spec>, String> {
    let rows = super::tsv::for_each_row("aws-specs-extra.tsv", text, |row| {
        let model = row
            .get("gpu_model")
            .map(|m| aws_gpu_model(&m.to_ascii_lowercase(), None).map_or("", |(model, _)| model));
        Ok((
            row.text("name")?.to_string(),
            Spec {
                vcpu: row.required_number("vcpu")?,
                memory_gib: row.required_number("memory_gib")?,
                gpu_count: row.required_number("gpu_count")?,
                gpu_model: model.filter(|m| !m.is_empty()),
                gpu_memory_gib: row.number("gpu_memory_gib")?,
                note: format!("specs: {}", row.text("spec_source")?),
                ..Spec::default()
            },
        ))
    })?;
    Ok(rows.into_iter().collect())
}

fn aws(raw: &RawFiles) -> Result<Output, String> {
    let us_east_1 = karpenter_prices(&raw.aws_us_east_1);
    let mut specs = karpenter_specs(&raw.aws_instance_types);
    for (name, spec) in aws_specs_extra(&raw.aws_specs_extra)? {
        specs.entry(name).or_insert(spec);
    }
    let mut regional = BTreeMap::new();
    for (region, text) in &raw.aws_regions {
        regional.insert(region.clone(), aws_regional_prices(region, text)?);
    }
    let old_us_east_1 = regional.get("us-east-1").cloned().unwrap_or_default();
    let mut regions: Vec<String> = regional.keys().cloned().collect();
    regions.retain(|r| r != "us-east-1");
    regions.insert(0, "us-east-1".into());

    let mut rows = BTreeMap::new();
    let mut without_specs = 0usize;
    let mut changed = BTreeSet::new();
    let names: BTreeSet<&String> = specs
        .keys()
        .chain(us_east_1.keys())
        .chain(regional.values().flat_map(|prices| prices.keys()))
        .collect();
    for name in names {
        let Some(spec) = specs.get(name) else {
            without_specs += 1;
            continue;
        };
        let current = us_east_1.get(name).copied();
        // How this type's us-east-1 price moved between the regional
        // snapshot and the newer table (the June 2025 GPU price cut…).
        let ratio = match (current, old_us_east_1.get(name)) {
            (Some(new), Some(&old)) if old > 0.0 && (new / old - 1.0).abs() > 1e-6 => {
                changed.insert(name.clone());
                Some(new / old)
            }
            _ => None,
        };
        let mut cells = BTreeMap::new();
        if let Some(price) = current {
            cells.insert(
                "us-east-1".to_string(),
                Cell {
                    on_demand: Some(price),
                    ..Cell::default()
                },
            );
        }
        for (region, prices) in &regional {
            if region == "us-east-1" {
                continue;
            }
            if let Some(&price) = prices.get(name) {
                cells.insert(
                    region.clone(),
                    Cell {
                        on_demand: Some(ratio.map_or(price, |r| price * r)),
                        derived: ratio.is_some(),
                        ..Cell::default()
                    },
                );
            }
        }
        let mut spec = spec.clone();
        if cells.is_empty() {
            let reason = "not in the us-east-1 on-demand table (Karpenter, 2026-07-20) nor in the 2025-04 regional files";
            spec.note = if spec.note.is_empty() {
                reason.to_string()
            } else {
                format!("{}; {reason}", spec.note)
            };
        }
        rows.insert(name.clone(), (spec, cells));
    }
    let table = Table {
        header_comment: format!(
            "# GENERATED by `cargo run --bin catalog-gen` from catalog/raw/ — do not edit.\n\
             # AWS EC2, Linux on-demand USD per hour. us-east-1: Karpenter pricing table (KP, 2026-07-20);\n\
             # other regions: AWS regional price files (AWS-2025-04, published 2025-04-04). `*` = {AWS_DERIVED_NOTE}.\n\
             # Specs: Karpenter instance-type reference (K-new, 2026-07-11); allocatable cpu/memory as Karpenter computes them.\n\
             # Region cells: on_demand[/spot/commit_1y/commit_3y/sustained_use].\n"
        ),
        regions,
        rows,
    };
    let summary = format!(
        "aws: {} types, {} priced type-region cells, {} regions, {} types with derived regional prices, {} names without specs skipped",
        table.rows.len(),
        table.priced_cells(),
        table.regions.len(),
        changed.len(),
        without_specs
    );
    Ok(Output {
        file: "aws.tsv",
        text: table.render(),
        summary,
    })
}

// ---------------------------------------------------------------- GCP

/// Catalogue GPU model of a GPU key in the GCP file, and memory per device.
fn gcp_gpu_model(key: &str) -> Option<(&'static str, Option<f64>)> {
    Some(match key {
        "a100" => ("A100-40GB", Some(40.0)),
        "a100-80gb" => ("A100-80GB", Some(80.0)),
        "h100-80gb" | "h100-80gb-mega" => ("H100-80GB", Some(80.0)),
        "l4" => ("L4", Some(24.0)),
        "rtx6000" => ("RTX-PRO-6000", Some(96.0)),
        _ => return None,
    })
}

/// Families whose custom machine types cost 5% more than predefined
/// (cloud.google.com/compute/vm-instance-pricing, custom machine types).
const GCP_CUSTOM_PREMIUM_FAMILIES: [&str; 3] = ["n1", "n2", "n2d"];

/// Predefined pairs the custom per-unit rates are solved from: same vCPUs,
/// different memory, so `price = vcpu x c + gib x m` has one solution.
const GCP_CUSTOM_BASES: [(&str, &str, &str); 4] = [
    ("n1", "n1-standard-2", "n1-highcpu-2"),
    ("n2", "n2-standard-2", "n2-highcpu-2"),
    ("n2d", "n2d-standard-2", "n2d-highcpu-2"),
    ("e2", "e2-standard-2", "e2-highcpu-2"),
];

fn gcp(text: &str) -> Result<(Output, Output), String> {
    let limits = yaml::Limits {
        max_nodes: 8_000_000,
        ..yaml::Limits::default()
    };
    let documents = yaml::parse_stream(text, &limits);
    let document = documents
        .into_iter()
        .next()
        .ok_or("gcp-pricing.cyclenerd.yml: empty")?
        .map_err(|e| format!("gcp-pricing.cyclenerd.yml: {}", e.message))?;
    let root = document.root();
    let instances = root
        .path(&["compute", "instance"])
        .ok_or("gcp-pricing.cyclenerd.yml: no compute.instance")?;
    let mut regions = BTreeSet::new();
    let mut rows = BTreeMap::new();
    let num = |node: NodeRef<'_>, key: &str| node.get(key).and_then(|v| v.as_f64());
    for (name, machine) in instances.entries() {
        let Some(name) = name.as_str() else { continue };
        let (Some(vcpu), Some(memory_gib)) = (num(machine, "cpu"), num(machine, "ram")) else {
            continue;
        };
        let mut spec = Spec {
            vcpu,
            memory_gib,
            ..Spec::default()
        };
        for (key, value) in machine.entries() {
            let Some(key) = key.as_str() else { continue };
            if let (Some((model, memory)), Some(count)) = (gcp_gpu_model(key), value.as_f64()) {
                if count < 1.0 {
                    spec.note = format!("{count} of one {model} GPU, which the catalogue does not model as an accelerator");
                    continue;
                }
                spec.gpu_count = count;
                spec.gpu_model = Some(model);
                spec.gpu_memory_gib = memory;
            }
        }
        let mut cells = BTreeMap::new();
        if let Some(cost) = machine.get("cost") {
            for (region, prices) in cost.entries() {
                let Some(region) = region.as_str() else {
                    continue;
                };
                let Some(hour) = num(prices, "hour").filter(|h| *h > 0.0) else {
                    continue;
                };
                let per_hour = |key: &str| num(prices, key).map(|m| m / GCP_HOURS_PER_MONTH);
                // `month` applies the sustained-use discount where the family
                // has one; keep it only where it differs from the list price.
                let sustained = per_hour("month").filter(|s| (s / hour - 1.0).abs() > 1e-6);
                regions.insert(region.to_string());
                cells.insert(
                    region.to_string(),
                    Cell {
                        on_demand: Some(hour),
                        derived: false,
                        spot: num(prices, "hour_spot").filter(|s| *s > 0.0),
                        commit_1y: per_hour("month_1y"),
                        commit_3y: per_hour("month_3y"),
                        sustained,
                    },
                );
            }
        }
        if cells.is_empty() {
            spec.note = "no price in the GCP pricing file".into();
        }
        rows.insert(name.to_string(), (spec, cells));
    }
    let regions: Vec<String> = regions.into_iter().collect();

    // Custom machine types: per-vCPU and per-GiB rates per family and region.
    let mut custom = String::from(
        "# GENERATED by `cargo run --bin catalog-gen` from catalog/raw/gcp-pricing.cyclenerd.yml — do not edit.\n\
         # GCP custom machine types: USD per vCPU-hour and per GiB-hour, solved per region from two predefined types of the\n\
         # family with the same vCPUs (`basis`), times 1.05 for N1/N2/N2D (the documented custom premium; E2 has none).\n\
         # Extended memory (`-ext`) is not priced: its higher per-GiB rate is not in the data.\n\
         family\tregion\tusd_per_vcpu_hour\tusd_per_gib_hour\tspot_usd_per_vcpu_hour\tspot_usd_per_gib_hour\tbasis\n",
    );
    let mut custom_rows = 0usize;
    for (family, a, b) in GCP_CUSTOM_BASES {
        let (Some((spec_a, cells_a)), Some((spec_b, cells_b))) = (rows.get(a), rows.get(b)) else {
            return Err(format!(
                "gcp: {a} or {b} missing; custom {family} rates cannot be solved"
            ));
        };
        let premium = if GCP_CUSTOM_PREMIUM_FAMILIES.contains(&family) {
            1.05
        } else {
            1.0
        };
        for region in &regions {
            let (Some(ca), Some(cb)) = (cells_a.get(region), cells_b.get(region)) else {
                continue;
            };
            let solve = |pa: f64, pb: f64| {
                // pa = v*c + ma*m, pb = v*c + mb*m (same v).
                let m = (pa - pb) / (spec_a.memory_gib - spec_b.memory_gib);
                let c = (pa - spec_a.memory_gib * m) / spec_a.vcpu;
                (c * premium, m * premium)
            };
            let (Some(pa), Some(pb)) = (ca.on_demand, cb.on_demand) else {
                continue;
            };
            let (c, m) = solve(pa, pb);
            let spot = match (ca.spot, cb.spot) {
                (Some(sa), Some(sb)) => Some(solve(sa, sb)),
                _ => None,
            };
            let _ = writeln!(
                custom,
                "{family}\t{region}\t{}\t{}\t{}\t{}\t{a},{b}",
                number(c),
                number(m),
                spot.map(|s| number(s.0)).unwrap_or_default(),
                spot.map(|s| number(s.1)).unwrap_or_default(),
            );
            custom_rows += 1;
        }
    }

    let table = Table {
        header_comment: "# GENERATED by `cargo run --bin catalog-gen` from catalog/raw/gcp-pricing.cyclenerd.yml — do not edit.\n\
             # Google Compute Engine machine types, USD per hour (CYCLENERD, generated 2026-07-30 from the Cloud Billing Catalog API).\n\
             # Region cells: on_demand/spot/commit_1y/commit_3y/sustained_use; commitments and sustained use are the file's\n\
             # monthly figures / 730 h; sustained_use appears only where the family has a sustained-use discount.\n"
            .to_string(),
        regions,
        rows,
    };
    let summary = format!(
        "gcp: {} machine types, {} priced type-region cells, {} regions; {custom_rows} custom family-region rates",
        table.rows.len(),
        table.priced_cells(),
        table.regions.len()
    );
    Ok((
        Output {
            file: "gcp.tsv",
            text: table.render(),
            summary,
        },
        Output {
            file: "gcp-custom.tsv",
            text: custom,
            summary: String::new(),
        },
    ))
}

// ---------------------------------------------------------------- Azure

/// Splits one CSV line (double quotes group commas).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn azure_gpu_model(size: &str, name: &str) -> Option<(&'static str, Option<f64>)> {
    Some(match name {
        "A10" => ("A10", None),
        "A100" => ("A100-40GB", Some(40.0)),
        "A100-80GB" => ("A100-80GB", Some(80.0)),
        // NC H100 v5 sizes carry H100 NVL; ND H100 v5 the SXM H100 80GB.
        "H100" if size.to_ascii_lowercase().starts_with("standard_nc") => ("H100-NVL", None),
        "H100" => ("H100-80GB", Some(80.0)),
        "M60" => ("M60", None),
        "Radeon MI25" => ("Radeon-MI25", None),
        "T4" => ("T4", Some(16.0)),
        "V100" => ("V100", None),
        "V100-32GB" => ("V100-32GB", Some(32.0)),
        _ => return None,
    })
}

/// Errors in the Azure file that Microsoft's documentation corrects:
/// (size, GPU count, memory GiB, note).
const AZURE_CORRECTIONS: [(&str, Option<f64>, Option<f64>, &str); 2] = [
    (
        "Standard_ND96isr_H100_v5",
        Some(8.0),
        None,
        "GPU count corrected to 8 (the source lists 12; Microsoft documents 8 x H100)",
    ),
    (
        "Standard_ND96amsr_A100_v4",
        None,
        Some(1900.0),
        "memory corrected to 1900 GiB (the source lists 1800; Microsoft documents 1900)",
    ),
];

fn azure(text: &str) -> Result<Output, String> {
    let mut lines = text.lines();
    let header = csv_fields(lines.next().ok_or("azure-vms.skypilot-v6.csv: empty")?);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("azure-vms.skypilot-v6.csv: no {name} column"))
    };
    let (c_name, c_acc, c_count, c_vcpu, c_mem, c_price, c_spot, c_region) = (
        column("InstanceType")?,
        column("AcceleratorName")?,
        column("AcceleratorCount")?,
        column("vCPUs")?,
        column("MemoryGiB")?,
        column("Price")?,
        column("SpotPrice")?,
        column("Region")?,
    );
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut regions = BTreeSet::new();
    let mut spot_equal = 0usize;
    let mut retired = BTreeSet::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields = csv_fields(line);
        let get = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or_default();
        // K80 sizes (NC v1): Azure retired them on 2023-08-31; the file
        // still lists them. Left out rather than taught as a current GPU.
        if get(c_acc) == "K80" {
            retired.insert(get(c_name).to_string());
            continue;
        }
        let num = |i: usize| {
            get(i)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
        };
        let name = get(c_name).to_string();
        let region = get(c_region).to_string();
        let (Some(vcpu), Some(memory_gib)) = (num(c_vcpu), num(c_mem)) else {
            continue;
        };
        regions.insert(region.clone());
        let entry = rows.entry(name.clone()).or_insert_with(|| {
            let mut spec = Spec {
                vcpu,
                memory_gib,
                ..Spec::default()
            };
            if let (Some((model, memory)), Some(count)) =
                (azure_gpu_model(&name, get(c_acc)), num(c_count))
            {
                spec.gpu_count = count;
                spec.gpu_model = Some(model);
                spec.gpu_memory_gib = memory;
            }
            for (size, count, memory, note) in AZURE_CORRECTIONS {
                if size == name {
                    spec.gpu_count = count.unwrap_or(spec.gpu_count);
                    spec.memory_gib = memory.unwrap_or(spec.memory_gib);
                    spec.note = note.to_string();
                }
            }
            (spec, BTreeMap::new())
        });
        let on_demand = num(c_price);
        // H100 rows repeat the on-demand price as spot: not a spot price.
        let spot = num(c_spot).filter(|s| {
            let same = on_demand.is_some_and(|p| (p - s).abs() < 1e-9);
            if same {
                spot_equal += 1;
            }
            !same
        });
        if on_demand.is_some() {
            entry.1.insert(
                region,
                Cell {
                    on_demand,
                    spot,
                    ..Cell::default()
                },
            );
        }
    }
    for (spec, cells) in rows.values_mut() {
        if cells.is_empty() && spec.note.is_empty() {
            spec.note = "the Azure source lists this size without a price".into();
        }
    }
    let table = Table {
        header_comment: "# GENERATED by `cargo run --bin catalog-gen` from catalog/raw/azure-vms.skypilot-v6.csv — do not edit.\n\
             # Azure VM sizes, Linux, USD per hour, US regions (SKY-AZ: SkyPilot catalog v6, from the Azure Retail Prices API).\n\
             # Region cells: on_demand/spot. Spot prices equal to on-demand (the file's H100 rows) are dropped.\n\
             # K80 sizes (NC v1, retired by Azure on 2023-08-31) are left out.\n"
            .to_string(),
        regions: regions.into_iter().collect(),
        rows,
    };
    let summary = format!(
        "azure: {} sizes, {} priced size-region cells, {} regions, {spot_equal} spot prices equal to on-demand dropped, {} retired K80 sizes left out",
        table.rows.len(),
        table.priced_cells(),
        table.regions.len(),
        retired.len()
    );
    Ok(Output {
        file: "azure.tsv",
        text: table.render(),
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_render_compactly() {
        let cell = Cell {
            on_demand: Some(23.716),
            derived: true,
            spot: None,
            commit_1y: Some(1.5),
            ..Cell::default()
        };
        assert_eq!(cell.render(), "23.716*//1.5");
        assert_eq!(Cell::default().render(), "");
        assert_eq!(number(0.10000000001), "0.1");
    }

    #[test]
    fn quantities() {
        assert_eq!(cpu_quantity("3920m"), Some(3.92));
        assert_eq!(memory_quantity_gib("14162Mi"), Some(13.83));
        assert_eq!(csv_fields("a,\"V1,V2\",b"), vec!["a", "V1,V2", "b"]);
    }

    #[test]
    fn karpenter_map_literal() {
        let prices = karpenter_prices("\t\t\"a1.2xlarge\": 0.204000, \"a1.4xlarge\": 0.408000,\n");
        assert_eq!(prices.get("a1.4xlarge"), Some(&0.408));
    }
}
