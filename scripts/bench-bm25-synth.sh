#!/usr/bin/env bash
# BM25 at a million documents against tantivy (run by `make bench-large` when PEERS_DIR names a
# peers harness): the peers' own synthetic corpus (make_synth.py --n 1000000 --queries 200
# --dim 8 --seed 42: ~88 indexed tokens a document, queries of 3-7 words, planted relevance),
# imported and indexed by Quarry, then ROUNDS back-to-back rounds of `quarry eval` (k1 1.2,
# b 0.75, one thread) and tantivy (`peers.py --only tantivy --k 10`), so both see the same
# machine; BENCHMARKS.md gives each round and the medians.
#
#   QUARRY_BIN=.build/release/quarry PEERS_DIR=… bash scripts/bench-bm25-synth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
Q="${QUARRY_BIN:-.build/release/quarry}"
PEERS_DIR="${PEERS_DIR:-}"
PEERS_PY="${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python"
N="${BM25_SYNTH_N:-1000000}"
ROUNDS="${BM25_SYNTH_ROUNDS:-5}"
OUT=bench-results
DATA="${BM25_SYNTH_DIR:-$OUT/synth-bm25-$((N / 1000))k}"
mkdir -p "$OUT"
rm -f "$OUT"/bm25-synth-*.json   # a run without the peers reports no old rounds
if [ -z "$PEERS_DIR" ] || [ ! -f "$PEERS_DIR/make_synth.py" ] || [ ! -x "$PEERS_PY" ]; then
  echo "bench-bm25-synth: needs PEERS_DIR (make_synth.py, peers.py) and the peers' venv; skipped" >&2
  exit 0
fi
if [ ! -f "$DATA/corpus.jsonl" ]; then
  echo "bench-bm25-synth: generating $N documents into $DATA (make_synth.py, seed 42)" >&2
  "$PEERS_PY" "$PEERS_DIR/make_synth.py" --n "$N" --queries 200 --dim 8 --seed 42 --out "$DATA" >&2
fi
DB="$OUT/synth-bm25.db"
rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.segments"
echo "bench-bm25-synth: import and BM25 index ($N documents)" >&2
"$Q" import "$DATA" --collection synth --db "$DB" --json > "$OUT/bm25-synth-import.json"
"$Q" index --collection synth --db "$DB" --text title,text --json > "$OUT/bm25-synth-index.json"
# The id chunk the import wrote (hits are named from it; tantivy's index holds its stored ids).
echo "{\"bytes\": $(cat "$DB".segments/*-ids-*.qseg | wc -c)}" > "$OUT/bm25-synth-ids.json"
for r in $(seq 1 "$ROUNDS"); do
  echo "bench-bm25-synth: round $r of $ROUNDS (Quarry, then tantivy)" >&2
  "$Q" eval --collection synth --db "$DB" --mode bm25 --k1 1.2 --b 0.75 --json > "$OUT/bm25-synth-quarry-$r.json"
  "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset "$DATA" --only tantivy --k 10 --out "$OUT/bm25-synth-tantivy-$r.json" >&2
done
rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.segments"
