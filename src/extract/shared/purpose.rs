//! Purpose inference on the shared model, the same for every format: a
//! front end states only what a kind means (a KServe InferenceService
//! serves, a Kubeflow job trains, a SageMaker endpoint serves); names,
//! handlers, triggers and images are judged here, once, whatever the source.

use crate::model::{Purpose, Workload};

/// Infers the purpose of `workload` (and of its state before a plan) when
/// its front end did not state one: a function by its name, handler, image
/// and triggers; anything by a model-serving image.
pub fn infer(workload: &mut Workload) {
    if let Some(before) = workload
        .change
        .as_mut()
        .and_then(|change| change.before.as_deref_mut())
    {
        infer(before);
    }
    if workload.inferred_purpose.is_none() {
        workload.inferred_purpose = judge(workload);
    }
}

fn judge(workload: &Workload) -> Option<(Purpose, String)> {
    if let Some(spec) = &workload.function {
        let names = [
            Some(workload.id.as_str()),
            spec.handler.as_deref(),
            spec.image.as_deref(),
        ];
        if names.into_iter().flatten().any(names_training) {
            return Some((
                Purpose::Training,
                "its name, handler or image names training".into(),
            ));
        }
        if spec.is_request_driven() {
            return Some((
                Purpose::Inference,
                "an HTTP event makes callers wait for it".into(),
            ));
        }
        if !spec.events.is_empty() {
            return Some((
                Purpose::Batch,
                "it runs on queue, storage or schedule events".into(),
            ));
        }
    }
    serving_image(&workload.compute.images)
}

/// The words of a name, lowercase: split on `-`, `_`, `.`, `/`, `:` and
/// any other non-alphanumeric, and where a lowercase letter meets an
/// uppercase one (`TorchLayer` is torch, layer). Digits stay in a word;
/// callers that want letter runs split on them too.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (previous_lower && c.is_ascii_uppercase());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether a name says training, by its words, never a substring
/// (`restraint`, `outfit` and `profit` do not train): a word (split on
/// `-`, `_`, `.`, `/` and any other non-alphanumeric) that is `fit` or
/// `fine`, or whose letter runs (split on digits too: `llama3train`) hold
/// one starting `train`, `pretrain` or `finetun`. `fit` glued to digits
/// (`fit001`, a rule code) is not the word `fit`.
pub fn names_training(name: &str) -> bool {
    name_words(name).iter().any(|word| {
        word == "fit"
            || word == "fine"
            || word.split(|c: char| c.is_ascii_digit()).any(|run| {
                run.starts_with("train")
                    || run.starts_with("pretrain")
                    || run.starts_with("finetun")
            })
    })
}

/// Serving images say what a workload is for when its kind does not.
fn serving_image(images: &[String]) -> Option<(Purpose, String)> {
    const SERVING: [&str; 12] = [
        "vllm",
        "text-generation-inference",
        "tritonserver",
        "torchserve",
        "tensorflow/serving",
        "sglang",
        "ollama",
        "llama.cpp",
        "llama-cpp",
        "tgi-",
        "kserve",
        "tensorrt-llm",
    ];
    images.iter().find_map(|image| {
        let lower = image.to_ascii_lowercase();
        SERVING
            .iter()
            .find(|marker| lower.contains(*marker))
            .map(|marker| {
                (
                    Purpose::Inference,
                    format!("image {image} is a model server ({marker})"),
                )
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_names() {
        assert!(names_training("sls:ml/train-model"));
        assert!(names_training("fine_tune_handler"));
        assert!(names_training("handler.fit"));
        assert!(names_training("aws_lambda_function.train"));
        assert!(names_training("llama3train"));
        assert!(names_training("bert.pretraining-v2"));
        assert!(names_training("Finetune7b"));
        assert!(!names_training("profit-report"));
        assert!(!names_training("outfit"));
        assert!(!names_training("restraint"));
        assert!(!names_training("constrained-solver"));
        assert!(!names_training("sls:rules-fit001/fitness-coach"));
    }

    #[test]
    fn serving_images() {
        let (purpose, why) =
            serving_image(&["busybox".into(), "vllm/vllm-openai:v0.6".into()]).unwrap();
        assert_eq!(purpose, Purpose::Inference);
        assert!(why.contains("(vllm)"), "{why}");
        assert!(serving_image(&["python:3.12".into()]).is_none());
    }
}
