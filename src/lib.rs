//! tcolint: projected TCO and latency warnings for AI workloads in
//! infrastructure-as-code.
//!
//! The pipeline: [`discover`] → [`parse`] → [`extract`] → [`analyze`] → [`report`].

pub mod analyze;
pub mod baseline;
pub mod catalog;
pub mod config;
pub mod diff;
pub mod discover;
pub mod extract;
pub mod ids;
pub mod model;
pub mod numbers;
pub mod parse;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
#[cfg(test)]
mod test_support;
