import Foundation
import QuarryEngine
import Testing
@testable import QuarryTUI

/// The TUI's runner and workspace without a terminal: what each column gets, the marks, the
/// measures, errors, rank moves and the sweep — checked against the engine's own oracle and
/// measures.
@Suite(.serialized) struct RunnerTests {
    /// 400 synthetic records with 8-d clustered vectors and metadata, and a query set of 20
    /// queries (a record's title; that record is the relevant one; its vector is the query's).
    static func workbench() throws -> (Workbench, String) {
        let dir = NSTemporaryDirectory() + "quarry-runner-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/beir/qrels", withIntermediateDirectories: true)
        try SyntheticCorpus().writeJSONL(count: 400, to: dir + "/beir/corpus.jsonl")
        try SyntheticCorpus().writeVectors(count: 400, dimension: 8, to: dir + "/corpus.fbin")
        let corpus = try String(contentsOfFile: dir + "/beir/corpus.jsonl", encoding: .utf8).split(separator: "\n")
        let vectors = try Fbin.read(path: dir + "/corpus.fbin")
        var queries: [String] = [], qrels = ["query-id\tcorpus-id\tscore"], queryVectors: [Float] = []
        for i in stride(from: 0, to: 400, by: 20) {
            let title = try JSONParser.parse(String(corpus[i]))["title"]?.stringValue ?? ""
            queries.append(JSONValue.object([JSONMember("_id", .string("q\(i)")), JSONMember("text", .string(title))]).jsonText)
            qrels.append("q\(i)\td\(i)\t1")
            queryVectors += vectors.vectors[(i * 8)..<((i + 1) * 8)]
        }
        try (queries.joined(separator: "\n") + "\n").write(toFile: dir + "/beir/queries.jsonl", atomically: true, encoding: .utf8)
        try (qrels.joined(separator: "\n") + "\n").write(toFile: dir + "/beir/qrels/test.tsv", atomically: true, encoding: .utf8)
        try Fbin.write(queryVectors, dimension: 8, path: dir + "/queries.fbin")
        let wb = try Workbench(path: dir + "/q.db")
        var o = ImportOptions(path: dir + "/beir", collection: "c")
        o.vectors = dir + "/corpus.fbin"
        o.queryVectors = dir + "/queries.fbin"
        try wb.importRecords(o)
        try wb.buildLexicalIndex(collection: "c")
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: ["M": "4", "ef_construction": "16"])
        return (wb, dir)
    }

    @Test func eachColumnIsMeasuredAgainstTheEnginesOracleAndMeasures() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        let set = try #require(try wb.judgedQueries(collection: "c")?.queries)
        #expect(set.count == 20 && set.allSatisfy { $0.vector != nil })
        var params = Params()
        try params.values.set("ef", .number(4))   // a small ef, so the approximate answer can miss
        for entry in set.prefix(8) {
            let o = runner.execute(query: entry.query.text, filter: nil, fromSet: entry, params: params, generation: 1)
            #expect(o.branches.count == 3 && o.branches.allSatisfy { $0.error == nil }, "\(o.branches.map(\.error))")
            #expect(o.branches.allSatisfy { $0.hits.count == 10 })
            // The exact answer, from the FLAT oracle.
            var flat = SearchStatement(collection: "c")
            flat.near = NearClause(target: .vector(try #require(entry.vector)), index: "flat")
            let exact = try wb.search(flat).hits.map(\.ordinal)
            let vector = o.branches[1]
            #expect(vector.recallExact == Measures.exactRecall(returned: vector.hits.map(\.ordinal), exact: exact, k: 10))
            for b in o.branches {
                for h in b.hits { #expect(h.exact == exact.contains(h.ordinal), "◆ marks the exact top-10") }
                #expect(b.ndcg == Measures.relevance(.ndcg(k: 10), ranking: b.hits.map(\.id), judgements: entry.judgements))
                #expect(b.recallQrels == Measures.relevance(.recall(k: 10), ranking: b.hits.map(\.id), judgements: entry.judgements))
                for h in b.hits { #expect(h.relevant == ((entry.judgements[h.id] ?? 0) > 0)) }
            }
            #expect((vector.work ?? 0) > 0, "the vector search's distance computations, read as a number from the plan")
            #expect(o.plan?.allNodes.contains { $0.recall != nil } == true, "EXPLAIN ANALYZE of the hybrid measured its vector branch")
            #expect(o.branches[2].recallExact == o.plan?.allNodes.compactMap(\.recall).first?.value)
        }
    }

    /// On a large collection the columns come first with their exact recall pending; the second
    /// message brings what a single run gives (recall, ◆ marks, the analysed plan), and the
    /// workspace keeps the first message's hits and latency samples.
    @Test func theExactAnswerCanComeSecond() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        let entry = try #require(try wb.judgedQueries(collection: "c")?.queries.first)
        var params = Params()
        try params.values.set("ef", .number(4))
        let whole = runner.execute(query: entry.query.text, filter: nil, fromSet: entry, params: params, generation: 1)
        runner.run(query: entry.query.text, filter: nil, fromSet: entry, params: params, generation: 2, deferExact: true)
        var messages: [Message] = []
        for _ in 0..<500 where messages.count < 2 {
            messages += runner.inbox.drain()
            if messages.count < 2 { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard messages.count == 2, case let .run(first) = messages[0], case let .exact(second) = messages[1] else {
            Issue.record("expected .run then .exact, got \(messages.count) messages"); return
        }
        #expect(first.exactPending && first.branches[1].recallExact == nil && first.branches[2].recallExact == nil)
        #expect(first.branches.allSatisfy { $0.hits.allSatisfy { !$0.exact } }, "no ◆ before the exact answer")
        #expect(first.planFooter.contains { $0.contains("computing") })
        #expect(!second.exactPending && second.branches.map(\.recallExact) == whole.branches.map(\.recallExact))
        let workspace = Workspace(runner: runner, recordCount: 400)
        workspace.receive(.run(first))
        #expect(MetricsPanel(workspace: workspace).rows().first { $0.label == "R@10 ex" }?.values == ["–", "…", "…"])
        workspace.receive(.exact(second))
        let shown = try #require(workspace.outcome)
        #expect(!shown.exactPending && shown.branches[1].recallExact == whole.branches[1].recallExact)
        #expect(shown.branches.map { $0.hits.map(\.exact) } == whole.branches.map { $0.hits.map(\.exact) })
        #expect(workspace.runs == 1, "the second message is not another run")
    }

    @Test func aFilterErrorIsShownWithItsCaretAndSuggestion() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let o = Runner(workbench: wb, collection: "c").execute(query: "kalo", filter: "metadata.yeer < 5",
                                                               fromSet: nil, params: Params(), generation: 1)
        let e = try #require(o.branches[0].error)
        #expect(e.contains("did you mean metadata.year?"), "\(e)")
        let lines = e.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].trimmingCharacters(in: .whitespaces) == "^", "\(e)")
        #expect(o.planFooter.first?.hasPrefix("(no plan: line 1, column") == true, "\(o.planFooter)")
    }

    @Test func theWorkspaceMarksRankMovesBetweenRunsOfTheSameQuery() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        let ws = Workspace(runner: runner, recordCount: 400)
        var p = Params()
        let first = runner.execute(query: "kalo mine", filter: nil, fromSet: nil, params: p, generation: 1)
        ws.receive(.run(first))
        #expect(ws.outcome?.branches[0].hits.allSatisfy { $0.move == nil } == true)
        try p.values.set("k1", .number(2.5))
        try p.values.set("b", .number(1))
        var second = runner.execute(query: "kalo mine", filter: nil, fromSet: nil, params: p, generation: 2)
        let before = Dictionary(uniqueKeysWithValues: first.branches[0].hits.map { ($0.id, $0.rank) })
        second.branches[0].hits.reverse()
        for i in second.branches[0].hits.indices { second.branches[0].hits[i].rank = i + 1 }
        ws.receive(.run(second))
        for h in try #require(ws.outcome?.branches[0].hits) {
            if let r = before[h.id] { #expect(h.move == r - h.rank) } else { #expect(h.isNew) }
        }
        #expect(ws.runs == 2 && ws.latencies[0].count == 2)
    }

    @Test func theSweepRunsTheEnginesSweepAndPostsEachRow() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        runner.sweep("ef", params: Params())
        var last: SweepProgress?
        let deadline = Date().addingTimeInterval(120)
        while !(last?.done ?? false) && Date() < deadline {
            for case let .sweep(p) in runner.inbox.drain() { last = p }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let s = try #require(last)
        #expect(s.done && s.error == nil, "\(s.error ?? "")")
        #expect(s.rows.count == s.values.count && s.metric == "recall@10")
        #expect(s.rows.allSatisfy { $0.metrics["recall@10"] != nil && $0.runID != nil }, "a vector sweep measures recall and stores runs")
        let recalls = s.rows.map { $0.metrics["recall@10"]! }
        #expect(recalls.last! >= recalls.first!, "recall does not fall as ef grows: \(recalls)")
    }
}
