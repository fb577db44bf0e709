import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine
#if canImport(Glibc)
import Glibc
#endif

/// A child `quarry` process, timed, with its peak resident memory (from `wait4`).
struct Child {
    var status: Int32
    var seconds: Double
    var maxRSSBytes: Int
    var output: String

    /// Runs this executable with `arguments`; standard output is captured, standard error is
    /// passed through (progress bars stay visible).
    static func run(_ arguments: [String]) throws -> Child {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-child-\(UUID().uuidString)").path
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([exe] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // Linux gives an exec'd process the peak RSS of the address space it replaced (here this
        // process's, which held a whole vector file while computing exact answers) as the floor
        // of its own: reset this process's peak to its current size first ("5": clear_refs(5)).
        if let f = fopen("/proc/self/clear_refs", "w") {
            fputs("5", f)
            fclose(f)
        }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, environ)
        guard rc == 0 else { throw EngineError.unsupported("cannot start \(exe): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return Child(status: exit, seconds: seconds, maxRSSBytes: Int(usage.ru_maxrss) * 1024, output: text)
    }

    var json: [JSONMember] {
        [JSONMember("seconds", .double((seconds * 1000).rounded() / 1000)), JSONMember("peak_rss_bytes", .int(Int64(maxRSSBytes)))]
    }
}

struct BenchScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "A collection of millions: import, BM25 and vector index builds, a new process's first query, warm latency and recall, memory and disk.",
        discussion: """
            Synthetic data made in Swift with a fixed seed: Zipfian text with metadata, and
            low-rank vectors that behave like sentence embeddings (`--dim` dimensions,
            latent dimension 24), queries drawn apart from the corpus. Import, each index
            build and the first query of a new process run as child processes, timed, with
            their peak RSS. The data set is kept in --data (reused by later runs); the
            database is rebuilt.

            Examples:
              quarry bench scale --records 100000 --dim 384
              quarry bench scale --records 1000000 --dim 384 --types hnsw,ivf_rabitq --json
              quarry bench scale --records 10000000 --dim 384 --types ivf_rabitq \\
                  --refine-type fp32
            """)

    @Option(help: "How many records.") var records = 100_000
    @Option(help: "Vector dimension.") var dim = 384
    @Option(help: "How many queries (not in the corpus).") var queries = 1000
    @Option(help: "Comma-separated vector index types to build in turn.") var types = "hnsw,ivf_rabitq"
    @Option(name: .customLong("refine-type"), help: "IVF_RABITQ's refine: sq8, fp32 (the vector file, tiered) or none.") var refineType = "fp32"
    @Option(help: "Folder of the data set and database (default: a folder in the temporary directory per size).") var data: String?
    @Option(help: "IVF's number of lists (default: about 4·√n).") var nlist: Int?
    @Flag(name: .customLong("skip-bm25"), help: "Leave out the BM25 index and its queries.") var skipBM25 = false
    @Flag(help: "Keep the database after the run.") var keep = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let folder = data ?? NSTemporaryDirectory() + "quarry-scale-\(records)x\(dim)"
            let set = ScaleBench.DataSet(folder: folder, records: records, dimension: dim)
            let color = Terminal.colorEnabled()
            func say(_ s: String) { if !json { FileHandle.standardError.write(Data((Style.accent.apply("scale: ", enabled: color) + s + "\n").utf8)) } }
            let bar = ProgressBar(label: "preparing data", unit: "rows", enabled: !json && Terminal.isTTY(STDERR_FILENO))
            try ScaleBench.prepare(set, queries: queries) { _, done, total in bar.update(done: done, fraction: Double(done) / Double(max(total, 1))) }
            bar.finish()
            let db = folder + "/scale.db"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            try? FileManager.default.removeItem(atPath: db + ".segments")
            var report: [JSONMember] = [JSONMember("records", .int(Int64(records))), JSONMember("dimension", .int(Int64(dim))),
                                        JSONMember("queries", .int(Int64(queries))), JSONMember("machine", .string(Self.machine()))]

            func step(_ name: String, _ args: [String]) throws -> Child {
                say("\(name): quarry \(args.joined(separator: " "))")
                let c = try Child.run(args + ["--db", db])
                guard c.status == 0 else { throw EngineError.unsupported("\(name) failed with status \(c.status)") }
                say("\(name): \(Human.seconds(c.seconds)), peak RSS \(Human.bytes(c.maxRSSBytes))")
                return c
            }
            let imported = try step("import", ["import", set.corpus, "--collection", "synth", "--vectors", set.vectors])
            report.append(JSONMember("import", .object(imported.json)))
            let texts = try String(contentsOfFile: set.queryTexts, encoding: .utf8).split(separator: "\n").map(String.init)
            var cold: [JSONMember] = []
            if !skipBM25 {
                let bm25 = try step("bm25 index", ["index", "--collection", "synth", "--text", "title,text"])
                report.append(JSONMember("bm25_index", .object(bm25.json)))
                // A new process's first BM25 query: the second of two runs (page cache warm).
                _ = try Child.run(["query", "--db", db, "SEARCH synth MATCH '\(texts[0])' LIMIT 10"])
                let firstBM25 = try Child.run(["query", "--db", db, "SEARCH synth MATCH '\(texts[1])' LIMIT 10"])
                say("new process, first BM25 query: \(Human.seconds(firstBM25.seconds)), peak RSS \(Human.bytes(firstBM25.maxRSSBytes))")
                cold.append(JSONMember("bm25", .object(firstBM25.json)))
            }

            say("exact ground truth (sgemm over blocks)")
            _ = try ScaleBench.groundTruth(set) { _, _ in }  // written beside the data for the warm runs
            let qv = try Fbin.read(path: set.queryVectors)
            let queryRows = (0..<(qv.vectors.count / qv.dimension)).map { Array(qv.vectors[($0 * qv.dimension)..<(($0 + 1) * qv.dimension)]) }

            var builds: [JSONValue] = [], warm: [JSONValue] = [], searchRSS: [JSONMember] = []
            for type in types.split(separator: ",").map(String.init) {
                var args = ["index", "--collection", "synth", "--vector", "embedding", "--type", type]
                if type == "ivf_rabitq" { args += ["--refine-type", refineType] }
                if type.hasPrefix("ivf"), let nlist { args += ["--nlist", String(nlist)] }
                let built = try step("\(type) index", args)
                builds.append(.object([JSONMember("type", .string(type))] + built.json))
                let literal = "[" + queryRows[2].map { String($0) }.joined(separator: ",") + "]"
                _ = try Child.run(["query", "--db", db, "SEARCH synth NEAR \(literal) LIMIT 10"])
                let first = try Child.run(["query", "--db", db, "SEARCH synth NEAR \(literal) LIMIT 10"])
                say("new process, first \(type) query: \(Human.seconds(first.seconds)), peak RSS \(Human.bytes(first.maxRSSBytes))")
                cold.append(JSONMember(type, .object(first.json)))
                // Warm search in a child of its own, so its peak RSS is the search's alone.
                let search = try Child.run(["bench", "scale-search", "--db", db, "--data", folder, "--type", type])
                guard search.status == 0, let result = try? JSONParser.parse(search.output), case let .array(rows)? = result["rows"] else {
                    throw EngineError.unsupported("the warm search of \(type) failed with status \(search.status)")
                }
                for row in rows {
                    warm.append(row)
                    say("warm \(type) \(row["setting"]?.jsonText ?? ""): recall@10 \(String(format: "%.3f", row["recall@10"]?.doubleValue ?? 0)), p50 \(String(format: "%.3f", row["p50_ms"]?.doubleValue ?? 0)) ms")
                }
                searchRSS.append(JSONMember(type, .int(Int64(search.maxRSSBytes))))
                say("warm \(type) search: peak RSS \(Human.bytes(search.maxRSSBytes))")
                if type == types.split(separator: ",").last.map(String.init) {
                    let wb = try Workbench(path: db, mustExist: true)
                    if !skipBM25 { report.append(JSONMember("bm25_warm", try ScaleBench.warmLexicalSearch(wb, collection: "synth", queries: texts))) }
                    report.append(JSONMember("collections", .array(try wb.summaries().map(\.json))))
                }
            }
            report.append(JSONMember("vector_index_builds", .array(builds)))
            report.append(JSONMember("first_query_new_process", .object(cold)))
            report.append(JSONMember("vector_warm", .array(warm)))
            report.append(JSONMember("search_peak_rss_bytes", .object(searchRSS)))
            report.append(JSONMember("disk_bytes", .object([
                JSONMember("database", .int(Int64(Self.size(db)))), JSONMember("segments", .int(Int64(Self.size(db + ".segments")))),
                JSONMember("vectors_float32", .int(Int64(records * dim * 4))),
            ])))
            if !keep {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
                try? FileManager.default.removeItem(atPath: db + ".segments")
            }
            if json { printJSON(.object(report)) } else { print(JSONValue.object(report).prettyJSONText) }
        }
    }

    static func size(_ path: String) -> Int {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return 0 }
        if !isDir.boolValue { return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).reduce(0) { $0 + size(path + "/" + $1) }
    }

    static func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { $0.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? ""
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu ?? "")), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}

/// The warm-search half of `quarry bench scale`, run as a child process so that its peak RSS
/// is the search's own: every query of the data set at each setting, with recall@10 against
/// the cached exact answers. Prints JSON.
struct BenchScaleSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-search", abstract: "One index's warm searches for `quarry bench scale` (run by it).", shouldDisplay: false)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The data set's folder.") var data: String
    @Option(help: "The index type built (picks the settings swept).") var type: String

    func run() throws {
        try reportingErrors {
            let fbin = data + "/queries.fbin"
            let q = try Fbin.read(path: fbin)
            let rows = (0..<(q.vectors.count / q.dimension)).map { Array(q.vectors[($0 * q.dimension)..<(($0 + 1) * q.dimension)]) }
            let gt = try Data(contentsOf: URL(fileURLWithPath: data + "/groundtruth.ibin"))
            let truth: [[UInt32]] = gt.withUnsafeBytes { raw in
                let nq = Int(raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)), k = Int(raw.loadUnaligned(fromByteOffset: 4, as: Int32.self))
                let ids = UnsafeRawBufferPointer(rebasing: raw[8...]).bindMemory(to: UInt32.self)
                return (0..<nq).map { Array(ids[($0 * k)..<(($0 + 1) * k)]) }
            }
            let wb = try Workbench(path: database.path, mustExist: true)
            let settings: [(String, Double)] = type.hasPrefix("hnsw") ? [16, 32, 64, 128, 256].map { ("ef", $0) }
                : type.hasPrefix("ivf") ? [8, 16, 32, 64, 128].map { ("nprobe", $0) } : [("ef", 0)]
            let result = try ScaleBench.warmVectorSearch(wb, collection: "synth", field: "embedding", queries: rows, truth: truth, settings: settings)
            printJSON(.object([JSONMember("rows", .array(result))]))
        }
    }
}
