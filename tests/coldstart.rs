//! Container-image and ML-framework cold starts of functions (issue 13,
//! item 6) on `fixtures/coldstart/`: the runtime's hello-world init, plus
//! loading the image (declared size, else the default ML image size, marked
//! assumed) at the lazy-loading rate, plus `import torch`; frameworks
//! without a sourced import time are listed as not projected.

mod common;

use common::{check_json, workload};
use serde_json::Value;

/// python3.12 container image init on x86_64, s (lambda-perf 2026-08-22).
const IMAGE_INIT_S: f64 = 0.1912;
/// python3.12 zip init on x86_64, s.
const ZIP_INIT_S: f64 = 0.083;
/// Median `import torch`, s (H200 measurement).
const TORCH_IMPORT_S: f64 = 2.688;
/// Lazy image loading, GB/s: 0.045833 x 230 / 20.
const LOAD_GB_PER_S: f64 = 0.52708;
/// Default size of an image that imports an ML framework, GB (vllm#13112).
const DEFAULT_ML_IMAGE_GB: f64 = 7.07;

fn parts(workload: &Value) -> Vec<(String, f64, bool)> {
    workload["cold_start"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| {
            (
                part["name"].as_str().unwrap().to_string(),
                part["seconds"].as_f64().unwrap(),
                part["assumed"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn assert_seconds(value: &Value, expected: f64, what: &str) {
    let actual = value.as_f64().unwrap_or_else(|| panic!("{what}: {value}"));
    assert!(
        (actual - expected).abs() < 1e-6,
        "{what}: {actual} != {expected}"
    );
}

#[test]
fn a_pytorch_image_lambda_pays_for_its_image_and_the_import() {
    let (_, report) = check_json(&["fixtures/coldstart/serverless"]);
    let embed = workload(&report, "sls:ml-images/embed");
    // Not the hello-world 0.191 s: 7.07 GB / 0.52708 GB/s + 0.1912 + 2.688 = 16.29 s.
    let total = DEFAULT_ML_IMAGE_GB / LOAD_GB_PER_S + IMAGE_INIT_S + TORCH_IMPORT_S;
    assert_seconds(&embed["cold_start"]["total_s"], total, "embed");
    assert!((total - 16.2927).abs() < 1e-4);
    let names: Vec<(String, bool)> = parts(embed).into_iter().map(|(n, _, a)| (n, a)).collect();
    assert_eq!(
        names,
        [
            ("image loading".to_string(), true),
            ("runtime init".to_string(), true),
            ("framework import".to_string(), true),
        ]
    );
    assert_eq!(embed["profile"]["framework"]["value"], "pytorch");
    assert_eq!(embed["profile"]["framework"]["origin"], "inferred");
    let assumptions = embed["assumptions"].to_string();
    assert!(
        assumptions
            .contains("cold start assumes the default ML image 7.07 GB (tcolint.io/image-size-gb)"),
        "{assumptions}"
    );
    // Its declared 1 s SLO is broken by the cold start: LAT001 at warning.
    let lat001 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "LAT001" && f["workload"] == "sls:ml-images/embed")
        .expect("LAT001");
    assert_eq!(lat001["severity"], "warning");
    assert!(lat001["message"]
        .as_str()
        .unwrap()
        .contains("a cold start takes about 16293 ms (image loading 13413.5 ms (assumed) + runtime init 191.2 ms (assumed) + framework import 2688 ms (assumed))"));
}

#[test]
fn a_declared_image_size_sets_the_load_and_is_not_an_assumption() {
    let (_, report) = check_json(&["fixtures/coldstart/serverless"]);
    let rank = workload(&report, "sls:ml-images/rank");
    let load = &parts(rank)[0];
    assert_eq!(load.0, "image loading");
    assert!((load.1 - 3.0 / LOAD_GB_PER_S).abs() < 1e-6);
    assert!(!load.2, "a declared size is not assumed");
    // The framework comes from the image name: `transformers` runs on PyTorch.
    assert!(rank["profile"]["framework"]["basis"]
        .as_str()
        .unwrap()
        .contains("names transformers, which runs on pytorch"));
    // Declared framework and size: neither part is an assumption.
    let answer = workload(&report, "sls:ml-images/answer");
    // custom.tcolint.usage is written next to the function: an annotation.
    assert_eq!(answer["profile"]["framework"]["origin"], "annotation");
    assert_eq!(
        parts(answer),
        [
            ("image loading".to_string(), 1.5 / LOAD_GB_PER_S, false),
            ("runtime init".to_string(), IMAGE_INIT_S, true),
            ("framework import".to_string(), TORCH_IMPORT_S, false),
        ]
    );
}

#[test]
fn the_cold_start_grows_with_the_image() {
    let (_, report) = check_json(&["fixtures/coldstart/serverless"]);
    let total = |id: &str| {
        workload(&report, id)["cold_start"]["total_s"]
            .as_f64()
            .unwrap()
    };
    // Same runtime and framework: 1.5 GB < 3 GB < 7.07 GB (default).
    assert!(total("sls:ml-images/answer") < total("sls:ml-images/rank"));
    assert!(total("sls:ml-images/rank") < total("sls:ml-images/embed"));
    // A plain image keeps the hello-world figure.
    assert_seconds(
        &workload(&report, "sls:ml-images/resize")["cold_start"]["total_s"],
        IMAGE_INIT_S,
        "resize",
    );
}

#[test]
fn a_layer_that_names_pytorch_adds_the_import_to_a_zip_function() {
    let (_, report) = check_json(&["fixtures/coldstart/serverless"]);
    let tag = workload(&report, "sls:ml-images/tag");
    assert_eq!(
        parts(tag),
        [
            ("runtime init".to_string(), ZIP_INIT_S, false),
            ("framework import".to_string(), TORCH_IMPORT_S, true),
        ]
    );
    assert_eq!(
        tag["function"]["layers"],
        serde_json::json!(["PytorchLambdaLayer"])
    );
    assert!(tag["profile"]["framework"]["basis"]
        .as_str()
        .unwrap()
        .contains("layer PytorchLambdaLayer names pytorch"));
}

#[test]
fn a_framework_without_a_sourced_figure_is_listed_not_invented() {
    let (_, report) = check_json(&["fixtures/coldstart/serverless"]);
    let detect = workload(&report, "sls:ml-images/detect");
    assert_seconds(&detect["cold_start"]["total_s"], IMAGE_INIT_S, "detect");
    let missing = detect["cold_start"]["not_projected"].as_array().unwrap();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].as_str().unwrap().starts_with(
        "image loading: the image of a tensorflow function has no sourced default size"
    ));
    assert!(missing[1]
        .as_str()
        .unwrap()
        .contains("no sourced import time"));
    assert!(detect["assumptions"]
        .to_string()
        .contains("cold start leaves out framework import: tensorflow"));
}

#[test]
fn sam_and_terraform_images_and_layers() {
    let (_, report) = check_json(&["fixtures/coldstart/sam", "fixtures/coldstart/terraform"]);
    let summarize = workload(&report, "cfn:template/SummarizeFunction");
    assert_seconds(
        &summarize["cold_start"]["total_s"],
        4.2 / LOAD_GB_PER_S + IMAGE_INIT_S + TORCH_IMPORT_S,
        "SAM image",
    );
    let classify = workload(&report, "cfn:template/ClassifyFunction");
    assert_seconds(
        &classify["cold_start"]["total_s"],
        ZIP_INIT_S + TORCH_IMPORT_S,
        "SAM layer",
    );
    let ranker = workload(&report, "aws_lambda_function.ranker");
    assert_seconds(
        &ranker["cold_start"]["total_s"],
        DEFAULT_ML_IMAGE_GB / LOAD_GB_PER_S + IMAGE_INIT_S + TORCH_IMPORT_S,
        "Terraform image",
    );
    let tagger = workload(&report, "aws_lambda_function.tagger");
    assert_seconds(
        &tagger["cold_start"]["total_s"],
        ZIP_INIT_S + TORCH_IMPORT_S,
        "Terraform layer",
    );
    assert!(tagger["profile"]["framework"]["basis"]
        .as_str()
        .unwrap()
        .contains("layer aws_lambda_layer_version.torch"));
}

#[test]
fn verbose_text_lists_what_the_cold_start_leaves_out() {
    let (_, stdout, _) = common::run(&["check", "--verbose", "fixtures/coldstart/serverless"]);
    assert!(
        stdout.contains("  cold start  16.3 s (image loading 13.4 s + runtime init 0.191 s + framework import 2.688 s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- not projected: framework import: tensorflow (inferred: image"),
        "{stdout}"
    );
}

#[test]
fn a_gpu_replica_of_another_framework_assumes_pytorchs_start() {
    let (_, report) = check_json(&["fixtures/coldstart/kubernetes"]);
    let serving = workload(&report, "k8s:Deployment/ml/tfs");
    let start = serving["cold_start"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|part| part["name"] == "framework start")
        .unwrap();
    assert_eq!(start["assumed"], true);
    assert!(start["basis"]
        .as_str()
        .unwrap()
        .contains("measured for PyTorch, and tensorflow (image tensorflow/serving:2.16.1-gpu names tensorflow) is assumed to start as fast"));
}
