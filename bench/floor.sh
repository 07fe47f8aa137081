#!/usr/bin/env bash
# Issue 14's benchmark: tcolint's cost as a ratio to the parse floor.
# Usage: bench/floor.sh [N ...]   (default: 10000 25000; RUNS=3 runs each)
#
# For each tree size N (bench/k8s-tree.sh's tree), runs the floor program
# (bench/floor: walk + saphyr-parser events / serde_json, on all cores,
# building nothing) and `tcolint check --format json`, both release builds,
# and prints CPU time (user+sys), wall time and peak RSS of each, and
# tcolint's CPU and RSS as ratios to the floor's. Then the wall time of a
# one-file check (the pre-commit case).
#
# The machine may be shared: CPU time is the figure to compare, since wall
# time stretches when other processes compete for the cores while CPU time
# barely does. Each figure is the best (lowest) of RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 25000)
target="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --release --quiet --bin tcolint
CARGO_TARGET_DIR="$target/floor" cargo build --release --quiet --manifest-path bench/floor/Cargo.toml
tcolint="$target/release/tcolint"
floor="$target/floor/release/tcolint-floor"
timing="$(mktemp)"
trap 'rm -f "$timing"' EXIT

# best_of COMMAND...: run RUNS times; print "cpu_s wall_s rss_kib" (each the minimum).
best_of() {
    local cpu wall rss best_cpu="" best_wall="" best_rss=""
    for ((run = 1; run <= runs; run++)); do
        /usr/bin/time -f "%U %S %e %M" -o "$timing" "$@" > /dev/null
        read -r user sys wall rss < <(tail -n 1 "$timing")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        best_cpu=$(awk -v a="$cpu" -v b="${best_cpu:-$cpu}" 'BEGIN { print (a < b ? a : b) }')
        best_wall=$(awk -v a="$wall" -v b="${best_wall:-$wall}" 'BEGIN { print (a < b ? a : b) }')
        best_rss=$((rss < ${best_rss:-$rss} ? rss : ${best_rss:-$rss}))
    done
    echo "$best_cpu $best_wall $best_rss"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); best of $runs runs"
printf '%-7s %-8s %8s %8s %10s %9s %9s\n' files program "CPU s" "wall s" "peak RSS" "CPU ×" "RSS ×"
for count in "${sizes[@]}"; do
    tree="$(bench/k8s-tree.sh "$count")"
    read -r floor_cpu floor_wall floor_rss < <(best_of "$floor" "$tree")
    read -r cpu wall rss < <(best_of "$tcolint" check --format json --fail-on never "$tree")
    printf '%-7s %-8s %8s %8s %6d MiB %9s %9s\n' "$count" floor "$floor_cpu" "$floor_wall" $((floor_rss / 1024)) "" ""
    printf '%-7s %-8s %8s %8s %6d MiB %9s %9s\n' "$count" tcolint "$cpu" "$wall" $((rss / 1024)) \
        "$(awk -v a="$cpu" -v b="$floor_cpu" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 0.01) }')" \
        "$(awk -v a="$rss" -v b="$floor_rss" 'BEGIN { printf "%.1f", a / b }')"
done

# One-file check, as a pre-commit hook runs it: wall time, best of 20.
one_file=fixtures/kubernetes/deployment-tgi-gemma-2-27b-gke-l4.yaml
best_ms=""
for ((run = 1; run <= 20; run++)); do
    start=$(date +%s%N)
    "$tcolint" check --fail-on never "$one_file" > /dev/null
    ms=$((($(date +%s%N) - start) / 1000000))
    best_ms=$((ms < ${best_ms:-$ms} ? ms : ${best_ms:-$ms}))
done
echo "one-file check ($one_file): ${best_ms} ms wall (best of 20)"
