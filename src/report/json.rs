//! `--format json`: the report as pretty-printed JSON, streamed to the
//! writer (a scan of thousands of files makes a report of tens of MB).

use std::io::{self, Write};

use super::Report;

/// Writes the report as JSON, with a trailing newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut buffered, report).map_err(io_error)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// A serde_json error as an I/O error that keeps its kind, so a closed pipe
/// is still recognisable as one.
pub(crate) fn io_error(error: serde_json::Error) -> io::Error {
    match error.io_error_kind() {
        Some(kind) => io::Error::new(kind, error),
        None => io::Error::other(error),
    }
}
