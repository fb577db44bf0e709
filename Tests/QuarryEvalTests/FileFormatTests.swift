#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import QuarryEval

/// Qrels and run files: both qrels layouts, the TREC run format both ways, and exact error texts.
@Suite struct FileFormatTests {
    @Test func trecQrels() throws {
        let q = try Qrels.parse("q1 0 d1 2\nq1 0 d2 0\n\nq2 0 d9 1\r\n")
        #expect(q.queryIDs == ["q1", "q2"])
        #expect(q["q1"] == ["d1": 2, "d2": 0])
        #expect(q.relevantCount(query: "q1") == 1)
        #expect(q.queriesWithRelevant == ["q1", "q2"])
    }

    @Test func beirQrelsWithHeader() throws {
        let q = try Qrels.parse("query-id\tcorpus-id\tscore\n7\t31715818\t1\n7\t123\t0\n3\t5\t1.0\n")
        #expect(q.queryIDs == ["7", "3"])
        #expect(q["7"] == ["31715818": 1, "123": 0])
        #expect(q["3"] == ["5": 1])
        #expect(q.restricted(to: ["3", "nope"]).queryIDs == ["3"])
    }

    @Test(arguments: [
        ("q1 0 d1 1\nq1 d2\n", "qrels:2: expected 4 columns 'qid 0 docid rel' or 3 tab-separated columns 'query-id corpus-id score', found 2"),
        ("q1 0 d1 high\n", "qrels:1: relevance 'high' is not an integer"),
        ("q1 0 d1 0.5\n", "qrels:1: relevance '0.5' is not an integer"),
    ])
    func qrelsErrors(text: String, message: String) {
        do { _ = try Qrels.parse(text); Issue.record("no error") } catch { #expect(error.description == message) }
    }

    @Test func runParseIgnoresTheRankColumn() throws {
        let r = try Run.parse("1 Q0 a 1 2.5 bm25\n1 Q0 b 1 3 bm25\n2 Q0 a 7 1e-3 bm25\n")
        #expect(r.tag == "bm25")
        #expect(r.queryIDs == ["1", "2"])
        #expect(r["1"] == [RunEntry(document: "a", score: 2.5), RunEntry(document: "b", score: 3)])
        #expect(r["2"] == [RunEntry(document: "a", score: 0.001)])
    }

    @Test(arguments: [
        ("1 Q0 a 1 2.5\n", "run:1: expected 6 columns 'qid Q0 docid rank score tag', found 5"),
        ("1 Q0 a 1 high t\n", "run:1: score 'high' is not a number"),
        ("1 Q0 a 1 2 t\n1 Q0 a 2 1 t\n", "run:2: document 'a' appears twice for query '1'"),
    ])
    func runErrors(text: String, message: String) {
        do { _ = try Run.parse(text); Issue.record("no error") } catch { #expect(error.description == message) }
    }

    @Test func writerRanksAsTrecEvalAndRoundTrips() throws {
        var r = Run(tag: "hybrid")
        r.set(query: "q2", results: [.init(document: "b", score: 1), .init(document: "c", score: 1), .init(document: "a", score: 2.25)])
        r.set(query: "q1", results: [.init(document: "z", score: 0.1)])
        let text = r.trecText()
        #expect(text == "q2 Q0 a 1 2.25 hybrid\nq2 Q0 c 2 1.0 hybrid\nq2 Q0 b 3 1.0 hybrid\nq1 Q0 z 1 0.1 hybrid\n")
        let back = try Run.parse(text)
        #expect(back.tag == "hybrid" && back.queryIDs == ["q2", "q1"])
        #expect(back["q2"] == Run.trecOrder(r["q2"]!))
    }

    @Test func loadNamesTheFileInErrors() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/quarry-eval-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Run()
        r.set(query: "1", results: [.init(document: "d", score: 3)])
        try r.write(path: dir + "/out.trec")
        #expect(try Run.load(path: dir + "/out.trec") == r)
        _ = FileManager.default.createFile(atPath: dir + "/bad.tsv", contents: Data("q1 0 d1 x\n".utf8))
        do { _ = try Qrels.load(path: dir + "/bad.tsv"); Issue.record("no error") } catch {
            #expect(error.description == "bad.tsv:1: relevance 'x' is not an integer")
        }
        do { _ = try Qrels.load(path: dir + "/missing.tsv"); Issue.record("no error") } catch {
            #expect(error == .unreadableFile(path: dir + "/missing.tsv"))
        }
    }
}
