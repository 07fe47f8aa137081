//! Serverless Framework, SAM and CloudFormation fixtures (the arithmetic is
//! in fixtures/serverless/README.md, fixtures/sam/README.md and
//! fixtures/crossover/README.md): resolved settings, monthly costs to the
//! cent, break-even volumes, cold-start projections, finding locations, and
//! the crossover where a function and a Deployment cost the same.

mod common;

use common::{assert_usd, check_json, findings, scratch, workload};
use serde_json::Value;

/// One workload row: id, line, column, monthly $ (None = unpriced),
/// rounded break-even requests/day, exact cold start in seconds.
type Row = (
    &'static str,
    u64,
    u64,
    Option<f64>,
    Option<u64>,
    Option<f64>,
);

/// One finding: rule, severity, line, column, workload, excess $ if any.
type Finding = (
    &'static str,
    &'static str,
    u64,
    u64,
    &'static str,
    Option<f64>,
);

struct Case {
    args: &'static [&'static str],
    exit_code: i32,
    total_usd: f64,
    workloads: &'static [Row],
    findings: &'static [Finding],
    /// (rule, workload, reason) of each suppressed finding.
    suppressed: &'static [(&'static str, &'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        args: &["fixtures/serverless/ml-api"],
        exit_code: 1,
        total_usd: 79.5,
        workloads: &[
            (
                "sls:ml-api/predict",
                57,
                3,
                Some(43.34),
                Some(39579),
                Some(0.441243),
            ),
            (
                "sls:ml-api/embed",
                66,
                3,
                Some(21.24),
                Some(0),
                Some(0.0799),
            ),
            (
                "sls:ml-api/rerank",
                77,
                3,
                Some(14.92),
                Some(36783),
                Some(1.265930),
            ),
            (
                "sls:ml-api/health",
                87,
                3,
                Some(0.0),
                Some(12627),
                Some(0.083),
            ),
        ],
        findings: &[
            (
                "TCO002",
                "warning",
                57,
                3,
                "sls:ml-api/predict",
                Some(36.48),
            ),
            ("TCO002", "warning", 66, 3, "sls:ml-api/embed", Some(8.97)),
            ("TCO003", "info", 70, 29, "sls:ml-api/embed", Some(17.52)),
            ("LAT001", "info", 77, 3, "sls:ml-api/rerank", None),
        ],
        suppressed: &[],
    },
    Case {
        args: &["--opt", "stage=prod", "fixtures/serverless/ml-api"],
        exit_code: 1,
        total_usd: 161.53,
        workloads: &[
            (
                "sls:ml-api/predict",
                57,
                3,
                Some(72.81),
                Some(94245),
                Some(0.441243),
            ),
            ("sls:ml-api/embed", 66, 3, Some(73.8), Some(0), Some(0.0799)),
            (
                "sls:ml-api/rerank",
                77,
                3,
                Some(14.92),
                Some(36783),
                Some(1.265930),
            ),
            (
                "sls:ml-api/health",
                87,
                3,
                Some(0.0),
                Some(17991),
                Some(0.083),
            ),
        ],
        findings: &[
            (
                "TCO002",
                "warning",
                57,
                3,
                "sls:ml-api/predict",
                Some(45.36),
            ),
            ("TCO002", "warning", 66, 3, "sls:ml-api/embed", Some(61.53)),
            ("TCO003", "info", 70, 29, "sls:ml-api/embed", Some(70.08)),
            ("LAT001", "info", 77, 3, "sls:ml-api/rerank", None),
        ],
        suppressed: &[],
    },
    Case {
        args: &["fixtures/serverless/batch"],
        exit_code: 1,
        total_usd: 142.22,
        workloads: &[
            (
                "sls:ml-batch/embed-worker",
                36,
                3,
                Some(14.96),
                Some(8196),
                Some(0.0799),
            ),
            (
                "sls:ml-batch/retrain",
                48,
                3,
                Some(4.27),
                Some(19),
                Some(0.083),
            ),
            (
                "sls:ml-batch/backfill",
                58,
                3,
                Some(97.33),
                Some(23),
                Some(0.083),
            ),
            (
                "sls:ml-batch/score-large",
                69,
                3,
                Some(25.66),
                Some(77),
                Some(0.083),
            ),
        ],
        findings: &[
            ("FIT001", "warning", 48, 3, "sls:ml-batch/retrain", None),
            (
                "TCO002",
                "warning",
                58,
                3,
                "sls:ml-batch/backfill",
                Some(42.44),
            ),
            ("FIT003", "error", 61, 14, "sls:ml-batch/backfill", None),
            ("FIT003", "error", 71, 17, "sls:ml-batch/score-large", None),
        ],
        suppressed: &[(
            "FIT001",
            "sls:ml-batch/backfill",
            "each invocation handles one day of data and finishes in 10 minutes",
        )],
    },
    Case {
        args: &["fixtures/serverless/cold"],
        exit_code: 1,
        total_usd: 16.2,
        workloads: &[
            (
                "sls:ml-cold/classify",
                36,
                3,
                Some(1.89),
                Some(72774),
                Some(0.0231),
            ),
            (
                "sls:ml-cold/detect",
                47,
                3,
                Some(8.55),
                Some(19261),
                Some(1.624173),
            ),
            (
                "sls:ml-cold/summarize",
                55,
                3,
                Some(1.35),
                Some(36434),
                Some(0.255822),
            ),
            (
                "sls:ml-cold/ocr",
                67,
                3,
                Some(0.0),
                Some(17137),
                Some(0.2679),
            ),
            (
                "sls:ml-cold/route",
                77,
                3,
                Some(4.41),
                Some(77793),
                Some(0.1386),
            ),
        ],
        findings: &[
            ("LAT001", "warning", 47, 3, "sls:ml-cold/detect", None),
            ("TCO002", "warning", 77, 3, "sls:ml-cold/route", Some(0.98)),
        ],
        suppressed: &[(
            "LAT001",
            "sls:ml-cold/ocr",
            "the upload UI shows a progress bar; a slow first page is accepted",
        )],
    },
    Case {
        args: &["fixtures/sam/inference"],
        exit_code: 1,
        total_usd: 228.27,
        workloads: &[
            (
                "cfn:template/ScoreFunction",
                43,
                3,
                Some(161.47),
                Some(0),
                Some(0.083),
            ),
            (
                "cfn:template/DashboardFunction",
                64,
                3,
                Some(26.16),
                Some(23442),
                Some(0.0799),
            ),
            (
                "cfn:template/ExplainFunction",
                84,
                3,
                Some(40.64),
                Some(4060),
                Some(3.057145),
            ),
        ],
        findings: &[
            (
                "TCO002",
                "warning",
                43,
                3,
                "cfn:template/ScoreFunction",
                Some(134.02),
            ),
            (
                "TCO003",
                "info",
                56,
                42,
                "cfn:template/ScoreFunction",
                Some(64.33),
            ),
            (
                "TCO002",
                "warning",
                64,
                3,
                "cfn:template/DashboardFunction",
                Some(13.89),
            ),
            (
                "LAT001",
                "warning",
                84,
                3,
                "cfn:template/ExplainFunction",
                None,
            ),
            (
                "FIT003",
                "error",
                99,
                16,
                "cfn:template/ExplainFunction",
                None,
            ),
        ],
        suppressed: &[],
    },
    Case {
        args: &["fixtures/sam/cfn-json"],
        exit_code: 1,
        total_usd: 28.16,
        workloads: &[
            (
                "cfn:template/ScorerFunction",
                33,
                5,
                Some(20.81),
                Some(0),
                Some(0.0224),
            ),
            (
                "cfn:template/FeatureLookupFunction",
                74,
                5,
                Some(7.35),
                Some(466758),
                Some(0.0486),
            ),
        ],
        findings: &[
            (
                "TCO002",
                "warning",
                33,
                5,
                "cfn:template/ScorerFunction",
                Some(8.54),
            ),
            (
                "TCO003",
                "info",
                70,
                46,
                "cfn:template/ScorerFunction",
                Some(17.52),
            ),
            (
                "TCO002",
                "warning",
                74,
                5,
                "cfn:template/FeatureLookupFunction",
                Some(3.92),
            ),
        ],
        suppressed: &[],
    },
    Case {
        args: &["fixtures/sam/fargate"],
        exit_code: 1,
        total_usd: 239.44,
        workloads: &[
            (
                "cfn:template/EmbedService",
                46,
                3,
                Some(115.34),
                Some(224822),
                None,
            ),
            ("cfn:template/RerankTaskDefinition", 63, 3, None, None, None),
            (
                "cfn:template/FeatureHost",
                79,
                3,
                Some(124.1),
                Some(301477),
                None,
            ),
        ],
        findings: &[(
            "FIT002",
            "error",
            76,
            15,
            "cfn:template/RerankTaskDefinition",
            None,
        )],
        suppressed: &[],
    },
    Case {
        args: &["fixtures/sam/sagemaker"],
        // TCO001 on the default utilization reports at info (issue 11).
        exit_code: 0,
        total_usd: 2593.25,
        workloads: &[
            (
                "cfn:template/SummarizerEndpointConfig/primary",
                37,
                3,
                Some(2055.68),
                Some(658),
                Some(262.529457),
            ),
            (
                "cfn:template/SummarizerEndpointConfig/candidate",
                37,
                3,
                Some(537.57),
                Some(329),
                Some(262.529457),
            ),
            (
                "cfn:template/IntentServerlessConfig",
                72,
                3,
                None,
                None,
                None,
            ),
        ],
        findings: &[
            (
                "TCO001",
                "info",
                37,
                3,
                "cfn:template/SummarizerEndpointConfig/primary",
                Some(1952.9),
            ),
            (
                "TCO001",
                "info",
                37,
                3,
                "cfn:template/SummarizerEndpointConfig/candidate",
                Some(510.69),
            ),
        ],
        suppressed: &[],
    },
    Case {
        args: &["fixtures/crossover"],
        exit_code: 1,
        total_usd: 58.52,
        workloads: &[
            (
                "k8s:Deployment/support/sentiment-score",
                4,
                1,
                Some(29.26),
                Some(140103),
                None,
            ),
            (
                "sls:sentiment/score",
                27,
                3,
                Some(29.26),
                Some(65709),
                Some(0.083),
            ),
        ],
        findings: &[(
            "TCO002",
            "warning",
            27,
            3,
            "sls:sentiment/score",
            Some(15.54),
        )],
        suppressed: &[],
    },
];

#[test]
fn every_fixture_gives_the_readme_numbers() {
    for case in CASES {
        let what = case.args.join(" ");
        let (code, report) = check_json(case.args);
        assert_eq!(code, case.exit_code, "{what}: exit code");
        assert_usd(&report["summary"]["monthly_usd"], case.total_usd, &what);

        let ids: Vec<&str> = report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_str().unwrap())
            .collect();
        let expected_ids: Vec<&str> = case.workloads.iter().map(|row| row.0).collect();
        assert_eq!(ids, expected_ids, "{what}: workloads");

        for &(id, line, column, monthly, break_even, cold_start) in case.workloads {
            let w = workload(&report, id);
            let at = (
                w["location"]["line"].as_u64(),
                w["location"]["column"].as_u64(),
            );
            assert_eq!(at, (Some(line), Some(column)), "{id}: location");
            match monthly {
                Some(usd) => assert_usd(&w["cost"]["monthly_usd"], usd, id),
                None => {
                    assert!(w["cost"].is_null(), "{id}: should be unpriced");
                    assert!(w["unpriced_reason"].is_string(), "{id}: says why");
                }
            }
            assert_eq!(
                w["cost"]["break_even_requests_per_day"].as_u64(),
                break_even,
                "{id}: break-even"
            );
            match cold_start {
                Some(seconds) => {
                    let total = w["cold_start"]["total_s"].as_f64().unwrap();
                    assert!((total - seconds).abs() < 5e-6, "{id}: cold start {total}");
                    let rounded = (seconds * 1000.0).round() / 1000.0;
                    assert_eq!(w["cold_start_s"].as_f64(), Some(rounded), "{id}");
                }
                None => assert!(w["cold_start_s"].is_null(), "{id}: no cold start"),
            }
        }

        let actual: Vec<_> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                    f["location"]["column"].as_u64().unwrap(),
                    f["workload"].as_str().unwrap().to_string(),
                    f["monthly_usd"].as_f64(),
                )
            })
            .collect();
        assert_eq!(actual.len(), case.findings.len(), "{what}: {actual:?}");
        for (got, want) in actual.iter().zip(case.findings) {
            let (rule, severity, line, column, id, excess) = *want;
            assert_eq!(
                (got.0.as_str(), got.1.as_str(), got.2, got.3, got.4.as_str()),
                (rule, severity, line, column, id),
                "{what}"
            );
            match excess {
                Some(usd) => assert!((got.5.unwrap() - usd).abs() < 0.005, "{what}: {got:?}"),
                None => assert_eq!(got.5, None, "{what}: {got:?}"),
            }
        }

        let suppressed: Vec<_> = report["suppressed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap(),
                    f["workload"].as_str().unwrap(),
                    f["reason"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(suppressed, case.suppressed, "{what}: suppressed");
    }
}

#[test]
fn variables_resolve_like_the_framework() {
    let (_, dev) = check_json(&["fixtures/serverless/ml-api"]);
    let function = |report: &Value, id: &str| workload(report, id)["function"].clone();
    let embed = function(&dev, "sls:ml-api/embed");
    // ${file(./config.yml):…} and a nested ${self:custom.warm.${sls:stage}}.
    assert_eq!(embed["memory_mb"], 2048.0);
    assert_eq!(embed["reserved_concurrency"], 40);
    assert_eq!(embed["provisioned_concurrency"], 1);
    assert_eq!(embed["architecture"], "arm64");
    // ${ssm:…, 4096} and ${env:…, 25} fall back to their defaults offline.
    let rerank = function(&dev, "sls:ml-api/rerank");
    assert_eq!(rerank["memory_mb"], 4096.0);
    assert_eq!(rerank["timeout_s"], 25.0);
    assert_eq!(rerank["package_type"], "Image");
    // An image brings its own runtime: the provider's is not inherited.
    assert!(rerank["runtime"].is_null());
    // ${ssm:…} without a default is unknown, and says so.
    let health = workload(&dev, "sls:ml-api/health");
    assert!(health["function"]["reserved_concurrency"].is_null());
    assert!(health["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().contains("needs the cloud (ssm)")));
    // The file read through ${file()} is not infrastructure.
    assert_eq!(
        dev["skipped"][0]["file"],
        "fixtures/serverless/ml-api/config.yml"
    );

    let (_, prod) = check_json(&["--opt", "stage=prod", "fixtures/serverless/ml-api"]);
    assert_eq!(function(&prod, "sls:ml-api/predict")["memory_mb"], 3008.0);
    assert_eq!(
        function(&prod, "sls:ml-api/embed")["provisioned_concurrency"],
        4
    );
}

#[test]
fn an_environment_variable_can_break_the_api_gateway_limit() {
    let output = common::tcolint()
        .args(["check", "--format", "json", "fixtures/serverless/ml-api"])
        .env("TCOLINT_FIXTURE_RERANK_TIMEOUT", "40")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        workload(&report, "sls:ml-api/rerank")["function"]["timeout_s"],
        40.0
    );
    let fit003 = findings(&report, "findings", "FIT003");
    assert_eq!(
        fit003,
        [(
            "serverless.yml".to_string(),
            81,
            14,
            "error".to_string(),
            "sls:ml-api/rerank".to_string()
        )]
    );
}

#[test]
fn a_region_without_rates_is_unpriced_not_guessed() {
    // eu-west-1 charges the us-east-1 Lambda rates (POWER-TUNING), and says so.
    let (_, eu) = check_json(&["--opt", "region=eu-west-1", "fixtures/serverless/ml-api"]);
    let predict = workload(&eu, "sls:ml-api/predict");
    assert!(!predict["cost"].is_null());
    assert!(predict["assumptions"].as_array().unwrap().iter().any(|a| a
        .as_str()
        .unwrap()
        .contains("Lambda in eu-west-1 charges the us-east-1 rates")));
    // ap-east-1's rates differ, and the catalogue has no full set for it.
    let (_, report) = check_json(&["--opt", "region=ap-east-1", "fixtures/serverless/ml-api"]);
    for w in report["workloads"].as_array().unwrap() {
        assert!(w["cost"].is_null(), "{}", w["id"]);
        assert!(w["unpriced_reason"]
            .as_str()
            .unwrap()
            .contains("Lambda rates in ap-east-1 differ from us-east-1's"));
    }
    assert_eq!(report["summary"]["unpriced_workloads"], 4);
    // Latency and configuration rules do not need prices.
    assert_eq!(findings(&report, "findings", "LAT001").len(), 1);
    let tco003 = findings(&report, "findings", "TCO003");
    assert_eq!(tco003.len(), 1);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "TCO002"));
}

#[test]
fn sam_globals_parameters_and_unknown_intrinsics() {
    let (_, report) = check_json(&["fixtures/sam/inference"]);
    let score = &workload(&report, "cfn:template/ScoreFunction")["function"];
    assert_eq!(score["memory_mb"], 3008.0); // !Ref ScoringMemory
    assert_eq!(score["timeout_s"], 20.0); // Globals
    assert_eq!(score["provisioned_concurrency"], 2);
    assert_eq!(score["events"][0], "http");
    let explain = &workload(&report, "cfn:template/ExplainFunction")["function"];
    assert_eq!(
        explain["image"],
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-explainer:v2.3.1"
    );
    assert_eq!(explain["ephemeral_storage_mb"], 2048.0);
    assert!(
        explain["runtime"].is_null(),
        "Globals.Runtime is for zip packages"
    );
    let dashboard = workload(&report, "cfn:template/DashboardFunction");
    assert!(dashboard["function"]["reserved_concurrency"].is_null());
    assert!(dashboard["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().contains("!If cannot be resolved")));

    let (_, json) = check_json(&["fixtures/sam/cfn-json"]);
    let lookup = workload(&json, "cfn:template/FeatureLookupFunction");
    // Plain AWS::Lambda::Function defaults: 128 MB, 3 s.
    assert_eq!(lookup["function"]["memory_mb"], 128.0);
    assert_eq!(lookup["function"]["timeout_s"], 3.0);
    let scorer = &workload(&json, "cfn:template/ScorerFunction")["function"];
    assert_eq!(scorer["provisioned_concurrency"], 1); // from the alias
    assert_eq!(scorer["snap_start"], true);
}

#[test]
fn always_on_break_even_is_the_other_way_round() {
    let (_, report) = check_json(&["fixtures/sam/fargate"]);
    let service = workload(&report, "cfn:template/EmbedService");
    assert_eq!(service["replicas"]["min"], 2);
    assert_eq!(service["cost"]["break_even"]["cheaper_above"], "always-on");
    let gpu_task = workload(&report, "cfn:template/RerankTaskDefinition");
    assert!(gpu_task["unpriced_reason"]
        .as_str()
        .unwrap()
        .contains("no GPU rate for fargate-x86_64"));
}

/// The break-even is a real crossover: a function serving exactly the
/// Deployment's break-even volume costs what the Deployment costs, and
/// doubling the volume makes it the dearer choice.
#[test]
fn a_function_at_the_deployments_break_even_costs_the_same() {
    let (_, report) = check_json(&["fixtures/crossover"]);
    let deployment = workload(&report, "k8s:Deployment/support/sentiment-score");
    let deployment_monthly = deployment["cost"]["monthly_usd"].as_f64().unwrap();
    let crossover = deployment["cost"]["break_even"]["requests_per_day"]
        .as_f64()
        .unwrap();
    assert!((crossover - 140102.6406).abs() < 1e-3, "{crossover}");

    let source = std::fs::read_to_string("fixtures/crossover/serverless.yml").unwrap();
    assert!(source.contains("requests-per-day: 140103"));
    let dir = scratch("crossover");
    let rewrite = |requests_per_day: f64| {
        let text = source.replace(
            "requests-per-day: 140103",
            &format!("requests-per-day: {requests_per_day}"),
        );
        std::fs::write(dir.join("serverless.yml"), text).unwrap();
        let (code, report) = check_json(&[dir.to_str().unwrap()]);
        (code, report)
    };

    let (_, at_crossover) = rewrite(crossover);
    let function = workload(&at_crossover, "sls:sentiment/score");
    let per_request = function["cost"]["per_request_usd"].as_f64().unwrap();
    // Serialized to 10 decimals.
    assert!((per_request - 0.0000068667).abs() < 1e-12, "{per_request}");
    assert_usd(
        &function["cost"]["monthly_usd"],
        deployment_monthly,
        "crossover",
    );

    let (_, doubled) = rewrite(crossover * 2.0);
    let function = workload(&doubled, "sls:sentiment/score");
    assert_usd(&function["cost"]["monthly_usd"], 58.52, "twice the volume");
    // Above its own break-even (145398, against a t3.medium) TCO002 fires.
    assert_eq!(findings(&doubled, "findings", "TCO002").len(), 1);
}
