#!/usr/bin/env bash
# make bench: builds release in its own folder and runs Quarry's benchmarks, writing
# BENCHMARKS.md (tables with medians) and bench-results/*.json (the raw numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-bench
swift build -c release --scratch-path "$SCRATCH" >&2
Q="$SCRATCH/release/quarry"
OUT=bench-results
mkdir -p "$OUT"

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(swift --version 2>/dev/null | head -1)"

echo "bench: import" >&2
"$Q" bench import --records 100000 --repeat 3 --json > "$OUT/import.json"

python3 - "$OUT" "$machine" > BENCHMARKS.md <<'PY'
import json, sys, os
out, machine = sys.argv[1], sys.argv[2]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
print("# Benchmarks\n")
print(f"Machine: {machine}. One run of `make bench`; medians over repetitions.\n")
imp = load("import.json")
if imp:
    print("## Import\n")
    print("| records | input | repetitions | records/s (median) | all runs |")
    print("|---|---|---|---|---|")
    print(f"| {imp['records']:,} synthetic, no vectors | {imp['input_bytes']/2**20:.1f} MiB JSONL | {imp['repetitions']} | {imp['records_per_s_median']:,.0f} | {', '.join(f'{r:,.0f}' for r in imp['records_per_s'])} |")
    print("\nCommand: `quarry bench import --records 100000 --repeat 3 --json`\n")
PY
echo "wrote BENCHMARKS.md" >&2
