//! Extract: each input format maps its documents onto the shared model
//! ([`crate::model::Workload`]). This is the only stage that knows what a
//! format's fields mean.
//!
//! Every format is a [`FrontEnd`]: it claims its inputs (whole inputs such
//! as Terraform folders, a file's raw text such as a plan, or parsed
//! documents) and returns one [`Extraction`]. [`FRONT_ENDS`] lists them in
//! the order they are asked; `scan` iterates it and names no format. A new
//! format is its folder plus one line there.

pub mod cloudformation;
pub mod kubernetes;
pub mod serverless;
pub mod shared;
pub mod terraform;

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::{Input, Skipped, Unreadable};
use crate::model::{Suppression, UnmodeledAccelerator, Workload};
use crate::parse::tree::{Document, DuplicateKey};
use crate::parse::Syntax;
use crate::source::{Location, SourceFile};

/// The formats, in the order they are asked to claim an input: the first
/// that claims it reads it.
pub static FRONT_ENDS: [&dyn FrontEnd; 4] = [
    &terraform::Terraform,
    &kubernetes::Kubernetes,
    &serverless::Serverless,
    &cloudformation::CloudFormation,
];

/// Everything one file (or one whole input a front end reads itself)
/// yields.
#[derive(Default)]
pub struct Extraction {
    /// Workloads, in source order.
    pub workloads: Vec<Workload>,
    /// Invalid values (E001).
    pub problems: Vec<Problem>,
    /// Keys written twice whose later value is read (E002) that the front
    /// end found itself (object constructors in `.tf` files, repeated keys
    /// in `.tf.json`).
    pub duplicate_keys: Vec<DuplicateKeyProblem>,
    /// What was not analysed, with why: `file` for a whole file, else a
    /// part of one.
    pub skipped: Vec<Skipped>,
    /// Files a front end read itself (Terraform modules), for snippets.
    pub sources: Vec<Arc<SourceFile>>,
    /// What a front end keeps from this file to link across files in
    /// [`FrontEnd::link`] (autoscalers and their targets…), opaque to
    /// everyone else: see [`Extraction::links`]. A workload is named
    /// there by its index in `workloads`.
    pub links: Vec<Box<dyn Any + Send>>,
    /// Accelerator requests in kinds no front end can read (GPU003).
    pub unmodeled: Vec<UnmodeledAccelerator>,
}

impl Extraction {
    /// The front end's cross-file state of type `T`, if this file has any.
    pub fn links<T: Any>(&self) -> Option<&T> {
        self.links
            .iter()
            .find_map(|links| links.downcast_ref::<T>())
    }

    /// The front end's cross-file state of type `T`, created empty on
    /// first use.
    pub fn links_mut<T: Any + Send + Default>(&mut self) -> &mut T {
        let index = match self.links.iter().position(|links| links.is::<T>()) {
            Some(index) => index,
            None => {
                self.links.push(Box::<T>::default());
                self.links.len() - 1
            }
        };
        self.links[index]
            .downcast_mut::<T>()
            .expect("the entry at `index` holds a T")
    }
}

/// What front ends may use from the command line.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions<'a> {
    /// Paths as given (`-` for standard input).
    pub paths: &'a [String],
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Where the `.tf` files of a plan are, when not beside it.
    pub tf_root: Option<&'a Path>,
    /// `--var name=value` for Terraform configurations.
    pub vars: &'a [(String, String)],
    /// `--var-file FILE` for Terraform configurations.
    pub var_files: &'a [PathBuf],
    /// `--opt name=value` for Serverless Framework options and
    /// CloudFormation parameters.
    pub opts: &'a [(String, String)],
    /// Local copies of Terraform module sources.
    pub module_dirs: &'a [(String, PathBuf)],
}

/// One file read and parsed, as a front end sees it.
pub struct File<'a> {
    /// Its text and name.
    pub source: &'a SourceFile,
    /// Its path on disk (`None` for standard input).
    pub path: Option<&'a Path>,
    /// Its documents, parsed (YAML or JSON).
    pub documents: &'a [Document],
}

/// An input format: which inputs it claims and how it reads them.
pub trait FrontEnd: Sync {
    /// The format's name, as the command line's notes use it
    /// (`terraform`, `kubernetes`, `serverless`, `cloudformation`).
    fn name(&self) -> &'static str;

    /// Whether it reads `input` itself, together with the other inputs it
    /// claims, instead of file by file (Terraform reads per folder).
    fn claims_input(&self, _input: &Input) -> bool {
        false
    }

    /// Reads the inputs it claimed with [`FrontEnd::claims_input`].
    fn read_inputs(&self, _inputs: &[&Input], _options: &ReadOptions<'_>) -> Extraction {
        Extraction::default()
    }

    /// Whether a file's raw text is its input, read without parsing it
    /// into documents (a Terraform plan).
    fn claims_text(&self, _text: &str) -> bool {
        false
    }

    /// Reads a file it claimed with [`FrontEnd::claims_text`].
    fn read_text(&self, _source: &SourceFile, _options: &ReadOptions<'_>) -> Extraction {
        Extraction::default()
    }

    /// Whether it reads standard input as a whole configuration of its
    /// own syntax (Terraform HCL), judged by `name` (`--stdin-filename`)
    /// when its extension says, else by the text.
    fn claims_stdin(&self, _name: &str, _text: &str) -> bool {
        false
    }

    /// Reads standard input it claimed with [`FrontEnd::claims_stdin`].
    fn read_stdin(&self, _source: &Arc<SourceFile>, _options: &ReadOptions<'_>) -> Extraction {
        Extraction::default()
    }

    /// Words whose presence makes a file found in a folder worth parsing
    /// for this format (a file named explicitly is always parsed).
    fn markers(&self) -> &'static [&'static str] {
        &[]
    }

    /// What its documents are, for the message on a file no format claims
    /// (`Kubernetes object`); `None` when it claims no documents.
    fn document_kind(&self) -> Option<&'static str> {
        None
    }

    /// Whether it claims a file's parsed documents.
    fn claims_documents(&self, _documents: &[Document]) -> bool {
        false
    }

    /// How its consumer rejects a mapping with a key written twice, when
    /// it does (E002 is then an error).
    fn duplicate_key_rejection(&self) -> Option<&'static str> {
        None
    }

    /// Reads a file whose documents it claimed.
    fn extract(&self, _file: &File<'_>, _options: &ReadOptions<'_>) -> Extraction {
        Extraction::default()
    }

    /// Links what files yielded across files (autoscalers to their
    /// targets), once every file is read, from what each front end kept
    /// in [`Extraction::links`]: the changes to make, which the scan
    /// applies when each workload is at hand. It must not read
    /// `workloads`: a large scan reads some files' workloads again later
    /// instead of holding them.
    fn link(&self, _extractions: &[&Extraction]) -> Vec<Patch> {
        Vec::new()
    }
}

/// A change [`FrontEnd::link`] makes to one workload.
pub struct Patch {
    /// Which extraction, by index in the slice `link` was given.
    pub extraction: usize,
    /// Which workload, by index in that extraction's `workloads`.
    pub workload: usize,
    /// The change.
    pub apply: Edit,
}

/// What a [`Patch`] does to its workload.
pub type Edit = Box<dyn FnOnce(&mut Workload) + Send>;

impl std::fmt::Debug for Patch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patch")
            .field("extraction", &self.extraction)
            .field("workload", &self.workload)
            .finish_non_exhaustive()
    }
}

/// A value the source holds that cannot be used as written (an invalid
/// quantity, an unknown annotation): reported as E001 at its location.
#[derive(Clone, Debug)]
pub struct Problem {
    /// What is wrong and what was expected.
    pub message: String,
    /// Where.
    pub location: Location,
}

impl Problem {
    /// The E001 problem for an input that could not be read as text, at
    /// the place in it where reading failed.
    pub fn unreadable(unreadable: &Unreadable) -> Problem {
        Problem {
            message: unreadable.message.clone(),
            location: unreadable.source.location(unreadable.offset, 0),
        }
    }
}

/// A key written twice (E002), and whether the format's consumer rejects
/// the file for it (the finding is then an error, not a warning).
#[derive(Clone, Debug)]
pub struct DuplicateKeyProblem {
    /// What is repeated, where (the later key).
    pub problem: Problem,
    /// Whether the consumer rejects the file (the Kubernetes API server,
    /// Terraform for JSON syntax).
    pub rejected: bool,
}

/// The E002 problem for a key `duplicate` of a YAML or JSON mapping in
/// `source`: the later value is the one read; where the format's consumer
/// rejects such a mapping, `rejection` says how.
pub fn duplicate_key_problem(
    source: &SourceFile,
    duplicate: &DuplicateKey,
    syntax: Syntax,
    rejection: Option<&str>,
) -> DuplicateKeyProblem {
    let first = source.location(duplicate.first, 0);
    let consequence = rejection.map_or(String::new(), |how| format!("; {how}"));
    DuplicateKeyProblem {
        problem: Problem {
            message: format!(
                "key `{}` is written twice in this {syntax} mapping (first at line {}); the later value is the one read{consequence}",
                duplicate.key, first.line
            ),
            location: source.location(duplicate.start, duplicate.end - duplicate.start),
        },
        rejected: rejection.is_some(),
    }
}

/// `# tcolint:ignore=CODE[,CODE] reason` (or `//`) comments inside a block
/// or on the line above it.
pub fn comment_suppressions(
    source: &SourceFile,
    block_start: usize,
    block_end: usize,
) -> Vec<Suppression> {
    let text = &source.text;
    let start_line_begin = text[..block_start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let scan_from = text[..start_line_begin.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    // Trailing blank and comment-only lines belong to what follows the block
    // (a YAML mapping's span runs up to the next key).
    let mut scan_to = block_end.min(text.len());
    while scan_to > block_start {
        let line_begin = text[..scan_to.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if line_begin <= start_line_begin {
            break;
        }
        let line = text[line_begin..scan_to].trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            scan_to = line_begin;
        } else {
            break;
        }
    }
    let mut out = Vec::new();
    let mut offset = scan_from;
    for line in text[scan_from..scan_to].split_inclusive('\n') {
        if let Some(found) = line.find("tcolint:ignore=") {
            let before = line[..found].trim_end();
            if before.ends_with('#') || before.ends_with("//") || before.ends_with("/*") {
                let rest = &line[found + "tcolint:ignore=".len()..];
                let rest = rest.trim_end().trim_end_matches("*/").trim_end();
                let (codes, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let codes: Vec<String> = codes
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect();
                if !codes.is_empty() {
                    out.push(Suppression {
                        codes,
                        reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
                        location: source.location(offset + found, "tcolint:ignore=".len()),
                    });
                }
            }
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_front_end_keeps_its_own_links() {
        let mut extraction = Extraction::default();
        assert!(extraction.links::<Vec<u32>>().is_none());
        extraction.links_mut::<Vec<u32>>().push(1);
        extraction.links_mut::<Vec<u32>>().push(2);
        extraction.links_mut::<String>().push('x');
        assert_eq!(extraction.links::<Vec<u32>>(), Some(&vec![1, 2]));
        assert_eq!(extraction.links::<String>().map(String::as_str), Some("x"));
        assert_eq!(extraction.links.len(), 2);
    }
}
