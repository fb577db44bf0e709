import QuarryEngine

/// The result columns: lexical, vector and hybrid on the embedded engine, and with a remote
/// backend (`quarry tui --backend milvus://…`) the hybrid statement run there.
enum Branch: Int, CaseIterable, Sendable {
    case lexical, vector, hybrid, remote
    var name: String { ["lexical", "vector", "hybrid", "remote"][rawValue] }
    var short: String { ["lex", "vec", "hyb", "rem"][rawValue] }
}

/// One row of a result column.
struct Hit: Sendable {
    var ordinal: UInt32
    var id: String
    var title: String
    var score: Double
    var rank: Int
    var relevant = false
    var exact = false
    /// Rank change since the previous run of the same query: positive moved up; nil: no previous run.
    var move: Int?
    var isNew = false
}

/// A column's answer.
struct BranchOutcome: Sendable {
    var title: String
    var hits: [Hit] = []
    var error: String?
    var ms: Double = 0
    /// Share of the exact top-10 (FLAT) found in the first 10 hits.
    var recallExact: Double?
    /// Relevant documents (qrels) found in the first 10 hits, over those judged relevant (at most 10).
    var recallQrels: Double?
    var ndcg: Double?
    /// Distance computations of the vector search (the work behind its latency).
    var work: Int?
    /// The remote column: the share of the embedded hybrid top-10 it also returned.
    var overlap: Double?
}

/// One query run in all three columns.
struct RunOutcome: Sendable {
    var generation: Int
    var query: String
    /// The filter of the query line's `WHERE`, if any.
    var filter: String?
    var fromSet: QuerySetEntry?
    var params: Params
    var branches: [BranchOutcome]
    var plan: PlanNode?
    /// Lines under the plan: planning and execution time, or why there is no plan.
    var planFooter: [String]
}

/// A query of the collection's query set, with its judgements.
struct QuerySetEntry: Sendable {
    var query: StoredQuery
    var vector: [Float]?
    var grades: [String: Int]
}

/// A document opened from a hit.
struct DocumentContent: Sendable {
    var id: String
    var fields: [(String, String)]
    var metadata: [String]
    var explanation: [String]
}

/// The tunable parameters of the parameters pane.
struct Params: Sendable, Equatable {
    struct Definition {
        var name: String
        var step: Double
        var range: ClosedRange<Double>
        var multiplicative: Bool
        var help: String
        var keyPath: WritableKeyPath<Params, Double>
        /// Names of the values 0, 1, … for a choice (fusion); nil for a number.
        var labels: [String]? = nil
    }

    var ef: Double = 64
    var nprobe: Double = 16
    var refineK: Double = 40
    var k1: Double = 0.9
    var b: Double = 0.4
    /// 0: auto (the collection's tuned fusion, RRF until there is one), 1: RRF, 2: weighted sum
    /// of normalised scores (`normalize`).
    var fusion: Double = 0
    var rrfK: Double = 60
    /// Weight of the lexical branch in weighted fusion; the vector branch gets 1 − w.
    var weight: Double = 0.5
    /// Hits per column (LIMIT); recall@10 is measured on the first 10.
    var k: Double = 10
    /// Weighted fusion's normalization: 0 min-max, 1 z-score, 2 DBSF.
    var normalize: Double = 0
    /// 1: RM3 pseudo-relevance feedback on the lexical and hybrid columns.
    var rm3: Double = 0

    static let fusionLabels = ["auto", "rrf", "weighted"]
    static let normalizations: [Normalization] = [.minmax, .zscore, .dbsf]

    nonisolated(unsafe) static let definitions: [Definition] = [
        Definition(name: "ef", step: 2, range: 1...4096, multiplicative: true, help: "HNSW search breadth (at least k)", keyPath: \.ef),
        Definition(name: "nprobe", step: 2, range: 1...4096, multiplicative: true, help: "IVF lists searched", keyPath: \.nprobe),
        Definition(name: "refine_k", step: 2, range: 1...10000, multiplicative: true, help: "RaBitQ/SQ8 candidates re-ranked on full vectors", keyPath: \.refineK),
        Definition(name: "k1", step: 0.1, range: 0...5, multiplicative: false, help: "BM25 tf saturation", keyPath: \.k1),
        Definition(name: "b", step: 0.05, range: 0...1, multiplicative: false, help: "BM25 length norm", keyPath: \.b),
        Definition(name: "fusion", step: 1, range: 0...2, multiplicative: false,
                   help: "hybrid fusion: auto (the tuned fusion, else RRF), RRF or weighted sum", keyPath: \.fusion, labels: fusionLabels),
        Definition(name: "rrf_k", step: 10, range: 1...1000, multiplicative: false, help: "RRF constant", keyPath: \.rrfK),
        Definition(name: "w_lex", step: 0.1, range: 0...1, multiplicative: false, help: "weighted fusion: lexical weight (vector: 1 − w)", keyPath: \.weight),
        Definition(name: "k", step: 10, range: 10...100, multiplicative: false, help: "hits per column (LIMIT)", keyPath: \.k),
        Definition(name: "normalize", step: 1, range: 0...2, multiplicative: false,
                   help: "weighted fusion's score normalization: min-max, z-score or DBSF (mean ± 3σ)", keyPath: \.normalize,
                   labels: normalizations.map(\.rawValue)),
        Definition(name: "rm3", step: 1, range: 0...1, multiplicative: false,
                   help: "RM3 pseudo-relevance feedback on MATCH (10 docs, 10 terms, original weight 0.5)", keyPath: \.rm3, labels: ["off", "on"]),
    ]

    static func index(of name: String) -> Int? { definitions.firstIndex { $0.name == name } }

    mutating func step(_ index: Int, up: Bool) {
        let d = Self.definitions[index]
        var v = self[keyPath: d.keyPath]
        if d.multiplicative { v = up ? v * d.step : v / d.step; v = v.rounded() } else { v += up ? d.step : -d.step }
        v = (v * 1000).rounded() / 1000
        self[keyPath: d.keyPath] = min(d.range.upperBound, max(d.range.lowerBound, v))
    }

    /// Sets a parameter by name (a sweep point); false when the name is not a parameter.
    mutating func set(_ name: String, _ value: Double) -> Bool {
        guard let i = Self.index(of: name) else { return false }
        let d = Self.definitions[i]
        self[keyPath: d.keyPath] = min(d.range.upperBound, max(d.range.lowerBound, value))
        return true
    }

    func formatted(_ index: Int) -> String {
        let d = Self.definitions[index]
        let v = self[keyPath: d.keyPath]
        if let labels = d.labels { return labels[min(labels.count - 1, max(0, Int(v)))] }
        return v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
    }

    /// `64`, `0.9`, `0.75`: at most two decimals, no trailing zeros.
    static func text(_ v: Double) -> String {
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// The statement's `WITH` overrides.
    var with: [String: ParamValue] {
        ["ef": .number(ef), "nprobe": .number(nprobe), "refine_k": .number(refineK), "k1": .number(k1), "b": .number(b),
         "rrf_k": .number(rrfK), "rm3": .bool(rm3 == 1)]
    }

    var normalization: Normalization { Self.normalizations[min(Self.normalizations.count - 1, max(0, Int(normalize)))] }

    var fusionSpec: FusionSpec {
        switch Int(fusion) {
        case 0: return .auto
        case 1: return .rrf(k: rrfK)
        default: return .weighted(weights: [weight, 1 - weight], normalize: normalization)
        }
    }

    var fusionLabel: String { Self.label(fusionSpec) }

    /// `RRF k=60`, `weighted 0.3/0.7` (min-max), `weighted 0.3/0.7 dbsf`; auto says so.
    static func label(_ spec: FusionSpec) -> String {
        switch spec {
        case .auto: return "auto"
        case let .rrf(k): return "RRF k=\(text(k))"
        case let .weighted(w, n):
            let lexical = w.first ?? 0.5
            return "weighted \(text(lexical))/\(text(((1 - lexical) * 1000).rounded() / 1000))" + (n == .minmax ? "" : " \(n.rawValue)")
        }
    }
}

/// Quality measures of one ranked list against graded judgements.
enum Measures {
    /// nDCG@k with linear gains and log2(rank+1) discounts, as trec_eval computes it.
    static func ndcg(_ ids: [String], grades: [String: Int], k: Int = 10) -> Double {
        var dcg = 0.0
        for (i, id) in ids.prefix(k).enumerated() { dcg += Double(grades[id] ?? 0) / log2(Double(i + 2)) }
        let ideal = grades.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (i, g) in ideal.enumerated() { idcg += Double(g) / log2(Double(i + 2)) }
        return idcg > 0 ? dcg / idcg : 0
    }

    static func recall(_ ids: [String], relevant: Set<String>, k: Int = 10) -> Double? {
        guard !relevant.isEmpty else { return nil }
        let found = ids.prefix(k).filter(relevant.contains).count
        return Double(found) / Double(relevant.count)
    }

    /// The nearest-rank percentile of `values` (p in 0...100).
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A sweep of one parameter over the query set, as it progresses.
struct SweepProgress: Sendable {
    var parameter: String
    /// `recall@10` (vector parameters, against the exact answer) or `ndcg@10` (BM25, fusion).
    var metric: String
    var values: [Double]
    var rows: [SweepRow] = []
    var done = false
    var error: String?

    /// The values a sweep of `parameter` tries.
    static func values(for parameter: String) -> [Double]? {
        switch parameter {
        case "ef": return [10, 16, 32, 64, 128, 256, 512]
        case "nprobe": return [1, 2, 4, 8, 16, 32, 64]
        case "refine_k": return [10, 20, 40, 80, 160, 320]
        case "k1": return [0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1]
        case "b": return [0, 0.2, 0.4, 0.6, 0.75, 0.9, 1]
        case "rrf_k": return [1, 10, 30, 60, 100, 200]
        case "w_lex": return [0, 0.2, 0.4, 0.5, 0.6, 0.8, 1]
        default: return nil
        }
    }

    static func metric(for parameter: String) -> String {
        ["ef", "nprobe", "refine_k"].contains(parameter) ? "recall@10" : "ndcg@10"
    }
}
