//! What every front end shares: Lambda function settings and workloads,
//! purpose and ML-framework inference on the model, node-label hints and
//! usage keys.

pub mod framework;
pub mod function;
pub mod labels;
pub mod purpose;
pub mod usage;
