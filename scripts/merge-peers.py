#!/usr/bin/env python3
"""Merges peers.py reports of one peer each (one run per peer, so a partial run still leaves its
results) into one report: the first present file's fields, every file's `peers`. Missing files
are skipped; with none, an empty `peers`.

    merge-peers.py OUT.json PEER1.json PEER2.json …
"""
import json
import os
import sys

out, inputs = sys.argv[1], sys.argv[2:]
merged = None
for path in inputs:
    if os.path.exists(path):
        r = json.load(open(path))
        merged = merged or {**r, "peers": {}}
        merged["peers"].update(r["peers"])
json.dump(merged or {"peers": {}}, open(out, "w"), indent=1)
