import Foundation
import QuarryEval
import QuarryStorage

/// Tries (Quepid's word): named parameter sets and statement templates of a collection, and
/// their comparison over a query set — meaningful with no judgments at all (overlap@10, RBO, rank
/// moves), with the statistics of `runs compare` where judgments exist.
extension Workbench {
    /// Saves a try: `parameters` checked by the registry, `statement` a SEARCH with `$query`.
    public func saveTry(collection: String, name: String, parameters: ParameterValues, statement: String? = nil) throws {
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace }) else { throw EngineError.badParameter("a try's name is one word, not '\(name)'") }
        _ = try schema(collection)
        if let statement {
            guard statement.contains("$query"),
                  case .search = try StatementParser.parse(statement.replacingOccurrences(of: "$query", with: "'x'")) else {
                throw EngineError.badParameter("a try's statement is a SEARCH with $query where each query's text goes")
            }
        }
        let params = JSONValue.object(parameters.given.sorted { $0.key < $1.key }.map { name, v in
            switch v {
            case let .number(d): return JSONMember(name, d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d))
            case let .string(s): return JSONMember(name, .string(s))
            case let .bool(b): return JSONMember(name, .bool(b))
            }
        })
        try database.saveTry(collection: collection, StoredTry(name: name, params: params, statement: statement))
    }

    public func tries(collection: String) throws -> [StoredTry] { try database.tries(collection: collection) }

    public func storedTry(collection: String, name: String) throws -> StoredTry { try database.storedTry(collection: collection, name: name) }

    /// A stored try's parameters as registry values (checked again: the registry may have moved on).
    public func parameters(of t: StoredTry) throws -> ParameterValues {
        var values = ParameterValues()
        if case let .object(members) = t.params {
            for m in members {
                switch m.value {
                case let .int(i): try values.set(m.key, .number(Double(i)))
                case let .double(d): try values.set(m.key, .number(d))
                case let .string(s): try values.set(m.key, .string(s))
                case let .bool(b): try values.set(m.key, .bool(b))
                default: continue
                }
            }
        }
        return values
    }

    /// The statement a try runs for one query's text, to `depth` hits: its template with the
    /// text quoted, or its mode's statement (bm25: MATCH; vector: NEAR; hybrid: both, fused).
    func tryStatement(_ t: StoredTry, collection: String, text: String, depth: Int, filter: String? = nil) throws -> SearchStatement {
        let values = settings.changed.merging(try parameters(of: t))
        let with = values.statementOverrides
        var s: SearchStatement
        if let template = t.statement {
            let quoted = "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            guard case let .search(parsed) = try StatementParser.parse(template.replacingOccurrences(of: "$query", with: quoted)) else {
                throw EngineError.badParameter("try '\(t.name)': its statement is not a SEARCH")
            }
            s = parsed
            if s.match?.text == text { s.match?.plain = true }
            s.with.merge(with, uniquingKeysWith: { old, _ in old })
        } else {
            let mode = values.word("mode")
            s = SearchStatement(collection: collection)
            if mode != "vector" { s.match = MatchClause(text: text, plain: true) }
            if mode != "bm25" { s.near = NearClause(target: .text(text)) }
            if mode == "hybrid" { s.fusion = values.fusion }
            s.with = with
        }
        s.limit = depth
        if let filter { s.filter = FilterText(text: filter) }
        return s
    }

    /// A try's answer for one query's text (and an optional WHERE filter), to `depth` hits: the
    /// statement `try compare` runs, through the same `search` every other caller uses.
    public func tryResult(_ t: StoredTry, collection: String, text: String, depth: Int = 10, filter: String? = nil) throws -> SearchResult {
        try search(tryStatement(t, collection: collection, text: text, depth: depth, filter: filter))
    }

    /// The ids a try ranks for one query, in the engine's order.
    public func tryRanking(_ t: StoredTry, collection: String, text: String, depth: Int = 10) throws -> [String] {
        try search(tryStatement(t, collection: collection, text: text, depth: depth)).hits.map(\.id)
    }

    /// Two tries over a query set, query by query.
    public func compareTries(collection: String, _ a: String, _ b: String, set: String, k: Int = 10) throws -> TryComparison {
        let ta = try storedTry(collection: collection, name: a), tb = try storedTry(collection: collection, name: b)
        let queries = try setQueries(collection: collection, set: set)
        guard !queries.isEmpty else { throw EngineError.badParameter("query set '\(set)' has no queries") }
        let grades = try effectiveJudgments(collection: collection, set: set)
        let depth = max(k, 100)
        var rows: [TryComparison.Row] = []
        var runA = Run(tag: a), runB = Run(tag: b)
        for q in queries {
            let ha = try search(tryStatement(ta, collection: collection, text: q.text, depth: depth)).hits
            let hb = try search(tryStatement(tb, collection: collection, text: q.text, depth: depth)).hits
            let ra = ha.map(\.id), rb = hb.map(\.id)
            // The runs keep the scores, so the evaluator ranks ties as trec_eval does (`Run.trecOrder`).
            runA.set(query: q.id, results: ha.map { RunEntry(document: $0.id, score: $0.score) })
            runB.set(query: q.id, results: hb.map { RunEntry(document: $0.id, score: $0.score) })
            let topA = Array(ra.prefix(k)), topB = Array(rb.prefix(k))
            var moves: [TryComparison.Move] = []
            for (i, doc) in topB.enumerated() {
                let before = topA.firstIndex(of: doc).map { $0 + 1 }
                if before != i + 1 { moves.append(.init(docID: doc, rankA: before, rankB: i + 1)) }
            }
            for (i, doc) in topA.enumerated() where !topB.contains(doc) { moves.append(.init(docID: doc, rankA: i + 1, rankB: nil)) }
            var row = TryComparison.Row(queryID: q.id, text: q.text, topA: topA, topB: topB,
                                        overlap: Measures.overlap(topA, topB, k: k),
                                        rbo: Measures.rankBiasedOverlap(topA, topB, p: 0.9, k: k), moves: moves)
            if let j = grades[q.id] {
                row.judgedA = Measures.judged(ra, judgements: j, k: k)
                row.judgedB = Measures.judged(rb, judgements: j, k: k)
            }
            rows.append(row)
        }
        var statistics: RunComparison?
        if !grades.isEmpty {
            var qrels = Qrels()
            for q in queries { for (doc, g) in grades[q.id] ?? [:] { qrels.set(query: q.id, document: doc, relevance: g) } }
            let metrics: [RelevanceMetric] = [.ndcg(k: k), .mrr(k: k), .recall(k: 100), .precision(k: k)]
            let evaluator = RelevanceEvaluator(qrels: qrels, metrics: metrics)
            let ea = evaluator.evaluate(runA), eb = evaluator.evaluate(runB)
            // Per query, the evaluator's values (as `quarry eval` and `runs compare` have them).
            for i in rows.indices where grades[rows[i].queryID] != nil {
                rows[i].ndcgA = evaluator.evaluate(query: rows[i].queryID, results: runA.results[rows[i].queryID] ?? [])[0]
                rows[i].ndcgB = evaluator.evaluate(query: rows[i].queryID, results: runB.results[rows[i].queryID] ?? [])[0]
            }
            if !ea.queries.isEmpty { statistics = RunComparison(baseline: ea, treatment: eb) }
        }
        return TryComparison(a: a, b: b, set: set, k: k, rows: rows, statistics: statistics)
    }
}

/// Two tries over a query set: per query their top-k, overlap@k, RBO (p = 0.9), rank moves and,
/// where the query is judged, nDCG@k and judged@k of each; the paired statistics of `runs
/// compare` when the set has judgments.
public struct TryComparison: Sendable {
    public struct Move: Sendable, Equatable {
        public var docID: String
        /// 1-based rank in A's top-k, nil: new in B's.
        public var rankA: Int?
        /// 1-based rank in B's top-k, nil: dropped from it.
        public var rankB: Int?
    }

    public struct Row: Sendable {
        public var queryID: String
        public var text: String
        public var topA: [String]
        public var topB: [String]
        public var overlap: Double
        public var rbo: Double
        public var moves: [Move]
        public var ndcgA: Double?
        public var ndcgB: Double?
        public var judgedA: Double?
        public var judgedB: Double?
        public var ndcgDelta: Double? { ndcgA.flatMap { a in ndcgB.map { $0 - a } } }
    }

    public var a: String
    public var b: String
    public var set: String
    public var k: Int
    public var rows: [Row]
    public var statistics: RunComparison?

    public var meanOverlap: Double { rows.isEmpty ? 0 : rows.map(\.overlap).reduce(0, +) / Double(rows.count) }
    public var meanRBO: Double { rows.isEmpty ? 0 : rows.map(\.rbo).reduce(0, +) / Double(rows.count) }

    public var json: JSONValue {
        func opt(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
        func rank(_ r: Int?) -> JSONValue { r.map { .int(Int64($0)) } ?? .null }
        return .object([
            JSONMember("a", .string(a)), JSONMember("b", .string(b)), JSONMember("set", .string(set)), JSONMember("k", .int(Int64(k))),
            JSONMember("overlap@\(k)", .double(meanOverlap)), JSONMember("rbo@\(k)", .double(meanRBO)),
            JSONMember("queries", .array(rows.map { r in
                .object([
                    JSONMember("query_id", .string(r.queryID)), JSONMember("text", .string(r.text)),
                    JSONMember("overlap@\(k)", .double(r.overlap)), JSONMember("rbo@\(k)", .double(r.rbo)),
                    JSONMember("ndcg@\(k)_a", opt(r.ndcgA)), JSONMember("ndcg@\(k)_b", opt(r.ndcgB)), JSONMember("delta", opt(r.ndcgDelta)),
                    JSONMember("judged@\(k)_a", opt(r.judgedA)), JSONMember("judged@\(k)_b", opt(r.judgedB)),
                    JSONMember("top_a", .array(r.topA.map { .string($0) })), JSONMember("top_b", .array(r.topB.map { .string($0) })),
                    JSONMember("moves", .array(r.moves.map { m in
                        .object([JSONMember("doc_id", .string(m.docID)), JSONMember("rank_a", rank(m.rankA)), JSONMember("rank_b", rank(m.rankB))])
                    })),
                ])
            })),
            JSONMember("comparison", statistics?.json ?? .null),
        ])
    }
}
