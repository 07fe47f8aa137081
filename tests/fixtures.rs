//! The bundled fixtures, scanned as one folder: ids, GPU counts, replica
//! bounds, instance types, costs to the cent from catalogue rows, and
//! finding locations.

mod common;

use common::{assert_usd, check_json, findings, workload};

fn report() -> serde_json::Value {
    let (code, report) = check_json(&["fixtures/kubernetes"]);
    assert_eq!(code, 1, "findings at warning or above fail by default");
    report
}

#[test]
fn workloads_are_extracted_priced_and_bounded() {
    let report = report();
    // (id, accelerator resource, devices per replica, GPU model, instance type,
    //  vCPU, GiB, min, max, replica $/h, monthly, peak)
    #[allow(clippy::type_complexity)]
    let cases: [(
        &str,
        Option<(&str, f64)>,
        Option<&str>,
        Option<&str>,
        f64,
        f64,
        u64,
        Option<u64>,
        f64,
        f64,
        Option<f64>,
    ); 12] = [
        // g5.12xlarge $5.672/h (KP): 4/4 GPUs -> share 1; 2 x 5.672 x 730.
        (
            "k8s:Deployment/llm-serving/vllm-llama-3-1-70b-awq",
            Some(("nvidia.com/gpu", 4.0)),
            Some("A10G"),
            Some("g5.12xlarge"),
            40.0,
            160.0,
            2,
            Some(2),
            5.672,
            8281.12,
            Some(8281.12),
        ),
        // GKE L4 x4, 10 vCPU, 80 GiB: cheapest fitting GCP node is g2-standard-48 ($4.001665/h); HPA 1..3.
        (
            "k8s:Deployment/default/tgi-gemma-2-27b-it",
            Some(("nvidia.com/gpu", 4.0)),
            Some("L4"),
            Some("g2-standard-48"),
            10.0,
            80.0,
            1,
            Some(3),
            4.001665,
            2921.22,
            Some(8763.65),
        ),
        // Azure NC4as T4 v3 $0.526/h; HPA minReplicas absent (1), max 6.
        (
            "k8s:Deployment/nlp/triton-bert-intent",
            Some(("nvidia.com/gpu", 1.0)),
            Some("T4"),
            Some("Standard_NC4as_T4_v3"),
            3.0,
            12.0,
            1,
            Some(6),
            0.526,
            383.98,
            Some(2303.88),
        ),
        // KEDA ScaledObject in another file: 0..4 on g5.2xlarge ($1.212/h).
        (
            "k8s:Deployment/llm-serving/vllm-mistral-7b-instruct",
            Some(("nvidia.com/gpu", 1.0)),
            Some("A10G"),
            Some("g5.2xlarge"),
            6.0,
            24.0,
            0,
            Some(4),
            1.212,
            0.0,
            Some(3539.04),
        ),
        // No hints: OpenCost unit prices 0.1 x 0.031611 + 0.125 x 0.004237 per hour.
        (
            "k8s:DaemonSet/gpu-monitoring/dcgm-exporter",
            None,
            None,
            None,
            0.1,
            0.125,
            1,
            Some(1),
            0.003690725,
            2.69,
            Some(2.69),
        ),
        // CPU-only on c5.xlarge ($0.17/h): shares of the allocatable 3.92
        // vCPU and 6.43 GiB (Karpenter): memory 3/6.43 dominates.
        (
            "k8s:Deployment/llm-serving/rag-gateway",
            None,
            None,
            Some("c5.xlarge"),
            1.5,
            3.0,
            3,
            Some(3),
            0.17 * 3.0 / 6.43,
            173.70,
            Some(173.70),
        ),
        // GKE T4 with 4 vCPU / 16 GiB: T4s attach to every N1 machine; a
        // 4-vCPU N1 has 3.92 allocatable (GKE reserves 0.08), so n1-standard-8
        // ($0.379998) + 1 T4 ($0.35) is the cheapest that fits.
        (
            "k8s:Service/speech/whisper-large-v3",
            Some(("nvidia.com/gpu", 1.0)),
            Some("T4"),
            Some("n1-standard-8 + 1 x T4"),
            4.0,
            16.0,
            0,
            Some(5),
            0.729998,
            0.0,
            Some(2664.49),
        ),
        // LeaderWorkerSet 2 groups x size 3: 2 leaders, 4 workers, each a whole p4d.24xlarge.
        (
            "k8s:LeaderWorkerSet/llm-serving/vllm-llama-405b/worker",
            Some(("nvidia.com/gpu", 8.0)),
            Some("A100-40GB"),
            Some("p4d.24xlarge"),
            80.0,
            900.0,
            4,
            Some(4),
            21.957642,
            64116.31,
            Some(64116.31),
        ),
        // MIG 2g.10gb x1: 2/7 of a GPU at OpenCost's $0.95, plus 2 vCPU and 8 GiB.
        (
            "k8s:Deployment/nlp-mig/ner-deberta",
            Some(("nvidia.com/mig-2g.10gb", 2.0 / 7.0)),
            None,
            None,
            2.0,
            8.0,
            2,
            Some(2),
            0.368547,
            538.08,
            Some(538.08),
        ),
        // 32 NeuronCores = 16 Trainium devices: the whole trn1.32xlarge ($21.5/h).
        (
            "k8s:Job/neuron-training/bert-large-pretrain-ph1",
            Some(("aws.amazon.com/neuroncore", 16.0)),
            Some("Trainium"),
            Some("trn1.32xlarge"),
            120.0,
            440.0,
            1,
            Some(1),
            21.5,
            15695.0,
            Some(15695.0),
        ),
        // Elastic PyTorchJob: starts at replicas 4 (elasticPolicy 2..6) on
        // g5.xlarge ($1.006/h): 4 x 1.006 x 730.
        (
            "k8s:PyTorchJob/ml-training/resnet50-elastic/worker",
            Some(("nvidia.com/gpu", 1.0)),
            Some("A10G"),
            Some("g5.xlarge"),
            3.0,
            12.0,
            4,
            Some(6),
            1.006,
            2937.52,
            Some(4406.28),
        ),
        // Init container (3.1 vCPU) bigger than the app; 12 GiB + 64 MiB.
        (
            "k8s:ReplicaSet/vision/torchserve-resnet152",
            Some(("nvidia.com/gpu", 1.0)),
            Some("T4"),
            Some("g4dn.xlarge"),
            3.1,
            12.0625,
            3,
            Some(3),
            0.526,
            1151.94,
            Some(1151.94),
        ),
    ];
    for (id, gpu, model, instance, cpu, memory, min, max, hourly, monthly, peak) in cases {
        let w = workload(&report, id);
        match gpu {
            Some((resource, devices)) => {
                assert_eq!(w["gpu"]["resource"], resource, "{id}");
                assert!(
                    (w["gpu"]["per_replica"].as_f64().unwrap() - devices).abs() < 1e-3,
                    "{id}"
                );
            }
            None => assert!(w["gpu"].is_null(), "{id}"),
        }
        assert_eq!(w["gpu"]["model"].as_str(), model, "{id}");
        assert_eq!(w["instance_type"].as_str(), instance, "{id}");
        assert!(
            (w["cpu_per_replica"].as_f64().unwrap() - cpu).abs() < 1e-3,
            "{id}"
        );
        assert!(
            (w["memory_gb_per_replica"].as_f64().unwrap() - memory).abs() < 0.01,
            "{id}"
        );
        assert_eq!(w["replicas"]["min"].as_u64(), Some(min), "{id}");
        assert_eq!(w["replicas"]["max"].as_u64(), max, "{id}");
        let cost = &w["cost"];
        assert!(
            (cost["per_replica_hourly_usd"].as_f64().unwrap() - hourly).abs() < 1e-6,
            "{id}"
        );
        assert_usd(&cost["monthly_usd"], monthly, id);
        match peak {
            Some(peak) => assert_usd(&cost["peak_monthly_usd"], peak, id),
            None => assert!(cost["peak_monthly_usd"].is_null()),
        }
        assert!(cost["basis"].as_str().unwrap().contains("730 h"), "{id}");
    }
}

#[test]
fn idle_cost_uses_the_utilization_and_says_where_it_came_from() {
    let report = report();
    let w = workload(&report, "k8s:Deployment/llm-serving/vllm-llama-3-1-70b-awq");
    // (1 - 0.05 default) x $8,281.12
    assert_usd(&w["cost"]["idle_monthly_usd"], 7867.06, "idle");
    assert_eq!(w["profile"]["utilization"]["origin"], "default");
    assert!(w["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().contains("utilization 0.05")));
    let busy = workload(&report, "k8s:Deployment/rules-tco001/chat-llama-70b-busy");
    assert_eq!(busy["profile"]["utilization"]["origin"], "annotation");
    // g6.12xlarge $4.6016/h x 2 x 730 = $6,718.34; idle (1 - 0.7).
    assert_usd(&busy["cost"]["monthly_usd"], 6718.34, "busy monthly");
    assert_usd(&busy["cost"]["idle_monthly_usd"], 2015.50, "busy idle");
}

#[test]
fn unpriced_workloads_say_why() {
    let report = report();
    // TPUs named by cloud.google.com/gke-tpu-accelerator are priced per
    // chip (issue 8): 4 x TPU-v5e on ct5lp-hightpu-4t, 4 x $1.20 x 730.
    let tpu = workload(&report, "k8s:Job/tpu-training/maxtext-gemma-2b-sft");
    assert_usd(&tpu["cost"]["monthly_usd"], 3504.00, "tpu v5e");
    assert_eq!(tpu["cost"]["node"]["name"], "ct5lp-hightpu-4t");
    let typo = workload(&report, "k8s:Deployment/rules-gpu002/asr-conformer");
    assert!(typo["cost"].is_null());
    assert!(typo["unpriced_reason"]
        .as_str()
        .unwrap()
        .contains("did you mean g5.2xlarge?"));
    assert_eq!(report["summary"]["unpriced_workloads"], 2);
}

#[test]
fn cold_start_parts_come_from_the_reference() {
    let report = report();
    let w = workload(&report, "k8s:Deployment/rules-tco001/summarizer-llama-8b");
    let parts = w["cold_start"]["parts"].as_array().unwrap();
    let seconds: Vec<f64> = parts
        .iter()
        .map(|p| p["seconds"].as_f64().unwrap())
        .collect();
    // 30 s node; 12.64 GB / 0.045833 GB/s; 3.637 s; 16 GB / 1.3957 GB/s; 0.32 s.
    let expected = [30.0, 12.64 / 0.045833, 3.637, 16.0 / 1.3957, 0.32];
    for (got, want) in seconds.iter().zip(expected) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    let total: f64 = expected.iter().sum();
    // Serialized to the millisecond.
    assert!((w["cold_start_s"].as_f64().unwrap() - (total * 1000.0).round() / 1000.0).abs() < 1e-9);
    assert!(parts[1]["assumed"].as_bool().unwrap());
}

#[test]
fn findings_point_at_the_lines_that_cause_them() {
    let report = report();
    let at = |rule| {
        findings(&report, "findings", rule)
            .into_iter()
            .map(|(file, line, column, severity, _)| (file, line, column, severity))
            .collect::<Vec<_>>()
    };
    let s = |file: &str, line, column, severity: &str| {
        (file.to_string(), line, column, severity.to_string())
    };
    assert_eq!(
        at("GPU001"),
        [
            s("rule-gpu001-fires.yaml", 32, 13, "error"),
            s("rule-gpu001-fires.yaml", 57, 13, "error")
        ]
    );
    assert_eq!(
        at("GPU002"),
        [
            s("rule-gpu002-fires.yaml", 23, 43, "warning"),
            s("rule-gpu002-fires.yaml", 56, 43, "warning"),
            s("rule-gpu002-fires.yaml", 87, 40, "warning"),
        ]
    );
    assert_eq!(
        at("LAT002"),
        [
            s("knative-whisper-scale-to-zero.yaml", 17, 5, "warning"),
            s("kserve-llama3-8b-hf-scale-to-zero.yaml", 16, 5, "warning"),
            s("rayservice-llm-serve-l4-min0.yaml", 58, 7, "warning"),
            s("rule-lat002-error.yaml", 16, 5, "error"),
            s("rule-lat002-warning.yaml", 16, 9, "warning"),
            s("scaledobject-vllm-mistral-7b.yaml", 11, 3, "warning"),
        ]
    );
    let tco: Vec<String> = findings(&report, "findings", "TCO001")
        .into_iter()
        .map(|f| f.4)
        .collect();
    assert_eq!(tco.len(), 12, "{tco:?}");
    // Training workers default to 0.5 utilization (busier end of the Philly
    // trace), above the 0.4 threshold.
    assert!(
        !tco.contains(&"k8s:RayCluster/ray-research/research-ray/worker/a10g-workers".to_string())
    );
}

#[test]
fn every_rule_has_a_silent_fixture() {
    for (rule, file) in [
        ("GPU001", "fixtures/kubernetes/rule-gpu001-silent.yaml"),
        ("GPU002", "fixtures/kubernetes/rule-gpu002-silent.yaml"),
        ("TCO001", "fixtures/kubernetes/rule-tco001-silent.yaml"),
        ("LAT002", "fixtures/kubernetes/rule-lat002-silent.yaml"),
    ] {
        let (_, report) = check_json(&[file]);
        assert!(
            findings(&report, "findings", rule).is_empty(),
            "{rule} fired on {file}"
        );
        assert!(!report["workloads"].as_array().unwrap().is_empty());
    }
}

#[test]
fn suppressions_keep_their_reason() {
    let (_, report) = check_json(&["fixtures/kubernetes/rule-suppression-ignore.yaml"]);
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 2);
    assert_eq!(suppressed[0]["rule"], "TCO001");
    assert!(suppressed[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("warm capacity reserved"));
    assert_usd(&suppressed[0]["monthly_usd"], 1395.32, "suppressed idle");
    assert_eq!(report["summary"]["suppressed"], 2);
    let active = findings(&report, "findings", "TCO001");
    assert_eq!(active.len(), 1);
    assert_eq!(
        active[0].4,
        "k8s:Deployment/rules-suppression/translation-nllb"
    );
}

#[test]
fn summary_adds_up() {
    let report = report();
    let summary = &report["summary"];
    let workloads = report["workloads"].as_array().unwrap();
    assert_eq!(
        summary["workloads"].as_u64().unwrap() as usize,
        workloads.len()
    );
    let monthly: f64 = workloads
        .iter()
        .filter_map(|w| w["cost"]["monthly_usd"].as_f64())
        .sum();
    assert!((summary["monthly_usd"].as_f64().unwrap() - monthly).abs() < 0.01);
    let gpus_min: f64 = workloads
        .iter()
        .map(|w| {
            w["gpu"]["per_replica"].as_f64().unwrap_or(0.0) * w["replicas"]["min"].as_f64().unwrap()
        })
        .sum();
    assert!((summary["gpus_min"].as_f64().unwrap() - gpus_min).abs() < 0.01);
    assert_eq!(summary["files_scanned"], 45);
    assert_eq!(summary["errors"], 3);
}
