//! Regenerates `catalog/generated/` from the raw snapshots in `catalog/raw/`.
//!
//! Usage: `cargo run --bin catalog-gen [REPO]` (REPO defaults to the
//! current directory). Prints one summary line per table.

use std::path::PathBuf;
use std::process::ExitCode;

use tcolint::catalog::generate::{generate, RawFiles};

fn main() -> ExitCode {
    let repo = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let outputs = match RawFiles::read(&repo).and_then(|raw| generate(&raw)) {
        Ok(outputs) => outputs,
        Err(error) => {
            eprintln!("catalog-gen: {error}");
            return ExitCode::from(2);
        }
    };
    let dir = repo.join("catalog/generated");
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("catalog-gen: {}: {error}", dir.display());
        return ExitCode::from(2);
    }
    for output in outputs {
        let path = dir.join(output.file);
        if let Err(error) = std::fs::write(&path, &output.text) {
            eprintln!("catalog-gen: {}: {error}", path.display());
            return ExitCode::from(2);
        }
        if !output.summary.is_empty() {
            println!("{}", output.summary);
        }
    }
    ExitCode::SUCCESS
}
