#!/usr/bin/env bash
# Benchmark: scan a generated tree of N Kubernetes manifests (default 10,000)
# with the release binary and report wall time, files per second and peak
# memory (max RSS). Usage: bench/scan.sh [N] [RUNS]
#
# The tree is bench/k8s-tree.sh's (shared with bench/floor.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
runs="${2:-3}"

cargo build --release --quiet
binary="${CARGO_TARGET_DIR:-target}/release/tcolint"

tree="$(bench/k8s-tree.sh "$count")"
bytes=$(du -sb "$tree" | cut -f1)
echo "tree: $count files, $((bytes / 1024)) KiB, in $tree"
echo "machine: $(nproc) cores"

for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %M" -o /tmp/tcolint-bench-time "$binary" check --format json --fail-on never "$tree" > /tmp/tcolint-bench-out.json
    read -r seconds max_rss_kb < /tmp/tcolint-bench-time
    workloads=$(python3 -c "import json; print(json.load(open('/tmp/tcolint-bench-out.json'))['summary']['workloads'])")
    echo "run $run: ${seconds} s, $(python3 -c "print(round($count / max($seconds, 0.001)))") files/s, peak RSS $((max_rss_kb / 1024)) MiB, $workloads workloads"
done
