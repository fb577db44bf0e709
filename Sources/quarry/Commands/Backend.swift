import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine
import QuarryMilvus

/// `--backend`: where `quarry query` and `quarry eval` run their statements — `local` (the
/// embedded engine, the default) or `milvus://HOST:PORT` (a deployment `quarry push` filled).
/// `quarry eval` takes several, comma-separated, and compares them side by side.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp("local (default) or milvus://HOST:PORT; eval takes several, comma-separated, side by side.", valueName: "backend"))
    var backend: String?
    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a Milvus server.") var connectTimeout: Double = 5

    enum Choice {
        case local
        case milvus(MilvusAddress)
        var label: String {
            switch self {
            case .local: return "local"
            case let .milvus(a): return a.description
            }
        }
    }

    func choices() throws -> [Choice] {
        guard let backend else { return [.local] }
        let parts = backend.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw ValidationError("--backend needs local or milvus://HOST:PORT") }
        return try parts.map { p in
            if p.lowercased() == "local" { return .local }
            if p.lowercased().hasPrefix("milvus://") { return .milvus(try MilvusAddress(parsing: p)) }
            throw ValidationError("unknown backend '\(p)' (expected local or milvus://HOST:PORT)")
        }
    }

    var isDefault: Bool { backend == nil || backend?.lowercased() == "local" }

    /// Connects the workbench to the one backend given; returns what to close afterwards.
    func attach(to wb: Workbench) throws -> MilvusBackend? {
        let all = try choices()
        guard all.count == 1 else { throw ValidationError("this command takes one backend; quarry eval compares several") }
        guard case let .milvus(address) = all[0] else { return nil }
        let remote = try MilvusBackend(address: address, connectTimeout: connectTimeout)
        wb.backend = remote
        return remote
    }

    /// `quarry eval --backend A,B,…`: the same query set on each backend, metrics and latency
    /// side by side, and overlap@10 and rank-biased overlap of each backend's results with the
    /// first one's (per query by `Measures`, then the mean).
    func evaluate(_ request: EvalRequest, databasePath: String, json: Bool, label: String) throws {
        let backends = try choices()
        if request.threads > 1 && backends.contains(where: { if case .milvus = $0 { return true } else { return false } }) {
            throw ValidationError("--threads runs on the embedded engine only; leave it out with a milvus:// backend")
        }
        var reports: [(name: String, report: EvalReport, top: [String: [String]])] = []
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (i, choice) in backends.enumerated() {
            let wb = try Workbench(path: databasePath, mustExist: true)
            var remote: MilvusBackend?
            if case let .milvus(address) = choice {
                remote = try MilvusBackend(address: address, connectTimeout: connectTimeout)
                wb.backend = remote
            }
            defer { remote?.close() }
            var r = request
            let runFile = scratch.appendingPathComponent("run-\(i).trec").path
            r.runOut = runFile
            let report = try wb.evaluate(r)
            if let out = request.runOut {
                let target = backends.count == 1 ? out : out + "." + (i == 0 ? "0" : String(i))
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: runFile, toPath: target)
            }
            reports.append((choice.label, report, try Self.topIDs(runFile: runFile, k: 10)))
        }
        var overlaps: [Double?] = [nil], rbos: [Double?] = [nil]
        for r in reports.dropFirst() {
            overlaps.append(Self.mean(reports[0].top, r.top) { Measures.overlap($0, $1, k: 10) })
            rbos.append(Self.mean(reports[0].top, r.top) { Measures.rankBiasedOverlap($0, $1, k: 10) })
        }

        if json {
            var items: [JSONValue] = []
            for (i, r) in reports.enumerated() {
                var m: [JSONMember] = [JSONMember("backend", .string(r.name))]
                if case let .object(members) = r.report.json { m += members }
                if let o = overlaps[i] { m.append(JSONMember("overlap@10", .double(o))) }
                if let o = rbos[i] { m.append(JSONMember("rbo@10", .double(o))) }
                items.append(.object(m))
            }
            printJSON(.object([JSONMember("collection", .string(request.collection)), JSONMember("split", .string(request.split)),
                               JSONMember("backends", .array(items))]))
            return
        }
        func ms(_ v: Double?) -> String { v.map { String(format: "%.3f ms", $0) } ?? "—" }
        // Each report's relevance rows side by side (a row a backend lacks, such as recall
        // against exact, shows —).
        let perBackend = reports.map { Render.evalRows($0.report) }
        let labels = perBackend.max { $0.count < $1.count }?.map { $0[0] } ?? []
        var rows: [[String]] = labels.map { label in [label] + perBackend.map { r in r.first { $0[0] == label }?[1] ?? "—" } }
        rows.append(["latency p50"] + reports.map { ms($0.report.summary.latency?.p50Ms) })
        rows.append(["latency p95"] + reports.map { ms($0.report.summary.latency?.p95Ms) })
        rows.append(["latency p99"] + reports.map { ms($0.report.summary.latency?.p99Ms) })
        rows.append(["QPS (1 thread)"] + reports.map { r in r.report.summary.latency.map { String(format: "%.0f", $0.qps) } ?? "—" })
        if reports.count > 1 {
            rows.append(["overlap@10 with \(reports[0].name)"] + overlaps.map { $0.map { String(format: "%.3f", $0) } ?? "—" })
            rows.append(["rbo@10 with \(reports[0].name)"] + rbos.map { $0.map { String(format: "%.3f", $0) } ?? "—" })
        }
        let queries = reports.first?.report.summary.queries ?? 0
        print("\(request.collection) · \(label) · split \(request.split) · \(queries) queries")
        let columns = [TextTable.Column("metric")] + reports.map { TextTable.Column($0.name, alignRight: true) }
        print(TextTable(columns: columns, rows: rows).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        let ids = reports.compactMap { r in r.report.runID.map { "\(r.name) → run \($0)" } }
        if !ids.isEmpty { print("stored as " + ids.joined(separator: ", ")) }
    }

    /// Each query's first k document ids of a TREC run file (`qid Q0 docid rank score tag`).
    static func topIDs(runFile: String, k: Int) throws -> [String: [String]] {
        let text = try String(contentsOfFile: runFile, encoding: .utf8)
        var out: [String: [(rank: Int, id: String)]] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 4, let rank = Int(f[3]) else { continue }
            out[String(f[0]), default: []].append((rank, String(f[2])))
        }
        return out.mapValues { $0.sorted { $0.rank < $1.rank }.prefix(k).map(\.id) }
    }

    /// The mean over the queries of a per-query measure of two answers (a query one run lacks
    /// has an empty answer there).
    static func mean(_ a: [String: [String]], _ b: [String: [String]], _ measure: ([String], [String]) -> Double) -> Double {
        let queries = Set(a.keys).union(b.keys)
        guard !queries.isEmpty else { return 1 }
        return queries.reduce(0.0) { $0 + measure(a[$1] ?? [], b[$1] ?? []) } / Double(queries.count)
    }
}
