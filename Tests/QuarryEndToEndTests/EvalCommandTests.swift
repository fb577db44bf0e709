import Foundation
import Testing

/// `quarry eval` with query files and threads, `quarry sweep` and `quarry tune`, through the binary.
@Suite(.serialized) struct EvalCommandTests {
    /// A small BEIR folder with a test and a train split, imported and indexed.
    static func fixture() throws -> (Scratch, String) {
        let s = Scratch()
        var corpus = ""
        let topics = ["cats chase mice in the garden", "stars are born in clouds of gas", "robins visit the garden feeder",
                      "black holes bend light", "dogs guard the house at night", "comets have icy tails"]
        for (i, t) in topics.enumerated() {
            corpus += "{\"_id\":\"d\(i)\",\"title\":\"doc \(i)\",\"text\":\"\(t) and more words about \(t.split(separator: " ").first!)\"}\n"
        }
        s.write("beir/corpus.jsonl", corpus)
        s.write("beir/queries.jsonl", """
            {"_id":"q1","text":"cats in the garden"}
            {"_id":"q2","text":"how are stars born"}
            {"_id":"q3","text":"black holes"}
            {"_id":"q4","text":"icy comets"}
            """)
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td0\t1\nq2\td1\t1\n")
        s.write("beir/qrels/train.tsv", "query-id\tcorpus-id\tscore\nq3\td3\t1\nq4\td5\t2\n")
        let db = s.file("e.db")
        let imported = try Binary.run(["import", s.file("beir"), "--collection", "tiny", "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")
        let indexed = try Binary.run(["index", "--collection", "tiny", "--text", "title,text", "--db", db])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        return (s, db)
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func sweepPrintsEverySettingTheFrontierAndThePlot() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let r = try Binary.run(["sweep", "--collection", "tiny", "--grid", "k1=0.5,1.2", "--grid", "b=0.4,0.75", "--json", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try Self.json(r.stdout) as? [String: Any])
        #expect(object["metric"] as? String == "ndcg@10")
        let rows = try #require(object["rows"] as? [[String: Any]])
        let settings = rows.compactMap { $0["setting"] as? [String: Double] }
        #expect(settings == [["k1": 0.5, "b": 0.4], ["k1": 0.5, "b": 0.75], ["k1": 1.2, "b": 0.4], ["k1": 1.2, "b": 0.75]])
        let onFrontier = rows.filter { $0["frontier"] as? Bool == true }
        #expect(!onFrontier.isEmpty)
        #expect((object["frontier"] as? [Any])?.count == onFrontier.count)
        for row in rows { #expect((row["metrics"] as? [String: Double])?["ndcg@10"] != nil) }

        let text = try Binary.run(["sweep", "--collection", "tiny", "--grid", "k1=0.5,1.2", "--db", db])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("tiny · bm25 · split test · 2 settings · frontier on ndcg@10 against p50"))
        #expect(text.stdout.contains("p50 latency (ms)"))
        #expect(text.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "no braille dots:\n\(text.stdout)")
        // Each setting is a stored run.
        let runs = try Binary.run(["runs", "--json", "--db", db])
        #expect((try Self.json(runs.stdout) as? [Any])?.count == 6)
    }

    @Test func sweepRejectsAnUnknownParameterBeforeRunningAnything() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let r = try Binary.run(["sweep", "--collection", "tiny", "--grid", "k1=0.5", "--grid", "eff=10,20", "--db", db])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("quarry: error: cannot sweep 'eff'; did you mean ef?"), "\(r.stderr)")
        let runs = try Binary.run(["runs", "--json", "--db", db])
        #expect((try Self.json(runs.stdout) as? [Any])?.count == 0)
        let noGrid = try Binary.run(["sweep", "--collection", "tiny", "--db", db])
        #expect(noGrid.status == 1)
        #expect(noGrid.stderr.contains("give at least one --grid NAME=V,V,…"))
    }

    @Test func tuneChecksTheChoiceOnTheHeldOutSplitAndStoresIt() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let r = try Binary.run(["tune", "--collection", "tiny", "--grid", "k1=0.5,1.2", "--target", "ndcg@10=max", "--json", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try Self.json(r.stdout) as? [String: Any])
        #expect(report["target"] as? String == "ndcg@10=max")
        #expect(report["tune_split"] as? String == "train")
        #expect(report["check_split"] as? String == "test")
        #expect((report["sweep"] as? [Any])?.count == 2)
        let check = try #require(report["check"] as? [String: Any])
        #expect(check["met"] as? Bool == true)
        #expect(check["best"] as? Double != nil)

        let shown = try Binary.run(["tune", "--show", "--collection", "tiny", "--json", "--db", db])
        let recs = try #require(try Self.json(shown.stdout) as? [[String: Any]])
        #expect(recs.count == 1)
        #expect(recs.first?["metric"] as? String == "ndcg@10")
        #expect(recs.first?["setting"] as? [String: Double] == report["setting"] as? [String: Double])

        let same = try Binary.run(["tune", "--collection", "tiny", "--grid", "k1=0.5", "--target", "ndcg@10=max", "--tune-split", "test", "--db", db])
        #expect(same.status == 1)
        #expect(same.stderr == "quarry: error: tune on one split and check on another (both are 'test')\n")
        let badTarget = try Binary.run(["tune", "--collection", "tiny", "--grid", "k1=0.5", "--target", "ndcg@10", "--db", db])
        #expect(badTarget.status == 1)
        #expect(!badTarget.stderr.isEmpty)
    }

    @Test func evalReadsQueriesAndQrelsFromFiles() throws {
        let (s, db) = try Self.fixture()
        let imported = try Binary.run(["eval", "--collection", "tiny", "--json", "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")
        let queries = s.write("q.tsv", "q1\tcats in the garden\nq2\thow are stars born\n")
        let qrels = s.write("q.trec", "q1 0 d0 1\nq2 0 d1 1\n")
        let files = try Binary.run(["eval", "--collection", "tiny", "--queries", queries, "--qrels", qrels, "--json", "--db", db])
        #expect(files.status == 0, "\(files.stderr)")
        let a = try #require(try Self.json(imported.stdout) as? [String: Any])
        let b = try #require(try Self.json(files.stdout) as? [String: Any])
        #expect(a["ndcg@10"] as? Double == b["ndcg@10"] as? Double)
        #expect(b["split"] as? String == "file:q.trec")

        let broken = s.write("bad.tsv", "q1\tcats\nno tab here\n")
        let r = try Binary.run(["eval", "--collection", "tiny", "--queries", broken, "--qrels", qrels, "--db", db])
        #expect(r.status == 1)
        #expect(r.stderr == "quarry: error: bad.tsv:2: expected a JSON object or 'query-id<TAB>text'\n")
        let alone = try Binary.run(["eval", "--collection", "tiny", "--queries", queries, "--db", db])
        #expect(alone.status == 1)
        #expect(alone.stderr == "quarry: error: --queries needs --qrels (the judgements of those queries)\n")
    }

    @Test func evalWithTwoThreadsScoresTheSameAndPoolsLatency() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let one = try Binary.run(["eval", "--collection", "tiny", "--json", "--db", db])
        let two = try Binary.run(["eval", "--collection", "tiny", "--threads", "2", "--json", "--db", db])
        #expect(two.status == 0, "\(two.stderr)")
        let a = try #require(try Self.json(one.stdout) as? [String: Any])
        let b = try #require(try Self.json(two.stdout) as? [String: Any])
        #expect(a["ndcg@10"] as? Double == b["ndcg@10"] as? Double)
        #expect(a["queries"] as? Int == b["queries"] as? Int)
        #expect((b["params"] as? [String: Any])?["threads"] as? Int == 2)
        #expect((b["latency_ms"] as? [String: Any])?["p50"] != nil)
    }
}
