#!/usr/bin/env bash
# Benchmark: wall time of a one-file `check` with the release binary (the
# pre-commit case), median and worst of RUNS runs per file. The catalogue is
# embedded and parsed per cloud on first use, so this includes its cost.
# Usage: bench/check-one.sh [RUNS] [FILE...]   (TCOLINT=path overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
shift || true
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=(
        fixtures/kubernetes/deployment-vllm-llama3-70b-awq-g5-12xlarge.yaml   # AWS type, us-east-1
        fixtures/catalog/regions.yaml                                          # AWS, three regions, a stand-in
        fixtures/catalog/gke-spot.yaml                                         # GCP, spot, custom type
        fixtures/terraform/azure                                               # Azure folder, stand-in region
        fixtures/serverless/ml-api                                             # Lambda, break-even over all AWS types
    )
fi
if [ -z "${TCOLINT:-}" ]; then
    cargo build --release --quiet
    TCOLINT="${CARGO_TARGET_DIR:-target}/release/tcolint"
fi
echo "binary: $TCOLINT ($(stat -c %s "$TCOLINT") bytes), $(nproc) cores, $runs runs per file"
for file in "${files[@]}"; do
    python3 - "$TCOLINT" "$file" "$runs" <<'PY'
import subprocess, sys, time, statistics
binary, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([binary, "check", "--format", "json", "--fail-on", "never", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times.append((time.perf_counter() - start) * 1000)
print(f"{path}: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")
PY
done
