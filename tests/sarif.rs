//! `--format sarif`: the SARIF 2.1.0 writer, run in-process on fixtures with
//! findings of every severity (suppressed ones too) and validated against the
//! official OASIS schema (vendored in tests/schemas/, see SOURCE.md).

use serde_json::{json, Value};

use tcolint::catalog::Catalog;
use tcolint::config::Config;
use tcolint::report::Report;
use tcolint::rules::{self, RuleMeta};
use tcolint::scan::{self, Options};

const SCHEMA: &str = include_str!("schemas/sarif-schema-2.1.0.json");

/// Checks `paths` as `tcolint check` does with no configuration file.
fn check(paths: &[&str]) -> (Report, Vec<RuleMeta>) {
    let rules = rules::builtin().expect("rule data is valid");
    let catalog = Catalog::embedded().expect("catalogue is valid");
    let config = Config::default();
    let settings = config.rule_settings(&rules, &[], &[]);
    let options = Options::for_paths(paths.iter().map(|p| p.to_string()).collect());
    let report = scan::check(&options, &config, &catalog, &settings).expect("scan runs");
    (report, rules)
}

fn sarif_text(paths: &[&str]) -> (Report, Vec<RuleMeta>, String) {
    let (report, rules) = check(paths);
    let mut out = Vec::new();
    tcolint::report::sarif::write(&report, &rules, &mut out).expect("writes");
    let text = String::from_utf8(out).expect("UTF-8");
    (report, rules, text)
}

/// The SARIF schema, compiled (draft-04, as its `$schema` says), with
/// `format` asserted; offline: the schema has no remote references.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        let url = schema["id"].as_str().expect("schema has an id").to_string();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler.add_resource(&url, schema).expect("schema added");
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile(&url, &mut schemas)
            .unwrap_or_else(|error| panic!("schema compiles: {error:#}"));
        Validator { schemas, index }
    }

    fn is_valid(&self, instance: &Value) -> bool {
        self.schemas.validate(instance, self.index).is_ok()
    }

    fn assert_valid(&self, instance: &Value) {
        if let Err(error) = self.schemas.validate(instance, self.index) {
            panic!("SARIF does not match the schema:\n{error:#}");
        }
    }
}

fn validator() -> Validator {
    Validator::new()
}

const ALL: [&str; 3] = [
    "fixtures/kubernetes",
    "fixtures/serverless/cold",
    "fixtures/sam/inference",
];

#[test]
fn output_is_valid_sarif() {
    let (report, rules, text) = sarif_text(&ALL);
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    validator().assert_valid(&log);

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], tcolint::report::sarif::SCHEMA_URI);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "tcolint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let sarif_rules = driver["rules"].as_array().unwrap();
    assert_eq!(sarif_rules.len(), rules.len());
    for (sarif_rule, meta) in sarif_rules.iter().zip(&rules) {
        assert_eq!(sarif_rule["id"], meta.code.as_str());
        assert_eq!(sarif_rule["name"], meta.name.as_str());
        assert_eq!(
            sarif_rule["shortDescription"]["text"],
            meta.summary.as_str()
        );
        assert_eq!(sarif_rule["help"]["markdown"], meta.documentation.as_str());
        assert!(!sarif_rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with('#'));
    }

    // Every severity and some suppressed findings are exercised.
    assert!(!report.suppressed.is_empty(), "fixtures have suppressions");
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        report.findings.len() + report.suppressed.len()
    );
    let levels: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels.into_iter().collect::<Vec<_>>(),
        ["error", "note", "warning"]
    );
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(sarif_rules[index]["id"], result["ruleId"]);
        let fingerprint = result["partialFingerprints"]["tcolint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 16, "{fingerprint}");
        assert!(fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(result
            .get("message")
            .and_then(|m| m.get("markdown"))
            .is_none());
    }
    // Unsuppressed first, then the suppressed ones with their reasons.
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), report.suppressed.len());
    assert!(results[..report.findings.len()]
        .iter()
        .all(|r| r.get("suppressions").is_none()));
    for result in &suppressed {
        assert_eq!(result["suppressions"][0]["kind"], "inSource");
    }
    assert!(suppressed
        .iter()
        .any(|r| r["suppressions"][0]["justification"]
            .as_str()
            .is_some_and(|j| j.contains("progress bar"))));
}

#[test]
fn known_finding_has_its_region_and_uri() {
    let (_, _, text) = sarif_text(&["fixtures/serverless/cold"]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|r| {
            r["ruleId"] == "LAT001"
                && r["properties"]["workload"] == "sls:ml-cold/detect"
                && r.get("suppressions").is_none()
        })
        .expect("LAT001 on sls:ml-cold/detect");
    assert_eq!(result["level"], "warning");
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"],
        json!({"uri": "fixtures/serverless/cold/serverless.yml", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(physical["region"]["startLine"], 47);
    assert_eq!(physical["region"]["startColumn"], 3);
    let end_line = physical["region"]["endLine"].as_u64().unwrap();
    let end_column = physical["region"]["endColumn"].as_u64().unwrap();
    assert!(end_line > 47 || end_column > 3, "a non-empty region");
}

#[test]
fn output_is_deterministic() {
    let (_, _, first) = sarif_text(&ALL);
    let (_, _, second) = sarif_text(&ALL);
    assert_eq!(first, second);
}

#[test]
fn broken_sarif_fails_validation() {
    let validator = validator();
    let (_, _, text) = sarif_text(&["fixtures/serverless/cold"]);
    let good: Value = serde_json::from_str(&text).unwrap();
    validator.assert_valid(&good);

    let mut fatal = good.clone();
    fatal["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!validator.is_valid(&fatal), "level fatal must be rejected");

    let mut no_message = good.clone();
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&no_message), "a result needs a message");

    let mut bad_version = good.clone();
    bad_version["version"] = json!("2.0.0");
    assert!(!validator.is_valid(&bad_version), "version must be 2.1.0");

    let mut bad_line = good;
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert!(!validator.is_valid(&bad_line), "lines start at 1");
}

#[test]
fn sam_inference_snapshot() {
    let (_, _, text) = sarif_text(&["fixtures/sam/inference"]);
    // The driver's rule documentation is long and has its own snapshot
    // (rules listing); keep this one about the results.
    let mut log: Value = serde_json::from_str(&text).unwrap();
    for rule in log["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        rule["help"] = json!("<elided>");
    }
    log["runs"][0]["tool"]["driver"]["version"] = json!("<version>");
    insta::assert_snapshot!(
        "sarif_sam_inference",
        serde_json::to_string_pretty(&log).unwrap()
    );
}
