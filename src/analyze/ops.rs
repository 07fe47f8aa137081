//! Operational overhead: people's time to run the platform, from `ops:` in
//! `tcolint.yml`, spread over the workloads that share it.
//!
//! ```text
//! Kubernetes   hours per cluster-month × clusters × hourly rate, split evenly over the
//!              scan's Kubernetes workloads (clusters = the cluster resources the scan
//!              declares — EKS, GKE, AKS — or one when it declares none)
//! serverless   hours per service-month × hourly rate, split evenly over each service's
//!              functions (a service: the id up to its last `/`, `sls:<service>/<fn>`)
//! ```
//!
//! No cited figure puts hours on running either platform, so every figure
//! defaults to 0 (off) and nothing is added until the configuration says so.

use serde::Serialize;

use crate::model::{Billing, Platform, Workload};
use crate::numbers::{trim, usd};

/// The `ops:` settings of `tcolint.yml`; all zero (off) by default.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpsSettings {
    /// `hourly-rate-usd`: what an hour of platform work costs.
    pub hourly_rate_usd: f64,
    /// `kubernetes-hours-per-cluster-month`.
    pub kubernetes_hours_per_cluster_month: f64,
    /// `serverless-hours-per-service-month`.
    pub serverless_hours_per_service_month: f64,
}

impl OpsSettings {
    /// The setting names, in documentation order.
    pub const KEYS: [&'static str; 3] = [
        "hourly-rate-usd",
        "kubernetes-hours-per-cluster-month",
        "serverless-hours-per-service-month",
    ];

    /// Sets the value of `key` (one of [`OpsSettings::KEYS`]).
    pub fn set(&mut self, key: &str, value: f64) -> bool {
        match key {
            "hourly-rate-usd" => self.hourly_rate_usd = value,
            "kubernetes-hours-per-cluster-month" => self.kubernetes_hours_per_cluster_month = value,
            "serverless-hours-per-service-month" => self.serverless_hours_per_service_month = value,
            _ => return false,
        }
        true
    }

    fn is_off(&self) -> bool {
        self.hourly_rate_usd <= 0.0
            || (self.kubernetes_hours_per_cluster_month <= 0.0
                && self.serverless_hours_per_service_month <= 0.0)
    }
}

/// One workload's share of the operational overhead.
#[derive(Clone, Debug, Serialize)]
pub struct OpsShare {
    /// Hours of people's time a month attributed to the workload.
    #[serde(serialize_with = "crate::numbers::number::<_, 2>")]
    pub hours_per_month: f64,
    /// Their cost.
    #[serde(serialize_with = "crate::numbers::number::<_, 2>")]
    pub monthly_usd: f64,
    /// The arithmetic (one text shared by every workload it applies to).
    pub basis: std::sync::Arc<str>,
}

/// What decides a workload's share, besides its id: read from the
/// workload once it is extracted, and kept for it where a large scan does
/// not hold the workload itself until it is assessed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpsRole {
    /// It runs on Kubernetes (pods, or a cluster's nodes).
    pub kubernetes: bool,
    /// It is a Kubernetes cluster (its control plane).
    pub cluster: bool,
    /// It is a serverless function.
    pub function: bool,
}

impl OpsRole {
    /// The role of `workload`.
    pub fn of(workload: &Workload) -> OpsRole {
        let kubernetes = matches!(
            workload.platform,
            Platform::Kubernetes | Platform::AwsEks | Platform::GcpGke | Platform::AzureAks
        );
        OpsRole {
            kubernetes,
            cluster: kubernetes && matches!(workload.billing, Billing::ServiceHour(_)),
            function: workload.function.is_some(),
        }
    }
}

/// The service of a function id: the id up to its last `/`.
fn service_of(id: &str) -> &str {
    id.rsplit_once('/').map_or(id, |(service, _)| service)
}

/// Each workload's share (by index of `workloads`: each workload's role and
/// final id, in file order), `None` where no overhead applies or `ops:` is
/// off. Only the set of workloads decides a share, so it is known before
/// any workload is assessed, or even held.
pub fn attribute(workloads: &[(OpsRole, &str)], settings: &OpsSettings) -> Vec<Option<OpsShare>> {
    let mut shares = vec![None; workloads.len()];
    if settings.is_off() {
        return shares;
    }
    let rate = settings.hourly_rate_usd;
    let kubernetes: Vec<usize> = (0..workloads.len())
        .filter(|&i| workloads[i].0.kubernetes)
        .collect();
    if settings.kubernetes_hours_per_cluster_month > 0.0 && !kubernetes.is_empty() {
        let declared = kubernetes
            .iter()
            .filter(|&&i| workloads[i].0.cluster)
            .count();
        let clusters = declared.max(1);
        let hours =
            settings.kubernetes_hours_per_cluster_month * clusters as f64 / kubernetes.len() as f64;
        let share = OpsShare {
            hours_per_month: hours,
            monthly_usd: hours * rate,
            basis: format!(
                "{} h per cluster-month x {clusters} cluster(s){} / {} Kubernetes workloads = {} h x {}/h = {}/month (tcolint.yml ops)",
                trim(settings.kubernetes_hours_per_cluster_month, 2),
                if declared == 0 { " (none declared, one assumed)" } else { "" },
                kubernetes.len(),
                trim(hours, 3),
                usd(rate),
                usd(hours * rate)
            )
            .into(),
        };
        for &i in &kubernetes {
            shares[i] = Some(share.clone());
        }
    }
    if settings.serverless_hours_per_service_month > 0.0 {
        let functions: Vec<usize> = (0..workloads.len())
            .filter(|&i| workloads[i].0.function)
            .collect();
        // Counted once per service: comparing every pair takes minutes on
        // a tree of tens of thousands of functions.
        let mut members_of: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for &i in &functions {
            *members_of.entry(service_of(workloads[i].1)).or_default() += 1;
        }
        for &i in &functions {
            let service = service_of(workloads[i].1);
            let members = members_of[service];
            let hours = settings.serverless_hours_per_service_month / members as f64;
            shares[i] = Some(OpsShare {
                hours_per_month: hours,
                monthly_usd: hours * rate,
                basis: format!(
                    "{} h per service-month / {members} function(s) of {service} = {} h x {}/h = {}/month (tcolint.yml ops)",
                    trim(settings.serverless_hours_per_service_month, 2),
                    trim(hours, 3),
                    usd(rate),
                    usd(hours * rate)
                )
                .into(),
            });
        }
    }
    shares
}
