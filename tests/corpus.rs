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

/// (plan file, workloads, priced workloads, E001 findings)
const TERRAFORM_PLANS: [(&str, usize, usize, usize); 29] = [
    ("GoogleCloudPlatform__terraform-google-conversion__gke-custom-node-init-container-cluster-fmt1.2.json", 2, 1, 0),
    ("GoogleCloudPlatform__terraform-validator__example-cloud-run-service.json", 0, 0, 0),
    ("GoogleCloudPlatform__terraform-validator__example-cloudfunctions-function.json", 1, 0, 0),
    ("GoogleCloudPlatform__terraform-validator__full-compute-instance-guest-accelerator.json", 2, 1, 0),
    ("GoogleCloudPlatform__terraform-validator__full-container-cluster-guest-accelerator.json", 2, 1, 0),
    ("GoogleCloudPlatform__terraform-validator__full-container-node-pool-guest-accelerator.json", 1, 0, 0),
    ("bridgecrewio__checkov__eks-node-group-remote-access.json", 1, 0, 0),
    ("bridgecrewio__checkov__image-referencer-batch-job-definition.json", 0, 0, 0),
    ("bridgecrewio__checkov__image-referencer-ecs-task-definition.json", 0, 0, 0),
    ("bridgecrewio__checkov__parser-plan-booleans-google-compute-instance.json", 1, 1, 0),
    ("bridgecrewio__checkov__plan-after-unknown-cloudfront.json", 0, 0, 0),
    ("bridgecrewio__checkov__plan-azurerm-nsg-resource-reference.json", 0, 0, 0),
    ("bridgecrewio__checkov__plan-change-keys-update.json", 0, 0, 0),
    ("bridgecrewio__checkov__plan-encodings-win-utf16.json", 0, 0, 0),
    ("bridgecrewio__checkov__plan-nested-child-modules-eks.json", 3, 3, 0),
    ("bridgecrewio__checkov__plan-tags-variety-autoscaling-group.json", 2, 0, 0),
    ("bridgecrewio__checkov__plan-with-deleted-resources-replace.json", 0, 0, 0),
    ("bridgecrewio__checkov__runner-plan-multi-aws-eks-lambda-instance.json", 4, 4, 0), // the us-west-2 EKS fee at the us-east-1 rate, approximate
    ("hashicorp__terraform-json__testdata-has-checks-fmt1.2.json", 0, 0, 0),
    ("hashicorp__terraform-json__testdata-moved-block-fmt1.2.json", 0, 0, 0),
    ("hashicorp__terraform-json__testdata-nested-config-keys-aws-instance.json", 1, 1, 0),
    ("infracost__infracost__example-plan-aws-instance-lambda.json", 4, 4, 0),
    ("infracost__infracost__examples-terraform-plan.json", 2, 2, 0),
    ("infracost__infracost__plan-instance-dynamodb-appautoscaling-fmt1.0.json", 1, 1, 0),
    ("infracost__infracost__plan-with-terraform-wrapper-prefix-not-pure-json.json", 2, 2, 0),
    ("infracost__infracost__terraform-v0.14-plan.json", 12, 12, 0),
    ("terraform-compliance__cli__functional-issue-249-asg-lambda.json", 2, 1, 0),
    ("terraform-compliance__cli__functional-issue-279-asg-launch-template.json", 1, 1, 0),
    ("terraform-compliance__cli__functional-it-must-be-in-pass-lambdas.json", 4, 4, 0),
];

/// (module folder, workloads, priced workloads, E001 findings)
const TERRAFORM_HCL: [(&str, usize, usize, usize); 20] = [
    (
        "Azure__terraform-azurerm-aks__examples-multiple-node-pools",
        0,
        0,
        0,
    ),
    (
        "GoogleCloudPlatform__ai-on-gke__benchmarks-inference-server-vllm",
        0,
        0,
        0,
    ),
    (
        "GoogleCloudPlatform__ai-on-gke__modules-gke-standard-public-cluster",
        0,
        0,
        0,
    ),
    (
        "GoogleCloudPlatform__ai-on-gke__modules-inference-service-tgi-gpu",
        1,
        1,
        0,
    ),
    (
        "GoogleCloudPlatform__kubernetes-engine-samples__gke-ray-gke-standard-gpu-node-pool",
        3,
        3,
        0,
    ),
    (
        "aws-ia__terraform-aws-sagemaker-endpoint__examples-hf-rte",
        0,
        0,
        0,
    ),
    (
        "aws-ia__terraform-aws-sagemaker-endpoint__module-root",
        1,
        0,
        0,
    ),
    (
        "infracost__infracost__testdata-compute-instance-test",
        19,
        15,
        0,
    ),
    (
        "infracost__infracost__testdata-container-node-pool-test",
        32,
        30,
        0,
    ),
    (
        "infracost__infracost__testdata-eks-node-group-test",
        12,
        11,
        0,
    ),
    (
        "infracost__infracost__testdata-kubernetes-cluster-node-pool-test",
        10,
        10,
        0,
    ),
    (
        "infracost__infracost__testdata-lambda-function-test",
        12,
        12,
        0,
    ),
    (
        "infracost__infracost__testdata-machine-learning-compute-instance-test",
        0,
        0,
        0,
    ),
    (
        "philschmid__terraform-aws-sagemaker-huggingface__examples-autoscaling",
        0,
        0,
        0,
    ),
    (
        "philschmid__terraform-aws-sagemaker-huggingface__examples-serverless-inference",
        0,
        0,
        0,
    ),
    (
        "philschmid__terraform-aws-sagemaker-huggingface__module-root",
        1,
        0,
        0,
    ),
    (
        "terraform-aws-modules__terraform-aws-eks__tests-eks-managed-node-group-p4d-gpu",
        0,
        0,
        0,
    ),
    (
        "terraform-aws-modules__terraform-aws-lambda__examples-alias",
        0,
        0,
        0,
    ),
    (
        "terraform-aws-modules__terraform-aws-lambda__examples-complete-provisioned-concurrency",
        0,
        0,
        0,
    ),
    (
        "terraform-aws-modules__terraform-aws-lambda__examples-container-image",
        0,
        0,
        0,
    ),
];

#[test]
fn every_terraform_plan_and_module_yields_what_it_holds() {
    let tables = [
        ("terraform-plan", &TERRAFORM_PLANS[..]),
        ("terraform-hcl", &TERRAFORM_HCL[..]),
    ];
    for (folder, table) in tables {
        assert_eq!(
            std::fs::read_dir(format!("tests/corpus/{folder}"))
                .unwrap()
                .count(),
            table.len(),
            "{folder}"
        );
        for (name, workloads, priced, invalid) in table {
            let (code, report) = check_json(&[
                "--fail-on",
                "never",
                &format!("tests/corpus/{folder}/{name}"),
            ]);
            assert_eq!(code, 0, "{name}");
            let found = report["workloads"].as_array().unwrap();
            let with_cost = found.iter().filter(|w| !w["cost"].is_null()).count();
            let e001 = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rule"] == "E001")
                .count();
            assert_eq!(
                (found.len(), with_cost, e001),
                (*workloads, *priced, *invalid),
                "{name}"
            );
            for workload in found {
                assert!(
                    !workload["cost"].is_null() || workload["unpriced_reason"].is_string(),
                    "{name}: {} has neither a cost nor a reason",
                    workload["id"]
                );
            }
        }
    }
}

#[test]
fn wrapped_and_utf16_plans_are_read() {
    for name in [
        "infracost__infracost__plan-with-terraform-wrapper-prefix-not-pure-json.json",
        "bridgecrewio__checkov__plan-encodings-win-utf16.json",
    ] {
        let (_, report) = check_json(&[
            "--fail-on",
            "never",
            &format!("tests/corpus/terraform-plan/{name}"),
        ]);
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["rule"] != "E001"),
            "{name}"
        );
        assert_eq!(report["summary"]["files_scanned"], 1);
    }
    let (_, report) = check_json(&["tests/corpus/terraform-plan/infracost__infracost__plan-with-terraform-wrapper-prefix-not-pure-json.json"]);
    let ids: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["aws_instance.web_app", "aws_lambda_function.hello_world"]
    );
}

/// (serverless.yml, functions, priced, E001 findings)
const SERVERLESS: [(&str, usize, usize, usize); 23] = [
    ("alecrubin__pytorch-serverless__pytorch-resnext-predict.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-ffmpeg-layer.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-multiple-runtime.serverless.yml", 2, 2, 0),
    ("serverless__examples__aws-node-dynamic-image-resizer.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-node-dynamodb-backup.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-node-graphql-and-rds.serverless.yml", 2, 2, 0),
    ("serverless__examples__aws-node-puppeteer.serverless.yml", 1, 1, 1),
    ("serverless__examples__aws-node-rekognition-analysis-s3-image.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-node-simple-transcribe-s3.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-node-text-analysis-via-sns-post-processing.serverless.yml", 2, 2, 0),
    ("serverless__examples__aws-node-twitter-joke-bot.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-python-flask-api.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-python-pynamodb-s3-sigurl.serverless.yml", 6, 6, 0),
    ("serverless__examples__aws-python-scheduled-cron.serverless.yml", 2, 2, 0),
    ("serverless__examples__aws-python-sqs-worker.serverless.yml", 1, 1, 0),
    ("serverless__examples__aws-ruby-step-functions.serverless.yml", 5, 5, 0),
    ("serverless__examples__google-python-simple-http-endpoint.serverless.yml", 1, 0, 0),
    ("serverless__examples__legacy-aws-python-docker-ecr-image.serverless.yml", 1, 1, 0),
    ("serverless__serverless-python-requirements__example-native-deps-numpy-scipy-sklearn.serverless.yml", 1, 1, 0),
    ("serverless__serverless-python-requirements__tests-base-env-defaults-image.serverless.yml", 5, 5, 0),
    ("serverless__serverless__v3-fixture-ecr-image.serverless.yml", 1, 1, 0),
    ("serverless__serverless__v3-fixture-provisioned-concurrency.serverless.yml", 1, 1, 0),
    ("serverless__serverless__v3-fixture-variables-legacy.serverless.yml", 0, 0, 0),
];

/// (SAM / CloudFormation template, workloads, priced, E001 findings)
const SAM: [(&str, usize, usize, usize); 10] = [
    ("aws-samples__aws-lambda-docker-serverless-inference__hebert-sentiment-analysis.template.yaml", 1, 1, 0),
    ("aws-samples__aws-lambda-docker-serverless-inference__online-machine-learning.template.yml", 2, 2, 0),
    ("aws-samples__aws-lambda-docker-serverless-inference__pytorch-inference.template.yaml", 1, 1, 0),
    ("aws-samples__aws-lambda-docker-serverless-inference__tensorflow-inference.template.yaml", 1, 1, 0),
    ("aws-samples__aws-lambda-docker-serverless-inference__xgboost-inference-arm64.template.yaml", 1, 1, 0),
    ("aws__serverless-application-model__translator-input-globals-for-function.yaml", 2, 2, 0),
    ("aws__serverless-application-model__translator-input-provisioned-concurrency-conditional.yaml", 1, 1, 0),
    ("awslabs__aws-lambda-web-adapter__bedrock-agent-fastapi.template.yaml", 1, 1, 0),
    ("awslabs__aws-lambda-web-adapter__fastapi-response-streaming-managed-instances.template.yaml", 1, 1, 0),
    ("awslabs__aws-lambda-web-adapter__fastapi-response-streaming.template.yaml", 1, 1, 0),
];

#[test]
fn every_serverless_config_and_template_yields_what_it_holds() {
    for (folder, table) in [("serverless", &SERVERLESS[..]), ("sam", &SAM[..])] {
        assert_eq!(
            std::fs::read_dir(format!("tests/corpus/{folder}"))
                .unwrap()
                .count(),
            table.len(),
            "{folder}"
        );
        for (name, workloads, priced, invalid) in table {
            let (code, report) = check_json(&[
                "--fail-on",
                "never",
                &format!("tests/corpus/{folder}/{name}"),
            ]);
            assert_eq!(code, 0, "{name}");
            let found = report["workloads"].as_array().unwrap();
            let with_cost = found.iter().filter(|w| !w["cost"].is_null()).count();
            let e001 = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rule"] == "E001")
                .count();
            assert_eq!(
                (found.len(), with_cost, e001),
                (*workloads, *priced, *invalid),
                "{name}"
            );
            for workload in found {
                assert!(
                    !workload["function"].is_null() || workload["kind"] != "function",
                    "{name}"
                );
                assert!(
                    !workload["cost"].is_null() || workload["unpriced_reason"].is_string(),
                    "{name}: {} has neither a cost nor a reason",
                    workload["id"]
                );
            }
        }
    }
}
