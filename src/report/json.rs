//! `--format json`: the report as pretty-printed JSON, streamed to the
//! writer (a scan of thousands of files makes a report of tens of MB).

use std::cell::RefCell;
use std::io::{self, Write};

use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

use super::{Report, Tool, WorkloadReport, SCHEMA_VERSION};

/// Writes the report as JSON, with a trailing newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut buffered, report).map_err(io_error)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Writes the report as [`write`] does, byte for byte, while its workloads
/// are still being assessed: `produce` hands each workload's report to the
/// function it is given (which serialises it at once and returns false once
/// writing failed) and returns the rest of the report (its `workloads`
/// empty). `finish` may change that rest (apply a baseline) before its
/// findings and summary are written. Only a chunk of workloads is held at a
/// time instead of every workload of the scan.
pub fn write_streamed(
    tool: &Tool,
    produce: impl FnOnce(&mut dyn FnMut(WorkloadReport) -> bool) -> Report,
    finish: impl FnOnce(&mut Report),
    out: &mut dyn Write,
) -> (Report, io::Result<()>) {
    let mut buffered = io::BufWriter::new(out);
    let workloads = Streamed {
        produce: RefCell::new(Some(produce)),
        report: RefCell::new(None),
    };
    let mut finish = Some(finish);
    let written = write_fields(&mut buffered, tool, &workloads, &mut finish);
    let written = written.and_then(|()| {
        buffered.write_all(b"\n")?;
        buffered.flush()
    });
    // Writing can fail before the workloads are produced or finished; the
    // report is then completed without writing.
    let mut report = match workloads.report.into_inner() {
        Some(report) => report,
        None => match workloads.produce.into_inner() {
            Some(produce) => produce(&mut |_| false),
            None => unreachable!("the workloads were produced, and the report kept"),
        },
    };
    if let Some(finish) = finish {
        finish(&mut report);
    }
    (report, written)
}

/// The fields of [`Report`] in its order; `finish` runs between the
/// workloads and the findings.
fn write_fields<W: Write, P, F>(
    out: W,
    tool: &Tool,
    workloads: &Streamed<P>,
    finish: &mut Option<F>,
) -> io::Result<()>
where
    P: FnOnce(&mut dyn FnMut(WorkloadReport) -> bool) -> Report,
    F: FnOnce(&mut Report),
{
    let mut serializer = serde_json::Serializer::pretty(out);
    let mut fields = serializer.serialize_struct("Report", 7).map_err(io_error)?;
    fields
        .serialize_field("schema_version", &SCHEMA_VERSION)
        .map_err(io_error)?;
    fields.serialize_field("tool", tool).map_err(io_error)?;
    fields
        .serialize_field("workloads", workloads)
        .map_err(io_error)?;
    let mut rest = workloads.report.borrow_mut();
    let report = rest
        .as_mut()
        .expect("serialising the workloads produced the report");
    if let Some(finish) = finish.take() {
        finish(report);
    }
    fields
        .serialize_field("findings", &report.findings)
        .map_err(io_error)?;
    fields
        .serialize_field("suppressed", &report.suppressed)
        .map_err(io_error)?;
    fields
        .serialize_field("skipped", &report.skipped)
        .map_err(io_error)?;
    fields
        .serialize_field("summary", &report.summary)
        .map_err(io_error)?;
    SerializeStruct::end(fields).map_err(io_error)
}

/// The `workloads` array, serialised as its reports are produced.
struct Streamed<P> {
    produce: RefCell<Option<P>>,
    report: RefCell<Option<Report>>,
}

impl<P> Serialize for Streamed<P>
where
    P: FnOnce(&mut dyn FnMut(WorkloadReport) -> bool) -> Report,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let produce = self
            .produce
            .borrow_mut()
            .take()
            .expect("the workloads are serialised once");
        let mut sequence = serializer.serialize_seq(None)?;
        let mut failed = None;
        let report = produce(
            &mut |workload| match sequence.serialize_element(&workload) {
                Ok(()) => true,
                Err(error) => {
                    failed = Some(error);
                    false
                }
            },
        );
        *self.report.borrow_mut() = Some(report);
        match failed {
            Some(error) => Err(error),
            None => sequence.end(),
        }
    }
}

/// A serde_json error as an I/O error that keeps its kind, so a closed pipe
/// is still recognisable as one.
pub(crate) fn io_error(error: serde_json::Error) -> io::Error {
    match error.io_error_kind() {
        Some(kind) => io::Error::new(kind, error),
        None => io::Error::other(error),
    }
}
