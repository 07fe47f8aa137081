//! Terraform configurations (`.tf`, `.tf.json`) → [`ResourceInstance`]s.
//!
//! A folder is a module. Its variables take their defaults, then
//! `terraform.tfvars`, `*.auto.tfvars` (and their `.json` forms),
//! `--var-file` and `--var`; locals are evaluated to a fixed point; `count`
//! and `for_each` expand into Terraform's own addresses; local modules
//! (`source = "./modules/x"`) are evaluated with their inputs under
//! `module.<name>`. What cannot be evaluated — data sources, resource
//! attributes, remote modules — is unknown with a note, never zero.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl::edit::structure::{Body as EditBody, Structure};
use hcl::edit::Span;
use hcl::eval::Context;
use hcl::{Expression, Map, Value};

use super::eval::{self, Partial};
use super::values::Attributes;
use super::{resources, suppressions, types, ResourceInstance};
use crate::discover::{self, Input, Skipped};
use crate::extract::{duplicate_key_problem, DuplicateKeyProblem, Problem};
use crate::parse::json;
use crate::parse::tree::{Document, DuplicateKey};
use crate::parse::yaml::{self, NodeRef};
use crate::parse::Syntax;
use crate::source::{Location, SourceFile};

/// How deep local modules may nest.
const MAX_MODULE_DEPTH: usize = 16;
/// The most instances one `count` or `for_each` expands to.
const MAX_INSTANCES: usize = 10_000;

/// Variables and files given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
    /// Canonical paths the user gave: nothing outside them is read.
    pub roots: Vec<PathBuf>,
    /// Largest file read.
    pub max_file_size: u64,
    /// `--module-dir SOURCE=DIR` and `modules:` in tcolint.yml: a local
    /// copy of a module source that is not a local folder.
    pub module_dirs: Vec<(String, PathBuf)>,
}

/// Where `terraform init` put each module call: `.terraform/modules/modules.json`
/// maps a call's key (`eks`, `eks.eks_managed_node_group`: the module
/// names from the root, without instance keys) to its folder, relative to
/// the root module.
#[derive(Clone, Debug, Default)]
struct ModuleManifest {
    root: PathBuf,
    dirs: HashMap<String, PathBuf>,
    /// Whether the root has a manifest at all (modules were downloaded).
    found: bool,
}

impl ModuleManifest {
    /// Reads the manifest of the root module in `dir`, if `terraform init`
    /// wrote one; a manifest that cannot be read is a problem.
    fn read(dir: &Path, inputs: &Inputs, out: &mut Evaluated) -> ModuleManifest {
        let mut manifest = ModuleManifest {
            root: dir.to_path_buf(),
            ..ModuleManifest::default()
        };
        let path = dir.join(".terraform").join("modules").join("modules.json");
        if !path.is_file() {
            return manifest;
        }
        let input = Input::File {
            path,
            explicit: true,
        };
        let source = match discover::read_source(&input, inputs.max_file_size) {
            Ok(source) => source,
            Err(unreadable) => {
                out.problems.push(Problem::unreadable(&unreadable));
                return manifest;
            }
        };
        match json::parse_keeping_duplicates(&source.text, &yaml::Limits::default()) {
            Ok(document) => {
                manifest.found = true;
                let modules = document.root().get("Modules");
                for module in modules.iter().flat_map(|m| m.items()) {
                    let key = module.get("Key").and_then(|k| k.as_text());
                    let dir = module.get("Dir").and_then(|d| d.as_text());
                    if let (Some(key), Some(dir)) = (key, dir) {
                        if !key.is_empty() {
                            manifest.dirs.insert(key.to_string(), PathBuf::from(dir));
                        }
                    }
                }
            }
            Err(error) => out.problems.push(Problem {
                message: format!("invalid JSON: {}", error.message),
                location: source.location(error.offset, 0),
            }),
        }
        manifest
    }

    /// The folder of the module call `key`, when the manifest lists it.
    fn dir(&self, key: &str) -> Option<PathBuf> {
        self.dirs.get(key).map(|dir| clean(&self.root.join(dir)))
    }
}

/// Whether a module source is a local folder (`./x`, `../x`).
fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// A module source without the default registry host and any `//subdir`
/// or `?ref=` suffix, for matching `--module-dir` entries.
fn source_key(source: &str) -> &str {
    let source = source
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(source);
    source.split("?").next().unwrap_or(source)
}

/// What evaluating a root module yields.
#[derive(Default)]
pub struct Evaluated {
    /// Resource instances, in module and file order.
    pub instances: Vec<ResourceInstance>,
    /// Files that could not be read or parsed, and invalid values.
    pub problems: Vec<Problem>,
    /// Every file read, for snippets.
    pub sources: Vec<Arc<SourceFile>>,
    /// Modules not analysed (remote or outside the scanned paths), with why.
    pub skipped: Vec<Skipped>,
    /// The root module's locals as evaluated, in source order (what the
    /// differential test compares with `terraform console`).
    pub root_locals: Vec<(String, Partial)>,
    /// Keys written twice: in an object constructor (E002 warnings), in
    /// JSON syntax (errors: Terraform rejects them).
    pub duplicate_keys: Vec<DuplicateKeyProblem>,
}

/// An attribute: its name, expression and where its value is written.
#[derive(Clone, Debug)]
struct AttributeIr {
    name: String,
    expr: Expression,
    /// Where the attribute's name is (findings about the setting point here).
    key_location: Location,
    /// Where its value is (findings about the value point here).
    location: Location,
    /// Where each item of a literal list value is.
    item_locations: Vec<Location>,
}

/// A block with its labels and body.
#[derive(Clone, Debug)]
struct BlockIr {
    ident: String,
    labels: Vec<String>,
    body: BodyIr,
    location: Location,
    span: (usize, usize),
    source: Arc<SourceFile>,
}

/// A body, from HCL or Terraform JSON syntax alike.
#[derive(Clone, Debug, Default)]
struct BodyIr {
    attributes: Vec<AttributeIr>,
    blocks: Vec<BlockIr>,
}

impl BodyIr {
    fn attribute(&self, name: &str) -> Option<&AttributeIr> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a BlockIr> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

fn first_line(source: &SourceFile, start: usize, end: usize) -> Location {
    let rest = &source.text[start.min(source.text.len())..];
    let len = rest
        .find('\n')
        .unwrap_or(rest.len())
        .min(end.saturating_sub(start));
    source.location(start, len)
}

fn from_edit(body: &EditBody, source: &Arc<SourceFile>) -> BodyIr {
    let mut ir = BodyIr::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let whole = attribute.span().unwrap_or(0..0);
                let span = attribute.value.span().unwrap_or_else(|| whole.clone());
                let item_locations = match &attribute.value {
                    hcl::edit::expr::Expression::Array(array) => array
                        .iter()
                        .filter_map(|item| item.span())
                        .map(|item| first_line(source, item.start, item.end))
                        .collect(),
                    _ => Vec::new(),
                };
                ir.attributes.push(AttributeIr {
                    name: attribute.key.as_str().to_string(),
                    expr: Expression::from(attribute.value.clone()),
                    key_location: {
                        let key = attribute.key.span().unwrap_or(whole.clone());
                        first_line(source, key.start, key.end)
                    },
                    location: first_line(source, span.start, span.end),
                    item_locations,
                });
            }
            Structure::Block(block) => {
                let span = block.span().unwrap_or(0..0);
                ir.blocks.push(BlockIr {
                    ident: block.ident.as_str().to_string(),
                    labels: block
                        .labels
                        .iter()
                        .map(|l| l.as_str().to_string())
                        .collect(),
                    body: from_edit(&block.body, source),
                    location: first_line(source, span.start, span.end),
                    span: (span.start, span.end),
                    source: Arc::clone(source),
                });
            }
        }
    }
    ir
}

/// Terraform JSON syntax: top-level block types hold objects keyed by labels.
fn from_json(root: NodeRef<'_>, source: &Arc<SourceFile>) -> BodyIr {
    let mut ir = BodyIr::default();
    let labelled = |ident: &str| match ident {
        "resource" | "data" => 2,
        "module" | "variable" | "provider" | "output" => 1,
        _ => 0,
    };
    for (key, value) in root.entries() {
        let Some(ident) = key.as_text() else {
            continue;
        };
        let depth = labelled(ident);
        collect_json_blocks(ident, depth, value, Vec::new(), source, &mut ir.blocks);
    }
    ir
}

fn collect_json_blocks(
    ident: &str,
    depth: usize,
    node: NodeRef<'_>,
    labels: Vec<String>,
    source: &Arc<SourceFile>,
    out: &mut Vec<BlockIr>,
) {
    if depth == 0 {
        let bodies: Vec<NodeRef<'_>> = if node.is_sequence() {
            node.items().collect()
        } else {
            vec![node]
        };
        for body in bodies {
            out.push(BlockIr {
                ident: ident.to_string(),
                labels: labels.clone(),
                body: json_body(body, source),
                location: first_line(source, body.start(), body.start() + body.len()),
                span: (body.start(), body.start() + body.len()),
                source: Arc::clone(source),
            });
        }
        return;
    }
    for (key, value) in node.entries() {
        if let Some(label) = key.as_text() {
            let mut next = labels.clone();
            next.push(label.to_string());
            collect_json_blocks(ident, depth - 1, value, next, source, out);
        }
    }
}

fn json_body(node: NodeRef<'_>, source: &Arc<SourceFile>) -> BodyIr {
    let mut ir = BodyIr::default();
    for (key, value) in node.entries() {
        let Some(name) = key.as_text() else {
            continue;
        };
        // A repeated argument (E002, see `json_repeated_keys`) reads the
        // later value, as every other JSON input does.
        let earlier = ir.attributes.iter().filter(|a| a.name == name);
        if !(could_be_blocks(value) && earlier.into_iter().all(|a| could_be_blocks_expr(&a.expr))) {
            ir.attributes.retain(|a| a.name != name);
        }
        ir.attributes.push(AttributeIr {
            name: name.to_string(),
            expr: json_expression(value, 0),
            key_location: first_line(source, key.start(), key.start() + key.len()),
            location: first_line(source, value.start(), value.start() + value.len()),
            item_locations: value
                .items()
                .map(|item| first_line(source, item.start(), item.start() + item.len()))
                .collect(),
        });
    }
    ir
}

/// Whether a JSON value may be the bodies of nested blocks (an object, or
/// a list of objects), which Terraform lets a key repeat.
fn could_be_blocks(node: NodeRef<'_>) -> bool {
    node.is_mapping() || (node.is_sequence() && node.items().all(|item| item.is_mapping()))
}

/// [`could_be_blocks`] of the expression a JSON value became.
fn could_be_blocks_expr(expr: &Expression) -> bool {
    match expr {
        Expression::Object(_) => true,
        Expression::Array(items) => items.iter().all(|i| matches!(i, Expression::Object(_))),
        _ => false,
    }
}

/// The keys a Terraform JSON-syntax file (`.tf.json`, `.tfvars.json`)
/// repeats where Terraform rejects the file for it ("Duplicate argument",
/// "Duplicate object attribute"), in source order: an argument or a key
/// of an object value written twice. A key repeated with objects (or
/// lists of objects) both times may be repeated blocks (`"resource"`
/// twice), which Terraform merges, and is not one.
fn json_repeated_keys(node: NodeRef<'_>, out: &mut Vec<DuplicateKey>) {
    if node.is_sequence() {
        node.items().for_each(|item| json_repeated_keys(item, out));
        return;
    }
    let mut seen: HashMap<&str, (usize, bool)> = HashMap::new();
    for (key, value) in node.entries() {
        json_repeated_keys(value, out);
        let Some(name) = key.as_text() else {
            continue;
        };
        let blocks = could_be_blocks(value);
        match seen.get(name) {
            Some(&(first, first_blocks)) if !(blocks && first_blocks) => {
                out.push(DuplicateKey {
                    key: name.into(),
                    first,
                    start: key.start(),
                    end: key.start() + key.len(),
                });
            }
            Some(_) => {}
            None => {
                seen.insert(name, (key.start(), blocks));
            }
        }
    }
}

/// What Terraform does with a repeated key in JSON syntax.
const JSON_REJECTION: &str =
    "Terraform rejects an argument or object key written twice in JSON syntax";

/// E002 errors for the keys `document` (a Terraform JSON-syntax file)
/// repeats.
fn json_duplicate_keys(document: &Document, source: &SourceFile, out: &mut Evaluated) {
    let mut repeated = Vec::new();
    json_repeated_keys(document.root(), &mut repeated);
    out.duplicate_keys.extend(repeated.iter().map(|duplicate| {
        duplicate_key_problem(source, duplicate, Syntax::Json, Some(JSON_REJECTION))
    }));
}

/// A JSON value as an HCL expression; strings with `${…}` are templates.
fn json_expression(node: NodeRef<'_>, depth: usize) -> Expression {
    if depth > 64 {
        return Expression::Null;
    }
    if node.is_sequence() {
        return Expression::Array(
            node.items()
                .map(|item| json_expression(item, depth + 1))
                .collect(),
        );
    }
    if node.is_mapping() {
        return Expression::Object(
            node.entries()
                .filter_map(|(k, v)| {
                    Some((
                        hcl::ObjectKey::from(k.as_text()?.to_string()),
                        json_expression(v, depth + 1),
                    ))
                })
                .collect(),
        );
    }
    let text = node.as_str().unwrap_or_default();
    if node.is_plain() {
        if node.is_null() {
            return Expression::Null;
        }
        if let Some(flag) = node.as_bool() {
            return Expression::Bool(flag);
        }
        if let Some(number) = node.as_f64() {
            return if number.fract() == 0.0 && number.abs() < 9e15 {
                Expression::from(number as i64)
            } else {
                Expression::from(number)
            };
        }
    }
    if text.contains("${") {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        if let Ok(expr) = format!("\"{escaped}\"").parse::<Expression>() {
            return expr;
        }
    }
    Expression::String(text.to_string())
}

/// Reads every `.tf` and `.tf.json` file of `dir` into one body.
fn load_folder(dir: &Path, inputs: &Inputs, out: &mut Evaluated) -> BodyIr {
    let files = discover::files_in(dir, &[".tf", ".tf.json"]);
    let mut body = BodyIr::default();
    for file in files {
        let input = Input::File {
            path: file.clone(),
            explicit: true,
        };
        let source = match discover::read_source(&input, inputs.max_file_size) {
            Ok(source) => Arc::new(source),
            Err(unreadable) => {
                out.problems.push(Problem::unreadable(&unreadable));
                continue;
            }
        };
        let json = file.to_string_lossy().ends_with(".json");
        load_source(source, json, &mut body, out);
    }
    body
}

/// Parses one configuration file (HCL, or JSON syntax when `json`) into
/// `body`; a file that does not parse is an E001 where parsing stopped.
fn load_source(source: Arc<SourceFile>, json: bool, body: &mut BodyIr, out: &mut Evaluated) {
    if json {
        match json::parse_keeping_duplicates(&source.text, &yaml::Limits::default()) {
            Ok(document) => {
                json_duplicate_keys(&document, &source, out);
                let parsed = from_json(document.root(), &source);
                body.attributes.extend(parsed.attributes);
                body.blocks.extend(parsed.blocks);
            }
            Err(error) => out.problems.push(Problem {
                message: format!("invalid JSON: {}", error.message),
                location: source.location(error.offset, 0),
            }),
        }
    } else {
        match crate::parse::hcl::parse(&source) {
            Ok(parsed) => {
                for repeated in crate::parse::hcl::repeated_object_keys(&source, &parsed) {
                    let first = source.location(repeated.first, 0);
                    out.duplicate_keys.push(DuplicateKeyProblem {
                        problem: Problem {
                            message: format!(
                                "key `{}` is written twice in this object (first at line {}); \
                                 Terraform reads the later value",
                                repeated.key, first.line
                            ),
                            location: source
                                .location(repeated.start, repeated.end - repeated.start),
                        },
                        rejected: false,
                    });
                }
                let parsed = from_edit(&parsed, &source);
                body.attributes.extend(parsed.attributes);
                body.blocks.extend(parsed.blocks);
            }
            Err(error) => out.problems.push(Problem {
                message: format!("invalid HCL: {}", error.message),
                location: source.location(error.offset, 0),
            }),
        }
    }
    out.sources.push(source);
}

/// A module folder's `.tf` and `.tf.json` files, read and parsed once, and
/// what reading them yielded (problems, repeated keys, the sources).
pub struct Folder {
    dir: PathBuf,
    body: BodyIr,
    read: Evaluated,
}

impl Folder {
    /// Reads every `.tf` and `.tf.json` file of `dir`.
    pub fn read(dir: &Path, inputs: &Inputs) -> Folder {
        let mut read = Evaluated::default();
        let body = load_folder(dir, inputs, &mut read);
        Folder {
            dir: dir.to_path_buf(),
            body,
            read,
        }
    }

    /// The folder as read (its display path).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The local module folders its module blocks call, canonical.
    pub fn local_module_sources(&self) -> Vec<PathBuf> {
        self.body
            .blocks("module")
            .filter_map(|block| match &block.body.attribute("source")?.expr {
                Expression::String(source) if is_local(source) => {
                    std::fs::canonicalize(self.dir.join(source)).ok()
                }
                _ => None,
            })
            .collect()
    }

    /// Its body, with what reading it yielded added to `out`, as if it
    /// were read again.
    fn replay(&self, out: &mut Evaluated) -> &BodyIr {
        out.problems.extend(self.read.problems.iter().cloned());
        out.duplicate_keys
            .extend(self.read.duplicate_keys.iter().cloned());
        out.sources.extend(self.read.sources.iter().cloned());
        &self.body
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system (display paths
/// stay relative and readable).
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => match out.components().next_back() {
                Some(std::path::Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// Provider regions inherited by child modules.
#[derive(Clone, Debug, Default)]
struct Regions {
    by_provider: HashMap<String, String>,
}

impl Regions {
    fn for_type(&self, resource_type: &str) -> Option<String> {
        let provider = resource_type.split('_').next().unwrap_or_default();
        self.by_provider.get(provider).cloned()
    }
}

/// Evaluates one configuration text that has no folder (standard input)
/// as a root module: only `--var` and `--var-file` set its variables, and
/// nothing beside it is read (no tfvars files, no module manifest; a local
/// module is read only from inside the scanned paths).
pub fn evaluate_source(source: &Arc<SourceFile>, json: bool, inputs: &Inputs) -> Evaluated {
    let mut out = Evaluated::default();
    let mut body = BodyIr::default();
    load_source(Arc::clone(source), json, &mut body, &mut out);
    let tree = Tree {
        inputs,
        manifest: &ModuleManifest::default(),
        read: &HashMap::new(),
    };
    evaluate_as_root(Path::new(""), &body, &tree, &mut Vec::new(), &mut out);
    out
}

/// Evaluates the root module in `dir`.
pub fn evaluate_root(dir: &Path, inputs: &Inputs) -> Evaluated {
    let folder = Folder::read(dir, inputs);
    evaluate_folder(&folder, &HashMap::new(), inputs)
}

/// Evaluates the root module `root`; a local module whose folder is in
/// `read` (by canonical path) is not read again.
pub fn evaluate_folder(
    root: &Folder,
    read: &HashMap<PathBuf, Folder>,
    inputs: &Inputs,
) -> Evaluated {
    let mut out = Evaluated::default();
    let dir = root.dir();
    let body = root.replay(&mut out);
    let manifest = ModuleManifest::read(dir, inputs, &mut out);
    let mut stack = vec![std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())];
    let tree = Tree {
        inputs,
        manifest: &manifest,
        read,
    };
    evaluate_as_root(dir, body, &tree, &mut stack, &mut out);
    out
}

/// Evaluates `body` as a root module: no address prefix, no inputs but
/// tfvars and the command line, no inherited provider regions.
fn evaluate_as_root(
    dir: &Path,
    body: &BodyIr,
    tree: &Tree<'_>,
    stack: &mut Vec<PathBuf>,
    out: &mut Evaluated,
) {
    let root = Call {
        prefix: "",
        key: "",
    };
    evaluate_module(dir, body, None, root, &Regions::default(), tree, stack, out);
}

/// Where a module is called from: its address prefix
/// (`module.eks.module.ng["gpu"].`) and its manifest key (`eks.ng`).
#[derive(Clone, Copy)]
struct Call<'a> {
    prefix: &'a str,
    key: &'a str,
}

/// What every module of one root shares: the command line's inputs and
/// where `terraform init` put the modules.
struct Tree<'a> {
    inputs: &'a Inputs,
    manifest: &'a ModuleManifest,
    /// Folders already read, by canonical path.
    read: &'a HashMap<PathBuf, Folder>,
}

impl Tree<'_> {
    /// The folder a module call reads, or why it cannot be read.
    fn resolve(&self, dir: &Path, key: &str, source: Option<&str>) -> Result<PathBuf, String> {
        let shown = source.unwrap_or("(none)");
        if let Some(source) = source.filter(|s| is_local(s)) {
            return Ok(clean(&dir.join(source)));
        }
        if let Some(found) = self.manifest.dir(key) {
            return Ok(found);
        }
        if let Some(source) = source {
            let wanted = source_key(source);
            if let Some((_, local)) = self
                .inputs
                .module_dirs
                .iter()
                .find(|(given, _)| source_key(given) == wanted)
            {
                return Ok(local.clone());
            }
        }
        Err(if self.manifest.found {
            format!("module source {shown} is not in .terraform/modules/modules.json; run terraform init again, pass --module-dir {shown}=DIR, or scan the plan JSON (terraform show -json)")
        } else {
            format!("module source {shown} was not downloaded (no .terraform/modules/modules.json: run terraform init), so its resources are not analysed; pass --module-dir {shown}=DIR for a local copy, or scan the plan JSON (terraform show -json)")
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn evaluate_module(
    dir: &Path,
    body: &BodyIr,
    module_inputs: Option<Vec<(String, Partial)>>,
    call: Call<'_>,
    parent_regions: &Regions,
    tree: &Tree<'_>,
    stack: &mut Vec<PathBuf>,
    out: &mut Evaluated,
) {
    let prefix = call.prefix;
    let inputs = tree.inputs;
    let base = eval::base_context();

    // Variables: defaults, then (root) tfvars and the command line, or
    // (child) inputs; each converted to its type (optional attributes
    // filled in); null given to a `nullable = false` variable takes its
    // default.
    struct Variable {
        name: String,
        value: Partial,
        is_string: bool,
        ty: Option<Expression>,
        default: Option<Partial>,
        nullable: bool,
    }
    let mut variables: Vec<Variable> = Vec::new();
    for block in body.blocks("variable") {
        let Some(name) = block.labels.first() else {
            continue;
        };
        let ty = block.body.attribute("type").map(|t| t.expr.clone());
        let is_string = matches!(&ty, Some(Expression::Variable(v)) if v.as_str() == "string");
        let default = block.body.attribute("default").map(|d| {
            let value = eval::partial(&d.expr, &base);
            match &ty {
                Some(ty) => types::convert(value, ty, &base),
                None => value,
            }
        });
        let nullable = block
            .body
            .attribute("nullable")
            .and_then(|n| eval::partial(&n.expr, &base).known().cloned())
            != Some(Value::Bool(false));
        variables.push(Variable {
            name: name.clone(),
            value: default.clone().unwrap_or_else(|| {
                Partial::Unknown(format!("var.{name} has no default and no value"))
            }),
            is_string,
            ty,
            default,
            nullable,
        });
    }
    let set = |variables: &mut Vec<Variable>, name: &str, value: Partial| {
        let Some(variable) = variables.iter_mut().find(|v| v.name == name) else {
            return;
        };
        let null = matches!(value, Partial::Known(Value::Null));
        variable.value = match (&variable.ty, null) {
            (_, true) if !variable.nullable => variable.default.clone().unwrap_or_else(|| {
                Partial::Unknown(format!(
                    "var.{name} is null but not nullable and has no default"
                ))
            }),
            (Some(ty), false) => types::convert(value, ty, &base),
            _ => value,
        };
    };
    match module_inputs {
        Some(values) => {
            for (name, value) in values {
                set(&mut variables, &name, value);
            }
        }
        None => {
            for (name, value) in tfvars(dir, inputs, out) {
                set(&mut variables, &name, value);
            }
            for (name, raw) in &inputs.vars {
                let is_string = variables
                    .iter()
                    .find(|v| &v.name == name)
                    .is_some_and(|v| v.is_string);
                let value = if is_string {
                    Partial::Known(Value::from(raw.clone()))
                } else {
                    raw.parse::<Expression>()
                        .ok()
                        .map(|expr| eval::partial(&expr, &base))
                        .filter(|p| p.known().is_some())
                        .unwrap_or_else(|| Partial::Known(Value::from(raw.clone())))
                };
                set(&mut variables, name, value);
            }
        }
    }
    // An unknown variable is left undeclared, so what uses it is unknown
    // too (not null, which Terraform would read as "not set").
    let var: Map<String, Value> = variables
        .iter()
        .filter(|v| !matches!(v.value, Partial::Unknown(_)))
        .map(|v| (v.name.clone(), v.value.known_parts()))
        .collect();

    let mut ctx = eval::base_context();
    ctx.declare_var("var", Value::Object(var));
    ctx.declare_var(
        "path",
        Value::Object(Map::from_iter([
            ("module".to_string(), Value::from(dir.display().to_string())),
            (
                "root".to_string(),
                Value::from(
                    stack
                        .first()
                        .map_or(String::new(), |p| p.display().to_string()),
                ),
            ),
            ("cwd".to_string(), Value::from(".")),
        ])),
    );
    ctx.declare_var(
        "terraform",
        Value::Object(Map::from_iter([(
            "workspace".to_string(),
            Value::from("default"),
        )])),
    );

    // Locals, to a fixed point (locals may refer to each other in any order).
    let local_attributes: Vec<&AttributeIr> = body
        .blocks("locals")
        .flat_map(|b| b.body.attributes.iter())
        .collect();
    let mut locals: Map<String, Value> = Map::new();
    let mut evaluated: Vec<(String, Partial)> = Vec::new();
    for _ in 0..=local_attributes.len().min(64) {
        let mut pass = ctx.clone();
        pass.declare_var("local", Value::Object(locals.clone()));
        evaluated = local_attributes
            .iter()
            .map(|attribute| {
                (
                    attribute.name.clone(),
                    eval::partial(&attribute.expr, &pass),
                )
            })
            .collect();
        let next: Map<String, Value> = evaluated
            .iter()
            .filter(|(_, value)| !matches!(value, Partial::Unknown(_)))
            .map(|(name, value)| (name.clone(), value.known_parts()))
            .collect();
        if next == locals {
            break;
        }
        locals = next;
    }
    ctx.declare_var("local", Value::Object(locals));
    if prefix.is_empty() {
        out.root_locals = evaluated;
    }

    // Provider regions: a module's own default providers, else its parent's.
    let mut regions = parent_regions.clone();
    for block in body.blocks("provider") {
        if block.body.attribute("alias").is_some() {
            continue;
        }
        let Some(name) = block.labels.first() else {
            continue;
        };
        let provider = if name == "google-beta" {
            "google"
        } else {
            name.as_str()
        };
        for key in ["region", "zone", "location"] {
            if let Some(Value::String(region)) = block
                .body
                .attribute(key)
                .and_then(|a| eval::partial(&a.expr, &ctx).known().cloned())
            {
                regions.by_provider.insert(provider.to_string(), region);
                break;
            }
        }
    }

    for block in body.blocks("resource") {
        let (Some(resource_type), Some(name)) = (block.labels.first(), block.labels.get(1)) else {
            continue;
        };
        if !resources::SUPPORTED.contains(&resource_type.as_str()) {
            continue;
        }
        let address = format!("{prefix}{resource_type}.{name}");
        for (key, instance_ctx) in expand(&block.body, &ctx, &address, out) {
            let mut found = Collected::default();
            let values = body_json(&block.body, &instance_ctx, "", &mut found, prefix, 0);
            out.instances.push(ResourceInstance {
                address: format!("{address}{key}"),
                resource_type: resource_type.clone(),
                attributes: Attributes {
                    values: serde_json::Value::Object(values),
                    unknown: found.unknown,
                    locations: found.locations,
                    value_locations: found.value_locations,
                    block_location: block.location.clone(),
                },
                references: found.references,
                provider_region: regions.for_type(resource_type),
                suppressions: suppressions(&block.source, block.span.0, block.span.1),
                change: None,
            });
        }
    }

    for block in body.blocks("module") {
        let Some(name) = block.labels.first() else {
            continue;
        };
        let module_address = format!("{prefix}module.{name}");
        let source = block.body.attribute("source").and_then(|s| match &s.expr {
            Expression::String(source) => Some(source.clone()),
            _ => None,
        });
        // A call that creates no instance (count 0, an empty for_each) reads nothing.
        let instances = expand(&block.body, &ctx, &module_address, out);
        if instances.is_empty() {
            continue;
        }
        let key = if call.key.is_empty() {
            name.clone()
        } else {
            format!("{}.{name}", call.key)
        };
        let child_dir = match tree.resolve(dir, &key, source.as_deref()) {
            Ok(found) => found,
            Err(reason) => {
                out.skipped.push(Skipped {
                    path: block.location.to_string(),
                    reason: format!("{module_address}: {reason}"),
                    what: "module",
                });
                continue;
            }
        };
        let source = source.unwrap_or_default();
        let canonical = std::fs::canonicalize(&child_dir).ok();
        // A folder named with --module-dir is read wherever it is.
        let named = inputs
            .module_dirs
            .iter()
            .filter_map(|(_, dir)| std::fs::canonicalize(dir).ok());
        let allowed: Vec<PathBuf> = inputs.roots.iter().cloned().chain(named).collect();
        let inside = canonical
            .as_ref()
            .is_some_and(|c| allowed.iter().any(|root| c.starts_with(root)));
        if !inside {
            out.skipped.push(Skipped {
                path: block.location.to_string(),
                reason: format!("{module_address}: module source {source} is outside the scanned paths (or missing); not read"),
                what: "module",
            });
            continue;
        }
        let canonical = canonical.unwrap_or_default();
        if stack.contains(&canonical) || stack.len() >= MAX_MODULE_DEPTH {
            out.skipped.push(Skipped {
                path: block.location.to_string(),
                reason: format!("{module_address}: module {source} calls itself or nests too deep; not read again"),
                what: "module",
            });
            continue;
        }
        // A folder the scan already read (under the same name) is not read again.
        let loaded;
        let child_body = match tree.read.get(&canonical) {
            Some(folder) if folder.dir() == child_dir => folder.replay(out),
            _ => {
                loaded = load_folder(&child_dir, inputs, out);
                &loaded
            }
        };
        let call_key = key;
        for (key, instance_ctx) in instances {
            let module_values: Vec<(String, Partial)> = block
                .body
                .attributes
                .iter()
                .filter(|a| {
                    !matches!(
                        a.name.as_str(),
                        "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                    )
                })
                .map(|a| (a.name.clone(), eval::partial(&a.expr, &instance_ctx)))
                .collect();
            stack.push(canonical.clone());
            evaluate_module(
                &child_dir,
                child_body,
                Some(module_values),
                Call {
                    prefix: &format!("{module_address}{key}."),
                    key: &call_key,
                },
                &regions,
                tree,
                stack,
                out,
            );
            stack.pop();
        }
    }
}

/// `count` and `for_each` → (address key, context with `count`/`each`).
fn expand<'a>(
    body: &BodyIr,
    ctx: &'a Context<'a>,
    address: &str,
    out: &mut Evaluated,
) -> Vec<(String, Context<'a>)> {
    if let Some(count) = body.attribute("count") {
        return match eval::partial(&count.expr, ctx).known() {
            Some(value) => {
                let n = match value {
                    Value::Number(n) => n.as_f64().unwrap_or(0.0),
                    Value::String(s) => s.parse().unwrap_or(0.0),
                    Value::Bool(b) => f64::from(u8::from(*b)),
                    _ => 0.0,
                };
                let n = (n.max(0.0) as usize).min(MAX_INSTANCES);
                (0..n)
                    .map(|index| {
                        let mut child = ctx.clone();
                        child.declare_var(
                            "count",
                            Value::Object(Map::from_iter([(
                                "index".to_string(),
                                Value::from(index as u64),
                            )])),
                        );
                        (format!("[{index}]"), child)
                    })
                    .collect()
            }
            None => {
                let mut child = ctx.clone();
                child.declare_var(
                    "count",
                    Value::Object(Map::from_iter([("index".to_string(), Value::from(0))])),
                );
                unknown_expansion(address, "count", &count.location, out);
                vec![(String::new(), child)]
            }
        };
    }
    if let Some(for_each) = body.attribute("for_each") {
        let value = eval::partial(&for_each.expr, ctx);
        let entries: Option<Vec<(String, Value)>> = match value.known() {
            Some(Value::Object(map)) => {
                let mut entries: Vec<(String, Value)> =
                    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Some(entries)
            }
            Some(Value::Array(items)) => {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect();
                keys.sort();
                keys.dedup();
                Some(
                    keys.into_iter()
                        .map(|k| (k.clone(), Value::from(k)))
                        .collect(),
                )
            }
            _ => None,
        };
        return match entries {
            Some(entries) => entries
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(key, value)| {
                    let mut child = ctx.clone();
                    child.declare_var(
                        "each",
                        Value::Object(Map::from_iter([
                            ("key".to_string(), Value::from(key.clone())),
                            ("value".to_string(), value),
                        ])),
                    );
                    (
                        format!("[{}]", serde_json::to_string(&key).unwrap_or_default()),
                        child,
                    )
                })
                .collect(),
            None => {
                unknown_expansion(address, "for_each", &for_each.location, out);
                vec![(String::new(), ctx.clone())]
            }
        };
    }
    vec![(String::new(), ctx.clone())]
}

fn unknown_expansion(address: &str, what: &str, location: &Location, out: &mut Evaluated) {
    out.skipped.push(Skipped {
        path: location.to_string(),
        reason: format!(
            "{address}: {what} cannot be evaluated before apply; analysed as a single instance"
        ),
        what: "expansion",
    });
}

/// What evaluating a resource body records beside its values.
#[derive(Default)]
struct Collected {
    unknown: HashMap<String, String>,
    locations: HashMap<String, Location>,
    value_locations: HashMap<String, Location>,
    references: HashMap<String, Vec<String>>,
}

/// A body's attributes and blocks as Terraform-shaped JSON (blocks are
/// arrays of objects), recording unknown paths, locations and references.
fn body_json(
    body: &BodyIr,
    ctx: &Context<'_>,
    path: &str,
    found: &mut Collected,
    prefix: &str,
    depth: usize,
) -> serde_json::Map<String, serde_json::Value> {
    const META: [&str; 7] = [
        "count",
        "for_each",
        "provider",
        "depends_on",
        "lifecycle",
        "provisioner",
        "connection",
    ];
    let join = |key: &str| super::values::child_path(path, key);
    let mut out = serde_json::Map::new();
    if depth > 32 {
        return out;
    }
    for attribute in &body.attributes {
        if path.is_empty() && META.contains(&attribute.name.as_str()) {
            continue;
        }
        let attribute_path = join(&attribute.name);
        let value = eval::partial(&attribute.expr, ctx);
        out.insert(
            attribute.name.clone(),
            value.to_json(&attribute_path, &mut found.unknown),
        );
        found
            .locations
            .insert(attribute_path.clone(), attribute.key_location.clone());
        found
            .value_locations
            .insert(attribute_path.clone(), attribute.location.clone());
        for (index, item) in attribute.item_locations.iter().enumerate() {
            found
                .value_locations
                .insert(format!("{attribute_path}.{index}"), item.clone());
        }
        let mut referenced = Vec::new();
        eval::references(&attribute.expr, prefix, &mut referenced);
        if !referenced.is_empty() {
            found.references.insert(attribute_path, referenced);
        }
    }
    fn push_block(
        out: &mut serde_json::Map<String, serde_json::Value>,
        ident: &str,
        object: serde_json::Map<String, serde_json::Value>,
    ) {
        let list = out
            .entry(ident.to_string())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(items) = list {
            items.push(serde_json::Value::Object(object));
        }
    }
    fn next_index(out: &serde_json::Map<String, serde_json::Value>, ident: &str) -> usize {
        out.get(ident)
            .and_then(serde_json::Value::as_array)
            .map_or(0, Vec::len)
    }
    for block in &body.blocks {
        if path.is_empty() && META.contains(&block.ident.as_str()) {
            continue;
        }
        if block.ident == "dynamic" {
            let Some(kind) = block.labels.first() else {
                continue;
            };
            let iterator = block
                .body
                .attribute("iterator")
                .and_then(|i| match &i.expr {
                    Expression::Variable(v) => Some(v.as_str().to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| kind.clone());
            let Some(content) = block.body.blocks("content").next() else {
                continue;
            };
            let items = block
                .body
                .attribute("for_each")
                .map(|f| eval::partial(&f.expr, ctx));
            let entries: Vec<(Value, Value)> = match items.as_ref().and_then(Partial::known) {
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::from(i as u64), v.clone()))
                    .collect(),
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| (Value::from(k.clone()), v.clone()))
                    .collect(),
                _ => {
                    found.unknown.insert(
                        join(kind),
                        "a dynamic block's for_each cannot be evaluated before apply".into(),
                    );
                    continue;
                }
            };
            for (key, value) in entries.into_iter().take(MAX_INSTANCES) {
                let mut child = ctx.clone();
                child.declare_var(
                    iterator.as_str(),
                    Value::Object(Map::from_iter([
                        ("key".to_string(), key),
                        ("value".to_string(), value),
                    ])),
                );
                let index = next_index(&out, kind);
                let object = body_json(
                    &content.body,
                    &child,
                    &join(&format!("{kind}.{index}")),
                    found,
                    prefix,
                    depth + 1,
                );
                push_block(&mut out, kind, object);
            }
            continue;
        }
        let index = next_index(&out, &block.ident);
        let block_path = join(&format!("{}.{index}", block.ident));
        found
            .locations
            .insert(block_path.clone(), block.location.clone());
        let object = body_json(&block.body, ctx, &block_path, found, prefix, depth + 1);
        push_block(&mut out, &block.ident, object);
    }
    out
}

/// Values from `terraform.tfvars`, `*.auto.tfvars` (and `.json`) in `dir`,
/// then `--var-file` files, in Terraform's order.
fn tfvars(dir: &Path, inputs: &Inputs, out: &mut Evaluated) -> Vec<(String, Partial)> {
    let mut files: Vec<PathBuf> = Vec::new();
    // Standard input has no folder (an empty `dir`): nothing beside it is read.
    if !dir.as_os_str().is_empty() {
        for name in ["terraform.tfvars", "terraform.tfvars.json"] {
            let path = dir.join(name);
            if path.is_file() {
                files.push(path);
            }
        }
        files.extend(discover::files_in(
            dir,
            &[".auto.tfvars", ".auto.tfvars.json"],
        ));
    }
    files.extend(inputs.var_files.iter().cloned());
    let base = eval::base_context();
    let mut values = Vec::new();
    for file in files {
        let input = Input::File {
            path: file.clone(),
            explicit: true,
        };
        let source = match discover::read_source(&input, inputs.max_file_size) {
            Ok(source) => Arc::new(source),
            Err(unreadable) => {
                out.problems.push(Problem::unreadable(&unreadable));
                continue;
            }
        };
        let body = if file.to_string_lossy().ends_with(".json") {
            match json::parse_keeping_duplicates(&source.text, &yaml::Limits::default()) {
                Ok(document) => {
                    json_duplicate_keys(&document, &source, out);
                    json_body(document.root(), &source)
                }
                Err(error) => {
                    out.problems.push(Problem {
                        message: format!("invalid JSON: {}", error.message),
                        location: source.location(error.offset, 0),
                    });
                    continue;
                }
            }
        } else {
            match crate::parse::hcl::parse(&source) {
                Ok(parsed) => from_edit(&parsed, &source),
                Err(error) => {
                    out.problems.push(Problem {
                        message: format!("invalid HCL: {}", error.message),
                        location: source.location(error.offset, 0),
                    });
                    continue;
                }
            }
        };
        for attribute in &body.attributes {
            values.push((
                attribute.name.clone(),
                eval::partial(&attribute.expr, &base),
            ));
        }
        out.sources.push(source);
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::terraform::values::Attr;

    fn module(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tcolint-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, text) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn evaluate(dir: &Path, vars: &[(&str, &str)]) -> Evaluated {
        let inputs = Inputs {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            var_files: Vec::new(),
            roots: vec![std::fs::canonicalize(dir).unwrap()],
            max_file_size: 1 << 20,
            module_dirs: Vec::new(),
        };
        evaluate_root(dir, &inputs)
    }

    fn instance<'a>(out: &'a Evaluated, address: &str) -> &'a ResourceInstance {
        out.instances
            .iter()
            .find(|i| i.address == address)
            .unwrap_or_else(|| {
                panic!(
                    "no {address} in {:?}",
                    out.instances.iter().map(|i| &i.address).collect::<Vec<_>>()
                )
            })
    }

    #[test]
    fn variables_locals_count_and_for_each() {
        let dir = module(
            "basics",
            &[
                (
                    "variables.tf",
                    "variable \"region\" { default = \"us-west-2\" }\nvariable \"gpu_type\" {\n  type = string\n  default = \"g5.xlarge\"\n}\nvariable \"replicas\" { default = 1 }\nvariable \"pools\" {\n  default = { a10g = \"g5.2xlarge\", l4 = \"g6.xlarge\" }\n}\n",
                ),
                ("terraform.tfvars", "region = \"us-east-1\"\n"),
                ("extra.auto.tfvars", "replicas = 2\n"),
                (
                    "main.tf",
                    "provider \"aws\" { region = var.region }\nlocals {\n  size = local.base * 2\n  base = var.replicas\n  tags = merge({ team = \"ml\" }, { env = \"prod\" })\n}\nresource \"aws_instance\" \"gpu\" {\n  count         = local.size\n  instance_type = lookup({ big = \"p4d.24xlarge\" }, \"small\", var.gpu_type)\n  tags          = local.tags\n}\nresource \"aws_eks_node_group\" \"pool\" {\n  for_each       = var.pools\n  instance_types = [each.value]\n  node_role_arn  = aws_iam_role.node.arn\n  scaling_config {\n    min_size = try(var.missing, 1)\n    max_size = max(2, 3)\n  }\n}\n",
                ),
            ],
        );
        let out = evaluate(&dir, &[("gpu_type", "g6.xlarge")]);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let addresses: Vec<&str> = out.instances.iter().map(|i| i.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "aws_instance.gpu[0]",
                "aws_instance.gpu[1]",
                "aws_instance.gpu[2]",
                "aws_instance.gpu[3]",
                "aws_eks_node_group.pool[\"a10g\"]",
                "aws_eks_node_group.pool[\"l4\"]",
            ]
        );
        let gpu = instance(&out, "aws_instance.gpu[3]");
        assert_eq!(
            gpu.attributes.view().string("instance_type"),
            Attr::Known("g6.xlarge".into())
        );
        assert_eq!(gpu.provider_region.as_deref(), Some("us-east-1"));
        assert_eq!(gpu.attributes.values["tags"]["env"], "prod");
        let pool = instance(&out, "aws_eks_node_group.pool[\"l4\"]");
        let view = pool.attributes.view();
        assert_eq!(
            view.strings("instance_types"),
            Attr::Known(vec!["g6.xlarge".into()])
        );
        let scaling = view.block("scaling_config").unwrap();
        assert_eq!(
            (scaling.count("min_size"), scaling.count("max_size")),
            (Attr::Known(1), Attr::Known(3))
        );
        assert!(
            matches!(view.string("node_role_arn"), Attr::Unknown(reason) if reason.contains("aws_iam_role.node.arn"))
        );
        assert_eq!(view.location("instance_types").line, 14);
    }

    #[test]
    fn local_modules_get_their_inputs_and_remote_ones_are_noted() {
        let dir = module(
            "modules",
            &[
                (
                    "main.tf",
                    "module \"pool\" {\n  source   = \"./modules/pool\"\n  for_each = toset([\"train\", \"serve\"])\n  name     = each.key\n  size     = each.key == \"train\" ? 4 : 1\n}\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\nmodule \"outside\" {\n  source = \"../../elsewhere\"\n}\nresource \"aws_launch_template\" \"lt\" {\n  instance_type = \"g5.xlarge\"\n}\nresource \"aws_autoscaling_group\" \"asg\" {\n  min_size = 1\n  max_size = 2\n  launch_template {\n    id = aws_launch_template.lt.id\n  }\n}\n",
                ),
                (
                    "modules/pool/main.tf",
                    "variable \"name\" {}\nvariable \"size\" { default = 1 }\nresource \"aws_instance\" \"node\" {\n  count = var.size\n  instance_type = \"g5.xlarge\"\n  tags = { Name = var.name }\n  dynamic \"ebs_block_device\" {\n    for_each = [100, 200]\n    content {\n      volume_size = ebs_block_device.value\n    }\n  }\n}\n",
                ),
            ],
        );
        let out = evaluate(&dir, &[]);
        let addresses: Vec<&str> = out.instances.iter().map(|i| i.address.as_str()).collect();
        assert_eq!(addresses.len(), 2 + 5, "{addresses:?}");
        let node = instance(&out, "module.pool[\"train\"].aws_instance.node[3]");
        assert_eq!(node.attributes.values["tags"]["Name"], "train");
        assert_eq!(
            node.attributes.values["ebs_block_device"][1]["volume_size"],
            200
        );
        instance(&out, "module.pool[\"serve\"].aws_instance.node[0]");
        let asg = instance(&out, "aws_autoscaling_group.asg");
        assert_eq!(
            asg.references["launch_template.0.id"],
            ["aws_launch_template.lt"]
        );
        let reasons: Vec<&str> = out.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("module.vpc") && r.contains("was not downloaded")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("module.outside") && r.contains("outside the scanned paths")),
            "{reasons:?}"
        );
    }

    #[test]
    fn typed_variables_follow_terraform_null_and_optional_rules() {
        let dir = module(
            "typed",
            &[
                (
                    "main.tf",
                    "module \"ng\" {\n  source = \"./ng\"\n  for_each = var.groups\n  min_size = each.value.min_size\n  max_size = each.value.max_size\n  types = each.value.types\n}\nvariable \"groups\" {\n  type = map(object({\n    min_size = optional(number)\n    max_size = optional(number, 5)\n    types    = optional(list(string), [\"g5.xlarge\"])\n  }))\n  default = { a = {}, b = { min_size = 2, max_size = null, types = [\"g6.xlarge\"] } }\n}\n",
                ),
                (
                    "ng/main.tf",
                    "variable \"min_size\" {\n  type = number\n  default = 1\n  nullable = false\n}\nvariable \"max_size\" {\n  type = number\n  default = 9\n}\nvariable \"types\" { type = list(string) }\nresource \"aws_eks_node_group\" \"this\" {\n  instance_types = var.types\n  scaling_config {\n    min_size = var.min_size\n    max_size = var.max_size\n  }\n}\n",
                ),
            ],
        );
        let out = evaluate(&dir, &[]);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let scaling = |key: &str| {
            let group = instance(
                &out,
                &format!("module.ng[\"{key}\"].aws_eks_node_group.this"),
            );
            let view = group.attributes.view();
            let block = view.block("scaling_config").unwrap();
            (
                block.count("min_size"),
                block.count("max_size"),
                view.strings("instance_types"),
            )
        };
        // a: min_size left out → null → not nullable, so the default 1;
        // max_size left out → its optional default 5; types → its default.
        assert_eq!(
            scaling("a"),
            (
                Attr::Known(1),
                Attr::Known(5),
                Attr::Known(vec!["g5.xlarge".into()])
            )
        );
        // b: max_size = null → optional default 5 (null counts as left out).
        assert_eq!(
            scaling("b"),
            (
                Attr::Known(2),
                Attr::Known(5),
                Attr::Known(vec!["g6.xlarge".into()])
            )
        );
    }

    #[test]
    fn null_to_a_nullable_variable_overrides_its_default() {
        let dir = module(
            "nullable",
            &[
                (
                    "main.tf",
                    "module \"m\" {\n  source = \"./m\"\n  size = null\n}\n",
                ),
                (
                    "m/main.tf",
                    "variable \"size\" { default = \"g5.xlarge\" }\nresource \"aws_instance\" \"x\" {\n  instance_type = coalesce(var.size, \"m5.large\")\n}\n",
                ),
            ],
        );
        let out = evaluate(&dir, &[]);
        let x = instance(&out, "module.m.aws_instance.x");
        assert_eq!(
            x.attributes.view().string("instance_type"),
            Attr::Known("m5.large".into())
        );
    }

    #[test]
    fn unknown_counts_and_bad_files_are_reported_not_fatal() {
        let dir = module(
            "unknowns",
            &[
                ("main.tf", "resource \"aws_instance\" \"x\" {\n  count = length(data.aws_subnets.all.ids)\n  instance_type = \"g5.xlarge\"\n}\n"),
                ("broken.tf", "resource \"aws_instance\" \"y\" {\n  instance_type = \n"),
                ("json.tf.json", "{\"resource\": {\"aws_instance\": {\"z\": {\"instance_type\": \"${var.type}\", \"count\": 2}}}, \"variable\": {\"type\": {\"default\": \"g6.xlarge\"}}}"),
            ],
        );
        let out = evaluate(&dir, &[]);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].message.starts_with("invalid HCL"));
        assert_eq!(out.problems[0].location.line, 2);
        instance(&out, "aws_instance.x");
        assert!(out.skipped.iter().any(|s| s.what == "expansion"));
        let z = instance(&out, "aws_instance.z[1]");
        assert_eq!(
            z.attributes.view().string("instance_type"),
            Attr::Known("g6.xlarge".into())
        );
    }
}
