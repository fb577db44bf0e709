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

    /// `T`: two saved tries on one query, each through the engine's try statement; the right
    /// column's moves, overlap@10 and RBO are the engine's measures of the two rankings.
    @Test func twoTriesSideBySideAreTheEnginesRankingsAndMeasures() throws {
        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        let text = try #require(try wb.judgedQueries(collection: "c")?.queries.first?.query.text)
        func values(_ pairs: [(String, ParamValue)]) throws -> ParameterValues {
            var v = ParameterValues()
            for (n, x) in pairs { try v.set(n, x) }
            return v
        }
        try wb.saveTry(collection: "c", name: "a", parameters: try values([("mode", .string("bm25")), ("k1", .number(0.3)), ("b", .number(0.1))]))
        #expect(throws: (any Error).self, "one try is not a pair") { try runner.tryPair(query: text, filter: nil) }
        try wb.saveTry(collection: "c", name: "b", parameters: try values([("mode", .string("bm25")), ("k1", .number(2.5)), ("b", .number(1))]))
        try wb.saveTry(collection: "c", name: "c", parameters: try values([("mode", .string("bm25"))]))

        let p = try runner.tryPair(query: text, filter: nil)
        #expect(p.names == ["a", "b", "c"] && p.left == "b" && p.right == "c", "the two saved last")
        #expect(p.leftError == nil && p.rightError == nil)
        let left = try wb.tryRanking(try wb.storedTry(collection: "c", name: "b"), collection: "c", text: text)
        let right = try wb.tryRanking(try wb.storedTry(collection: "c", name: "c"), collection: "c", text: text)
        #expect(p.leftHits.map(\.id) == left && p.rightHits.map(\.id) == right && !left.isEmpty)
        #expect(p.overlap == Measures.overlap(left, right, k: 10))
        #expect(p.rbo == Measures.rankBiasedOverlap(left, right, p: 0.9, k: 10))
        for (i, h) in p.rightHits.enumerated() {
            if let j = left.firstIndex(of: h.id) { #expect(h.move == j - i && !h.isNew) } else { #expect(h.isNew && h.move == nil) }
        }

        // c cycles the right-hand try through the others; the left one stays.
        #expect(TryPair.nextRight(after: "c", left: "b", in: p.names) == "a")
        #expect(TryPair.nextRight(after: "a", left: "b", in: p.names) == "c")
        let q = try runner.tryPair(query: text, filter: nil, left: "b", right: "a")
        let a = try wb.tryRanking(try wb.storedTry(collection: "c", name: "a"), collection: "c", text: text)
        #expect(q.left == "b" && q.right == "a" && q.rightHits.map(\.id) == a)
        #expect(q.rbo == Measures.rankBiasedOverlap(left, a, p: 0.9, k: 10))
        // The same try asked for on both sides: the right-hand one moves on.
        let same = try runner.tryPair(query: text, filter: nil, left: "a", right: "a")
        #expect(same.left == "a" && same.right != "a")

        // Grades of the same query mark both columns as the result columns do.
        var pair = p
        let graded = try #require(p.leftHits.first?.id)
        pair.apply(QueryGrades(set: "s", queryID: "q1", text: text, need: nil, grades: [graded: 2], maxGrade: 3, made: true))
        #expect(pair.leftHits.first?.grade == 2 && pair.leftHits.dropFirst().allSatisfy { $0.unjudged })
        #expect(TriesOverlay.title(pair).contains("b vs c") && TriesOverlay.title(pair).contains(String(format: "overlap@10 %.2f", p.overlap)))
        // The help lists the comparison's keys.
        #expect(Bindings.action(.char("T"), in: .panes) == .compareTries)
        #expect(Bindings.action(.escape, in: .tries) == .close && Bindings.action(.char("c"), in: .tries) == .increase)
    }

    /// `t`'s prompt: typing, Backspace, Enter submits (trimmed), Esc cancels; the runner saves
    /// under the name given, else the next `tN`, and a name of two words is refused.
    @Test func theTryNamePromptSavesUnderTheNameTyped() throws {
        var p = LinePrompt(label: "name: ")
        for k in [Key.char("a"), .char("b"), .char("x"), .backspace, .char(" ")] { #expect(p.handle(k) == .editing) }
        #expect(p.line == "name: ab ")
        #expect(p.handle(.enter) == .submit("ab"))
        #expect(p.handle(.escape) == .cancel)

        let (wb, dir) = try Self.workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = Runner(workbench: wb, collection: "c")
        runner.saveTry(params: Params(), name: "mine")
        runner.saveTry(params: Params())
        runner.saveTry(params: Params(), name: "two words")
        runner.queue.sync {}
        #expect(try wb.tries(collection: "c").map(\.name) == ["mine", "t2"])
        let messages = runner.inbox.drain()
        #expect(messages.count == 3)
        if case let .failure(text)? = messages.last { #expect(text.contains("one word")) } else { Issue.record("no failure for a name of two words: \(messages)") }
    }

    /// A column's latency keeps its leading digits (a small-ef vector search takes microseconds).
    @Test func columnLatencyKeepsItsLeadingDigits() {
        #expect(ResultsPanel.milliseconds(12.34) == "12.3ms")
        #expect(ResultsPanel.milliseconds(0.414) == "0.41ms")
        #expect(ResultsPanel.milliseconds(0.0042) == "0.004ms")
    }
}
