import Foundation
import QuarryEval

@_exported import struct QuarryEval.EvalSummary
@_exported import struct QuarryEval.LatencySummary

/// Evaluation of a search mode over a collection's query set against its qrels.
public struct EvalRequest: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case bm25, vector, hybrid }
    public var collection: String
    public var mode: Mode = .bm25
    public var split = "test"
    /// Hits shown per query; retrieval depth is at least 100 whatever k, for Recall@100.
    public var k = 10
    public var lexical: LexicalRequest
    public var warmup = 20
    /// Where to write the run in TREC format, if anywhere.
    public var runOut: String?

    public init(collection: String) {
        self.collection = collection
        lexical = LexicalRequest(collection: collection, text: "")
    }
}

public struct EvalReport: Sendable {
    public var summary: EvalSummary
    public var runID: Int64?
    public var json: JSONValue
}

extension Workbench {
    public func evaluate(_ request: EvalRequest) throws -> EvalReport {
        let qrelsRows = try database.qrels(collection: request.collection, split: request.split)
        guard !qrelsRows.isEmpty else {
            let splits = try database.splits(collection: request.collection)
            throw EngineError.badParameter("collection '\(request.collection)' has no qrels for split '\(request.split)'"
                + (splits.isEmpty ? " (it has no query set; import a BEIR folder with qrels/)" : " (splits: \(splits.joined(separator: ", ")))"))
        }
        var qrels = Qrels()
        for q in qrelsRows { qrels.set(query: q.queryID, document: q.docID, relevance: q.grade) }
        let judged = Set(qrels.queryIDs)
        let queries = try database.queries(collection: request.collection).filter { judged.contains($0.id) }
        let depth = max(request.k, 100)

        func runOne(_ text: String) throws -> [SearchHit] {
            switch request.mode {
            case .bm25:
                var r = request.lexical
                r.collection = request.collection
                r.text = text
                r.k = depth
                r.plainText = true
                return try searchLexical(r).hits
            case .vector, .hybrid:
                throw EngineError.unsupported("eval --mode \(request.mode.rawValue) needs a vector index; not available in this build")
            }
        }

        // Warm-up: the first queries once, untimed.
        for q in queries.prefix(request.warmup) { _ = try runOne(q.text) }
        var run = Run(tag: "quarry-\(request.mode.rawValue)")
        var latency = LatencyRecorder()
        let wallStart = monotonicNanoseconds()
        for q in queries {
            let (hits, ns) = try measure { try runOne(q.text) }
            latency.record(nanoseconds: ns)
            run.set(query: q.id, results: hits.map { RunEntry(document: $0.id, score: Double($0.score)) })
        }
        let wall = Double(monotonicNanoseconds() - wallStart) / 1e9
        let evaluation = RelevanceEvaluator(qrels: qrels).evaluate(run)
        let summary = EvalSummary(evaluation: evaluation, latency: latency.summary(wallSeconds: wall))
        if let path = request.runOut { try run.write(path: path) }

        var params: [JSONMember] = [JSONMember("k", .int(Int64(request.k)))]
        if request.mode == .bm25 {
            params += [JSONMember("k1", .double(Double("\(request.lexical.k1)") ?? 0)), JSONMember("b", .double(Double("\(request.lexical.b)") ?? 0)),
                       JSONMember("fields", request.lexical.fields.map { .string($0) } ?? .null), JSONMember("algorithm", .string(request.lexical.algorithm))]
        }
        let runID = try database.saveRun(collection: request.collection, statement: "eval --mode \(request.mode.rawValue)",
                                         params: .object(params), split: request.split, metrics: summary.json,
                                         perQuery: evaluation.json, quarryVersion: Workbench.version)
        var json = summary.json
        if case var .object(m) = json {
            m.append(JSONMember("mode", .string(request.mode.rawValue)))
            m.append(JSONMember("split", .string(request.split)))
            m.append(JSONMember("params", .object(params)))
            m.append(JSONMember("run_id", .int(runID)))
            json = .object(m)
        }
        return EvalReport(summary: summary, runID: runID, json: json)
    }

    public static let version = "0.1.0"
}
