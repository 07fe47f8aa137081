#!/usr/bin/env bash
# Benchmark: scan N Serverless Framework projects and N SAM templates
# (default 2,000 each) with the release binary; report wall time, files per
# second and peak memory. Usage: bench/serverless.sh [N] [RUNS]
#
# Each project is a copy of a bundled fixture under a new service name, so
# variable resolution, Lambda pricing, break-even and cold starts all run.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000}"
runs="${2:-3}"
tree="${TMPDIR:-/tmp}/tcolint-bench-serverless-$count"

cargo build --release --quiet
binary="${CARGO_TARGET_DIR:-target}/release/tcolint"

if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree"
    for ((i = 0; i < count; i++)); do
        dir="$tree/sls-$i"
        mkdir -p "$dir" "$tree/sam-$i"
        sed "s/^service: ml-cold$/service: ml-cold-$i/" fixtures/serverless/cold/serverless.yml > "$dir/serverless.yml"
        cp fixtures/sam/inference/template.yaml "$tree/sam-$i/stack-$i.yaml"
    done
    touch "$tree/.complete"
fi
files=$((count * 2))
bytes=$(du -sb "$tree" | cut -f1)
echo "tree: $files files, $((bytes / 1024)) KiB, in $tree"
echo "machine: $(nproc) cores"

for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %M" -o /tmp/tcolint-bench-time "$binary" check --format json --fail-on never "$tree" > /tmp/tcolint-bench-out.json
    read -r seconds max_rss_kb < /tmp/tcolint-bench-time
    workloads=$(python3 -c "import json; print(json.load(open('/tmp/tcolint-bench-out.json'))['summary']['workloads'])")
    echo "run $run: ${seconds} s, $(python3 -c "print(round($files / max($seconds, 0.001)))") files/s, peak RSS $((max_rss_kb / 1024)) MiB, $workloads workloads"
done
