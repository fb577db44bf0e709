#!/usr/bin/env bash
# HNSW built on one thread and on two over the same collection (make bench-large): the build's
# wall and CPU time and peak RSS from /usr/bin/time, then recall@10 of each graph at each ef
# (quarry bench scale-search). Writes one JSON object to stdout.
#
#   scripts/bench-hnsw-threads.sh QUARRY_BIN DATA_DIR   # DATA_DIR: a kept `quarry bench scale --data` folder
set -euo pipefail
Q="$1"; DATA="$2"; DB="$DATA/scale.db"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
for t in 1 2; do
  echo "bench: HNSW build on $t thread(s) over $DB" >&2
  /usr/bin/time -v "$Q" index --db "$DB" --collection synth --vector embedding --type hnsw --threads "$t" --json \
      > "$TMP/build-$t.json" 2> "$TMP/time-$t.txt"
  "$Q" bench scale-search --db "$DB" --data "$DATA" --type hnsw > "$TMP/search-$t.json"
done
python3 - "$TMP" <<'PY'
import json, re, sys
tmp = sys.argv[1]
runs = []
for t in (1, 2):
    b = json.load(open(f"{tmp}/build-{t}.json"))
    s = json.load(open(f"{tmp}/search-{t}.json"))
    tv = open(f"{tmp}/time-{t}.txt").read()
    runs.append({"threads": t, "seconds": b["seconds"],
                 "cpu_seconds": float(re.search(r"User time \(seconds\): ([\d.]+)", tv).group(1)),
                 "peak_rss_bytes": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv).group(1)) * 1024,
                 "recall": [{"ef": r["setting"]["ef"], "recall@10": r["recall@10"]} for r in s["rows"]]})
print(json.dumps({"records": b["vectors"], "M": int(b["parameters"]["M"]),
                  "ef_construction": int(b["parameters"]["ef_construction"]), "runs": runs}))
PY
