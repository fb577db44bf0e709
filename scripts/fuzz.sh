#!/usr/bin/env bash
# Runs the libFuzzer driver (`make fuzz-build`) on each fuzz target in turn and prints a table of
# executions, coverage and outcome per target.
#
#   scripts/fuzz.sh BIN SECONDS [TARGET…]     each target for SECONDS (make fuzz)
#   scripts/fuzz.sh BIN smoke RUNS [TARGET…]  each target for RUNS inputs, seed 1 (make fuzz-smoke)
#
# Seeds come from Fuzz/corpus/<target>/ (read only); what the fuzzer finds grows in
# .build-fuzz/corpus/<target>/, outside the repository. A crash, a leak, a hang (over 10 s per
# input) or an allocation over 2 GB is saved as .build-fuzz/crashes/<target>-…; replay it with
# `QUARRY_FUZZ_TARGET=<target> BIN FILE`, fix the engine, and commit the input under
# Fuzz/regressions/<target>/ so the test suite replays it. Exit status 1 when any target failed.
set -uo pipefail

BIN="$1"; shift
MODE="$1"; shift
if [ "$MODE" = smoke ]; then RUNS="$1"; shift; fi
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(statement filter json jsonl csv fbin npy segment)
WORK=.build-fuzz
mkdir -p "$WORK/crashes" "$WORK/logs"
failed=0
printf '%-10s %12s %8s %8s %8s  %s\n' target execs exec/s cov ft result
for t in "${TARGETS[@]}"; do
  [ -d "Fuzz/corpus/$t" ] || { echo "no seeds for target '$t' (Fuzz/corpus/$t)"; failed=1; continue; }
  log="$WORK/logs/$t.log"
  flags=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$WORK/crashes/$t-" -print_final_stats=1)
  [ "$t" = segment ] && flags+=(-max_len=65536)
  if [ "$MODE" = smoke ]; then
    # A fixed seed and a bounded number of runs over the committed seeds only: repeatable.
    flags+=(-seed=1 -runs="$RUNS")
    scratch=$(mktemp -d); dirs=("$scratch" "Fuzz/corpus/$t")
  else
    mkdir -p "$WORK/corpus/$t"
    flags+=(-max_total_time="$MODE")
    dirs=("$WORK/corpus/$t" "Fuzz/corpus/$t")
  fi
  SWIFT_BACKTRACE=enable=no QUARRY_FUZZ_TARGET="$t" nice -n 19 "$BIN" "${flags[@]}" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  [ "$MODE" = smoke ] && rm -rf "$scratch"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then result=ok; else result="FAILED (rc $rc, see $log)"; failed=1; fi
  printf '%-10s %12s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $failed
