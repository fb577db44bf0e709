import Foundation
import QuarryEval
import QuarryStorage

@_exported import struct QuarryEval.EvalSummary
@_exported import struct QuarryEval.LatencySummary

/// Evaluation of a search mode (or any statement with `$query`) over a collection's query set.
public struct EvalRequest: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case bm25, vector, hybrid

        /// The metric a sweep of this mode is judged by when none is named: recall against the
        /// exact answer for vector searches, nDCG@10 against the judgements otherwise.
        public var defaultMetric: String { self == .vector ? "recall@10" : "ndcg@10" }
    }
    public var collection: String
    /// A SEARCH with `$query` where each query's text goes; overrides `mode`.
    public var statement: String?
    public var split = "test"
    /// BM25 fields and boosts, `title^2,text`; nil: every indexed field.
    public var fields: String?
    /// The registry's parameters (k1, b, bm25_algorithm, ef, nprobe, refine_k, fusion, rrf_k,
    /// weight, k, mode), over the session's settings and the defaults.
    public var parameters = ParameterValues()
    public var vectorField: String?
    public var warmup = 20
    /// Where to write the run in TREC format, if anywhere.
    public var runOut: String?
    /// Queries from a file instead of the collection's query set: BEIR `queries.jsonl`
    /// (`{"_id", "text"}`) or TSV (`qid<TAB>text`).
    public var queriesFile: String?
    /// Judgements from a file instead of the imported qrels: TREC (`qid 0 docid rel`) or BEIR TSV.
    public var qrelsFile: String?
    /// Threads of the timed pass; each has its own workbench (connection and loaded indexes), as
    /// separate clients would. Latency percentiles pool all threads; QPS is queries ÷ wall time.
    public var threads = 1
    /// Store the run in the database (as `quarry eval` does); false leaves the database as it was.
    public var storeRun = true
    /// Polled between queries; when it returns true the evaluation stops with `EngineError.cancelled`.
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(collection: String) {
        self.collection = collection
    }

    /// The mode when one was given; nil lets a sweep take what its parameters imply (an
    /// evaluation alone runs BM25).
    public var mode: Mode? {
        get { parameters.isGiven("mode") ? Mode(rawValue: parameters.word("mode")) : nil }
        set {
            if let newValue { try? parameters.set("mode", .string(newValue.rawValue)) } else { parameters.remove("mode") }
        }
    }

    /// Hits per query in the timed pass and in metrics@k; retrieval depth is at least 100
    /// whatever k, for Recall@100.
    public var k: Int {
        get { parameters.integer("k") }
        set { try? parameters.set("k", .number(Double(newValue))) }
    }

    /// The options of an evaluation besides the registry's parameters, by the names `.eval` and
    /// `quarry eval` use.
    public static let options = ["split", "fields", "statement", "warmup"]

    /// Sets an option or a parameter by name from text, as `.eval NAME=VALUE` does; unknown
    /// names get "did you mean".
    public mutating func set(_ name: String, text: String) throws(EngineError) {
        switch name.lowercased() {
        case "split": split = text
        case "fields": fields = text
        case "statement": statement = text
        case "warmup":
            guard let n = Int(text), n >= 0 else { throw .badParameter("warmup takes a whole number, not '\(text)'") }
            warmup = n
        default:
            guard Parameters.named(name) != nil else {
                let known = Self.options + Parameters.all.map(\.name)
                throw .badParameter("unknown eval parameter '\(name)'" + (Suggest.nearest(to: name.lowercased(), in: known).map { "; did you mean '\($0)'?" } ?? ""))
            }
            try parameters.set(name, parsing: text)
        }
    }
}

/// How much of the answers the judgements cover, and the measures that leave unjudged
/// documents out (means over the evaluated queries): so "nDCG went up" on documents nobody
/// judged shows as such.
public struct JudgmentCoverage: Sendable, Equatable {
    /// judged@10: the share of each top 10 that has a judgement.
    public var judged10: Double
    /// nDCG′@10 on the condensed lists (Sakai 2007).
    public var condensedNDCG10: Double
    /// bpref (Buckley & Voorhees 2004).
    public var bpref: Double
}

public struct EvalReport: Sendable {
    public var summary: EvalSummary
    public var recallExact: Double?
    public var runID: Int64?
    public var json: JSONValue
    public var coverage: JudgmentCoverage?

    public init(summary: EvalSummary, recallExact: Double?, runID: Int64?, json: JSONValue) {
        self.summary = summary
        self.recallExact = recallExact
        self.runID = runID
        self.json = json
    }
}

extension Workbench {
    public func evaluate(_ request: EvalRequest) throws -> EvalReport {
        let (qrels, allQueries) = try querySet(request)
        let judged = Set(qrels.queryIDs)
        let queries = allQueries.filter { judged.contains($0.id) }
        guard !queries.isEmpty else {
            throw EngineError.badParameter("no query of the query set has judgements (\(allQueries.count) queries, \(qrels.queryIDs.count) judged query ids)")
        }
        let mode = request.mode ?? .bm25
        let k = request.k
        let depth = max(k, 100)
        let usesVectors = request.statement?.contains("NEAR") ?? (mode != .bm25)
        let field = usesVectors ? try request.vectorField ?? defaultVectorField(request.collection) : ""
        // Stored query vectors belong to the imported queries; queries from a file are embedded.
        let queryVectors = try usesVectors && usesStoredQueryVectors(request) ? try database.queryVectors(collection: request.collection, field: field) : [:]

        // The request's parameters over the session's settings; the BM25 ones are always recorded.
        let parameters = settings.changed.merging(request.parameters)
        var with = parameters.statementOverrides
        for name in ["k1", "b", "bm25_algorithm"] { with[name] = parameters.value(name) }
        let fusion = parameters.fusion

        func near(_ q: StoredQuery) -> NearClause {
            NearClause(target: queryVectors[q.id].map { .vector($0) } ?? .text(q.text), field: field)
        }
        func statement(_ q: StoredQuery) throws -> SearchStatement {
            var s: SearchStatement
            if let template = request.statement {
                let quoted = "'" + q.text.replacingOccurrences(of: "'", with: "''") + "'"
                guard case let .search(parsed) = try StatementParser.parse(template.replacingOccurrences(of: "$query", with: quoted)) else {
                    throw EngineError.badParameter("--statement must be a SEARCH with $query")
                }
                s = parsed
                if s.match?.text == q.text { s.match?.plain = true }
                if case .text(q.text)? = s.near?.target, let v = queryVectors[q.id] { s.near?.target = .vector(v) }
                s.with.merge(with, uniquingKeysWith: { old, _ in old })
            } else {
                s = SearchStatement(collection: request.collection)
                if mode != .vector {
                    s.match = MatchClause(text: q.text, fields: [], plain: true)
                    if let f = request.fields {
                        s.match?.fields = f.split(separator: ",").map { part in
                            let bits = part.split(separator: "^")
                            return MatchField(field: String(bits[0]), boost: bits.count > 1 ? Double(bits[1]) ?? 1 : 1)
                        }
                    }
                }
                if mode != .bm25 { s.near = near(q) }
                if mode == .hybrid { s.fusion = fusion }
                s.with = with
            }
            s.limit = depth
            return s
        }

        func check() throws { if request.isCancelled() { throw EngineError.cancelled } }

        // Warm-up: the first queries once, untimed.
        for q in queries.prefix(request.warmup) { try check(); _ = try search(statement(q)) }
        var run = Run(tag: "quarry-\(request.statement == nil ? mode.rawValue : "statement")")
        // Timed pass at LIMIT k (as the peers time theirs); metrics from an untimed pass at depth ≥ 100.
        let (latency, wall) = try timedPass(queries.count, threads: request.threads, check: check) { workbench, i in
            var s = try statement(queries[i])
            s.limit = k
            let (_, ns) = try measure { try workbench.search(s) }
            return ns
        }
        for q in queries {
            try check()
            let result = try search(try statement(q))
            run.set(query: q.id, results: result.hits.map { RunEntry(document: $0.id, score: $0.score) })
        }
        let evaluation = RelevanceEvaluator(qrels: qrels).evaluate(run)
        var coverage: JudgmentCoverage?
        if !evaluation.queries.isEmpty {
            var sums = (0.0, 0.0, 0.0)
            for q in evaluation.queries {
                let ranking = Run.trecOrder(run.results[q] ?? []).map(\.document), j = qrels[q] ?? [:]
                sums.0 += Measures.judged(ranking, judgements: j, k: 10)
                sums.1 += Measures.condensedNDCG(ranking, judgements: j, k: 10)
                sums.2 += Measures.bpref(ranking, judgements: j)
            }
            let n = Double(evaluation.queries.count)
            coverage = JudgmentCoverage(judged10: sums.0 / n, condensedNDCG10: sums.1 / n, bpref: sums.2 / n)
        }
        let summary = EvalSummary(evaluation: evaluation, latency: latency.summary(wallSeconds: wall))
        if let path = request.runOut { try run.write(path: path) }

        // Recall@10 of the vector branch against the exact answer (untimed): the peers' definition.
        var recallExact: Double?
        if usesVectors, try vectorIndex(collection: request.collection, field: field) != nil {
            var returned: [[UInt32]] = [], vectors: [[Float]] = []
            for q in queries {
                try check()
                var a = SearchStatement(collection: request.collection)
                a.near = near(q)
                a.with = with
                a.limit = 10
                returned.append(try search(a).hits.map(\.ordinal))
                vectors.append(try queryVector(a.near!.target, collection: request.collection, field: field))
            }
            // The exact answers of all queries at once: sgemm over blocks of the mapped vectors.
            let exact = try fieldVectors(collection: request.collection, field: field)
                .exactBatch(vectors, k: 10, deleted: try deletedOrdinals(collection: request.collection)).map { $0.map(\.id) }
            recallExact = Measures.meanExactRecall(returned: returned, exact: exact, k: 10)
        }

        var params: [JSONMember] = [JSONMember("k", .int(Int64(k)))]
        let fusionRecorded = mode == .hybrid && request.statement == nil
        for (name, v) in with.sorted(by: { $0.key < $1.key }) where !(fusionRecorded && name == "rrf_k") {
            switch v {
            case let .number(d): params.append(JSONMember(name, .double((d * 1e6).rounded() / 1e6)))
            default: params.append(JSONMember(name, .string(v.description)))
            }
        }
        if let f = request.fields { params.append(JSONMember("fields", .string(f))) }
        if fusionRecorded {
            let resolved = try resolveFusion(fusion, collection: request.collection, with: with)
            switch resolved.spec {
            case let .rrf(k): params.append(JSONMember("rrf_k", .double(k)))
            case let .weighted(w, n):
                params.append(JSONMember("weight", .double(w.first ?? 0.5)))
                params.append(JSONMember("normalize", .string(n.rawValue)))
            case .auto: break
            }
            params.append(JSONMember("fusion", .string(fusion == .auto ? "auto" : resolved.spec.name)))
            if fusion == .auto { params.append(JSONMember("fusion_source", .string(resolved.source))) }
        }
        if request.threads > 1 { params.append(JSONMember("threads", .int(Int64(request.threads)))) }
        let label = request.statement ?? "eval --mode \(mode.rawValue)"
        let split = request.qrelsFile.map { "file:" + ($0 as NSString).lastPathComponent } ?? request.split
        let runID: Int64? = request.storeRun
            ? try database.saveRun(collection: request.collection, statement: label,
                                   params: .object(params), split: split, metrics: summary.json,
                                   perQuery: evaluation.json, quarryVersion: Workbench.version)
            : nil
        var json = summary.json
        if case var .object(m) = json {
            if let r = recallExact { m.append(JSONMember("recall@10_exact", .double(r))) }
            m.append(JSONMember("mode", .string(request.statement == nil ? mode.rawValue : "statement")))
            m.append(JSONMember("split", .string(split)))
            m.append(JSONMember("params", .object(params)))
            if let runID { m.append(JSONMember("run_id", .int(runID))) }
            if let c = coverage {
                m.append(JSONMember("judged@10", .double(c.judged10)))
                m.append(JSONMember("ndcg'@10", .double(c.condensedNDCG10)))
                m.append(JSONMember("bpref", .double(c.bpref)))
            }
            json = .object(m)
        }
        var report = EvalReport(summary: summary, recallExact: recallExact, runID: runID, json: json)
        report.coverage = coverage
        return report
    }

    public static let version = "0.1.0"
}

extension Workbench {
    /// Compares two stored runs: metric deltas, paired t-test and randomization test, wins and losses.
    public func compareRuns(_ a: Int64, _ b: Int64) throws -> JSONValue {
        let ra = try database.run(id: a), rb = try database.run(id: b)
        let ea = try Evaluation(json: ra.perQuery), eb = try Evaluation(json: rb.perQuery)
        return RunComparison(baseline: ea, treatment: eb).json
    }
}
