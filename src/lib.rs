//! tcolint: projected TCO and latency warnings for AI workloads in
//! infrastructure-as-code.
//!
//! The pipeline: [`discover`] → [`parse`] → [`extract`] → [`analyze`] → [`report`].

pub mod parse;
pub mod source;
pub mod catalog;
pub mod model;
pub mod extract;
pub mod analyze;
pub mod config;
pub mod numbers;
pub mod rules;
pub mod discover;
pub mod report;
pub mod scan;
