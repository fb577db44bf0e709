/// The engine's parameters, each declared once (see `Parameter`). The order is the order of
/// `SHOW` (for the session settings) and of listings.
///
/// Tuning notes: `k1` and `b` are Robertson et al.'s BM25 constants (the defaults are the
/// Anserini BEIR baseline's); `ef` is Malkov & Yashunin's HNSW search breadth (recall rises and
/// latency grows with it); `nprobe` is the IVF lists scanned; `refine_k` the RaBitQ/SQ8 candidates
/// re-ranked on full vectors (raise it before nprobe once the probed lists hold the neighbours);
/// `rrf_k` is Cormack et al.'s RRF constant (larger flattens the ranks' weights).
public enum Parameters {
    /// The most hits one search ranks: LIMIT, OFFSET + LIMIT and the fusion window stay within
    /// it (Elasticsearch's `index.max_result_window` is a bound of the same kind), so a huge
    /// LIMIT is an error before anything is allocated.
    public static let maxResults = 100_000

    public static let all: [Parameter] = [
        Parameter("k1", .real, default: .number(0.9), range: 0...5, step: .add(0.1), sweep: numbers(0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1),
                  scope: .lexical, setting: true, help: "BM25 term-frequency saturation"),
        Parameter("b", .real, default: .number(0.4), range: 0...1, step: .add(0.05), sweep: numbers(0, 0.2, 0.4, 0.6, 0.75, 0.9, 1),
                  scope: .lexical, setting: true, help: "BM25 length normalization"),
        Parameter("bm25_algorithm", .choice(["auto", "bmw", "maxscore", "exhaustive"]), default: .string("auto"),
                  sweep: words("bmw", "maxscore", "exhaustive"), scope: .lexical, setting: true, aliases: ["algorithm"],
                  help: "auto, bmw (block-max WAND), maxscore or exhaustive"),
        Parameter("bm25_query_tf", .choice(["count", "distinct"]), default: .string("count"), sweep: words("count", "distinct"),
                  scope: .lexical, setting: true, help: "count (a word the query repeats weighs its count, as Lucene) or distinct (once)"),
        Parameter("rm3", .flag, default: .bool(false), sweep: [.bool(false), .bool(true)], scope: .lexical, setting: true,
                  help: "RM3 pseudo-relevance feedback on every MATCH (EXPAND rm3 asks for one)"),
        Parameter("rm3_fb_docs", .integer, default: .number(10), range: 1...1000, step: .add(5), sweep: numbers(5, 10, 20),
                  scope: .lexical, setting: true, implies: ["rm3": .bool(true)], help: "RM3 feedback documents (Anserini's fbDocs)"),
        Parameter("rm3_fb_terms", .integer, default: .number(10), range: 1...1000, step: .add(5), sweep: numbers(5, 10, 20, 40),
                  scope: .lexical, setting: true, implies: ["rm3": .bool(true)], help: "RM3 feedback terms (Anserini's fbTerms)"),
        Parameter("rm3_original_query_weight", .real, default: .number(0.5), range: 0...1, step: .add(0.1), sweep: numbers(0.3, 0.5, 0.7, 0.9),
                  scope: .lexical, setting: true, implies: ["rm3": .bool(true)],
                  help: "RM3 weight of the original query (Anserini's originalQueryWeight)"),
        Parameter("ef", .integer, default: .number(64), range: 1...4096, step: .multiply(2), sweep: numbers(10, 16, 32, 64, 128, 256, 512),
                  scope: .vector, setting: true, help: "HNSW search breadth"),
        Parameter("nprobe", .integer, default: .number(16), range: 1...4096, step: .multiply(2), sweep: numbers(1, 2, 4, 8, 16, 32, 64),
                  scope: .vector, setting: true, help: "IVF lists searched"),
        Parameter("refine_k", .integer, default: .number(40), range: 1...10000, step: .multiply(2), sweep: numbers(10, 20, 40, 80, 160, 320),
                  scope: .vector, setting: true, help: "RaBitQ/SQ8 candidates re-ranked on full vectors"),
        Parameter("filter_strategy", .choice(["auto", "in_graph", "exact_scan", "post_filter"]), default: .string("auto"),
                  scope: .filter, setting: true, help: "auto, in_graph, exact_scan or post_filter"),
        Parameter("window", .integer, default: .number(100), range: 1...Double(maxResults), step: .multiply(2),
                  scope: .fusion, setting: true, help: "hits each branch hands to fusion"),
        Parameter("fusion", .choice(["auto", "rrf", "weighted"]), default: .string("auto"), scope: .fusion,
                  help: "hybrid fusion: auto (the collection's tuned fusion, RRF until quarry tune stores one), RRF or weighted sum"),
        Parameter("rrf_k", .real, default: .number(60), range: 1...1000, step: .add(10), sweep: numbers(1, 10, 30, 60, 100, 200),
                  scope: .fusion, setting: true, implies: ["fusion": .string("rrf")],
                  help: "RRF constant when FUSE rrf gives none, and of FUSE auto before a tuning"),
        Parameter("weight", .real, default: .number(0.5), range: 0...1, step: .add(0.1), sweep: numbers(0, 0.2, 0.4, 0.5, 0.6, 0.8, 1),
                  scope: .fusion, implies: ["fusion": .string("weighted")],
                  help: "weighted fusion: lexical weight (vector: 1 − w)"),
        Parameter("normalize", .choice(["minmax", "zscore", "dbsf", "arctan", "none"]), default: .string("minmax"),
                  sweep: words("minmax", "zscore", "dbsf", "arctan"), scope: .fusion, implies: ["fusion": .string("weighted")],
                  help: "weighted fusion's score normalization: min-max, z-score, DBSF (mean ± 3σ), arctan or none"),
        Parameter("k", .integer, default: .number(10), range: 1...1000, step: .add(10), scope: .results,
                  help: "hits per query (LIMIT); metrics@k"),
        Parameter("recall", .flag, default: .bool(true), scope: .analysis, setting: true,
                  help: "EXPLAIN ANALYZE computes recall against the exact answer"),
        Parameter("mode", .choice(["bm25", "vector", "hybrid"]), default: .string("bm25"), sweep: words("bm25", "vector", "hybrid"),
                  scope: .evaluation, help: "bm25, vector or hybrid"),
    ]

    /// The session settings (`SET`, `SHOW`), in `SHOW`'s order.
    public static let settings: [Parameter] = all.filter(\.isSetting)

    /// The parameters a sweep can vary.
    public static let sweepable: [Parameter] = all.filter { !$0.sweepValues.isEmpty }

    /// The parameter named `name` or one of its aliases.
    public static func named(_ name: String) -> Parameter? {
        byName[name] ?? byName[name.lowercased()]
    }

    /// Every parameter by its name and by each alias (a name wins over another's alias).
    private static let byName: [String: Parameter] = {
        var table: [String: Parameter] = [:]
        for p in all { for a in p.aliases where table[a] == nil { table[a] = p } }
        for p in all { table[p.name] = p }
        return table
    }()

    /// The parameter named `name`, or an error that lists them all and suggests the nearest.
    public static func require(_ name: String) throws(EngineError) -> Parameter {
        if let p = named(name) { return p }
        let names = all.map(\.name)
        throw .badParameter("unknown parameter '\(name)'" + (Suggest.nearest(to: name.lowercased(), in: names).map { "; did you mean '\($0)'?" } ?? "")
            + " (\(names.joined(separator: ", ")))")
    }

    /// The evaluation mode that parameters imply: vector parameters alone a vector search,
    /// lexical ones alone BM25, fusion parameters or both kinds hybrid; nil when none implies one.
    public static func impliedMode(_ names: [String]) -> String? {
        let scopes = Set(names.compactMap { named($0)?.scope })
        if scopes.contains(.fusion) || scopes.contains(.lexical) && scopes.contains(.vector) { return "hybrid" }
        if scopes.contains(.vector) { return "vector" }
        if scopes.contains(.lexical) { return "bm25" }
        return nil
    }

    static func numbers(_ values: Double...) -> [ParamValue] { values.map { .number($0) } }
    static func words(_ values: String...) -> [ParamValue] { values.map { .string($0) } }
}
