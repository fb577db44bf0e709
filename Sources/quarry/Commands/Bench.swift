import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the engine; `make bench` runs them all and writes BENCHMARKS.md.",
        discussion: """
            Examples:
              quarry bench import --records 100000 --json
              quarry bench filter --records 1000000 --json
              quarry bench vectors --fbin Samples/scifact/corpus.fbin \\
                  --queries Samples/scifact/queries.fbin --json
              quarry bench filtered --fbin Samples/scifact/corpus.fbin \\
                  --queries Samples/scifact/queries.fbin
            """,
        subcommands: [BenchImport.self, BenchFilter.self, BenchVectors.self, BenchFiltered.self, BenchEmbed.self, BenchPlanning.self, BenchTui.self,
                      BenchScale.self, BenchScaleSearch.self])
}

struct BenchImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import throughput: synthetic JSONL records (no vectors) into a fresh database.")

    @Option(help: "How many records.") var records = 100_000
    @Option(name: .customLong("repeat"), help: "Repetitions; the median is reported.") var repetitions = 3
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let report = try ImportBench.run(records: records, repeats: repetitions)
            if json { printJSON(report); return }
            let bytes = Int(report["input_bytes"]?.doubleValue ?? 0), median = Int(report["records_per_s_median"]?.doubleValue ?? 0)
            print("import: \(Human.count(records)) records (\(Human.bytes(bytes)) JSONL), median \(Human.count(median)) records/s over \(max(1, repetitions)) runs")
        }
    }
}

struct BenchFilter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Filters: the path index against a row scan at 0.1 %, 1 %, 10 % and 50 % selectivity on synthetic metadata; ST_DWITHIN with the R-Tree against a scan on the places sample.")

    @Option(help: "How many records.") var records = 1_000_000
    @Option(name: .customLong("repeat"), help: "Repetitions per filter; the median is reported.") var repetitions = 5
    @Option(help: ArgumentHelp("The places sample for the geometry rows (default: Samples/places/places.jsonl.gz when present; 'none' skips them).", valueName: "file"))
    var places: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let defaultPlaces = "Samples/places/places.jsonl.gz"
        let placesFile = places == "none" ? nil : (places ?? (FileManager.default.fileExists(atPath: defaultPlaces) ? defaultPlaces : nil))
        var report = JSONValue.null
        try reportingErrors { report = try FilterBench.run(records: records, repeats: repetitions, places: placesFile) }
        if json { printJSON(report); return }
        guard case let .array(rows)? = report["rows"] else { printJSON(report); return }
        print("filter: \(Human.count(records)) synthetic records")
        print(TextTable(columns: [.init("target"), .init("filter"), .init("matches", alignRight: true), .init("indexed ms", alignRight: true),
                                  .init("scan ms", alignRight: true), .init("speedup", alignRight: true)],
                        rows: rows.map { r in
                            [String(format: "%.1f %%", (r["target_selectivity"]?.doubleValue ?? 0) * 100), r["filter"]?.stringValue ?? "",
                             Human.count(Int(r["matches"]?.doubleValue ?? 0)), String(format: "%.3f", r["indexed_ms"]?.doubleValue ?? 0),
                             String(format: "%.1f", r["scan_ms"]?.doubleValue ?? 0), String(format: "%.0fx", r["speedup"]?.doubleValue ?? 0)]
                        }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        guard let geo = report["geo"], case let .array(geoRows)? = geo["rows"] else { return }
        print("\ngeometry: \(Human.count(Int(geo["records"]?.doubleValue ?? 0))) places (\(geo["source"]?.stringValue ?? "")), R-Tree candidates → exact predicate against a scan")
        print(TextTable(columns: [.init("target"), .init("filter"), .init("matches", alignRight: true), .init("candidates", alignRight: true),
                                  .init("R-Tree ms", alignRight: true), .init("scan ms", alignRight: true), .init("speedup", alignRight: true)],
                        rows: geoRows.map { r in
                            [String(format: "%.1f %%", (r["target_selectivity"]?.doubleValue ?? 0) * 100), r["filter"]?.stringValue ?? "",
                             Human.count(Int(r["matches"]?.doubleValue ?? 0)), Human.count(Int(r["rtree_candidates"]?.doubleValue ?? 0)),
                             String(format: "%.3f", r["indexed_ms"]?.doubleValue ?? 0),
                             String(format: "%.1f", r["scan_ms"]?.doubleValue ?? 0), String(format: "%.0fx", r["speedup"]?.doubleValue ?? 0)]
                        }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
    }
}

/// The vector files a vector benchmark reads, and `--json`.
struct VectorFiles: ParsableArguments {
    @Option(help: ArgumentHelp("Base vectors (fbin).", valueName: "file")) var fbin: String
    @Option(help: ArgumentHelp("Query vectors (fbin); default: a sample of the base.", valueName: "file")) var queries: String?
    @Flag(help: "Print JSON.") var json = false
}

struct BenchVectors: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Vector indexes: build time, bytes, single-thread QPS and recall@10 against exact, over ef / nprobe / refine_k.")

    @OptionGroup var files: VectorFiles
    @Option(help: "Comma-separated index types: flat, hnsw, hnsw_sq, ivf_flat, ivf_sq8, ivf_rabitq (default: all but hnsw_sq).") var types: String?
    @Option(name: .customLong("max-queries"), help: "Use at most this many queries.") var maxQueries = 1000

    func run() throws {
        try reportingErrors {
            let report = try VectorBench.run(fbin: files.fbin, queries: files.queries, types: types.map { $0.split(separator: ",").map(String.init) },
                                             maxQueries: maxQueries)
            if files.json { printJSON(report); return }
            guard case let .array(rows)? = report["results"] else { printJSON(report); return }
            print(TextTable(columns: [.init("index"), .init("setting"), .init("recall@10", alignRight: true), .init("QPS", alignRight: true),
                                      .init("build s", alignRight: true), .init("bytes", alignRight: true)],
                            rows: rows.map { r in
                                [r["index"]?.stringValue ?? "", r["search_params"].map { $0.jsonText } ?? "",
                                 String(format: "%.3f", r["recall@10"]?.doubleValue ?? 0), String(format: "%.0f", r["qps"]?.doubleValue ?? 0),
                                 String(format: "%.2f", r["build_s"]?.doubleValue ?? 0), Human.bytes(Int(r["index_bytes"]?.doubleValue ?? 0))]
                            }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}

struct BenchFiltered: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filtered",
        abstract: "Filtered vector search: the strategy the planner picks at 0.1–50 % allowed (random and correlated sets), its latency and recall, against in-graph HNSW.")

    @OptionGroup var files: VectorFiles
    @Option(name: .customLong("max-queries"), help: "Use at most this many queries.") var maxQueries = 300

    func run() throws {
        try reportingErrors {
            let report = try FilteredVectorBench.run(fbin: files.fbin, queries: files.queries, maxQueries: maxQueries)
            if files.json { printJSON(report); return }
            guard case let .array(rows)? = report["rows"] else { printJSON(report); return }
            func f(_ r: JSONValue, _ key: String, _ decimals: Int) -> String { NumberText.fixedPadded(r[key]?.doubleValue ?? 0, decimals: decimals) }
            print(TextTable(columns: [.init("allowed", alignRight: true), .init("set"), .init("picked"), .init("ms/q", alignRight: true),
                                      .init("recall@10", alignRight: true), .init("in-graph ef64", alignRight: true), .init("ms/q", alignRight: true),
                                      .init("in-graph ef256", alignRight: true), .init("ms/q", alignRight: true)],
                            rows: rows.map { r in
                                [NumberText.tick(100 * (r["fraction"]?.doubleValue ?? 0)) + " %", r["set"]?.stringValue ?? "", r["picked"]?.stringValue ?? "",
                                 f(r, "picked_ms", 3), f(r, "picked_recall@10", 4), f(r, "in_graph_ef64_recall@10", 4), f(r, "in_graph_ef64_ms", 3),
                                 f(r, "in_graph_ef256_recall@10", 4), f(r, "in_graph_ef256_ms", 3)]
                            }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}

struct BenchEmbed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "The embedder: short-query latency (batch 1) and 200-token passages per second with 1 and 2 threads.",
        discussion: """
            With --collection, also the time to embed that collection's records (text
            fields joined, as `quarry embed --collection` does) on --corpus-threads
            threads; nothing is stored.

            Examples:
              quarry bench embed --json
              quarry bench embed --db quarry.db --collection scifact --json
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Also time embedding this collection's whole corpus.") var collection: String?
    @Option(name: .customLong("corpus-threads"), help: "Threads for the corpus.") var corpusThreads = 2
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let corpus = try collection.map { try database.open().embeddingTexts(collection: $0).texts }
            let report = try Embedder.loadDefault().benchmark(corpus: corpus, corpusThreads: corpusThreads)
            printJSON(report.json, pretty: !json)
        }
    }
}

struct BenchPlanning: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning",
        abstract: "Planning time p50, and EXPLAIN ANALYZE's overhead on execution (recall computation off).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection (its query set supplies the queries).") var collection: String
    @Option(help: "How many queries.") var queries = 100
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let report = try PlanningBench.run(try Workbench(path: database.path, mustExist: true), collection: collection, queries: queries)
            if json { printJSON(report); return }
            guard case let .array(rows)? = report["rows"] else { return }
            print(TextTable(columns: [.init("statement"), .init("planning p50 ms", alignRight: true), .init("execution p50 ms", alignRight: true),
                                      .init("EXPLAIN ANALYZE p50 ms", alignRight: true), .init("overhead", alignRight: true)],
                            rows: rows.map { r in
                                [r["statement"]?.stringValue ?? "", String(format: "%.4f", r["planning_ms_p50"]?.doubleValue ?? 0),
                                 String(format: "%.4f", r["execution_ms_p50"]?.doubleValue ?? 0),
                                 String(format: "%.4f", r["explain_analyze_execution_ms_p50"]?.doubleValue ?? 0),
                                 String(format: "%.1f %%", 100 * (r["explain_analyze_overhead"]?.doubleValue ?? 0))]
                            }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}
