//! The Terraform plan reader on arbitrary text (plans are located by their
//! own `"address"` text: no .tf files are read).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcolint::extract::terraform;
use tcolint::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("/nonexistent-fuzz/plan.json", text);
    if let Ok(instances) = terraform::plan::read(&source, None) {
        let mut problems = Vec::new();
        let _ = terraform::to_workloads(&instances, &mut problems);
    }
});
