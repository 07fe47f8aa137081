#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, not committed)
# from the repository's fixtures and real-world corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() { # target, then files
    local target=$1
    shift
    mkdir -p "fuzz/corpus/$target"
    for file in "$@"; do
        cp "$file" "fuzz/corpus/$target/$(echo "$file" | tr '/' '_')"
    done
}
mapfile -t yaml < <(find fixtures tests/corpus -name '*.yaml' -o -name '*.yml' | sort)
mapfile -t json < <(find fixtures tests/corpus -name '*.json' | sort)
mapfile -t hcl < <(find fixtures tests/corpus tests/inputs -name '*.tf' -o -name '*.tfvars' | sort)
mapfile -t plans < <(find fixtures/terraform/plans fixtures/terraform/pair/plan fixtures/diff/plans tests/corpus/terraform-plan -name '*.json' | sort)
mapfile -t serverless < <(find fixtures/serverless tests/corpus/serverless -name '*.yml' | sort)
seed yaml "${yaml[@]}"
seed json "${json[@]}"
seed hcl "${hcl[@]}"
seed plan "${plans[@]}"
seed serverless_variables "${serverless[@]}"
# What the targets found once (fuzz/RUNS.md), so every run tries them again.
for dir in fuzz/regressions/*/; do
    target=$(basename "$dir")
    mapfile -t found < <(find "$dir" -type f | sort)
    seed "$target" "${found[@]}"
done
# scan: a first byte picks the file name (see fuzz_targets/scan.rs).
mkdir -p fuzz/corpus/scan
prefix() { # byte, file
    { printf "\\x$(printf %02x "$1")"; cat "$2"; } > "fuzz/corpus/scan/$1_$(echo "$2" | tr '/' '_')"
}
for file in "${yaml[@]}"; do case "$file" in *serverless*) prefix 2 "$file" ;; *) prefix 0 "$file" ;; esac; done
for file in "${json[@]}"; do case "$file" in *plan*) prefix 4 "$file" ;; *) prefix 1 "$file" ;; esac; done
for file in "${hcl[@]}"; do prefix 3 "$file"; done
echo "seeded: $(for t in fuzz/corpus/*; do echo -n "$(basename "$t")=$(ls "$t" | wc -l) "; done)"
