//! ML-framework inference on the shared model, the same for every format:
//! a container image or a Lambda layer whose name says PyTorch (or what
//! imports it), TensorFlow, JAX or ONNX Runtime. A function's cold start
//! pays for importing it (`analyze/latency.rs`); `tcolint.io/framework`
//! overrides what the names say.

use super::purpose::name_words;
use crate::model::{Framework, Workload};

/// Name fragments, lowercase, and the framework each implies. Serving
/// stacks and libraries built on PyTorch import it when they start.
/// (`huggingface` is not one: text-embeddings-inference, under that name,
/// is a Rust server.)
const MARKERS: [(&str, Framework); 13] = [
    ("pytorch", Framework::Pytorch),
    ("torch", Framework::Pytorch),
    ("vllm", Framework::Pytorch),
    ("transformers", Framework::Pytorch),
    ("diffusers", Framework::Pytorch),
    ("sglang", Framework::Pytorch),
    ("text-generation-inference", Framework::Pytorch),
    ("tensorflow", Framework::Tensorflow),
    ("keras", Framework::Tensorflow),
    ("tf-serving", Framework::Tensorflow),
    ("jax", Framework::Jax),
    ("onnxruntime", Framework::Onnxruntime),
    ("onnx", Framework::Onnxruntime),
];

/// Infers the ML framework of `workload` (and of its state before a plan)
/// from its images and, for functions, its image and layers.
pub fn infer(workload: &mut Workload) {
    if let Some(before) = workload
        .change
        .as_mut()
        .and_then(|change| change.before.as_deref_mut())
    {
        infer(before);
    }
    if workload.inferred_framework.is_none() {
        workload.inferred_framework = judge(workload);
    }
}

fn judge(workload: &Workload) -> Option<(Framework, String)> {
    let function = workload.function.as_ref();
    let images = workload
        .compute
        .images
        .iter()
        .chain(function.and_then(|f| f.image.as_ref()))
        .map(|image| ("image", image));
    let layers = function
        .into_iter()
        .flat_map(|f| f.layers.iter())
        .map(|layer| ("layer", layer));
    images.chain(layers).find_map(|(what, name)| {
        named(name).map(|(framework, marker)| {
            let why = if marker == framework.as_str() {
                format!("{what} {name} names {marker}")
            } else {
                format!(
                    "{what} {name} names {marker}, which runs on {}",
                    framework.as_str()
                )
            };
            (framework, why)
        })
    })
}

/// The framework a name implies, with the fragment that says so. Only the
/// repository and tag count for an image (a registry host or account id
/// never names a framework); for an ARN, the layer name.
fn named(name: &str) -> Option<(Framework, &'static str)> {
    // `arn:aws:lambda:region:account:layer:NAME:version` → NAME. The case
    // is kept for the word split (`TorchLayer`).
    let parts: Vec<&str> = name.split(':').collect();
    let is = |index: usize, word: &str| {
        parts
            .get(index)
            .is_some_and(|p| p.eq_ignore_ascii_case(word))
    };
    let meaningful = if is(0, "arn") && is(2, "lambda") && is(5, "layer") && parts.len() > 6 {
        parts[6]
    } else {
        name.split_once('/')
            .filter(|(host, _)| host.contains('.') || host.contains(':'))
            .map_or(name, |(_, rest)| rest)
    };
    // Whole words, never a substring (`ajax-storefront` is not JAX): the
    // letter runs of the name's words, a marker matching a run of them.
    let runs: Vec<String> = name_words(meaningful)
        .iter()
        .flat_map(|word| {
            word.split(|c: char| c.is_ascii_digit())
                .filter(|run| !run.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    MARKERS
        .iter()
        .find(|(marker, _)| {
            let marker_words: Vec<&str> = marker.split('-').collect();
            runs.windows(marker_words.len())
                .any(|window| window.iter().zip(&marker_words).all(|(a, b)| a == b))
        })
        .map(|(marker, framework)| (*framework, *marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_a_framework() {
        let framework = |name: &str| named(name).map(|(f, _)| f);
        assert_eq!(
            framework("123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu"),
            Some(Framework::Pytorch)
        );
        assert_eq!(
            framework("vllm/vllm-openai:v0.6.3"),
            Some(Framework::Pytorch)
        );
        assert_eq!(
            framework("public.ecr.aws/acme/sentence-transformers:1"),
            Some(Framework::Pytorch)
        );
        assert_eq!(
            framework("tensorflow/serving:2.16"),
            Some(Framework::Tensorflow)
        );
        assert_eq!(
            framework("arn:aws:lambda:us-east-1:123456789012:layer:torch-cpu:7"),
            Some(Framework::Pytorch)
        );
        assert_eq!(framework("TorchLayer"), Some(Framework::Pytorch));
        assert_eq!(
            framework("ghcr.io/acme/onnx-ranker:3"),
            Some(Framework::Onnxruntime)
        );
        assert_eq!(framework("python:3.12-slim"), None);
        assert_eq!(
            framework("ghcr.io/huggingface/text-embeddings-inference:1.5"),
            None
        );
        assert_eq!(
            framework("123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-explainer:v2"),
            None
        );
        // An account or registry host is not a name: only what follows.
        assert_eq!(framework("jax.example.com/api:1"), None);
        // Whole words only: a marker inside another word says nothing.
        assert_eq!(framework("ghcr.io/acme/ajax-storefront:1"), None);
        assert_eq!(framework("acme/torchlight-api:2"), None);
        assert_eq!(framework("acme/kerasu:1"), None);
        assert_eq!(
            framework("pytorch/pytorch:2.4.0-cuda12.1"),
            Some(Framework::Pytorch)
        );
        assert_eq!(
            framework("ghcr.io/acme/jax-trainer:1"),
            Some(Framework::Jax)
        );
        assert_eq!(framework("acme/torch2-serve:1"), Some(Framework::Pytorch));
        assert_eq!(
            framework("ghcr.io/huggingface/text-generation-inference:2.0"),
            Some(Framework::Pytorch)
        );
        assert_eq!(framework("acme/tf-serving:1"), Some(Framework::Tensorflow));
    }
}
