#!/usr/bin/env python3
"""Merges the JSON reports of several rounds of one benchmark (the same settings run again, in
the same run of a bench script) into one with the same shape: every timing field (QPS, latency
percentiles) becomes the median of its rounds, everything else is round 1's. Fields absent from
a round (a sweep point it did not reach) keep the rounds that have them.

    merge-rounds.py OUT.json ROUND1.json ROUND2.json …
"""
import json
import statistics
import sys

TIMINGS = {"qps", "qps_cpu", "p50_ms", "p95_ms", "p99_ms", "mean_ms"}


def at(doc, path):
    for key in path:
        if isinstance(doc, dict) and key in doc:
            doc = doc[key]
        elif isinstance(doc, list) and isinstance(key, int) and key < len(doc):
            doc = doc[key]
        else:
            return None
    return doc


def merge(node, rounds, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TIMINGS and isinstance(value, (int, float)) and not isinstance(value, bool):
                values = [v for v in (at(r, path + [key]) for r in rounds) if isinstance(v, (int, float))]
                node[key] = statistics.median(values)
            else:
                merge(value, rounds, path + [key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            merge(value, rounds, path + [i])


def main():
    out, inputs = sys.argv[1], sys.argv[2:]
    rounds = [json.load(open(p)) for p in inputs]
    merged = json.loads(json.dumps(rounds[0]))
    merge(merged, rounds, [])
    merged["rounds"] = len(rounds)
    json.dump(merged, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
