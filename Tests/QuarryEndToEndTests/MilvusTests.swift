import Foundation
import enum QuarryConsole.DisplayWidth
import struct QuarryBase.SplitMix64
import Testing

/// A milvus-lite server on loopback for the Milvus end-to-end tests, stopped on every path.
///
/// milvus-lite (PyPI, 3.2.2) speaks Milvus's gRPC protocol; `scripts/milvus-lite.sh` puts it in a
/// virtual environment under ~/.cache/quarry once. Without python3, venv, pip or the network the
/// suite is skipped with the script's reason, rather than failing.
final class MilvusLiteServer {
    /// The `milvus-lite` command, or why there is none.
    static let command: Result<String, SetupError> = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Binary.root + "/scripts/milvus-lite.sh"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return .failure(SetupError(reason: "cannot run scripts/milvus-lite.sh: \(error)")) }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let path = String(decoding: o, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(SetupError(reason: String(decoding: e, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return .success(path)
    }()

    static var available: Bool {
        switch command {
        case .success: return true
        case let .failure(e):
            print("note: Milvus end-to-end tests skipped: \(e.reason)")
            return false
        }
    }

    struct SetupError: Error { var reason: String }

    let port: Int
    let dataDir: Scratch
    private let process: Process

    var url: String { "milvus://127.0.0.1:\(port)" }

    init() throws {
        guard case let .success(command) = Self.command else { throw SetupError(reason: "milvus-lite is not available") }
        dataDir = Scratch()
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = ["server", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir.file("data")]
        let log = FileHandle(forWritingAtPath: dataDir.write("server.log", "")) ?? FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Ready when the port accepts connections (at most 60 s).
        let deadline = Date().addingTimeInterval(60)
        while !Self.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw SetupError(reason: "milvus-lite did not start: " + ((try? String(contentsOfFile: dataDir.file("server.log"), encoding: .utf8)) ?? ""))
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    deinit { stop() }

    /// SIGTERM, then SIGKILL after 5 s.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw SetupError(reason: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Push, query and eval against milvus-lite, compared with the embedded engine.
@Suite(.serialized) struct MilvusTests {
    static let words = ["vitamin", "bone", "fracture", "cancer", "microrna", "tumor", "runner", "knee", "injury", "density",
                        "protein", "gene", "cell", "blood", "heart", "insulin", "sleep", "memory", "virus", "immune"]

    /// A BEIR folder of `n` records with `dim`-dimensional vectors, imported and indexed as `name`.
    static func makeCollection(_ s: Scratch, db: String, name: String, n: Int, dim: Int, seed: UInt64) throws {
        var mix = SplitMix64(seed: seed)
        var corpus = "", vectors: [[Float]] = []
        for i in 0..<n {
            let title = (0..<3).map { _ in words[Int(mix.next() % UInt64(words.count))] }.joined(separator: " ")
            let text = (0..<(8 + Int(mix.next() % 12))).map { _ in words[Int(mix.next() % UInt64(words.count))] }.joined(separator: " ")
            let tags = i % 3 == 0 ? "[\"even\",\"third\"]" : (i % 2 == 0 ? "[\"even\"]" : "[\"odd\"]")
            corpus += "{\"_id\":\"d\(i)\",\"title\":\"\(title)\",\"text\":\"\(text)\",\"metadata\":{\"year\":\(2000 + i % 20),\"tags\":\(tags),\"group\":\"g\(i % 4)\"}}\n"
            vectors.append((0..<dim).map { _ in Float(mix.unit() * 2 - 1) })
        }
        let queries = ["vitamin bone fracture", "cancer microrna tumor", "knee injury runner", "insulin blood heart", "sleep memory"]
        var qjson = "", qrels = "query-id\tcorpus-id\tscore\n", qvectors: [[Float]] = []
        for (i, q) in queries.enumerated() {
            qjson += "{\"_id\":\"q\(i)\",\"text\":\"\(q)\"}\n"
            qrels += "q\(i)\td\(i * 3)\t1\nq\(i)\td\(i * 3 + 1)\t1\n"
            qvectors.append((0..<dim).map { _ in Float(mix.unit() * 2 - 1) })
        }
        s.write("\(name)/corpus.jsonl", corpus)
        s.write("\(name)/queries.jsonl", qjson)
        s.write("\(name)/qrels/test.tsv", qrels)
        #expect(FileManager.default.createFile(atPath: s.file("\(name).fbin"), contents: fbin(vectors)))
        #expect(FileManager.default.createFile(atPath: s.file("\(name)-q.fbin"), contents: fbin(qvectors)))
        let imported = try Binary.run(["import", s.file(name), "--collection", name, "--db", db, "--vectors", s.file("\(name).fbin"),
                                       "--query-vectors", s.file("\(name)-q.fbin")])
        #expect(imported.status == 0, "\(imported.stderr)")
        for args in [["--text", "title,text"], ["--vector", "embedding", "--type", "hnsw", "--M", "8", "--ef-construction", "64"]] {
            let r = try Binary.run(["index", "--collection", name, "--db", db] + args)
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    static func ids(_ r: Binary.Result) throws -> [String] {
        guard let o = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let hits = o["hits"] as? [[String: Any]] else { return [] }
        return hits.compactMap { $0["id"] as? String }
    }

    static func overlap(_ a: [String], _ b: [String]) -> Double {
        Double(Set(a).intersection(b).count) / Double(max(1, max(a.count, b.count)))
    }

    @Test(.enabled(if: MilvusLiteServer.available, "milvus-lite is not available (see the note)"))
    func pushQueryAndEvalAgainstMilvusLite() throws {
        let s = Scratch()
        let db = s.file("m.db")
        try Self.makeCollection(s, db: db, name: "c", n: 120, dim: 16, seed: 7)
        let server = try MilvusLiteServer()
        defer { server.stop() }

        // Push: created, indexed, loaded, inserted, counted.
        let pushed = try Binary.run(["push", "--collection", "c", "--to", server.url, "--batch-size", "50", "--db", db, "--json"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(pushed.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(report["rows"] as? Int == 120 && report["remote_count"] as? Int == 120)
        #expect(pushed.stdout.contains("SPARSE_INVERTED_INDEX") && pushed.stdout.contains("M=8") && pushed.stdout.contains("efConstruction=64"))
        let again = try Binary.run(["push", "--collection", "c", "--to", server.url, "--db", db])
        #expect(again.status == 1 && again.stderr.contains("already has a collection 'c'"))

        func both(_ local: String, _ remote: String? = nil) throws -> (local: [String], remote: [String]) {
            let l = try Binary.run(["query", "--db", db, "--json", local])
            let r = try Binary.run(["query", "--db", db, "--json", "--backend", server.url, remote ?? local])
            #expect(l.status == 0, "\(l.stderr)")
            #expect(r.status == 0, "\(r.stderr)")
            return (try Self.ids(l), try Self.ids(r))
        }

        // Dense, exact settings (FLAT locally, ef ≥ the collection on Milvus): identical top-10.
        let dense = try both("SEARCH c NEAR DOC 'd5' USING flat LIMIT 10", "SEARCH c NEAR DOC 'd5' USING hnsw(ef = 200) LIMIT 10")
        #expect(dense.local.count == 10 && dense.local == dense.remote)
        // Filtered dense: the same filter in Milvus's syntax, the same top-10.
        let filtered = try both("SEARCH c NEAR DOC 'd8' USING flat WHERE metadata.year >= 2010 AND json_contains(metadata.tags, 'even') LIMIT 10",
                                "SEARCH c NEAR DOC 'd8' USING hnsw(ef = 200) WHERE metadata.year >= 2010 AND json_contains(metadata.tags, 'even') LIMIT 10")
        #expect(filtered.local.count == 10 && filtered.local == filtered.remote)
        let inList = try both("SEARCH c NEAR DOC 'd9' USING flat WHERE metadata.group IN ('g1', 'g2') AND id != 'd9' LIMIT 10",
                              "SEARCH c NEAR DOC 'd9' USING hnsw(ef = 200) WHERE metadata.group IN ('g1', 'g2') AND id != 'd9' LIMIT 10")
        #expect(inList.local == inList.remote && !inList.remote.contains("d9"))
        // Range search: Milvus's radius and range_filter, the same band.
        let ranged = try both("SEARCH c NEAR DOC 'd5' USING flat WITHIN 0.3 AND 0.9 LIMIT 10", "SEARCH c NEAR DOC 'd5' USING hnsw(ef = 200) WITHIN 0.3 AND 0.9 LIMIT 10")
        #expect(!ranged.local.isEmpty && ranged.local == ranged.remote, "local \(ranged.local) milvus \(ranged.remote)")
        // What Milvus is not sent is refused by name.
        for (statement, feature) in [("SEARCH c NEAR DOC 'd5' GROUP BY metadata.group LIMIT 3", "GROUP BY on Milvus"),
                                     ("SEARCH c NEAR DOC 'd5' RANK BY decay(gauss, metadata.year, origin => 2010, scale => 3)", "RANK BY on Milvus"),
                                     ("SEARCH c NEAR DOC 'd5' WHERE text_match(text, 'knee')", "TEXT_MATCH on Milvus")] {
            let refused = try Binary.run(["query", "--db", db, "--backend", server.url, statement])
            #expect(refused.status != 0 && refused.stderr.contains(feature), "\(refused.stderr)")
        }
        // BM25: the same words, analysers of two engines: mostly the same documents.
        let bm25 = try both("SEARCH c MATCH 'knee injury runner' LIMIT 10")
        #expect(bm25.remote.count == 10)
        #expect(Self.overlap(bm25.local, bm25.remote) >= 0.6, "local \(bm25.local) milvus \(bm25.remote)")
        // Hybrid with RRF: overlap.
        let hybrid = try both("SEARCH c MATCH 'cancer tumor' NEAR DOC 'd3' FUSE rrf(k = 60) LIMIT 10")
        #expect(hybrid.remote.count == 10 && Self.overlap(hybrid.local, hybrid.remote) >= 0.6, "local \(hybrid.local) milvus \(hybrid.remote)")
        let weighted = try both("SEARCH c MATCH 'cancer tumor' NEAR DOC 'd3' WHERE metadata.year < 2015 FUSE weighted(0.3) LIMIT 5")
        #expect(weighted.remote.count == 5)

        // EXPLAIN shows the remote request; ANALYZE adds the client-measured time.
        let explain = try Binary.run(["query", "--db", db, "--backend", server.url,
                                      "EXPLAIN ANALYZE SEARCH c MATCH 'cancer' NEAR DOC 'd3' WHERE metadata.year >= 2010 FUSE rrf(k = 30) LIMIT 5"])
        #expect(explain.status == 0, "\(explain.stderr)")
        for part in ["Milvus HybridSearch on c", "RRFRanker(k=30)", "BM25 Search on sparse", "ANN Search on embedding  (HNSW, COSINE, dim=16)",
                     "metric_type=BM25", "ef", "expr: metadata[\"year\"] >= 2010", "Client time:", "actual time="] {
            #expect(explain.stdout.contains(part), "missing \(part) in\n\(explain.stdout)")
        }
        let plain = try Binary.run(["query", "--db", db, "--backend", server.url, "EXPLAIN SEARCH c NEAR DOC 'd1' LIMIT 3"])
        #expect(plain.status == 0 && plain.stdout.contains("Milvus Search on c") && !plain.stdout.contains("Client time"))

        // Eval on both backends side by side: metrics, latency, overlap@10 (exact dense: 1.0).
        let eval = try Binary.run(["eval", "--collection", "c", "--mode", "vector", "--ef", "200", "--db", db, "--backend", "local,\(server.url)", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let e = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any] ?? [:]
        let sides = e["backends"] as? [[String: Any]] ?? []
        #expect(sides.count == 2 && sides.first?["backend"] as? String == "local" && sides.last?["backend"] as? String == server.url)
        #expect(sides.last?["overlap@10"] as? Double == 1.0)
        #expect(sides.first?["ndcg@10"] as? Double == sides.last?["ndcg@10"] as? Double)
        #expect(sides.allSatisfy { $0["latency_ms"] != nil && $0["ndcg@10"] != nil })
        let table = try Binary.run(["eval", "--collection", "c", "--mode", "hybrid", "--db", db, "--backend", "local,\(server.url)"])
        #expect(table.status == 0 && table.stdout.contains("overlap@10 with local") && table.stdout.contains("latency p50"), "\(table.stderr)")

        // The REPL: .connect sends statements to Milvus, .connect local brings them back.
        let repl = try Binary.run(["repl", "--db", db], stdin: ".connect \(server.url)\nSEARCH c NEAR DOC 'd5' USING hnsw(ef = 200) LIMIT 3;\n.connect\n.connect local\n")
        #expect(repl.status == 0 && repl.stdout.contains("statements run on \(server.url)") && repl.stdout.contains("connected to \(server.url)")
            && repl.stdout.contains("statements run on the embedded engine") && repl.stdout.contains(dense.remote.first ?? "?"), "\(repl.stdout)\(repl.stderr)")

        // The TUI: a fourth column answers the hybrid statement on Milvus, with its overlap@10.
        if Tmux.available {
            let tmux = try Tmux(width: 160, height: 32, cwd: s.path)
            try tmux.type("'\(Binary.path)' tui --db '\(db)' --collection c --backend \(server.url); echo status=$?")
            try tmux.press("Enter")
            _ = try tmux.wait { $0.contains { $0.contains("query›") } }
            try tmux.type("cancer tumor")
            try tmux.press("Enter")
            let lines = try tmux.wait(timeout: 30) { ls in
                ls.contains { $0.contains(server.url) } && ls.contains { $0.contains("ovl@10") && $0.contains(".") }
                    && ls.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 4 }
            }
            let screen = lines.joined(separator: "\n")
            #expect(lines.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 4 }, "four columns with a first hit:\n\(screen)")
            #expect(lines.contains { $0.contains("rem") && $0.contains("hyb") }, "metrics name the remote column:\n\(screen)")
            for l in lines { #expect(DisplayWidth.of(l) <= 160, "too wide: \(l)") }
            try tmux.press("Escape")
            try tmux.type("q")
            let done = try tmux.wait { $0.contains { $0.contains("status=0") } }
            #expect(done.contains { $0.contains("status=0") })
        }

        // Errors: a missing remote collection, a schema that does not match.
        let missing = try Binary.run(["query", "--db", db, "--backend", server.url + "/absent", "SEARCH c NEAR DOC 'd1' LIMIT 3"])
        #expect(missing.status == 1 && missing.stderr.contains("has no collection 'absent'"), "\(missing.stderr)")
        try Self.makeCollection(s, db: db, name: "small", n: 10, dim: 8, seed: 9)
        let other = try Binary.run(["push", "--collection", "small", "--to", server.url, "--as", "other", "--db", db])
        #expect(other.status == 0, "\(other.stderr)")
        let mismatch = try Binary.run(["query", "--db", db, "--backend", server.url + "/other", "SEARCH c NEAR DOC 'd1' LIMIT 3"])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("does not match") && mismatch.stderr.contains("dim 8, the local one 16"), "\(mismatch.stderr)")
    }

    @Test func unreachableServerAndBadAddresses() throws {
        let s = Scratch()
        let db = s.file("u.db")
        s.write("d.jsonl", "{\"id\":\"a\",\"text\":\"hello world\"}\n")
        #expect(try Binary.run(["import", s.file("d.jsonl"), "--collection", "u", "--db", db]).status == 0)
        let port = try MilvusLiteServer.freePort()
        let started = Date()
        let r = try Binary.run(["query", "--db", db, "--backend", "milvus://127.0.0.1:\(port)", "--connect-timeout", "2", "SEARCH u MATCH 'hello'"])
        #expect(r.status == 1 && r.stderr.contains("cannot reach Milvus at 127.0.0.1:\(port)"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        let push = try Binary.run(["push", "--collection", "u", "--to", "milvus://127.0.0.1:\(port)", "--connect-timeout", "1", "--db", db])
        #expect(push.status == 1 && push.stderr.contains("cannot reach Milvus"), "\(push.stderr)")
        let bad = try Binary.run(["query", "--db", db, "--backend", "http://x:1", "SEARCH u MATCH 'hello'"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown backend 'http://x:1'"), "\(bad.stderr)")
        let badPort = try Binary.run(["push", "--collection", "u", "--to", "milvus://host:99999", "--db", db])
        #expect(badPort.status == 1 && badPort.stderr.contains("bad Milvus address"), "\(badPort.stderr)")
    }
}
