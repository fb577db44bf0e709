import Foundation
import Testing

/// Issue 21 through the binary: qtf in `search --explain`, `--rm3`, filter probes, and a
/// hybrid tuning that `FUSE auto` (eval, query) then uses.
@Suite(.serialized) struct RelevanceCommandTests {
    /// The tiny BEIR folder of `EvalCommandTests` with 4-d vectors for records and queries.
    static func fixture() throws -> (Scratch, String) {
        let (s, _) = try EvalCommandTests.fixture()
        // Records d0…d5 and queries q1…q4: vectors that put each query near one record.
        func fbin(_ rows: [[Float]]) -> Data {
            var data = Data()
            for v in [Int32(rows.count), Int32(rows[0].count)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
            for row in rows { for x in row { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
            return data
        }
        let records: [[Float]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0.7, 0.7, 0, 0], [0, 0, 1, 0], [0.1, 0, 0.9, 0.1], [0, 0, 0, 1]]
        let queries: [[Float]] = [[0.9, 0.1, 0, 0], [0.1, 0.9, 0, 0], [0, 0, 1, 0], [0, 0, 0.1, 0.9]]
        FileManager.default.createFile(atPath: s.file("records.fbin"), contents: fbin(records))
        FileManager.default.createFile(atPath: s.file("queries.fbin"), contents: fbin(queries))
        let db = s.file("v.db")
        let imported = try Binary.run(["import", s.file("beir"), "--collection", "tiny", "--db", db,
                                       "--vectors", s.file("records.fbin"), "--query-vectors", s.file("queries.fbin")])
        #expect(imported.status == 0, "\(imported.stderr)")
        for args in [["--text", "title,text"], ["--vector", "embedding", "--type", "flat"]] {
            let r = try Binary.run(["index", "--collection", "tiny", "--db", db] + args)
            #expect(r.status == 0, "\(r.stderr)")
        }
        return (s, db)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func explainShowsQtfAndRM3Runs() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let explained = try Binary.run(["search", "--collection", "tiny", "--match", "garden cats garden", "--explain", "--db", db])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("garden  qtf=2  idf="), "\(explained.stdout)")
        let plan = try Binary.run(["query", "EXPLAIN ANALYZE SEARCH tiny MATCH 'garden cats garden' LIMIT 3", "--db", db])
        #expect(plan.stdout.contains("Terms: garden (qtf=2) cat"), "\(plan.stdout)")
        let distinct = try Binary.run(["query", "EXPLAIN ANALYZE SEARCH tiny MATCH 'garden cats garden' WITH (bm25_query_tf = distinct) LIMIT 3", "--db", db])
        #expect(distinct.stdout.contains("Terms: garden cat\n") && distinct.stdout.contains("query_tf=distinct"), "\(distinct.stdout)")
        let rm3 = try Binary.run(["search", "--collection", "tiny", "--match", "garden", "--rm3", "--json", "--db", db])
        #expect(rm3.status == 0, "\(rm3.stderr)")
        let expanded = try Binary.run(["query", "EXPLAIN ANALYZE SEARCH tiny MATCH 'garden' EXPAND rm3(fb_docs = 2) LIMIT 3", "--db", db])
        #expect(expanded.stdout.contains("->  RM3 Expansion  (fb_docs=2, fb_terms=10, original_query_weight=0.5)"), "\(expanded.stdout)")
        // Six records: every word is in more than 10 % of them, so none is a feedback term and
        // the query stays as it was (Anserini's df rule).
        #expect(expanded.stdout.contains("Expansion terms: none: no feedback term passed the filters"), "\(expanded.stdout)")
        let evalRM3 = try Binary.run(["eval", "--collection", "tiny", "--set", "rm3=on", "--json", "--db", db])
        #expect(evalRM3.status == 0, "\(evalRM3.stderr)")
        #expect((try Self.json(evalRM3.stdout)["params"] as? [String: Any])?["rm3"] as? String == "true")
        let badSet = try Binary.run(["eval", "--collection", "tiny", "--set", "rm4=on", "--db", db])
        #expect(badSet.status == 1 && badSet.stderr.contains("unknown parameter 'rm4'; did you mean 'rm3'?"), "\(badSet.stderr)")
    }

    @Test func probesCountAndComparisonsKeepTheirError() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let none = try Binary.run(["filter", "--collection", "tiny", #"exists metadata["k"]"#, "--count", "--json", "--db", db])
        #expect(none.status == 0 && none.stdout.contains("\"count\": 0"), "\(none.stdout)\(none.stderr)")
        let all = try Binary.run(["filter", "--collection", "tiny", #"metadata["k"] is null"#, "--count", "--json", "--db", db])
        #expect(all.status == 0 && all.stdout.contains("\"count\": 6"), "\(all.stdout)\(all.stderr)")
        let bad = try Binary.run(["filter", "--collection", "tiny", #"metadata["k"] > 1"#, "--db", db])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("quarry: error: line 1, column 1: no record has the path metadata.k"), "\(bad.stderr)")
    }

    @Test func hybridTuningBecomesFuseAuto() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let before = try Self.json(try Binary.run(["eval", "--collection", "tiny", "--mode", "hybrid", "--json", "--db", db]).stdout)
        let p0 = try #require(before["params"] as? [String: Any])
        #expect(p0["fusion"] as? String == "auto" && p0["rrf_k"] as? Double == 60, "\(p0)")
        #expect((p0["fusion_source"] as? String)?.hasPrefix("auto: RRF") == true)

        let tuned = try Binary.run(["tune", "--collection", "tiny", "--mode", "hybrid", "--grid", "weight=0.2,0.8", "--grid", "normalize=minmax,dbsf",
                                    "--target", "ndcg@10=max", "--json", "--db", db])
        #expect(tuned.status == 0, "\(tuned.stderr)")
        let setting = try #require(try Self.json(tuned.stdout)["setting"] as? [String: Any])
        let shown = try Binary.run(["tune", "--show", "--collection", "tiny", "--json", "--db", db])
        let recs = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [[String: Any]])
        #expect(recs.map { $0["metric"] as? String } == ["ndcg@10 (fusion)"])

        let after = try Self.json(try Binary.run(["eval", "--collection", "tiny", "--mode", "hybrid", "--json", "--db", db]).stdout)
        let p1 = try #require(after["params"] as? [String: Any])
        #expect(p1["fusion"] as? String == "auto")
        #expect(p1["weight"] as? Double == setting["weight"] as? Double && p1["normalize"] as? String == setting["normalize"] as? String, "\(p1) \(setting)")
        #expect((p1["fusion_source"] as? String)?.hasPrefix("auto: tuned by quarry tune ndcg@10=max on train") == true, "\(p1)")
        // A hybrid statement without FUSE says where its fusion came from.
        let plan = try Binary.run(["query", "EXPLAIN SEARCH tiny MATCH 'black holes' NEAR DOC 'd3' LIMIT 3", "--db", db])
        #expect(plan.stdout.contains("Weighted Fusion") && plan.stdout.contains("Fusion: auto: tuned by quarry tune"), "\(plan.stdout)")
        // An explicit FUSE still wins.
        let rrf = try Binary.run(["eval", "--collection", "tiny", "--mode", "hybrid", "--fuse", "rrf(k = 30)", "--json", "--db", db])
        let p2 = try #require(try Self.json(rrf.stdout)["params"] as? [String: Any])
        #expect(p2["fusion"] as? String == "rrf" && p2["rrf_k"] as? Double == 30, "\(p2)")
    }
}
