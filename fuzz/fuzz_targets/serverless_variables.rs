//! The Serverless Framework variable resolver: the input is a
//! serverless.yml; every scalar is resolved against it (no project folder,
//! so `${file(…)}` reads nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcolint::extract::serverless::variables::Resolver;
use tcolint::parse::yaml::{parse_stream, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_depth: 64,
        max_nodes: 10_000,
    };
    let options = [("stage".to_string(), "prod".to_string())];
    for document in parse_stream(text, &limits).into_iter().flatten() {
        let resolver = Resolver::new(document.root(), &options, None, 1 << 20);
        let _ = resolver.stage();
        let mut visited = 0;
        document.walk(document.root(), |node| {
            visited += 1;
            if visited < 256 && node.as_str().is_some_and(|s| s.contains("${")) {
                let _ = resolver.scalar(Some(node));
            }
        });
    }
});
