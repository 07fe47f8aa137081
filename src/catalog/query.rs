//! `tcolint catalog`: looking prices up before any IaC exists.

use serde::Serialize;

use crate::model::Cloud;

use super::{Catalog, Instance, RegionPrice};

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Case-insensitive part of the type name (`g5.`, `h100`, `standard_nc`).
    pub name: Option<String>,
    /// Only this cloud.
    pub cloud: Option<Cloud>,
    /// Only this region (`all`: every region); default: each type's default region.
    pub region: Option<String>,
    /// Only types with this accelerator (a hint value: `h100`, `nvidia-l4`, `a100-80gb`).
    pub gpu: Option<String>,
}

/// One type in one region, as `tcolint catalog --format json` prints it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    /// Cloud.
    pub cloud: Cloud,
    /// Region of the price.
    pub region: String,
    /// Type name.
    pub name: String,
    /// On-demand price per hour.
    pub usd_per_hour: Option<f64>,
    /// Spot price per hour, where the data has one.
    pub spot_usd_per_hour: Option<f64>,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// vCPUs offered to pods, when known.
    pub allocatable_vcpu: Option<f64>,
    /// Memory offered to pods, GiB, when known.
    pub allocatable_memory_gib: Option<f64>,
    /// Accelerators.
    pub gpu_count: u32,
    /// Accelerator model.
    pub gpu_model: Option<String>,
    /// Memory per accelerator, GiB.
    pub gpu_memory_gib: Option<f64>,
    /// Catalogue table and source of the price.
    pub source: String,
    /// The source's date.
    pub date: String,
    /// The price source's key (`tcolint sources KEY`), when priced.
    #[serde(skip)]
    pub source_key: Option<&'static str>,
}

impl Query {
    /// The rows matching the query: cheapest first with `gpu`, else by
    /// cloud, name and region. `Err` for a GPU name the catalogue does not know.
    pub fn run(&self, catalog: &Catalog) -> Result<Vec<Row>, String> {
        let wanted_gpu = match &self.gpu {
            Some(hint) => Some(catalog.gpu_model_for_hint(hint).ok_or_else(|| {
                let suggestion = catalog
                    .nearest_gpu_alias(hint)
                    .map_or(String::new(), |s| format!(" (did you mean {s}?)"));
                format!("GPU model {hint:?} is not in the catalogue{suggestion}")
            })?),
            None => None,
        };
        let needle = self.name.as_deref().map(|n| n.trim().to_ascii_lowercase());
        let clouds: Vec<Cloud> = [Cloud::Aws, Cloud::Gcp, Cloud::Azure]
            .into_iter()
            .filter(|c| self.cloud.is_none_or(|wanted| wanted == *c))
            .collect();
        let mut candidates: Vec<Instance> = Vec::new();
        for cloud in &clouds {
            candidates.extend(catalog.instances(*cloud).iter().cloned());
            candidates.extend(
                catalog
                    .curated_instances()
                    .iter()
                    .filter(|row| row.cloud == *cloud)
                    .cloned(),
            );
        }
        // A custom machine type is priced on request, not listed.
        if let Some(custom) = needle.as_deref().and_then(|n| catalog.instance(n)) {
            if !candidates
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&custom.name))
                && clouds.contains(&custom.cloud)
            {
                candidates.push(custom);
            }
        }
        let mut rows = Vec::new();
        for instance in candidates {
            if let Some(needle) = &needle {
                if !instance.name.to_ascii_lowercase().contains(needle.as_str()) {
                    continue;
                }
            }
            if let Some(wanted) = wanted_gpu {
                let matches = instance
                    .gpu_model
                    .as_deref()
                    .is_some_and(|model| catalog.gpu_matches(model, wanted));
                if !matches {
                    continue;
                }
            }
            let prices: Vec<RegionPrice> = match self.region.as_deref() {
                Some(region) if region.eq_ignore_ascii_case("all") => instance.prices(),
                Some(region) => {
                    let region = super::normalize_region(instance.cloud, region);
                    instance.price_in(&region).into_iter().collect()
                }
                None => {
                    let home = instance.price_in(&instance.default_region());
                    home.or_else(|| instance.prices().into_iter().next())
                        .into_iter()
                        .collect()
                }
            };
            if prices.is_empty() && self.region.is_none() {
                // Listed without a price, so "why is it unpriced" has an answer.
                rows.push(row(&instance, None, catalog));
            }
            for price in prices {
                rows.push(row(&instance, Some(&price), catalog));
            }
        }
        if wanted_gpu.is_some() {
            rows.sort_by(|a, b| {
                let price = |r: &Row| r.usd_per_hour.unwrap_or(f64::INFINITY);
                price(a)
                    .total_cmp(&price(b))
                    .then_with(|| a.name.cmp(&b.name))
                    .then_with(|| a.region.cmp(&b.region))
            });
        } else {
            rows.sort_by(|a, b| {
                (a.cloud.as_str(), a.name.to_ascii_lowercase(), &a.region).cmp(&(
                    b.cloud.as_str(),
                    b.name.to_ascii_lowercase(),
                    &b.region,
                ))
            });
        }
        Ok(rows)
    }
}

fn row(instance: &Instance, price: Option<&RegionPrice>, catalog: &Catalog) -> Row {
    let (source, date) = match price {
        Some(price) => (
            format!("catalog/{}, {}", instance.table, price.source),
            catalog
                .source(price.source)
                .map_or_else(|| "undated".to_string(), |s| s.date.clone()),
        ),
        None => (
            format!(
                "catalog/{}: {}",
                instance.table,
                instance.note.as_deref().unwrap_or("no price")
            ),
            String::new(),
        ),
    };
    let allocatable = super::allocatable::of(instance);
    Row {
        cloud: instance.cloud,
        region: price.map_or_else(|| instance.default_region(), |p| p.region.clone()),
        name: instance.name.clone(),
        usd_per_hour: price.and_then(|p| p.on_demand),
        spot_usd_per_hour: price.and_then(|p| p.spot),
        vcpu: instance.vcpu,
        memory_gib: instance.memory_gib,
        allocatable_vcpu: allocatable.known().then_some(allocatable.vcpu),
        allocatable_memory_gib: allocatable.known().then_some(allocatable.memory_gib),
        gpu_count: instance.gpu_count,
        gpu_model: instance.gpu_model.clone(),
        gpu_memory_gib: instance.gpu_memory_gib,
        source,
        date,
        source_key: price.map(|p| p.source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(query: Query) -> Vec<Row> {
        query.run(&Catalog::embedded().unwrap()).unwrap()
    }

    #[test]
    fn names_match_in_the_default_region() {
        let rows = run(Query {
            name: Some("m5.4xlarge".into()),
            ..Query::default()
        });
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].region, "us-east-1");
        assert_eq!(rows[0].usd_per_hour, Some(0.768));
        assert_eq!(rows[0].allocatable_vcpu, Some(15.89));
        assert_eq!(rows[0].date, "2026-07-20");
    }

    #[test]
    fn gpu_lists_cheapest_first_in_a_region() {
        let rows = run(Query {
            gpu: Some("h100".into()),
            cloud: Some(Cloud::Aws),
            ..Query::default()
        });
        assert!(rows.len() >= 2);
        assert!(rows
            .iter()
            .all(|r| r.gpu_model.as_deref() == Some("H100-80GB")));
        assert_eq!(rows[0].name, "p5.4xlarge");
        assert!(rows
            .windows(2)
            .all(|w| w[0].usd_per_hour.unwrap_or(f64::INFINITY)
                <= w[1].usd_per_hour.unwrap_or(f64::INFINITY)));
        let eu = run(Query {
            name: Some("g5.xlarge".into()),
            region: Some("eu-west-1".into()),
            ..Query::default()
        });
        assert_eq!(eu[0].usd_per_hour, Some(1.123));
        let spot = run(Query {
            name: Some("e2-medium".into()),
            region: Some("us-central1".into()),
            ..Query::default()
        });
        assert_eq!(spot[0].spot_usd_per_hour, Some(0.020106));
    }

    #[test]
    fn custom_types_and_unknown_gpus() {
        let rows = run(Query {
            name: Some("n2-custom-8-32768".into()),
            region: Some("europe-west4".into()),
            ..Query::default()
        });
        assert_eq!(rows.len(), 1);
        assert!((rows[0].usd_per_hour.unwrap() - 0.4490472).abs() < 1e-9);
        let error = Query {
            gpu: Some("nvidia-tesla-k80".into()),
            ..Query::default()
        }
        .run(&Catalog::embedded().unwrap())
        .unwrap_err();
        assert!(error.contains("not in the catalogue"), "{error}");
    }
}
