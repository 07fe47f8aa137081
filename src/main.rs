//! The `tcolint` command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use tcolint::catalog::Catalog;
use tcolint::config::{self, Config, ConfigError};
use tcolint::model::Cloud;
use tcolint::report::text::SourceDiagnostic;
use tcolint::rules::{self, RuleMeta, Severity};
use tcolint::scan::{self, Options};

/// Exit code when findings reach the failure threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit code when tcolint could not do its job.
const EXIT_TROUBLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tcolint",
    version,
    about = "Projected TCO and latency warnings for AI workloads in infrastructure-as-code",
    long_about = "tcolint reads Kubernetes manifests and Terraform (plan JSON and .tf folders; \
Serverless and SAM support is coming), finds every workload and GPU request, prices it from an \
embedded catalogue and warns about idle GPU capacity, GPU pools that cannot scale down, GPU cold \
starts and manifests the API server would reject.\n\n\
Exit codes: 0 no findings at or above --fail-on, 1 findings at or above it, \
2 tcolint could not do its job (bad arguments or configuration, a missing path)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and folders: workloads, costs and findings.
    Check(Box<CheckArgs>),
    /// List the rules: code, name, default severity and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule code, such as TCO001.
        code: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum CloudArg {
    Aws,
    Gcp,
    Azure,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and folders to scan; `-` reads one document stream from stdin.
    #[arg(default_value = ".")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Configuration file (default: ./tcolint.yml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Name shown for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Only these rule codes or prefixes (comma-separated), replacing `select` in tcolint.yml.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    select: Vec<String>,
    /// Skip these rule codes or prefixes (comma-separated), added to `ignore` in tcolint.yml.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    ignore: Vec<String>,
    /// Cloud assumed when a workload names none (overrides tcolint.yml).
    #[arg(long, value_enum)]
    default_cloud: Option<CloudArg>,
    /// Folder holding the `.tf` files of the plans scanned, to locate plan
    /// resources at their blocks (default: the plan's own folder).
    #[arg(long, value_name = "DIR")]
    tf_root: Option<PathBuf>,
    /// Set a Terraform variable (repeatable): `--var region=us-east-1`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Read Terraform variables from a .tfvars file (repeatable), after
    /// terraform.tfvars and *.auto.tfvars.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// A Serverless Framework option (`--opt stage=prod` for `${opt:stage}`)
    /// or a CloudFormation parameter value (repeatable).
    #[arg(long = "opt", value_name = "NAME=VALUE", value_parser = parse_var)]
    opts: Vec<(String, String)>,
    /// Largest file read, as bytes or a quantity such as 16Mi.
    #[arg(long, value_name = "SIZE", default_value = "16Mi", value_parser = parse_size)]
    max_file_size: u64,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, found {text:?}")),
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    tcolint::extract::kubernetes::parse_quantity(text)
        .ok()
        .filter(|size| *size >= 1.0)
        .map(|size| size as u64)
        .ok_or_else(|| format!("expected a size such as 16777216 or 16Mi, found {text:?}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match cli.command {
        Command::Check(args) => check(*args, color),
        Command::Rules { format } => list_rules(format),
        Command::Explain { code } => explain(&code),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "tcolint: {message}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

fn builtin_rules() -> Result<Vec<RuleMeta>, String> {
    rules::builtin()
        .map_err(|error| format!("internal error: embedded rule data is invalid: {error}"))
}

fn check(args: CheckArgs, color: bool) -> Result<u8, String> {
    let rules = builtin_rules()?;
    let catalog = Catalog::embedded()
        .map_err(|error| format!("internal error: embedded catalogue is invalid: {error}"))?;
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from(config::FILE_NAME)).filter(|path| path.is_file()),
    };
    let mut config = match config_path {
        Some(path) => {
            Config::load(&path, &rules).map_err(|error| render_config_error(&error, color))?
        }
        None => Config::default(),
    };
    if let Some(cloud) = args.default_cloud {
        config.default_cloud = match cloud {
            CloudArg::Aws => Cloud::Aws,
            CloudArg::Gcp => Cloud::Gcp,
            CloudArg::Azure => Cloud::Azure,
        };
    }
    let codes = |list: &[String]| -> Result<Vec<String>, String> {
        list.iter()
            .map(|code| config::validate_code(&code.trim().to_ascii_uppercase(), &rules))
            .collect()
    };
    let select = codes(&args.select)?;
    let ignore = codes(&args.ignore)?;
    if args.paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err("`-` (standard input) can be given only once".into());
    }
    let settings = config.rule_settings(&rules, &select, &ignore);
    let options = Options {
        paths: args.paths,
        stdin_name: args.stdin_filename,
        max_file_size: args.max_file_size,
        tf_root: args.tf_root,
        vars: args.vars,
        var_files: args.var_files,
        opts: args.opts,
    };
    let report = scan::check(&options, &config, &catalog, &settings)?;
    let mut stdout = std::io::stdout().lock();
    let written = match args.format {
        Format::Text => {
            let rendered = tcolint::report::text::render(&report, color);
            stdout.write_all(rendered.as_bytes())
        }
        Format::Json => tcolint::report::json::write(&report, &mut stdout),
    };
    if let Err(error) = written.and_then(|()| stdout.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {error}"));
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed =
        matches!((threshold, report.worst()), (Some(threshold), Some(worst)) if worst >= threshold);
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

fn render_config_error(error: &ConfigError, color: bool) -> String {
    let (Some(location), Some(source)) = (&error.location, &error.source) else {
        return format!("invalid configuration: {}", error.message);
    };
    let diagnostic = SourceDiagnostic::new(
        format!("invalid configuration: {}", error.message),
        None,
        Severity::Error,
        &location.file,
        Some(Arc::clone(&source.text)),
        (location.offset, location.len),
    );
    format!(
        "{location}: invalid configuration\n{}",
        diagnostic.render(color)
    )
}

fn list_rules(format: Format) -> Result<u8, String> {
    let rules = builtin_rules()?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())? + "\n",
        Format::Text => {
            let mut out = String::new();
            for rule in &rules {
                out.push_str(&format!(
                    "{:<7} {:<26} {:<8} {}\n",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                ));
            }
            out
        }
    };
    print!("{text}");
    Ok(0)
}

fn explain(code: &str) -> Result<u8, String> {
    let rules = builtin_rules()?;
    let wanted = code.trim().to_ascii_uppercase();
    let Some(rule) = rules
        .iter()
        .find(|rule| rule.code == wanted || rule.name == code.trim())
    else {
        let known: Vec<&str> = rules.iter().map(|rule| rule.code.as_str()).collect();
        return Err(format!(
            "unknown rule {code:?}; known rules: {}",
            known.join(", ")
        ));
    };
    let mut out = format!(
        "# {} {}\n\nDefault severity: {}.\n\n{}\n",
        rule.code, rule.name, rule.severity, rule.summary
    );
    if !rule.thresholds.is_empty() {
        out.push_str("\nThresholds (set them under `rules:` in tcolint.yml):\n");
        for (name, value) in &rule.thresholds {
            out.push_str(&format!("  {name}: {value}\n"));
        }
    }
    out.push('\n');
    out.push_str(&rule.documentation);
    out.push('\n');
    print!("{out}");
    Ok(0)
}
