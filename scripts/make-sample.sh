#!/usr/bin/env bash
# Builds the sample database of `make run`: SciFact (abstracts, queries, qrels, MiniLM vectors,
# BM25 and HNSW indexes), the Debian package metadata (BM25) and the places (GeoNames cities:
# BM25, vectors Quarry embeds, and the geometry field `location` with its R-Tree). The tutorial
# test builds the same database with this script, so what the tutorial snapshots show is what
# `make run` opens; it sets PLACES to the Lisbon fixture (87 places) so that embedding takes
# seconds, not the few minutes the 34,006 places of the sample take once.
#
#   [PLACES=FILE] scripts/make-sample.sh QUARRY_BINARY DATABASE
set -euo pipefail
Q="$1"; DB="$2"
cd "$(dirname "$0")/.."
trap 'rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.segments"' ERR
"$Q" import Samples/scifact --collection scifact --db "$DB" \
  --vectors Samples/scifact/corpus.fbin --query-vectors Samples/scifact/queries.fbin \
  --vector-model all-MiniLM-L6-v2
"$Q" index --collection scifact --text title,text --db "$DB"
"$Q" index --collection scifact --vector embedding --type hnsw --threads 1 --db "$DB"  # one thread: the same graph every time
"$Q" import Samples/debian/packages.jsonl.gz --collection debian --db "$DB"
"$Q" index --collection debian --text title,text --db "$DB"
"$Q" import "${PLACES:-Samples/places/places.jsonl.gz}" --collection places --geometry location --embed --db "$DB"
"$Q" index --collection places --text title,text --db "$DB"
"$Q" index --collection places --vector embedding --type hnsw --threads 1 --db "$DB"
