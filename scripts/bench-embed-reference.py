#!/usr/bin/env python3
"""The numpy reference of all-MiniLM-L6-v2 (Tests/Fixtures/minilm/reference.py), timed the way
`quarry bench embed` times Quarry's embedder, so make bench can put them side by side.

  python3 scripts/bench-embed-reference.py --threads N --reference DIR --model DIR

Prints one JSON object: short queries (batch 1) p50/p95 ms, 200-token passages per second.
The BLAS thread count is fixed through the environment before numpy loads.
"""
import argparse, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--reference", required=True, help="folder holding reference.py")
ap.add_argument("--model", required=True, help="the unpacked model folder")
ap.add_argument("--rounds", type=int, default=5)
args = ap.parse_args()
for var in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ[var] = str(args.threads)
os.environ["MINILM_DIR"] = args.model
sys.path.insert(0, args.reference)

import numpy as np  # noqa: E402
import reference  # noqa: E402

# The same short queries as Embedder.benchmarkQueries.
QUERIES = ["microRNA cancer", "vitamin D fracture risk", "statins reduce heart attacks",
           "BRCA1 mutation breast cancer", "sleep deprivation memory", "aspirin prevents stroke",
           "gut microbiome obesity", "antibiotic resistance in hospitals", "CRISPR gene editing safety",
           "exercise lowers blood pressure", "smoking and lung cancer", "insulin resistance diabetes"]
WORDS = ("alterations of the architecture of cerebral white matter in the developing human brain can affect "
         "cortical development and result in functional disabilities a line scan diffusion weighted magnetic "
         "resonance imaging sequence with diffusion tensor analysis was applied to measure the apparent "
         "diffusion coefficient").split()

m = reference.MiniLM(model_dir=args.model, dtype=np.float32)
m.encode(["warm up"], batch_size=1)
lat = []
for _ in range(args.rounds):
    for q in QUERIES:
        t = time.perf_counter()
        m.encode([q], batch_size=1)
        lat.append((time.perf_counter() - t) * 1000)
lat.sort()

PIECES = {w: len(m.tokenize(w)) - 2 for w in WORDS}  # plain words: pieces add up over a text

def passage(seed, tokens=200):
    words, i, n = [], seed, 2
    while n < tokens:
        w = WORDS[i % len(WORDS)]; i += 7
        if n + PIECES[w] > tokens:
            w = "a"
        words.append(w); n += PIECES[w]
    return " ".join(words)

passages = [passage(s) for s in range(64)]
m.encode(passages[:32], batch_size=32)
t = time.perf_counter()
m.encode(passages, batch_size=32)
seconds = time.perf_counter() - t
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(json.dumps({"implementation": "numpy reference (float32)", "numpy": np.__version__, "threads": args.threads,
                  "short_query_p50_ms": round(pct(0.5), 3), "short_query_p95_ms": round(pct(0.95), 3),
                  "passages_per_s": round(len(passages) / seconds, 2), "passage_tokens": len(m.tokenize(passages[0]))}))
