#!/usr/bin/env bash
# HNSW at a million records against the peers on vectors a graph can answer well (run by
# `make bench-large` after `quarry bench scale`, when PEERS_DIR names a peers harness): the scale
# collection's low-rank vectors (latent dimension 24, like sentence embeddings) and its queries,
# drawn apart from the corpus, made unit length (the peers search by cosine) and wrapped as a BEIR
# folder; then Quarry's HNSW (`quarry bench vectors`) and hnswlib, faiss-hnsw and ScaNN
# (`peers.py`, M 16, ef_construction 200 for the graphs), each searched on one thread, so the
# report can give each system's QPS at recall@10 0.90 / 0.95 / 0.99. (The peers' own 1M
# synthetic vectors, `make bench-synth`, are isotropic: no graph reaches recall 0.90 there.)
#
#   QUARRY_BIN=.build/release/quarry PEERS_DIR=… bash scripts/bench-scale-peers.sh SCALE_DATA_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
Q="${QUARRY_BIN:-.build/release/quarry}"
SRC="$1"
PEERS_DIR="${PEERS_DIR:-}"
PEERS_PY="${PEERS_VENV:-${TMPDIR:-/tmp}/peers-venv}/bin/python"
OUT=bench-results
rm -f "$OUT"/vectors-scale-peers.json "$OUT"/peers-scale*.json
if [ -z "$PEERS_DIR" ] || [ ! -f "$PEERS_DIR/peers.py" ] || [ ! -x "$PEERS_PY" ]; then
  echo "bench-scale-peers: needs PEERS_DIR (peers.py) and the peers' venv; skipped" >&2
  exit 0
fi
DATA="$SRC/peers"
echo "bench-scale-peers: a BEIR folder of the scale vectors, unit length ($DATA)" >&2
"$PEERS_PY" - "$SRC" "$DATA" <<'PY'
import json, os, sys
import numpy as np
src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "qrels"), exist_ok=True)
def read(path):
    n, d = np.fromfile(path, dtype=np.uint32, count=2)
    return np.fromfile(path, dtype=np.float32, offset=8).reshape(int(n), int(d))
def write(path, x):
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    with open(path, "wb") as f:
        np.array(x.shape, dtype=np.uint32).tofile(f)
        x.astype(np.float32).tofile(f)
    return len(x)
n = write(os.path.join(out, "corpus.fbin"), read(os.path.join(src, "corpus.fbin")))
m = write(os.path.join(out, "queries.fbin"), read(os.path.join(src, "queries.fbin")))
with open(os.path.join(out, "corpus.jsonl"), "w") as f:
    for i in range(n): f.write('{"_id":"%d","text":""}\n' % i)
with open(os.path.join(out, "queries.jsonl"), "w") as f:
    for i in range(m): f.write('{"_id":"q%d","text":""}\n' % i)
# Every query evaluated (peers.py keeps the queries with qrels); recall is against the exact top 10.
with open(os.path.join(out, "qrels", "test.tsv"), "w") as f:
    f.write("query-id\tcorpus-id\tscore\n")
    for i in range(m): f.write("q%d\t0\t1\n" % i)
PY
echo "bench-scale-peers: Quarry's HNSW" >&2
"$Q" bench vectors --fbin "$DATA/corpus.fbin" --queries "$DATA/queries.fbin" --types hnsw --json > "$OUT/vectors-scale-peers.json"
reports=()
for peer in ${SCALE_PEERS:-hnswlib faiss-hnsw scann}; do
  reports+=("$OUT/peers-scale-$peer.json")
  echo "bench-scale-peers: $peer (build on ${SCALE_PEER_THREADS:-2} thread(s))" >&2
  "$PEERS_PY" "$PEERS_DIR/peers.py" --dataset "$DATA" --out "$OUT/peers-scale-$peer.json" \
    --only "$peer" --threads "${SCALE_PEER_THREADS:-2}" --timeout 7200 >&2 || true
done
python3 scripts/merge-peers.py "$OUT/peers-scale.json" "${reports[@]}"
rm -rf "$DATA"
