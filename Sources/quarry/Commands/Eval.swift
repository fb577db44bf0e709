import ArgumentParser
import Foundation
import QuarryEngine
import QuarryREPL

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a collection's query set and score it against its qrels (trec_eval definitions).",
        discussion: """
            Prints nDCG@10, MRR@10, Recall@100, P@10 and MAP, and the latency per query (single
            thread, after a warm-up). Retrieval depth is at least 100 whatever --k. The run is
            stored in the database.

            Examples:
              quarry eval --collection scifact --mode bm25 --split test
              quarry eval --collection scifact --mode bm25 --k1 1.2 --b 0.75 --json
              quarry eval --collection scifact --mode bm25 --run-out bm25.trec
              quarry eval --collection scifact --mode vector --ef 128
              quarry eval --collection scifact --mode hybrid
              quarry eval --collection scifact --mode hybrid --backend local,milvus://127.0.0.1:19530
              quarry eval --collection scifact --statement 'SEARCH scifact MATCH $query NEAR $query FUSE rrf(k = 30)'
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "bm25, vector or hybrid (RRF of both).") var mode = "bm25"
    @Option(help: "A SEARCH statement with $query where each query's text goes (overrides --mode).") var statement: String?
    @Option(help: "HNSW ef.") var ef: Int?
    @Option(help: "IVF lists probed.") var nprobe: Int?
    @Option(name: .customLong("refine-k"), help: "IVF_RABITQ candidates re-ranked.") var refineK: Int?
    @Option(help: "The query set's split.") var split = "test"
    @Option(help: "Hits per query shown in metrics@k (depth is at least 100).") var k = 10
    @Option(help: "BM25 k1.") var k1: Float = 0.9
    @Option(help: "BM25 b.") var b: Float = 0.4
    @Option(help: "BM25 fields and boosts, e.g. title^2,text.") var fields: String?
    @Option(help: "BM25 top-k algorithm: auto (by query shape), bmw, maxscore or exhaustive.") var algorithm = "auto"
    @Option(name: .customLong("run-out"), help: ArgumentHelp("Write the run in TREC format (qid Q0 docid rank score tag).", valueName: "file")) var runOut: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var remote: BackendOptions

    func run() throws {
        try reportingErrors {
            guard let m = EvalRequest.Mode(rawValue: mode.lowercased()) else {
                throw EngineError.badParameter("unknown mode '\(mode)' (expected \(EvalRequest.Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let wb = try Workbench(path: database.path, mustExist: true)
            var r = EvalRequest(collection: collection)
            r.mode = m
            r.split = split
            r.k = k
            r.lexical.k1 = k1
            r.lexical.b = b
            r.lexical.fields = fields
            r.lexical.algorithm = algorithm
            r.runOut = runOut
            r.statement = statement
            r.ef = ef
            r.nprobe = nprobe
            r.refineK = refineK
            if !remote.isDefault { return try remote.evaluate(r, databasePath: database.path, json: json, label: statement ?? m.rawValue) }
            let report = try wb.evaluate(r)
            if json { printJSON(report.json); return }
            let s = report.summary
            func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "—" }
            var rows = [["nDCG@10", f(s.ndcg10)], ["MRR@10", f(s.mrr10)], ["Recall@100", f(s.recall100)], ["P@10", f(s.p10)], ["MAP", f(s.map)]]
            if let r = report.recallExact { rows.append(["recall@10 vs exact", f(r)]) }
            print("\(collection) · \(statement ?? m.rawValue) · split \(split) · \(s.queries) queries")
            print(TextTable(columns: [.init("metric"), .init("value", alignRight: true)], rows: rows).render(width: Terminal.width(), color: Terminal.colorEnabled()))
            if let l = s.latency {
                print(String(format: "latency p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  max %.3f ms  ·  %.0f QPS (1 thread)", l.p50Ms, l.p95Ms, l.p99Ms, l.maxMs, l.qps))
            }
            if let id = report.runID { print("stored as run \(id)") }
        }
    }
}
