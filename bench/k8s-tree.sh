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
    # One awk process writes every file (a process per file takes minutes
    # on a loaded machine).
    mkdir -p "$tree"/team-{0..49}/app-{0..19}
    awk -v count="$count" -v tree="$tree" '
        FNR == 1 { sources++ }
        { text[sources] = text[sources] $0 "\n" }
        END {
            for (i = 0; i < count; i++) {
                out = sprintf("%s/team-%d/app-%d/manifest-%d.yaml", tree, i % 50, int(i / 50) % 20, i)
                n = split(text[i % sources + 1], lines, "\n")
                for (l = 1; l < n; l++) {
                    line = lines[l]
                    # Distinct namespaces keep workload ids unique across copies.
                    if (line ~ /^  namespace: /) line = line "-" i
                    print line > out
                }
                close(out)
            }
        }' fixtures/kubernetes/*.yaml
    touch "$tree/.complete"
fi
echo "$tree"
