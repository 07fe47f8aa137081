//! Extraction of each kind from small inline manifests.

use super::*;
use crate::model::UsageKey;
use crate::parse::yaml::{parse_stream, Limits};

fn extract_all(files: &[&str]) -> Vec<Workload> {
    let mut extractions: Vec<Extraction> = files
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let source = SourceFile::new(format!("f{index}.yaml"), *text);
            let documents: Vec<_> = parse_stream(text, &Limits::default())
                .into_iter()
                .map(|d| d.unwrap())
                .collect();
            let extraction = extract(&source, &documents);
            assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
            extraction
        })
        .collect();
    let refs: Vec<&Extraction> = extractions.iter().collect();
    let patches = link(&refs);
    for patch in patches {
        (patch.apply)(&mut extractions[patch.extraction].workloads[patch.workload]);
    }
    let mut workloads: Vec<Workload> = extractions.into_iter().flat_map(|e| e.workloads).collect();
    workloads
        .iter_mut()
        .for_each(crate::extract::shared::purpose::infer);
    workloads
}

fn one(text: &str) -> Workload {
    let mut workloads = extract_all(&[text]);
    assert_eq!(workloads.len(), 1, "{workloads:?}");
    workloads.remove(0)
}

fn bounds(workload: &Workload) -> (u32, Option<u32>) {
    (workload.scaling.min, workload.scaling.max)
}

const POD_SPEC: &str = "containers:\n      - name: app\n        image: vllm/vllm-openai:v0.6.0\n        resources:\n          limits: {nvidia.com/gpu: 2, cpu: '4', memory: 16Gi}\n";

#[test]
fn deployment_defaults_namespace_and_replicas() {
    let workload = one(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm}}\nspec:\n  template:\n    spec:\n      {POD_SPEC}"
    ));
    assert_eq!(workload.id, "k8s:Deployment/default/llm");
    assert_eq!(bounds(&workload), (1, Some(1)));
    assert_eq!(workload.compute.accelerator_devices(), 2.0);
    assert_eq!(workload.inferred_purpose.unwrap().0, Purpose::Inference);
    assert_eq!((workload.location.line, workload.location.column), (1, 1));
}

#[test]
fn hpa_in_another_file_overrides_replicas() {
    let deployment = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm, namespace: ml}}\nspec:\n  replicas: 3\n  template:\n    spec:\n      {POD_SPEC}"
    );
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: llm-hpa, namespace: ml}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llm}\n  minReplicas: 2\n  maxReplicas: 6\n";
    let other_namespace = hpa
        .replace("namespace: ml", "namespace: web")
        .replace("minReplicas: 2", "minReplicas: 5");
    let workloads = extract_all(&[&deployment, hpa, &other_namespace]);
    assert_eq!(workloads.len(), 1);
    assert_eq!(bounds(&workloads[0]), (2, Some(6)));
    let at = workloads[0].scaling.min_location.clone().unwrap();
    assert_eq!((&*at.file, at.line), ("f1.yaml", 6));
}

#[test]
fn keda_defaults_to_zero_and_a_hundred() {
    let deployment = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm}}\nspec:\n  template:\n    spec:\n      {POD_SPEC}"
    );
    let keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\nspec:\n  scaleTargetRef: {name: llm}\n";
    let workloads = extract_all(&[&deployment, keda]);
    assert_eq!(bounds(&workloads[0]), (0, Some(100)));
}

#[test]
fn jobs_use_parallelism_and_run_to_completion() {
    let job = one(&format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: nightly-train}}\nspec:\n  schedule: '0 2 * * *'\n  jobTemplate:\n    spec:\n      parallelism: 3\n      template:\n        spec:\n          {}",
        POD_SPEC.replace("\n      ", "\n          ")
    ));
    assert_eq!(bounds(&job), (3, Some(3)));
    assert!(job.run_to_completion);
    assert_eq!(job.inferred_purpose.unwrap().0, Purpose::Training);
}

/// "Named like a training run" is a word of the name, not a substring:
/// `restraint-check` and `outfit` are batch Jobs, `llama3-train` trains.
#[test]
fn a_job_trains_when_a_word_of_its_name_says_so() {
    let purpose = |name: &str| {
        let job = one(&format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}}}\nspec:\n  template:\n    spec:\n      {POD_SPEC}"
        ));
        job.inferred_purpose.unwrap().0
    };
    assert_eq!(purpose("llama3-train"), Purpose::Training);
    assert_eq!(purpose("bert_pretrain.v2"), Purpose::Training);
    assert_eq!(purpose("finetune7b"), Purpose::Training);
    assert_eq!(purpose("restraint-check"), Purpose::Batch);
    assert_eq!(purpose("outfit"), Purpose::Batch);
}

#[test]
fn knative_min_scale_absent_means_zero() {
    let text = |annotations: &str| {
        format!("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  template:\n    metadata:\n      annotations: {{{annotations}}}\n    spec:\n      {POD_SPEC}")
    };
    assert_eq!(bounds(&one(&text(""))), (0, None));
    let scaled = one(&text(
        "autoscaling.knative.dev/min-scale: '1', autoscaling.knative.dev/max-scale: '4'",
    ));
    assert_eq!(bounds(&scaled), (1, Some(4)));
}

#[test]
fn kserve_components_and_framework_blocks() {
    let text = "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: bert, namespace: nlp}\nspec:\n  predictor:\n    minReplicas: 0\n    maxReplicas: 2\n    pytorch:\n      storageUri: gs://x\n      resources: {limits: {nvidia.com/gpu: 1, cpu: '2', memory: 8Gi}}\n  transformer:\n    containers:\n    - name: t\n      image: x\n      resources: {requests: {cpu: '1', memory: 2Gi}}\n";
    let workloads = extract_all(&[text]);
    let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "k8s:InferenceService/nlp/bert/predictor",
            "k8s:InferenceService/nlp/bert/transformer"
        ]
    );
    assert_eq!(bounds(&workloads[0]), (0, Some(2)));
    assert_eq!(workloads[0].compute.accelerator_devices(), 1.0);
    assert_eq!(workloads[0].scaling.min_location.as_ref().unwrap().line, 6);
    assert_eq!(bounds(&workloads[1]), (1, None));
    assert_eq!(workloads[1].compute.cpu_per_replica, 1.0);
}

#[test]
fn kubeflow_roles_and_elastic_policy() {
    let text = format!(
        "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {{name: ft}}\nspec:\n  elasticPolicy: {{minReplicas: 2, maxReplicas: 8}}\n  pytorchReplicaSpecs:\n    Master:\n      replicas: 1\n      template:\n        spec:\n          {p}\n    Worker:\n      replicas: 4\n      template:\n        spec:\n          {p}",
        p = POD_SPEC.replace("\n      ", "\n          ")
    );
    let workloads = extract_all(&[&text]);
    let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "k8s:PyTorchJob/default/ft/master",
            "k8s:PyTorchJob/default/ft/worker"
        ]
    );
    assert_eq!(bounds(&workloads[0]), (1, Some(1)));
    // Costed at the 4 workers it starts with; elasticPolicy sets the ceiling
    // and the basis says it may shrink to 2.
    assert_eq!(bounds(&workloads[1]), (4, Some(8)));
    assert!(workloads[1].scaling.basis.contains("minReplicas 2"));
    assert!(workloads.iter().all(|w| w.run_to_completion));
}

#[test]
fn ray_head_and_worker_groups() {
    let text = format!(
        "apiVersion: ray.io/v1\nkind: RayService\nmetadata: {{name: serve}}\nspec:\n  rayClusterConfig:\n    enableInTreeAutoscaling: true\n    headGroupSpec:\n      template:\n        spec:\n          containers: [{{name: head, resources: {{requests: {{cpu: '2', memory: 8Gi}}}}}}]\n    workerGroupSpecs:\n    - groupName: gpu\n      minReplicas: 0\n      maxReplicas: 4\n      template:\n        spec:\n          {}",
        POD_SPEC.replace("\n      ", "\n          ")
    );
    let workloads = extract_all(&[&text]);
    let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "k8s:RayService/default/serve/head",
            "k8s:RayService/default/serve/worker/gpu"
        ]
    );
    assert_eq!(bounds(&workloads[0]), (1, Some(1)));
    assert_eq!(bounds(&workloads[1]), (0, Some(4)));
    assert_eq!(
        workloads[1].inferred_purpose.as_ref().unwrap().0,
        Purpose::Inference
    );
}

#[test]
fn leader_worker_set_multiplies_groups() {
    let text = format!(
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {{name: big}}\nspec:\n  replicas: 2\n  leaderWorkerTemplate:\n    size: 4\n    workerTemplate:\n      spec:\n        {}",
        POD_SPEC.replace("\n      ", "\n        ")
    );
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: LeaderWorkerSet, name: big}\n  minReplicas: 1\n  maxReplicas: 3\n";
    let workloads = extract_all(&[&text]);
    assert_eq!(bounds(&workloads[0]), (2, Some(2)));
    assert_eq!(bounds(&workloads[1]), (6, Some(6)));
    let scaled = extract_all(&[&text, hpa]);
    assert_eq!(bounds(&scaled[0]), (1, Some(3)));
    assert_eq!(bounds(&scaled[1]), (3, Some(9)));
}

#[test]
fn lists_are_expanded() {
    let workloads = extract_all(&["apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec: {containers: [{name: c}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {containers: [{name: c}]}\n"]);
    let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["k8s:Pod/default/a", "k8s:Pod/default/b"]);
    assert_eq!(workloads[1].location.line, 8);
}

#[test]
fn unknown_kinds_are_read_generically_and_templates_skipped() {
    let custom = "apiVersion: example.com/v1\nkind: ModelServer\nmetadata: {name: m}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers: [{name: c, resources: {limits: {nvidia.com/gpu: 1}}}]\n";
    let workload = one(custom);
    assert_eq!(workload.id, "k8s:ModelServer/default/m");
    assert_eq!(bounds(&workload), (3, Some(3)));
    let runtime = custom.replace("ModelServer", "ClusterServingRuntime");
    assert!(extract_all(&[&runtime]).is_empty());
}

#[test]
fn annotations_set_usage_and_suppressions() {
    let workload = one(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: llm\n  annotations:\n    tcolint.io/utilization: '0.7'\n    tcolint.io/purpose: training\n    tcolint.io/ignore: 'TCO001, lat002: warm pool by design'\nspec:\n  template:\n    spec:\n      {POD_SPEC}"
    ));
    assert_eq!(
        workload.usage.get(&UsageKey::Utilization).unwrap().value,
        crate::model::UsageValue::Number(0.7)
    );
    assert_eq!(workload.suppressions[0].codes, ["TCO001", "LAT002"]);
    assert_eq!(
        workload.suppressions[0].reason.as_deref(),
        Some("warm pool by design")
    );
}

#[test]
fn bad_annotations_and_counts_are_problems() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  annotations:\n    tcolint.io/utilisation: '0.7'\n    tcolint.io/utilization: high\nspec:\n  replicas: two\n  template: {spec: {containers: []}}\n";
    let source = SourceFile::new("x.yaml", text);
    let documents: Vec<_> = parse_stream(text, &Limits::default())
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    let extraction = extract(&source, &documents);
    let mut messages: Vec<(u32, &str)> = extraction
        .problems
        .iter()
        .map(|p| (p.location.line, p.message.as_str()))
        .collect();
    messages.sort();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0]
            .1
            .contains("did you mean tcolint.io/utilization?"),
        "{messages:?}"
    );
    assert!(messages[1].1.contains("expected a number"));
    assert_eq!(messages[2].0, 9);
}

#[test]
fn a_name_is_required_only_of_objects_that_run_pods() {
    let kustomization =
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n";
    assert!(extract_all(&[kustomization]).is_empty());
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\nspec: {containers: [{name: c}]}\n";
    let source = SourceFile::new("x.yaml", text);
    let documents: Vec<_> = parse_stream(text, &Limits::default())
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    let extraction = extract(&source, &documents);
    assert!(extraction.workloads.is_empty());
    assert!(extraction.problems[0].message.contains("no metadata.name"));
}

#[test]
fn unknown_kinds_with_accelerators_and_no_pod_template_are_unmodeled() {
    let text = "apiVersion: x.dev/v1\nkind: Endpoint\nmetadata: {name: e, namespace: n}\nspec:\n  replicas: 2\n  resources:\n    limits: {cpu: '1', amd.com/gpu: 2}\n";
    let source = SourceFile::new("f.yaml", text);
    let documents: Vec<_> = parse_stream(text, &Limits::default())
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    let extraction = extract(&source, &documents);
    assert!(extraction.workloads.is_empty());
    let found = &extraction.unmodeled[0];
    assert_eq!(
        (
            found.object.as_str(),
            found.resource.as_str(),
            found.amount.as_str()
        ),
        ("Endpoint n/e", "amd.com/gpu", "2")
    );
    assert_eq!((found.location.line, found.location.column), (7, 24));
    // Without an accelerator there is nothing to report.
    let cpu_only = text.replace(", amd.com/gpu: 2", "");
    let documents: Vec<_> = parse_stream(&cpu_only, &Limits::default())
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    let source = SourceFile::new("f.yaml", cpu_only.as_str());
    assert!(extract(&source, &documents).unmodeled.is_empty());
}

#[test]
fn llm_inference_service_pipeline_parallel_without_template() {
    // No template: the worker spec is the leader too, so every pod of the
    // group (parallelism.pipeline 4) is a worker.
    let text = format!(
        "apiVersion: serving.kserve.io/v1alpha1\nkind: LLMInferenceService\nmetadata: {{name: m}}\nspec:\n  replicas: 3\n  parallelism: {{pipeline: 4}}\n  worker:\n    {}",
        POD_SPEC.replace("\n      ", "\n    ")
    );
    let workload = one(&text);
    assert_eq!(workload.id, "k8s:LLMInferenceService/default/m");
    assert_eq!(bounds(&workload), (12, Some(12)));
    assert_eq!(workload.compute.accelerator_devices(), 2.0);
}

#[test]
fn volcano_task_replicas_default_to_zero_and_tasks_get_default_names() {
    let text = format!(
        "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {{name: j}}\nspec:\n  tasks:\n  - template:\n      spec:\n        {}",
        POD_SPEC.replace("\n      ", "\n        ")
    );
    let workload = one(&text);
    assert_eq!(workload.id, "k8s:Job/default/j/default0");
    assert_eq!(bounds(&workload), (0, Some(0)));
    assert!(workload.run_to_completion);
}

#[test]
fn a_pod_that_restarts_always_does_not_complete() {
    let text = |policy: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  {policy}{POD_SPEC}")
    };
    assert!(!one(&text("")).run_to_completion);
    assert!(!one(&text("restartPolicy: Always\n  ")).run_to_completion);
    assert!(one(&text("restartPolicy: OnFailure\n  ")).run_to_completion);
}

#[test]
fn train_job_runtime_patches_place_the_trainer_nodes() {
    let text = "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata: {name: t}\nspec:\n  runtimeRef: {name: torch-distributed}\n  trainer:\n    numNodes: 2\n    resourcesPerNode:\n      limits: {nvidia.com/gpu: 8}\n  runtimePatches:\n  - manager: platform\n    trainingRuntimeSpec:\n      template:\n        spec:\n          replicatedJobs:\n          - name: node\n            template:\n              spec:\n                template:\n                  spec:\n                    nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge}\n";
    let workload = one(text);
    assert_eq!(bounds(&workload), (2, Some(2)));
    assert_eq!(workload.compute.accelerator_devices(), 8.0);
    assert_eq!(
        workload.placement.instance_types[0].values[0].0,
        "p5.48xlarge"
    );
    assert!(workload.run_to_completion);
    // The runtime is not in the scan: said so.
    assert!(workload
        .notes
        .iter()
        .any(|n| n.contains("ClusterTrainingRuntime torch-distributed is not in the scan")));
}

#[test]
fn two_train_jobs_of_one_id_in_one_file_are_each_completed_once() {
    // The same TrainJob written twice (the later one with its own image):
    // each is linked to the runtime once, where the first used to be linked
    // twice and the second not at all.
    let job = |image: &str| {
        format!("apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata: {{name: t, namespace: ml}}\nspec:\n  runtimeRef: {{name: missing-runtime}}\n  trainer:\n    image: {image}\n")
    };
    let workloads = extract_all(&[&format!("{}---\n{}", job("a:1"), job("b:1"))]);
    assert_eq!(workloads.len(), 2);
    let linked = |w: &Workload| {
        w.notes
            .iter()
            .filter(|n| n.contains("missing-runtime is not in the scan"))
            .count()
    };
    assert_eq!(workloads.iter().map(linked).collect::<Vec<_>>(), [1, 1]);
}
