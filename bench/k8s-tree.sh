#!/usr/bin/env bash
# Generate (once) the benchmark tree of N Kubernetes manifests and print its
# path. Usage: bench/k8s-tree.sh N
#
# The tree mixes the bundled fixtures (copied round-robin under new names, so
# every kind, rule and costing path is exercised) into nested folders.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:?usage: bench/k8s-tree.sh N}"
tree="${TMPDIR:-/tmp}/tcolint-bench-$count"
if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree"
    mapfile -t sources < <(ls fixtures/kubernetes/*.yaml)
    for ((i = 0; i < count; i++)); do
        dir="$tree/team-$((i % 50))/app-$((i / 50 % 20))"
        mkdir -p "$dir"
        # Distinct namespaces keep workload ids unique across copies.
        sed "s/^  namespace: \(.*\)$/  namespace: \1-$i/" "${sources[$((i % ${#sources[@]}))]}" > "$dir/manifest-$i.yaml"
    done
    touch "$tree/.complete"
fi
echo "$tree"
