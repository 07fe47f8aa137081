//! Discover: turn the paths a user gives into the files to read, read them
//! within limits, and classify each by its content.
//!
//! Folders are walked recursively, in name order, skipping `.git`, `target`,
//! `node_modules`, `vendor`, hidden folders and what git ignores (inside a
//! git repository, as git decides it). Symbolic links are followed
//! only while they stay inside the given paths; a link loop is reported.
//! In folders, only `.yaml`, `.yml`, `.json` and `.tf` files are read; a file
//! named explicitly is always read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::source::SourceFile;

/// What to read.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file on disk.
    File {
        /// Its path, as opened.
        path: PathBuf,
        /// Whether the user named it (named files are always parsed).
        explicit: bool,
    },
    /// Standard input, under a display name.
    Stdin {
        /// `--stdin-filename`, or `<stdin>`.
        name: String,
    },
}

impl Input {
    /// The path shown in output.
    pub fn display(&self) -> String {
        match self {
            Input::File { path, .. } => path.display().to_string(),
            Input::Stdin { name } => name.clone(),
        }
    }
}

/// A path that could not be walked (a link loop, a dangling link, a
/// folder that cannot be listed): reported as E001 on that path.
#[derive(Clone, Debug)]
pub struct WalkProblem {
    /// The path, as displayed.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// A file seen but not read, or a part of a configuration not analysed,
/// and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    /// The path (or `path:line:column` for a part of a file), as displayed.
    pub path: String,
    /// Why it was not read.
    pub reason: String,
    /// `file` for a whole file; `module` or `expansion` for a part of a
    /// Terraform configuration.
    pub what: &'static str,
}

/// The outcome of walking the given paths.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to read, in a stable order.
    pub inputs: Vec<Input>,
    /// Paths that could not be walked.
    pub problems: Vec<WalkProblem>,
    /// Paths skipped without reading.
    pub skipped: Vec<Skipped>,
}

const SKIPPED_DIRS: [&str; 4] = [".git", "target", "node_modules", "vendor"];
const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "tf"];

/// Why a run cannot start: a path the user named cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The named path does not exist.
    #[error("{path}: no such file or folder")]
    NotFound {
        /// The path as given.
        path: String,
    },
    /// The named path exists but cannot be examined.
    #[error("{path}: {source}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Walks `paths` (`-` is standard input). A named path that does not exist
/// is an error of the whole run.
pub fn discover(paths: &[String], stdin_name: &str) -> Result<Discovery, DiscoverError> {
    let mut discovery = Discovery::default();
    for given in paths {
        if given == "-" {
            discovery.inputs.push(Input::Stdin {
                name: stdin_name.to_string(),
            });
            continue;
        }
        let path = PathBuf::from(given);
        let metadata = std::fs::metadata(&path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::NotFound {
                path: given.clone(),
            },
            _ => DiscoverError::Unreadable {
                path: given.clone(),
                source: error,
            },
        })?;
        if metadata.is_dir() {
            walk(&path, &mut discovery);
        } else {
            discovery.inputs.push(Input::File {
                path,
                explicit: true,
            });
        }
    }
    // A file named twice (or reached from two given folders) is read once.
    let mut seen = std::collections::HashSet::new();
    discovery.inputs.retain(|input| match input {
        Input::File { path, .. } => {
            seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        }
        Input::Stdin { .. } => true,
    });
    Ok(discovery)
}

fn walk(root: &Path, discovery: &mut Discovery) {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let outside = Arc::new(Mutex::new(Vec::new()));
    let outside_seen = Arc::clone(&outside);
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        // Hidden files are read; hidden folders are skipped below.
        .hidden(false)
        // What git ignores, as git decides it (inside a repository only);
        // not the user's global excludes, so a scan is the same everywhere.
        .git_global(false)
        .ignore(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_some_and(|t| t.is_dir())
                && (SKIPPED_DIRS.contains(&name.as_ref()) || name.starts_with('.'))
            {
                return false;
            }
            if entry.path_is_symlink() {
                let inside = std::fs::canonicalize(entry.path())
                    .map(|target| target.starts_with(&canonical_root))
                    .unwrap_or(true);
                if !inside {
                    if let Ok(mut outside) = outside_seen.lock() {
                        outside.push(entry.path().display().to_string());
                    }
                    return false;
                }
            }
            true
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = entry.path();
                let wanted = path
                    .extension()
                    .and_then(|ext| ext.to_str())
                    .is_some_and(|ext| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()));
                if wanted {
                    discovery.inputs.push(Input::File {
                        path: path.to_path_buf(),
                        explicit: false,
                    });
                }
            }
            Err(error) => discovery.problems.push(walk_problem(root, error)),
        }
    }
    let outside = std::mem::take(&mut *outside.lock().unwrap_or_else(|e| e.into_inner()));
    for path in outside {
        discovery.skipped.push(Skipped {
            path,
            reason: "symbolic link to a path outside the scanned folders; not followed".into(),
            what: "file",
        });
    }
}

/// A walk error as a located problem.
fn walk_problem(root: &Path, error: ignore::Error) -> WalkProblem {
    let mut path = None;
    let mut error = error;
    loop {
        match error {
            ignore::Error::WithPath { path: at, err } => {
                path.get_or_insert(at);
                error = *err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = *err;
            }
            _ => break,
        }
    }
    let shown = |path: &Option<PathBuf>| {
        path.as_ref()
            .map_or_else(|| root.display().to_string(), |p| p.display().to_string())
    };
    let (path, message) = match error {
        ignore::Error::Loop { ancestor, child } => {
            let path = child.display().to_string();
            let message = format!(
                "symbolic link loop: {path} leads back to {}; it is not followed",
                ancestor.display()
            );
            (path, message)
        }
        ignore::Error::Io(io) => {
            let path = shown(&path);
            let message = if io.raw_os_error() == Some(40) {
                format!("symbolic link loop: {path} cannot be resolved ({io})")
            } else if io.kind() == std::io::ErrorKind::NotFound {
                format!("dangling symbolic link: {path} points to nothing")
            } else {
                format!("cannot read {path}: {io}")
            };
            (path, message)
        }
        other => {
            let path = shown(&path);
            let message = format!("cannot read {path}: {other}");
            (path, message)
        }
    };
    WalkProblem { path, message }
}

/// The entries of `dir` whose names end with one of `suffixes`, in name
/// order (a folder that cannot be listed has none): how a front end that
/// reads a folder as a whole (a Terraform module, its `.tfvars`) lists it.
pub fn files_in(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    let name = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    suffixes.iter().any(|suffix| name.ends_with(suffix))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Why a file could not be read as text.
#[derive(Clone, Debug)]
pub struct ReadError {
    /// What went wrong.
    pub message: String,
    /// Byte offset in the decoded prefix, with the text up to it (for a
    /// line and column), when the problem is inside the file.
    pub at: Option<(String, usize)>,
}

/// A size in the largest binary unit that keeps it at least 1 (`1 KiB`,
/// `16 MiB`, `1.5 MiB`), so a small limit is not printed as `0 MiB`.
pub fn byte_size(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in units {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return format!("{} {unit}", crate::numbers::trim(value, 1));
        }
    }
    format!("{bytes} bytes")
}

/// Reads an input as text, within `max_bytes`: UTF-8 (a byte-order mark is
/// dropped) or UTF-16 with a byte-order mark. Binary data is refused.
pub fn read_text(input: &Input, max_bytes: u64) -> Result<String, ReadError> {
    let plain = |message: String| ReadError { message, at: None };
    let mut bytes = Vec::new();
    let limit_message = |size: Option<u64>| {
        let size = size.map_or("more than the limit".to_string(), byte_size);
        format!(
            "file is {size}, larger than the {} limit (raise it with --max-file-size)",
            byte_size(max_bytes)
        )
    };
    match input {
        Input::File { path, .. } => {
            let file = std::fs::File::open(path).map_err(|e| plain(format!("cannot open: {e}")))?;
            let size = file.metadata().map(|m| m.len()).ok();
            if size.is_some_and(|size| size > max_bytes) {
                return Err(plain(limit_message(size)));
            }
            file.take(max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| plain(format!("cannot read: {e}")))?;
        }
        Input::Stdin { .. } => {
            std::io::stdin()
                .lock()
                .take(max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| plain(format!("cannot read standard input: {e}")))?;
        }
    }
    if bytes.len() as u64 > max_bytes {
        return Err(plain(limit_message(None)));
    }
    decode(bytes)
}

/// An input that could not be read as text: what was read of it and why.
#[derive(Debug)]
pub struct Unreadable {
    /// The decoded prefix up to the problem (empty when there is none), for
    /// a line and column.
    pub source: SourceFile,
    /// Byte offset of the problem in `source`.
    pub offset: usize,
    /// What went wrong.
    pub message: String,
}

/// Reads an input into a [`SourceFile`] under its displayed name, within
/// `max_bytes` ([`read_text`]): how every front end reads a file, whether
/// discovery found it or a front end's folder lists it.
pub fn read_source(input: &Input, max_bytes: u64) -> Result<SourceFile, Unreadable> {
    let display = input.display();
    match read_text(input, max_bytes) {
        Ok(text) => Ok(SourceFile::new(display, text)),
        Err(error) => {
            let (prefix, offset) = error.at.unwrap_or_default();
            Err(Unreadable {
                source: SourceFile::new(display, prefix),
                offset,
                message: error.message,
            })
        }
    }
}

/// The folders holding `inputs` (a file in the current folder is in `.`),
/// sorted, each once: how a front end that reads a folder as a whole (a
/// Terraform module) groups the files discovery found.
pub fn folders(inputs: &[&Input]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::File { path, .. } => Some(parent_or_dot(path)),
            Input::Stdin { .. } => None,
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The canonical folders the given `paths` cover (a file's folder for a
/// file; standard input none): nothing outside them is read unless named.
pub fn roots(paths: &[String]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| *p != "-")
        .map(PathBuf::from)
        .map(|path| {
            if path.is_dir() {
                path
            } else {
                parent_or_dot(&path)
            }
        })
        .map(|path| std::fs::canonicalize(&path).unwrap_or(path))
        .collect()
}

/// A path's folder, `.` for a bare file name.
fn parent_or_dot(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Bytes → text: UTF-8 (BOM dropped), or UTF-16 LE/BE with a BOM.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    let utf16 = |bytes: &[u8], little: bool| -> Result<String, ReadError> {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|pair| {
                let pair = [pair[0], *pair.get(1).unwrap_or(&0)];
                if little {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| ReadError {
            message: "invalid UTF-16 (the file starts with a UTF-16 byte-order mark)".into(),
            at: None,
        })
    };
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false)?,
        _ => {
            let start = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            match std::str::from_utf8(&bytes[start..]) {
                Ok(text) => text.to_string(),
                Err(error) => {
                    let valid = error.valid_up_to();
                    let prefix = String::from_utf8_lossy(&bytes[start..start + valid]).into_owned();
                    let nul = prefix.find('\0');
                    let (message, offset) = match nul {
                        Some(nul) => ("binary file: NUL byte".to_string(), nul),
                        None => (
                            format!(
                                "invalid UTF-8: byte 0x{:02X} cannot start or continue a character",
                                bytes[start + valid]
                            ),
                            valid,
                        ),
                    };
                    return Err(ReadError {
                        message,
                        at: Some((prefix, offset)),
                    });
                }
            }
        }
    };
    if let Some(nul) = text.find('\0') {
        return Err(ReadError {
            message: "binary file: NUL byte".into(),
            at: Some((text, nul)),
        });
    }
    Ok(text)
}

/// Whether a file is a template inside a Helm chart (`templates/` next to a
/// `Chart.yaml`), which only `helm template` can render.
pub fn is_helm_template(path: &Path, text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    path.ancestors().skip(1).take(8).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_refuses_binary() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFkind: Pod".to_vec()).unwrap(),
            "kind: Pod"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a: 1".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(utf16).unwrap(), "a: 1");
        let error = decode(b"a: 1\nb: \xFF\xFE\x00".to_vec()).unwrap_err();
        assert!(error.message.contains("invalid UTF-8"), "{}", error.message);
        assert_eq!(error.at.unwrap().1, 8);
        let error = decode(b"a: 1\n\0\0\0".to_vec()).unwrap_err();
        assert!(error.message.contains("NUL"));
    }

    #[test]
    fn folders_skip_what_git_ignores_and_keep_hidden_files() {
        let dir = crate::test_support::temp_folder("gitignore");
        let names = |discovery: &Discovery| -> Vec<String> {
            discovery
                .inputs
                .iter()
                .map(|input| input.display().rsplit('/').next().unwrap().to_string())
                .collect()
        };
        std::fs::create_dir_all(dir.join("generated")).unwrap();
        std::fs::create_dir_all(dir.join(".cache")).unwrap();
        std::fs::create_dir_all(dir.join("node_modules")).unwrap();
        for file in [
            "a.yaml",
            ".b.yaml",
            "generated/c.yaml",
            ".cache/d.yaml",
            "node_modules/e.yaml",
            "f.txt",
        ] {
            std::fs::write(dir.join(file), "kind: Pod\n").unwrap();
        }
        std::fs::write(dir.join(".gitignore"), "generated/\n").unwrap();
        let root = dir.to_string_lossy().into_owned();
        // Outside a git repository a .gitignore means nothing (as to git).
        let discovery = discover(std::slice::from_ref(&root), "<stdin>").unwrap();
        assert_eq!(names(&discovery), [".b.yaml", "a.yaml", "c.yaml"]);
        let init = std::process::Command::new("git")
            .args(["init", "--quiet"])
            .current_dir(&dir)
            .status();
        if init.is_ok_and(|status| status.success()) {
            let discovery = discover(std::slice::from_ref(&root), "<stdin>").unwrap();
            assert_eq!(names(&discovery), [".b.yaml", "a.yaml"]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_that_is_not_text_is_located_where_reading_failed() {
        let dir = std::env::temp_dir().join(format!("tcolint-read-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("main.tf");
        std::fs::write(&path, b"a = 1\nb = \"\xE9\"\n").unwrap();
        let input = Input::File {
            path: path.clone(),
            explicit: true,
        };
        let unreadable = read_source(&input, 1 << 20).unwrap_err();
        let at = unreadable.source.location(unreadable.offset, 0);
        assert_eq!((at.line, at.column), (2, 6));
        assert!(
            unreadable.message.starts_with("invalid UTF-8"),
            "{}",
            unreadable.message
        );
        std::fs::write(&path, "a = 1\n").unwrap();
        let source = read_source(&input, 1 << 20).unwrap();
        assert_eq!(
            (&*source.path, &*source.text),
            (&*path.display().to_string(), "a = 1\n")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn folders_of_inputs_once_each_and_dot_for_bare_names() {
        let file = |path: &str| Input::File {
            path: PathBuf::from(path),
            explicit: false,
        };
        let inputs = [
            file("x/b.tf"),
            file("main.tf"),
            file("x/a.tf"),
            file("./y/c.tf"),
        ];
        let refs: Vec<&Input> = inputs.iter().collect();
        assert_eq!(
            folders(&refs),
            [PathBuf::from("."), PathBuf::from("./y"), PathBuf::from("x")]
        );
        let here = std::fs::canonicalize(".").unwrap();
        assert_eq!(
            roots(&["-".into(), "Cargo.toml".into(), "src".into()]),
            [here.clone(), here.join("src")]
        );
    }

    #[test]
    fn missing_paths_are_errors() {
        let error = discover(&["/definitely/not/here".into()], "<stdin>").unwrap_err();
        assert!(matches!(error, DiscoverError::NotFound { .. }));
        assert_eq!(
            error.to_string(),
            "/definitely/not/here: no such file or folder"
        );
    }
}
