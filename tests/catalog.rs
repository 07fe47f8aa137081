//! Prices from the generated catalogue through `check` (fixtures/catalog):
//! region labels pick the region's price, a region the data lacks is priced
//! from a named stand-in region and flagged, `--strict-prices` (and
//! `strict-prices: true`) leaves it unpriced, spot labels use the data's
//! spot price, and GCP custom types are priced per vCPU and GiB.

mod common;

use common::{assert_usd, check_json, scratch, workload};

/// (workload, node, region priced, purchase, monthly $ to the cent)
const PRICED: [(&str, &str, &str, &str, f64); 8] = [
    // g5.xlarge, eu-west-1 regional list price 1.123 x 730.
    (
        "k8s:Deployment/catalog/a10g-dublin",
        "g5.xlarge",
        "eu-west-1",
        "on-demand",
        819.79,
    ),
    // p4d.24xlarge, eu-west-1 35.39655 (2025-04) x 0.67 us-east-1 ratio = 23.715688 x 730.
    (
        "k8s:Job/catalog/a100-dublin",
        "p4d.24xlarge",
        "eu-west-1",
        "on-demand",
        17312.45,
    ),
    // g6e.2xlarge has no eu-west-1 price: eu-central-1's 2.8035 stands in.
    (
        "k8s:Deployment/catalog/l40s-dublin",
        "g6e.2xlarge",
        "eu-central-1",
        "on-demand",
        2046.56,
    ),
    // g2-standard-8 on GKE Spot, zone us-central1-a: spot 0.479872 x 730.
    (
        "k8s:Deployment/catalog/l4-spot",
        "g2-standard-8",
        "us-central1",
        "spot",
        350.31,
    ),
    // n1-standard-16 in europe-west4: list price 0.836672 x 730 (sustained use not applied).
    (
        "k8s:Deployment/catalog/api-n1",
        "n1-standard-16",
        "europe-west4",
        "on-demand",
        610.77,
    ),
    // n2-custom-8-32768: 8 x 0.0365421 + 32 x 0.0048972 = 0.4490472 x 730.
    (
        "k8s:Deployment/catalog/api-custom",
        "n2-custom-8-32768",
        "europe-west4",
        "on-demand",
        327.80,
    ),
    // A TPU v5e 2x4 slice: 8 chips x 1.20/chip-h in us-west4 (the source's tpu-v5litepod-8 row: 9.60) x 730.
    (
        "k8s:Deployment/catalog/gemma-v5e-2x4",
        "ct5lp-hightpu-8t",
        "us-west4",
        "on-demand",
        7008.00,
    ),
    // TPU v6e on GKE Spot in europe-west4: 4 chips x 1.0098/chip-h spot x 730.
    (
        "k8s:Deployment/catalog/llama-v6e-spot",
        "ct6e-standard-4t",
        "europe-west4",
        "spot",
        2948.62,
    ),
];

#[test]
fn regions_spot_and_custom_types_are_priced_to_the_cent() {
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/catalog"]);
    for (id, node, region, purchase, monthly) in PRICED {
        let w = workload(&report, id);
        let cost = &w["cost"];
        assert_usd(&cost["monthly_usd"], monthly, id);
        assert_eq!(cost["node"]["name"], node, "{id}");
        assert_eq!(cost["node"]["region"], region, "{id}");
        assert_eq!(cost["node"]["purchase"], purchase, "{id}");
        assert!(
            cost["basis"].as_str().unwrap().contains(purchase),
            "{id}: the basis names the purchase option"
        );
    }
    // The stand-in is flagged in JSON and in the basis text.
    let l40s = workload(&report, "k8s:Deployment/catalog/l40s-dublin");
    assert_eq!(l40s["cost"]["node"]["approximates_region"], "eu-west-1");
    assert!(l40s["cost"]["basis"]
        .as_str()
        .unwrap()
        .contains("APPROXIMATE: the data has no eu-west-1 price for g6e.2xlarge, so the eu-central-1 list price stands in"));
    assert!(l40s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().starts_with("approximate price")));
    // The derived regional price says how it is derived.
    let p4d = workload(&report, "k8s:Job/catalog/a100-dublin");
    assert!(p4d["cost"]["node"]["derived"]
        .as_str()
        .unwrap()
        .contains("us-east-1 price ratio"));
    // Exact prices carry no flag.
    let g5 = workload(&report, "k8s:Deployment/catalog/a10g-dublin");
    assert!(g5["cost"]["node"]["approximates_region"].is_null());
}

#[test]
fn strict_prices_leave_stand_in_regions_unpriced() {
    let dir = scratch("catalog-strict");
    let config = dir.join("tcolint.yml");
    std::fs::write(&config, "strict-prices: true\n").unwrap();
    for args in [
        vec!["--fail-on", "never", "--strict-prices", "fixtures/catalog"],
        vec![
            "--fail-on",
            "never",
            "--config",
            config.to_str().unwrap(),
            "fixtures/catalog",
        ],
    ] {
        let (_, report) = check_json(&args);
        let l40s = workload(&report, "k8s:Deployment/catalog/l40s-dublin");
        assert!(l40s["cost"].is_null(), "{args:?}");
        let reason = l40s["unpriced_reason"].as_str().unwrap();
        assert!(
            reason.contains("no g6e.2xlarge price for eu-west-1, and strict prices are on"),
            "{reason}"
        );
        // Exact regional prices are unaffected.
        let g5 = workload(&report, "k8s:Deployment/catalog/a10g-dublin");
        assert_usd(&g5["cost"]["monthly_usd"], 819.79, "g5 strict");
    }
}

#[test]
fn catalog_command_looks_prices_up() {
    let (code, stdout, _) = common::run(&["catalog", "--gpu", "h100", "--format", "json"]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 8, "{stdout}");
    // The row shape, cheapest first.
    for key in [
        "cloud",
        "region",
        "name",
        "usd_per_hour",
        "spot_usd_per_hour",
        "vcpu",
        "memory_gib",
        "allocatable_vcpu",
        "allocatable_memory_gib",
        "gpu_count",
        "gpu_model",
        "gpu_memory_gib",
        "source",
        "date",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
    assert_eq!(rows[0]["name"], "p5.4xlarge");
    assert_eq!(rows[0]["usd_per_hour"], 6.88);
    let prices: Vec<f64> = rows
        .iter()
        .filter_map(|r| r["usd_per_hour"].as_f64())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));

    let (code, text, _) = common::run(&["catalog", "g5.xlarge", "--region", "eu-west-1"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("g5.xlarge") && text.contains("$1.123"),
        "{text}"
    );
    // The source keys of the rows are resolved to titles under the table.
    assert!(
        text.ends_with(
            "\nsources (tcolint sources KEY says where to find each):\n  AWS-2025-04  AWS EC2 regional on-demand price files, 2025-04-04\n"
        ),
        "{text}"
    );
    let (code, text, _) = common::run(&[
        "catalog",
        "--cloud",
        "azure",
        "standard_d2_v3",
        "--region",
        "westus2",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("$0.096") && text.contains("$0.01248"),
        "{text}"
    );

    let (code, _, _) = common::run(&["catalog", "no-such-type"]);
    assert_eq!(code, 1);
    let (code, _, stderr) = common::run(&["catalog", "--gpu", "nvidia-tesla-k80"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the catalogue"), "{stderr}");
}

#[test]
fn pricing_settings_commit_discount_and_override() {
    // fixtures/catalog/tcolint-pricing.yml: commitment 1y, aws 12%, g6e.2xlarge eu-west-1 2.50.
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "--config",
        "fixtures/catalog/tcolint-pricing.yml",
        "fixtures/catalog",
    ]);
    let node = |id: &str| workload(&report, id)["cost"]["node"].clone();
    let basis = |id: &str| {
        workload(&report, id)["cost"]["basis"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // GCP: the data's 1-year committed price, 0.52708 x 730.
    let n1 = "k8s:Deployment/catalog/api-n1";
    assert_usd(&workload(&report, n1)["cost"]["monthly_usd"], 384.77, n1);
    assert_eq!(node(n1)["purchase"], "1y-commitment");
    assert!(
        basis(n1).contains("1-year committed price $0.52708/h instead of on-demand $0.836672/h")
    );
    // AWS: no committed price in the data (said), 12% off the list price: 1.123 x 0.88 x 730.
    let g5 = "k8s:Deployment/catalog/a10g-dublin";
    assert_usd(&workload(&report, g5)["cost"]["monthly_usd"], 721.42, g5);
    assert_eq!(node(g5)["purchase"], "on-demand");
    assert!(basis(g5).contains("the AWS and Azure data are on-demand and spot only"));
    assert!(
        basis(g5).contains("$1.123/h less the 12% aws discount (pricing.discounts) = $0.98824/h")
    );
    // The override replaces the stand-in region's price: 2.50 x 730, exact.
    let l40s = "k8s:Deployment/catalog/l40s-dublin";
    assert_usd(
        &workload(&report, l40s)["cost"]["monthly_usd"],
        1825.00,
        l40s,
    );
    assert_eq!(node(l40s)["purchase"], "override");
    assert_eq!(node(l40s)["region"], "eu-west-1");
    assert!(node(l40s)["approximates_region"].is_null());
    assert!(basis(l40s).contains("price override $2.5/h for g6e.2xlarge in eu-west-1 from fixtures/catalog/tcolint-pricing.yml:10:18"));
    // Spot stays spot: no commitment on spot capacity.
    let spot = "k8s:Deployment/catalog/l4-spot";
    assert_usd(
        &workload(&report, spot)["cost"]["monthly_usd"],
        350.31,
        spot,
    );
    assert_eq!(node(spot)["purchase"], "spot");

    // 3-year: 0.376516 x 730; an override also prices what strict prices refuse.
    let dir = scratch("catalog-pricing-3y");
    let config = dir.join("tcolint.yml");
    std::fs::write(
        &config,
        "strict-prices: true\npricing:\n  commitment: 3y\n  prices: {g6e.2xlarge: 2.4}\n",
    )
    .unwrap();
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "--config",
        config.to_str().unwrap(),
        "fixtures/catalog",
    ]);
    assert_usd(&workload(&report, n1)["cost"]["monthly_usd"], 274.86, "3y");
    assert_usd(
        &workload(&report, l40s)["cost"]["monthly_usd"],
        1752.00,
        "override under strict prices",
    );
}

#[test]
fn pricing_settings_errors_are_located() {
    let dir = scratch("catalog-pricing-errors");
    for (text, message, line) in [
        (
            "pricing:\n  commitment: 2y\n",
            "pricing.commitment must be none, 1y or 3y",
            2,
        ),
        (
            "pricing:\n  discounts:\n    ibm: 5%\n",
            "unknown cloud \"ibm\"",
            3,
        ),
        ("pricing:\n  discounts:\n    aws: 112%\n", "below 100%", 3),
        (
            "pricing:\n  prices:\n    m5.large: cheap\n",
            "pricing.prices.m5.large must be a price",
            3,
        ),
        (
            "pricing:\n  reserved: true\n",
            "pricing has no setting \"reserved\"",
            2,
        ),
    ] {
        let config = dir.join("tcolint.yml");
        std::fs::write(&config, text).unwrap();
        let (code, _, stderr) = common::run(&[
            "check",
            "--config",
            config.to_str().unwrap(),
            "fixtures/catalog",
        ]);
        assert_eq!(code, 2, "{text}");
        assert!(stderr.contains(message), "{text}: {stderr}");
        assert!(
            stderr.contains(&format!("tcolint.yml:{line}:")),
            "{text}: {stderr}"
        );
    }
}

#[test]
fn a_gke_tpu_slice_pool_without_a_node_count_has_its_topology_hosts() {
    let dir = scratch("catalog-tpu-pool");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"google_container_node_pool\" \"v5e\" {\n  name     = \"v5e-4x4\"\n  cluster  = \"c\"\n  location = \"us-west4\"\n  node_config {\n    machine_type = \"ct5lp-hightpu-4t\"\n  }\n  placement_policy {\n    type         = \"COMPACT\"\n    tpu_topology = \"4x4\"\n  }\n}\n",
    )
    .unwrap();
    let (_, report) = check_json(&["--fail-on", "never", dir.to_str().unwrap()]);
    let pool = workload(&report, "google_container_node_pool.v5e");
    // 4x4 = 16 chips / 4 per VM = 4 hosts x (4 x 1.20) x 730.
    assert_eq!(pool["replicas"]["min"], 4);
    assert_usd(&pool["cost"]["monthly_usd"], 14016.00, "v5e 4x4 pool");
    assert!(pool["replicas"]["basis"]
        .as_str()
        .unwrap()
        .contains("tpu_topology 4x4: 16 chips / 4 per ct5lp-hightpu-4t VM"));
    // A declared node_count wins over the topology.
    std::fs::write(
        dir.join("main.tf"),
        "resource \"google_container_node_pool\" \"v5e\" {\n  location = \"us-west4\"\n  node_count = 2\n  node_config {\n    machine_type = \"ct5lp-hightpu-4t\"\n  }\n  placement_policy {\n    tpu_topology = \"4x4\"\n  }\n}\n",
    )
    .unwrap();
    let (_, report) = check_json(&["--fail-on", "never", dir.to_str().unwrap()]);
    let pool = workload(&report, "google_container_node_pool.v5e");
    assert_eq!(pool["replicas"]["min"], 2);
}

#[test]
fn a_gke_tpu_topology_too_large_to_count_leaves_the_pool_unpriced_without_a_panic() {
    // The reviewer's input: 65536 x 65536 x 4 chips overflows u32 (it
    // panicked with rc=101); it must not wrap to a small count either.
    let dir = scratch("catalog-tpu-overflow");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"google_container_node_pool\" \"tpu\" {\n  name     = \"tpu\"\n  cluster  = \"c\"\n  location = \"us-west4-a\"\n  node_config {\n    machine_type = \"ct5lp-hightpu-4t\"\n  }\n  placement_policy {\n    type         = \"COMPACT\"\n    tpu_topology = \"65536x65536x4\"\n  }\n}\n",
    )
    .unwrap();
    let (_, report) = check_json(&["--fail-on", "never", dir.to_str().unwrap()]);
    let pool = workload(&report, "google_container_node_pool.tpu");
    assert!(pool["cost"]["monthly_usd"].is_null(), "{pool}");
    assert!(pool["replicas"]["basis"]
        .as_str()
        .unwrap()
        .starts_with("node count unknown: placement_policy.tpu_topology"));
    let text = pool.to_string();
    assert!(
        text.contains("tpu_topology 65536x65536x4 at ")
            && text.contains("main.tf:10:")
            && text.contains("node count is unknown"),
        "{text}"
    );
}

#[test]
fn a_pod_pinned_to_a_shared_core_e2_medium_fits_its_0_94_allocatable_vcpu() {
    // The reviewer's input: 250m / 1Gi on e2-medium was unpriced ("0 vCPU"):
    // the catalogue's 1 vCPU core share less GKE's 1.06 reserved. The node
    // advertises 2 vCPUs: 2 - 1.06 = 0.94 allocatable.
    let dir = scratch("catalog-e2-medium");
    std::fs::write(
        dir.join("e2.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: x}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      nodeSelector:\n        node.kubernetes.io/instance-type: e2-medium\n      containers:\n        - name: api\n          image: x\n          resources:\n            requests: {cpu: \"250m\", memory: 1Gi}\n",
    )
    .unwrap();
    let (_, report) = check_json(&["--fail-on", "never", dir.to_str().unwrap()]);
    let api = workload(&report, "k8s:Deployment/x/api");
    let cost = &api["cost"];
    assert_eq!(cost["node"]["name"], "e2-medium");
    assert!((cost["node"]["allocatable_vcpu"].as_f64().unwrap() - 0.94).abs() < 1e-9);
    assert!((cost["share"]["cpu"].as_f64().unwrap() - 0.25 / 0.94).abs() < 1e-9);
    // Memory dominates: 1 GiB of 4 - 1 (GKE 25% of 4 GiB) - 100 MiB = 2.902 GiB;
    // us-central1 0.03350571/h x 0.344549 x 730 = 8.43.
    assert_usd(&cost["monthly_usd"], 8.43, "e2-medium pod");
}

#[test]
fn a_service_fee_outside_its_rate_region_is_approximate_and_unpriced_when_strict() {
    // The AKS Standard fee is sourced for eastus only; the westeurope
    // cluster is priced at it, flagged, as instance types the data lacks.
    let (_, report) = check_json(&["--fail-on", "never", "fixtures/terraform/azure"]);
    let eu = workload(&report, "azurerm_kubernetes_cluster.eu");
    assert_usd(&eu["cost"]["monthly_usd"], 73.0, "westeurope AKS fee");
    assert_eq!(eu["cost"]["approximates_region"], "westeurope");
    assert!(eu["cost"]["basis"]
        .as_str()
        .unwrap()
        .contains("APPROXIMATE: the data has no westeurope rate for aks-standard, so the eastus rate stands in"));
    assert!(eu["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().starts_with("approximate price")));
    // The fee in its own region carries no flag (the field is absent).
    let main = workload(&report, "azurerm_kubernetes_cluster.main");
    assert!(main["cost"].get("approximates_region").is_none());
    let (_, strict) = check_json(&[
        "--fail-on",
        "never",
        "--strict-prices",
        "fixtures/terraform/azure",
    ]);
    let eu = workload(&strict, "azurerm_kubernetes_cluster.eu");
    assert!(eu["cost"].is_null());
    assert_eq!(
        eu["unpriced_reason"],
        "the catalogue has the aks-standard rate for eastus only, and this runs in westeurope (--strict-prices refuses a stand-in region)"
    );
}

#[test]
fn price_override_for_the_machine_of_an_attached_gpu_node_prices_the_machine_part() {
    // Review finding B4(a): `prices: {n1-standard-4: 0.01}` was dropped for
    // the node "n1-standard-4 + 1 x T4" (looked up by the combined name).
    let dir = scratch("pricing-attached-gpu");
    std::fs::write(
        dir.join("t4.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: t4, namespace: x}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: t4}}\n  template:\n    metadata: {labels: {app: t4}}\n    spec:\n      nodeSelector:\n        cloud.google.com/gke-accelerator: nvidia-tesla-t4\n        topology.kubernetes.io/region: us-central1\n      containers:\n        - name: c\n          image: x\n          resources:\n            requests: {cpu: \"3\", memory: 12Gi}\n            limits: {nvidia.com/gpu: 1}\n",
    )
    .unwrap();
    let id = "k8s:Deployment/x/t4";
    let manifest = dir.join("t4.yaml");
    let manifest = manifest.to_str().unwrap();
    // List: n1-standard-4 $0.19/h + one T4 $0.35/h = $0.54 x 730.
    let (_, report) = check_json(&["--fail-on", "never", manifest]);
    assert_usd(&workload(&report, id)["cost"]["monthly_usd"], 394.20, id);
    let config = dir.join("tcolint.yml");
    std::fs::write(&config, "pricing:\n  prices:\n    n1-standard-4: 0.01\n").unwrap();
    // Override on the machine part: ($0.01 + $0.35) x 730.
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "--config",
        config.to_str().unwrap(),
        manifest,
    ]);
    let cost = &workload(&report, id)["cost"];
    assert_usd(&cost["monthly_usd"], 262.80, id);
    assert_eq!(cost["node"]["name"], "n1-standard-4 + 1 x T4");
    let basis = cost["basis"].as_str().unwrap();
    assert!(
        basis.contains("price override $0.01/h for the n1-standard-4 machine"),
        "{basis}"
    );
    // With a 10% GCP discount the attached GPU is discounted, the override not:
    // ($0.01 + $0.35 x 0.9) x 730.
    std::fs::write(
        &config,
        "pricing:\n  discounts: {gcp: 10%}\n  prices:\n    n1-standard-4: 0.01\n",
    )
    .unwrap();
    let (_, report) = check_json(&[
        "--fail-on",
        "never",
        "--config",
        config.to_str().unwrap(),
        manifest,
    ]);
    assert_usd(&workload(&report, id)["cost"]["monthly_usd"], 237.25, id);
}
