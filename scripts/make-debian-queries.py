#!/usr/bin/env python3
"""Writes a BEIR folder over the Debian sample for benchmarks on text Quarry embeds itself.

Known-item (the default): corpus.jsonl holds every package (`_id`, `title`, `text`);
queries.jsonl the one-line summaries of QUERIES packages drawn with a fixed seed;
qrels/test.tsv each query's package.

Held out (`--held-out`): the QUERIES packages drawn are left out of corpus.jsonl and their
summaries are the queries, so no query is in the corpus (what vector tables compare on: recall
against the exact top 10 of queries the index has not seen). qrels/test.tsv names each query's
own package, which the corpus does not hold: relevance measures mean nothing there.

    scripts/make-debian-queries.py Samples/debian/packages.jsonl.gz OUT_DIR [QUERIES] [--held-out]
"""
import gzip, json, os, random, sys

args = [a for a in sys.argv[1:] if a != "--held-out"]
held_out = "--held-out" in sys.argv[1:]
src, out = args[0], args[1]
count = int(args[2]) if len(args) > 2 else 1000
os.makedirs(os.path.join(out, "qrels"), exist_ok=True)
with gzip.open(src, "rt", encoding="utf-8") as f:
    docs = [json.loads(line) for line in f]
picked = random.Random(42).sample(range(len(docs)), min(count, len(docs)))
left_out = set(picked) if held_out else set()
with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as c:
    for i, d in enumerate(docs):
        if i not in left_out:
            c.write(json.dumps({"_id": d["_id"], "title": d.get("title", ""), "text": d.get("text", "")}) + "\n")
with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as q, \
        open(os.path.join(out, "qrels", "test.tsv"), "w", encoding="utf-8") as r:
    r.write("query-id\tcorpus-id\tscore\n")
    for n, i in enumerate(picked):
        summary = (docs[i].get("text") or docs[i]["_id"]).split("\n")[0]
        q.write(json.dumps({"_id": f"q{n}", "text": summary}) + "\n")
        r.write(f"q{n}\t{docs[i]['_id']}\t1\n")
print(f"{len(docs) - len(left_out)} documents, {len(picked)} queries"
      + (" (held out of the corpus)" if held_out else "") + f" in {out}", file=sys.stderr)
