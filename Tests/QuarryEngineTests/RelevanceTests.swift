import Foundation
import Testing
@testable import QuarryEngine

/// Query-term frequency in plans, RM3 (`EXPAND rm3`), score-normalised fusion and `FUSE auto`,
/// and filter probes, through the workbench as the REPL and the commands call it.
@Suite(.serialized) struct RelevanceTests {
    // MARK: - Query-term frequency

    static func lexicalNode(_ plan: PlanNode) -> PlanNode? {
        if plan.title.hasPrefix("BM25 Top-K") { return plan }
        for c in plan.children { if let n = lexicalNode(c) { return n } }
        return nil
    }

    static func detail(_ node: PlanNode?, _ label: String) -> String? { node?.detail(label) }

    @Test func explainShowsTheQueryTermFrequencyAndDistinctTurnsItOff() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case let .explain(analyzed, _) = try wb.execute("EXPLAIN ANALYZE SEARCH papers MATCH 'bone vitamin bone' LIMIT 5"),
              case let .explain(planned, _) = try wb.execute("EXPLAIN SEARCH papers MATCH 'bone vitamin bone' LIMIT 5") else {
            Issue.record("not an explain"); return
        }
        #expect(Self.detail(Self.lexicalNode(analyzed.plan), "Terms") == "bone (qtf=2) vitamin")
        #expect(Self.detail(Self.lexicalNode(planned.plan), "Terms") == "bone (qtf=2) vitamin")
        _ = try wb.execute("SET bm25_query_tf = 'distinct'")
        guard case let .explain(distinct, _) = try wb.execute("EXPLAIN ANALYZE SEARCH papers MATCH 'bone vitamin bone' LIMIT 5") else { return }
        let node = Self.lexicalNode(distinct.plan)
        #expect(Self.detail(node, "Terms") == "bone vitamin")
        #expect(Self.detail(node, "Parameters")?.hasSuffix("query_tf=distinct") == true)
        // Counting changes the scores: "bone" weighs twice.
        let counted = try wb.search(try Self.statement("SEARCH papers MATCH 'bone vitamin bone' WITH (bm25_query_tf = count) LIMIT 400"))
        let once = try wb.search(try Self.statement("SEARCH papers MATCH 'bone vitamin bone' LIMIT 400"))
        #expect(counted.hits.map(\.score) != once.hits.map(\.score))
        #expect(throws: QueryError.self, "SET checks the value against the parameter's choices, with a caret") { try wb.execute("SET bm25_query_tf = 'twice'") }
        // The explanation of a hit says qtf=2 (what `quarry search --explain` prints).
        var r = LexicalRequest(collection: "papers", text: "bone vitamin bone")
        r.k1 = 0.9
        let lines = try wb.explainLexical(r, ordinal: UInt32(counted.hits[0].ordinal))
        #expect(lines.contains { $0.contains("bone  qtf=2  idf=") }, "\(lines)")
    }

    static func statement(_ text: String) throws -> SearchStatement {
        guard case let .search(s) = try StatementParser.parse(text) else { throw EngineError.badParameter("not a SEARCH") }
        return s
    }

    // MARK: - RM3

    /// A collection where a topic's words are rare (under RM3's 10 % df limit): 4 topics × 5
    /// records, and 60 records of filler.
    static func feedbackCollection() throws -> (Workbench, String) {
        let dir = NSTemporaryDirectory() + "quarry-rm3-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let topics = [["apple", "pie", "crust", "cinnamon", "oven"], ["comet", "tail", "orbit", "ice", "sun"],
                      ["violin", "string", "bow", "concert", "tune"], ["glacier", "ice", "valley", "melt", "snow"]]
        var lines: [String] = []
        for (t, words) in topics.enumerated() {
            for i in 0..<5 {
                // Each record of a topic holds three of its words, so feedback finds the others.
                let text = (0..<3).map { words[(i + $0) % 5] }.joined(separator: " ")
                lines.append("{\"_id\":\"t\(t)-\(i)\",\"title\":\"topic \(t)\",\"text\":\"\(text) notes\"}")
            }
        }
        for i in 0..<60 { lines.append("{\"_id\":\"f\(i)\",\"title\":\"filler\",\"text\":\"common words \(i % 3) notes\"}") }
        try lines.joined(separator: "\n").write(toFile: dir + "/corpus.jsonl", atomically: true, encoding: .utf8)
        let wb = try Workbench(path: dir + "/q.db")
        try wb.importRecords(ImportOptions(path: dir + "/corpus.jsonl", collection: "notes"))
        try wb.buildLexicalIndex(collection: "notes")
        return (wb, dir)
    }

    @Test func expandRM3ListsItsTermsInThePlanAndFindsTheTopic() throws {
        let (wb, dir) = try Self.feedbackCollection()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try wb.search(try Self.statement("SEARCH notes MATCH 'apple pie' LIMIT 10"))
        #expect(Set(plain.hits.map(\.id)) == ["t0-0", "t0-1", "t0-3", "t0-4"], "records holding apple or pie")
        guard case let .explain(r, _) = try wb.execute("EXPLAIN ANALYZE SEARCH notes MATCH 'apple pie' EXPAND rm3 LIMIT 10") else { return }
        #expect(Set(r.hits.map(\.id)) == Set((0..<5).map { "t0-\($0)" }), "feedback brings in the topic's other records")
        let bm25 = try #require(Self.lexicalNode(r.plan))
        let rm3 = try #require(bm25.children.first { $0.title.hasPrefix("RM3 Expansion") })
        #expect(rm3.title == "RM3 Expansion  (fb_docs=10, fb_terms=10, original_query_weight=0.5)")
        let terms = try #require(Self.detail(rm3, "Expansion terms"))
        #expect(terms.hasPrefix("appl 0.") || terms.hasPrefix("pie 0."), "the query's own terms weigh most: \(terms)")
        #expect(terms.contains("crust 0.") && terms.contains("cinnamon 0."), "\(terms)")
        #expect(!terms.contains("notes"), "a word of most records is not a feedback term: \(terms)")
        #expect(Self.detail(rm3, "Feedback documents")?.hasPrefix("4 (") == true)
        // EXPAND's parameters and the settings.
        guard case let .explain(few, _) = try wb.execute("EXPLAIN ANALYZE SEARCH notes MATCH 'apple pie' EXPAND rm3(fb_docs = 1, fb_terms = 2, original_query_weight = 0.8) LIMIT 10") else { return }
        let node = try #require(Self.lexicalNode(few.plan)?.children.first { $0.title.hasPrefix("RM3") })
        #expect(node.title == "RM3 Expansion  (fb_docs=1, fb_terms=2, original_query_weight=0.8)")
        #expect(Self.detail(node, "Feedback documents")?.hasPrefix("1 (") == true)
        _ = try wb.execute("SET rm3 = on")
        let viaSetting = try wb.search(try Self.statement("SEARCH notes MATCH 'apple pie' LIMIT 10"))
        #expect(viaSetting.hits.map(\.id) == r.hits.map(\.id))
        #expect(throws: QueryError.self, "SET checks the range, with a caret") { try wb.execute("SET rm3_fb_docs = 0") }
        _ = try wb.execute("RESET ALL")
        // EXPLAIN without ANALYZE shows the node, not run.
        guard case let .explain(p, analyze) = try wb.execute("EXPLAIN SEARCH notes MATCH 'apple pie' EXPAND rm3 LIMIT 10") else { return }
        let text = p.plan.render(analyze: analyze)
        #expect(text.contains("->  RM3 Expansion") && text.contains("chosen when it runs"), "\(text)")
    }

    // MARK: - Fusion

    @Test func eachNormalizationEqualsItsFormula() {
        let s = [4.0, 2, 1, 1]
        func close(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 } }
        #expect(close(Fusion.normalize(s, .minmax), [1, 1.0 / 3, 0, 0]))
        // z-score: mean 2, population sd √(6/4).
        let sd = (6.0 / 4).squareRoot()
        #expect(close(Fusion.normalize(s, .zscore), s.map { ($0 - 2) / sd }))
        // DBSF: mean 2, sample sd √(6/3) = √2, bounds 2 ∓ 3√2.
        let lo = 2 - 3 * 2.0.squareRoot(), hi = 2 + 3 * 2.0.squareRoot()
        #expect(close(Fusion.normalize(s, .dbsf), s.map { ($0 - lo) / (hi - lo) }))
        #expect(close(Fusion.normalize(s, .dbsf), [0.7357022603955159, 0.5, 0.3821488698022421, 0.3821488698022421]))
        #expect(close(Fusion.normalize(s, .arctan), s.map { 2 / Double.pi * atan($0) }))
        #expect(Fusion.normalize(s, .none) == s)
        // Degenerate lists: Qdrant gives 0.5 to one score and to equal scores.
        #expect(Fusion.normalize([3], .dbsf) == [0.5] && Fusion.normalize([3, 3], .dbsf) == [0.5, 0.5])
        #expect(Fusion.normalize([3, 3], .minmax) == [1, 1] && Fusion.normalize([3, 3], .zscore) == [0, 0])
        // A weak branch: one strong lexical hit among near-equal ones, DBSF against min-max.
        let lexical = [ScoredID(id: 1, score: 9), ScoredID(id: 2, score: 1.1), ScoredID(id: 3, score: 1)]
        let vector = [ScoredID(id: 3, score: 0.9), ScoredID(id: 2, score: 0.89), ScoredID(id: 1, score: 0.2)]
        let dbsf = Fusion.fuse([lexical, vector], spec: .weighted(weights: [0.5, 0.5], normalize: .dbsf))
        let want1 = 0.5 * Fusion.normalize([9, 1.1, 1], .dbsf)[0] + 0.5 * Fusion.normalize([0.9, 0.89, 0.2], .dbsf)[2]
        #expect(abs((dbsf.first { $0.id == 1 }?.score ?? 0) - want1) < 1e-9)
    }

    @Test func fuseAutoIsRRFUntilATunedRecommendationAndThenThatFusion() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bare = "SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' LIMIT 10"
        guard case let .explain(auto, _) = try wb.execute("EXPLAIN ANALYZE " + bare),
              case let .explain(rrf, _) = try wb.execute("EXPLAIN ANALYZE SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' FUSE rrf(k = 60) LIMIT 10") else { return }
        #expect(auto.hits.map(\.id) == rrf.hits.map(\.id))
        let node = try #require(auto.plan.children.first)
        #expect(node.title.hasPrefix("RRF Fusion"))
        #expect(Self.detail(node, "Fusion")?.hasPrefix("auto: RRF (no tuned fusion for 'papers'") == true)
        #expect(Self.detail(rrf.plan.children.first, "Fusion") == nil, "FUSE rrf says what it is")
        #expect(try wb.search(try Self.statement("SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' FUSE auto LIMIT 10")).hits.map(\.id) == rrf.hits.map(\.id))

        // What `quarry tune --mode hybrid --grid weight=… --grid normalize=…` stores.
        let report = JSONValue.object([JSONMember("tune_split", .string("train")), JSONMember("check_split", .string("test")),
                                       JSONMember("check", .object([JSONMember("metrics", .object([JSONMember("ndcg@10", .double(0.75))]))]))])
        try wb.database.saveRecommendation(collection: "papers", metric: "ndcg@10 (fusion)", target: "ndcg@10=max",
                                           params: .object([JSONMember("weight", .double(0.3)), JSONMember("normalize", .string("dbsf"))]),
                                           report: report)
        wb.invalidate()
        guard case let .explain(tuned, _) = try wb.execute("EXPLAIN ANALYZE " + bare) else { return }
        let explicit = try wb.search(try Self.statement("SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' FUSE weighted(0.3) NORMALIZE dbsf LIMIT 10"))
        #expect(tuned.hits.map(\.id) == explicit.hits.map(\.id))
        #expect(zip(tuned.hits, explicit.hits).allSatisfy { $0.score == $1.score })
        let fusion = try #require(tuned.plan.children.first)
        #expect(fusion.title.hasPrefix("Weighted Fusion  (weights=0.30, 0.70, normalize=dbsf"))
        #expect(Self.detail(fusion, "Fusion")?.hasPrefix("auto: tuned by quarry tune ndcg@10=max on train (test: 0.7500), ") == true, "\(fusion.details)")
        let resolved = try wb.resolveFusion(nil, collection: "papers")
        #expect(resolved.tuned && resolved.spec == .weighted(weights: [0.3, 0.7], normalize: .dbsf))
        // A recommendation without a fusion parameter does not choose one.
        try wb.database.saveRecommendation(collection: "papers", metric: "ndcg@10", target: "ndcg@10=max",
                                           params: .object([JSONMember("k1", .double(1.2))]), report: report)
        wb.invalidate()
        #expect(try wb.resolveFusion(.auto, collection: "papers").spec == .weighted(weights: [0.3, 0.7], normalize: .dbsf))
    }

    // MARK: - Filter probes

    @Test func probesOnAPathNoRecordHasAnswer() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try wb.filter(#"exists metadata["k"]"#, collection: "papers").count == 0)
        #expect(try wb.filter(#"metadata["k"] is null"#, collection: "papers").count == 400)
        #expect(try wb.filter(#"metadata["k"] is not null"#, collection: "papers").count == 0)
        #expect(try wb.filter("exists metadata.year", collection: "papers").count == 400)
        let hits = try wb.search(try Self.statement(#"SEARCH papers MATCH 'bone' WHERE metadata["k"] is null LIMIT 5"#))
        #expect(hits.hits.count == 5)
        #expect(try wb.search(try Self.statement(#"SEARCH papers WHERE exists metadata["k"] LIMIT 5"#)).hits.isEmpty)
        do {
            _ = try wb.filter("metadata.yeer > 2000", collection: "papers")
            Issue.record("a comparison on an unknown path is an error")
        } catch let e as FilterSyntaxError {
            #expect(e.message == "no record has the path metadata.yeer; did you mean metadata.year?")
        }
    }
}
