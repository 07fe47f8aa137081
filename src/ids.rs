//! Workload ids unique within a scan.
//!
//! Ids are formed from what a source names (`k8s:Deployment/ml/llm`,
//! `aws_instance.gpu`, `cfn:Function`), so two inputs can yield the same
//! id: a `dev/` and a `prod/` overlay of one Deployment, every SAM app's
//! `template.yaml`, a plan scanned beside its configuration. An id shared
//! by several workloads gains `@` and the path of its file relative to the
//! scanned path that holds it (`k8s:Deployment/ml/llm@dev/deploy.yaml`;
//! the file name when the file itself was scanned); several such workloads
//! in one file are numbered from the second on in file order
//! (`…@dev/deploy.yaml#2`). Ids that were already unique stay as they
//! were, so baselines recorded before keep matching. Relative paths make
//! the same workload get the same id when another checkout is scanned,
//! which is how `diff` pairs workloads.

use std::borrow::BorrowMut;
use std::collections::{BTreeMap, HashMap};

use crate::model::Workload;
use crate::report::portable_path;

/// The path of `file` relative to the scanned path (one of `roots`) that
/// holds it: the longest root that is a folder above it; the file name
/// when a root is the file itself; the path as given when none holds it.
pub fn relative_path(file: &str, roots: &[String]) -> String {
    let file = portable_path(file);
    match path_below_root(&file, roots) {
        Some(rest) if rest.is_empty() => file.rsplit('/').next().unwrap_or(&file).to_string(),
        Some(rest) => rest,
        None => file,
    }
}

/// The path of a portable `file` below the longest of `roots` that holds
/// it: empty when a root is the file itself, the whole path under `.` or
/// an empty root, `None` when no root holds it.
pub fn path_below_root(file: &str, roots: &[String]) -> Option<String> {
    roots
        .iter()
        .filter_map(|root| {
            let root = portable_path(root);
            let root = root.trim_end_matches('/');
            if root.is_empty() || root == "." {
                return Some((0, file.to_string()));
            }
            if file == root {
                return Some((root.len(), String::new()));
            }
            file.strip_prefix(root)
                .and_then(|rest| rest.strip_prefix('/'))
                .map(|rest| (root.len(), rest.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, rest)| rest)
}

/// Makes every id in `workloads` (in file and position order) unique, by
/// the rule in the module documentation, and notes on each renamed
/// workload which id it shared and with how many others.
pub fn make_unique<W: BorrowMut<Workload>>(workloads: &mut [W], roots: &[String]) {
    let keys: Vec<(&str, &str)> = workloads
        .iter()
        .map(|w| (w.borrow().id.as_str(), &*w.borrow().location.file))
        .collect();
    let renames = renames(&keys, roots);
    for rename in renames {
        let index = rename.index;
        rename.apply(workloads[index].borrow_mut());
    }
}

/// A new id for one workload of a list given to [`renames`].
#[derive(Clone, Debug, PartialEq)]
pub struct Rename {
    /// The workload's index in that list.
    pub index: usize,
    /// Its new id.
    pub id: String,
    /// The note that says why.
    pub note: String,
}

impl Rename {
    /// Gives `workload` its new id and the note.
    pub fn apply(self, workload: &mut Workload) {
        workload.notes.push(self.note);
        workload.id = self.id;
    }
}

/// The renames [`make_unique`] makes, from each workload's id and file (in
/// file and position order): what a scan needs to know before it holds
/// every workload.
pub fn renames(workloads: &[(&str, &str)], roots: &[String]) -> Vec<Rename> {
    // Counted on borrowed ids first: a large scan has tens of thousands of
    // ids and few repeats, which alone are indexed.
    let mut counts: HashMap<&str, u32> = HashMap::with_capacity(workloads.len());
    for (id, _) in workloads {
        *counts.entry(id).or_default() += 1;
    }
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (id, _)) in workloads.iter().enumerate() {
        if counts[id] > 1 {
            by_id.entry(id).or_default().push(index);
        }
    }
    drop(counts);
    let mut shared: Vec<(&str, Vec<usize>)> = by_id.into_iter().collect();
    shared.sort();
    let mut renames = Vec::new();
    for (id, indices) in shared {
        let mut per_path: BTreeMap<String, u32> = BTreeMap::new();
        let count = indices.len();
        for index in indices {
            let path = relative_path(workloads[index].1, roots);
            let seen = per_path.entry(path.clone()).or_default();
            *seen += 1;
            let suffix = if *seen == 1 {
                path
            } else {
                format!("{path}#{seen}")
            };
            let new_id = format!("{id}@{suffix}");
            renames.push(Rename {
                index,
                note: format!(
                    "id {id} is shared by {count} workloads in this scan, so this one is {new_id} (the id gains the path of its file relative to the scanned path)"
                ),
                id: new_id,
            });
        }
    }
    renames
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Billing, Platform};
    use crate::source::SourceFile;

    fn workload(id: &str, file: &str, offset: usize) -> Workload {
        let source = SourceFile::new(file, "x\n".repeat(8));
        Workload::new(
            id.to_string(),
            "Deployment",
            Platform::Kubernetes,
            source.location(offset, 1),
            Billing::PodShare,
        )
    }

    #[test]
    fn shared_ids_gain_the_relative_path_and_unique_ones_stay() {
        let mut workloads = vec![
            workload("k8s:Deployment/default/llm", "overlays/dev/llm.yaml", 0),
            workload("k8s:Deployment/default/llm", "overlays/prod/llm.yaml", 0),
            workload("k8s:Deployment/default/llm", "overlays/prod/llm.yaml", 4),
            workload("k8s:Deployment/default/web", "overlays/prod/llm.yaml", 6),
        ];
        make_unique(&mut workloads, &["overlays".to_string()]);
        let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "k8s:Deployment/default/llm@dev/llm.yaml",
                "k8s:Deployment/default/llm@prod/llm.yaml",
                "k8s:Deployment/default/llm@prod/llm.yaml#2",
                "k8s:Deployment/default/web",
            ]
        );
        assert!(workloads[0].notes[0].contains("shared by 3 workloads"));
        assert!(workloads[3].notes.is_empty());
    }

    #[test]
    fn paths_are_relative_to_the_scanned_path_that_holds_them() {
        let roots = ["a".to_string(), "a/b".to_string(), "c/t.yaml".to_string()];
        assert_eq!(relative_path("a/b/x.yaml", &roots), "x.yaml");
        assert_eq!(relative_path("./a/y/x.yaml", &roots), "y/x.yaml");
        assert_eq!(relative_path("c/t.yaml", &roots), "t.yaml");
        assert_eq!(relative_path("d/x.yaml", &roots), "d/x.yaml");
        assert_eq!(relative_path("d/x.yaml", &[".".to_string()]), "d/x.yaml");
    }
}
