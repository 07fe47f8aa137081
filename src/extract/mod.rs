//! Extract: each input format maps its documents onto the shared model
//! ([`crate::model::Workload`]). This is the only stage that knows what a
//! format's fields mean.

pub mod kubernetes;
pub mod terraform;

use crate::source::Location;

/// A value the source holds that cannot be used as written (an invalid
/// quantity, an unknown annotation): reported as E001 at its location.
#[derive(Clone, Debug)]
pub struct Problem {
    /// What is wrong and what was expected.
    pub message: String,
    /// Where.
    pub location: Location,
}
