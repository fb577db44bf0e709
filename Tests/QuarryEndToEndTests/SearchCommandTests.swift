import Foundation
import Testing

/// BM25 search, evaluation and filters through the binary, on a small BEIR folder.
@Suite(.serialized) struct SearchCommandTests {
    static func fixture() throws -> (Scratch, String) {
        let s = Scratch()
        s.write("beir/corpus.jsonl", """
            {"_id":"d1","title":"Vitamin D and bone fractures","text":"Vitamin D supplements lower the risk of hip fractures in the elderly.","metadata":{"year":2012,"tags":["bone","vitamin"]}}
            {"_id":"d2","title":"Cancer and microRNA","text":"MicroRNA expression profiles identify cancer types.","metadata":{"year":2008,"tags":["cancer"]}}
            {"_id":"d3","title":"Running injuries","text":"Runners who run long distances report knee injuries.","metadata":{"year":2015}}
            {"_id":"d4","title":"Bone density in runners","text":"Bone density rises with running and vitamin intake.","metadata":{"year":2019,"tags":["bone"]}}
            """)
        s.write("beir/queries.jsonl", """
            {"_id":"q1","text":"vitamin D fracture risk"}
            {"_id":"q2","text":"microRNA in cancer"}
            """)
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
        let db = s.file("q.db")
        let r = try Binary.run(["import", s.file("beir"), "--collection", "c", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        return (s, db)
    }

    @Test func indexSearchExplainAndEval() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let none = try Binary.run(["search", "--collection", "c", "--match", "bone", "--db", db])
        #expect(none.status == 1 && none.stderr.contains("has no BM25 index; build one with: quarry index --collection c --text title,text"))
        let idx = try Binary.run(["index", "--collection", "c", "--text", "title,text", "--db", db, "--json"])
        #expect(idx.status == 0 && idx.stdout.contains("\"documents\": 4"), "\(idx.stderr)")
        let hits = try Binary.run(["search", "--collection", "c", "--match", "running bone", "--db", db, "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(hits.stdout.utf8)) as! [String: Any]
        let ids = (parsed["hits"] as! [[String: Any]]).map { $0["id"] as! String }
        #expect(ids.first == "d4" && Set(ids) == ["d1", "d3", "d4"])
        #expect((parsed["terms"] as? [String]) == ["run", "bone"])
        let explained = try Binary.run(["search", "--collection", "c", "--match", "+bone -runners", "--db", db, "--explain"])
        #expect(explained.stdout.contains("d1") && !explained.stdout.contains("d4") && explained.stdout.contains("idf="))
        let syntax = try Binary.run(["search", "--collection", "c", "--match", "\"unclosed", "--db", db])
        #expect(syntax.status == 1 && syntax.stderr.contains("column"))

        let eval = try Binary.run(["eval", "--collection", "c", "--mode", "bm25", "--db", db, "--json", "--run-out", s.file("run.trec")])
        #expect(eval.status == 0, "\(eval.stderr)")
        let e = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as! [String: Any]
        for key in ["ndcg@10", "mrr@10", "recall@100", "p@10", "queries", "latency_ms", "qps"] { #expect(e[key] != nil, "missing \(key)") }
        #expect(e["queries"] as? Int == 2 && e["ndcg@10"] as? Double == 1.0)
        let latency = e["latency_ms"] as! [String: Any]
        #expect(latency["p50"] != nil && latency["p95"] != nil && latency["p99"] != nil)
        let trec = try String(contentsOfFile: s.file("run.trec"), encoding: .utf8)
        #expect(trec.hasPrefix("q1 Q0 d1 1 "))
    }

    @Test func filtersCountExplainAndErrors() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let count = try Binary.run(["filter", "--collection", "c", "metadata.year >= 2012 and json_contains(metadata.tags, 'bone')", "--count", "--json", "--db", db])
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout.contains("\"count\": 2"))
        let ids = try Binary.run(["filter", "--collection", "c", "metadata.year BETWEEN 2010 AND 2016", "--db", db])
        #expect(ids.stdout.hasPrefix("d1\nd3\n"))
        // --limit shows the first ids and counts the rest; --json lists the ids shown.
        let one = try Binary.run(["filter", "--collection", "c", "metadata.year BETWEEN 2010 AND 2016", "--limit", "1", "--db", db])
        #expect(one.stdout.hasPrefix("d1\n… 1 more (--limit 0 shows all)\n"), "\(one.stdout)")
        let oneJSON = try Binary.run(["filter", "--collection", "c", "metadata.year BETWEEN 2010 AND 2016", "--limit", "1", "--json", "--db", db])
        #expect(oneJSON.stdout.contains("\"count\": 2") && oneJSON.stdout.contains("\"ids\": [\"d1\"]"), "\(oneJSON.stdout)")
        let bad = try Binary.run(["filter", "--collection", "c", "metadata.yaer > 1", "--db", db])
        #expect(bad.status == 1)
        #expect(bad.stderr == "quarry: error: line 1, column 1: no record has the path metadata.yaer; did you mean metadata.year?\n  metadata.yaer > 1\n  ^\n")
    }
}
