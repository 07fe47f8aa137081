//! One `check` run, end to end: discover → parse → extract (in parallel,
//! one file per task) → link across files → analyze → rules → report.
//!
//! Every extracted workload waits for the cross-file steps (autoscalers
//! and TrainJob runtimes in other files, unique ids, shares of ops time)
//! before it is assessed. A scan holds up to [`HELD_BYTES`] of them; past
//! that, a file's workloads are reduced to what those steps need (a
//! `Stub`) and the file is read again when their turn comes, so memory
//! stays flat while a larger tree costs a second parse of its excess
//! files. Either way the report is the same, byte for byte.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::ops::{OpsRole, OpsShare};
use crate::analyze::{assess, Assessment};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::discover::{self, DiscoverError, Input, Skipped};
use crate::extract::{
    duplicate_key_problem, DuplicateKeyProblem, Extraction, File, Problem, ReadOptions, FRONT_ENDS,
};
use crate::ids::Rename;
use crate::model::Workload;
use crate::parse::yaml::Limits;
use crate::report::{workload_report, Report, Totals, WorkloadReport};
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
    /// Local copies of Terraform module sources (`--module-dir`,
    /// `modules:` in tcolint.yml).
    pub module_dirs: Vec<(String, std::path::PathBuf)>,
    /// Keep every file's text in the report, for snippets (text output).
    /// Off, each text is dropped once its file is extracted: other formats
    /// print positions only, and a large tree's texts run to hundreds of MB.
    pub keep_sources: bool,
    /// Keep every workload's report in [`Report::workloads`]. Off (formats
    /// that print findings and the summary only), each is dropped once
    /// assessed, so memory does not grow with the tree.
    pub keep_workloads: bool,
    /// How much of the files' extracted workloads a scan holds until they
    /// are assessed, estimated in bytes ([`HELD_BYTES`] by default).
    pub held_bytes: usize,
}

/// Estimated bytes of extracted workloads a scan holds between reading
/// and assessing them (the environment variable `TCOLINT_HELD_MIB` sets it
/// for the command line). A file's share is estimated as its size plus a
/// `Workload` struct per workload, about 1.7 times what its workloads
/// really hold in the benchmark tree: 48 MiB is about 15,000 of its files.
/// Every workload waits for the cross-file steps (autoscalers, unique
/// ids, shares of ops time), so past this a file's workloads are dropped
/// once what those steps need is taken from them, and the file is read
/// again when their turn to be assessed comes. Memory then stays flat
/// however large the tree, at the cost of parsing those files twice.
pub const HELD_BYTES: usize = 48 << 20;

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
            module_dirs: Vec::new(),
            keep_sources: true,
            keep_workloads: true,
            held_bytes: HELD_BYTES,
        }
    }
}

/// What reading one file produced.
#[derive(Default)]
struct FileResult {
    source: Option<Arc<SourceFile>>,
    /// Why the whole file was not read, when it was not.
    skipped: Option<String>,
    /// What its front end found.
    extraction: Extraction,
    /// Problems reading or parsing it.
    invalid: Vec<Problem>,
    /// Keys written twice (E002).
    duplicate_keys: Vec<DuplicateKeyProblem>,
    /// The front end that read it, if one did.
    read_by: Option<&'static str>,
    /// What is kept of its workloads when they are not held (then
    /// `extraction.workloads` is empty), one per workload in order.
    later: Vec<Stub>,
}

/// A workload in the scan's order, as it waits to be assessed.
enum Slot {
    /// Extracted, linked and completed.
    Held(Box<Workload>),
    /// To be read again from its file (see [`HELD_BYTES`]).
    Later(Box<Stub>),
}

impl Slot {
    /// Its file and position in it, which order the report.
    fn position(&self) -> (&str, usize) {
        match self {
            Slot::Held(workload) => (&workload.location.file, workload.location.offset),
            Slot::Later(stub) => (&stub.file, stub.offset),
        }
    }

    /// Its id as extracted, and its file.
    fn id_and_file(&self) -> (&str, &str) {
        match self {
            Slot::Held(workload) => (&workload.id, &workload.location.file),
            Slot::Later(stub) => (&stub.id, &stub.file),
        }
    }

    /// What decides its share of ops time, and its final id.
    fn ops_member(&self) -> (OpsRole, &str) {
        match self {
            Slot::Held(workload) => (OpsRole::of(workload), &workload.id),
            Slot::Later(stub) => (
                stub.ops,
                stub.rename.as_ref().map_or(&stub.id, |rename| &rename.id),
            ),
        }
    }
}

/// What a scan keeps of a workload it does not hold: what the cross-file
/// steps need, and what they decided for it.
struct Stub {
    /// Its id as extracted (before [`crate::ids::renames`]).
    id: String,
    file: Arc<str>,
    offset: usize,
    ops: OpsRole,
    /// Its file, by index in [`Scanned::later_files`].
    file_index: usize,
    /// Its index in that file's extraction.
    workload_index: usize,
    /// What [`crate::extract::FrontEnd::link`] changes in it, in order.
    patches: Vec<crate::extract::Edit>,
    /// Its new id, when its id is shared (rare, so boxed).
    rename: Option<Box<Rename>>,
}

impl Stub {
    /// What is kept of `workload`, the `workload_index`th of its file.
    fn of(workload: Workload, workload_index: usize) -> Stub {
        Stub {
            ops: OpsRole::of(&workload),
            offset: workload.location.offset,
            file: workload.location.file,
            id: workload.id,
            file_index: 0,
            workload_index,
            patches: Vec::new(),
            rename: None,
        }
    }
}

/// What a linked workload gains before it is assessed, whether held or
/// read again: purpose and framework from its shape and names, and its
/// instance type's figures.
fn complete(workload: &mut Workload, catalog: &Catalog) {
    crate::extract::shared::purpose::infer(workload);
    crate::extract::shared::framework::infer(workload);
    crate::analyze::shape::complete(workload, catalog);
}

/// What is kept of a file's `workloads` when they are not held.
fn stubs_of(workloads: Vec<Workload>) -> Vec<Stub> {
    // A new list: collected in place, the stubs would keep the workloads'
    // buffer, and dropping the workloads would free nothing.
    let mut stubs = Vec::with_capacity(workloads.len());
    stubs.extend(
        workloads
            .into_iter()
            .enumerate()
            .map(|(index, workload)| Stub::of(workload, index)),
    );
    stubs
}

/// A file whose workloads are read again when their turn comes.
struct LaterFile {
    input: Input,
    /// How many workloads it yielded the first time.
    workloads: usize,
}

impl Options {
    /// What front ends may use of these options.
    fn read_options(&self) -> ReadOptions<'_> {
        ReadOptions {
            paths: &self.paths,
            max_file_size: self.max_file_size,
            tf_root: self.tf_root.as_deref(),
            vars: &self.vars,
            var_files: &self.var_files,
            opts: &self.opts,
            module_dirs: &self.module_dirs,
        }
    }
}

/// E002 findings for the keys written twice in `documents`: the later value
/// is the one read (as PyYAML, go-yaml and serde_json do). Where the
/// format's consumer rejects such a mapping (`rejection` says how), it is an
/// error.
fn duplicate_keys(
    source: &SourceFile,
    documents: &[crate::parse::tree::Document],
    syntax: crate::parse::Syntax,
    rejection: Option<&str>,
) -> Vec<DuplicateKeyProblem> {
    documents
        .iter()
        .flat_map(|document| document.duplicate_keys())
        .map(|duplicate| duplicate_key_problem(source, duplicate, syntax, rejection))
        .collect()
}

/// Workloads assessed, reported and handed on at a time: enough to keep
/// every core busy, few enough that their reports take little memory.
const CHUNK_WORKLOADS: usize = 512;

/// Runs a check and returns its report. Fails only when a named path does
/// not exist.
pub fn check(
    options: &Options,
    config: &Config,
    catalog: &Catalog,
    rules: &[RuleSettings],
) -> Result<Report, DiscoverError> {
    let scanned = read(options, catalog)?;
    let mut workloads = Vec::new();
    let mut report = scanned.analyze(config, catalog, rules, &mut |workload| {
        if options.keep_workloads {
            workloads.push(workload);
        }
        // Not kept: stop being handed reports.
        options.keep_workloads
    });
    report.workloads = workloads;
    Ok(report)
}

/// The inputs of a check, read, extracted and linked: every workload in
/// file and position order with a unique id, and what the files said about
/// themselves. Nothing is assessed yet.
pub struct Scanned {
    /// Each workload, held or to be read again.
    slots: Vec<Slot>,
    /// The files the `Slot::Later` workloads come from.
    later_files: Vec<LaterFile>,
    /// How to read them again.
    options: Options,
    unmodeled: Vec<crate::model::UnmodeledAccelerator>,
    invalid: Vec<Problem>,
    duplicate_keys: Vec<DuplicateKeyProblem>,
    skipped: Vec<Skipped>,
    files_scanned: usize,
    sources: Vec<Arc<SourceFile>>,
    input_formats: Vec<&'static str>,
}

/// Discovers, parses, extracts and links the inputs. Fails only when a
/// named path does not exist.
pub fn read(options: &Options, catalog: &Catalog) -> Result<Scanned, DiscoverError> {
    let discovery = discover::discover(&options.paths, &options.stdin_name)?;
    let limits = Limits::default();
    let read_options = options.read_options();
    // Inputs a front end reads as a whole (Terraform folders), by front end;
    // the others are read file by file.
    let mut claimed: Vec<Vec<&Input>> = vec![Vec::new(); FRONT_ENDS.len()];
    let mut file_inputs: Vec<&Input> = Vec::new();
    for input in &discovery.inputs {
        match FRONT_ENDS.iter().position(|f| f.claims_input(input)) {
            Some(index) => claimed[index].push(input),
            None => file_inputs.push(input),
        }
    }
    let mut input_formats: Vec<&'static str> = FRONT_ENDS
        .iter()
        .zip(&claimed)
        .filter(|(_, inputs)| !inputs.is_empty())
        .map(|(front_end, _)| front_end.name())
        .collect();
    let mut whole: Vec<Extraction> = FRONT_ENDS
        .iter()
        .zip(&claimed)
        .filter(|(_, inputs)| !inputs.is_empty())
        .map(|(front_end, inputs)| front_end.read_inputs(inputs, &read_options))
        .collect();
    let held_bytes = AtomicUsize::new(0);
    let mut results: Vec<FileResult> = file_inputs
        .par_iter()
        .map(|input| {
            let mut result = read_file(input, &read_options, &limits);
            // Every workload waits for the cross-file steps: past the
            // budget, only what they need is kept, where the file can be
            // read again (a regular file: not standard input, a pipe such
            // as /dev/stdin or <(…), which would read empty).
            let workloads = &mut result.extraction.workloads;
            let estimate = result.source.as_ref().map_or(0, |s| s.text.len())
                + workloads.len() * std::mem::size_of::<Workload>();
            let regular_file = |input: &Input| match input {
                Input::File { path, .. } => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
                Input::Stdin { .. } => false,
            };
            if !workloads.is_empty()
                && held_bytes.fetch_add(estimate, Ordering::Relaxed) + estimate > options.held_bytes
                && regular_file(input)
            {
                held_bytes.fetch_sub(estimate, Ordering::Relaxed);
                result.later = stubs_of(std::mem::take(workloads));
            }
            if !options.keep_sources {
                result.source = None;
            }
            let workloads = &mut result.extraction.workloads;
            workloads.iter_mut().for_each(Workload::shrink_to_fit);
            workloads.shrink_to_fit();
            result
        })
        .collect();

    // Link across files, then apply each change to its workload, or keep
    // it for when the workload is read again.
    let patches = {
        let extractions: Vec<&Extraction> = whole
            .iter()
            .chain(results.iter().map(|r| &r.extraction))
            .collect();
        FRONT_ENDS
            .iter()
            .flat_map(|front_end| front_end.link(&extractions))
            .collect::<Vec<_>>()
    };
    for patch in patches {
        let (result, index) = match patch.extraction.checked_sub(whole.len()) {
            None => {
                if let Some(workload) = whole[patch.extraction].workloads.get_mut(patch.workload) {
                    (patch.apply)(workload);
                }
                continue;
            }
            Some(index) => (&mut results[index], patch.workload),
        };
        if let Some(workload) = result.extraction.workloads.get_mut(index) {
            (patch.apply)(workload);
        } else if let Some(stub) = result.later.get_mut(index) {
            stub.patches.push(patch.apply);
        }
    }

    let mut skipped: Vec<Skipped> = discovery.skipped;
    let mut sources = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let mut later_files: Vec<LaterFile> = Vec::new();
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
    let mut duplicate_keys: Vec<DuplicateKeyProblem> = Vec::new();
    let mut unmodeled = Vec::new();
    let mut files_scanned: usize = claimed.iter().map(Vec::len).sum();
    slots.reserve_exact(
        whole.iter().map(|e| e.workloads.len()).sum::<usize>()
            + results
                .iter()
                .map(|r| r.extraction.workloads.len() + r.later.len())
                .sum::<usize>(),
    );
    let held = |mut workload: Workload| {
        complete(&mut workload, catalog);
        workload.shrink_to_fit();
        Slot::Held(Box::new(workload))
    };
    for extraction in whole {
        if options.keep_sources {
            sources.extend(extraction.sources);
        }
        invalid.extend(extraction.problems);
        duplicate_keys.extend(extraction.duplicate_keys);
        skipped.extend(extraction.skipped);
        slots.extend(extraction.workloads.into_iter().map(held));
        unmodeled.extend(extraction.unmodeled);
    }
    for (input, result) in file_inputs.iter().zip(results) {
        if let Some(name) = result.read_by {
            if !input_formats.contains(&name) {
                input_formats.push(name);
            }
        }
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
        duplicate_keys.extend(result.extraction.duplicate_keys);
        slots.extend(result.extraction.workloads.into_iter().map(held));
        if !result.later.is_empty() {
            let file_index = later_files.len();
            later_files.push(LaterFile {
                input: Input::clone(input),
                workloads: result.later.len(),
            });
            slots.extend(result.later.into_iter().map(|mut stub| {
                stub.file_index = file_index;
                Slot::Later(Box::new(stub))
            }));
        }
        skipped.extend(result.extraction.skipped);
        unmodeled.extend(result.extraction.unmodeled);
    }
    // Report in file and position order, whichever reader found them. They
    // mostly are in that order already; a stable sort would still take a
    // scratch copy of half the list.
    if !slots.is_sorted_by(|a, b| a.position() <= b.position()) {
        slots.sort_by(|a, b| a.position().cmp(&b.position()));
    }
    let renames = {
        let ids: Vec<(&str, &str)> = slots.iter().map(Slot::id_and_file).collect();
        crate::ids::renames(&ids, &options.paths)
    };
    for rename in renames {
        match &mut slots[rename.index] {
            Slot::Held(workload) => rename.apply(workload),
            Slot::Later(stub) => stub.rename = Some(Box::new(rename)),
        }
    }

    Ok(Scanned {
        slots,
        later_files,
        options: options.clone(),
        unmodeled,
        invalid,
        duplicate_keys,
        skipped,
        files_scanned,
        sources,
        input_formats,
    })
}

impl Scanned {
    /// How many workloads are held and how many will be read again.
    pub fn held_and_later(&self) -> (usize, usize) {
        let later = self
            .slots
            .iter()
            .filter(|slot| matches!(slot, Slot::Later(_)))
            .count();
        (self.slots.len() - later, later)
    }

    /// Assesses every workload, runs the rules, and hands each workload's
    /// report to `each`, in order, as soon as its chunk is assessed (`each`
    /// returns false to stop being handed reports, as when the reader of a
    /// streamed report went away). Returns the report with its findings and
    /// summary and without the workloads `each` took.
    pub fn analyze(
        self,
        config: &Config,
        catalog: &Catalog,
        rules: &[RuleSettings],
        each: &mut dyn FnMut(WorkloadReport) -> bool,
    ) -> Report {
        let Scanned {
            slots,
            later_files,
            options,
            unmodeled,
            mut invalid,
            duplicate_keys,
            skipped,
            files_scanned,
            sources,
            input_formats,
        } = self;
        let price_cache = crate::analyze::cost::PriceCache::default();
        let mut settings = config.analysis();
        settings.cache = Some(&price_cache);
        // ARC001 as configured for this run is the one source of the saving a
        // recommended move must reach.
        if let Some(arc001) = rules
            .iter()
            .find(|rule| rule.meta.code == rules::code::ARC001)
        {
            settings.min_saving = crate::analyze::recommend::MinSaving {
                fraction: arc001.threshold(rules::Threshold::MinSavingFraction),
                usd: arc001.threshold(rules::Threshold::MinSavingUsd),
            };
        }
        let ops_shares = {
            let members: Vec<(OpsRole, &str)> = slots.iter().map(Slot::ops_member).collect();
            crate::analyze::ops::attribute(&members, &settings.ops)
        };
        let mut totals = Totals::default();
        let mut findings: Vec<Finding> = Vec::new();
        let mut wanted = true;
        let mut again = ReadAgain::new(&later_files, &options);
        // Taken a chunk at a time and dropped once reported, so the memory
        // of assessed workloads is reused for the findings that follow.
        let mut slots = slots.into_iter().zip(ops_shares);
        loop {
            let chunk: Vec<(Slot, Option<OpsShare>)> =
                slots.by_ref().take(CHUNK_WORKLOADS).collect();
            if chunk.is_empty() {
                break;
            }
            again.read(chunk.iter().map(|(slot, _)| slot));
            let chunk: Vec<(Box<Workload>, Option<OpsShare>)> = chunk
                .into_iter()
                .filter_map(|(slot, share)| match slot {
                    Slot::Held(workload) => Some((workload, share)),
                    Slot::Later(stub) => Some((again.take(*stub, catalog)?, share)),
                })
                .collect();
            let assessed: Vec<(WorkloadReport, Vec<Finding>)> = chunk
                .par_iter()
                .map(|(workload, share)| {
                    let mut assessment = assess(workload, &settings, catalog);
                    crate::analyze::apply_ops(&mut assessment, share.clone());
                    let findings = judge(&assessment, rules);
                    (workload_report(assessment), findings)
                })
                .collect();
            for ((report, own), (workload, _)) in assessed.into_iter().zip(&chunk) {
                totals.add(workload, &report);
                findings.extend(own);
                if wanted {
                    wanted = each(report);
                }
            }
        }
        invalid.extend(again.problems);
        findings.extend(rules::gpu003::findings(&unmodeled, rules));
        if let Some(settings) = rules.iter().find(|r| r.meta.code == rules::INVALID_INPUT) {
            findings.extend(invalid.into_iter().map(|problem| {
                Finding::about_input(
                    settings,
                    settings.severity,
                    problem.message,
                    problem.location,
                )
            }));
        }
        if let Some(settings) = rules.iter().find(|r| r.meta.code == rules::DUPLICATE_KEY) {
            findings.extend(duplicate_keys.into_iter().map(|duplicate| {
                // Kubernetes manifests, Terraform JSON syntax: their consumer
                // rejects them.
                let DuplicateKeyProblem { problem, rejected } = duplicate;
                let severity = if rejected {
                    Severity::Error
                } else {
                    settings.severity
                };
                Finding::about_input(settings, severity, problem.message, problem.location)
            }));
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
        let mut report = Report::assemble(
            Vec::new(),
            totals,
            findings,
            skipped,
            files_scanned,
            sources,
            catalog,
        );
        report.input_formats = input_formats;
        report
    }
}

/// The files whose workloads were not held, read again as their turn to
/// be assessed comes.
struct ReadAgain<'a> {
    files: &'a [LaterFile],
    options: ReadOptions<'a>,
    limits: Limits,
    /// Workloads read again and not taken yet, by file, with how many.
    read: HashMap<usize, (usize, Vec<Option<Workload>>)>,
    /// Files that no longer yield what they did (changed while the scan
    /// ran): their workloads are left out, with one problem each.
    problems: Vec<Problem>,
}

impl<'a> ReadAgain<'a> {
    fn new(files: &'a [LaterFile], options: &'a Options) -> ReadAgain<'a> {
        ReadAgain {
            files,
            options: options.read_options(),
            limits: Limits::default(),
            read: HashMap::new(),
            problems: Vec::new(),
        }
    }

    /// Reads, in parallel, the files of `slots` not read yet.
    fn read<'s>(&mut self, slots: impl Iterator<Item = &'s Slot>) {
        let mut wanted: Vec<usize> = slots
            .filter_map(|slot| match slot {
                Slot::Later(stub) if !self.read.contains_key(&stub.file_index) => {
                    Some(stub.file_index)
                }
                _ => None,
            })
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let read: Vec<(usize, Vec<Workload>)> = wanted
            .par_iter()
            .map(|&index| {
                let result = read_file(&self.files[index].input, &self.options, &self.limits);
                (index, result.extraction.workloads)
            })
            .collect();
        for (index, workloads) in read {
            let file = &self.files[index];
            let workloads = if workloads.len() == file.workloads {
                (workloads.len(), workloads.into_iter().map(Some).collect())
            } else {
                self.changed(index);
                (0, Vec::new())
            };
            self.read.insert(index, workloads);
        }
    }

    /// The workload `stub` stands for, read again, linked and completed;
    /// `None` when its file changed.
    fn take(&mut self, stub: Stub, catalog: &Catalog) -> Option<Box<Workload>> {
        let (left, workloads) = self.read.get_mut(&stub.file_index)?;
        let mut workload = workloads.get_mut(stub.workload_index)?.take()?;
        *left -= 1;
        if *left == 0 {
            self.read.remove(&stub.file_index);
        }
        if workload.id != stub.id {
            self.changed(stub.file_index);
            // Its other workloads are left out with it.
            self.read.insert(stub.file_index, (0, Vec::new()));
            return None;
        }
        for patch in stub.patches {
            patch(&mut workload);
        }
        complete(&mut workload, catalog);
        if let Some(rename) = stub.rename {
            rename.apply(&mut workload);
        }
        Some(Box::new(workload))
    }

    /// Records that the file at `index` changed since it was first read.
    fn changed(&mut self, index: usize) {
        let file = &self.files[index];
        let source = SourceFile::new(file.input.display(), "");
        self.problems.push(Problem {
            message: format!(
                "the file changed while tcolint read it: it no longer yields the {} workload(s) it did, so those not yet assessed are left out; run the check again",
                file.workloads
            ),
            location: source.start(),
        });
    }
}

/// The findings of one assessed workload, with its unused suppressions.
fn judge(assessment: &Assessment<'_>, rules: &[RuleSettings]) -> Vec<Finding> {
    let mut findings = Vec::new();
    // A resource a plan destroys is not worth a finding.
    let deleted = assessment
        .workload
        .change
        .as_ref()
        .is_some_and(|change| change.action == crate::model::ChangeAction::Delete);
    if !deleted {
        rules::run(assessment, rules, &mut findings);
        let own: Vec<&Finding> = findings.iter().collect();
        let unused = rules::unused_suppressions(assessment.workload, &own, rules);
        findings.extend(unused);
    }
    findings
}

fn read_file(input: &Input, options: &ReadOptions<'_>, limits: &Limits) -> FileResult {
    let mut result = FileResult::default();
    let source = match discover::read_source(input, options.max_file_size) {
        Ok(source) => Arc::new(source),
        Err(unreadable) => {
            result.invalid.push(Problem::unreadable(&unreadable));
            result.source = Some(Arc::new(unreadable.source));
            return result;
        }
    };
    let (path, explicit) = match input {
        Input::File { path, explicit } => (Some(path.as_path()), *explicit),
        Input::Stdin { .. } => (None, true),
    };
    if path.is_none() {
        if let Some(front_end) = FRONT_ENDS
            .iter()
            .find(|f| f.claims_stdin(&source.path, &source.text))
        {
            result.extraction = front_end.read_stdin(&source, options);
            result.read_by = Some(front_end.name());
            result.source = Some(source);
            return result;
        }
    }
    if let Some(front_end) = FRONT_ENDS.iter().find(|f| f.claims_text(&source.text)) {
        result.extraction = front_end.read_text(&source, options);
        result.read_by = Some(front_end.name());
        result.source = Some(source);
        return result;
    }
    if let Some(reason) = skip_reason(path, &source.text, explicit) {
        result.skipped = Some(reason);
        return result;
    }
    // Standard input is named by --stdin-filename.
    let named_json = match path {
        Some(path) => path.extension().is_some_and(|e| e == "json"),
        None => source.path.ends_with(".json"),
    };
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
    let front_end = FRONT_ENDS.iter().find(|f| f.claims_documents(&documents));
    let rejection = front_end.and_then(|f| f.duplicate_key_rejection());
    result.duplicate_keys = duplicate_keys(&source, &documents, syntax, rejection);
    match front_end {
        Some(front_end) => {
            let file = File {
                source: &source,
                path,
                documents: &documents,
            };
            result.extraction = front_end.extract(&file, options);
            result.read_by = Some(front_end.name());
            // A whole file skipped (another provider) counts as a skipped file.
            let (whole, parts): (Vec<Skipped>, Vec<Skipped>) =
                std::mem::take(&mut result.extraction.skipped)
                    .into_iter()
                    .partition(|s| s.what == "file");
            result.skipped = whole.into_iter().next().map(|s| s.reason);
            result.extraction.skipped = parts;
        }
        None if result.invalid.is_empty() => {
            let kinds: Vec<&str> = FRONT_ENDS
                .iter()
                .filter_map(|f| f.document_kind())
                .collect();
            result.skipped = Some(format!("not infrastructure: no {}", or_list(&kinds)));
        }
        None => {}
    }
    result.source = Some(source);
    result
}

/// `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
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
    let marked = FRONT_ENDS
        .iter()
        .flat_map(|f| f.markers())
        .any(|marker| text.contains(marker));
    if !explicit && !marked {
        return Some("not infrastructure: no apiVersion, Resources or service key".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_do_not_keep_the_workloads_buffer() {
        let source = SourceFile::new("a.yaml", "x\n".repeat(4));
        let workloads: Vec<Workload> = (0..4)
            .map(|i| {
                Workload::new(
                    format!("k8s:Deployment/ml/w{i}"),
                    "Deployment",
                    crate::model::Platform::Kubernetes,
                    source.location(i * 2, 1),
                    crate::model::Billing::PodShare,
                )
            })
            .collect();
        let stubs = stubs_of(workloads);
        // In place, 4 workloads' bytes would hold many more stubs.
        assert_eq!(stubs.capacity(), 4);
        let ids: Vec<(&str, usize, usize)> = stubs
            .iter()
            .map(|s| (s.id.as_str(), s.offset, s.workload_index))
            .collect();
        assert_eq!(ids[3], ("k8s:Deployment/ml/w3", 6, 3));
    }

    #[test]
    fn a_file_no_front_end_claims_names_every_document_kind() {
        let dir = crate::test_support::temp_folder("unclaimed");
        let path = dir.join("values.yaml");
        std::fs::write(&path, "apiVersion: 3\nservice: none\n").unwrap();
        let input = Input::File {
            path,
            explicit: true,
        };
        let options = Options::for_paths(Vec::new());
        let result = read_file(&input, &options.read_options(), &Limits::default());
        assert_eq!(
            result.skipped.as_deref(),
            Some("not infrastructure: no Kubernetes object, Serverless Framework service or CloudFormation template")
        );
        assert_eq!(or_list(&["a"]), "a");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
