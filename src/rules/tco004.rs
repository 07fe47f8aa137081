//! TCO004 fixed-size-gpu-pool: a pool of GPU machines whose floor is its
//! ceiling, so it can never give idle GPUs back.

use super::{Draft, RuleSettings};
use crate::analyze::Assessment;
use crate::numbers::{trim, usd};

pub(super) fn check(assessment: &Assessment<'_>, _settings: &RuleSettings) -> Vec<Draft> {
    let workload = assessment.workload;
    let scaling = &workload.scaling;
    if !workload.pool
        || !workload.has_accelerators()
        || scaling.min == 0
        || scaling.max != Some(scaling.min)
    {
        return Vec::new();
    }
    let gpus = workload.compute.accelerator_devices() * f64::from(scaling.min);
    let (cost, monthly) = match &assessment.pricing.estimate {
        Some(estimate) => (
            format!(
                "; its floor costs {}/month whatever the load",
                usd(estimate.monthly_usd)
            ),
            Some(estimate.monthly_usd),
        ),
        None => (
            "; the pool is unpriced, so the floor's cost is unknown".to_string(),
            None,
        ),
    };
    let model = assessment
        .pricing
        .gpu_model
        .as_ref()
        .map_or(String::from("GPUs"), |(model, _)| format!("x {model}"));
    vec![Draft {
        message: format!(
            "{} is fixed at {} node(s) ({}), {} {model}, and can never scale down{cost}",
            workload.id,
            scaling.min,
            scaling.basis,
            trim(gpus, 3),
        ),
        location: scaling
            .min_location
            .clone()
            .unwrap_or_else(|| workload.location.clone()),
        monthly_usd: monthly,
        escalate: false,
        rests_on: None,
    }]
}

#[cfg(test)]
mod tests {
    use crate::test_support::rule_findings;

    fn node_group(instance_type: &str, min: u32, max: u32) -> String {
        format!(
            "resource \"aws_eks_node_group\" \"pool\" {{\n  cluster_name    = \"ml\"\n  node_group_name = \"pool\"\n  node_role_arn   = \"arn:aws:iam::123456789012:role/node\"\n  subnet_ids      = [\"subnet-1\"]\n  instance_types  = [\"{instance_type}\"]\n\n  scaling_config {{\n    desired_size = {min}\n    max_size     = {max}\n    min_size     = {min}\n  }}\n}}\n"
        )
    }

    #[test]
    fn a_gpu_pool_fixed_at_its_floor_fires_with_the_floor_cost() {
        let found = rule_findings("TCO004", &[], "main.tf", &node_group("g5.2xlarge", 2, 2));
        assert_eq!(found.len(), 1);
        // 2 x g5.2xlarge at $1.212/h x 730 h.
        assert_eq!(found[0].monthly_usd, Some(1769.52));
        assert!(found[0].message.contains("is fixed at 2 node(s) (min_size 2, max_size 2, desired 2), 2 x A10G, and can never scale down; its floor costs $1,769.52/month"), "{}", found[0].message);
        // It points at min_size.
        assert_eq!((found[0].location.line, found[0].location.column), (11, 5));
    }

    #[test]
    fn room_to_scale_no_floor_or_no_gpus_is_silent() {
        for (instance_type, min, max) in [("g5.2xlarge", 2, 3), ("g5.2xlarge", 0, 0), ("m5.large", 2, 2)] {
            let text = node_group(instance_type, min, max);
            assert!(rule_findings("TCO004", &[], "main.tf", &text).is_empty(), "{text}");
        }
    }
}
