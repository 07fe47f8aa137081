//! A whole `check` of one file: the first byte picks the file's name (and
//! so its format: manifest, template, serverless.yml, .tf module, plan,
//! .tf.json), the rest is its content. The report is rendered as JSON and
//! SARIF. The file lives alone in a scratch folder of this process. The
//! same check holding no workloads (the file is read again when its
//! workloads' turn comes, as past the held budget of a large scan) must
//! give the same JSON, byte for byte.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tcolint::catalog::Catalog;
use tcolint::config::Config;
use tcolint::rules::{self, RuleMeta, RuleSettings};
use tcolint::scan::{check, Options};

const NAMES: [&str; 6] = [
    "manifest.yaml",
    "template.json",
    "serverless.yml",
    "main.tf",
    "plan.json",
    "main.tf.json",
];

struct Setup {
    dir: PathBuf,
    catalog: Catalog,
    rules: Vec<RuleMeta>,
    settings: Vec<RuleSettings>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tcolint-fuzz-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rules = rules::builtin().unwrap();
        let settings = Config::default().rule_settings(&rules, &[], &[]);
        Setup {
            dir,
            catalog: Catalog::embedded().unwrap(),
            rules,
            settings,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let setup = setup();
    for name in NAMES {
        let _ = std::fs::remove_file(setup.dir.join(name));
    }
    let path = setup.dir.join(NAMES[usize::from(selector) % NAMES.len()]);
    std::fs::write(&path, content).unwrap();
    let options = Options::for_paths(vec![path.to_string_lossy().into_owned()]);
    let json = |options: &Options| {
        let report = check(options, &Config::default(), &setup.catalog, &setup.settings)
            .expect("the scratch file exists");
        let mut json = Vec::new();
        tcolint::report::json::write(&report, &mut json).unwrap();
        (report, json)
    };
    let (report, held) = json(&options);
    let mut out = Vec::new();
    tcolint::report::sarif::write(&report, &setup.rules, &mut out).unwrap();
    let none_held = Options {
        held_bytes: 0,
        ..options
    };
    let (_, read_again) = json(&none_held);
    assert!(
        held == read_again,
        "the report differs when the file is read again"
    );
});
