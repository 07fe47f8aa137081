//! Evaluating Terraform expressions with hcl-rs: the context (`var`,
//! `local`, `count`, `each`, `path`), Terraform's common functions, `try`
//! and `can`, and partial evaluation that keeps every part it can and marks
//! the rest unknown (resource attributes, data sources, module outputs).

use std::collections::HashMap;

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::expr::{Expression, FuncCall, Operation, TraversalOperator};
use hcl::{Map, Value};

/// A value that may be known only in parts.
#[derive(Clone, Debug)]
pub enum Partial {
    /// Fully known.
    Known(Value),
    /// Not known before apply (or not evaluable here), with why.
    Unknown(String),
    /// A list some of whose items are unknown.
    Array(Vec<Partial>),
    /// An object some of whose values are unknown.
    Object(Vec<(String, Partial)>),
}

impl Partial {
    /// The value with unknown parts dropped (unknown object entries
    /// removed, unknown list items null), for use as a variable or local:
    /// references to the known parts then evaluate.
    pub fn known_parts(&self) -> Value {
        match self {
            Partial::Known(value) => value.clone(),
            Partial::Unknown(_) => Value::Null,
            Partial::Array(items) => Value::Array(items.iter().map(Partial::known_parts).collect()),
            Partial::Object(entries) => Value::Object(
                entries
                    .iter()
                    .filter(|(_, value)| !matches!(value, Partial::Unknown(_)))
                    .map(|(key, value)| (key.clone(), value.known_parts()))
                    .collect(),
            ),
        }
    }

    /// The fully known value, if it is.
    pub fn known(&self) -> Option<&Value> {
        match self {
            Partial::Known(value) => Some(value),
            _ => None,
        }
    }

    /// Converts to JSON, recording the dotted paths of unknown parts.
    pub fn to_json(&self, path: &str, unknown: &mut HashMap<String, String>) -> serde_json::Value {
        let join = |key: &str| super::values::child_path(path, key);
        match self {
            Partial::Known(value) => serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
            Partial::Unknown(why) => {
                unknown.insert(path.to_string(), why.clone());
                serde_json::Value::Null
            }
            Partial::Array(items) => serde_json::Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| item.to_json(&join(&index.to_string()), unknown))
                    .collect(),
            ),
            Partial::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_json(&join(key), unknown)))
                    .collect(),
            ),
        }
    }
}

/// Evaluates `expr` as far as it can.
pub fn partial(expr: &Expression, ctx: &Context<'_>) -> Partial {
    match expr {
        Expression::Array(items) => {
            let parts: Vec<Partial> = items.iter().map(|item| partial(item, ctx)).collect();
            if parts.iter().all(|p| matches!(p, Partial::Known(_))) {
                Partial::Known(Value::Array(
                    parts
                        .into_iter()
                        .filter_map(|p| p.known().cloned())
                        .collect(),
                ))
            } else {
                Partial::Array(parts)
            }
        }
        Expression::Object(object) => {
            let mut entries = Vec::new();
            for (key, value) in object {
                let key = match key {
                    hcl::ObjectKey::Identifier(identifier) => identifier.to_string(),
                    hcl::ObjectKey::Expression(key_expr) => match evaluate(key_expr, ctx) {
                        Ok(Value::String(text)) => text,
                        Ok(other) => other.to_string(),
                        Err(why) => return Partial::Unknown(why),
                    },
                    _ => return Partial::Unknown("an unsupported object key".into()),
                };
                entries.push((key, partial(value, ctx)));
            }
            if entries.iter().all(|(_, p)| matches!(p, Partial::Known(_))) {
                let map: Map<String, Value> = entries
                    .into_iter()
                    .filter_map(|(k, p)| p.known().cloned().map(|v| (k, v)))
                    .collect();
                Partial::Known(Value::Object(map))
            } else {
                Partial::Object(entries)
            }
        }
        Expression::Parenthesis(inner) => partial(inner, ctx),
        _ => match evaluate(expr, ctx) {
            Ok(value) => Partial::Known(value),
            Err(why) => Partial::Unknown(why),
        },
    }
}

/// Evaluates `expr` completely, or says why it cannot.
pub fn evaluate(expr: &Expression, ctx: &Context<'_>) -> Result<Value, String> {
    let resolved = resolve_try(expr, ctx);
    let value = resolved.evaluate(ctx).map_err(|_| describe(expr))?;
    if has_non_finite(&value) {
        // `x / 0` (±Inf in Terraform, an error as a count or size), `0 / 0`
        // (an error in Terraform) and doubles' overflow (`1e308 * 10`,
        // exact in Terraform): no number to read.
        return Err(format!(
            "{} has no finite value (a division by zero or an overflow)",
            expression_text(expr)
        ));
    }
    Ok(value)
}

/// Whether `value` holds an infinite or NaN number anywhere.
fn has_non_finite(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|n| !n.is_finite()),
        Value::Array(items) => items.iter().any(has_non_finite),
        Value::Object(entries) => entries.values().any(has_non_finite),
        _ => false,
    }
}

/// How an expression that cannot be evaluated is reported.
pub fn describe(expr: &Expression) -> String {
    format!(
        "{} cannot be evaluated without applying",
        expression_text(expr)
    )
}

/// `expr` as written (its first 120 characters), for messages.
fn expression_text(expr: &Expression) -> String {
    let text = hcl::format::to_string(expr).unwrap_or_else(|_| "an expression".into());
    let text: String = text.chars().take(120).collect();
    text.trim().to_string()
}

/// Replaces `try(...)` and `can(...)` calls by their results, which hcl-rs
/// cannot compute (it evaluates arguments before calling a function).
fn resolve_try(expr: &Expression, ctx: &Context<'_>) -> Expression {
    match expr {
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && matches!(call.name.name.as_str(), "try" | "can") =>
        {
            let is_can = call.name.name.as_str() == "can";
            for arg in &call.args {
                // `evaluate`, not hcl's: a division by zero is no value.
                if let Ok(value) = evaluate(arg, ctx) {
                    return if is_can {
                        Expression::Bool(true)
                    } else {
                        Expression::from(value)
                    };
                }
                if is_can {
                    return Expression::Bool(false);
                }
            }
            expr.clone()
        }
        Expression::FuncCall(call) => {
            let mut call: FuncCall = (**call).clone();
            call.args = call.args.iter().map(|arg| resolve_try(arg, ctx)).collect();
            Expression::FuncCall(Box::new(call))
        }
        Expression::Array(items) => {
            Expression::Array(items.iter().map(|i| resolve_try(i, ctx)).collect())
        }
        Expression::Object(object) => Expression::Object(
            object
                .iter()
                .map(|(key, value)| (key.clone(), resolve_try(value, ctx)))
                .collect(),
        ),
        Expression::Parenthesis(inner) => {
            Expression::Parenthesis(Box::new(resolve_try(inner, ctx)))
        }
        // A `for` body is evaluated per element, so `try` inside it can only
        // be resolved while iterating.
        Expression::ForExpr(for_expr) => match evaluate_for(for_expr, ctx) {
            Ok(value) => Expression::from(value),
            Err(_) => expr.clone(),
        },
        Expression::Conditional(conditional) => {
            let mut conditional = (**conditional).clone();
            conditional.cond_expr = resolve_try(&conditional.cond_expr, ctx);
            conditional.true_expr = resolve_try(&conditional.true_expr, ctx);
            conditional.false_expr = resolve_try(&conditional.false_expr, ctx);
            Expression::Conditional(Box::new(conditional))
        }
        Expression::Operation(operation) => {
            let operation = match &**operation {
                Operation::Unary(unary) => {
                    let mut unary = unary.clone();
                    unary.expr = resolve_try(&unary.expr, ctx);
                    Operation::Unary(unary)
                }
                Operation::Binary(binary) => {
                    let mut binary = binary.clone();
                    binary.lhs_expr = resolve_try(&binary.lhs_expr, ctx);
                    binary.rhs_expr = resolve_try(&binary.rhs_expr, ctx);
                    Operation::Binary(binary)
                }
            };
            Expression::Operation(Box::new(operation))
        }
        _ => expr.clone(),
    }
}

/// Evaluates a `for` expression element by element, with `try` resolved
/// in each element's scope.
fn evaluate_for(for_expr: &hcl::expr::ForExpr, ctx: &Context<'_>) -> Result<Value, String> {
    let collection = evaluate(&for_expr.collection_expr, ctx)?;
    let elements: Vec<(Value, Value)> = match collection {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| (Value::from(index as u64), item))
            .collect(),
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect()
        }
        _ => return Err("a for expression needs a list or a map".into()),
    };
    let mut list = Vec::new();
    let mut object: Map<String, Value> = Map::new();
    let mut groups: Map<String, Value> = Map::new();
    for (key, value) in elements {
        let mut scope = ctx.clone();
        if let Some(key_var) = &for_expr.key_var {
            scope.declare_var(key_var.clone(), key);
        }
        scope.declare_var(for_expr.value_var.clone(), value);
        if let Some(condition) = &for_expr.cond_expr {
            if evaluate(condition, &scope)? != Value::Bool(true) {
                continue;
            }
        }
        let item = evaluate(&for_expr.value_expr, &scope)?;
        match &for_expr.key_expr {
            Some(key_expr) => {
                let key = match evaluate(key_expr, &scope)? {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                if for_expr.grouping {
                    let entry = groups
                        .entry(key)
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = entry {
                        items.push(item);
                    }
                } else {
                    object.insert(key, item);
                }
            }
            None => list.push(item),
        }
    }
    Ok(match &for_expr.key_expr {
        Some(_) if for_expr.grouping => Value::Object(groups),
        Some(_) => Value::Object(object),
        None => Value::Array(list),
    })
}

/// Names that are not resource types when they start a traversal.
const NOT_RESOURCES: [&str; 9] = [
    "var",
    "local",
    "data",
    "module",
    "each",
    "count",
    "path",
    "terraform",
    "self",
];

/// Resource addresses (`aws_launch_template.x`) an expression refers to.
pub fn references(expr: &Expression, prefix: &str, out: &mut Vec<String>) {
    match expr {
        Expression::Traversal(traversal) => {
            if let Expression::Variable(root) = &traversal.expr {
                let root = root.as_str();
                if root.contains('_') && !NOT_RESOURCES.contains(&root) {
                    if let Some(TraversalOperator::GetAttr(name)) = traversal.operators.first() {
                        out.push(format!("{prefix}{root}.{name}"));
                    }
                }
            } else {
                references(&traversal.expr, prefix, out);
            }
            for operator in &traversal.operators {
                if let TraversalOperator::Index(index) = operator {
                    references(index, prefix, out);
                }
            }
        }
        Expression::FuncCall(call) => call.args.iter().for_each(|a| references(a, prefix, out)),
        Expression::Array(items) => items.iter().for_each(|i| references(i, prefix, out)),
        Expression::Object(object) => object.values().for_each(|v| references(v, prefix, out)),
        Expression::Parenthesis(inner) => references(inner, prefix, out),
        Expression::Conditional(c) => {
            references(&c.cond_expr, prefix, out);
            references(&c.true_expr, prefix, out);
            references(&c.false_expr, prefix, out);
        }
        Expression::Operation(operation) => match &**operation {
            Operation::Unary(unary) => references(&unary.expr, prefix, out),
            Operation::Binary(binary) => {
                references(&binary.lhs_expr, prefix, out);
                references(&binary.rhs_expr, prefix, out);
            }
        },
        _ => {}
    }
}

/// A context with Terraform's common functions declared.
pub fn base_context() -> Context<'static> {
    let mut ctx = Context::new();
    let functions: [(&str, hcl::eval::Func); 34] = [
        ("merge", merge),
        ("lookup", lookup),
        ("concat", concat),
        ("length", length),
        ("tolist", tolist),
        ("toset", toset),
        ("tomap", identity),
        ("coalesce", coalesce),
        ("format", format),
        ("min", min),
        ("max", max),
        ("upper", upper),
        ("lower", lower),
        ("join", join),
        ("split", split),
        ("element", element),
        ("keys", keys),
        ("values", values),
        ("contains", contains),
        ("tostring", tostring),
        ("tonumber", tonumber),
        ("flatten", flatten),
        ("distinct", distinct),
        ("range", range),
        ("replace", replace),
        ("substr", substr),
        ("trimspace", trimspace),
        ("ceil", ceil),
        ("floor", floor),
        ("abs", abs),
        ("zipmap", zipmap),
        ("compact", compact),
        ("startswith", startswith),
        ("endswith", endswith),
    ];
    for (name, func) in functions {
        ctx.declare_func(
            name,
            FuncDef::builder()
                .variadic_param(ParamType::Any)
                .build(func),
        );
    }
    ctx
}

fn arity(args: &FuncArgs, min: usize, max: usize, name: &str) -> Result<(), String> {
    if args.len() < min || args.len() > max {
        Err(format!("{name}: wrong number of arguments"))
    } else {
        Ok(())
    }
}

/// A finite number: ±Inf (`1/0`, `tonumber("inf")`) and NaN are values
/// Terraform keeps but no count or size can be read from, and hcl turns
/// them into null, so a function given one has no result here.
fn number(value: &Value) -> Result<f64, String> {
    let number = match value {
        Value::Number(number) => number.as_f64().ok_or_else(|| "not a number".to_string()),
        Value::String(text) => text
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("{text:?} is not a number")),
        other => Err(format!("{other} is not a number")),
    }?;
    if number.is_finite() {
        Ok(number)
    } else {
        Err(format!("{value} is not a finite number"))
    }
}

fn from_f64(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Err("null is not a string".into()),
        other => Err(format!("{other} is not a string")),
    }
}

fn list(value: &Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        other => Err(format!("{other} is not a list")),
    }
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = Map::new();
    for arg in args.iter() {
        match arg {
            Value::Object(map) => out.extend(map.clone()),
            Value::Null => {}
            other => return Err(format!("merge: {other} is not a map")),
        }
    }
    Ok(Value::Object(out))
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 3, "lookup")?;
    let Value::Object(map) = &args[0] else {
        return Err("lookup: not a map".into());
    };
    match map.get(&text(&args[1])?) {
        Some(value) => Ok(value.clone()),
        None => args
            .get(2)
            .cloned()
            .ok_or_else(|| "lookup: no such key and no default".into()),
    }
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    for arg in args.iter() {
        out.extend(list(arg)?);
    }
    Ok(Value::Array(out))
}

fn length(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "length")?;
    Ok(Value::from(match &args[0] {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        Value::String(text) => text.chars().count(),
        other => return Err(format!("length: {other} has no length")),
    }))
}

fn tolist(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "tolist")?;
    Ok(Value::Array(list(&args[0])?))
}

fn toset(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "toset")?;
    let mut items = list(&args[0])?;
    items.sort_by_key(|v| v.to_string());
    items.dedup();
    Ok(Value::Array(items))
}

fn identity(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "tomap")?;
    Ok(args[0].clone())
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|value| {
            !matches!(value, Value::Null) && !matches!(value, Value::String(s) if s.is_empty())
        })
        .cloned()
        .ok_or_else(|| "coalesce: no non-null argument".into())
}

fn format(args: FuncArgs) -> Result<Value, String> {
    let Some(spec) = args.first() else {
        return Err("format: no format".into());
    };
    let spec = text(spec)?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Skip flags, width and precision: `%5.2f` → `f`.
        let mut verb = None;
        for next in chars.by_ref() {
            if next.is_ascii_alphabetic() || next == '%' {
                verb = Some(next);
                break;
            }
        }
        match verb {
            Some('%') => out.push('%'),
            Some('q') => out.push_str(&format!(
                "{:?}",
                text(rest.next().ok_or("format: too few arguments")?)?
            )),
            Some('d') => out.push_str(
                &(number(rest.next().ok_or("format: too few arguments")?)? as i64).to_string(),
            ),
            Some('f') => {
                out.push_str(&number(rest.next().ok_or("format: too few arguments")?)?.to_string())
            }
            Some(_) => out.push_str(&text(rest.next().ok_or("format: too few arguments")?)?),
            None => return Err("format: unterminated verb".into()),
        }
    }
    Ok(Value::String(out))
}

fn min(args: FuncArgs) -> Result<Value, String> {
    let numbers: Result<Vec<f64>, String> = args.iter().map(number).collect();
    numbers?
        .into_iter()
        .reduce(f64::min)
        .map(from_f64)
        .ok_or_else(|| "min: no arguments".into())
}

fn max(args: FuncArgs) -> Result<Value, String> {
    let numbers: Result<Vec<f64>, String> = args.iter().map(number).collect();
    numbers?
        .into_iter()
        .reduce(f64::max)
        .map(from_f64)
        .ok_or_else(|| "max: no arguments".into())
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "upper")?;
    Ok(Value::String(text(&args[0])?.to_uppercase()))
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "lower")?;
    Ok(Value::String(text(&args[0])?.to_lowercase()))
}

fn join(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "join")?;
    let parts: Result<Vec<String>, String> = list(&args[1])?.iter().map(text).collect();
    Ok(Value::String(parts?.join(&text(&args[0])?)))
}

fn split(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "split")?;
    let separator = text(&args[0])?;
    Ok(Value::Array(
        text(&args[1])?
            .split(separator.as_str())
            .map(Value::from)
            .collect(),
    ))
}

fn element(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "element")?;
    let items = list(&args[0])?;
    if items.is_empty() {
        return Err("element: empty list".into());
    }
    // As Terraform: a whole, non-negative index, wrapping around the list.
    let index = number(&args[1])?;
    if index < 0.0 || index.fract() != 0.0 {
        return Err(format!(
            "element: index {index} is not a whole number of 0 or more"
        ));
    }
    Ok(items[(index as usize) % items.len()].clone())
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "keys")?;
    match &args[0] {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Ok(Value::Array(
                keys.into_iter().map(|k| Value::from(k.clone())).collect(),
            ))
        }
        _ => Err("keys: not a map".into()),
    }
}

fn values(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "values")?;
    match &args[0] {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Ok(Value::Array(
                entries.into_iter().map(|(_, v)| v.clone()).collect(),
            ))
        }
        _ => Err("values: not a map".into()),
    }
}

fn contains(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "contains")?;
    Ok(Value::Bool(list(&args[0])?.contains(&args[1])))
}

fn tostring(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "tostring")?;
    Ok(Value::String(text(&args[0])?))
}

fn tonumber(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "tonumber")?;
    number(&args[0]).map(from_f64)
}

fn flatten(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "flatten")?;
    fn walk(value: &Value, out: &mut Vec<Value>, depth: usize) {
        match value {
            Value::Array(items) if depth < 32 => items.iter().for_each(|i| walk(i, out, depth + 1)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    for item in list(&args[0])? {
        walk(&item, &mut out, 0);
    }
    Ok(Value::Array(out))
}

fn distinct(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "distinct")?;
    let mut out: Vec<Value> = Vec::new();
    for item in list(&args[0])? {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(Value::Array(out))
}

fn range(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 3, "range")?;
    let numbers: Result<Vec<f64>, String> = args.iter().map(number).collect();
    let numbers = numbers?;
    let (start, end, step) = match numbers.as_slice() {
        [end] => (0.0, *end, 1.0),
        [start, end] => (*start, *end, 1.0),
        [start, end, step] => (*start, *end, *step),
        _ => unreachable!("arity checked"),
    };
    // Counted before generating: adding a step to a large start can leave
    // it unchanged (1e16 + 1), and a loop on it would never end.
    let count = ((end - start) / step).ceil();
    if step == 0.0 || !count.is_finite() || count > 10_000.0 {
        return Err("range: too many elements".into());
    }
    let count = count.max(0.0) as usize;
    Ok(Value::Array(
        (0..count)
            .map(|index| from_f64(start + index as f64 * step))
            .collect(),
    ))
}

fn replace(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 3, 3, "replace")?;
    let pattern = text(&args[1])?;
    if pattern.starts_with('/') && pattern.ends_with('/') && pattern.len() > 1 {
        return Err("replace: regular expressions are not evaluated".into());
    }
    Ok(Value::String(
        text(&args[0])?.replace(&pattern, &text(&args[2])?),
    ))
}

fn substr(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 3, 3, "substr")?;
    let value = text(&args[0])?;
    let offset = number(&args[1])? as usize;
    let length = number(&args[2])?;
    let chars = value.chars().skip(offset);
    Ok(Value::String(if length < 0.0 {
        chars.collect()
    } else {
        chars.take(length as usize).collect()
    }))
}

fn trimspace(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "trimspace")?;
    Ok(Value::String(text(&args[0])?.trim().to_string()))
}

fn ceil(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "ceil")?;
    Ok(from_f64(number(&args[0])?.ceil()))
}

fn floor(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "floor")?;
    Ok(from_f64(number(&args[0])?.floor()))
}

fn abs(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "abs")?;
    Ok(from_f64(number(&args[0])?.abs()))
}

fn zipmap(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "zipmap")?;
    let keys = list(&args[0])?;
    let values = list(&args[1])?;
    let mut out = Map::new();
    for (key, value) in keys.iter().zip(values) {
        out.insert(text(key)?, value);
    }
    Ok(Value::Object(out))
}

fn compact(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 1, 1, "compact")?;
    Ok(Value::Array(
        list(&args[0])?
            .into_iter()
            .filter(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.is_empty()))
            .collect(),
    ))
}

fn startswith(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "startswith")?;
    Ok(Value::Bool(text(&args[0])?.starts_with(&text(&args[1])?)))
}

fn endswith(args: FuncArgs) -> Result<Value, String> {
    arity(&args, 2, 2, "endswith")?;
    Ok(Value::Bool(text(&args[0])?.ends_with(&text(&args[1])?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(source: &str, ctx: &Context<'_>) -> Partial {
        let expr: Expression = source.parse().unwrap();
        partial(&expr, ctx)
    }

    fn context() -> Context<'static> {
        let mut ctx = base_context();
        let mut var = Map::new();
        var.insert("gpus".to_string(), Value::from(4));
        var.insert(
            "types".to_string(),
            Value::Object(Map::from_iter([(
                "gpu".to_string(),
                Value::from("g5.12xlarge"),
            )])),
        );
        ctx.declare_var("var", Value::Object(var));
        ctx
    }

    #[test]
    fn arithmetic_at_the_edges_follows_terraform() {
        // Fuzz finding (hcl target): `agent = --/* */---3/----0-x` divided
        // by zero; `5 % 0` panicked in a release build. Values as
        // `echo 'local.n' | terraform console` prints them.
        let ctx = context();
        let known = |source: &str| eval(source, &ctx).known().cloned();
        assert_eq!(known("5 % 0"), Some(Value::from(5)));
        assert_eq!(known("-5 % 0"), Some(Value::from(-5)));
        assert_eq!(known("5.5 % 0"), Some(Value::from(5.5)));
        assert_eq!(known("-5 % 3"), Some(Value::from(-2)));
        assert_eq!(known("-9223372036854775808 % -1"), Some(Value::from(0)));
        // Integer overflow continues on doubles (Terraform is exact:
        // 18446744073709551616, 36893488147419103230).
        assert_eq!(
            known("18446744073709551615 + 1"),
            Some(Value::from(18_446_744_073_709_551_616.0))
        );
        assert_eq!(
            known("18446744073709551615 * 2"),
            Some(Value::from(36_893_488_147_419_103_230.0))
        );
        assert_eq!(
            known("-9223372036854775807 - 5"),
            Some(Value::from(-9_223_372_036_854_775_812.0))
        );
        assert_eq!(
            known("-9223372036854775808 * -1"),
            Some(Value::from(9_223_372_036_854_775_808.0))
        );
        // Division by zero (Terraform: ±Inf, or an error for 0 / 0) has no
        // number to read, and says why.
        for source in ["1 / 0", "-3 / -0", "0 / 0", "[1, 2 / 0][1]", "1e308 * 10"] {
            match eval(source, &ctx) {
                Partial::Unknown(why) => {
                    assert!(why.contains("no finite value"), "{source}: {why}")
                }
                other => panic!("{source}: {other:?}"),
            }
        }
        // A difference below -2^63 (review of the patch: `1 - 2^63`
        // panicked in debug builds, `0 - (2^64 - 1) + 3` read as 4).
        assert_eq!(
            known("1 - 9223372036854775808"),
            Some(Value::from(-9_223_372_036_854_775_807i64))
        );
        assert_eq!(
            known("0 - 9223372036854775808"),
            Some(Value::from(i64::MIN))
        );
        assert_eq!(
            known("0 - 18446744073709551615 + 3"),
            Some(Value::from(-18_446_744_073_709_551_612.0))
        );
        // A division by zero compared is still a number, as in Terraform.
        assert_eq!(known("1 / 0 > 5"), Some(Value::from(true)));
        // Functions have no result for ±Inf or NaN (Terraform: +Inf, an
        // error as a count; `tonumber("NaN")` is an error); `try` skips it
        // where Terraform errors (`0 / 0`).
        for source in [
            "max(1 / 0, 2)",
            "floor(1 / 0)",
            "abs(-1 / 0)",
            "tonumber(\"inf\")",
            "tonumber(\"NaN\")",
        ] {
            assert!(
                matches!(eval(source, &ctx), Partial::Unknown(_)),
                "{source}"
            );
        }
        assert_eq!(known("try(0 / 0, 2)"), Some(Value::from(2)));
        assert_eq!(known("can(0 / 0)"), Some(Value::from(false)));
        // The fuzz input itself (`x` is not declared).
        assert!(matches!(
            eval("--/* */---3/----0-x", &ctx),
            Partial::Unknown(_)
        ));
    }

    #[test]
    fn range_and_element_follow_terraform() {
        let ctx = context();
        let known = |source: &str| eval(source, &ctx).known().cloned();
        // 1e16 + 1 == 1e16 in doubles: a loop adding the step never ended
        // (review finding). Both bounds are exact doubles here.
        assert_eq!(
            known("length(range(10000000000000000, 10000000000000004))"),
            Some(Value::from(4))
        );
        assert_eq!(known("length(range(0, 1, 0.3))"), Some(Value::from(4)));
        assert_eq!(
            known("range(5, 0, -2)"),
            Some(Value::Array(vec![
                Value::from(5),
                Value::from(3),
                Value::from(1)
            ]))
        );
        assert_eq!(known("range(0)"), Some(Value::Array(Vec::new())));
        assert!(matches!(eval("range(0, 1e9)", &ctx), Partial::Unknown(_)));
        assert_eq!(known("element([\"a\", \"b\"], 3)"), Some(Value::from("b")));
        for source in [
            "element([\"a\", \"b\"], -1)",
            "element([\"a\", \"b\"], 1.5)",
        ] {
            assert!(
                matches!(eval(source, &ctx), Partial::Unknown(_)),
                "{source}"
            );
        }
    }

    #[test]
    fn common_functions() {
        let ctx = context();
        let known = |source: &str| {
            eval(source, &ctx)
                .known()
                .cloned()
                .unwrap_or_else(|| panic!("{source}"))
        };
        assert_eq!(
            known("lookup(var.types, \"gpu\", \"x\")"),
            Value::from("g5.12xlarge")
        );
        assert_eq!(
            known("lookup(var.types, \"cpu\", \"m5.large\")"),
            Value::from("m5.large")
        );
        assert_eq!(
            known("merge({a = 1}, {b = 2})"),
            Value::Object(Map::from_iter([
                ("a".to_string(), Value::from(1)),
                ("b".to_string(), Value::from(2))
            ]))
        );
        assert_eq!(known("length(concat([1], [2, 3]))"), Value::from(3));
        assert_eq!(known("max(var.gpus, 8)"), Value::from(8));
        assert_eq!(known("min(2, var.gpus)"), Value::from(2));
        assert_eq!(
            known("format(\"%s-%d\", \"gpu\", var.gpus)"),
            Value::from("gpu-4")
        );
        assert_eq!(known("coalesce(null, \"\", \"x\")"), Value::from("x"));
        assert_eq!(
            known("toset([\"b\", \"a\", \"b\"])"),
            Value::Array(vec![Value::from("a"), Value::from("b")])
        );
        assert_eq!(known("var.gpus * 2 + 1"), Value::from(9));
        assert_eq!(
            known("var.gpus > 2 ? \"big\" : \"small\""),
            Value::from("big")
        );
    }

    #[test]
    fn try_inside_a_for_expression() {
        let mut ctx = context();
        let groups: Value = hcl::from_str::<Value>("a = { t = \"g5.xlarge\" }\nb = {}\n").unwrap();
        ctx.declare_var("groups", groups);
        let value = eval(
            "{ for k, g in groups : k => { t = try(g.t, \"t3.medium\") } if k != \"c\" }",
            &ctx,
        );
        let value = value.known().cloned().unwrap();
        let Value::Object(map) = value else { panic!() };
        assert_eq!(
            map["a"],
            Value::Object(Map::from_iter([(
                "t".to_string(),
                Value::from("g5.xlarge")
            )]))
        );
        assert_eq!(
            map["b"],
            Value::Object(Map::from_iter([(
                "t".to_string(),
                Value::from("t3.medium")
            )]))
        );
    }

    #[test]
    fn try_and_can_fall_back() {
        let ctx = context();
        assert_eq!(
            eval("try(var.missing, \"fallback\")", &ctx).known(),
            Some(&Value::from("fallback"))
        );
        assert_eq!(
            eval("can(var.missing)", &ctx).known(),
            Some(&Value::Bool(false))
        );
        assert_eq!(
            eval("try(aws_instance.x.id, var.gpus)", &ctx).known(),
            Some(&Value::from(4))
        );
    }

    #[test]
    fn unknown_parts_stay_unknown() {
        let ctx = context();
        let value = eval(
            "{ type = var.types.gpu, id = aws_launch_template.lt.id }",
            &ctx,
        );
        let mut unknown = HashMap::new();
        let json = value.to_json("", &mut unknown);
        assert_eq!(json["type"], "g5.12xlarge");
        assert!(json["id"].is_null());
        assert!(
            unknown["id"].contains("aws_launch_template.lt.id"),
            "{unknown:?}"
        );
        assert_eq!(
            value.known_parts(),
            Value::Object(Map::from_iter([(
                "type".to_string(),
                Value::from("g5.12xlarge")
            )]))
        );
    }

    #[test]
    fn references_name_resources_only() {
        let expr: Expression =
            "merge(aws_launch_template.lt.id, var.x, data.aws_ami.a.id, module.m.out, local.y)"
                .parse()
                .unwrap();
        let mut out = Vec::new();
        references(&expr, "module.a.", &mut out);
        assert_eq!(out, ["module.a.aws_launch_template.lt"]);
    }
}
