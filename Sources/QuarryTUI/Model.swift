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
    /// The stored grade that counts for this document and the query (nil: unjudged).
    var grade: Int?
    /// True when the query is in a set being judged and this document has no grade yet.
    var unjudged = false
    var exact = false
    /// Rank change since the previous run of the same query: positive moved up; nil: no previous run.
    var move: Int?
    var isNew = false
    /// What each RANK BY ranker of the query line did to this hit (the document view shows it).
    var rankers: [RankerEffect] = []
}

/// A column's answer.
struct BranchOutcome: Sendable {
    var title: String
    var hits: [Hit] = []
    var error: String?
    var ms: Double = 0
    /// Share of the exact top-10 (FLAT) found in the first 10 hits (`Measures.exactRecall`).
    var recallExact: Double?
    /// Relevant documents (qrels) in the first 10 hits over all the query's relevant documents
    /// (trec_eval's recall_10) and nDCG@10, by `Measures.relevance`.
    var recallQrels: Double?
    var ndcg: Double?
    /// The share of the first 10 hits that has a grade (`Measures.judged`).
    var judged: Double?
    /// Distance computations of the vector search (the work behind its latency).
    var work: Int?
    /// The remote column: overlap@10 and rank-biased overlap with the embedded hybrid answer.
    var overlap: Double?
    var rbo: Double?
}

/// One query run in all three columns.
struct RunOutcome: Sendable {
    var generation: Int
    var query: String
    /// The filter of the query line's `WHERE`, if any.
    var filter: String?
    /// The query line's `WITHIN …`, `RANK BY …` and `GROUP BY …`, if any.
    var clauses: String? = nil
    var fromSet: QuerySetEntry?
    var params: Params
    var branches: [BranchOutcome]
    var plan: PlanNode?
    /// Lines under the plan: planning and execution time, or why there is no plan.
    var planFooter: [String]
    /// The recall against the exact answer (and the ◆ marks) come in a second message.
    var exactPending = false
}

/// A query of the collection's query set, with its vector and judgements.
typealias QuerySetEntry = Workbench.JudgedQuery

/// A document opened from a hit.
struct DocumentContent: Sendable {
    var id: String
    var fields: [(String, String)]
    var metadata: [String]
    var explanation: [String]
    /// Per RANK BY ranker: its input, factor and the score before and after.
    var ranking: [String] = []
}

/// The parameters pane: parameters of the engine's registry (which declares each one's type,
/// default, range, step, choices and help) in the order a person tunes them, with the values
/// changed in this session; the rest keep their defaults.
struct Params: Sendable, Equatable {
    /// The pane's rows.
    static let names = ["ef", "nprobe", "refine_k", "k1", "b", "fusion", "rrf_k", "weight", "k", "normalize", "rm3"]
    static let definitions: [Parameter] = names.compactMap(Parameters.named)
    /// Hits per column stay at least 10: the columns' recall and nDCG are measured at 10.
    static let minimumK = 10.0

    var values = ParameterValues()

    static func index(of name: String) -> Int? { definitions.firstIndex { $0.name == name } }

    func number(_ name: String) -> Double { values.number(name) }

    mutating func step(_ index: Int, up: Bool) {
        let name = Self.definitions[index].name
        values.step(name, up: up)
        if name == "k" && values.number("k") < Self.minimumK { try? values.set("k", .number(Self.minimumK)) }
    }

    /// Sets a parameter by name (a sweep point), with what it implies (a weight: weighted
    /// fusion); false when it is not a parameter or the value does not fit it.
    mutating func apply(_ name: String, _ value: ParamValue) -> Bool {
        (try? values.apply(name, value)) != nil
    }

    func formatted(_ index: Int) -> String {
        let d = Self.definitions[index]
        let v = values.value(d.name)
        if case let .bool(on) = v { return on ? "on" : "off" }
        guard let x = v.doubleValue else { return v.description }
        return x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
    }

    /// `64`, `0.9`, `0.75`: at most two decimals, no trailing zeros.
    static func text(_ v: Double) -> String {
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// The statement's `WITH` overrides: the search parameters changed here.
    var with: [String: ParamValue] { values.statementOverrides }

    var limit: Int { max(Int(Self.minimumK), values.integer("k")) }

    var fusionSpec: FusionSpec { values.fusion }

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

/// A sweep of one parameter over the query set, as it progresses.
struct SweepProgress: Sendable {
    var parameter: String
    /// `recall@10` (vector parameters, against the exact answer) or `ndcg@10` (BM25, fusion).
    var metric: String
    var values: [ParamValue]
    var rows: [SweepRow] = []
    var done = false
    var error: String?

    /// A sweep of `parameter` over the values the registry declares for it, judged by the
    /// metric the registry says (nil when the parameter is not swept).
    init?(parameter: String) {
        guard let p = Parameters.named(parameter), !p.sweepValues.isEmpty, p.scope != .evaluation else { return nil }
        self.parameter = p.name
        metric = p.sweepMetric
        values = p.sweepValues
    }
}
