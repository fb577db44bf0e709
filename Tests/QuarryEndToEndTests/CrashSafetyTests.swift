import Foundation
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
