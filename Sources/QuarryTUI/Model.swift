import QuarryEngine

/// The three result columns.
enum Branch: Int, CaseIterable, Sendable {
    case lexical, vector, hybrid
    var name: String { ["lexical", "vector", "hybrid"][rawValue] }
    var short: String { ["lex", "vec", "hyb"][rawValue] }
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
}

/// One query run in all three columns.
struct RunOutcome: Sendable {
    var generation: Int
    var query: String
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
    }

    var ef: Double = 64
    var k1: Double = 0.9
    var b: Double = 0.4
    var rrfK: Double = 60

    nonisolated(unsafe) static let definitions: [Definition] = [
        Definition(name: "ef", step: 2, range: 1...4096, multiplicative: true, help: "HNSW search breadth", keyPath: \.ef),
        Definition(name: "k1", step: 0.1, range: 0...5, multiplicative: false, help: "BM25 tf saturation", keyPath: \.k1),
        Definition(name: "b", step: 0.05, range: 0...1, multiplicative: false, help: "BM25 length norm", keyPath: \.b),
        Definition(name: "rrf_k", step: 10, range: 1...1000, multiplicative: false, help: "RRF constant", keyPath: \.rrfK),
    ]

    mutating func step(_ index: Int, up: Bool) {
        let d = Self.definitions[index]
        var v = self[keyPath: d.keyPath]
        if d.multiplicative { v = up ? v * d.step : v / d.step; v = v.rounded() } else { v += up ? d.step : -d.step }
        v = (v * 1000).rounded() / 1000
        self[keyPath: d.keyPath] = min(d.range.upperBound, max(d.range.lowerBound, v))
    }

    func formatted(_ index: Int) -> String {
        let v = self[keyPath: Self.definitions[index].keyPath]
        return v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
    }

    /// The statement's `WITH` overrides.
    var with: [String: ParamValue] { ["ef": .number(ef), "k1": .number(k1), "b": .number(b)] }
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
