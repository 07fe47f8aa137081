//! The shared model: what every extractor produces and every analysis reads.
//! Nothing here knows which file format a workload came from.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::source::Location;

/// Where a workload runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Pods on a Kubernetes cluster.
    Kubernetes,
    /// EC2 instances (single instances, Auto Scaling groups, Batch).
    AwsEc2,
    /// EKS managed node groups.
    AwsEks,
    /// AWS Lambda functions.
    AwsLambda,
    /// SageMaker endpoints.
    AwsSagemaker,
    /// Compute Engine instances.
    GcpCompute,
    /// GKE node pools and clusters.
    GcpGke,
    /// Cloud Run services.
    GcpCloudRun,
    /// Azure virtual machines.
    AzureVm,
    /// AKS node pools and clusters.
    AzureAks,
    /// Azure Functions apps (Consumption, Flex Consumption, Premium or
    /// App Service plans).
    AzureFunctions,
    /// Google Cloud Functions (1st gen) and Cloud Run functions (formerly
    /// Cloud Functions 2nd gen).
    GcpCloudFunctions,
}

impl Platform {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Kubernetes => "kubernetes",
            Platform::AwsEc2 => "aws-ec2",
            Platform::AwsEks => "aws-eks",
            Platform::AwsLambda => "aws-lambda",
            Platform::AwsSagemaker => "aws-sagemaker",
            Platform::GcpCompute => "gcp-compute",
            Platform::GcpGke => "gcp-gke",
            Platform::GcpCloudRun => "gcp-cloud-run",
            Platform::AzureVm => "azure-vm",
            Platform::AzureAks => "azure-aks",
            Platform::AzureFunctions => "azure-functions",
            Platform::GcpCloudFunctions => "gcp-cloud-functions",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a workload is billed, which decides how it is priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Billing {
    /// Pods sharing nodes: each replica costs its dominant share of a node.
    PodShare,
    /// Whole machines: each replica is one instance of the named type.
    Instances,
    /// A managed service billed per hour whatever the load (a cluster
    /// control plane).
    ServiceHour(Service),
    /// Instances billed per vCPU, GiB and GPU at the service's rates
    /// (Fargate, Cloud Run instance-based billing).
    UnitRates(Service),
    /// Pay per request and duration (Lambda, SageMaker Serverless): priced
    /// by the serverless model (`analyze/serverless.rs`) where the
    /// catalogue has rates (Lambda in us-east-1).
    PerRequest,
}

/// A managed service the catalogue prices: a `service` of
/// `catalog/services.tsv`. The catalogue refuses to load without rates for
/// every one, so a billing key cannot be misspelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// The EKS control plane (per cluster-hour).
    EksControlPlane,
    /// GKE cluster management (per cluster-hour).
    GkeClusterManagement,
    /// An AKS Standard-tier cluster (per cluster-hour).
    AksStandard,
    /// Cloud Run with instance-based billing (per vCPU, GiB and GPU second).
    CloudRunInstance,
    /// Fargate on x86_64 (per vCPU and GiB hour).
    FargateX86_64,
    /// Fargate on ARM64 (per vCPU and GiB hour).
    FargateArm64,
}

impl Service {
    /// Every service, for the catalogue's load check.
    pub const ALL: [Service; 6] = [
        Service::EksControlPlane,
        Service::GkeClusterManagement,
        Service::AksStandard,
        Service::CloudRunInstance,
        Service::FargateX86_64,
        Service::FargateArm64,
    ];

    /// Its key in `catalog/services.tsv`.
    pub fn key(self) -> &'static str {
        match self {
            Service::EksControlPlane => "eks-control-plane",
            Service::GkeClusterManagement => "gke-cluster-management",
            Service::AksStandard => "aks-standard",
            Service::CloudRunInstance => "cloud-run-instance",
            Service::FargateX86_64 => "fargate-x86_64",
            Service::FargateArm64 => "fargate-arm64",
        }
    }

    /// Whether it is AWS Fargate (no GPUs, no GPU cold start).
    pub fn is_fargate(self) -> bool {
        matches!(self, Service::FargateX86_64 | Service::FargateArm64)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What a Terraform plan does to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeAction {
    /// Created by the plan.
    Create,
    /// Changed in place.
    Update,
    /// Destroyed.
    Delete,
    /// Destroyed and created again.
    Replace,
    /// Unchanged.
    NoOp,
}

impl ChangeAction {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Delete => "delete",
            ChangeAction::Replace => "replace",
            ChangeAction::NoOp => "no-op",
        }
    }
}

/// A planned change, with the workload as it was before it.
#[derive(Clone, Debug)]
pub struct Change {
    /// What the plan does.
    pub action: ChangeAction,
    /// The workload before the plan (absent for a create). For a delete,
    /// the workload itself is the state being destroyed and this is `None`.
    pub before: Option<Box<Workload>>,
}

/// Which serverless function platform, and which of its hosting plans,
/// runs a function: it decides the rates, the limits and the keep-alive
/// (`analyze/plans.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FunctionPlan {
    /// AWS Lambda.
    #[default]
    Lambda,
    /// Azure Functions on the Consumption plan (`Y1`).
    AzureConsumption,
    /// Azure Functions on the Flex Consumption plan (`FC1`).
    AzureFlexConsumption,
    /// Azure Functions on an Elastic Premium plan (`EP1`–`EP3`; the number).
    AzurePremium(u8),
    /// Azure Functions on a Dedicated App Service plan (B, S, P… SKUs).
    AzureDedicated,
    /// Azure Functions on a plan the source does not show.
    AzureUnknownPlan,
    /// Google Cloud Functions (1st gen).
    CloudFunctionsGen1,
    /// Cloud Run functions (Cloud Functions 2nd gen), which run on Cloud Run.
    CloudFunctionsGen2,
}

impl FunctionPlan {
    /// Where it runs.
    pub fn platform(self) -> Platform {
        match self {
            FunctionPlan::Lambda => Platform::AwsLambda,
            FunctionPlan::AzureConsumption
            | FunctionPlan::AzureFlexConsumption
            | FunctionPlan::AzurePremium(_)
            | FunctionPlan::AzureDedicated
            | FunctionPlan::AzureUnknownPlan => Platform::AzureFunctions,
            FunctionPlan::CloudFunctionsGen1 | FunctionPlan::CloudFunctionsGen2 => {
                Platform::GcpCloudFunctions
            }
        }
    }

    /// Whose cloud it is.
    pub fn cloud(self) -> Cloud {
        match self.platform() {
            Platform::AzureFunctions => Cloud::Azure,
            Platform::GcpCloudFunctions => Cloud::Gcp,
            _ => Cloud::Aws,
        }
    }

    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionPlan::Lambda => "lambda",
            FunctionPlan::AzureConsumption => "azure-consumption",
            FunctionPlan::AzureFlexConsumption => "azure-flex-consumption",
            FunctionPlan::AzurePremium(1) => "azure-premium-ep1",
            FunctionPlan::AzurePremium(2) => "azure-premium-ep2",
            FunctionPlan::AzurePremium(_) => "azure-premium-ep3",
            FunctionPlan::AzureDedicated => "azure-dedicated",
            FunctionPlan::AzureUnknownPlan => "azure-unknown-plan",
            FunctionPlan::CloudFunctionsGen1 => "cloud-functions-gen1",
            FunctionPlan::CloudFunctionsGen2 => "cloud-run-functions",
        }
    }
}

/// The vCPU that comes with `memory_mib` on Cloud Functions, when the
/// source does not set it: 1st gen ties CPU to the memory tier, and 2nd
/// gen requires at least this much (GCF-LIMITS): 128 MiB .083, 256 MiB
/// .167, 512 MiB .333, 1 GiB .583, 2 GiB 1, 4 and 8 GiB 2, 16 GiB 4,
/// 24 GiB 6, 32 GiB 8. Sizes between steps take the next step up.
pub fn cloud_functions_cpu(memory_mib: f64) -> f64 {
    const STEPS: [(f64, f64); 10] = [
        (128.0, 0.083),
        (256.0, 0.167),
        (512.0, 0.333),
        (1024.0, 0.583),
        (2048.0, 1.0),
        (4096.0, 2.0),
        (8192.0, 2.0),
        (16_384.0, 4.0),
        (24_576.0, 6.0),
        (32_768.0, 8.0),
    ];
    STEPS
        .iter()
        .find(|(memory, _)| memory_mib <= *memory + 1e-9)
        .map_or(8.0, |(_, cpu)| *cpu)
}

/// The shape and limits of a function (Lambda, Azure Functions, Cloud
/// Functions), for the serverless model.
#[derive(Clone, Debug, Default)]
pub struct FunctionSpec {
    /// The platform and hosting plan.
    pub plan: FunctionPlan,
    /// vCPU per instance, where the platform sizes CPU apart from memory
    /// (Cloud Run functions) or ties it to memory in documented steps.
    pub cpu: Option<f64>,
    /// Requests one instance serves at once, where the platform lets the
    /// source say (Cloud Run functions `max_instance_request_concurrency`).
    pub instance_concurrency: Option<u32>,
    /// Memory in MB.
    pub memory_mb: Option<f64>,
    /// Timeout in seconds.
    pub timeout_s: Option<f64>,
    /// Ephemeral storage in MB.
    pub ephemeral_storage_mb: Option<f64>,
    /// Runtime (`python3.12`), absent for images.
    pub runtime: Option<String>,
    /// `x86_64` or `arm64`.
    pub architecture: Option<String>,
    /// `Zip` or `Image`.
    pub package_type: Option<String>,
    /// Instances kept warm and billed whatever the traffic: Lambda
    /// provisioned concurrency, Azure always-ready or minimum instances,
    /// Cloud Functions minimum instances.
    pub provisioned_concurrency: Option<u32>,
    /// Reserved concurrency (a ceiling).
    pub reserved_concurrency: Option<u32>,
    /// Whether SnapStart is on (Java).
    pub snap_start: bool,
    /// Handler (`app.handler`), for zip packages.
    pub handler: Option<String>,
    /// Image URI, for image packages.
    pub image: Option<String>,
    /// Layers (ARNs or references as written), for zip packages.
    pub layers: Vec<String>,
    /// What triggers it.
    pub events: Vec<FunctionEvent>,
    /// Where the function is defined (its block or key).
    pub defined_at: Option<Location>,
    /// Where each setting is written, when it is.
    pub locations: BTreeMap<FunctionSetting, Location>,
}

impl FunctionSpec {
    /// Whether a synchronous HTTP caller waits on it (API Gateway, ALB).
    pub fn is_request_driven(&self) -> bool {
        self.events.iter().any(|e| e.trigger.is_synchronous())
    }

    /// Whether one of its triggers is `trigger`.
    pub fn has_trigger(&self, trigger: &Trigger) -> bool {
        self.events.iter().any(|e| &e.trigger == trigger)
    }

    /// Where `setting` is written, else where the function is defined.
    pub fn location(&self, setting: FunctionSetting) -> Option<&Location> {
        self.locations.get(&setting).or(self.defined_at.as_ref())
    }
}

/// A function setting whose location a finding can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FunctionSetting {
    /// Memory size.
    Memory,
    /// Timeout.
    Timeout,
    /// Ephemeral storage size.
    EphemeralStorage,
    /// Provisioned concurrency.
    ProvisionedConcurrency,
}

/// What invokes a function. Each front end maps its own event names here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// An API Gateway REST API: callers wait for the answer.
    RestApi,
    /// An API Gateway HTTP API: callers wait for the answer.
    HttpApi,
    /// An Application Load Balancer: callers wait for the answer.
    LoadBalancer,
    /// The function's own HTTPS endpoint (an Azure Functions or Cloud
    /// Functions HTTP trigger): callers wait for the answer.
    Https,
    /// A message queue (SQS).
    Queue,
    /// Object-storage notifications (S3).
    Storage,
    /// A schedule.
    Schedule,
    /// A stream (Kinesis, DynamoDB, Kafka).
    Stream,
    /// An event bus (EventBridge).
    EventBus,
    /// A notification topic (SNS).
    Topic,
    /// Anything else, by the name the source gives it.
    Other(String),
}

impl Trigger {
    /// The name shown in output (the Serverless Framework's event names,
    /// which the JSON report has always used).
    pub fn as_str(&self) -> &str {
        match self {
            Trigger::RestApi => "http",
            Trigger::HttpApi => "httpApi",
            Trigger::LoadBalancer => "alb",
            Trigger::Https => "https",
            Trigger::Queue => "sqs",
            Trigger::Storage => "s3",
            Trigger::Schedule => "schedule",
            Trigger::Stream => "stream",
            Trigger::EventBus => "eventBridge",
            Trigger::Topic => "sns",
            Trigger::Other(name) => name,
        }
    }

    /// Whether a caller waits for the function's answer.
    pub fn is_synchronous(&self) -> bool {
        matches!(
            self,
            Trigger::RestApi | Trigger::HttpApi | Trigger::LoadBalancer | Trigger::Https
        )
    }

    /// Whether it is an API Gateway API (which cuts requests short at its
    /// integration timeout).
    pub fn is_api_gateway(&self) -> bool {
        matches!(self, Trigger::RestApi | Trigger::HttpApi)
    }
}

/// A function trigger.
#[derive(Clone, Debug)]
pub struct FunctionEvent {
    /// What it is.
    pub trigger: Trigger,
    /// Where it is written.
    pub location: Location,
}

/// What a workload does, which sets its usage defaults and which rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Serves requests (model serving).
    Inference,
    /// Trains or fine-tunes a model.
    Training,
    /// Runs to completion over a batch of work.
    Batch,
    /// Not known.
    Unknown,
}

impl Purpose {
    /// Parses `inference`, `training` or `batch` (and `unknown`).
    pub fn parse(text: &str) -> Option<Purpose> {
        match text.trim().to_ascii_lowercase().as_str() {
            "inference" | "serving" => Some(Purpose::Inference),
            "training" | "train" | "fine-tuning" | "finetuning" => Some(Purpose::Training),
            "batch" => Some(Purpose::Batch),
            "unknown" => Some(Purpose::Unknown),
            _ => None,
        }
    }

    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Inference => "inference",
            Purpose::Training => "training",
            Purpose::Batch => "batch",
            Purpose::Unknown => "unknown",
        }
    }
}

/// An ML framework a workload's code imports when it starts, which a
/// function's cold start pays for (`analyze/latency.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// PyTorch, and what imports it (vLLM, Transformers, Diffusers…).
    Pytorch,
    /// TensorFlow or Keras.
    Tensorflow,
    /// JAX.
    Jax,
    /// ONNX Runtime.
    Onnxruntime,
}

impl Framework {
    /// Parses a declared framework; `none` (no ML framework) is `Some(None)`.
    pub fn parse(text: &str) -> Option<Option<Framework>> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pytorch" | "torch" => Some(Some(Framework::Pytorch)),
            "tensorflow" | "tf" | "keras" => Some(Some(Framework::Tensorflow)),
            "jax" => Some(Some(Framework::Jax)),
            "onnxruntime" | "onnx" => Some(Some(Framework::Onnxruntime)),
            "none" => Some(None),
            _ => None,
        }
    }

    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Pytorch => "pytorch",
            Framework::Tensorflow => "tensorflow",
            Framework::Jax => "jax",
            Framework::Onnxruntime => "onnxruntime",
        }
    }
}

/// A public cloud whose prices the catalogue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    /// Amazon Web Services.
    Aws,
    /// Google Cloud.
    Gcp,
    /// Microsoft Azure.
    Azure,
}

impl Cloud {
    /// Parses `aws`, `gcp` (or `google`) and `azure`.
    pub fn parse(text: &str) -> Option<Cloud> {
        match text.trim().to_ascii_lowercase().as_str() {
            "aws" => Some(Cloud::Aws),
            "gcp" | "google" => Some(Cloud::Gcp),
            "azure" => Some(Cloud::Azure),
            _ => None,
        }
    }

    /// The lowercase name used in output, configuration and the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Gcp => "gcp",
            Cloud::Azure => "azure",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who makes an accelerator (decides which reference figures apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceleratorVendor {
    /// NVIDIA GPUs, whole or MIG slices.
    Nvidia,
    /// AMD GPUs.
    Amd,
    /// Intel GPUs.
    Intel,
    /// AWS Inferentia and Trainium (Neuron devices).
    Aws,
    /// Google TPUs.
    Google,
}

impl AcceleratorVendor {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceleratorVendor::Nvidia => "nvidia",
            AcceleratorVendor::Amd => "amd",
            AcceleratorVendor::Intel => "intel",
            AcceleratorVendor::Aws => "aws",
            AcceleratorVendor::Google => "google",
        }
    }
}

/// Accelerators one replica asks for, summed over its containers as the
/// scheduler counts them.
#[derive(Clone, Debug)]
pub struct Accelerator {
    /// The resource name as written (`nvidia.com/gpu`, `nvidia.com/mig-1g.5gb`…),
    /// or `instance` for the GPUs an instance type comes with.
    pub resource: String,
    /// Whether these are the GPUs of the instance type itself (filled in
    /// from the catalogue), not a request written in the source.
    pub from_instance_type: bool,
    /// Who makes it.
    pub vendor: AcceleratorVendor,
    /// Whole devices per replica (a MIG slice or a NeuronCore is a fraction).
    pub devices: f64,
    /// How many units of `resource` were asked for, before conversion to devices.
    pub units: f64,
    /// Where the (first) request is written.
    pub location: Location,
}

/// One container's request and limit of an extended resource: a resource
/// the API server only accepts when request equals limit.
#[derive(Clone, Debug)]
pub struct ExtendedResource {
    /// Resource name (`nvidia.com/gpu`).
    pub resource: String,
    /// The container that asks for it.
    pub container: String,
    /// The request, when written.
    pub request: Option<Quantity>,
    /// The limit, when written.
    pub limit: Option<Quantity>,
}

/// A resource quantity as written, with its value parsed at extraction.
#[derive(Clone, Debug)]
pub struct Quantity {
    /// The text as written (`2`, `500m`).
    pub text: String,
    /// Its value in the resource's unit; `None` when it is not a valid
    /// quantity (reported as E001 where it is written).
    pub value: Option<f64>,
    /// Where it is written.
    pub location: Location,
}

impl Quantity {
    /// Whether two quantities are the same amount (`1` and `1000m`).
    pub fn same_amount(&self, other: &Quantity) -> bool {
        if self.text.trim() == other.text.trim() {
            return true;
        }
        match (self.value, other.value) {
            (Some(a), Some(b)) => (a - b).abs() <= f64::EPSILON * a.abs().max(1.0),
            _ => false,
        }
    }
}

/// What one replica provisions.
#[derive(Clone, Debug, Default)]
pub struct Compute {
    /// vCPU requested per replica.
    pub cpu_per_replica: f64,
    /// Memory requested per replica, in GiB (2^30 bytes).
    pub memory_gib_per_replica: f64,
    /// Accelerators per replica, one entry per resource name.
    pub accelerators: Vec<Accelerator>,
    /// Every extended-resource request/limit pair, per container.
    pub extended_resources: Vec<ExtendedResource>,
    /// Container images, in order.
    pub images: Vec<String>,
}

impl Compute {
    /// The accelerator that dominates the replica (most devices), if any.
    pub fn main_accelerator(&self) -> Option<&Accelerator> {
        self.accelerators
            .iter()
            .max_by(|a, b| a.devices.total_cmp(&b.devices))
    }

    /// Whole accelerator devices per replica, all resources together.
    pub fn accelerator_devices(&self) -> f64 {
        self.accelerators.iter().map(|a| a.devices).sum()
    }
}

/// A scheduling hint: a node label the workload selects on.
#[derive(Clone, Debug)]
pub struct Hint {
    /// The label key (`node.kubernetes.io/instance-type`).
    pub key: String,
    /// The accepted values (several for an affinity `In` expression),
    /// each with where it is written.
    pub values: Vec<(String, Location)>,
}

/// Where the workload's replicas land, as far as the source says.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// Instance (machine, VM size) types the nodes may have.
    pub instance_types: Vec<Hint>,
    /// GPU models the nodes may have.
    pub gpu_models: Vec<Hint>,
    /// The cloud a hint's key names, with that key.
    pub cloud: Option<(Cloud, String)>,
    /// Whether the workload asks for spot or preemptible capacity.
    pub spot: bool,
    /// The region it runs in, when the source says (`us-east-1`,
    /// `us-central1`, `eastus`); prices are only valid for their region.
    pub region: Option<String>,
    /// Why the source itself makes the workload unpriceable (an instance
    /// type known only after apply, a Windows licence), when it does.
    pub unpriced_reason: Option<String>,
}

/// How many replicas run.
#[derive(Clone, Debug)]
pub struct Scaling {
    /// Replicas that always run (the floor).
    pub min: u32,
    /// The most replicas that can run; `None` when nothing bounds it.
    pub max: Option<u32>,
    /// Where the floor is set, when it is written down.
    pub min_location: Option<Location>,
    /// What set the bounds, in words ("spec.replicas", "HorizontalPodAutoscaler ml/llm").
    pub basis: String,
    /// How long the last replica stays after its last request before the
    /// autoscaler removes it (scale-to-zero only): KEDA `cooldownPeriod`,
    /// Knative's stable window plus pod retention period.
    pub keep_alive_s: Option<Box<ScaleFigure>>,
    /// Requests one replica serves at once, as the autoscaler targets it
    /// (Knative `containerConcurrency` or `autoscaling.knative.dev/target`).
    pub concurrency: Option<Box<ScaleFigure>>,
}

/// A number the autoscaler works with, written in the source or the
/// autoscaler's documented default, with where it comes from.
#[derive(Clone, Debug)]
pub struct ScaleFigure {
    /// The value, in the unit its field names.
    pub value: f64,
    /// Where it comes from, in words (the key as written, or the default
    /// and its documentation).
    pub basis: String,
    /// Whether the source writes it (not the autoscaler's default).
    pub declared: bool,
    /// Where it is written, when it is.
    pub location: Option<Location>,
}

impl Scaling {
    /// A fixed replica count.
    pub fn fixed(replicas: u32, basis: impl Into<String>, location: Option<Location>) -> Self {
        Scaling {
            min: replicas,
            max: Some(replicas),
            min_location: location,
            basis: basis.into(),
            keep_alive_s: None,
            concurrency: None,
        }
    }
}

/// A usage-profile key, as written in annotations (`tcolint.io/<key>`) and
/// in `tcolint.yml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum UsageKey {
    /// `purpose`: inference, training or batch.
    #[serde(rename = "purpose")]
    Purpose,
    /// `requests-per-day`.
    #[serde(rename = "requests-per-day")]
    RequestsPerDay,
    /// `avg-duration-ms`.
    #[serde(rename = "avg-duration-ms")]
    AvgDurationMs,
    /// `utilization`: busy fraction (0–1) of the provisioned capacity.
    #[serde(rename = "utilization")]
    Utilization,
    /// `latency-slo-ms`.
    #[serde(rename = "latency-slo-ms")]
    LatencySloMs,
    /// `model-size-gb`.
    #[serde(rename = "model-size-gb")]
    ModelSizeGb,
    /// `image-size-gb`.
    #[serde(rename = "image-size-gb")]
    ImageSizeGb,
    /// `framework`: the ML framework the code imports at start-up.
    #[serde(rename = "framework")]
    Framework,
}

impl UsageKey {
    /// Every key, in documentation order.
    pub const ALL: [UsageKey; 8] = [
        UsageKey::Purpose,
        UsageKey::RequestsPerDay,
        UsageKey::AvgDurationMs,
        UsageKey::Utilization,
        UsageKey::LatencySloMs,
        UsageKey::ModelSizeGb,
        UsageKey::ImageSizeGb,
        UsageKey::Framework,
    ];

    /// The key's name without prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageKey::Purpose => "purpose",
            UsageKey::RequestsPerDay => "requests-per-day",
            UsageKey::AvgDurationMs => "avg-duration-ms",
            UsageKey::Utilization => "utilization",
            UsageKey::LatencySloMs => "latency-slo-ms",
            UsageKey::ModelSizeGb => "model-size-gb",
            UsageKey::ImageSizeGb => "image-size-gb",
            UsageKey::Framework => "framework",
        }
    }

    /// Looks a key up by name.
    pub fn parse(name: &str) -> Option<UsageKey> {
        UsageKey::ALL.into_iter().find(|key| key.as_str() == name)
    }

    /// Checks and converts a written value; the error says what was expected.
    pub fn parse_value(self, text: &str) -> Result<UsageValue, String> {
        if self == UsageKey::Purpose {
            return Purpose::parse(text)
                .map(UsageValue::Purpose)
                .ok_or_else(|| format!("expected inference, training or batch, found {text:?}"));
        }
        if self == UsageKey::Framework {
            return Framework::parse(text)
                .map(UsageValue::Framework)
                .ok_or_else(|| {
                    format!(
                        "expected pytorch, tensorflow, jax, onnxruntime or none, found {text:?}"
                    )
                });
        }
        let number: f64 = text
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| format!("expected a number, found {text:?}"))?;
        match self {
            UsageKey::Utilization if !(0.0..=1.0).contains(&number) => Err(format!(
                "expected a busy fraction between 0 and 1, found {text:?}"
            )),
            _ if number < 0.0 => Err(format!("expected a number >= 0, found {text:?}")),
            _ => Ok(UsageValue::Number(number)),
        }
    }
}

/// A usage-profile value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UsageValue {
    /// A purpose.
    Purpose(Purpose),
    /// An ML framework, or none.
    Framework(Option<Framework>),
    /// A number in the key's unit.
    Number(f64),
}

/// A usage value set in the source file (an annotation), with its location.
#[derive(Clone, Debug)]
pub struct UsageSetting {
    /// The value.
    pub value: UsageValue,
    /// Where it is written.
    pub location: Location,
}

/// Usage values written next to a workload, one per key, in key order.
///
/// A sorted vector rather than a `BTreeMap`: a workload has a handful of
/// keys at most, and a map's first node reserves room for eleven, which a
/// large scan holds once per workload until its end.
#[derive(Clone, Debug, Default)]
pub struct UsageMap {
    entries: Vec<(UsageKey, UsageSetting)>,
}

impl UsageMap {
    /// An empty map.
    pub fn new() -> UsageMap {
        UsageMap::default()
    }

    /// The setting for `key`, if any.
    pub fn get(&self, key: &UsageKey) -> Option<&UsageSetting> {
        self.position(key).ok().map(|index| &self.entries[index].1)
    }

    /// Sets `key`, replacing (and returning) an earlier setting.
    pub fn insert(&mut self, key: UsageKey, setting: UsageSetting) -> Option<UsageSetting> {
        match self.position(&key) {
            Ok(index) => Some(std::mem::replace(&mut self.entries[index].1, setting)),
            Err(index) => {
                self.entries.insert(index, (key, setting));
                None
            }
        }
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&UsageKey, &UsageSetting)> {
        self.entries.iter().map(|(key, setting)| (key, setting))
    }

    /// How many keys are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &UsageKey) -> Result<usize, usize> {
        self.entries.binary_search_by(|(entry, _)| entry.cmp(key))
    }

    fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

impl FromIterator<(UsageKey, UsageSetting)> for UsageMap {
    fn from_iter<I: IntoIterator<Item = (UsageKey, UsageSetting)>>(items: I) -> UsageMap {
        let mut map = UsageMap::new();
        for (key, setting) in items {
            map.insert(key, setting);
        }
        map
    }
}

impl<'a> IntoIterator for &'a UsageMap {
    type Item = (&'a UsageKey, &'a UsageSetting);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (UsageKey, UsageSetting)>,
        fn(&'a (UsageKey, UsageSetting)) -> (&'a UsageKey, &'a UsageSetting),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(key, setting)| (key, setting))
    }
}

/// A request to silence rules on one workload.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// Rule codes (or code prefixes) silenced.
    pub codes: Vec<String>,
    /// Why, as the author wrote it.
    pub reason: Option<String>,
    /// Where it is written.
    pub location: Location,
}

impl Suppression {
    /// Whether it silences rule `code` (its codes are codes or prefixes).
    pub fn matches(&self, code: &str) -> bool {
        self.codes
            .iter()
            .any(|prefix| code.starts_with(prefix.as_str()))
    }
}

/// One provisioned thing tcolint prices: a Kubernetes controller (or one
/// role of a multi-role object), later a VM group, a function…
#[derive(Clone, Debug)]
pub struct Workload {
    /// Stable id: `k8s:<Kind>/<namespace>/<name>[/<role>]`.
    pub id: String,
    /// The kind of object as the source names it.
    pub kind: String,
    /// Where it runs.
    pub platform: Platform,
    /// The defining block.
    pub location: Location,
    /// Purpose the extractor inferred from the kind or images, with why.
    pub inferred_purpose: Option<(Purpose, String)>,
    /// ML framework the images or layers name, with why
    /// (`extract/shared/framework.rs`).
    pub inferred_framework: Option<(Framework, String)>,
    /// What one replica provisions.
    pub compute: Compute,
    /// Where replicas land.
    pub placement: Placement,
    /// Replica bounds.
    pub scaling: Scaling,
    /// Whether replicas exit when their work is done (Jobs, training runs).
    pub run_to_completion: bool,
    /// How it is billed.
    pub billing: Billing,
    /// Whether it is a pool of identical nodes (node group, node pool,
    /// Auto Scaling group) that could scale.
    pub pool: bool,
    /// What a plan does to it, when it comes from a plan.
    pub change: Option<Change>,
    /// Function shape and limits, for serverless functions.
    pub function: Option<Box<FunctionSpec>>,
    /// Bounds written in vCPUs rather than replicas (AWS Batch), converted
    /// to instances once the instance type is known.
    pub vcpu_bounds: Option<(u32, Option<u32>)>,
    /// Usage values written next to the workload (annotations).
    pub usage: UsageMap,
    /// Rule suppressions written on the workload.
    pub suppressions: Vec<Suppression>,
    /// What the extractor had to assume, in words.
    pub notes: Vec<String>,
}

impl Workload {
    /// A workload with the defaults every front end starts from: one
    /// fixed replica, nothing requested, no placement hints, no usage,
    /// suppressions or notes, always running, not a pool, not a function.
    pub fn new(
        id: String,
        kind: impl Into<String>,
        platform: Platform,
        location: Location,
        billing: Billing,
    ) -> Workload {
        Workload {
            id,
            kind: kind.into(),
            platform,
            location,
            inferred_purpose: None,
            inferred_framework: None,
            compute: Compute::default(),
            placement: Placement::default(),
            scaling: Scaling::fixed(1, "one instance", None),
            run_to_completion: false,
            billing,
            pool: false,
            change: None,
            function: None,
            vcpu_bounds: None,
            usage: UsageMap::new(),
            suppressions: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Releases the spare capacity of its lists: a scan holds every
    /// workload until its cross-file steps are done, and lists grown by
    /// `push` keep room for several more.
    pub fn shrink_to_fit(&mut self) {
        let compute = &mut self.compute;
        compute.accelerators.shrink_to_fit();
        compute.extended_resources.shrink_to_fit();
        compute.images.shrink_to_fit();
        for hints in [
            &mut self.placement.instance_types,
            &mut self.placement.gpu_models,
        ] {
            hints.shrink_to_fit();
            for hint in hints.iter_mut() {
                hint.values.shrink_to_fit();
            }
        }
        self.usage.shrink_to_fit();
        self.suppressions.shrink_to_fit();
        self.notes.shrink_to_fit();
    }

    /// Whether the workload asks for any accelerator.
    pub fn has_accelerators(&self) -> bool {
        !self.compute.accelerators.is_empty()
    }
}

/// An object that asks for an accelerator in a kind tcolint cannot read
/// (no pod template anywhere in it): reported as GPU003, never dropped.
#[derive(Clone, Debug)]
pub struct UnmodeledAccelerator {
    /// `Kind namespace/name`.
    pub object: String,
    /// The accelerator resource (`nvidia.com/gpu`).
    pub resource: String,
    /// The amount as written.
    pub amount: String,
    /// Where it is asked for.
    pub location: Location,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn cpu_follows_the_memory_steps() {
        assert_eq!(cloud_functions_cpu(256.0), 0.167);
        assert_eq!(cloud_functions_cpu(244.140625), 0.167);
        assert_eq!(cloud_functions_cpu(1024.0), 0.583);
        assert_eq!(cloud_functions_cpu(3072.0), 2.0);
        assert_eq!(cloud_functions_cpu(40_000.0), 8.0);
    }

    fn quantity(text: &str, value: Option<f64>) -> Quantity {
        Quantity {
            text: text.into(),
            value,
            location: SourceFile::new("pod.yaml", "x").start(),
        }
    }

    #[test]
    fn usage_map_keeps_one_setting_per_key_in_key_order() {
        let at = SourceFile::new("pod.yaml", "x").start();
        let setting = |value: f64| UsageSetting {
            value: UsageValue::Number(value),
            location: at.clone(),
        };
        let number = |setting: Option<&UsageSetting>| match setting.map(|s| s.value) {
            Some(UsageValue::Number(value)) => Some(value),
            _ => None,
        };
        let mut map = UsageMap::new();
        assert!(map.is_empty());
        assert!(map.insert(UsageKey::Utilization, setting(0.5)).is_none());
        assert!(map
            .insert(UsageKey::RequestsPerDay, setting(100.0))
            .is_none());
        // A second setting replaces the first, as BTreeMap::insert did.
        let replaced = map.insert(UsageKey::Utilization, setting(0.25));
        assert_eq!(number(replaced.as_ref()), Some(0.5));
        assert_eq!(number(map.get(&UsageKey::Utilization)), Some(0.25));
        assert_eq!(map.get(&UsageKey::AvgDurationMs).map(|_| ()), None);
        let keys: Vec<UsageKey> = map.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, [UsageKey::RequestsPerDay, UsageKey::Utilization]);
        // Collected: the last setting of a repeated key wins.
        let collected: UsageMap = [
            (UsageKey::Utilization, setting(0.1)),
            (UsageKey::Purpose, setting(1.0)),
            (UsageKey::Utilization, setting(0.9)),
        ]
        .into_iter()
        .collect();
        assert_eq!(collected.len(), 2);
        assert_eq!(number(collected.get(&UsageKey::Utilization)), Some(0.9));
        let keys: Vec<UsageKey> = (&collected).into_iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, [UsageKey::Purpose, UsageKey::Utilization]);
    }

    #[test]
    fn quantities_compare_by_amount() {
        assert!(quantity("1", Some(1.0)).same_amount(&quantity("1000m", Some(1.0))));
        assert!(!quantity("2", Some(2.0)).same_amount(&quantity("1", Some(1.0))));
        assert!(quantity(" 2", None).same_amount(&quantity("2 ", None)));
        assert!(!quantity("x", None).same_amount(&quantity("1", Some(1.0))));
    }

    #[test]
    fn triggers_keep_their_output_names() {
        let triggers = [
            Trigger::RestApi,
            Trigger::HttpApi,
            Trigger::LoadBalancer,
            Trigger::Queue,
            Trigger::Other("websocket".into()),
        ];
        let names: Vec<&str> = triggers.iter().map(Trigger::as_str).collect();
        assert_eq!(names, ["http", "httpApi", "alb", "sqs", "websocket"]);
        assert!(Trigger::LoadBalancer.is_synchronous() && !Trigger::LoadBalancer.is_api_gateway());
        assert!(!Trigger::Queue.is_synchronous());
    }
}
