//! One `check` run, end to end: discover → parse → extract (in parallel,
//! one file per task) → link across files → analyze → rules → report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::{assess, Assessment};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::discover::{self, Input, Skipped};
use crate::extract::kubernetes::{self, Extraction};
use crate::extract::Problem;
use crate::extract::{cloudformation, serverless, terraform};
use crate::model::Workload;
use crate::parse::yaml::Limits;
use crate::report::Report;
use crate::rules::{self, Finding, RuleSettings, Severity};
use crate::source::SourceFile;

/// What a `check` run reads and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Paths as given (`-` for standard input).
    pub paths: Vec<String>,
    /// Display name for standard input.
    pub stdin_name: String,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Where the `.tf` files of a plan are, when not beside it.
    pub tf_root: Option<std::path::PathBuf>,
    /// `--var name=value` for Terraform configurations.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE` for Terraform configurations.
    pub var_files: Vec<std::path::PathBuf>,
    /// `--opt name=value` for Serverless Framework options and
    /// CloudFormation parameters.
    pub opts: Vec<(String, String)>,
}

impl Options {
    /// The command line's defaults (16 MiB files, stdin shown as
    /// `<stdin>`, no variables or options) for `paths`.
    pub fn for_paths(paths: Vec<String>) -> Options {
        Options {
            paths,
            stdin_name: "<stdin>".into(),
            max_file_size: 16 << 20,
            tf_root: None,
            vars: Vec::new(),
            var_files: Vec::new(),
            opts: Vec::new(),
        }
    }
}

/// Whether an input is a Terraform configuration file (read per folder).
fn is_terraform_config(input: &Input) -> bool {
    match input {
        Input::File { path, .. } => {
            let name = path.to_string_lossy();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        }
        Input::Stdin { .. } => false,
    }
}

/// Terraform configurations: each folder holding `.tf` files is a module;
/// folders that another scanned folder calls as a local module are
/// evaluated through that call, the others as root modules.
fn terraform_modules(
    inputs: &[&Input],
    options: &Options,
) -> (
    Vec<Workload>,
    Vec<Problem>,
    Vec<Arc<SourceFile>>,
    Vec<Skipped>,
) {
    let mut dirs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::File { path, .. } => Some(
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
            Input::Stdin { .. } => None,
        })
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            }
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    let canonical = |dir: &Path| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let called: std::collections::HashSet<PathBuf> = dirs
        .par_iter()
        .flat_map(|dir| terraform::config::local_module_sources(dir))
        .collect();
    let roots: Vec<&PathBuf> = dirs
        .iter()
        .filter(|dir| !called.contains(&canonical(dir)))
        .collect();
    let scan_roots: Vec<PathBuf> = options
        .paths
        .iter()
        .filter(|p| *p != "-")
        .map(PathBuf::from)
        .map(|path| {
            if path.is_dir() {
                path
            } else {
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
        })
        .map(|path| {
            canonical(if path.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &path
            })
        })
        .collect();
    let config_inputs = terraform::config::Inputs {
        vars: options.vars.clone(),
        var_files: options.var_files.clone(),
        roots: scan_roots,
        max_file_size: options.max_file_size,
    };
    let evaluated: Vec<terraform::config::Evaluated> = roots
        .par_iter()
        .map(|dir| terraform::config::evaluate_root(dir, &config_inputs))
        .collect();
    let (mut workloads, mut problems, mut sources, mut skipped) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for mut module in evaluated {
        workloads.extend(terraform::to_workloads(
            &module.instances,
            &mut module.problems,
        ));
        problems.extend(module.problems);
        sources.extend(module.sources);
        skipped.extend(module.skipped);
    }
    (workloads, problems, sources, skipped)
}

/// What reading one file produced.
#[derive(Default)]
struct FileResult {
    source: Option<Arc<SourceFile>>,
    skipped: Option<String>,
    extraction: Extraction,
    /// Workloads of formats other than Kubernetes.
    workloads: Vec<Workload>,
    /// Parts of the file not analysed.
    skipped_parts: Vec<Skipped>,
    invalid: Vec<Problem>,
    /// Keys written twice (E002), and whether each is an error.
    duplicate_keys: Vec<(Problem, bool)>,
}

/// E002 findings for the keys written twice in `documents`: the later value
/// is the one read (as PyYAML, go-yaml and serde_json do); in a Kubernetes
/// manifest the API server's strict field validation rejects the object, so
/// there it is an error.
fn duplicate_keys(
    source: &SourceFile,
    documents: &[crate::parse::tree::Document],
    syntax: crate::parse::Syntax,
    kubernetes_manifest: bool,
) -> Vec<(Problem, bool)> {
    documents
        .iter()
        .flat_map(|document| document.duplicate_keys())
        .map(|duplicate| {
            let first = source.location(duplicate.first, 0);
            let consequence = if kubernetes_manifest {
                "; the API server rejects the object (strict field validation, kubectl's default)"
            } else {
                ""
            };
            let problem = Problem {
                message: format!(
                    "key `{}` is written twice in this {syntax} mapping (first at line {}); the later value is the one read{consequence}",
                    duplicate.key, first.line
                ),
                location: source.location(duplicate.start, duplicate.end - duplicate.start),
            };
            (problem, kubernetes_manifest)
        })
        .collect()
}

/// Runs a check and returns its report. Fails only when a named path does
/// not exist.
pub fn check(
    options: &Options,
    config: &Config,
    catalog: &Catalog,
    rules: &[RuleSettings],
) -> Result<Report, String> {
    let discovery = discover::discover(&options.paths, &options.stdin_name)?;
    let limits = Limits::default();
    let (config_inputs, file_inputs): (Vec<&Input>, Vec<&Input>) = discovery
        .inputs
        .iter()
        .partition(|input| is_terraform_config(input));
    let (terraform_workloads, terraform_problems, terraform_sources, terraform_skipped) =
        terraform_modules(&config_inputs, options);
    let mut results: Vec<FileResult> = file_inputs
        .par_iter()
        .map(|input| read_file(input, options, &limits))
        .collect();

    let mut extractions: Vec<&mut Extraction> =
        results.iter_mut().map(|r| &mut r.extraction).collect();
    kubernetes::link(&mut extractions);

    let mut skipped: Vec<Skipped> = discovery.skipped;
    let mut sources = Vec::new();
    let mut workloads: Vec<Workload> = Vec::new();
    let mut invalid: Vec<Problem> = discovery
        .problems
        .into_iter()
        .map(|problem| {
            let source = SourceFile::new(problem.path, "");
            Problem {
                message: problem.message,
                location: source.start(),
            }
        })
        .collect();
    let mut duplicate_keys: Vec<(Problem, bool)> = Vec::new();
    let mut files_scanned = config_inputs.len();
    sources.extend(terraform_sources);
    invalid.extend(terraform_problems);
    skipped.extend(terraform_skipped);
    workloads.extend(terraform_workloads);
    for (input, result) in file_inputs.iter().zip(results) {
        if let Some(reason) = result.skipped {
            skipped.push(Skipped {
                path: input.display(),
                reason,
                what: "file",
            });
        } else {
            files_scanned += 1;
        }
        if let Some(source) = result.source {
            sources.push(source);
        }
        invalid.extend(result.invalid);
        duplicate_keys.extend(result.duplicate_keys);
        invalid.extend(result.extraction.problems);
        workloads.extend(result.extraction.workloads);
        workloads.extend(result.workloads);
        skipped.extend(result.skipped_parts);
    }
    for workload in &mut workloads {
        crate::extract::shared::purpose::infer(workload);
        crate::analyze::shape::complete(workload, catalog);
    }
    // Report in file and position order, whichever reader found them.
    workloads.sort_by(|a, b| {
        (&a.location.file, a.location.offset).cmp(&(&b.location.file, b.location.offset))
    });

    let settings = config.analysis();
    let assessments: Vec<Assessment<'_>> = workloads
        .par_iter()
        .map(|workload| assess(workload, &settings, catalog))
        .collect();
    let mut findings: Vec<Finding> = Vec::new();
    for assessment in &assessments {
        // A resource a plan destroys is not worth a finding.
        let deleted = assessment
            .workload
            .change
            .as_ref()
            .is_some_and(|change| change.action == crate::model::ChangeAction::Delete);
        if !deleted {
            let first = findings.len();
            rules::run(assessment, rules, &mut findings);
            let own: Vec<&Finding> = findings[first..].iter().collect();
            let unused = rules::unused_suppressions(assessment.workload, &own, rules);
            findings.extend(unused);
        }
    }
    if let Some(settings) = rules.iter().find(|r| r.meta.code == rules::INVALID_INPUT) {
        findings.extend(invalid.into_iter().map(|problem| Finding {
            code: settings.meta.code.clone(),
            name: settings.meta.name.clone(),
            severity: settings.severity,
            message: problem.message,
            workload: None,
            location: problem.location,
            monthly_usd: None,
            suppressed: None,
        }));
    }
    if let Some(settings) = rules.iter().find(|r| r.meta.code == rules::DUPLICATE_KEY) {
        findings.extend(
            duplicate_keys
                .into_iter()
                .map(|(problem, is_error)| Finding {
                    code: settings.meta.code.clone(),
                    name: settings.meta.name.clone(),
                    severity: if is_error {
                        Severity::Error
                    } else {
                        settings.severity
                    },
                    message: problem.message,
                    workload: None,
                    location: problem.location,
                    monthly_usd: None,
                    suppressed: None,
                }),
        );
    }
    findings.sort_by(|a, b| {
        (
            &a.location.file,
            a.location.line,
            a.location.column,
            &a.code,
        )
            .cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
                &b.code,
            ))
    });
    Ok(Report::build(
        &assessments,
        findings,
        skipped,
        files_scanned,
        sources,
        catalog,
    ))
}

fn read_file(input: &Input, options: &Options, limits: &Limits) -> FileResult {
    let display = input.display();
    let mut result = FileResult::default();
    let text = match discover::read_text(input, options.max_file_size) {
        Ok(text) => text,
        Err(error) => {
            let (source, offset) = match error.at {
                Some((prefix, offset)) => (SourceFile::new(display, prefix), offset),
                None => (SourceFile::new(display, ""), 0),
            };
            let source = Arc::new(source);
            result.invalid.push(Problem {
                message: error.message,
                location: source.location(offset, 0),
            });
            result.source = Some(source);
            return result;
        }
    };
    let (path, explicit) = match input {
        Input::File { path, explicit } => (Some(path.as_path()), *explicit),
        Input::Stdin { .. } => (None, true),
    };
    if terraform::plan::looks_like_plan(&text) {
        let source = Arc::new(SourceFile::new(display, text));
        match terraform::plan::read(&source, options.tf_root.as_deref()) {
            Ok(instances) => {
                result.workloads = terraform::to_workloads(&instances, &mut result.invalid)
            }
            Err(problem) => result.invalid.push(problem),
        }
        result.source = Some(source);
        return result;
    }
    if let Some(reason) = skip_reason(path, &text, explicit) {
        result.skipped = Some(reason);
        return result;
    }
    let source = Arc::new(SourceFile::new(display, text));
    let named_json = path.is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let (syntax, parsed) = crate::parse::structured(&source.text, named_json, limits);
    let mut documents = Vec::new();
    for parsed in parsed {
        match parsed {
            Ok(document) => documents.push(document),
            Err(error) => result.invalid.push(Problem {
                message: format!("invalid {syntax}: {}", error.message),
                location: source.location(error.offset, 0),
            }),
        }
    }
    let has_objects = documents.iter().any(|d| kubernetes::is_object(d.root()));
    result.duplicate_keys = duplicate_keys(&source, &documents, syntax, has_objects);
    let serverless = documents
        .iter()
        .find(|d| serverless::is_serverless(d.root()));
    let template = documents
        .iter()
        .find(|d| cloudformation::is_template(d.root()));
    if has_objects {
        result.extraction = kubernetes::extract(&source, &documents);
    } else if let Some(document) = serverless {
        let project_dir = match input {
            Input::File { path, .. } => path.parent().map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            }),
            Input::Stdin { .. } => None,
        };
        let found = serverless::extract(
            &source,
            document,
            &options.opts,
            project_dir,
            options.max_file_size,
        );
        result.workloads = found.workloads;
        result.invalid.extend(found.problems);
        // A whole file skipped (another provider) counts as a skipped file.
        let (whole, parts): (Vec<Skipped>, Vec<Skipped>) =
            found.skipped.into_iter().partition(|s| s.what == "file");
        result.skipped = whole.into_iter().next().map(|s| s.reason);
        result.skipped_parts = parts;
    } else if let Some(document) = template {
        let found = cloudformation::extract(&source, document, &options.opts);
        result.workloads = found.workloads;
        result.invalid.extend(found.problems);
        result.skipped_parts = found.skipped;
    } else if result.invalid.is_empty() {
        result.skipped = Some("not infrastructure: no Kubernetes object, Serverless Framework service or CloudFormation template".into());
    }
    result.source = Some(source);
    result
}

/// Files recognised without parsing, or not worth parsing.
fn skip_reason(path: Option<&Path>, text: &str, explicit: bool) -> Option<String> {
    if let Some(path) = path {
        if discover::is_helm_template(path, text) {
            return Some(
                "Helm chart template: render it first (helm template ... | tcolint check -)".into(),
            );
        }
    }
    const MARKERS: [&str; 5] = [
        "apiVersion",
        "AWSTemplateFormatVersion",
        "Resources",
        "service",
        "functions",
    ];
    if !explicit && !MARKERS.iter().any(|marker| text.contains(marker)) {
        return Some("not infrastructure: no apiVersion, Resources or service key".into());
    }
    None
}
