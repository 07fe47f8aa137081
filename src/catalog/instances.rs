//! Machine types and their per-region prices.
//!
//! The generated tables are embedded as text and parsed per cloud on first
//! use: a scan that names one AWS type never parses the GCP table. Within a
//! table, rows keep their price cells as text until a region is asked for.

use crate::model::Cloud;

use super::tsv;

/// The region a cloud's prices default to when a workload names none.
pub fn home_region(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "us-east-1",
        Cloud::Gcp => "us-central1",
        Cloud::Azure => "eastus",
    }
}

/// One region's prices of one type, USD per hour.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionPrice {
    /// The region.
    pub region: String,
    /// On-demand list price.
    pub on_demand: Option<f64>,
    /// Spot price, where the data has one.
    pub spot: Option<f64>,
    /// 1-year committed price per hour.
    pub commit_1y: Option<f64>,
    /// 3-year committed price per hour.
    pub commit_3y: Option<f64>,
    /// Effective price after a full month's sustained-use discount (GCP).
    pub sustained_use: Option<f64>,
    /// Whether the on-demand price is derived rather than read.
    pub derived: bool,
    /// Key of the price's source (sources.tsv).
    pub source: &'static str,
    /// How a derived price follows from the data.
    pub derivation: Option<String>,
}

impl RegionPrice {
    fn parse(region: &str, cell: &str, source: &'static str) -> Option<RegionPrice> {
        let mut parts = cell.split('/');
        let mut next = || {
            parts
                .next()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
        };
        let on_demand_text = next();
        let derived = on_demand_text.as_deref().is_some_and(|t| t.ends_with('*'));
        let number = |text: Option<String>| {
            text.and_then(|t| t.trim_end_matches('*').parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let on_demand = number(on_demand_text);
        let price = RegionPrice {
            region: region.to_string(),
            on_demand,
            spot: number(next()),
            commit_1y: number(next()),
            commit_3y: number(next()),
            sustained_use: number(next()),
            derived,
            source,
            derivation: derived.then(|| super::generate::AWS_DERIVED_NOTE.to_string()),
        };
        (price.on_demand.is_some()).then_some(price)
    }
}

/// Where a row's prices are.
#[derive(Clone, Debug)]
enum Prices {
    /// Region cells of a generated table, unparsed: (region, cell).
    Cells(Vec<(&'static str, &'static str)>),
    /// Prices computed when the row was built (curated rows, custom types).
    Parsed(Vec<RegionPrice>),
}

/// A machine type, VM size or instance type.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Which cloud sells it.
    pub cloud: Cloud,
    /// The name the cloud uses (`g5.xlarge`, `g2-standard-4`, `Standard_NC4as_T4_v3`).
    pub name: String,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// vCPUs a node of this type offers to pods, when known.
    pub allocatable_vcpu: Option<f64>,
    /// Memory in GiB a node of this type offers to pods, when known.
    pub allocatable_memory_gib: Option<f64>,
    /// Accelerators on the node.
    pub gpu_count: u32,
    /// Accelerator model (catalogue name), if any.
    pub gpu_model: Option<String>,
    /// Memory per accelerator in GiB, when known.
    pub gpu_memory_gib: Option<f64>,
    /// CPU architecture as Kubernetes names it (`amd64`, `arm64`), when known.
    pub arch: Option<String>,
    /// Caveat or reason for a missing price.
    pub note: Option<String>,
    /// The catalogue table the row is in (relative to `catalog/`).
    pub table: &'static str,
    prices: Prices,
}

/// The price a workload is charged for a type: the region's own, or a
/// stand-in region's when the data lacks the region.
#[derive(Clone, Debug)]
pub struct Quote {
    /// The prices used.
    pub price: RegionPrice,
    /// The region asked for, when another region's price stands in.
    pub approximates: Option<String>,
}

impl Instance {
    /// Every region with a price, parsed.
    pub fn prices(&self) -> Vec<RegionPrice> {
        match &self.prices {
            Prices::Cells(cells) => cells
                .iter()
                .filter_map(|(region, cell)| {
                    RegionPrice::parse(region, cell, source_key(self.cloud, region))
                })
                .collect(),
            Prices::Parsed(prices) => prices.clone(),
        }
    }

    /// The price in `region`, exactly.
    pub fn price_in(&self, region: &str) -> Option<RegionPrice> {
        match &self.prices {
            Prices::Cells(cells) => cells
                .iter()
                .find(|(r, _)| r.eq_ignore_ascii_case(region))
                .and_then(|(r, cell)| RegionPrice::parse(r, cell, source_key(self.cloud, r))),
            Prices::Parsed(prices) => prices
                .iter()
                .find(|p| p.region.eq_ignore_ascii_case(region))
                .cloned(),
        }
    }

    /// The region whose price applies when a workload names none: the
    /// cloud's home region, or the row's only region.
    pub fn default_region(&self) -> String {
        let home = home_region(self.cloud);
        match &self.prices {
            Prices::Parsed(prices) if prices.iter().all(|p| p.region != home) => prices
                .first()
                .map_or(home.to_string(), |p| p.region.clone()),
            _ => home.to_string(),
        }
    }

    /// The on-demand price in the default region.
    pub fn default_on_demand(&self) -> Option<f64> {
        self.price_in(&self.default_region())
            .and_then(|p| p.on_demand)
    }

    /// The price for `region` (the default region when `None`): the
    /// region's own, else the nearest priced region's, marked as standing
    /// in. `Err` says why there is no price at all.
    pub fn quote(&self, region: Option<&str>) -> Result<Quote, String> {
        let wanted = region.map_or_else(|| self.default_region(), str::to_string);
        if let Some(price) = self.price_in(&wanted) {
            return Ok(Quote {
                price,
                approximates: None,
            });
        }
        let prices = self.prices();
        let stand_in = prices
            .into_iter()
            .min_by_key(|p| region_distance(self.cloud, &wanted, &p.region));
        match stand_in {
            Some(price) => Ok(Quote {
                price,
                approximates: Some(wanted),
            }),
            None => Err(self
                .note
                .clone()
                .unwrap_or_else(|| "the data has no price for it in any region".into())),
        }
    }
}

/// The sources.tsv key of a generated price.
fn source_key(cloud: Cloud, region: &str) -> &'static str {
    match cloud {
        Cloud::Aws if region == "us-east-1" => "KP",
        Cloud::Aws => "AWS-2025-04",
        Cloud::Gcp => "CYCLENERD",
        Cloud::Azure => "SKY-AZ",
    }
}

/// A rough continent of a region name, for choosing a stand-in region.
fn continent(cloud: Cloud, region: &str) -> &'static str {
    let lower = region.to_ascii_lowercase();
    if cloud == Cloud::Azure {
        return if lower.contains("us") || lower.contains("canada") || lower.contains("mexico") {
            "na"
        } else if [
            "europe",
            "uk",
            "france",
            "germany",
            "switzerland",
            "norway",
            "sweden",
            "italy",
            "poland",
            "spain",
        ]
        .iter()
        .any(|c| lower.contains(c))
        {
            "eu"
        } else if lower.contains("brazil") {
            "sa"
        } else {
            "ap"
        };
    }
    match lower.split('-').next().unwrap_or_default() {
        "us" | "ca" | "mx" | "northamerica" => "na",
        "sa" | "southamerica" => "sa",
        "eu" | "europe" | "il" => "eu",
        "me" => "me",
        "af" | "africa" => "af",
        _ => "ap",
    }
}

/// Ordering key for stand-in regions: same continent first, nearest by
/// name within it (`eu-west-1` is nearer `eu-west-2` than `eu-central-1`);
/// from another continent, the cloud's home region first (a name prefix
/// says nothing across continents: `westeurope` is not near `westus`).
fn region_distance(
    cloud: Cloud,
    wanted: &str,
    candidate: &str,
) -> (bool, bool, usize, bool, String) {
    let other_continent = continent(cloud, wanted) != continent(cloud, candidate);
    let not_home = candidate != home_region(cloud);
    let common = wanted
        .bytes()
        .zip(candidate.bytes())
        .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
        .count();
    (
        other_continent,
        other_continent && not_home,
        usize::MAX - common,
        not_home,
        candidate.to_string(),
    )
}

/// Parses a generated table: spec columns, then one column per region.
pub fn parse_generated(
    cloud: Cloud,
    table: &'static str,
    text: &'static str,
) -> Result<Vec<Instance>, String> {
    let header = text
        .lines()
        .find(|line| !line.starts_with('#') && !line.trim().is_empty())
        .ok_or_else(|| format!("{table}: no header row"))?;
    let columns: Vec<&'static str> = header.split('\t').collect();
    let first_region = columns
        .iter()
        .position(|c| *c == "note")
        .ok_or_else(|| format!("{table}: no note column"))?
        + 1;
    let regions: Vec<&'static str> = columns[first_region..].to_vec();
    tsv::for_each_row(table, text, |row| {
        let cells = row
            .fields_from(first_region)
            .iter()
            .zip(&regions)
            .filter(|(cell, _)| !cell.trim().is_empty())
            .map(|(cell, region)| (*region, *cell))
            .collect();
        instance_from_row(cloud, table, row, Prices::Cells(cells))
    })
}

/// The row named `lower` (lowercase) in a generated table, found by binary
/// search over its lines (sorted by lowercase name) and parsed alone.
pub fn find_generated(
    cloud: Cloud,
    table: &'static str,
    text: &'static str,
    lower: &str,
) -> Option<Instance> {
    // The header is the first line that is not a comment.
    let mut offset = 0;
    let mut header = "";
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if !line.starts_with('#') && !line.trim().is_empty() {
            header = line.trim_end_matches(['\n', '\r']);
            break;
        }
    }
    let data = &text[offset..];
    let bytes = data.as_bytes();
    // The line containing byte `at` (its start and end).
    let line_at = |at: usize| {
        let start = bytes[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        (start, end)
    };
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let (start, end) = line_at(middle);
        let line = &data[start..end];
        let name = line.split('\t').next().unwrap_or_default();
        match name
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .cmp(lower.bytes())
        {
            std::cmp::Ordering::Equal => {
                return parse_line(cloud, table, header, line).ok();
            }
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    None
}

/// Parses one data line of a generated table with its header.
fn parse_line(
    cloud: Cloud,
    table: &'static str,
    header: &'static str,
    line: &'static str,
) -> Result<Instance, String> {
    let columns: Vec<&'static str> = header.split('\t').collect();
    let first_region = columns
        .iter()
        .position(|c| *c == "note")
        .ok_or_else(|| format!("{table}: no note column"))?
        + 1;
    let regions: Vec<&'static str> = columns[first_region..].to_vec();
    let row = tsv::Row::from_line(table, header, line)?;
    let cells = row
        .fields_from(first_region)
        .iter()
        .zip(&regions)
        .filter(|(cell, _)| !cell.trim().is_empty())
        .map(|(cell, region)| (*region, *cell))
        .collect();
    instance_from_row(cloud, table, &row, Prices::Cells(cells))
}

fn instance_from_row(
    cloud: Cloud,
    table: &'static str,
    row: &tsv::Row<'static>,
    prices: Prices,
) -> Result<Instance, String> {
    let gpu_count = row.required_number("gpu_count")?;
    Ok(Instance {
        cloud,
        name: row.text("name")?.to_string(),
        vcpu: row.required_number("vcpu")?,
        memory_gib: row.required_number("memory_gib")?,
        allocatable_vcpu: row.number("allocatable_vcpu")?,
        allocatable_memory_gib: row.number("allocatable_memory_gib")?,
        gpu_count: gpu_count as u32,
        gpu_model: row.get("gpu_model").map(str::to_string),
        gpu_memory_gib: row.number("gpu_memory_gib")?,
        arch: row.get("arch").map(str::to_string),
        note: row.get("note").map(str::to_string),
        table,
        prices,
    })
}

/// Parses a curated instance table (one region per row, `price_source`).
pub fn parse_curated(
    table: &'static str,
    text: &'static str,
    known_source: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<Vec<Instance>, String> {
    tsv::for_each_row(table, text, |row| {
        let cloud_text = row.text("cloud")?;
        let cloud = Cloud::parse(cloud_text)
            .ok_or_else(|| row.error("cloud", &format!("unknown cloud {cloud_text:?}")))?;
        let usd_per_hour = row.number("usd_per_hour")?;
        if usd_per_hour.is_none() && row.get("note").is_none() {
            return Err(row.error("note", "must say why a row has no price"));
        }
        let source_text = row.text("price_source")?;
        let source = known_source(source_text).ok_or_else(|| {
            row.error(
                "price_source",
                &format!("names unknown source {source_text:?}"),
            )
        })?;
        let region = row.text("region")?;
        let prices = usd_per_hour
            .map(|price| RegionPrice {
                region: region.to_string(),
                on_demand: Some(price),
                spot: None,
                commit_1y: None,
                commit_3y: None,
                sustained_use: None,
                derived: false,
                source,
                derivation: None,
            })
            .into_iter()
            .collect();
        instance_from_row(cloud, table, row, Prices::Parsed(prices))
    })
}

/// One TPU generation's price per chip-hour in one region.
struct ChipPrice {
    generation: &'static str,
    region: &'static str,
    usd_per_chip_hour: f64,
    spot_usd_per_chip_hour: Option<f64>,
    source: &'static str,
}

/// TPU VM machine types (`tpu-hosts.tsv`) priced per chip
/// (`tpu-chips.tsv`): a node costs its chips times the generation's
/// per-chip-hour price, in every region that has one.
pub fn parse_tpu_hosts(
    hosts: (&'static str, &'static str),
    chips_table: (&'static str, &'static str),
    known_source: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<Vec<Instance>, String> {
    let source = |row: &tsv::Row<'static>, column: &str| -> Result<&'static str, String> {
        let text = row.text(column)?;
        known_source(text)
            .ok_or_else(|| row.error(column, &format!("names unknown source {text:?}")))
    };
    let chip_prices = tsv::for_each_row(chips_table.0, chips_table.1, |row| {
        Ok(ChipPrice {
            generation: row.text("generation")?,
            region: row.text("region")?,
            usd_per_chip_hour: row.required_number("usd_per_chip_hour")?,
            spot_usd_per_chip_hour: row.number("spot_usd_per_chip_hour")?,
            source: source(row, "price_source")?,
        })
    })?;
    tsv::for_each_row(hosts.0, hosts.1, |row| {
        let generation = row.text("generation")?;
        let chips = row.required_number("chips")?;
        let spec_source = source(row, "spec_source")?;
        let prices: Vec<RegionPrice> = chip_prices
            .iter()
            .filter(|price| price.generation == generation)
            .map(|price| RegionPrice {
                region: price.region.to_string(),
                on_demand: Some(chips * price.usd_per_chip_hour),
                spot: price.spot_usd_per_chip_hour.map(|spot| chips * spot),
                commit_1y: None,
                commit_3y: None,
                sustained_use: None,
                derived: true,
                source: price.source,
                derivation: Some(format!(
                    "TPU {generation}: {} chip(s) x {}/chip-h on-demand{} (catalog/tpu-chips.tsv; host spec {spec_source})",
                    crate::numbers::trim(chips, 0),
                    crate::numbers::usd_rate(price.usd_per_chip_hour),
                    price.spot_usd_per_chip_hour.map_or(String::new(), |spot| format!(
                        ", {}/chip-h spot",
                        crate::numbers::usd_rate(spot)
                    ))
                )),
            })
            .collect();
        if prices.is_empty() {
            return Err(row.error(
                "generation",
                &format!("{generation} has no row in {}", chips_table.0),
            ));
        }
        Ok(Instance {
            cloud: Cloud::Gcp,
            name: row.text("name")?.to_string(),
            vcpu: row.required_number("vcpu")?,
            memory_gib: row.required_number("memory_gib")?,
            allocatable_vcpu: None,
            allocatable_memory_gib: None,
            gpu_count: chips as u32,
            gpu_model: Some(row.text("gpu_model")?.to_string()),
            gpu_memory_gib: None,
            arch: Some("amd64".into()),
            note: None,
            table: hosts.0,
            prices: Prices::Parsed(prices),
        })
    })
}

/// Per-unit rates of one GCP custom family in one region.
#[derive(Clone, Debug)]
pub struct CustomRate {
    /// Family (`n2`, `n1`, `e2`, `n2d`).
    pub family: &'static str,
    /// Region.
    pub region: &'static str,
    /// On-demand per vCPU-hour (custom premium included).
    pub usd_per_vcpu_hour: f64,
    /// On-demand per GiB-hour (custom premium included).
    pub usd_per_gib_hour: f64,
    /// Spot per vCPU-hour.
    pub spot_usd_per_vcpu_hour: Option<f64>,
    /// Spot per GiB-hour.
    pub spot_usd_per_gib_hour: Option<f64>,
    /// The predefined types the rates are solved from.
    pub basis: &'static str,
}

/// Parses the generated custom-rate table.
pub fn parse_custom(text: &'static str) -> Result<Vec<CustomRate>, String> {
    tsv::for_each_row("generated/gcp-custom.tsv", text, |row| {
        Ok(CustomRate {
            family: row.text("family")?,
            region: row.text("region")?,
            usd_per_vcpu_hour: row.required_number("usd_per_vcpu_hour")?,
            usd_per_gib_hour: row.required_number("usd_per_gib_hour")?,
            spot_usd_per_vcpu_hour: row.number("spot_usd_per_vcpu_hour")?,
            spot_usd_per_gib_hour: row.number("spot_usd_per_gib_hour")?,
            basis: row.text("basis")?,
        })
    })
}

/// A GCP custom machine type name: family, vCPUs, memory in GiB.
/// `n2-custom-8-32768`, `custom-6-20480` (N1), `e2-custom-4-8192`;
/// `-ext` (extended memory) is recognised but returned as `Err`.
pub fn parse_custom_name(name: &str) -> Option<Result<(String, f64, f64), String>> {
    let lower = name.trim().to_ascii_lowercase();
    let (family, rest) = match lower.split_once("custom-") {
        Some(("", rest)) => ("n1".to_string(), rest),
        Some((prefix, rest)) => (prefix.strip_suffix('-')?.to_string(), rest),
        None => return None,
    };
    let (rest, extended) = match rest.strip_suffix("-ext") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    let (vcpu, memory_mb) = rest.split_once('-')?;
    let vcpu = vcpu.parse::<f64>().ok()?;
    let memory_mb = memory_mb.parse::<f64>().ok()?;
    if extended {
        return Some(Err(format!(
            "{name} uses extended memory, whose per-GiB rate the GCP data does not give"
        )));
    }
    Some(Ok((family, vcpu, memory_mb / 1024.0)))
}

/// A custom machine type priced from its family's rates in every region
/// that has them.
pub fn custom_instance(name: &str, rates: &[CustomRate]) -> Option<Result<Instance, String>> {
    let parsed = parse_custom_name(name)?;
    let (family, vcpu, memory_gib) = match parsed {
        Ok(parsed) => parsed,
        Err(reason) => return Some(Err(reason)),
    };
    let prices: Vec<RegionPrice> = rates
        .iter()
        .filter(|rate| rate.family == family)
        .map(|rate| RegionPrice {
            region: rate.region.to_string(),
            on_demand: Some(vcpu * rate.usd_per_vcpu_hour + memory_gib * rate.usd_per_gib_hour),
            spot: rate
                .spot_usd_per_vcpu_hour
                .zip(rate.spot_usd_per_gib_hour)
                .map(|(c, m)| vcpu * c + memory_gib * m),
            commit_1y: None,
            commit_3y: None,
            sustained_use: None,
            derived: true,
            source: "CYCLENERD",
            derivation: Some(format!(
                "custom type: {vcpu} vCPU x {}/vCPU-h + {} GiB x {}/GiB-h (rates solved from {}{})",
                crate::numbers::usd_rate(rate.usd_per_vcpu_hour),
                crate::numbers::trim(memory_gib, 3),
                crate::numbers::usd_rate(rate.usd_per_gib_hour),
                rate.basis,
                if ["n1", "n2", "n2d"].contains(&rate.family) {
                    ", +5% custom premium"
                } else {
                    ""
                }
            )),
        })
        .collect();
    if prices.is_empty() {
        return Some(Err(format!(
            "{name}: the catalogue has no custom rates for the {family} family"
        )));
    }
    Some(Ok(Instance {
        cloud: Cloud::Gcp,
        name: name.trim().to_string(),
        vcpu,
        memory_gib,
        allocatable_vcpu: None,
        allocatable_memory_gib: None,
        gpu_count: 0,
        gpu_model: None,
        gpu_memory_gib: None,
        arch: Some("amd64".into()),
        note: None,
        table: "generated/gcp-custom.tsv",
        prices: Prices::Parsed(prices),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse() {
        let price = RegionPrice::parse("eu-west-1", "23.716*", "AWS-2025-04").unwrap();
        assert!(price.derived);
        assert_eq!(price.on_demand, Some(23.716));
        let gcp = RegionPrice::parse("x", "1/0.5//0.25", "CYCLENERD").unwrap();
        assert_eq!(
            (gcp.spot, gcp.commit_1y, gcp.commit_3y),
            (Some(0.5), None, Some(0.25))
        );
        assert!(RegionPrice::parse("x", "", "CYCLENERD").is_none());
    }

    #[test]
    fn custom_names() {
        assert_eq!(
            parse_custom_name("n2-custom-8-32768"),
            Some(Ok(("n2".into(), 8.0, 32.0)))
        );
        assert_eq!(
            parse_custom_name("custom-6-20480"),
            Some(Ok(("n1".into(), 6.0, 20.0)))
        );
        assert!(matches!(
            parse_custom_name("n1-custom-2-13312-ext"),
            Some(Err(_))
        ));
        assert_eq!(parse_custom_name("n2-standard-8"), None);
    }

    #[test]
    fn one_line_lookups_match_the_parsed_table() {
        let text = include_str!("../../catalog/generated/aws.tsv");
        let rows = parse_generated(Cloud::Aws, "generated/aws.tsv", text).unwrap();
        // First, last, and every 97th row: the same as the full parse.
        let picks = rows
            .iter()
            .step_by(97)
            .chain(rows.first())
            .chain(rows.last());
        for row in picks {
            let found = find_generated(
                Cloud::Aws,
                "generated/aws.tsv",
                text,
                &row.name.to_ascii_lowercase(),
            )
            .unwrap_or_else(|| panic!("{}", row.name));
            assert_eq!(found.name, row.name);
            assert_eq!(found.prices(), row.prices());
            assert_eq!(found.allocatable_vcpu, row.allocatable_vcpu);
        }
        for missing in ["a0.nano", "zz.top", "g5.3xlarge", ""] {
            assert!(find_generated(Cloud::Aws, "generated/aws.tsv", text, missing).is_none());
        }
    }

    #[test]
    fn stand_in_regions_are_near() {
        let order = |wanted: &str, mut candidates: Vec<&str>| {
            candidates.sort_by_key(|c| region_distance(Cloud::Aws, wanted, c));
            candidates[0].to_string()
        };
        assert_eq!(
            order("eu-west-1", vec!["us-east-1", "eu-central-1", "eu-west-2"]),
            "eu-west-2"
        );
        assert_eq!(
            order("ap-south-2", vec!["us-east-1", "ap-south-1"]),
            "ap-south-1"
        );
        assert_eq!(
            order("sa-east-1", vec!["eu-west-1", "us-east-1"]),
            "us-east-1"
        );
    }
}
