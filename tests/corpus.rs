//! The shared corpus of real public IaC files (copied under tests/corpus,
//! see COPIED_FROM.md): every file scans without a crash or internal error,
//! and each Kubernetes manifest yields the workloads and GPUs asserted here.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, run};

/// (file, workloads, GPU workloads, GPUs at min replicas, E001 findings)
const KUBERNETES: [(&str, usize, usize, f64, usize); 53] = [
    ("GoogleCloudPlatform__ai-on-gke__job-tf-mnist-train-t4.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__ccc-reservations-deployment-gpu-templated.yaml", 1, 0, 0.0, 2),
    ("GoogleCloudPlatform__kubernetes-engine-samples__hpa-lws-vllm.yaml", 0, 0, 0.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__hpa-t5-inference.yaml", 0, 0, 0.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__job-finetune-gemma-l4-kueue.yaml", 1, 1, 4.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__job-kueue-team-a-t4.yaml", 1, 1, 3.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__keda-pubsub-scaledobject.yaml", 0, 0, 0.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__lws-vllm-llama3-405b-h100.yaml", 2, 2, 16.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__rayservice-llama3-8b-l4.yaml", 2, 1, 2.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__statefulset-tensorflow-jupyter-l4.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__t5-torchserve-gpu-l4.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__tgi-gemma-2-27b-it-l4x4.yaml", 1, 1, 4.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__tgi-llama3-70b-l4-spot.yaml", 1, 1, 2.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__triton-single-gpu-l4.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__triton-trtllm-gemma.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__kubernetes-engine-samples__vllm-gemma-2-9b-it-l4.yaml", 1, 1, 2.0, 0),
    ("GoogleCloudPlatform__ml-testing-accelerators__jsonnet-rendered-cronjob-pt-resnet50-v100-x1.yaml", 1, 1, 1.0, 0),
    ("GoogleCloudPlatform__ml-testing-accelerators__jsonnet-rendered-cronjob-tf-bert-squad-v100-x4.yaml", 1, 1, 4.0, 0),
    ("NVIDIA__k8s-device-plugin__static-daemonset.yaml", 1, 0, 0.0, 0),
    ("NVIDIA__k8s-device-plugin__testdata-job-cuda-nbody-gpu.yaml", 1, 1, 1.0, 0),
    ("kserve__docs-samples__accelerators-tensorflow-gpu.yaml", 1, 1, 1.0, 0),
    ("kserve__docs-samples__autoscaling-autoscale-gpu.yaml", 1, 1, 1.0, 0),
    ("kserve__docs-samples__fluid-llama31-8b-isvc-minreplicas0.yaml", 1, 1, 0.0, 0),
    ("kserve__docs-samples__llmisvc-deepseek-dp-ep-8gpu-naive.yaml", 2, 2, 16.0, 0),
    ("kserve__docs-samples__llmisvc-qwen2-7b-gpu.yaml", 1, 1, 3.0, 0),
    ("kserve__docs-samples__rollout-strategy-multidoc.yaml", 4, 0, 0.0, 0),
    ("kserve__docs-samples__storage-hf-llama2-isvc.yaml", 1, 1, 1.0, 0),
    ("kserve__docs-samples__v1beta1-custom-torchserve-gpu.yaml", 0, 0, 0.0, 1),
    ("kserve__docs-samples__v1beta1-torchserve-v2-bert-gpu.yaml", 1, 1, 1.0, 0),
    ("kubeflow__training-operator__mpijob-tensorflow-mnist.yaml", 2, 0, 0.0, 0),
    ("kubeflow__training-operator__paddlejob-simple-gpu.yaml", 1, 1, 4.0, 0),
    ("kubeflow__training-operator__pytorchjob-deepspeed-demo-gpu.yaml", 2, 2, 2.0, 0),
    ("kubeflow__training-operator__pytorchjob-elastic-imagenet.yaml", 1, 0, 0.0, 0),
    ("kubeflow__training-operator__pytorchjob-mnist-nccl-gpu.yaml", 2, 2, 2.0, 0),
    ("kubeflow__training-operator__tfjob-multi-worker-gpu.yaml", 1, 1, 2.0, 0),
    ("kubeflow__training-operator__v2-clustertrainingruntime-torch-distributed.yaml", 0, 0, 0.0, 0),
    ("pacslab__serverless-ml-serving__knative-service-bentoml-iris.yaml", 1, 0, 0.0, 0),
    ("ray-project__kuberay__raycluster-autoscaler-min0.yaml", 2, 0, 0.0, 0),
    ("ray-project__kuberay__raycluster-kai-gpu-sharing-multidoc.yaml", 2, 0, 0.0, 0),
    ("ray-project__kuberay__rayjob-batch-inference-gke-t4.yaml", 1, 1, 4.0, 0),
    ("ray-project__kuberay__rayjob-pytorch-distributed-training-gpu.yaml", 1, 1, 1.0, 0),
    ("ray-project__kuberay__rayservice-deepseek-r1-8gpu-x2.yaml", 2, 1, 16.0, 0),
    ("ray-project__kuberay__rayservice-llm-serve-4gpu-with-secret.yaml", 2, 1, 4.0, 0),
    ("ray-project__kuberay__rayservice-stable-diffusion-gpu.yaml", 2, 1, 1.0, 0),
    ("vllm-project__aibrix__helm-rendered-kuberay-operator-deployment.yaml", 1, 0, 0.0, 0),
    ("vllm-project__aibrix__heterogeneous-deepseek-coder-7b-l20-deployment.yaml", 1, 1, 4.0, 0),
    ("vllm-project__aibrix__podautoscaler-kpa.yaml", 0, 0, 0.0, 0),
    ("vllm-project__aibrix__quickstart-vllm-model-deployment-gpu.yaml", 1, 1, 1.0, 0),
    ("vllm-project__aibrix__rayclusterfleet-deepseek-r1-8gpu.yaml", 2, 2, 16.0, 0),
    ("vllm-project__aibrix__stormservice-vllm-1p1d-disaggregation.yaml", 2, 2, 2.0, 0),
    ("vllm-project__production-stack__hpa-vllm-object-metric.yaml", 0, 0, 0.0, 0),
    ("vllm-project__production-stack__keda-scaledobject-vllm-queue.yaml", 0, 0, 0.0, 0),
    ("vllm-project__production-stack__vllm-llama3-1b-gpu-deployment-lora.yaml", 1, 1, 2.0, 0),
];

#[test]
fn every_kubernetes_manifest_yields_what_it_holds() {
    for (file, workloads, gpu_workloads, gpus, invalid) in KUBERNETES {
        let path = format!("tests/corpus/kubernetes/{file}");
        let (code, report) = check_json(&["--fail-on", "never", &path]);
        assert_eq!(code, 0, "{file}");
        let found = report["workloads"].as_array().unwrap();
        let with_gpus: Vec<_> = found.iter().filter(|w| !w["gpu"].is_null()).collect();
        let gpu_count: f64 = with_gpus
            .iter()
            .map(|w| {
                w["gpu"]["per_replica"].as_f64().unwrap() * w["replicas"]["min"].as_f64().unwrap()
            })
            .sum();
        let e001 = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "E001")
            .count();
        assert_eq!(
            (found.len(), with_gpus.len(), gpu_count, e001),
            (workloads, gpu_workloads, gpus, invalid),
            "{file}"
        );
    }
}

#[test]
fn the_kubernetes_table_covers_the_whole_folder() {
    let count = std::fs::read_dir("tests/corpus/kubernetes")
        .unwrap()
        .count();
    assert_eq!(count, KUBERNETES.len());
}

#[test]
fn every_corpus_file_and_folder_scans_without_trouble() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let files = files_below(&root);
    assert!(files.len() > 170, "{}", files.len());
    for file in &files {
        let (code, stdout, stderr) = run(&["check", "--format", "json", file.to_str().unwrap()]);
        assert!(
            code == 0 || code == 1,
            "{}: exit {code}: {stderr}",
            file.display()
        );
        assert!(
            !stderr.contains("internal error") && !stderr.contains("panicked"),
            "{}",
            file.display()
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["schema_version"], 1);
    }
    let (code, report) = check_json(&["--fail-on", "never", root.to_str().unwrap()]);
    assert_eq!(code, 0);
    // Every file the folder walk reads (.yaml, .yml, .json, .tf) is scanned or skipped.
    let walked = files
        .iter()
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json" | "tf")
            )
        })
        .count() as u64;
    let summary = &report["summary"];
    assert_eq!(
        summary["files_scanned"].as_u64().unwrap() + summary["files_skipped"].as_u64().unwrap(),
        walked
    );
}

/// Every file below `root`.
fn files_below(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
