#!/usr/bin/env bash
# make bench: builds release in its own folder and runs Quarry's benchmarks, writing
# BENCHMARKS.md (tables with medians) and bench-results/*.json (the raw numbers).
#
# Quarry's own figures need nothing beside the repository. The peers (tantivy, bm25s, SQLite
# FTS5, hnswlib, faiss, usearch) run in the same run only when PEERS_DIR names a peers harness
# (a folder with peers.py and setup.sh, whose venv is PEERS_VENV); without it the report has
# Quarry's columns and says the peers were not run.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-bench
PEERS_DIR="${PEERS_DIR:-}"
PEERS_PY="${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python"
# The peers read a plain BEIR folder: unpack the sample once (only when they will run).
if [ -n "$PEERS_DIR" ] && [ ! -f Samples/scifact-peers/corpus.jsonl ]; then
  mkdir -p Samples/scifact-peers/qrels
  gzip -dc Samples/scifact/corpus.jsonl.gz > Samples/scifact-peers/corpus.jsonl
  gzip -dc Samples/scifact/queries.jsonl.gz > Samples/scifact-peers/queries.jsonl
  cp Samples/scifact/qrels/test.tsv Samples/scifact-peers/qrels/
  cp Samples/scifact/*.fbin Samples/scifact-peers/
fi
if [ -n "${QUARRY_BIN:-}" ]; then
  Q="$QUARRY_BIN"          # a release binary built already
else
  swift build -c release --scratch-path "$SCRATCH" >&2
  Q="$SCRATCH/release/quarry"
fi
OUT=bench-results
mkdir -p "$OUT"

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(swift --version 2>/dev/null | head -1)"

echo "bench: import" >&2
"$Q" bench import --records "${IMPORT_RECORDS:-100000}" --repeat 3 --json > "$OUT/import.json"

echo "bench: filters (100k records; make bench-large for 1M)" >&2
"$Q" bench filter --records "${FILTER_RECORDS:-100000}" --json > "$OUT/filter.json"

SCALE_RECORDS="${SCALE_RECORDS:-100000}"
echo "bench: scale ($SCALE_RECORDS synthetic records x 384; make bench-large for 1M)" >&2
SCALE_OUT="$OUT/scale.json"; [ "$SCALE_RECORDS" -ge 1000000 ] && SCALE_OUT="$OUT/scale-1m.json"
SCALE_DATA="${TMPDIR:-/tmp}/quarry-scale-${SCALE_RECORDS}x384"
"$Q" bench scale --records "$SCALE_RECORDS" --dim 384 --types hnsw,ivf_rabitq --data "$SCALE_DATA" --keep --json > "$SCALE_OUT"
if [ "$SCALE_RECORDS" -ge 1000000 ]; then
  # The HNSW build on one thread and on two over the same collection (about 15 minutes at 1M).
  bash scripts/bench-hnsw-threads.sh "$Q" "$SCALE_DATA" > "$OUT/hnsw-threads.json"
fi
for suffix in "" -wal -shm; do rm -f "$SCALE_DATA/scale.db$suffix"; done; rm -rf "$SCALE_DATA/scale.db.segments"
if [ "$SCALE_RECORDS" -ge 1000000 ]; then
  # HNSW on the same vectors against hnswlib, faiss-hnsw and ScaNN (needs the peers).
  QUARRY_BIN="$Q" PEERS_DIR="$PEERS_DIR" bash scripts/bench-scale-peers.sh "$SCALE_DATA"
  # BM25 at 1M against tantivy, rounds of each (needs the peers: it is their corpus).
  QUARRY_BIN="$Q" PEERS_DIR="$PEERS_DIR" bash scripts/bench-bm25-synth.sh
fi

echo "bench: SciFact BM25 / vector / hybrid" >&2
DB="$OUT/scifact.db"; rm -f "$DB" "$DB-wal" "$DB-shm"
"$Q" import Samples/scifact --collection scifact --db "$DB" --vectors Samples/scifact/corpus.fbin \
    --query-vectors Samples/scifact/queries.fbin --vector-model all-MiniLM-L6-v2 --json > "$OUT/scifact-import.json"
"$Q" index --collection scifact --db "$DB" --text title,text --json > "$OUT/scifact-bm25-index.json"
"$Q" index --collection scifact --db "$DB" --vector embedding --type hnsw --M 16 --ef-construction 200 --json > "$OUT/scifact-hnsw-index.json"
"$Q" eval --collection scifact --db "$DB" --mode bm25 --k1 1.2 --b 0.75 --json > "$OUT/scifact-bm25.json"
"$Q" eval --collection scifact --db "$DB" --mode vector --ef 64 --json > "$OUT/scifact-vector.json"
"$Q" eval --collection scifact --db "$DB" --mode hybrid --ef 64 --json > "$OUT/scifact-hybrid.json"

echo "bench: SciFact relevance (query-term frequency, RM3, fusions; hybrid fusion tuned on train)" >&2
"$Q" eval --collection scifact --db "$DB" --mode bm25 --json > "$OUT/relevance-bm25-defaults.json"
"$Q" eval --collection scifact --db "$DB" --mode bm25 --set bm25_query_tf=distinct --json > "$OUT/relevance-bm25-defaults-distinct.json"
"$Q" eval --collection scifact --db "$DB" --mode bm25 --k1 1.2 --b 0.75 --set bm25_query_tf=distinct --json > "$OUT/relevance-bm25-peers-distinct.json"
"$Q" eval --collection scifact --db "$DB" --mode bm25 --set rm3=on --json > "$OUT/relevance-bm25-rm3.json"
"$Q" eval --collection scifact --db "$DB" --mode bm25 --k1 1.2 --b 0.75 --set rm3=on --json > "$OUT/relevance-bm25-peers-rm3.json"
for n in minmax zscore dbsf; do
  "$Q" eval --collection scifact --db "$DB" --mode hybrid --ef 64 --fuse "weighted(0.5) NORMALIZE $n" --json > "$OUT/relevance-hybrid-$n.json"
done
"$Q" eval --collection scifact --db "$DB" --mode hybrid --ef 64 --set rm3=on --json > "$OUT/relevance-hybrid-rrf-rm3.json"
"$Q" tune --collection scifact --db "$DB" --mode hybrid --ef 64 --grid weight=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9 \
    --grid normalize=minmax,zscore,dbsf --target ndcg@10=max --json > "$OUT/relevance-tune-hybrid.json"
"$Q" eval --collection scifact --db "$DB" --mode hybrid --ef 64 --json > "$OUT/relevance-hybrid-auto.json"

echo "bench: Debian sample, known-item queries (each package's summary line), with and without RM3" >&2
DEB="$OUT/debian-known-item"; DDB="$OUT/debian.db"; rm -rf "$DEB"; rm -f "$DDB" "$DDB-wal" "$DDB-shm"
python3 scripts/make-debian-queries.py Samples/debian/packages.jsonl.gz "$DEB" 1000
"$Q" import "$DEB" --collection debian --db "$DDB" --json > /dev/null
"$Q" index --collection debian --db "$DDB" --text title,text --json > /dev/null
"$Q" eval --collection debian --db "$DDB" --mode bm25 --json > "$OUT/relevance-debian-bm25.json"
"$Q" eval --collection debian --db "$DDB" --mode bm25 --set bm25_query_tf=distinct --json > "$OUT/relevance-debian-bm25-distinct.json"
"$Q" eval --collection debian --db "$DDB" --mode bm25 --set rm3=on --json > "$OUT/relevance-debian-bm25-rm3.json"

"$Q" bench planning --collection scifact --db "$DB" --json > "$OUT/planning.json"

echo "bench: TUI keystroke to redraw (100k synthetic records, 80x24 and 200x60)" >&2
"$Q" bench tui --records 100000 --json > "$OUT/tui.json"
"$Q" bench tui --records 100000 --rows 60 --cols 200 --json > "$OUT/tui-wide.json"

echo "bench: vector indexes on SciFact vectors" >&2
"$Q" bench vectors --fbin Samples/scifact/corpus.fbin --queries Samples/scifact/queries.fbin --json > "$OUT/vectors.json"

echo "bench: embedder (all-MiniLM-L6-v2)" >&2
"$Q" bench embed --db "$DB" --collection scifact --json > "$OUT/embed.json" || { echo "bench: embedder skipped (make model fetches the weights)" >&2; rm -f "$OUT/embed.json"; }

# The numpy reference of the model (the one that made the test fixtures), timed the same way,
# where numpy is present.
REFERENCE_DIR="${REFERENCE_DIR:-Tests/Fixtures/minilm}"
MODEL_DIR="${QUARRY_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/quarry/all-MiniLM-L6-v2}"
NUMPY_PY=""
for py in "${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python" python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import numpy' 2>/dev/null; then NUMPY_PY="$py"; break; fi
done
rm -f "$OUT"/embed-reference-*.json
if [ -f "$OUT/embed.json" ] && [ -n "$NUMPY_PY" ] && [ -f "$REFERENCE_DIR/reference.py" ]; then
  echo "bench: embedder numpy reference" >&2
  for t in 1 2; do
    "$NUMPY_PY" scripts/bench-embed-reference.py --threads "$t" --reference "$REFERENCE_DIR" --model "$MODEL_DIR" \
        > "$OUT/embed-reference-$t.json" || rm -f "$OUT/embed-reference-$t.json"
  done
fi

# Peers on the same data in the same run, where a harness and its venv are present.
rm -f "$OUT/peers.json" "$OUT/peers-note.txt" "$OUT"/scifact-round-*.json
if [ -z "$PEERS_DIR" ]; then
  echo "bench: peers not run (set PEERS_DIR to a peers harness to run them beside Quarry)" >&2
  echo "not run: PEERS_DIR names no peers harness" > "$OUT/peers-note.txt"
elif [ -f "$PEERS_DIR/peers.py" ] && [ -x "$PEERS_PY" ]; then
  echo "bench: peers (tantivy, bm25s, sqlite-fts5, hnswlib, faiss-hnsw, usearch, scann)" >&2
  "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset Samples/scifact-peers --out "$OUT/peers.json" \
      --only tantivy,bm25s,sqlite-fts5,hnswlib,faiss-hnsw,usearch,scann --k 10 >&2 || true
  # Five back-to-back rounds of Quarry's BM25 then tantivy's (and Quarry's hybrid), so both are
  # timed on the machine as it is in that minute; the report gives each round and the medians.
  for r in 1 2 3 4 5; do
    echo "bench: SciFact BM25 round $r of 5 (Quarry, tantivy, Quarry hybrid)" >&2
    "$Q" eval --collection scifact --db "$DB" --mode bm25 --k1 1.2 --b 0.75 --json > "$OUT/scifact-round-quarry-$r.json"
    "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset Samples/scifact-peers --out "$OUT/scifact-round-tantivy-$r.json" \
        --only tantivy --k 10 >&2 || true
    "$Q" eval --collection scifact --db "$DB" --mode hybrid --ef 64 --json > "$OUT/scifact-round-hybrid-$r.json"
  done
  # HNSW on the Debian sample with held-out queries (vectors Quarry embedded; the embedding is
  # made once, about 13 minutes, and kept in bench-results/debian-held-out): alternating rounds of
  # Quarry and the peers, so every HNSW comparison at equal recall comes from this one run.
  QUARRY_BIN="$Q" PEERS_DIR="$PEERS_DIR" WRITE_REPORT=no bash scripts/bench-embedded.sh
else
  echo "bench: peers skipped (run 'bash $PEERS_DIR/setup.sh' to create their venv)" >&2
  echo "not run: no peers.py in PEERS_DIR, or its venv is missing" > "$OUT/peers-note.txt"
fi

echo "$machine" > "$OUT/machine.txt"
label="One run of \`make bench\`"; [ "$SCALE_RECORDS" -ge 1000000 ] && label="One run of \`make bench-large\`"
BENCH_RUN="$label" python3 scripts/bench-report.py "$OUT" "$machine" > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
