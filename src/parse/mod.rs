//! Parse: one module per input syntax. Parsers keep source positions and
//! know nothing of what the documents mean.

pub mod hcl;
pub mod yaml;
