//! The `tcolint` command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use tcolint::catalog::Catalog;
use tcolint::config::{self, Config, ConfigError};
use tcolint::model::Cloud;
use tcolint::report::text::SourceDiagnostic;
use tcolint::rules::{self, RuleMeta, Severity};
use tcolint::scan::{self, Options};

// A scan allocates many small, short-lived values on every core; mimalloc
// spends ~30% less CPU on them than the system allocator (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's option setter, from the C library the mimalloc crate links.
unsafe extern "C" {
    fn mi_option_set_default(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t`
/// (c_src/mimalloc/v3/include/mimalloc.h of libmimalloc-sys 0.1.49: the
/// option after `mi_option_deprecated_eager_commit_delay`, 14). A test in
/// tests/memory_flat.rs fails on another version, to have this checked.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Gives freed memory back to the system after 10 ms instead of mimalloc
/// v3's 1 s (its v2 default, and its header's comment, is 10): a scan
/// frees each file's parse tree and each chunk's workloads at once, and
/// pages held for a second count in peak RSS (25,000 files: 80 -> 68 MiB,
/// same CPU). `MIMALLOC_PURGE_DELAY` still wins.
fn return_freed_memory_sooner() {
    // SAFETY: sets one integer option of the allocator; any value is valid.
    unsafe { mi_option_set_default(MI_OPTION_PURGE_DELAY, 10) };
}

/// Exit code when findings reach the failure threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit code when tcolint could not do its job.
const EXIT_TROUBLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tcolint",
    version,
    about = "Projected TCO and latency warnings for AI workloads in infrastructure-as-code",
    long_about = "tcolint reads Kubernetes manifests, Terraform (plan JSON and .tf folders), \
Serverless Framework configs and AWS SAM / CloudFormation templates, finds every workload and GPU \
request, prices it from an embedded catalogue and warns about idle GPU capacity, GPU pools that \
cannot scale down, functions past their break-even with an always-on container, cold starts \
against latency targets, platform limits and manifests the API server would reject.\n\n\
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
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule code, such as TCO001.
        code: String,
    },
    /// Compare two versions: monthly cost before, after and the delta per
    /// workload and in total, and the findings new in HEAD.
    Diff(Box<DiffArgs>),
    /// Look prices up: `tcolint catalog g5.`, `tcolint catalog --gpu h100`
    /// (every type with that GPU, cheapest first), `--region eu-west-1`.
    Catalog(CatalogArgs),
    /// Where the catalogue's figures come from: each source's title, date
    /// and where to find it (a URL or document). `tcolint sources CASTAI`
    /// shows one.
    Sources {
        /// A source key, as `tcolint catalog` and `--format json` name them
        /// (case-insensitive); without it, every source.
        key: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a shell completion script: `tcolint completions bash > /etc/bash_completion.d/tcolint`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    /// Workloads, findings with source snippets, and a summary.
    Text,
    /// The full report as JSON (a stable public interface).
    Json,
    /// GitHub Actions workflow commands (annotations), plus a step summary
    /// when $GITHUB_STEP_SUMMARY is set.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// The cost report and findings as a pull-request comment (Markdown).
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
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
struct CatalogArgs {
    /// Part of the type name (case-insensitive): `g5.`, `n2-standard`, `Standard_NC`.
    query: Option<String>,
    /// Only this cloud.
    #[arg(long, value_enum)]
    cloud: Option<CloudArg>,
    /// Only prices in this region (`all`: every region; default: each type's
    /// home region, us-east-1, us-central1 or eastus).
    #[arg(long)]
    region: Option<String>,
    /// Only types with this accelerator (`h100`, `nvidia-l4`, `a100-80gb`), cheapest first.
    #[arg(long)]
    gpu: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and folders to scan; `-` reads one document stream from stdin.
    #[arg(default_value = ".")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Name shown for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Exit with 0 even when findings reach --fail-on (2 still means
    /// tcolint could not do its job).
    #[arg(long)]
    exit_zero: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Text format: print findings only, without workloads and summary.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    quiet: bool,
    /// Text format: each workload's cost basis, cold-start parts and
    /// assumptions, and every skipped file (default: one line per workload
    /// and one count per skip reason).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Text format: also list suppressed findings with their reasons (JSON
    /// and SARIF always include them).
    #[arg(long)]
    show_suppressed: bool,
    /// Report only findings that FILE (written by --write-baseline) does
    /// not record.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record this run's findings in FILE, to use later with --baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    #[command(flatten)]
    scan: ScanArgs,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// BASE and HEAD (two plan JSON files, two files or two folders); with
    /// --base-ref, the paths to scan on both sides (default `.`).
    paths: Vec<String>,
    /// Compare the working tree with this git revision (checked out into a
    /// temporary worktree, removed afterwards).
    #[arg(long, value_name = "REV")]
    base_ref: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with 1 when the total monthly cost rises by more than this: an
    /// amount in USD (`250`) or a percentage (`10%`).
    #[arg(long, value_name = "USD|PERCENT%")]
    fail_on_increase: Option<tcolint::diff::IncreaseLimit>,
    /// Write the result to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    scan: ScanArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// A table for a terminal or a log.
    Text,
    /// The diff as data.
    Json,
    /// A pull-request comment.
    Markdown,
}

/// What reads and judges the inputs, shared by `check` and `diff`.
#[derive(clap::Args)]
struct ScanArgs {
    /// Configuration file (default: ./tcolint.yml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only these rule codes or prefixes (comma-separated), replacing `select` in tcolint.yml.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    select: Vec<String>,
    /// Skip these rule codes or prefixes (comma-separated), added to `ignore` in tcolint.yml.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    ignore: Vec<String>,
    /// Cloud assumed when a workload names none (overrides tcolint.yml).
    #[arg(long, value_enum)]
    default_cloud: Option<CloudArg>,
    /// Leave unpriced what the catalogue prices only from a nearby region
    /// (as `strict-prices: true` in tcolint.yml).
    #[arg(long)]
    strict_prices: bool,
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
    /// Read a Terraform module source that is not a local folder from a
    /// local copy (repeatable): `--module-dir terraform-aws-modules/eks/aws=vendor/eks`.
    #[arg(long = "module-dir", value_name = "SOURCE=DIR", value_parser = parse_var)]
    module_dirs: Vec<(String, String)>,
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
    return_freed_memory_sooner();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Diff(args) => diff(*args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { code } => explain(&code),
        Command::Catalog(args) => catalog(args),
        Command::Sources { key, format } => sources(key.as_deref(), format),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Rendered to memory: clap_complete panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "tcolint", &mut script);
            write_output(None, &script).map(|()| 0)
        }
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

/// Whether to colour output written to a terminal or a file.
fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// The rules, catalogue, configuration and rule settings of one run.
struct Prepared {
    rules: Vec<RuleMeta>,
    catalog: Catalog,
    config: Config,
    settings: Vec<rules::RuleSettings>,
    /// `TCOLINT_HELD_MIB`, in bytes, when set.
    held_bytes: Option<usize>,
}

/// The environment variable that sets how many MiB of extracted workloads
/// a scan holds ([`scan::HELD_BYTES`] by default).
const HELD_MIB_VARIABLE: &str = "TCOLINT_HELD_MIB";

/// `TCOLINT_HELD_MIB` in bytes, when set; an error when it is not a whole
/// number of MiB.
fn held_bytes_from_env() -> Result<Option<usize>, String> {
    // Set but empty counts as unset, as for NO_COLOR.
    let Some(value) = std::env::var_os(HELD_MIB_VARIABLE).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let mib = value
        .to_str()
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|mib| mib.checked_mul(1 << 20).is_some())
        .ok_or_else(|| {
            format!(
                "{HELD_MIB_VARIABLE}={}: expected a whole number of MiB (0 holds none; the default is {})",
                value.to_string_lossy(),
                scan::HELD_BYTES >> 20
            )
        })?;
    Ok(Some(mib << 20))
}

fn prepare(scan: &ScanArgs, color: bool) -> Result<Prepared, String> {
    let rules = builtin_rules()?;
    let catalog = Catalog::embedded()
        .map_err(|error| format!("internal error: embedded catalogue is invalid: {error}"))?;
    let config_path = match &scan.config {
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from(config::FILE_NAME)).filter(|path| path.is_file()),
    };
    let mut config = match config_path {
        Some(path) => {
            Config::load(&path, &rules).map_err(|error| render_config_error(&error, color))?
        }
        None => Config::default(),
    };
    if scan.strict_prices {
        config.strict_prices = true;
    }
    if let Some(cloud) = scan.default_cloud {
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
    let select = codes(&scan.select)?;
    let ignore = codes(&scan.ignore)?;
    let settings = config.rule_settings(&rules, &select, &ignore);
    Ok(Prepared {
        rules,
        catalog,
        config,
        settings,
        held_bytes: held_bytes_from_env()?,
    })
}

impl ScanArgs {
    /// The scan options; `--module-dir` entries come before tcolint.yml's
    /// `modules:`, so the command line wins.
    fn options(&self, paths: Vec<String>, stdin_name: String, config: &Config) -> Options {
        let module_dirs = self
            .module_dirs
            .iter()
            .map(|(source, dir)| (source.clone(), PathBuf::from(dir)))
            .chain(config.modules.iter().cloned())
            .collect();
        Options {
            paths,
            stdin_name,
            max_file_size: self.max_file_size,
            tf_root: self.tf_root.clone(),
            vars: self.vars.clone(),
            var_files: self.var_files.clone(),
            opts: self.opts.clone(),
            module_dirs,
            // Only text output shows snippets; `check` turns it on for it.
            keep_sources: false,
            // `check` drops them for formats that do not print them.
            keep_workloads: true,
            held_bytes: scan::HELD_BYTES,
        }
    }
}

/// Every path a flag names must exist: a misspelled `--var-file` or
/// `--tf-root` would otherwise be silently ignored (exit 2 with the path).
fn check_named_paths(scan: &ScanArgs, baseline: Option<&Path>) -> Result<(), String> {
    let missing =
        |flag: &str, path: &Path| format!("{flag} {}: no such file or folder", path.display());
    for file in &scan.var_files {
        if !file.is_file() {
            return Err(missing("--var-file", file));
        }
    }
    if let Some(root) = &scan.tf_root {
        if !root.is_dir() {
            return Err(missing("--tf-root", root));
        }
    }
    if let Some(config) = &scan.config {
        if !config.is_file() {
            return Err(missing("--config", config));
        }
    }
    if let Some(baseline) = baseline {
        if !baseline.is_file() {
            return Err(missing("--baseline", baseline));
        }
    }
    Ok(())
}

/// Says on stderr which format-specific flags found no input of their
/// format to act on (a `--var` on a folder of Kubernetes manifests).
fn note_flags_without_inputs(scan: &ScanArgs, report: &tcolint::report::Report) {
    let read = |name: &str| report.input_formats.contains(&name);
    let mut notes = Vec::new();
    if !read("terraform") {
        for (flag, given) in [
            ("--var", !scan.vars.is_empty()),
            ("--var-file", !scan.var_files.is_empty()),
            ("--tf-root", scan.tf_root.is_some()),
            ("--module-dir", !scan.module_dirs.is_empty()),
        ] {
            if given {
                notes.push(format!(
                    "{flag} had no effect: no Terraform configuration or plan was scanned"
                ));
            }
        }
    }
    if !scan.opts.is_empty() && !read("serverless") && !read("cloudformation") {
        notes.push(
            "--opt had no effect: no Serverless Framework or CloudFormation file was scanned"
                .to_string(),
        );
    }
    for note in notes {
        let _ = writeln!(std::io::stderr(), "tcolint: note: {note}");
    }
}

/// Says on stderr which given flags cannot apply to this run.
fn note_inapplicable_flags(args: &CheckArgs) {
    let mut notes = Vec::new();
    if args.stdin_filename != "<stdin>" && !args.paths.iter().any(|p| p == "-") {
        notes.push("--stdin-filename has no effect without `-` (standard input) among the paths");
    }
    if !matches!(args.format, Format::Text) {
        if args.quiet {
            notes.push("--quiet applies to --format text only");
        }
        if args.verbose {
            notes.push("--verbose applies to --format text only");
        }
        if args.show_suppressed {
            notes.push("--show-suppressed applies to --format text only (other formats always carry suppressed findings)");
        }
        // `auto` is the default; `always` or `never` was asked for.
        if !matches!(args.color, ColorChoice::Auto) {
            notes.push("--color applies to --format text only");
        }
    }
    for note in notes {
        let _ = writeln!(std::io::stderr(), "tcolint: note: {note}");
    }
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let color = use_color(args.color, args.output.is_some());
    if args.paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err("`-` (standard input) can be given only once".into());
    }
    check_named_paths(&args.scan, args.baseline.as_deref())?;
    note_inapplicable_flags(&args);
    let Prepared {
        rules,
        catalog,
        config,
        settings,
        held_bytes,
    } = prepare(&args.scan, color)?;
    let mut options = args
        .scan
        .options(args.paths.clone(), args.stdin_filename.clone(), &config);
    options.held_bytes = held_bytes.unwrap_or(options.held_bytes);
    options.keep_sources = args.format == Format::Text;
    // Annotation formats print findings and the summary, not workloads.
    options.keep_workloads = matches!(args.format, Format::Text | Format::Json | Format::Markdown);
    if args.format == Format::Json && args.write_baseline.is_none() {
        return check_json_streamed(&args, &options, &config, &catalog, &settings);
    }
    let mut report =
        scan::check(&options, &config, &catalog, &settings).map_err(|e| e.to_string())?;
    note_flags_without_inputs(&args.scan, &report);
    if let Some(path) = &args.write_baseline {
        tcolint::baseline::Baseline::of(&report)
            .write(path)
            .map_err(|e| e.to_string())?;
    }
    if let Some(path) = &args.baseline {
        tcolint::baseline::Baseline::read(path)
            .map_err(|e| e.to_string())?
            .apply(&mut report);
    }
    // Written straight to the destination: a JSON report of a large tree
    // runs to tens of MB.
    let mut out = open_output(args.output.as_deref())?;
    let written = match args.format {
        Format::Text => out.write_all(
            tcolint::report::text::render_with(
                &report,
                tcolint::report::text::TextOptions {
                    color,
                    quiet: args.quiet,
                    show_suppressed: args.show_suppressed,
                    verbose: args.verbose,
                },
            )
            .as_bytes(),
        ),
        Format::Json => tcolint::report::json::write(&report, &mut out),
        Format::Github => {
            write_step_summary(&tcolint::report::github::step_summary(&report))?;
            out.write_all(tcolint::report::github::render(&report).as_bytes())
        }
        Format::Sarif => tcolint::report::sarif::write(&report, &rules, &mut out),
        Format::Gitlab => out.write_all(tcolint::report::gitlab::render(&report).as_bytes()),
        Format::Markdown => {
            out.write_all(tcolint::report::markdown::render_report(&report).as_bytes())
        }
    };
    finish_output(written.and_then(|()| out.flush()), args.output.as_deref())?;
    Ok(check_exit_code(&args, &report))
}

/// `check --format json`: the report is written while its workloads are
/// assessed, a chunk at a time, so a large tree's workloads are never all
/// held at once (same bytes as serialising the whole report).
fn check_json_streamed(
    args: &CheckArgs,
    options: &Options,
    config: &Config,
    catalog: &Catalog,
    settings: &[rules::RuleSettings],
) -> Result<u8, String> {
    let baseline = match &args.baseline {
        Some(path) => Some(tcolint::baseline::Baseline::read(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let scanned = scan::read(options, catalog).map_err(|e| e.to_string())?;
    let tool = tcolint::report::Tool::of(catalog);
    let mut out = open_output(args.output.as_deref())?;
    let (report, written) = tcolint::report::json::write_streamed(
        &tool,
        |each| scanned.analyze(config, catalog, settings, each),
        |report| {
            if let Some(baseline) = &baseline {
                baseline.apply(report);
            }
        },
        &mut out,
    );
    finish_output(written.and_then(|()| out.flush()), args.output.as_deref())?;
    note_flags_without_inputs(&args.scan, &report);
    Ok(check_exit_code(args, &report))
}

/// Exit code of a check whose report is written: 1 when a finding reaches
/// --fail-on (unless --exit-zero), else 0.
fn check_exit_code(args: &CheckArgs, report: &tcolint::report::Report) -> u8 {
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed =
        matches!((threshold, report.worst()), (Some(threshold), Some(worst)) if worst >= threshold);
    if failed && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        0
    }
}

fn diff(args: DiffArgs) -> Result<u8, String> {
    check_named_paths(&args.scan, None)?;
    let prepared = prepare(&args.scan, false)?;
    if args.paths.iter().any(|p| p == "-") {
        return Err("diff reads files and folders, not standard input".into());
    }
    let mut options = args
        .scan
        .options(Vec::new(), "<stdin>".into(), &prepared.config);
    options.held_bytes = prepared.held_bytes.unwrap_or(options.held_bytes);
    let (config, catalog, settings) = (&prepared.config, &prepared.catalog, &prepared.settings);
    let result = match (&args.base_ref, args.paths.as_slice()) {
        (Some(rev), paths) => {
            let paths = if paths.is_empty() {
                vec![".".to_string()]
            } else {
                paths.to_vec()
            };
            tcolint::diff::scan_against_ref(rev, &paths, &options, config, catalog, settings)
                .map_err(|e| e.to_string())?
        }
        (None, [base, head]) => {
            tcolint::diff::scan_pair(base, head, &options, config, catalog, settings)
                .map_err(|e| e.to_string())?
        }
        (None, _) => {
            return Err(
                "diff needs BASE and HEAD (two plan files or two folders), or --base-ref REV"
                    .into(),
            )
        }
    };
    let rendered = match args.format {
        DiffFormat::Markdown => tcolint::report::markdown::render_diff(&result),
        DiffFormat::Json => {
            serde_json::to_string_pretty(&result).map_err(|e| e.to_string())? + "\n"
        }
        DiffFormat::Text => tcolint::report::text::render_diff(&result),
    };
    write_output(args.output.as_deref(), rendered.as_bytes())?;
    let exceeded = args
        .fail_on_increase
        .is_some_and(|limit| result.exceeds(limit));
    if exceeded {
        let _ = writeln!(
            std::io::stderr(),
            "tcolint: the monthly cost rises by more than --fail-on-increase {}",
            args.fail_on_increase.unwrap()
        );
    }
    Ok(if exceeded { EXIT_FINDINGS } else { 0 })
}

/// The report's destination: the file `path`, or standard output.
fn open_output(path: Option<&std::path::Path>) -> Result<Box<dyn Write>, String> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// The outcome of writing a report: a closed pipe on standard output (as
/// in `tcolint check | head`) is not an error.
fn finish_output(
    written: std::io::Result<()>,
    path: Option<&std::path::Path>,
) -> Result<(), String> {
    match (written, path) {
        (Ok(()), _) => Ok(()),
        (Err(error), Some(path)) => Err(format!("cannot write {}: {error}", path.display())),
        (Err(error), None) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        (Err(error), None) => Err(format!("cannot write the report: {error}")),
    }
}

/// Writes an already rendered text to `path` or standard output.
fn write_output(path: Option<&std::path::Path>, rendered: &[u8]) -> Result<(), String> {
    let mut out = open_output(path)?;
    let written = out.write_all(rendered).and_then(|()| out.flush());
    finish_output(written, path)
}

/// Appends to the file GitHub Actions names in $GITHUB_STEP_SUMMARY, when set.
fn write_step_summary(markdown: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|error| {
            format!(
                "cannot open $GITHUB_STEP_SUMMARY ({}): {error}",
                path.to_string_lossy()
            )
        })?;
    file.write_all(markdown.as_bytes())
        .map_err(|error| format!("cannot write $GITHUB_STEP_SUMMARY: {error}"))
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

fn list_rules(format: RulesFormat) -> Result<u8, String> {
    let rules = builtin_rules()?;
    let text = match format {
        RulesFormat::Json => {
            serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())? + "\n"
        }
        RulesFormat::Text => {
            // Columns as wide as their longest entry, so every row aligns.
            let code_width = rules.iter().map(|r| r.code.len()).max().unwrap_or(0);
            let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rule in &rules {
                out.push_str(&format!(
                    "{:<code_width$}  {:<name_width$}  {:<7}  {}\n",
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

/// `tcolint catalog`: exit 0 with rows, 1 when nothing matches.
fn catalog(args: CatalogArgs) -> Result<u8, String> {
    let catalog = Catalog::embedded()
        .map_err(|error| format!("internal error: embedded catalogue is invalid: {error}"))?;
    let query = tcolint::catalog::query::Query {
        name: args.query,
        cloud: args.cloud.map(|cloud| match cloud {
            CloudArg::Aws => Cloud::Aws,
            CloudArg::Gcp => Cloud::Gcp,
            CloudArg::Azure => Cloud::Azure,
        }),
        region: args.region,
        gpu: args.gpu,
    };
    let rows = query.run(&catalog)?;
    let text = match args.format {
        RulesFormat::Json => serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())? + "\n",
        RulesFormat::Text if rows.is_empty() => "no catalogue row matches\n".to_string(),
        RulesFormat::Text => {
            let mut keys: Vec<&str> = rows.iter().filter_map(|row| row.source_key).collect();
            keys.sort_unstable();
            keys.dedup();
            let titles: Vec<(String, String)> = keys
                .into_iter()
                .filter_map(|key| {
                    let source = catalog.source(key)?;
                    Some((key.to_string(), source.citation().to_string()))
                })
                .collect();
            tcolint::report::catalog::render(&rows, &titles)
        }
    };
    write_output(None, text.as_bytes())?;
    Ok(if rows.is_empty() { 1 } else { 0 })
}

/// `tcolint sources [KEY]`: exit 0, or 2 for an unknown key.
fn sources(key: Option<&str>, format: RulesFormat) -> Result<u8, String> {
    let catalog = Catalog::embedded()
        .map_err(|error| format!("internal error: embedded catalogue is invalid: {error}"))?;
    let sources: Vec<&tcolint::catalog::Source> = match key {
        None => catalog.sources().collect(),
        Some(key) => {
            let wanted = key.trim();
            match catalog
                .sources()
                .find(|source| source.key.eq_ignore_ascii_case(wanted))
            {
                Some(source) => vec![source],
                None => {
                    let known: Vec<&str> = catalog.sources().map(|s| s.key.as_str()).collect();
                    return Err(format!(
                        "unknown source {key:?}; known sources: {}",
                        known.join(", ")
                    ));
                }
            }
        }
    };
    let text = match format {
        RulesFormat::Json => {
            serde_json::to_string_pretty(&sources).map_err(|e| e.to_string())? + "\n"
        }
        RulesFormat::Text => tcolint::report::sources::render(&sources),
    };
    write_output(None, text.as_bytes())?;
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
