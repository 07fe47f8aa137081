//! The buyer's prices (`pricing:` in tcolint.yml): a committed-use term,
//! negotiated discounts per cloud, and per-type price overrides. They
//! adjust a catalogue node's list price; every adjustment is named in the
//! basis, so a figure never silently departs from the catalogue.

use crate::model::Cloud;
use crate::numbers::usd_rate;
use crate::source::Location;

/// A committed-use term.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Commitment {
    /// On-demand list prices.
    #[default]
    None,
    /// One-year commitment.
    OneYear,
    /// Three-year commitment.
    ThreeYears,
}

impl Commitment {
    /// Parses `none`, `1y`, `3y`.
    pub fn parse(text: &str) -> Option<Commitment> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "on-demand" => Some(Commitment::None),
            "1y" => Some(Commitment::OneYear),
            "3y" => Some(Commitment::ThreeYears),
            _ => None,
        }
    }

    /// The purchase option as output names it.
    pub fn purchase(self) -> &'static str {
        match self {
            Commitment::None => "on-demand",
            Commitment::OneYear => "1y-commitment",
            Commitment::ThreeYears => "3y-commitment",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Commitment::None => "on-demand",
            Commitment::OneYear => "1-year",
            Commitment::ThreeYears => "3-year",
        }
    }
}

/// A price the user sets for an instance type, in every region or one.
#[derive(Clone, Debug)]
pub struct PriceOverride {
    /// Instance type (case-insensitive).
    pub name: String,
    /// Region (catalogue spelling), or every region.
    pub region: Option<String>,
    /// Price per hour.
    pub usd_per_hour: f64,
    /// Where tcolint.yml sets it.
    pub location: Location,
}

/// `pricing:` from tcolint.yml.
#[derive(Clone, Debug, Default)]
pub struct PriceSettings {
    /// Committed-use term (GCP committed prices where the data has them).
    pub commitment: Commitment,
    /// Negotiated discount per cloud, as a fraction (0.12 = 12%).
    pub discounts: Vec<(Cloud, f64)>,
    /// Price overrides.
    pub prices: Vec<PriceOverride>,
}

/// No adjustments: list prices (an absent `pricing:`).
pub static LIST_PRICES: PriceSettings = PriceSettings {
    commitment: Commitment::None,
    discounts: Vec::new(),
    prices: Vec::new(),
};

/// What the adjustment needs to know about a node.
pub struct NodePrice<'a> {
    /// Instance type (or machine + attached GPUs).
    pub name: &'a str,
    /// Cloud.
    pub cloud: Cloud,
    /// The region the workload runs in (the node's price region when it
    /// names none).
    pub wanted_region: &'a str,
    /// The catalogue price per hour, if any.
    pub usd_per_hour: Option<f64>,
    /// Whether that price is a spot price.
    pub spot: bool,
    /// The catalogue's committed prices: (1-year, 3-year).
    pub committed: (Option<f64>, Option<f64>),
}

/// A node's price after the user's pricing.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjusted {
    /// Price per hour.
    pub usd_per_hour: f64,
    /// The purchase option (`on-demand`, `spot`, `1y-commitment`, `override`).
    pub purchase: &'static str,
    /// What was applied, for the basis; empty when nothing was.
    pub steps: Vec<String>,
    /// Whether a user price for the wanted region replaced the catalogue's
    /// (a stand-in region's price is then no longer involved).
    pub overridden: bool,
}

impl PriceSettings {
    /// Whether nothing is configured.
    pub fn is_list(&self) -> bool {
        self.commitment == Commitment::None && self.discounts.is_empty() && self.prices.is_empty()
    }

    /// The user's price for `name` in `region`: a region-specific entry
    /// first, then one for every region.
    pub fn override_for(&self, name: &str, region: &str) -> Option<&PriceOverride> {
        let of_name = || {
            self.prices
                .iter()
                .filter(move |o| o.name.eq_ignore_ascii_case(name))
        };
        of_name()
            .find(|o| o.region.as_deref() == Some(region))
            .or_else(|| of_name().find(|o| o.region.is_none()))
    }

    /// The discount for `cloud`, as a fraction.
    pub fn discount(&self, cloud: Cloud) -> Option<f64> {
        self.discounts
            .iter()
            .find(|(c, _)| *c == cloud)
            .map(|(_, fraction)| *fraction)
    }

    /// Applies the override, else the commitment (not to spot) and the
    /// discount. `None` when the node has no price and no override.
    pub fn adjust(&self, node: &NodePrice<'_>) -> Option<Adjusted> {
        if let Some(price) = self.override_for(node.name, node.wanted_region) {
            return Some(Adjusted {
                usd_per_hour: price.usd_per_hour,
                purchase: "override",
                steps: vec![format!(
                    "price override {}/h for {}{} from {} (catalogue price {}; no commitment or discount applied to it)",
                    usd_rate(price.usd_per_hour),
                    price.name,
                    price
                        .region
                        .as_ref()
                        .map_or(" in every region".to_string(), |r| format!(" in {r}")),
                    price.location,
                    node.usd_per_hour
                        .map_or("none".to_string(), |p| format!("{}/h", usd_rate(p)))
                )],
                overridden: true,
            });
        }
        let list = node.usd_per_hour?;
        let mut steps = Vec::new();
        let mut price = list;
        let mut purchase = if node.spot { "spot" } else { "on-demand" };
        if self.commitment != Commitment::None && !node.spot {
            let committed = match self.commitment {
                Commitment::OneYear => node.committed.0,
                Commitment::ThreeYears => node.committed.1,
                Commitment::None => None,
            };
            match committed {
                Some(committed) => {
                    steps.push(format!(
                        "{} committed price {}/h instead of on-demand {}/h (pricing.commitment)",
                        self.commitment.words(),
                        usd_rate(committed),
                        usd_rate(list)
                    ));
                    price = committed;
                    purchase = self.commitment.purchase();
                }
                None => steps.push(format!(
                    "pricing.commitment is {}, but the data has no {} committed price for {}{}: on-demand kept",
                    match self.commitment {
                        Commitment::OneYear => "1y",
                        _ => "3y",
                    },
                    self.commitment.words(),
                    node.name,
                    if node.cloud == Cloud::Gcp {
                        ""
                    } else {
                        " (the AWS and Azure data are on-demand and spot only)"
                    }
                )),
            }
        }
        if let Some(fraction) = self.discount(node.cloud) {
            let discounted = price * (1.0 - fraction);
            steps.push(format!(
                "{}/h less the {}% {} discount (pricing.discounts) = {}/h",
                usd_rate(price),
                crate::numbers::trim(fraction * 100.0, 4),
                node.cloud,
                usd_rate(discounted)
            ));
            price = discounted;
        }
        Some(Adjusted {
            usd_per_hour: price,
            purchase,
            steps,
            overridden: false,
        })
    }
}

/// Parses a discount: `12%` or a fraction below 1 (`0.12`).
pub fn parse_discount(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, percent) = match text.strip_suffix('%') {
        Some(number) => (number.trim(), true),
        None => (text, false),
    };
    let value: f64 = number.parse().map_err(|_| {
        format!("expected a percentage like 12% or a fraction like 0.12, found {text:?}")
    })?;
    let fraction = if percent { value / 100.0 } else { value };
    if !(0.0..1.0).contains(&fraction) || !fraction.is_finite() {
        return Err(format!(
            "a discount must be at least 0% and below 100%, found {text:?}"
        ));
    }
    Ok(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn node(
        price: Option<f64>,
        spot: bool,
        committed: (Option<f64>, Option<f64>),
    ) -> NodePrice<'static> {
        NodePrice {
            name: "n2-standard-8",
            cloud: Cloud::Gcp,
            wanted_region: "europe-west4",
            usd_per_hour: price,
            spot,
            committed,
        }
    }

    #[test]
    fn commitment_then_discount() {
        let settings = PriceSettings {
            commitment: Commitment::OneYear,
            discounts: vec![(Cloud::Gcp, 0.1)],
            prices: Vec::new(),
        };
        let adjusted = settings
            .adjust(&node(Some(1.0), false, (Some(0.63), Some(0.45))))
            .unwrap();
        assert!((adjusted.usd_per_hour - 0.567).abs() < 1e-12);
        assert_eq!(adjusted.purchase, "1y-commitment");
        assert_eq!(adjusted.steps.len(), 2);
        // Spot is not committed, but is discounted.
        let spot = settings
            .adjust(&node(Some(0.3), true, (Some(0.63), None)))
            .unwrap();
        assert!((spot.usd_per_hour - 0.27).abs() < 1e-12);
        assert_eq!(spot.purchase, "spot");
        // No committed price: on-demand kept, and said.
        let kept = settings
            .adjust(&node(Some(1.0), false, (None, None)))
            .unwrap();
        assert_eq!(kept.purchase, "on-demand");
        assert!(kept.steps[0].contains("no 1-year committed price"));
        assert!(LIST_PRICES.is_list() && !settings.is_list());
    }

    #[test]
    fn overrides_by_region_then_everywhere() {
        let at = SourceFile::new("tcolint.yml", "x").start();
        let entry = |region: Option<&str>, usd: f64| PriceOverride {
            name: "N2-STANDARD-8".into(),
            region: region.map(str::to_string),
            usd_per_hour: usd,
            location: at.clone(),
        };
        let settings = PriceSettings {
            commitment: Commitment::ThreeYears,
            discounts: vec![(Cloud::Gcp, 0.5)],
            prices: vec![entry(None, 0.3), entry(Some("europe-west4"), 0.25)],
        };
        let adjusted = settings.adjust(&node(None, false, (None, None))).unwrap();
        assert_eq!(adjusted.usd_per_hour, 0.25);
        assert_eq!(adjusted.purchase, "override");
        assert!(adjusted.overridden);
        let elsewhere = NodePrice {
            wanted_region: "us-central1",
            ..node(Some(0.4), false, (None, None))
        };
        assert_eq!(settings.adjust(&elsewhere).unwrap().usd_per_hour, 0.3);
    }

    #[test]
    fn discounts_parse() {
        assert_eq!(parse_discount("12%"), Ok(0.12));
        assert_eq!(parse_discount("0.12"), Ok(0.12));
        assert!(parse_discount("12").is_err());
        assert!(parse_discount("100%").is_err());
        assert!(parse_discount("-1%").is_err());
        assert!(parse_discount("abc").is_err());
    }
}
