import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a collection's query set and score it against its qrels (trec_eval definitions).",
        discussion: """
            Prints nDCG@10, MRR@10, Recall@100, P@10 and MAP, and the latency per query
            (single thread, after a warm-up). Retrieval depth is at least 100 whatever --k.
            The run is stored in the database.

            Examples:
              quarry eval --collection scifact --mode bm25 --split test
              quarry eval --collection scifact --mode bm25 --k1 1.2 --b 0.75 --json
              quarry eval --collection scifact --mode bm25 --run-out bm25.trec
              quarry eval --collection scifact --mode vector --ef 128
              quarry eval --collection scifact --mode hybrid --threads 2
              quarry eval --collection scifact --queries my-queries.tsv \\
                  --qrels my-qrels.trec
              quarry eval --collection scifact --mode hybrid \\
                  --backend local,milvus://127.0.0.1:19530
              quarry eval --collection scifact \\
                  --statement 'SEARCH scifact MATCH $query NEAR $query FUSE rrf(k = 30)'
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var options: EvalOptions
    @Option(name: .customLong("run-out"), help: ArgumentHelp("Write the run in TREC format (qid Q0 docid rank score tag).", valueName: "file")) var runOut: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var remote: BackendOptions

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            var r = try options.request()
            r.runOut = runOut
            let mode = (r.mode ?? .bm25).rawValue
            if !remote.isDefault { return try remote.evaluate(r, databasePath: database.path, json: json, label: options.statement ?? mode) }
            let report = try wb.evaluate(r)
            if json { printJSON(report.json); return }
            let s = report.summary
            let split = options.qrels.map { "file " + ($0 as NSString).lastPathComponent } ?? "split \(options.split)"
            print("\(options.collection) · \(options.statement ?? mode) · \(split) · \(s.queries) queries")
            print(TextTable(columns: [.init("metric"), .init("value", alignRight: true)], rows: Render.evalRows(report))
                .render(width: Terminal.width(), color: Terminal.colorEnabled()))
            if let l = s.latency {
                print(String(format: "latency p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  max %.3f ms  ·  %.0f QPS", l.p50Ms, l.p95Ms, l.p99Ms, l.maxMs, l.qps)
                      + (options.threads == 1 ? " (1 thread)" : " (\(options.threads) threads)"))
            }
            if let c = report.coverage, c.judged10 < 1 {
                print(String(format: "judged@10 %.4f · with unjudged documents left out: nDCG′@10 %.4f, bpref %.4f", c.judged10, c.condensedNDCG10, c.bpref))
            }
            if let id = report.runID { print("stored as run \(id)") }
        }
    }
}
