#!/usr/bin/env python3
"""Writes a BEIR folder over the Debian sample for vector benchmarks on text Quarry embeds itself.

corpus.jsonl: every package (`_id`, `title`, `text`); queries.jsonl: the one-line summaries of
QUERIES packages drawn with a fixed seed (known-item search); qrels/test.tsv: each query's package.

    scripts/make-debian-queries.py Samples/debian/packages.jsonl.gz OUT_DIR [QUERIES]
"""
import gzip, json, os, random, sys

src, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(os.path.join(out, "qrels"), exist_ok=True)
docs = []
with gzip.open(src, "rt", encoding="utf-8") as f, open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as c:
    for line in f:
        d = json.loads(line)
        docs.append(d)
        c.write(json.dumps({"_id": d["_id"], "title": d.get("title", ""), "text": d.get("text", "")}) + "\n")
picked = random.Random(42).sample(range(len(docs)), min(count, len(docs)))
with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as q, \
        open(os.path.join(out, "qrels", "test.tsv"), "w", encoding="utf-8") as r:
    r.write("query-id\tcorpus-id\tscore\n")
    for n, i in enumerate(picked):
        summary = (docs[i].get("text") or docs[i]["_id"]).split("\n")[0]
        q.write(json.dumps({"_id": f"q{n}", "text": summary}) + "\n")
        r.write(f"q{n}\t{docs[i]['_id']}\t1\n")
print(f"{len(docs)} documents, {len(picked)} queries in {out}", file=sys.stderr)
