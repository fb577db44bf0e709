#!/usr/bin/env python3
"""Writes BENCHMARKS.md (to stdout) from the JSON files of scripts/bench.sh.

  python3 scripts/bench-report.py bench-results "machine description" > BENCHMARKS.md

Each area is printed when its file is there, so an area can be measured again on its own and
the report rebuilt.
"""
import json, statistics, math, sys, os
out, machine = sys.argv[1], sys.argv[2]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None

def hnsw_peers(peers):
    """The HNSW peers with dense results in a peers.py output."""
    return [n for n in ["hnswlib", "faiss-hnsw", "usearch"] if ((peers or {}).get("peers", {}).get(n) or {}).get("dense")]

def ann_peers(peers):
    """The approximate peers (HNSW and ScaNN) with dense results in a peers.py output."""
    return hnsw_peers(peers) + [n for n in ["scann"] if ((peers or {}).get("peers", {}).get(n) or {}).get("dense")]

RECALL_POINTS = (0.90, 0.95, 0.99)

def qps_at_fixed_recall(v, peers):
    """QPS of Quarry's HNSW and of each peer at recall@10 0.90, 0.95 and 0.99, each interpolated
    on its own curve (equal quality, not equal ef), and Quarry over the best peer at each point."""
    ours = [(r["recall@10"], r["qps"]) for r in v["results"] if r["index"] == "hnsw"]
    if not ours:
        return
    names = ann_peers(peers)
    curves = [("Quarry", ours)] + [(n, [(x["recall@10"], x["qps"]) for x in peers["peers"][n]["dense"]["sweep"]]) for n in names]
    print("### QPS at equal recall (interpolated)\n")
    reach = {name: max(r for r, _ in c) for name, c in curves}
    if max(reach.values()) < RECALL_POINTS[0]:
        print(f"No system's sweep reaches recall@10 {RECALL_POINTS[0]:.2f} (highest: " +
              ", ".join(f"{name} {r:.3f}" for name, r in reach.items()) + "), so there is nothing to interpolate here;")
        print("the table along the curve below compares at each peer's own recall.\n")
        return
    print("Each system's QPS at recall@10 = " + ", ".join(f"{p:.2f}" for p in RECALL_POINTS) + ", log-linear between the two points of its")
    print("own sweep around it (blank: outside the sweep). One thread, queries one at a time.\n")
    print("| system | " + " | ".join(f"QPS at {p:.2f}" for p in RECALL_POINTS) + " |")
    print("|---|" + "---|" * len(RECALL_POINTS))
    at = {name: [qps_at_recall(c, p) for p in RECALL_POINTS] for name, c in curves}
    for name, _ in curves:
        print(f"| {name} | " + " | ".join(f"{q:,.0f}" if q else "" for q in at[name]) + " |")
    if names:
        cells = []
        for i, _ in enumerate(RECALL_POINTS):
            best = max(((at[n][i], n) for n in names if at[n][i]), default=None)
            cells.append(f"{at['Quarry'][i] / best[0]:.2f}x ({best[1]})" if best and at["Quarry"][i] else "")
        print("| Quarry ÷ best peer | " + " | ".join(cells) + " |")
    else:
        print("\nNo peer ran (PEERS_DIR names a peers harness): Quarry's row only.")
    print()

def hnsw_against_peers(v, peers):
    ours = {int(r["search_params"].get("ef", 0)): r for r in v["results"] if r["index"] == "hnsw"}
    if not (peers and ours):
        return
    print("### HNSW (M=16, ef_construction=200) against the peers: QPS at each ef, one thread\n")
    names = hnsw_peers(peers)
    print("| ef | Quarry recall / QPS | " + " | ".join(f"{n} recall / QPS | Quarry ÷ {n}" for n in names) + " |")
    print("|---|---|" + "---|---|" * len(names))
    for ef, r in sorted(ours.items()):
        cells = [f"{r['recall@10']:.3f} / {r['qps']:.0f}"]
        for n in names:
            row = next((x for x in peers["peers"][n]["dense"]["sweep"] if x["param"] == ef), None)
            cells += [f"{row['recall@10']:.3f} / {row['qps']:.0f}", f"{r['qps'] / row['qps']:.2f}x"] if row else ["", ""]
        print(f"| {ef} | " + " | ".join(cells) + " |")
    builds = [f"Quarry {next((r['build_s'] for r in v['results'] if r['index'] == 'hnsw'), 0):.1f} s"]
    builds += [f"{n} {peers['peers'][n].get('build_s', 0):.1f} s" for n in names]
    print("\nBuild time: " + ", ".join(builds) + ". Peers' QPS include one Python call per query; Quarry's are measured inside the process.\n")

def qps_at_recall(curve, recall):
    """QPS on a (recall, QPS) curve at `recall`, log-linear between the two points around it."""
    pts = sorted(curve)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= recall <= r1:
            t = 0 if r1 == r0 else (recall - r0) / (r1 - r0)
            return math.exp(math.log(q0) + t * (math.log(q1) - math.log(q0)))
    return None

def hnsw_at_equal_recall(v, peers):
    """Each peer's sweep point beside Quarry's QPS at the same recall@10 (interpolated on Quarry's curve)."""
    ours = [(r["recall@10"], r["qps"]) for r in v["results"] if r["index"] == "hnsw"]
    names = ann_peers(peers)
    if not (ours and names):
        return
    print("### QPS at equal recall along the curve\n")
    print("At each of a peer's points, Quarry's QPS at the same recall@10 (log-linear between Quarry's two")
    print("neighbouring ef values; blank where the recall is outside Quarry's curve).\n")
    print("| peer | setting (ef; ScaNN: leaves) | peer recall@10 | peer QPS | Quarry QPS at that recall | Quarry ÷ peer |")
    print("|---|---|---|---|---|---|")
    for n in names:
        for row in peers["peers"][n]["dense"]["sweep"]:
            q = qps_at_recall(ours, row["recall@10"])
            cells = [f"{q:.0f}", f"{q / row['qps']:.2f}x"] if q else ["", ""]
            print(f"| {n} | {row['param']} | {row['recall@10']:.3f} | {row['qps']:.0f} | " + " | ".join(cells) + " |")
    mb = lambda b: f"{b / 2**20:,.0f} MB" if b else "?"
    hn = next(r for r in v["results"] if r["index"] == "hnsw")
    print("\n| system | build s | build threads | index | peak RSS of the process |")
    print("|---|---|---|---|---|")
    rss = v.get("rss_peak_mb")
    # Quarry builds HNSW on every core of the machine (`quarry bench vectors` has no thread option).
    print(f"| Quarry | {hn['build_s']:.1f} | {os.cpu_count()} | {mb(hn['index_bytes'])} (graph {mb(hn['index_bytes'] - v['n'] * v['d'] * 4)} + vectors) | {f'{rss:,.0f} MB' if rss else '?'} |")
    for n in names:
        R = peers["peers"][n]
        st = R.get("settings", {})
        threads = st.get("build_threads", st.get("omp_threads", "?"))
        print(f"| {n} | {R.get('build_s', 0):.1f} | {threads} | {mb(R.get('index_bytes'))} | {R.get('rss_peak_mb', 0):,.0f} MB |")
    print("\nPeak RSS includes the float32 vectors the harness holds (Quarry: base, queries and the exact top 10; peers: numpy arrays) beside the index.\n")

print("# Benchmarks\n")
print(f"Machine: {machine}. {os.environ.get('BENCH_RUN', 'One run of `make bench`')}; medians over repetitions.\n")
imp = load("import.json")
if imp:
    print("## Import\n")
    print("| records | input | repetitions | records/s (median) | all runs |")
    print("|---|---|---|---|---|")
    print(f"| {imp['records']:,} synthetic, no vectors | {imp['input_bytes']/2**20:.1f} MiB JSONL | {imp['repetitions']} | {imp['records_per_s_median']:,.0f} | {', '.join(f'{r:,.0f}' for r in imp['records_per_s'])} |")
    print("\nCommand: `quarry bench import --records N --repeat 3 --json`\n")
peers = load("peers.json")
def peer(name, task):
    if not peers: return None
    return (peers.get("peers", {}).get(name) or {}).get(task)
print("## SciFact: BM25, dense and hybrid (300 test queries, one thread, k = 10)\n")
print("| system | mode | nDCG@10 | Recall@100 | recall@10 vs exact | p50 ms | p95 ms | QPS |")
print("|---|---|---|---|---|---|---|---|")
for mode in ["bm25", "vector", "hybrid"]:
    r = load(f"scifact-{mode}.json")
    if r:
        ex = r.get("recall@10_exact")
        print(f"| Quarry | {mode} | {r['ndcg@10']:.4f} | {r['recall@100']:.4f} | {'' if ex is None else f'{ex:.3f}'} | {r['latency_ms']['p50']:.3f} | {r['latency_ms']['p95']:.3f} | {r['qps']:.0f} |")
tq = load("scifact-bm25.json")
if peers:
    for name in ["tantivy", "bm25s", "sqlite-fts5"]:
        p = peer(name, "bm25")
        if p:
            ratio = tq["latency_ms"]["p50"] / p["p50_ms"] if tq and p.get("p50_ms") else None
            print(f"| {name} | bm25 | {p.get('ndcg@10', 0):.4f} | {p.get('recall@100', 0):.4f} |  | {p.get('p50_ms', 0):.3f} | {p.get('p95_ms', 0):.3f} | {p.get('qps', 0):.0f} |" + (f" Quarry p50 / {name} p50 = {ratio:.2f}" if ratio else ""))
print("\nCommands: `quarry eval --collection scifact --mode bm25 --k1 1.2 --b 0.75 --json`, `--mode vector --ef 64`, `--mode hybrid --ef 64`; peers: `peers.py --only tantivy,bm25s,sqlite-fts5,hnswlib,faiss-hnsw,usearch,scann`.\n")
peers_note = os.path.join(out, "peers-note.txt")
if not peers and os.path.exists(peers_note):
    print(f"Peers {open(peers_note).read().strip()}: Quarry's columns only. `PEERS_DIR=path/to/harness make bench` runs them in the same run.\n")
print("Stemmers: \"Snowball English\" is not one algorithm across systems. Quarry links libstemmer 2.2.0 (Debian 12's "
      "libstemmer0d); bm25s stems with PyStemmer 3.1.0 and tantivy-py 0.27.0 with its built-in stemmer, which agree "
      "with each other and not with libstemmer 2.2 on words such as university → univers (Quarry) / universiti (both "
      "peers), organization → organ / organiz. SQLite FTS5 uses Porter (1980), not Snowball. Part of the gap between "
      "systems on one dataset comes from there.\n")

def scifact_rounds_section():
    """SciFact BM25 against tantivy in five back-to-back rounds (make bench with the peers)."""
    rounds, r = [], 1
    while load(f"scifact-round-quarry-{r}.json"):
        t = ((load(f"scifact-round-tantivy-{r}.json") or {}).get("peers", {}).get("tantivy") or {}).get("bm25")
        if t:
            rounds.append((load(f"scifact-round-quarry-{r}.json"), t, load(f"scifact-round-hybrid-{r}.json")))
        r += 1
    if not rounds:
        return
    med = statistics.median
    print(f"{len(rounds)} back-to-back rounds in the same run (the same binary and database: `quarry eval --mode bm25 --k1 1.2 --b 0.75`, then")
    print("`peers.py --only tantivy --k 10`, then `quarry eval --mode hybrid --ef 64`):\n")
    print("| round | Quarry BM25 p50 ms | tantivy p50 ms | ratio | Quarry hybrid p50 ms | hybrid vector leg recall@10 vs exact |")
    print("|---|---|---|---|---|---|")
    for i, (q, t, h) in enumerate(rounds, 1):
        hp = f"{h['latency_ms']['p50']:.3f}" if h else ""
        hr = f"{h['recall@10_exact']:.3f}" if h and h.get("recall@10_exact") is not None else ""
        print(f"| {i} | {q['latency_ms']['p50']:.3f} | {t['p50_ms']:.3f} | {q['latency_ms']['p50'] / t['p50_ms']:.2f} | {hp} | {hr} |")
    qm, tm = med(q["latency_ms"]["p50"] for q, _, _ in rounds), med(t["p50_ms"] for _, t, _ in rounds)
    hs = [h["latency_ms"]["p50"] for _, _, h in rounds if h]
    print(f"| median | {qm:.3f} | {tm:.3f} | {qm / tm:.2f} | {f'{med(hs):.3f}' if hs else ''} | |\n")
    print(f"nDCG@10: Quarry {rounds[0][0]['ndcg@10']:.4f}, tantivy {rounds[0][1].get('ndcg@10', 0):.4f}.\n")


scifact_rounds_section()


def relevance_section():
    rows = [("BM25 k1 0.9 b 0.4 (default), qtf counted", "relevance-bm25-defaults.json"),
            ("BM25 k1 0.9 b 0.4, `bm25_query_tf = distinct`", "relevance-bm25-defaults-distinct.json"),
            ("BM25 k1 1.2 b 0.75, qtf counted", "scifact-bm25.json"),
            ("BM25 k1 1.2 b 0.75, `bm25_query_tf = distinct`", "relevance-bm25-peers-distinct.json"),
            ("BM25 k1 0.9 b 0.4 + RM3 (10 docs, 10 terms, 0.5)", "relevance-bm25-rm3.json"),
            ("BM25 k1 1.2 b 0.75 + RM3", "relevance-bm25-peers-rm3.json"),
            ("dense (HNSW ef 64)", "scifact-vector.json"),
            ("hybrid, FUSE auto before tuning (= RRF k 60)", "scifact-hybrid.json"),
            ("hybrid, RRF k 60, BM25 + RM3", "relevance-hybrid-rrf-rm3.json"),
            ("hybrid, weighted 0.5/0.5 min-max", "relevance-hybrid-minmax.json"),
            ("hybrid, weighted 0.5/0.5 z-score", "relevance-hybrid-zscore.json"),
            ("hybrid, weighted 0.5/0.5 DBSF", "relevance-hybrid-dbsf.json"),
            ("hybrid, FUSE auto after tuning on train", "relevance-hybrid-auto.json")]
    found = [(label, load(f)) for label, f in rows]
    if not any(r for _, r in found):
        return
    print("## SciFact relevance: query-term frequency, RM3, fusions (300 test queries)\n")
    print("| run | nDCG@10 | Recall@100 | p50 ms |")
    print("|---|---|---|---|")
    for label, r in found:
        if r:
            print(f"| {label} | {r['ndcg@10']:.4f} | {r['recall@100']:.4f} | {r['latency_ms']['p50']:.3f} |")
    t = load("relevance-tune-hybrid.json")
    if t:
        setting = " ".join(f"{k}={v}" for k, v in t["setting"].items())
        print(f"\nTuned on the {t['tune_split']} split ({len(t['sweep'])} settings, target {t['target']}): chosen {setting} "
              f"(train nDCG@10 {t['tune']['metrics'].get('ndcg@10', 0):.4f}); on {t['check_split']}: {t['check']['metrics'].get('ndcg@10', 0):.4f} "
              f"(best of the grid on {t['check_split']}: {t['check']['best'] or 0:.4f}). The choice is stored as the collection's recommendation "
              "and FUSE auto uses it.")
    debian = [(label, load(f)) for label, f in [("BM25 (default), qtf counted", "relevance-debian-bm25.json"),
                                                 ("BM25, `bm25_query_tf = distinct`", "relevance-debian-bm25-distinct.json"),
                                                 ("BM25 + RM3", "relevance-debian-bm25-rm3.json")]]
    if any(r for _, r in debian):
        print("\nDebian sample, 1,000 known-item queries (a package's one-line summary finds that package; "
              "`scripts/make-debian-queries.py`, seed 42):\n")
        print("| run | nDCG@10 | MRR@10 | Recall@100 | p50 ms |")
        print("|---|---|---|---|---|")
        for label, r in debian:
            if r:
                print(f"| {label} | {r['ndcg@10']:.4f} | {r['mrr@10']:.4f} | {r['recall@100']:.4f} | {r['latency_ms']['p50']:.3f} |")
    print("\nCommands: `quarry eval --collection scifact --mode bm25 [--k1 1.2 --b 0.75] [--set bm25_query_tf=distinct] [--set rm3=on] --json`, "
          "`quarry eval --mode hybrid --ef 64 --fuse 'weighted(0.5) NORMALIZE dbsf'`, "
          "`quarry tune --collection scifact --mode hybrid --ef 64 --grid weight=0.1,…,0.9 --grid normalize=minmax,zscore,dbsf --target ndcg@10=max`, "
          "then `quarry eval --collection scifact --mode hybrid --ef 64` (FUSE auto).\n")
relevance_section()

pl = load("planning.json")
if pl:
    print("## Planning and EXPLAIN ANALYZE overhead (SciFact, 100 queries x 4 rounds)\n")
    print("| statement | planning p50 ms | execution p50 ms | EXPLAIN ANALYZE p50 ms (recall off) | overhead |")
    print("|---|---|---|---|---|")
    for r in pl["rows"]:
        print(f"| {r['statement']} | {r['planning_ms_p50']:.4f} | {r['execution_ms_p50']:.4f} | {r['explain_analyze_execution_ms_p50']:.4f} | {100*r['explain_analyze_overhead']:+.1f} % |")
    print("\nThe executor times every node in both modes, so the overhead is noise around zero. Command: `quarry bench planning --collection scifact --json`\n")
tuis = [t for t in [load("tui.json"), load("tui-wide.json")] if t]
if tuis:
    print(f"## TUI: keystroke to redraw ({tuis[0]['records']:,} synthetic records, {tuis[0].get('dimension', '?')}-d vectors, HNSW)\n")
    print("The screen manager, panels and engine in the process, curses drawing an off-screen xterm; each key timed from dispatch to the end of the redraw. Keys that start a query are also timed to the redraw of the answer (three searches, EXPLAIN ANALYZE, exact recall). Goal: p95 < 50 ms.\n")
    print("| screen | keys | what | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for t in tuis:
        rows = [("every key to its redraw", t["key_to_redraw"])] + [(k.replace("_", " "), v) for k, v in t["by_kind"].items()] + [("query keys to the answer drawn", t["key_to_answer"])]
        for what, r in rows:
            print(f"| {t['screen']} | {r['count']} | {what} | {r['p50_ms']:.3f} | {r['p95_ms']:.3f} | {r['p99_ms']:.3f} | {r['max_ms']:.3f} |")
    print("\nCommand: `quarry bench tui --records 100000 --json` (and `--rows 60 --cols 200`)\n")
f = load("filter.json")
if f:
    print(f"## Filters ({f['records']:,} synthetic records)\n")
    print("| target | filter | matches | indexed ms | scan ms | speedup |")
    print("|---|---|---|---|---|---|")
    for r in f["rows"]:
        print(f"| {r['target_selectivity']*100:.1f} % | `{r['filter']}` | {r['matches']:,} | {r['indexed_ms']:.3f} | {r['scan_ms']:.1f} | {r['speedup']:.0f}x |")
    print("\nCommand: `quarry bench filter --json`\n")
    g = f.get("geo")
    if g:
        print(f"### Geometry filters (places sample, {g['records']:,} GeoNames places)\n")
        print("`ST_DWITHIN` around Berlin, radius chosen for each target selectivity; the R-Tree (SQLite R*Tree candidates, then the exact haversine predicate on each) against the row scan that applies the exact predicate to every record. Both read records from memory.\n")
        print("| target | filter | matches | R-Tree candidates | R-Tree ms | scan ms | speedup |")
        print("|---|---|---|---|---|---|---|")
        for r in g["rows"]:
            print(f"| {r['target_selectivity']*100:.1f} % | `{r['filter']}` | {r['matches']:,} | {r['rtree_candidates']:,} | {r['indexed_ms']:.3f} | {r['scan_ms']:.1f} | {r['speedup']:.0f}x |")
        agree = all(r["agrees_with_scan"] for r in g["rows"])
        print(f"\n{'Every row agrees with the scan.' if agree else 'SOME ROWS DISAGREE WITH THE SCAN.'}\n")
v = load("vectors.json")
if v:
    print(f"## Vector indexes (SciFact vectors, {v['n']:,} x {v['d']}, {v['queries']} queries)\n")
    print("| index | search setting | recall@10 | QPS | build s | bytes | memory ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in v["results"]:
        sp = ", ".join(f"{k}={val}" for k, val in r["search_params"].items())
        print(f"| {r['index']} | {sp} | {r['recall@10']:.3f} | {r['qps']:.0f} | {r['build_s']:.2f} | {r['index_bytes']:,} | {r['memory_ratio']:.3f} |")
    print("\nCommand: `quarry bench vectors --fbin Samples/scifact/corpus.fbin --queries Samples/scifact/queries.fbin --json`\n")
    qps_at_fixed_recall(v, peers)
    hnsw_against_peers(v, peers)

vd = load("vectors-debian.json")
if vd:
    print(f"## Vector indexes on vectors Quarry embedded (Debian sample, {vd['n']:,} x {vd['d']}, {vd['queries']} queries)\n")
    print(f"The package descriptions of Samples/debian embedded by `quarry embed`, less {vd['queries']} packages drawn with a")
    print("fixed seed and held out of the corpus; the queries are those packages' one-line summaries, so none is in the")
    print("corpus. Recall@10 is against the exact top 10.\n")
    pd = load("peers-debian.json")
    qps_at_fixed_recall(vd, pd)
    hnsw_against_peers(vd, pd)
    rounds = vd.get("rounds") if vd else None
    if rounds and rounds > 1:
        print(f"QPS are medians of {rounds} alternating rounds of Quarry and the peers in the same run (recall and build times from the first round).\n")
    print("Command: `make bench` or `make bench-large` with `PEERS_DIR`, or `make bench-embedded` alone (scripts/bench-embedded.sh: make-debian-queries.py --held-out, `quarry import`,")
    print("`quarry embed`, `quarry export --format fbin`, `quarry bench vectors --types flat,hnsw`,")
    print("`peers.py --only hnswlib,faiss-hnsw,usearch,scann`, ROUNDS rounds of each, scripts/merge-rounds.py).\n")
def hnsw_scale_section(v, peers, title, about, command):
    """A section of Quarry's HNSW beside the peers at scale: QPS at fixed recall, at each ef, and along the curve."""
    if not v:
        return
    print(f"## {title}\n")
    print(about + "\n")
    if peers:
        qps_at_fixed_recall(v, peers)
        hnsw_against_peers(v, peers)
        hnsw_at_equal_recall(v, peers)
    print(command + "\n")


vs = load("vectors-synth.json")
hnsw_scale_section(
    vs, load("peers-synth.json"),
    f"HNSW at scale: {vs['n']:,} synthetic vectors x {vs['d']}, {vs['queries']} queries" if vs else "",
    "The peers harness's make_synth.py (seed 42): isotropic clusters, hard for a graph. M 16, ef_construction 200\n"
    "everywhere; builds on the threads the last table shows (peers.py --threads, which for faiss also sets\n"
    "OpenMP's threads during search); queries one at a time. Recall@10 is against the exact top 10.",
    "Command: `make bench-synth` (scripts/bench-synth.sh: make_synth.py --n 1000000, `quarry bench vectors --types hnsw`,\n"
    "`peers.py --only hnswlib,faiss-hnsw,usearch`).")
vp = load("vectors-scale-peers.json")
hnsw_scale_section(
    vp, load("peers-scale.json"),
    f"HNSW at {vp['n']:,} records against the peers (the scale collection's vectors x {vp['d']}, {vp['queries']} queries)" if vp else "",
    "`quarry bench scale`'s low-rank vectors (latent dimension 24, as sentence embeddings behave) and its queries,\n"
    "drawn apart from the corpus, made unit length (inner product = cosine for every system). M 16, ef_construction 200\n"
    "for the graphs; builds on the threads the last table shows, searches on one thread, queries one at a time.\n"
    "Recall@10 is against the exact top 10.",
    "Command: `make bench-large` with `PEERS_DIR` (scripts/bench-scale-peers.sh over `quarry bench scale`'s data:\n"
    "`quarry bench vectors --types hnsw`, `peers.py --only hnswlib|faiss-hnsw|scann`).")
e = load("embed.json")
if e:
    q = e["short_queries"]
    print(f"## Embedder ({e['model']}, {e['dimension']} dimensions, WordPiece + BERT on OpenBLAS sgemm)\n")
    print("| work | batch | threads | p50 ms | p95 ms | CPU p50 ms | throughput |")
    print("|---|---|---|---|---|---|---|")
    print(f"| short queries ({q['count']}, {q['mean_tokens']:.1f} tokens on average) | {q['batch_size']} | {q['threads']} | {q['p50_ms']:.2f} | {q['p95_ms']:.2f} | {q['cpu_p50_ms']:.2f} | |")
    p = e["passages"]
    for r in p["rates"]:
        print(f"| {p['count']} passages of {p['tokens']} tokens | {p['batch_size']} | {r['threads']} | | | {r['cpu_ms_per_passage']:.1f} per passage | {r['passages_per_s']:.2f} passages/s, {r['tokens_per_s']:,.0f} tokens/s |")
    c = e.get("corpus")
    if c:
        print(f"| whole corpus ({c['documents']:,} documents, {c['tokens']:,} tokens) | {p['batch_size']} | {c['threads']} | | | {1000 * c['cpu_seconds'] / max(1, c['documents']):.1f} per document | {c['seconds']:.1f} s, {c['documents_per_s']:.1f} documents/s |")
    refs = [r for r in (load(f"embed-reference-{t}.json") for t in (1, 2)) if r]
    for r in refs:
        mine = next((x for x in p["rates"] if x["threads"] == r["threads"]), None)
        ratio = f" · Quarry ÷ numpy: {mine['passages_per_s'] / r['passages_per_s']:.2f}x passages/s" if mine and r["passages_per_s"] else ""
        qratio = f", {q['p50_ms'] / r['short_query_p50_ms']:.2f}x query p50" if r["threads"] == 1 and r["short_query_p50_ms"] else ""
        print(f"| numpy reference ({r['numpy']}, float32): short queries, then {p['count']} passages of {r['passage_tokens']} tokens | 1, then 32 | {r['threads']} | {r['short_query_p50_ms']:.2f} | {r['short_query_p95_ms']:.2f} | | {r['passages_per_s']:.2f} passages/s{ratio}{qratio} |")
    print("\nCommand: `quarry bench embed --db DB --collection scifact --json`; the reference: `scripts/bench-embed-reference.py --threads N` (Tests/Fixtures/minilm/reference.py in numpy). The embeddings equal the reference model's within 1e-5 (tests against the golden outputs).\n")
ht = load("hnsw-threads.json")
if ht:
    one, two = (next(r for r in ht["runs"] if r["threads"] == t) for t in (1, 2))
    print(f"## HNSW build on one thread and on two ({ht['records']:,} vectors of the scale collection, M {ht['M']}, ef_construction {ht['ef_construction']})\n")
    print("| threads | wall s | CPU s | peak RSS | " + " | ".join(f"recall@10 ef {x['ef']}" for x in one["recall"]) + " |")
    print("|---|---|---|---|" + "---|" * len(one["recall"]))
    for r in (one, two):
        print(f"| {r['threads']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_rss_bytes'] / 2**20:,.0f} MiB | " + " | ".join(f"{x['recall@10']:.4f}" for x in r["recall"]) + " |")
    gap = max(abs(a["recall@10"] - b["recall@10"]) for a, b in zip(one["recall"], two["recall"]))
    print(f"\nTwo threads take {two['seconds'] / one['seconds']:.2f} of the one-thread time; the largest recall difference at any ef is {gap:.4f}.")
    print("Command: `scripts/bench-hnsw-threads.sh` (`quarry index --type hnsw --threads 1|2`, then `quarry bench scale-search`), run by `make bench-large`.\n")
def bm25_synth_section():
    """BM25 at 1M against tantivy: scripts/bench-bm25-synth.sh's rounds (make bench-large with the peers)."""
    rounds = []
    r = 1
    while load(f"bm25-synth-quarry-{r}.json") and load(f"bm25-synth-tantivy-{r}.json"):
        t = (load(f"bm25-synth-tantivy-{r}.json").get("peers", {}).get("tantivy") or {})
        if t.get("bm25"):
            rounds.append((load(f"bm25-synth-quarry-{r}.json"), t))
        r += 1
    if not rounds:
        return
    med = statistics.median
    index = load("bm25-synth-index.json") or {}
    n = index.get("documents", 0)
    print(f"## BM25 at {n:,} documents against tantivy (the peers' synthetic corpus, {rounds[0][0].get('queries', 200)} queries, one run)\n")
    print(f"`make_synth.py --n {n} --queries 200 --dim 8 --seed 42` of the peers harness (queries of 3–7 words, planted")
    print("relevance). Quarry: `quarry import`, `quarry index --text title,text`, `quarry eval --mode bm25 --k1 1.2 --b 0.75")
    print("--json` (one thread, in-process timing after 20 warm-up queries); tantivy right after it in each round: `peers.py")
    print("--only tantivy --k 10` (one body field of title + text, English stemmer, the 33 stop words; timing around the")
    print("Python call, which also fetches each hit's stored id). `scripts/bench-bm25-synth.sh`, run by `make bench-large`.\n")
    print("| round | Quarry p50 ms | Quarry p95 ms | tantivy p50 ms | tantivy p95 ms | p50 ratio | p95 ratio |")
    print("|---|---|---|---|---|---|---|")
    for i, (q, t) in enumerate(rounds, 1):
        ql, tb = q["latency_ms"], t["bm25"]
        print(f"| {i} | {ql['p50']:.3f} | {ql['p95']:.3f} | {tb['p50_ms']:.3f} | {tb['p95_ms']:.3f} | "
              f"{ql['p50'] / tb['p50_ms']:.2f} | {ql['p95'] / tb['p95_ms']:.2f} |")
    qp50, qp95 = med(q["latency_ms"]["p50"] for q, _ in rounds), med(q["latency_ms"]["p95"] for q, _ in rounds)
    tp50, tp95 = med(t["bm25"]["p50_ms"] for _, t in rounds), med(t["bm25"]["p95_ms"] for _, t in rounds)
    print(f"| median | {qp50:.3f} | {qp95:.3f} | {tp50:.3f} | {tp95:.3f} | {qp50 / tp50:.2f} | {qp95 / tp95:.2f} |\n")
    # What a search reads: the BM25 segments and the id chunk that names the hits (tantivy's
    # index bytes include its stored ids).
    qb, ids, tbytes = index.get("bytes"), (load("bm25-synth-ids.json") or {}).get("bytes", 0), rounds[-1][1].get("index_bytes")
    if qb and ids:
        print(f"Quarry's index bytes are its BM25 segments ({qb / 1e6:.1f} MB) and the id chunk its hits are named from ({ids / 1e6:.1f} MB);")
        print("tantivy's index holds its stored ids.\n")
        qb += ids
    print("| system | index bytes | p50 ms (median) | p95 ms (median) | nDCG@10 |")
    print("|---|---|---|---|---|")
    print(f"| Quarry | {qb / 1e6:.1f} MB | {qp50:.3f} | {qp95:.3f} | {rounds[0][0]['ndcg@10']:.4f} |" if qb else "| Quarry | ? | | | |")
    print(f"| tantivy | {tbytes / 1e6:.1f} MB | {tp50:.3f} | {tp95:.3f} | {rounds[0][1]['bm25'].get('ndcg@10', 0):.4f} |" if tbytes else "| tantivy | ? | | | |")
    if qb and tbytes:
        print(f"| Quarry ÷ tantivy | {qb / tbytes:.2f}x | {qp50 / tp50:.2f}x | {qp95 / tp95:.2f}x | |")
    print()


bm25_synth_section()
for name in ["scale-1m.json", "scale.json", "scale-10m.json"]:
    sc = load(name)
    if not sc:
        continue
    n, d = sc["records"], sc["dimension"]
    print(f"## Scale: {n:,} records x {d} dimensions (`quarry bench scale`)\n")
    print("Synthetic records (Zipfian text, metadata) and low-rank vectors (latent dimension 24, 1,000 topics) made in Swift")
    print(f"with seed 42; {sc['queries']:,} queries drawn apart from the corpus. Import, each build and each first query run")
    print("as child processes (wall time and peak RSS from wait4); the first query is the second of two new processes (page cache warm).\n")
    print("| step | wall | peak RSS |")
    print("|---|---|---|")
    print(f"| import (records + vectors) | {sc['import']['seconds']:.1f} s | {sc['import']['peak_rss_bytes'] / 2**20:,.0f} MiB |")
    if "bm25_index" in sc:
        print(f"| BM25 index (title, text) | {sc['bm25_index']['seconds']:.1f} s | {sc['bm25_index']['peak_rss_bytes'] / 2**20:,.0f} MiB |")
    for b in sc["vector_index_builds"]:
        print(f"| {b['type'].upper()} index | {b['seconds']:.1f} s | {b['peak_rss_bytes'] / 2**20:,.0f} MiB |")
    for kind, c in sc["first_query_new_process"].items():
        print(f"| new process: open + first {kind.upper() if kind != 'bm25' else 'BM25'} query | {1000 * c['seconds']:.0f} ms | {c['peak_rss_bytes'] / 2**20:,.0f} MiB |")
    for kind, rss in sc.get("search_peak_rss_bytes", {}).items():
        print(f"| warm {kind.upper()} search of every query at every setting (one process) | | {rss / 2**20:,.0f} MiB |")
    print()
    bw = sc.get("bm25_warm")
    if bw:
        print(f"Warm BM25 (k1 {bw['k1']:g}, b {bw['b']:g}, {bw['queries']} four-word queries, k = 10): p50 {bw['p50_ms']:.3f} ms, p95 {bw['p95_ms']:.3f} ms.\n")
    print("| index | setting | recall@10 | p50 ms | p95 ms | QPS | float32 bytes read per query |")
    print("|---|---|---|---|---|---|---|")
    for r in sc["vector_warm"]:
        s = ", ".join(f"{k} {v}" for k, v in r["setting"].items())
        print(f"| {r['index']} | {s} | {r['recall@10']:.3f} | {r['p50_ms']:.3f} | {r['p95_ms']:.3f} | {r['qps']:,.0f} | {r['full_vector_bytes_per_query']:,.0f} |")
    db = sc["disk_bytes"]
    print(f"\nDisk: database {db['database'] / 2**20:,.0f} MiB, segment files {db['segments'] / 2**20:,.0f} MiB (the float32 vectors alone: {db['vectors_float32'] / 2**20:,.0f} MiB).")
    for c in sc.get("collections", []):
        for i in c["indexes"]:
            res = i.get("resident_bytes")
            if res is not None:
                print(f"Index `{i['name']}` ({i['kind']}): {i['bytes'] / 2**20:,.1f} MiB on disk, {res / 2**20:,.1f} MiB resident when searching.")
    print(f"\nCommand: `quarry bench scale --records {n} --dim {d} --json` ({sc['machine']}).\n")
