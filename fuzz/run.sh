#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 180), one process
# at a time, seeded by seed.sh, and prints each target's final statistics.
# No sanitizer (`-s none`, as fuzz/ci.sh): tcolint and its vendored parsers
# have no unsafe code, and without AddressSanitizer a target runs about four
# times as many inputs.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-180}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(yaml json hcl plan serverless_variables scan)
fi
[ -d corpus ] || ./seed.sh
mkdir -p logs
for target in "${targets[@]}"; do
    cargo +nightly fuzz run -s none "$target" "corpus/$target" -- \
        "-dict=dict/$target.dict" "-max_total_time=$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 >"logs/$target.log" 2>&1 || true
    echo "== $target"
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|panicked|SUMMARY" "logs/$target.log" | head -8 || true
done
