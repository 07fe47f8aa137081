//! Azure Functions and Cloud Functions (issue 13, item 5): Terraform
//! function apps and Cloud Run functions priced to the cent from the cited
//! catalogue rates, with their plans' cold starts, on `fixtures/functions/`
//! (each folder's README shows the arithmetic).

mod common;

use common::{assert_usd, check_json, workload};
use serde_json::Value;

fn rules<'a>(report: &'a Value, id: &str) -> Vec<&'a str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["workload"] == id)
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

#[test]
fn cloud_run_functions_are_priced_at_cloud_run_rates_with_their_minimum_instances() {
    let (_, report) = check_json(&[
        "--config",
        "fixtures/functions/gcf-gen2/tcolint.yml",
        "fixtures/functions/gcf-gen2",
    ]);
    let embed = workload(&report, "google_cloudfunctions2_function.embed");
    assert_eq!(embed["platform"], "gcp-cloud-functions");
    assert_eq!(embed["function"]["plan"], "cloud-run-functions");
    assert_eq!(embed["function"]["vcpu"], 1);
    assert_eq!(embed["function"]["memory_mb"], 1024);
    assert_eq!(embed["function"]["events"][0], "https");
    let cost = &embed["cost"];
    // $0.0000004 + 0.3 s (0.25 s billed in 100 ms steps) x (1 vCPU x $0.000024 + 1 GiB x $0.0000025).
    let per_request = 0.0000004 + 0.3 * (0.000024 + 0.0000025);
    // One minimum instance at the instance-based rates: 730 h x 3600 s x (1 x $0.000018 + 1 x $0.000002).
    let fixed: f64 = 730.0 * 3600.0 * (0.000018 + 0.000002);
    assert_usd(&cost["monthly_usd"], 52.56 + 25.40, "embed monthly");
    let exact = fixed + 100_000.0 * 730.0 / 24.0 * per_request;
    assert!((exact - 77.96).abs() < 0.005, "{exact}");
    assert_eq!(embed["cold_start"]["total_s"], 1.75);
    let basis = cost["basis"].as_str().unwrap();
    assert!(
        basis.contains("Cloud Run pricing, request-based billing, 2025"),
        "{basis}"
    );
    assert!(basis.contains("minimum instances 1 x (1 vCPU x $0.000018 + 1 GiB x $0.000002) x 730 h x 3600 s = $52.56/month"), "{basis}");
    assert_eq!(
        rules(&report, "google_cloudfunctions2_function.embed"),
        ["TCO002", "TCO003"]
    );

    // Defaults: 256M = 244.14 MiB, 0.167 vCPU, 0.12 s billed as 0.2 s.
    let index = workload(&report, "google_cloudfunctions2_function.index");
    let gib = 256e6 / 1024f64.powi(3);
    let per_request = 0.0000004 + 0.2 * (0.167 * 0.000024 + gib * 0.0000025);
    assert_usd(
        &index["cost"]["monthly_usd"],
        20_000.0 * 730.0 / 24.0 * per_request,
        "index",
    );
    assert_usd(&index["cost"]["monthly_usd"], 0.80, "index rounded");
    assert_eq!(index["function"]["events"][0], "sns");
    assert_eq!(index["cold_start"]["total_s"], 3.0);
}

#[test]
fn azure_consumption_and_flex_are_priced_and_premium_says_why_not() {
    let (_, report) = check_json(&[
        "--config",
        "fixtures/functions/azure/tcolint.yml",
        "fixtures/functions/azure",
    ]);
    let classify = workload(&report, "azurerm_linux_function_app.classify");
    assert_eq!(classify["platform"], "azure-functions");
    assert_eq!(classify["function"]["plan"], "azure-consumption");
    // 50,000 x 730/24 executions x ($0.0000002 + 0.4 s x 1.5 GB x $0.000016).
    assert_usd(&classify["cost"]["monthly_usd"], 14.90, "classify");
    assert_usd(
        &classify["cost"]["monthly_usd"],
        50_000.0 * 730.0 / 24.0 * (0.0000002 + 0.4 * 1.5 * 0.000016),
        "classify exact",
    );
    assert_eq!(classify["cold_start"]["total_s"], 5.0);
    assert_eq!(classify["cold_start"]["parts"][0]["assumed"], true);

    let rerank = workload(&report, "azurerm_function_app_flex_consumption.rerank");
    assert_eq!(rerank["function"]["plan"], "azure-flex-consumption");
    // 200,000 x 730/24 executions x 0.15 s x 4 GB x $0.000026; executions not counted.
    assert_usd(&rerank["cost"]["monthly_usd"], 94.90, "rerank");
    assert!(rerank["cold_start"].is_null());
    assert!(rerank["assumptions"].as_array().unwrap().iter().any(|a| a
        .as_str()
        .unwrap()
        .contains("charges per execution, at a rate the catalogue has no sourced figure for")));
    assert_eq!(rerank["recommendation"]["platform"], "azure-vm");

    let score = workload(&report, "azurerm_linux_function_app.score");
    assert_eq!(score["function"]["plan"], "azure-premium-ep1");
    assert_eq!(score["function"]["provisioned_concurrency"], 2);
    let reason = score["unpriced_reason"].as_str().unwrap();
    assert!(reason.contains("Elastic Premium EP1"), "{reason}");
}

#[test]
fn a_gke_service_is_offered_cloud_run_functions_not_lambda() {
    let (code, report) = check_json(&["fixtures/functions/gke-api.yaml"]);
    assert_eq!(code, 1);
    let api = workload(&report, "k8s:Deployment/web/api");
    let recommendation = &api["recommendation"];
    assert_eq!(recommendation["platform"], "gcp-cloud-functions");
    assert_eq!(recommendation["architecture"], "serverless");
    // 10,000 x 730/24 requests x ($0.0000004 + 0.2 s x (1 vCPU x $0.000024 + 2 GiB x $0.0000025)).
    let per_request = 0.0000004 + 0.2 * (0.000024 + 2.0 * 0.0000025);
    assert_usd(
        &recommendation["monthly_usd"],
        10_000.0 * 730.0 / 24.0 * per_request,
        "Cloud Run function",
    );
    assert_usd(&recommendation["monthly_usd"], 1.89, "rounded");
    let alternatives = recommendation["alternatives"].as_array().unwrap();
    assert!(alternatives.iter().all(|a| a["platform"] != "aws-lambda"));
    let warm = alternatives
        .iter()
        .find(|a| a["architecture"] == "serverless-provisioned")
        .unwrap();
    // One minimum instance at the instance-based rates: 730 h x 3600 s x ($0.000018 + 2 x $0.000002).
    assert_usd(
        &warm["monthly_usd"],
        730.0 * 3600.0 * (0.000018 + 2.0 * 0.000002) + 10_000.0 * 730.0 / 24.0 * per_request,
        "minimum instance",
    );
    assert_eq!(rules(&report, "k8s:Deployment/web/api"), ["ARC001"]);
}

#[test]
fn serverless_framework_azure_and_google_services_are_read() {
    let (code, report) = check_json(&[
        "fixtures/functions/serverless-azure",
        "fixtures/functions/serverless-google",
    ]);
    assert_eq!(code, 1, "FIT003 is an error");
    let classify = workload(&report, "sls:sentiment/classify");
    assert_eq!(classify["platform"], "azure-functions");
    assert_eq!(classify["function"]["plan"], "azure-consumption");
    // One event, `http`: its sibling `methods` and `authLevel` are its settings.
    assert_eq!(classify["function"]["events"], serde_json::json!(["https"]));
    assert_eq!(classify["region"], "eastus");
    assert_usd(&classify["cost"]["monthly_usd"], 14.90, "classify");
    // 2,000 x 730/24 executions x ($0.0000002 + 2 s x 1.5 GB x $0.000016).
    let backfill = workload(&report, "sls:sentiment/backfill");
    assert_eq!(backfill["function"]["events"], serde_json::json!(["sqs"]));
    assert_usd(
        &backfill["cost"]["monthly_usd"],
        2_000.0 * 730.0 / 24.0 * (0.0000002 + 2.0 * 1.5 * 0.000016),
        "backfill",
    );
    assert_usd(&backfill["cost"]["monthly_usd"], 2.93, "backfill rounded");

    let embed = workload(&report, "sls:embeddings/embed");
    assert_eq!(embed["platform"], "gcp-cloud-functions");
    assert_eq!(embed["function"]["plan"], "cloud-functions-gen1");
    assert_eq!(embed["function"]["memory_mb"], 1024);
    assert_eq!(embed["function"]["provisioned_concurrency"], 1);
    assert_eq!(embed["replicas"]["max"], 20);
    let reason = embed["unpriced_reason"].as_str().unwrap();
    assert!(reason.contains("no sourced tier table"), "{reason}");
    assert_eq!(embed["cold_start"]["total_s"], 2.0);
    assert_eq!(rules(&report, "sls:embeddings/embed"), ["TCO003"]);
    let reindex = workload(&report, "sls:embeddings/reindex");
    assert_eq!(reindex["function"]["timeout_s"], 600);
    assert_eq!(reindex["function"]["events"][0], "sns");
    assert_eq!(rules(&report, "sls:embeddings/reindex"), ["FIT003"]);
}

#[test]
fn the_older_function_app_reads_its_app_service_plan_sku() {
    let dir = common::scratch("functions-old-app");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"azurerm_app_service_plan\" \"plan\" {\n  name     = \"p\"\n  location = \"eastus\"\n  kind     = \"FunctionApp\"\n  sku {\n    tier = \"Dynamic\"\n    size = \"Y1\"\n  }\n}\n\nresource \"azurerm_function_app\" \"legacy\" {\n  name                = \"legacy\"\n  location            = \"eastus\"\n  app_service_plan_id = azurerm_app_service_plan.plan.id\n}\n\nresource \"azurerm_function_app\" \"orphan\" {\n  name                = \"orphan\"\n  location            = \"eastus\"\n  app_service_plan_id = var.plan_id\n}\n",
    )
    .unwrap();
    let (_, report) = check_json(&[dir.to_str().unwrap()]);
    let legacy = workload(&report, "azurerm_function_app.legacy");
    assert_eq!(legacy["function"]["plan"], "azure-consumption");
    // No traffic declared: nothing is billed but executions.
    assert_usd(&legacy["cost"]["monthly_usd"], 0.0, "legacy");
    let orphan = workload(&report, "azurerm_function_app.orphan");
    assert_eq!(orphan["function"]["plan"], "azure-unknown-plan");
    let reason = orphan["unpriced_reason"].as_str().unwrap();
    assert!(reason.contains("hosting plan is unknown"), "{reason}");
}
