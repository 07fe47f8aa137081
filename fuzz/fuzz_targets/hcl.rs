//! The HCL reader and the Terraform evaluator: parse a body, then evaluate
//! every attribute (and every attribute of every block) with the base
//! context and partial evaluation, as a module's locals are evaluated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcolint::extract::terraform::eval;
use tcolint::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.tf", text);
    let Ok(body) = tcolint::parse::hcl::parse(&source) else {
        return;
    };
    let _ = tcolint::parse::hcl::resource_blocks(&body);
    let ctx = eval::base_context();
    let mut attributes: Vec<&hcl::edit::structure::Attribute> = body.attributes().collect();
    attributes.extend(body.blocks().flat_map(|block| block.body.attributes()));
    for attribute in attributes.into_iter().take(64) {
        let expr = hcl::Expression::from(attribute.value.clone());
        let partial = eval::partial(&expr, &ctx);
        let mut unknown = std::collections::HashMap::new();
        let _ = partial.to_json("", &mut unknown);
        let _ = eval::describe(&expr);
    }
});
