//! What a Kubernetes node of a machine type offers to pods: its capacity
//! less the kubelet's reservations and eviction threshold. AWS figures are
//! the data's (Karpenter's reference computes them per type); GKE and AKS
//! publish formulas, applied here.

use super::{Catalog, Instance};
use crate::model::Cloud;

/// A node's allocatable cpu and memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Allocatable {
    /// vCPUs pods can request.
    pub vcpu: f64,
    /// Memory in GiB pods can request.
    pub memory_gib: f64,
    /// Where the figures come from.
    pub basis: &'static str,
    /// The `catalog/sources.tsv` key of the formula's documentation, when a
    /// published formula (not the data) gives the figures.
    pub source: Option<&'static str>,
}

impl Allocatable {
    /// Whether the figures are allocatable ones, not the full capacity
    /// standing in for a missing figure.
    pub fn known(&self) -> bool {
        self.basis != CAPACITY_BASIS
    }

    /// The basis, citing the formula's source (`title, date`).
    pub fn cited_basis(&self, catalog: &Catalog) -> String {
        match self.source {
            Some(key) => format!("{} ({})", self.basis, catalog.cite(key)),
            None => self.basis.to_string(),
        }
    }
}

/// GKE's reservation formula (cloud.google.com/kubernetes-engine/docs/
/// concepts/plan-node-sizes, "Node allocatable resources").
pub const GKE_BASIS: &str = "GKE reservations: CPU 6% of the first core, 1% of the next, 0.5% of the next 2, 0.25% above 4 (1.06 vCPU on shared-core E2); memory 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128 (255 MiB under 1 GiB), plus the 100 MiB eviction threshold";

/// AKS's reservation formula (learn.microsoft.com/azure/aks/node-resource-reservations, AKS 1.29+).
pub const AKS_BASIS: &str = "AKS 1.29+ reservations: CPU 60/100/140/180/260/420/740 millicores for 1/2/4/8/16/32/64 cores (100 + 10 per core beyond 4, which every listed size from 4 up fits); memory the lesser of 20 MiB x 30 max pods + 50 MiB and 25% of memory, plus the 100 MiB eviction threshold; 30 max pods is the documentation's example (kubenet's default is 110)";

/// `catalog/sources.tsv` key of the GKE formula's documentation.
const GKE_SOURCE: &str = "GKE-ALLOC";
/// `catalog/sources.tsv` key of the AKS formula's documentation.
const AKS_SOURCE: &str = "AKS-ALLOC";

const KARPENTER_BASIS: &str = "allocatable from the Karpenter instance-type reference";
const CAPACITY_BASIS: &str = "full capacity: the data has no allocatable figure for this type";

const EVICTION_GIB: f64 = 100.0 / 1024.0;

/// The allocatable cpu and memory of a node of `instance`.
pub fn of(instance: &Instance) -> Allocatable {
    if let (Some(vcpu), Some(memory_gib)) =
        (instance.allocatable_vcpu, instance.allocatable_memory_gib)
    {
        return Allocatable {
            vcpu,
            memory_gib,
            basis: KARPENTER_BASIS,
            source: None,
        };
    }
    let (vcpu, memory) = (instance.vcpu, instance.memory_gib);
    match instance.cloud {
        Cloud::Gcp => Allocatable {
            vcpu: gke_allocatable_vcpu(&instance.name, vcpu),
            memory_gib: (memory - gke_reserved_memory_gib(memory) - EVICTION_GIB).max(0.0),
            basis: GKE_BASIS,
            source: Some(GKE_SOURCE),
        },
        Cloud::Azure => Allocatable {
            vcpu: (vcpu - aks_reserved_cpu(vcpu)).max(0.0),
            memory_gib: (memory - aks_reserved_memory_gib(memory) - EVICTION_GIB).max(0.0),
            basis: AKS_BASIS,
            source: Some(AKS_SOURCE),
        },
        Cloud::Aws => Allocatable {
            vcpu,
            memory_gib: memory,
            basis: CAPACITY_BASIS,
            source: None,
        },
    }
}

/// Sums `rate x amount` over consecutive tiers of (size, rate); the last
/// tier is unbounded.
fn tiered(amount: f64, tiers: &[(f64, f64)]) -> f64 {
    let mut rest = amount;
    let mut total = 0.0;
    for (index, (size, rate)) in tiers.iter().enumerate() {
        let take = if index + 1 == tiers.len() {
            rest
        } else {
            rest.min(*size)
        };
        total += take.max(0.0) * rate;
        rest -= take;
        if rest <= 0.0 {
            break;
        }
    }
    total
}

/// Shared-core E2 types: the catalogue lists their core share (0.25, 0.5,
/// 1 vCPU) but the node advertises 2 vCPUs, of which GKE reserves 1.06.
const GKE_SHARED_CORE: [&str; 3] = ["e2-micro", "e2-small", "e2-medium"];
const GKE_SHARED_CORE_NODE_VCPU: f64 = 2.0;
const GKE_SHARED_CORE_RESERVED_VCPU: f64 = 1.06;

/// Allocatable vCPU of a GKE node of `name` with the catalogue's `vcpu`.
fn gke_allocatable_vcpu(name: &str, vcpu: f64) -> f64 {
    let lower = name.to_ascii_lowercase();
    if GKE_SHARED_CORE.contains(&lower.as_str()) {
        // 2 - 1.06 = 0.94, GKE's documented allocatable for all three.
        return GKE_SHARED_CORE_NODE_VCPU - GKE_SHARED_CORE_RESERVED_VCPU;
    }
    (vcpu - gke_reserved_cpu(vcpu)).max(0.0)
}

fn gke_reserved_cpu(vcpu: f64) -> f64 {
    tiered(
        vcpu,
        &[(1.0, 0.06), (1.0, 0.01), (2.0, 0.005), (f64::MAX, 0.0025)],
    )
}

fn gke_reserved_memory_gib(memory_gib: f64) -> f64 {
    if memory_gib < 1.0 {
        return 255.0 / 1024.0;
    }
    tiered(
        memory_gib,
        &[
            (4.0, 0.25),
            (4.0, 0.20),
            (8.0, 0.10),
            (112.0, 0.06),
            (f64::MAX, 0.02),
        ],
    )
}

fn aks_reserved_cpu(vcpu: f64) -> f64 {
    let millicores = match vcpu {
        v if v <= 1.0 => 60.0,
        v if v <= 2.0 => 60.0 + 40.0 * (v - 1.0),
        v if v <= 4.0 => 100.0 + 20.0 * (v - 2.0),
        v => 100.0 + 10.0 * v,
    };
    millicores / 1000.0
}

fn aks_reserved_memory_gib(memory_gib: f64) -> f64 {
    let per_pods: f64 = (20.0 * 30.0 + 50.0) / 1024.0;
    per_pods.min(0.25 * memory_gib)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn gke_formula() {
        // 16 vCPU: 0.06 + 0.01 + 0.01 + 12 x 0.0025 = 0.11 (the 110m the
        // formula's users quote for 16 cores).
        assert!(close(gke_reserved_cpu(16.0), 0.11));
        // 60 GiB: 1 + 0.8 + 0.8 + 44 x 0.06 = 5.24 GiB.
        assert!(close(gke_reserved_memory_gib(60.0), 5.24));
        // 150 GiB: 9.76 + 22 x 0.02 = 9.76 ... the calculator's 9.8577 with eviction.
        assert!(close(
            gke_reserved_memory_gib(150.0) + EVICTION_GIB,
            1.0 + 0.8 + 0.8 + 6.72 + 0.44 + EVICTION_GIB
        ));
        assert!((gke_reserved_memory_gib(150.0) + EVICTION_GIB - 9.8577).abs() < 1e-4);
    }

    #[test]
    fn gke_shared_core_e2_nodes_offer_0_94_vcpu_from_the_catalogue_rows() {
        // The catalogue lists the core share (0.25 / 0.5 / 1 vCPU); the node
        // advertises 2 vCPUs less GKE's 1.06: 0.94 (it came out 0 before).
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        for name in GKE_SHARED_CORE {
            let instance = catalog.instance(name).unwrap();
            assert!(instance.vcpu < 2.0, "{name}: {}", instance.vcpu);
            let allocatable = of(&instance);
            assert!(close(allocatable.vcpu, 0.94), "{name}: {allocatable:?}");
        }
        let standard = catalog.instance("e2-standard-2").unwrap();
        assert!(close(of(&standard).vcpu, 2.0 - 0.07), "{:?}", of(&standard));
    }

    #[test]
    fn the_formulas_cite_their_documented_sources() {
        let catalog = Catalog::embedded().unwrap();
        for (name, key, url) in [
            (
                "e2-standard-2",
                GKE_SOURCE,
                "cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes",
            ),
            (
                "Standard_D4s_v5",
                AKS_SOURCE,
                "learn.microsoft.com/azure/aks/node-resource-reservations",
            ),
        ] {
            let source = catalog.source(key).unwrap();
            assert!(source.location.contains(url), "{key}");
            let allocatable = of(&catalog.instance(name).unwrap());
            let basis = allocatable.cited_basis(&catalog);
            assert!(
                basis.ends_with(&format!("({})", source.citation())),
                "{basis}"
            );
        }
    }

    #[test]
    fn aks_formula() {
        for (cores, millicores) in [
            (1.0, 60.0),
            (2.0, 100.0),
            (4.0, 140.0),
            (8.0, 180.0),
            (16.0, 260.0),
            (32.0, 420.0),
            (64.0, 740.0),
        ] {
            assert!(
                close(aks_reserved_cpu(cores), millicores / 1000.0),
                "{cores}"
            );
        }
        // 8 GiB: 650 MiB; 2 GiB: 25% = 512 MiB.
        assert!(close(aks_reserved_memory_gib(8.0), 650.0 / 1024.0));
        assert!(close(aks_reserved_memory_gib(2.0), 0.5));
    }
}
