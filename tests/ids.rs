//! Workload ids unique within a scan: a shared id gains the path of its
//! file relative to the scanned folder, and says so in its assumptions.

mod common;

use common::{check_json, scratch};

#[test]
fn sam_apps_in_two_folders_get_distinct_cfn_ids() {
    let dir = scratch("ids-sam-apps");
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sam/inference/template.yaml"),
    )
    .unwrap();
    for app in ["orders", "search"] {
        std::fs::create_dir_all(dir.join(app)).unwrap();
        std::fs::write(dir.join(app).join("template.yaml"), &template).unwrap();
    }
    let root = dir.to_string_lossy().into_owned();
    let (_, report) = check_json(&[&root]);
    let workloads = report["workloads"].as_array().unwrap();
    let ids: Vec<&str> = workloads
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert!(!ids.is_empty() && ids.len() % 2 == 0, "{ids:?}");
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let half = ids.len() / 2;
    for (orders, search) in ids[..half].iter().zip(&ids[half..]) {
        assert!(
            orders.starts_with("cfn:") && orders.ends_with("@orders/template.yaml"),
            "{orders}"
        );
        let original = orders.strip_suffix("@orders/template.yaml").unwrap();
        assert_eq!(*search, format!("{original}@search/template.yaml"));
    }
    let notes = workloads[0]["assumptions"].to_string();
    assert!(
        notes.contains("is shared by 2 workloads in this scan"),
        "{notes}"
    );
    // Scanned alone, an app keeps its plain ids.
    let (_, alone) = check_json(&[&format!("{root}/orders")]);
    let plain: Vec<&str> = alone["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = ids[..half]
        .iter()
        .map(|id| {
            id.strip_suffix("@orders/template.yaml")
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(plain, expected);
}
