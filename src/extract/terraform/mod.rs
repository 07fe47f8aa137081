//! Terraform → [`Workload`]s, from a plan (`terraform show -json`) or from
//! the `.tf` files themselves. Both forms are turned into
//! [`ResourceInstance`]s (an address, attributes in Terraform's JSON shape,
//! references between resources), and [`resources`] maps those onto the
//! shared model, so the same infrastructure prices the same either way.

pub mod config;
pub mod eval;
mod functions;
pub mod plan;
pub mod resources;
mod types;
pub mod values;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{self, Input};
use crate::extract::{Extraction, FrontEnd, Problem, ReadOptions};
use crate::model::{Change, ChangeAction, Suppression, Workload};
use crate::source::{Location, SourceFile};

use self::values::Attributes;

/// The Terraform front end: `.tf` and `.tf.json` files, read per folder
/// (a module), and plans (`terraform show -json`).
pub struct Terraform;

impl FrontEnd for Terraform {
    fn name(&self) -> &'static str {
        "terraform"
    }

    fn claims_input(&self, input: &Input) -> bool {
        match input {
            Input::File { path, .. } => {
                let name = path.to_string_lossy();
                name.ends_with(".tf") || name.ends_with(".tf.json")
            }
            Input::Stdin { .. } => false,
        }
    }

    fn read_inputs(&self, inputs: &[&Input], options: &ReadOptions<'_>) -> Extraction {
        read_modules(inputs, options)
    }

    fn claims_text(&self, text: &str) -> bool {
        plan::looks_like_plan(text)
    }

    fn claims_stdin(&self, name: &str, text: &str) -> bool {
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            return true;
        }
        // A name with another extension says what the text is.
        let named_other = [".yaml", ".yml", ".json"]
            .iter()
            .any(|extension| name.ends_with(extension));
        !named_other && looks_like_hcl(text)
    }

    fn read_stdin(&self, source: &Arc<SourceFile>, options: &ReadOptions<'_>) -> Extraction {
        let json = source.path.ends_with(".tf.json");
        let module = config::evaluate_source(source, json, &config_inputs(options));
        let mut out = Extraction::default();
        add_module(&mut out, module);
        out
    }

    fn read_text(&self, source: &SourceFile, options: &ReadOptions<'_>) -> Extraction {
        let mut out = Extraction::default();
        match plan::read(source, options.tf_root) {
            Ok(instances) => out.workloads = to_workloads(&instances, &mut out.problems),
            Err(problem) => out.problems.push(problem),
        }
        out
    }
}

/// Terraform configurations: each folder holding `.tf` files is a module;
/// folders that another scanned folder calls as a local module are
/// evaluated through that call, the others as root modules.
fn read_modules(inputs: &[&Input], options: &ReadOptions<'_>) -> Extraction {
    let config_inputs = config_inputs(options);
    // Each folder discovery found is read once, here; a folder another one
    // calls as a local module is evaluated through that call.
    let canonical = |dir: &Path| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let read: Vec<(PathBuf, config::Folder)> = discover::folders(inputs)
        .par_iter()
        .map(|dir| (canonical(dir), config::Folder::read(dir, &config_inputs)))
        .collect();
    let folders: HashMap<PathBuf, config::Folder> = read.into_iter().collect();
    let called: HashSet<PathBuf> = folders
        .values()
        .flat_map(config::Folder::local_module_sources)
        .collect();
    let mut roots: Vec<&config::Folder> = folders
        .iter()
        .filter(|(dir, _)| !called.contains(*dir))
        .map(|(_, folder)| folder)
        .collect();
    roots.sort_by(|a, b| a.dir().cmp(b.dir()));
    let evaluated: Vec<config::Evaluated> = roots
        .par_iter()
        .map(|folder| config::evaluate_folder(folder, &folders, &config_inputs))
        .collect();
    let mut out = Extraction::default();
    for module in evaluated {
        add_module(&mut out, module);
    }
    out
}

/// What configuration evaluation reads beyond the module's own files.
fn config_inputs(options: &ReadOptions<'_>) -> config::Inputs {
    config::Inputs {
        vars: options.vars.to_vec(),
        var_files: options.var_files.to_vec(),
        roots: discover::roots(options.paths),
        max_file_size: options.max_file_size,
        module_dirs: options.module_dirs.to_vec(),
    }
}

/// Adds one evaluated root module's workloads, problems and sources.
fn add_module(out: &mut Extraction, mut module: config::Evaluated) {
    out.workloads
        .extend(to_workloads(&module.instances, &mut module.problems));
    out.problems.extend(module.problems);
    for duplicate in module.duplicate_keys {
        let place = (
            &duplicate.problem.location.file,
            duplicate.problem.location.offset,
        );
        if !out
            .duplicate_keys
            .iter()
            .any(|d| (&d.problem.location.file, d.problem.location.offset) == place)
        {
            out.duplicate_keys.push(duplicate);
        }
    }
    out.sources.extend(module.sources);
    out.skipped.extend(module.skipped);
}

/// Whether text (standard input, which has no extension) is Terraform HCL:
/// its first significant line opens a top-level block.
fn looks_like_hcl(text: &str) -> bool {
    const BLOCKS: [&str; 8] = [
        "resource",
        "data",
        "module",
        "variable",
        "output",
        "locals",
        "provider",
        "terraform",
    ];
    text.lines()
        .map(str::trim)
        .find(|line| {
            !line.is_empty()
                && !line.starts_with('#')
                && !line.starts_with("//")
                && !line.starts_with("/*")
        })
        .is_some_and(|line| {
            let word = line
                .split(|c: char| c.is_whitespace() || c == '{')
                .next()
                .unwrap_or("");
            BLOCKS.contains(&word) && line.trim_end().ends_with('{')
        })
}

/// One instance of a resource, at its Terraform address.
#[derive(Clone, Debug)]
pub struct ResourceInstance {
    /// The address as Terraform prints it (`module.gpu.aws_instance.x[0]`).
    pub address: String,
    /// The resource type (`aws_instance`).
    pub resource_type: String,
    /// Attribute values (after the plan, for a plan).
    pub attributes: Attributes,
    /// Attribute path → addresses of the resources it refers to
    /// (module-qualified, without instance keys).
    pub references: HashMap<String, Vec<String>>,
    /// The provider's region (or GCP zone), when configured.
    pub provider_region: Option<String>,
    /// `# tcolint:ignore=` comments on the block.
    pub suppressions: Vec<Suppression>,
    /// For a plan: the action and the attributes before it.
    pub change: Option<(ChangeAction, Option<Attributes>)>,
}

/// Maps resource instances to workloads, pricing the state before a plan
/// beside the state after it.
pub fn to_workloads(instances: &[ResourceInstance], problems: &mut Vec<Problem>) -> Vec<Workload> {
    let related = resources::Related { instances };
    let mut out = Vec::new();
    for instance in instances {
        let mut workloads = resources::workloads(instance, &related, problems);
        if let Some((action, before)) = &instance.change {
            let before_workloads: Vec<Workload> = match before {
                Some(before) if *action != ChangeAction::Delete => {
                    let mut previous = instance.clone();
                    previous.attributes = before.clone();
                    previous.change = None;
                    resources::workloads(&previous, &related, &mut Vec::new())
                }
                _ => Vec::new(),
            };
            for workload in &mut workloads {
                let before = before_workloads
                    .iter()
                    .find(|b| b.id == workload.id)
                    .cloned()
                    .map(Box::new);
                workload.change = Some(Change {
                    action: *action,
                    before,
                });
            }
        }
        out.extend(workloads);
    }
    out
}

/// `# tcolint:ignore=` comments inside a block or on the line above it.
pub fn suppressions(source: &SourceFile, block_start: usize, block_end: usize) -> Vec<Suppression> {
    crate::extract::comment_suppressions(source, block_start, block_end)
}

/// A location for a block found by searching a text for a string.
pub fn find_location(source: &SourceFile, needle: &str, from: usize) -> Option<Location> {
    let from = from.min(source.text.len());
    source.text[from..]
        .find(needle)
        .map(|index| source.location(from + index, needle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments_inside_or_above_a_block() {
        let text = "# tcolint:ignore=TCO004 training pool, fixed by contract\nresource \"aws_eks_node_group\" \"gpu\" {\n  // tcolint:ignore=gpu002,TCO001\n  x = 1\n}\n# tcolint:ignore=LAT002 not this block\n";
        let source = SourceFile::new("main.tf", text);
        let start = text.find("resource").unwrap();
        let end = text.find("}\n").unwrap() + 1;
        let found = suppressions(&source, start, end);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].codes, ["TCO004"]);
        assert_eq!(
            found[0].reason.as_deref(),
            Some("training pool, fixed by contract")
        );
        assert_eq!(found[1].codes, ["GPU002", "TCO001"]);
        assert_eq!(found[1].reason, None);
        assert_eq!(found[1].location.line, 3);
    }

    #[test]
    fn a_comment_after_a_block_belongs_to_the_next_one() {
        let text = "functions:\n  a:\n    handler: train.handler\n\n  # tcolint:ignore=FIT001 meant for b\n  b:\n    handler: h\n";
        let source = SourceFile::new("serverless.yml", text);
        let a = text.find("a:").unwrap();
        let b = text.find("  b:").unwrap() + 2;
        assert!(suppressions(&source, a, b).is_empty());
        let found = suppressions(&source, b, text.len());
        assert_eq!(found[0].reason.as_deref(), Some("meant for b"));
    }
}
