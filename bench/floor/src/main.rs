//! The parse floor: the least work any scanner of these files must do.
//!
//! Walks every path given, reads each `.yaml`/`.yml`/`.json` file and runs
//! the tokeniser over it on all cores (saphyr-parser's event parser for YAML,
//! serde_json into `IgnoredAny` for JSON), keeping nothing. Prints the number
//! of files, bytes and events so the work cannot be optimised away.
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let files: Vec<PathBuf> = roots
        .iter()
        .flat_map(|root| {
            walkdir::WalkDir::new(root)
                .into_iter()
                .filter_map(Result::ok)
        })
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    let bytes = AtomicU64::new(0);
    let events = AtomicU64::new(0);
    let errors = AtomicU64::new(0);
    files.par_iter().for_each(|path| {
        let Ok(text) = std::fs::read_to_string(path) else {
            errors.fetch_add(1, Ordering::Relaxed);
            return;
        };
        bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        if path.extension().is_some_and(|e| e == "json") {
            if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
                errors.fetch_add(1, Ordering::Relaxed);
            }
            return;
        }
        let mut count = 0u64;
        for event in saphyr_parser::Parser::new_from_str(&text) {
            if event.is_err() {
                errors.fetch_add(1, Ordering::Relaxed);
                break;
            }
            count += 1;
        }
        events.fetch_add(count, Ordering::Relaxed);
    });
    println!(
        "{} files, {} bytes, {} events, {} errors",
        files.len(),
        bytes.into_inner(),
        events.into_inner(),
        errors.into_inner()
    );
}
