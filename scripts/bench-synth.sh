#!/usr/bin/env bash
# make bench-synth: HNSW at scale — 1,000,000 synthetic 384-d vectors from the peers' own
# generator (make_synth.py of the harness PEERS_DIR names, seed 42: isotropic clusters, hard for graphs) and
# 1,000 queries; Quarry's HNSW beside hnswlib, faiss and usearch at M 16, ef_construction 200,
# one after another, searched on one thread. Recall@10 is against the exact top 10.
#
# Costs on 2 cores: the generator ~26 min (once; SYNTH_DIR keeps it); 1M builds on one thread:
# Quarry 25 min, hnswlib 27 min; on two threads faiss 11 min, usearch 28 min.
#
#   QUARRY_BIN=.build/release/quarry bash scripts/bench-synth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
Q="${QUARRY_BIN:-.build/release/quarry}"
PEERS_DIR="${PEERS_DIR:-}"
PEERS_PY="${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python"
N="${SYNTH_N:-1000000}"
OUT=bench-results
DATA="${SYNTH_DIR:-$OUT/synth$((N / 1000))k}"
mkdir -p "$OUT"
if [ -z "$PEERS_DIR" ] || [ ! -f "$PEERS_DIR/make_synth.py" ]; then
  echo "bench-synth: set PEERS_DIR to a peers harness (make_synth.py, peers.py, setup.sh): it makes the data" >&2
  exit 1
fi
if [ ! -x "$PEERS_PY" ]; then
  echo "bench-synth: the peers' venv is missing (run 'bash $PEERS_DIR/setup.sh')" >&2
  exit 1
fi
if [ ! -f "$DATA/corpus.fbin" ]; then
  echo "bench-synth: generating $N vectors into $DATA (make_synth.py, seed 42)" >&2
  "$PEERS_PY" "$PEERS_DIR/make_synth.py" --n "$N" --queries 1000 --dim 384 --seed 42 --out "$DATA" >&2
fi

echo "bench-synth: Quarry's HNSW" >&2
"$Q" bench vectors --fbin "$DATA/corpus.fbin" --queries "$DATA/queries.fbin" --types hnsw --json > "$OUT/vectors-synth.json"
# One peers.py run per peer (a partial run still leaves its results), merged into one file.
# hnswlib builds on one thread as Quarry does; faiss and usearch on SYNTH_PEER_THREADS (default
# 1; BENCHMARKS.md's run used 2 to fit a session). SYNTH_PEERS chooses the peers (default all three).
reports=()
for peer in ${SYNTH_PEERS:-hnswlib faiss-hnsw usearch}; do
  reports+=("$OUT/peers-synth-$peer.json")
  threads=1
  [ "$peer" = hnswlib ] || threads="${SYNTH_PEER_THREADS:-1}"
  echo "bench-synth: $peer (build on $threads thread(s))" >&2
  "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset "$DATA" --out "$OUT/peers-synth-$peer.json" \
    --only "$peer" --threads "$threads" --timeout 7200 >&2
done
python3 scripts/merge-peers.py "$OUT/peers-synth.json" "${reports[@]}"  # this run's peers only
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(swift --version 2>/dev/null | head -1)"
python3 scripts/bench-report.py "$OUT" "$machine" > BENCHMARKS.md
echo "bench-synth: wrote BENCHMARKS.md" >&2
