import Foundation
import GRDB
import Testing

@Suite(.serialized) struct ImportCommandTests {
    @Test func versionAndHelpWithExamples() throws {
        let v = try Binary.run(["--version"])
        #expect(v.status == 0 && v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let h = try Binary.run(["import", "--help"])
        #expect(h.status == 0 && h.stdout.contains("Examples:") && h.stdout.contains("--collection"))
    }

    /// `--geometry`: bad data says file:line and changes nothing; filters use the field; a bad
    /// WKT literal gets a caret; export writes the WKT and imports again.
    @Test func geometryFieldsFromImportToFilterAndBack() throws {
        let s = Scratch()
        let db = s.file("q.db")
        s.write("bad.jsonl", "{\"_id\":\"a\",\"title\":\"A\",\"at\":{\"lat\":1,\"lon\":2}}\n{\"_id\":\"b\",\"title\":\"B\",\"at\":\"POINT(1 2\"}\n")
        let bad = try Binary.run(["import", s.file("bad.jsonl"), "--collection", "g", "--geometry", "at", "--db", db])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.jsonl:2: geometry field 'at': invalid WKT"), "\(bad.stderr)")
        #expect(try Binary.run(["collections", "--db", db, "--json"]).stdout.contains("\"g\"") == false)
        s.write("good.jsonl", "{\"_id\":\"a\",\"title\":\"A\",\"at\":{\"lat\":38.72,\"lon\":-9.14}}\n{\"_id\":\"b\",\"title\":\"B\",\"at\":\"POINT(13.40 52.52)\"}\n")
        #expect(try Binary.run(["import", s.file("good.jsonl"), "--collection", "g", "--geometry", "at", "--db", db]).status == 0)
        let f = try Binary.run(["filter", "--collection", "g", "--db", db, "ST_DWITHIN(at, 'POINT(-9.1 38.7)', 10000)", "--explain"])
        #expect(f.status == 0 && f.stdout.contains("R-Tree Scan on at  (R-Tree candidates 1 → exact predicate)") && f.stdout.contains("\na\n"), "\(f.stdout)")
        let e = try Binary.run(["filter", "--collection", "g", "--db", db, "ST_CONTAINS(at, 'POINT(1)')"])
        #expect(e.status != 0)
        #expect(e.stderr.contains("line 1, column 17: invalid WKT") && e.stderr.contains("                  ^"), "\(e.stderr)")
        let out = try Binary.run(["export", "--collection", "g", "--db", db])
        #expect(out.stdout.contains("\"at\":\"POINT(-9.14 38.72)\"") && out.stdout.contains("\"at\":\"POINT(13.40 52.52)\""), "\(out.stdout)")
        s.write("again.jsonl", out.stdout)
        #expect(try Binary.run(["import", s.file("again.jsonl"), "--collection", "h", "--geometry", "at", "--db", db]).status == 0)
        #expect(try Binary.run(["filter", "--collection", "h", "--db", db, "ST_WITHIN(at, 'POLYGON((13 52, 14 52, 14 53, 13 53, 13 52))')"]).stdout.hasPrefix("b\n"))
    }

    @Test func jsonlRoundTripThroughExport() throws {
        let s = Scratch()
        let data = """
            {"_id":"a","title":"One","text":"first","year":2020,"tags":["x","y"],"nested":{"k":1.5}}
            {"_id":"b","title":"Two","text":"second 第二","year":null}
            """
        s.write("in.jsonl", data)
        let db = s.file("q.db")
        let r = try Binary.run(["import", s.file("in.jsonl"), "--collection", "c", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 2 records into 'c'"))
        let out = try Binary.run(["export", "--collection", "c", "--db", db])
        #expect(out.stdout == """
            {"_id":"a","title":"One","text":"first","metadata":{"year":2020,"tags":["x","y"],"nested":{"k":1.5}}}
            {"_id":"b","title":"Two","text":"second 第二","metadata":{"year":null}}

            """)
        s.write("again.jsonl", out.stdout)
        #expect(try Binary.run(["import", s.file("again.jsonl"), "--collection", "d", "--db", db]).status == 0)
        #expect(try Binary.run(["export", "--collection", "d", "--db", db]).stdout == out.stdout)
        // CSV out and back in keeps scalar metadata with its types.
        let csv = try Binary.run(["export", "--collection", "c", "--db", db, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("_id,title,text,year,tags,nested\na,One,first,2020,\"[\"\"x\"\",\"\"y\"\"]\",\"{\"\"k\"\":1.5}\"\n"))
        s.write("c.csv", csv.stdout)
        #expect(try Binary.run(["import", s.file("c.csv"), "--collection", "fromcsv", "--db", db, "--id-field", "_id"]).status == 0)
        let g = try Binary.run(["get", "--collection", "fromcsv", "a", "--db", db, "--json"])
        #expect(g.stdout.contains("\"year\": 2020"))
    }

    @Test func collectionsJSONHasTheContractKeys() throws {
        let s = Scratch()
        let db = s.file("q.db")
        let r = try Binary.run(["import", Binary.root + "/Samples/scifact", "--collection", "scifact", "--db", db,
                                "--vectors", Binary.root + "/Samples/scifact/corpus.fbin",
                                "--query-vectors", Binary.root + "/Samples/scifact/queries.fbin"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("5,183 records, 5,183 vectors, 1,109 queries, 339 qrels (test), 919 qrels (train)"))
        let c = try Binary.run(["collections", "--json", "--db", db])
        let parsed = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as! [[String: Any]]
        let sci = try #require(parsed.first)
        #expect(sci["name"] as? String == "scifact")
        #expect(sci["records"] as? Int == 5183)
        #expect(sci["text_fields"] as? [String] == ["title", "text"])
        let vf = try #require((sci["vector_fields"] as? [[String: Any]])?.first)
        #expect(vf["name"] as? String == "embedding" && vf["dim"] as? Int == 384 && vf["metric"] as? String == "cosine")
        #expect((sci["bytes"] as? Int ?? 0) > 1_000_000)
        // QUARRY_DB is the default database.
        let viaEnv = try Binary.run(["collections"], env: ["QUARRY_DB": db])
        #expect(viaEnv.stdout.contains("scifact") && viaEnv.stdout.contains("5,183"))
    }

    @Test func errorsExitNonZeroWithTheMessage() throws {
        let s = Scratch()
        let db = s.file("q.db")
        s.write("bad.jsonl", "{\"_id\":\"a\",\"title\":\"x\"}\n{\"_id\":\"b\" \"title\":\"y\"}\n")
        let r = try Binary.run(["import", s.file("bad.jsonl"), "--collection", "c", "--db", db])
        #expect(r.status == 1)
        #expect(r.stderr == "quarry: error: bad.jsonl:2:12: expected ',' or '}', found '\"'\n")
        let missing = try Binary.run(["collections", "--db", s.file("none.db")])
        #expect(missing.status == 1 && missing.stderr.contains("none.db: no such file or directory"))
        #expect(!FileManager.default.fileExists(atPath: s.file("none.db")))
        let typo = try Binary.run(["get", "--collection", "x", "1", "--db", db])
        #expect(typo.status == 1 && typo.stderr.contains("no collection named 'x'"))
    }

    /// SIGKILL in the middle of a large import leaves the file as it was before the import.
    @Test func killDuringImportLosesNothing() throws {
        let s = Scratch()
        let db = s.file("q.db")
        s.write("seed.jsonl", "{\"_id\":\"s\",\"title\":\"seed\",\"text\":\"kept\",\"n\":1}\n")
        #expect(try Binary.run(["import", s.file("seed.jsonl"), "--collection", "c", "--db", db]).status == 0)
        let before = try dump(db)

        // A large synthetic import: ~60 MB of JSONL.
        let big = s.file("big.jsonl")
        FileManager.default.createFile(atPath: big, contents: nil)
        let h = FileHandle(forWritingAtPath: big)!
        var chunk = ""
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 8)
        for i in 0..<300_000 {
            chunk += "{\"_id\":\"r\(i)\",\"title\":\"record \(i)\",\"text\":\"\(filler)\(i)\",\"n\":\(i),\"tags\":[\"t\(i % 7)\"]}\n"
            if chunk.utf8.count > 1 << 20 { h.write(Data(chunk.utf8)); chunk = "" }
        }
        h.write(Data(chunk.utf8))
        try h.close()

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["import", big, "--collection", "c", "--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Kill it mid-transaction: once its uncommitted pages reach the WAL, or after 3 s.
        let wal = db + "-wal"
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            if size > 1 << 20 || !p.isRunning { break }
            usleep(20_000)
        }
        #expect(p.isRunning, "the import finished before it could be killed; make the input larger")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        let queue = try DatabaseQueue(path: db)
        #expect(try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        try queue.close()
        #expect(try dump(db) == before)
        let again = try Binary.run(["collections", "--json", "--db", db])
        #expect(again.status == 0 && again.stdout.contains("\"records\": 1"))
    }

    /// `--embed` makes the record and query vectors with the built-in model, in the import.
    @Test func importEmbedsRecordsAndQueries() throws {
        let s = Scratch()
        let db = s.file("e.db")
        s.write("beir/corpus.jsonl", """
            {"_id":"d1","title":"Cats","text":"Cats chase mice in the garden."}
            {"_id":"d2","title":"Stars","text":"Stars are born in clouds of gas and dust."}
            {"_id":"d3","title":"Bread","text":"Knead the dough and let it rise before baking."}
            """)
        s.write("beir/queries.jsonl", "{\"_id\":\"q1\",\"text\":\"how do stars form\"}\n")
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td2\t1\n")
        let r = try Binary.run(["import", s.file("beir"), "--collection", "c", "--embed", "--json", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"vectors\": 3") && r.stdout.contains("\"query_vectors\": 1"), "\(r.stdout)")
        let near = try Binary.run(["search", "--collection", "c", "--near", "where do stars come from", "--json", "--db", db])
        #expect(near.status == 0, "\(near.stderr)")
        #expect(near.stdout.range(of: "\"d2\"").map { near.stdout[..<$0.lowerBound].contains("\"d1\"") || near.stdout[..<$0.lowerBound].contains("\"d3\"") } == false,
                "d2 should come first:\n\(near.stdout)")
        let both = try Binary.run(["import", s.file("beir"), "--collection", "c2", "--embed", "--vectors", s.file("x.fbin"), "--db", db])
        #expect(both.status == 1)
    }

    /// SIGKILL while `--embed` is embedding leaves the file as it was before the import.
    @Test func killWhileEmbeddingLosesNothing() throws {
        let s = Scratch()
        let db = s.file("q.db")
        s.write("seed.jsonl", "{\"_id\":\"s\",\"title\":\"seed\",\"text\":\"kept\"}\n")
        #expect(try Binary.run(["import", s.file("seed.jsonl"), "--collection", "c", "--db", db]).status == 0)
        let before = try dump(db)
        let words = "protein expression in human cells changes with age and with the treatment given to the patients of the study"
        var corpus = ""
        for i in 0..<2_000 { corpus += "{\"_id\":\"r\(i)\",\"title\":\"record \(i)\",\"text\":\"\(words) \(words) \(words) \(i)\"}\n" }
        let input = s.write("big.jsonl", corpus)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["import", input, "--collection", "e", "--embed", "--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(2_500_000)
        #expect(p.isRunning, "the import finished before it could be killed; make the input larger")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(try dump(db) == before)
        let again = try Binary.run(["collections", "--json", "--db", db])
        #expect(again.status == 0 && !again.stdout.contains("\"e\""), "\(again.stdout)")
    }

    func dump(_ path: String) throws -> String {
        let q = try DatabaseQueue(path: path)
        defer { try? q.close() }
        return try q.read { d in
            var out = ""
            for table in ["meta", "collections", "records", "deleted", "segments", "indexes", "queries", "query_vectors", "qrels", "index_snapshots"] {
                for row in try Row.fetchAll(d, sql: "SELECT * FROM \(table) ORDER BY 1, 2") { out += table + " " + row.description + "\n" }
            }
            // The segment files, after a command has opened the database (which removes what a
            // killed writer left behind).
            _ = try? Binary.run(["collections", "--db", path])
            for f in ((try? FileManager.default.contentsOfDirectory(atPath: path + ".segments")) ?? []).sorted() { out += "file \(f)\n" }
            return out
        }
    }
}
