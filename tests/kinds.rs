//! The operator kinds of fixtures/kinds: ids, accelerators per replica,
//! replica bounds, purpose, run-to-completion and cost to the cent from
//! catalogue rows; TCO001 silent on every kind that runs to completion;
//! templates and configs listed as skipped, not costed.

mod common;

use common::{assert_usd, check_json, findings, workload};
use serde_json::Value;

fn report() -> Value {
    let (_, report) = check_json(&["fixtures/kinds"]);
    report
}

/// (id, accelerator resource and units per replica, min, max, purpose,
/// runs to completion, monthly USD or None when unpriced).
type Case = (
    &'static str,
    Option<(&'static str, f64)>,
    u64,
    Option<u64>,
    &'static str,
    bool,
    Option<f64>,
);

const CASES: [Case; 15] = [
    // Decode: 2 replicas x (1 leader + 1 worker), data 16 / dataLocal 8 = 2
    // pods per replica, each 8 A100 on p4d.24xlarge ($21.957642/h):
    // 2 x 21.957642 x 730 per role.
    (
        "k8s:LLMInferenceService/llm/deepseek-coder-v2/template",
        Some(("nvidia.com/gpu", 8.0)),
        2,
        Some(2),
        "inference",
        false,
        Some(32058.16),
    ),
    (
        "k8s:LLMInferenceService/llm/deepseek-coder-v2/worker",
        Some(("nvidia.com/gpu", 8.0)),
        2,
        Some(2),
        "inference",
        false,
        Some(32058.16),
    ),
    // Prefill pool: scaling 1..4 on g5.12xlarge ($5.672/h): 1 x 5.672 x 730.
    (
        "k8s:LLMInferenceService/llm/deepseek-coder-v2/prefill.template",
        Some(("nvidia.com/gpu", 4.0)),
        1,
        Some(4),
        "inference",
        false,
        Some(4140.56),
    ),
    // NIMCache: one caching Job pod, 4 vCPU 16 GiB pinned to m5.xlarge,
    // which offers pods 3.92 vCPU and 13.83 GiB (Karpenter allocatable):
    // it does not fit, so it is unpriced and says so.
    (
        "k8s:NIMCache/nim-service/meta-llama3-8b-instruct",
        None,
        1,
        Some(1),
        "batch",
        true,
        None,
    ),
    // NIMService with scale.enabled: hpa 2..5 on g5.xlarge ($1.006/h).
    (
        "k8s:NIMService/nim-service/meta-llama3-8b-instruct",
        Some(("nvidia.com/gpu", 1.0)),
        2,
        Some(5),
        "inference",
        false,
        Some(1468.76),
    ),
    // Multi-node NIMService: 1 replica x pipeline 2 pods, 8 GPUs each.
    (
        "k8s:NIMService/nim-service/deepseek-r1",
        Some(("nvidia.com/gpu", 8.0)),
        2,
        Some(2),
        "inference",
        false,
        Some(32058.16),
    ),
    (
        "k8s:Pod/batch/trt-engine-build",
        Some(("nvidia.com/gpu", 1.0)),
        1,
        Some(1),
        "batch",
        true,
        Some(734.38),
    ),
    (
        "k8s:ReplicaSet/batch/embedding-backfill",
        Some(("nvidia.com/gpu", 1.0)),
        2,
        Some(2),
        "batch",
        true,
        Some(1468.76),
    ),
    (
        "k8s:RayCluster/ray/maxtext-tpu/head",
        None,
        1,
        Some(1),
        "unknown",
        false,
        // 8 of m5.xlarge's 13.83 allocatable GiB: 0.192 x 8/13.83 x 730.
        Some(81.08),
    ),
    // 1 replica x numOfHosts 4 = 4 pods x 4 TPU v5e chips (the 4x4 slice's
    // 16): 4 x ct5lp-hightpu-4t (4 x 1.20) x 730.
    (
        "k8s:RayCluster/ray/maxtext-tpu/worker/tpu-v5e-4x4",
        Some(("google.com/tpu", 4.0)),
        4,
        Some(4),
        "unknown",
        false,
        Some(14016.00),
    ),
    // 2 replicas x numOfHosts 2 = 4 pods on g5.12xlarge: 4 x 5.672 x 730.
    (
        "k8s:RayCluster/ray/maxtext-tpu/worker/a10g-x2",
        Some(("nvidia.com/gpu", 4.0)),
        4,
        Some(4),
        "unknown",
        false,
        Some(16562.24),
    ),
    // numNodes 2, resourcesPerNode 4 GPUs; g5.12xlarge from the
    // ClusterTrainingRuntime in another file: 2 x 5.672 x 730.
    (
        "k8s:TrainJob/ml-training/llama-3-8b-finetune",
        Some(("nvidia.com/gpu", 4.0)),
        2,
        Some(2),
        "training",
        true,
        Some(8281.12),
    ),
    // Nothing on the TrainJob: mlPolicy.numNodes 3 and the node container
    // (1 GPU, g5.xlarge) from its TrainingRuntime: 3 x 1.006 x 730.
    (
        "k8s:TrainJob/ml-training/bert-pretrain",
        Some(("nvidia.com/gpu", 1.0)),
        3,
        Some(3),
        "training",
        true,
        Some(2203.14),
    ),
    // Volcano tasks: a CPU launcher on c5.xlarge ($0.17/h, 2 of 4 vCPU)
    // and 2 GPU workers on g5.xlarge.
    (
        "k8s:Job/research/resnet50-train-mpi/mpimaster",
        None,
        1,
        Some(1),
        "training",
        true,
        // 4 of c5.xlarge's 6.43 allocatable GiB: 0.17 x 4/6.43 x 730.
        Some(77.20),
    ),
    (
        "k8s:Job/research/resnet50-train-mpi/mpiworker",
        Some(("nvidia.com/gpu", 1.0)),
        2,
        Some(2),
        "training",
        true,
        Some(1468.76),
    ),
];

#[test]
fn every_kind_is_extracted_bounded_and_priced() {
    let report = report();
    let workloads = report["workloads"].as_array().unwrap();
    let ids: Vec<&str> = workloads
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = CASES.iter().map(|case| case.0).collect();
    assert_eq!(ids, expected);
    for (id, accelerator, min, max, purpose, completes, monthly) in CASES {
        let w = workload(&report, id);
        match accelerator {
            Some((resource, units)) => {
                assert_eq!(w["gpu"]["resource"], resource, "{id}");
                assert_eq!(w["gpu"]["per_replica"].as_f64(), Some(units), "{id}");
            }
            None => assert!(w["gpu"].is_null(), "{id}: {}", w["gpu"]),
        }
        assert_eq!(w["replicas"]["min"].as_u64(), Some(min), "{id}");
        assert_eq!(w["replicas"]["max"].as_u64(), max, "{id}");
        assert_eq!(w["purpose"], purpose, "{id}");
        assert_eq!(w["run_to_completion"], completes, "{id}");
        match monthly {
            Some(usd) => assert_usd(&w["cost"]["monthly_usd"], usd, id),
            None => assert!(
                w["cost"].is_null() && w["unpriced_reason"].is_string(),
                "{id}"
            ),
        }
    }
}

#[test]
fn tco001_is_silent_on_every_kind_that_runs_to_completion() {
    let report = report();
    let idle: Vec<String> = findings(&report, "findings", "TCO001")
        .into_iter()
        .map(|finding| finding.4)
        .collect();
    for (id, accelerator, _, _, _, completes, _) in CASES {
        if completes && accelerator.is_some() {
            assert!(!idle.contains(&id.to_string()), "TCO001 fired on {id}");
        }
    }
    // The always-on ones with GPUs are judged.
    assert!(idle.contains(&"k8s:NIMService/nim-service/deepseek-r1".to_string()));
}

#[test]
fn templates_and_configs_are_skipped_with_a_reason() {
    let report = report();
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reasons: Vec<&str> = skipped.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(reasons[0].starts_with("ClusterTrainingRuntime torch-distributed-a10g: a template"));
    assert!(reasons[1].starts_with(
        "LLMInferenceServiceConfig kserve-config-llm-worker-data-parallel: a template"
    ));
    assert!(reasons[2].starts_with("TrainingRuntime bert-pretrain-runtime: a template"));
    assert!(skipped[1]
        .0
        .ends_with("llminferenceservice-deepseek-dp-and-prefill.yaml:57:1"));
    // Objects are not files: the summary counts no skipped file.
    assert_eq!(report["summary"]["files_skipped"], 0);
}

#[test]
fn assumptions_name_where_numbers_came_from() {
    let report = report();
    let basis = |id: &str| {
        workload(&report, id)["replicas"]["basis"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        basis("k8s:LLMInferenceService/llm/deepseek-coder-v2/worker"),
        "spec.replicas (1 worker pod(s) per replica: parallelism.data 16 / dataLocal 8 = 2 pods per replica)"
    );
    assert_eq!(
        basis("k8s:TrainJob/ml-training/bert-pretrain"),
        "TrainingRuntime bert-pretrain-runtime mlPolicy.numNodes"
    );
    assert!(basis("k8s:RayCluster/ray/maxtext-tpu/worker/tpu-v5e-4x4")
        .ends_with("x numOfHosts 4 pods per replica"));
    let train = workload(&report, "k8s:TrainJob/ml-training/llama-3-8b-finetune");
    assert_eq!(train["images"][0], "ghcr.io/acme/llama-finetune:1.4.0");
    let nim = workload(
        &report,
        "k8s:NIMService/nim-service/meta-llama3-8b-instruct",
    );
    assert_eq!(
        nim["images"][0],
        "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.3"
    );
}

#[test]
fn a_train_job_without_its_runtime_says_so() {
    let (_, report) = check_json(&["fixtures/kinds/trainjob-llama-finetune.yaml"]);
    let job = workload(&report, "k8s:TrainJob/ml-training/llama-3-8b-finetune");
    // Same GPUs and nodes, but no node selector: the cheapest fitting node.
    assert_eq!(job["replicas"]["min"], 2);
    let notes = job["assumptions"].to_string();
    assert!(
        notes.contains("ClusterTrainingRuntime torch-distributed-a10g is not in the scan"),
        "{notes}"
    );
}
