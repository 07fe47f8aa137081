//! Completing a workload's shape from the catalogue: a whole-instance
//! workload (an EC2 instance, a node pool) provisions what its instance
//! type has, so its vCPU, memory and GPUs per replica are the catalogue
//! row's; AWS Batch bounds in vCPUs become instance counts.

use crate::catalog::Catalog;
use crate::model::{Accelerator, AcceleratorVendor, Billing, Workload};

/// Fills vCPU, memory and accelerators of whole-instance workloads from
/// the catalogue row of their (single) instance type.
pub fn complete(workload: &mut Workload, catalog: &Catalog) {
    if let Some(change) = &mut workload.change {
        if let Some(before) = &mut change.before {
            complete(before, catalog);
        }
    }
    if workload.billing != Billing::Instances {
        return;
    }
    // The cheapest priced type the workload allows, as the cost model picks.
    let Some((row, location)) = workload
        .placement
        .instance_types
        .iter()
        .flat_map(|hint| hint.values.iter())
        .filter_map(|(name, location)| Some((catalog.instance(name)?, location.clone())))
        .min_by(|(a, _), (b, _)| {
            let price =
                |row: &crate::catalog::Instance| row.default_on_demand().unwrap_or(f64::INFINITY);
            price(a).total_cmp(&price(b))
        })
    else {
        return;
    };
    workload.compute.cpu_per_replica = row.vcpu;
    workload.compute.memory_gib_per_replica = row.memory_gib;
    if row.gpu_count > 0 {
        let vendor = row
            .gpu_model
            .as_deref()
            .and_then(|model| catalog.gpu_model(model))
            .map_or(AcceleratorVendor::Nvidia, |model| model.vendor);
        // The instance's own GPUs; `guest_accelerator` blocks on such
        // machines restate them.
        workload.compute.accelerators = vec![Accelerator {
            resource: "instance".into(),
            from_instance_type: true,
            vendor,
            devices: f64::from(row.gpu_count),
            units: f64::from(row.gpu_count),
            location,
        }];
    }
    if let Some((min_vcpus, max_vcpus)) = workload.vcpu_bounds {
        let per_instance = row.vcpu;
        workload.scaling.min = instances(min_vcpus, per_instance);
        workload.scaling.max = max_vcpus.map(|vcpus| instances(vcpus, per_instance));
        workload.scaling.basis = format!(
            "{} ({} vCPU per {}: {} to {} instances)",
            workload.scaling.basis,
            row.vcpu,
            row.name,
            workload.scaling.min,
            workload
                .scaling
                .max
                .map_or("unbounded".into(), |m| m.to_string())
        );
    }
}

/// Instances needed for `vcpus` vCPUs.
fn instances(vcpus: u32, per_instance: f64) -> u32 {
    (f64::from(vcpus) / per_instance).ceil() as u32
}
