#!/usr/bin/env bash
# CI's fuzz step: builds every target once and runs each for SECONDS
# (default 20) from the seed corpus, so the harnesses keep compiling and
# working. Fails on the first crash, hang, leak or out-of-memory (libFuzzer
# keeps the input under artifacts/<target>/ and prints how to reproduce it).
# Usage: fuzz/ci.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
targets=(yaml json hcl plan serverless_variables scan)
./seed.sh
# No sanitizer: tcolint and its vendored parsers have no unsafe code, and
# without AddressSanitizer a target runs about four times as many inputs.
cargo +nightly fuzz build -s none
mkdir -p logs
for target in "${targets[@]}"; do
    echo "== fuzz $target, ${seconds} s"
    status=0
    cargo +nightly fuzz run -s none "$target" "corpus/$target" -- \
        "-dict=dict/$target.dict" "-max_total_time=$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 >"logs/$target.log" 2>&1 || status=$?
    grep -E "DONE|stat::number_of_executed_units" "logs/$target.log" || true
    if [ "$status" -ne 0 ]; then
        tail -40 "logs/$target.log" >&2
        echo "fuzz target $target failed (exit $status); its input is under fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
