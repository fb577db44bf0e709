import ArgumentParser
import Foundation
import QuarryEngine
import QuarryTUI

struct BenchTui: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Keystroke-to-redraw latency of the TUI on a synthetic collection (or --db/--collection), off-screen.",
        discussion: """
            Builds a synthetic collection (text, metadata and clustered vectors like
            make_synth.py, BM25 and HNSW indexes) unless --db names one, then drives the
            workbench's screen manager with a key script (type a query, run it, move,
            change ef) on an off-screen terminal.

            Examples:
              quarry bench tui --records 100000 --json
              quarry bench tui --db quarry.db --collection scifact --rows 60 --cols 200
            """)

    @Option(help: ArgumentHelp("An existing database (default: a synthetic one in a temporary folder).", valueName: "file")) var db: String?
    @Option(help: "The collection of --db (default: the first with vectors and a BM25 index, else the first).") var collection: String?
    @Option(help: "Records of the synthetic collection.") var records = 100_000
    @Option(help: "Dimension of the synthetic vectors.") var dimension = 32
    @Option(help: "Rounds of the key script.") var rounds = 20
    @Option(help: "Screen rows.") var rows = 24
    @Option(help: "Screen columns.") var cols = 80
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard records > 0, dimension > 0, rounds > 0 else { throw ValidationError("--records, --dimension and --rounds must be positive") }
        guard rows >= 12, cols >= 40 else { throw ValidationError("the screen must be at least 40x12") }
    }

    func run() throws {
        try reportingErrors {
            var options = TUIBench.Options()
            options.rows = rows
            options.cols = cols
            options.rounds = rounds
            var report: JSONValue
            var setup: [JSONMember] = []
            if let db {
                let workbench = try Workbench(path: db, mustExist: true)
                guard let name = try collection ?? workbench.defaultCollection() else { throw TUI.Failure.noCollection }
                report = try TUIBench.run(workbench: workbench, collection: name, options: options)
            } else {
                let dir = NSTemporaryDirectory() + "quarry-bench-tui-" + UUID().uuidString
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let start = monotonicNanoseconds()
                try SyntheticCorpus().writeJSONL(count: records, to: dir + "/synthetic.jsonl")
                try SyntheticCorpus().writeVectors(count: records, dimension: dimension, to: dir + "/synthetic.fbin")
                let workbench = try Workbench(path: dir + "/bench.db")
                var importOptions = ImportOptions(path: dir + "/synthetic.jsonl", collection: "synthetic")
                importOptions.vectors = dir + "/synthetic.fbin"
                try workbench.importRecords(importOptions)
                _ = try workbench.buildLexicalIndex(collection: "synthetic")
                let hnsw = try workbench.buildVectorIndex(collection: "synthetic", field: "embedding", type: "hnsw", parameters: [:])
                setup = [JSONMember("dimension", .int(Int64(dimension))), JSONMember("hnsw_build_s", .double((hnsw.seconds * 100).rounded() / 100)),
                         JSONMember("setup_s", .double((Double(monotonicNanoseconds() - start) / 1e7).rounded() / 100))]
                report = try TUIBench.run(workbench: workbench, collection: "synthetic", options: options)
            }
            if case var .object(members) = report { members += setup; report = .object(members) }
            if json { printJSON(report); return }
            func line(_ label: String, _ key: String) -> String {
                let r = report[key]
                let f = { (k: String) in String(format: "%.3f", r?[k]?.doubleValue ?? 0) }
                return "\(label): p50 \(f("p50_ms")) ms  p95 \(f("p95_ms")) ms  p99 \(f("p99_ms")) ms  (\(Int(r?["count"]?.doubleValue ?? 0)) keys)"
            }
            print("tui: \(report["records"]?.doubleValue.map { Int($0) } ?? 0) records, \(cols)x\(rows), \(rounds) rounds")
            print(line("key to redraw", "key_to_redraw"))
            print(line("key to answer", "key_to_answer"))
        }
    }
}
