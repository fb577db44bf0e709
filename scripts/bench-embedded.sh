#!/usr/bin/env bash
# make bench-embedded: vector indexes on vectors Quarry's own embedder made — the Debian
# sample's package descriptions less 500 packages held out, whose one-line summaries are the
# queries (none is in the corpus) — Quarry's HNSW beside hnswlib, faiss, usearch
# (M=16, ef_construction=200) and ScaNN in one run.
# Embedding the corpus takes about 13 minutes on 2 cores; results go to bench-results/ and
# BENCHMARKS.md is rewritten with them (beside what `make bench` left there); `make bench` and
# `make bench-large` run it too when PEERS_DIR is set (WRITE_REPORT=no: they write the report). The peers run only
# when PEERS_DIR names a peers harness (peers.py, setup.sh); without it, Quarry's figures alone.
#
#   QUARRY_BIN=.build/release/quarry bash scripts/bench-embedded.sh
set -euo pipefail
cd "$(dirname "$0")/.."
Q="${QUARRY_BIN:-.build/release/quarry}"
PEERS_DIR="${PEERS_DIR:-}"
PEERS_PY="${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python"
OUT=bench-results
DATA="$OUT/debian-held-out"
DB="$OUT/debian-held-out.db"
mkdir -p "$OUT"

echo "bench-embedded: BEIR folder over the Debian sample, 500 packages held out as queries" >&2
python3 scripts/make-debian-queries.py Samples/debian/packages.jsonl.gz "$DATA" 500 --held-out
if [ ! -f "$DATA/corpus.fbin" ] || [ ! -f "$DATA/queries.fbin" ]; then
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$Q" import "$DATA" --collection debian --db "$DB" >&2
  echo "bench-embedded: embedding (quarry embed --collection debian)" >&2
  "$Q" embed --collection debian --db "$DB" >&2
  "$Q" export --collection debian --db "$DB" --format fbin --output "$DATA/corpus.fbin" >&2
  "$Q" export --collection debian --db "$DB" --format fbin --queries --output "$DATA/queries.fbin" >&2
fi

# ROUNDS rounds (default 3) of Quarry's indexes then the peers', alternating, so that each
# system's QPS is the median of rounds spread over the same minutes (merge-rounds.py): on a
# noisy machine one pass each can put the two a minute and 15 % apart.
ROUNDS="${ROUNDS:-3}"
PEERS=""
if [ -n "$PEERS_DIR" ] && [ -f "$PEERS_DIR/peers.py" ] && [ -x "$PEERS_PY" ]; then PEERS=yes; fi
rm -f "$OUT"/vectors-debian-r*.json "$OUT"/peers-debian-r*.json "$OUT/peers-debian.json"
for r in $(seq 1 "$ROUNDS"); do
  echo "bench-embedded: round $r of $ROUNDS: Quarry's vector indexes" >&2
  "$Q" bench vectors --fbin "$DATA/corpus.fbin" --queries "$DATA/queries.fbin" --types flat,hnsw --json > "$OUT/vectors-debian-r$r.json"
  if [ -n "$PEERS" ]; then
    echo "bench-embedded: round $r of $ROUNDS: peers (hnswlib, faiss-hnsw, usearch, scann)" >&2
    "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset "$DATA" --out "$OUT/peers-debian-r$r.json" --only hnswlib,faiss-hnsw,usearch,scann >&2
  fi
done
python3 scripts/merge-rounds.py "$OUT/vectors-debian.json" "$OUT"/vectors-debian-r*.json
if [ -n "$PEERS" ]; then
  python3 scripts/merge-rounds.py "$OUT/peers-debian.json" "$OUT"/peers-debian-r*.json
else
  echo "bench-embedded: peers not run (PEERS_DIR=${PEERS_DIR:-unset}: a peers harness with its venv runs them)" >&2
fi
[ "${WRITE_REPORT:-yes}" = no ] && exit 0   # bench.sh writes the report itself
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(swift --version 2>/dev/null | head -1)"
python3 scripts/bench-report.py "$OUT" "$machine" > BENCHMARKS.md
echo "bench-embedded: wrote BENCHMARKS.md" >&2
