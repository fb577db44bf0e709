import Foundation
import GRDB
import Testing

/// kill -9 at any moment of an index build or a seal leaves the previous index answering, and
/// the next writer removes whatever files the killed process left.
@Suite(.serialized) struct CrashSafetyTests {
    /// 20,000 records of text and 32-d vectors: builds that take long enough to be killed in.
    static func collection(_ s: Scratch) throws -> String {
        var lines: [String] = []
        var rows: [Float] = []
        var x: UInt64 = 88_172_645_463_325_252
        func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
        for i in 0..<20_000 {
            let text = (0..<12).map { _ in words[Int(next() % 10)] }.joined(separator: " ")
            lines.append("{\"_id\":\"r\(i)\",\"title\":\"t\(i % 97)\",\"text\":\"\(text)\"}")
            for _ in 0..<32 { rows.append(Float(Int(next() % 2001) - 1000) / 1000) }
        }
        s.write("c.jsonl", lines.joined(separator: "\n"))
        var fbin = Data()
        for v in [Int32(20_000), Int32(32)] { withUnsafeBytes(of: v.littleEndian) { fbin.append(contentsOf: $0) } }
        rows.withUnsafeBytes { fbin.append(contentsOf: $0) }
        FileManager.default.createFile(atPath: s.file("c.fbin"), contents: fbin)
        let db = s.file("q.db")
        let r = try Binary.run(["import", s.file("c.jsonl"), "--collection", "c", "--vectors", s.file("c.fbin"), "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }

    /// Starts `args`, kills it with SIGKILL after `delay` seconds (if still running).
    static func killed(_ args: [String], after delay: Double) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: delay)
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// The hit ids of a `query --json` answer, in order.
    static func ids(_ json: String) -> [String] {
        let re = try! NSRegularExpression(pattern: #""id" ?: ?"([^"]+)""#)
        return re.matches(in: json, range: NSRange(json.startIndex..., in: json)).map { String(json[Range($0.range(at: 1), in: json)!]) }
    }

    static func segmentFiles(_ db: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: db + ".segments")) ?? [])
    }

    @Test func killedBuildsAndSealsLeaveThePreviousIndex() throws {
        let s = Scratch()
        let db = try Self.collection(s)
        #expect(try Binary.run(["index", "--collection", "c", "--text", "title,text", "--db", db]).status == 0)
        #expect(try Binary.run(["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw", "--db", db]).status == 0)
        // Exact answers (BM25 and FLAT) must not move; the HNSW one must keep answering.
        let query = ["query", "--db", db, "--json", "SEARCH c MATCH 'alpha beta' NEAR DOC 'r7' USING flat LIMIT 5"]
        let approximate = ["query", "--db", db, "--json", "SEARCH c NEAR DOC 'r7' LIMIT 5"]
        let before = try Binary.run(query)
        #expect(before.status == 0, "\(before.stderr)")

        // Growing records, then a seal killed at several moments; and rebuilds killed too.
        s.write("more.jsonl", (20_000..<20_500).map { "{\"_id\":\"r\($0)\",\"title\":\"more\",\"text\":\"omega alpha\"}" }.joined(separator: "\n"))
        var fbin = Data()
        for v in [Int32(500), Int32(32)] { withUnsafeBytes(of: v.littleEndian) { fbin.append(contentsOf: $0) } }
        [Float](repeating: 0.25, count: 500 * 32).withUnsafeBytes { fbin.append(contentsOf: $0) }
        FileManager.default.createFile(atPath: s.file("more.fbin"), contents: fbin)
        #expect(try Binary.run(["import", s.file("more.jsonl"), "--collection", "c", "--vectors", s.file("more.fbin"), "--db", db]).status == 0)
        let growing = try Binary.run(query)
        #expect(growing.status == 0, "\(growing.stderr)")

        for (i, delay) in [0.05, 0.2, 0.5, 1.0, 1.6].enumerated() {
            let args = i % 2 == 0
                ? ["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw", "--db", db]
                : ["index", "--collection", "c", "--text", "title,text", "--db", db]
            try Self.killed(args, after: delay)
            let after = try Binary.run(query)
            #expect(after.status == 0, "killed after \(delay) s: \(after.stderr)")
            #expect(Self.ids(after.stdout) == Self.ids(growing.stdout), "killed after \(delay) s")
            #expect(Self.ids(try Binary.run(approximate).stdout).count == 5, "killed after \(delay) s")
            // The next writer (any command) leaves only files the catalog names.
            #expect(try Binary.run(["collections", "--db", db]).status == 0)
            let check = try Binary.run(["check", "--db", db, "--json"])
            #expect(check.status == 0, "killed after \(delay) s: \(check.stdout)")
            #expect(!Self.segmentFiles(db).contains { $0.hasSuffix(".tmp") })
        }
        // A seal that finishes folds the growing rows into the index, answers unchanged.
        #expect(try Binary.run(["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw", "--db", db]).status == 0)
        let sealed = try Binary.run(query)
        #expect(Self.ids(sealed.stdout) == Self.ids(growing.stdout))
        #expect(Self.ids(growing.stdout).count == 5)
        let plan = try Binary.run(["query", "--db", db, "EXPLAIN SEARCH c NEAR DOC 'r7' LIMIT 5"])
        #expect(!plan.stdout.contains("growing"), "\(plan.stdout)")
    }
}

/// kill -9 at any moment of an import — reading, inserting, building the JSON path index,
/// committing — leaves the database exactly as before or exactly as after.
@Suite struct ImportAtomicityTests {
    /// What a database holds, for comparing: every collection with its record count, index rows
    /// and segment rows (owner, kind, rows).
    static func state(_ path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM collections ORDER BY name").map { row in
                let cid: Int64 = row["id"]
                let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE collection_id = ?", arguments: [cid]) ?? -1
                let indexes = try String.fetchAll(db, sql: "SELECT name || ':' || kind FROM indexes WHERE collection_id = ? ORDER BY name", arguments: [cid])
                let segments = try String.fetchAll(db, sql: "SELECT owner || ':' || kind || ':' || row_count FROM segments WHERE collection_id = ? ORDER BY owner, seq",
                                                   arguments: [cid])
                return "\(row["name"] as String): \(n) records, indexes \(indexes), segments \(segments)"
            }.joined(separator: "\n")
        }
    }

    /// A copy of the database `from` (file and segment folder) at `to`.
    static func copy(_ from: String, to: String) throws {
        try FileManager.default.copyItem(atPath: from, toPath: to)
        if FileManager.default.fileExists(atPath: from + ".segments") { try FileManager.default.copyItem(atPath: from + ".segments", toPath: to + ".segments") }
    }

    @Test func killedImportsLeaveTheDatabaseBeforeOrAfter() throws {
        let s = Scratch()
        s.write("a.jsonl", (0..<50).map { "{\"_id\":\"a\($0)\",\"title\":\"first\",\"metadata\":{\"year\":\($0)}}" }.joined(separator: "\n"))
        s.write("b.jsonl", (0..<12_000).map {
            "{\"_id\":\"b\($0)\",\"title\":\"second \($0 % 13)\",\"text\":\"w\($0 % 101) w\($0 % 7)\",\"metadata\":{\"year\":\(1990 + $0 % 30),\"tag\":\"t\($0 % 5)\",\"n\":{\"k\":[\($0)]}}}"
        }.joined(separator: "\n"))
        let base = s.file("base.db")
        #expect(try Binary.run(["import", s.file("a.jsonl"), "--collection", "a", "--db", base]).status == 0)
        let before = try Self.state(base)

        // The whole import once, timed, gives the state after and the span to kill in.
        let whole = s.file("whole.db")
        try Self.copy(base, to: whole)
        let started = Date()
        let r = try Binary.run(["import", s.file("b.jsonl"), "--collection", "b", "--db", whole])
        let span = Date().timeIntervalSince(started)
        #expect(r.status == 0, "\(r.stderr)")
        let after = try Self.state(whole)
        #expect(after.contains("b: 12000 records, indexes [\"paths:json_path\"]"), "\(after)")
        #expect(before != after)

        var outcomes: [String: Int] = [:]
        // Twelve kills spread over the import's span, then three well after it (a loaded
        // machine runs the killed import slower than the timed one).
        let fractions = (0...11).map { Double($0) / 11 } + [2, 3, 5]
        for (i, fraction) in fractions.enumerated() {
            let db = s.file("k\(i).db")
            try Self.copy(base, to: db)
            let delay = span * fraction
            try CrashSafetyTests.killed(["import", s.file("b.jsonl"), "--collection", "b", "--db", db], after: delay)
            let found = try Self.state(db)
            #expect(found == before || found == after, "killed after \(delay) s of \(span) s:\n\(found)")
            outcomes[found == before ? "before" : found == after ? "after" : "other", default: 0] += 1
            // The next command removes what the killed one left; the database checks clean.
            #expect(try Binary.run(["collections", "--db", db]).status == 0)
            let check = try Binary.run(["check", "--db", db])
            #expect(check.status == 0, "killed after \(delay) s: \(check.stdout) \(check.stderr)")
        }
        // Kills past the span find the import done; the first ones find it not started.
        #expect(outcomes["before", default: 0] > 0 && outcomes["after", default: 0] > 0, "\(outcomes)")
    }
}

/// `quarry bench scale` end to end on a small size: every step runs in its child process and
/// the report has its keys, with recall measured against the exact answers.
@Suite struct BenchScaleTests {
    @Test func smallScaleRunReportsEveryStep() throws {
        let s = Scratch()
        let r = try Binary.run(["bench", "scale", "--records", "3000", "--dim", "16", "--queries", "50", "--types", "hnsw,hnsw_sq,ivf_rabitq",
                                "--data", s.file("data"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["import", "bm25_index", "vector_index_builds", "first_query_new_process", "vector_warm", "search_peak_rss_bytes", "disk_bytes", "bm25_warm"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let warm = try #require(json["vector_warm"] as? [[String: Any]])
        #expect(warm.count == 15)
        let best = warm.filter { ($0["index"] as? String) == "hnsw" }.compactMap { $0["recall@10"] as? Double }.max() ?? 0
        #expect(best >= 0.9, "\(warm)")
        let cold = try #require(json["first_query_new_process"] as? [String: [String: Any]])
        #expect(Set(cold.keys) == ["bm25", "hnsw", "hnsw_sq", "ivf_rabitq"])
    }
}
