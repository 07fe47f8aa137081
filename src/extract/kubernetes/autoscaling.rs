//! What an autoscaler does between requests: how long the last replica
//! stays after its last request (keep-alive) and how many requests one
//! replica takes at once (concurrency target), from KEDA and Knative (and
//! KServe's serverless mode, which runs on Knative). Written values are
//! read here; the autoscalers' documented defaults fill the rest, so
//! analysis sees typed figures and never an annotation key.

use crate::model::ScaleFigure;
use crate::parse::yaml::NodeRef;

use super::Ctx;

/// KEDA `cooldownPeriod` default, seconds (keda.sh ScaledObject
/// specification: "Optional. Default: 300 seconds").
pub const KEDA_COOLDOWN_DEFAULT_S: f64 = 300.0;

/// Knative stable window default, seconds (knative.dev autoscaling
/// docs: `stable-window` / `autoscaling.knative.dev/window`, default 60s).
pub const KNATIVE_STABLE_WINDOW_DEFAULT_S: f64 = 60.0;

/// Knative container concurrency target default (knative.dev autoscaling
/// docs: `container-concurrency-target-default`, 100).
pub const KNATIVE_TARGET_DEFAULT: f64 = 100.0;

const WINDOW_KEYS: [&str; 1] = ["autoscaling.knative.dev/window"];
const RETENTION_KEYS: [&str; 2] = [
    "autoscaling.knative.dev/scale-to-zero-pod-retention-period",
    "autoscaling.knative.dev/scaleToZeroPodRetentionPeriod",
];
const TARGET_KEYS: [&str; 1] = ["autoscaling.knative.dev/target"];

/// KEDA's keep-alive: `cooldownPeriod` of the ScaledObject `spec`, or its default.
pub fn keda_cooldown(ctx: &mut Ctx<'_>, spec: NodeRef<'_>) -> ScaleFigure {
    if let Some((key, value)) = spec.entry("cooldownPeriod") {
        match value.as_u64() {
            Some(seconds) => {
                return ScaleFigure {
                    value: seconds as f64,
                    basis: format!("KEDA cooldownPeriod {seconds} s"),
                    declared: true,
                    location: Some(ctx.location(key)),
                }
            }
            None => ctx.problem(
                value,
                format!(
                    "cooldownPeriod must be a whole number of seconds, found {:?}",
                    value.as_str().unwrap_or("a collection")
                ),
            ),
        }
    }
    ScaleFigure {
        value: KEDA_COOLDOWN_DEFAULT_S,
        basis: "KEDA cooldownPeriod default 300 s (keda.sh ScaledObject specification)".into(),
        declared: false,
        location: None,
    }
}

/// Knative's keep-alive: the stable window (after which an idle revision
/// is scaled to zero) plus the last pod's retention period, from the
/// annotation maps given (first wins), else the defaults (60 s + 0 s).
pub fn knative_keep_alive(ctx: &mut Ctx<'_>, annotations: &[Option<NodeRef<'_>>]) -> ScaleFigure {
    let window = duration_annotation(ctx, annotations, &WINDOW_KEYS);
    let retention = duration_annotation(ctx, annotations, &RETENTION_KEYS);
    let declared = window.is_some() || retention.is_some();
    let location = window
        .as_ref()
        .or(retention.as_ref())
        .map(|(_, _, at)| at.clone());
    let (window_s, window_basis) = match &window {
        Some((seconds, text, _)) => (*seconds, format!("window {text}")),
        None => (
            KNATIVE_STABLE_WINDOW_DEFAULT_S,
            "default stable window 60 s".to_string(),
        ),
    };
    let (retention_s, retention_basis) = match &retention {
        Some((seconds, text, _)) => (*seconds, format!(" + pod retention {text}")),
        None => (0.0, String::new()),
    };
    ScaleFigure {
        value: window_s + retention_s,
        basis: format!(
            "Knative {window_basis}{retention_basis} (knative.dev autoscaling docs: an idle revision is scaled to zero after the stable window; pod retention default 0 s)"
        ),
        declared,
        location,
    }
}

/// Knative's concurrency target: `containerConcurrency` of the pod spec
/// (a hard limit), else `autoscaling.knative.dev/target`, else 100.
pub fn knative_concurrency(
    ctx: &mut Ctx<'_>,
    pod_spec: Option<NodeRef<'_>>,
    annotations: &[Option<NodeRef<'_>>],
) -> ScaleFigure {
    if let Some((key, value)) = pod_spec.and_then(|spec| spec.entry("containerConcurrency")) {
        match value.as_u64() {
            Some(limit) if limit > 0 => {
                return ScaleFigure {
                    value: limit as f64,
                    basis: format!("containerConcurrency {limit}"),
                    declared: true,
                    location: Some(ctx.location(key)),
                }
            }
            // 0 means "no limit": the target decides.
            Some(_) => {}
            None => ctx.problem(
                value,
                "containerConcurrency must be a whole number".to_string(),
            ),
        }
    }
    for map in annotations.iter().flatten() {
        if let Some((key, value)) = TARGET_KEYS.iter().find_map(|k| map.entry(k)) {
            match value.as_f64().filter(|v| *v > 0.0) {
                Some(target) => {
                    return ScaleFigure {
                        value: target,
                        basis: format!("autoscaling.knative.dev/target {target}"),
                        declared: true,
                        location: Some(ctx.location(key)),
                    }
                }
                None => ctx.problem(
                    value,
                    "autoscaling.knative.dev/target must be a positive number".to_string(),
                ),
            }
        }
    }
    ScaleFigure {
        value: KNATIVE_TARGET_DEFAULT,
        basis: "Knative default concurrency target 100 (knative.dev autoscaling docs)".into(),
        declared: false,
        location: None,
    }
}

fn duration_annotation(
    ctx: &mut Ctx<'_>,
    annotations: &[Option<NodeRef<'_>>],
    keys: &[&str],
) -> Option<(f64, String, crate::source::Location)> {
    for map in annotations.iter().flatten() {
        if let Some((key, value)) = keys.iter().find_map(|k| map.entry(k)) {
            let text = value.as_str().unwrap_or_default();
            match parse_duration_s(text) {
                Some(seconds) => {
                    return Some((seconds, text.trim().to_string(), ctx.location(key)))
                }
                None => {
                    ctx.problem(
                        value,
                        format!(
                            "{} must be a duration such as 60s or 1m30s, found {text:?}",
                            key.as_str().unwrap_or_default()
                        ),
                    );
                    return None;
                }
            }
        }
    }
    None
}

/// Parses a Go duration (`60s`, `1m30s`, `500ms`, `1h`) into seconds.
pub fn parse_duration_s(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text == "0" {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, scale) = [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)]
            .into_iter()
            .find(|(unit, _)| rest.starts_with(unit))?;
        // "ms" before "m": the list order makes "5ms" milliseconds.
        total += number * scale;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::parse_duration_s;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration_s("60s"), Some(60.0));
        assert_eq!(parse_duration_s("1m5s"), Some(65.0));
        assert_eq!(parse_duration_s("500ms"), Some(0.5));
        assert_eq!(parse_duration_s("1h"), Some(3600.0));
        assert_eq!(parse_duration_s("0"), Some(0.0));
        assert_eq!(parse_duration_s("60"), None);
        assert_eq!(parse_duration_s("soon"), None);
    }
}
