import Foundation
import Testing
@testable import QuarryEngine

/// The workbench's operations as every front end calls them: import, changes, exports, query
/// sets, evaluation, the one sweep, plans with typed counters, errors in words.
@Suite(.serialized) struct WorkbenchTests {
    @Test func importBuildsThePathIndexAndForgetsWhatWasLoaded() throws {
        let (wb, dir) = try Fixture.make(records: 200)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try wb.indexes(collection: "papers").contains { $0.name == Workbench.pathSnapshotName })
        // A filter and a search load ids and rows; an import into the same collection adds records
        // that the next search sees (the cache was dropped, the BM25 index refreshed).
        _ = try wb.filter("metadata.year >= 2000", collection: "papers")
        let before = try wb.recordCount(collection: "papers")
        let extra = dir + "/extra.jsonl"
        try "{\"_id\":\"new1\",\"title\":\"zebra zebra\",\"text\":\"zebra\",\"metadata\":{\"year\":2030}}\n".write(toFile: extra, atomically: true, encoding: .utf8)
        let summary = try wb.importRecords(ImportOptions(path: extra, collection: "papers"))
        let after = try wb.recordCount(collection: "papers")
        #expect(summary.records == 1 && after == before + 1)
        guard case let .search(r) = try wb.execute("SEARCH papers MATCH 'zebra' WHERE metadata.year = 2030") else { Issue.record("no search"); return }
        #expect(r.hits.map(\.id) == ["new1"])
        #expect(throws: StorageError.self) { try Workbench.checkImportable(dir + "/missing.jsonl") }
    }

    @Test func deleteAndDropForgetWhatWasLoaded() throws {
        let (wb, dir) = try Fixture.make(records: 100)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case let .search(r) = try wb.execute("SEARCH papers MATCH 'vitamin' LIMIT 3") else { return }
        let top = try #require(r.hits.first?.id)
        #expect(try wb.delete(collection: "papers", ids: [top, "nope"]) == ["nope"])
        guard case let .search(again) = try wb.execute("SEARCH papers MATCH 'vitamin' LIMIT 3") else { return }
        #expect(!again.hits.map(\.id).contains(top))
        try wb.drop(collection: "papers")
        let left = try wb.collections(), fallback = try wb.defaultCollection()
        #expect(left.isEmpty && fallback == nil)
    }

    @Test func exportedVectorsRoundTrip() throws {
        let (wb, dir) = try Fixture.make(records: 50)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (flat, d) = try wb.exportVectors(collection: "papers", field: nil, queries: false)
        #expect(d == 8 && flat.count == 50 * 8)
        let second = try wb.vector(collection: "papers", field: "embedding", ordinal: 1)
        #expect(Array(flat[8..<16]) == second)
        #expect(throws: StorageError.self) { try wb.exportVectors(collection: "papers", field: "nope", queries: false) }
        #expect(try wb.defaultCollection() == "papers")
    }

    @Test func programmaticStatementsPutTheCaretUnderTheFilter() throws {
        let (wb, dir) = try Fixture.make(records: 50)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = SearchStatement(collection: "papers")
        s.match = MatchClause(text: "bone")
        s.filter = FilterText(text: "metadata.year >= 2001 AND metadata.yeer < 5")
        do { _ = try wb.search(s); Issue.record("no error") } catch {
            #expect(ErrorText.describe(error) == """
                line 1, column 27: in WHERE: no record has the path metadata.yeer; did you mean metadata.year?
                  metadata.year >= 2001 AND metadata.yeer < 5
                                            ^
                """)
            #expect(ErrorText.headline(error) == "line 1, column 27: in WHERE: no record has the path metadata.yeer; did you mean metadata.year?")
        }
        // A typed statement keeps its own text under the caret.
        do { _ = try wb.execute("SEARCH papers MATCH 'bone'\n  WHERE metadata.yeer > 1"); Issue.record("no error") } catch {
            #expect(ErrorText.describe(error).hasPrefix("line 2, column 9: in WHERE"))
        }
    }

    @Test func thePlanCarriesTypedCountersAndTheJSONPlanNumbers() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case let .explain(r, true) = try wb.execute("EXPLAIN ANALYZE SEARCH papers MATCH 'brain memory' NEAR DOC 'd3' LIMIT 5") else { return }
        let nodes = r.plan.allNodes
        let lexical = try #require(nodes.first { $0.counters?.postingsScored != nil })
        let vector = try #require(nodes.first { $0.counters?.distanceComputations != nil })
        #expect((lexical.counters?.postingsScored ?? 0) > 0 && (vector.counters?.distanceComputations ?? 0) > 0)
        let recall = try #require(vector.recall)
        #expect(recall.k == 10 && recall.exact.count == 10 && r.recall["vector"] == recall.value)
        // The text line is rendered from the numbers.
        #expect(vector.detail("Distance computations")?.hasPrefix("\(vector.counters!.distanceComputations!)   Nodes visited: ") == true)
        // JSON: the same details as text, and the counters as numbers.
        let json = r.plan.json(analyze: true)
        let hnsw = try #require(json["children"]?[0]?["children"]?[1])
        #expect(hnsw["counters"]?["distance_computations"] == .int(Int64(vector.counters!.distanceComputations!)))
        #expect(hnsw["recall"]?["k"] == .int(10) && hnsw["recall"]?["value"]?.doubleValue == recall.value)
        #expect(hnsw["details"]?["Distance computations"]?.stringValue != nil, "the text details stay")
    }

    @Test func theSweepImpliesItsModeAndChecksEverySettingFirst() throws {
        let (wb, dir) = try Fixture.makeWithQuerySet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var grid = SweepGrid()
        try grid.add("ef", [.int(4), .int(64)])
        var base = EvalRequest(collection: "papers")
        base.warmup = 0
        #expect(Workbench.sweepMode(base, grid: grid) == (mode: "vector", metric: "recall@10"))
        var seen: [Int] = []
        let rows = try wb.sweep(base, grid: grid) { _, done, total in seen.append(done); #expect(total == 2) }
        #expect(seen == [1, 2] && rows.count == 2)
        #expect(rows.allSatisfy { $0.metrics["recall@10"] != nil && $0.runID != nil })
        #expect(rows[1].metrics["recall@10"]! >= rows[0].metrics["recall@10"]!)
        let runs = try wb.runs()
        #expect(runs.count == 2 && runs.allSatisfy { $0.statement == "eval --mode vector" })
        // A typo fails before anything runs.
        var bad = SweepGrid()
        try bad.add("ef", [.int(16)])
        try bad.add("eff", [.int(1)])
        do { _ = try wb.sweep(base, grid: bad); Issue.record("no error") } catch {
            #expect(ErrorText.describe(error).hasPrefix("cannot sweep 'eff'; did you mean ef?"))
        }
        #expect(try wb.runs().count == 2)
        // A weight means hybrid with weighted fusion, recorded as such.
        var weights = SweepGrid()
        try weights.add("weight", [.double(0.3)])
        let hybrid = try wb.sweep(base, grid: weights)
        #expect(hybrid.count == 1)
        let last = try #require(try wb.runs().first { $0.id == hybrid[0].runID })
        #expect(last.statement == "eval --mode hybrid" && last.params["weight"]?.doubleValue == 0.3)
    }

    @Test func evaluationRecordsItsParametersAsBefore() throws {
        let (wb, dir) = try Fixture.makeWithQuerySet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = EvalRequest(collection: "papers")
        r.warmup = 0
        try r.set("ef", text: "32")
        let report = try wb.evaluate(r)
        guard case let .object(params)? = report.json["params"] else { Issue.record("no params"); return }
        #expect(params.map(\.key) == ["k", "b", "bm25_algorithm", "ef", "k1"])
        #expect(report.json["mode"] == .string("bm25"))
        // A session setting reaches the evaluation; the request's own value wins over it.
        _ = try wb.execute("SET k1 = 1.5")
        #expect(try wb.evaluate(r).json["params"]?["k1"]?.doubleValue == 1.5)
        try r.set("k1", text: "1.1")
        #expect(try wb.evaluate(r).json["params"]?["k1"]?.doubleValue == 1.1)
        let judged = try #require(try wb.judgedQueries(collection: "papers"))
        #expect(judged.split == "test" && judged.queries.count == 10 && judged.queries.allSatisfy { !$0.judgements.isEmpty && $0.vector != nil })
    }

    @Test func statementScriptsSplitWhereTheLexerDoes() {
        #expect(StatementScript.isComplete("SEARCH c MATCH 'a';"))
        #expect(!StatementScript.isComplete("SEARCH c MATCH 'a;'"))
        #expect(!StatementScript.isComplete("SEARCH c MATCH 'it\\'s; open"))
        #expect(StatementScript.isComplete("SEARCH c MATCH 'it\\'s; fine';"), "an escaped quote does not end the string")
        #expect(StatementScript.isComplete("SEARCH c MATCH 'it''s';  -- done"))
        #expect(!StatementScript.isComplete("SEARCH c; -- a comment ; \nLIMIT"))
        #expect(StatementScript.split("SEARCH a MATCH 'x;y'; SEARCH b MATCH 'z';\n-- only a comment\n") == ["SEARCH a MATCH 'x;y';", "SEARCH b MATCH 'z';"])
        #expect(StatementScript.split("SET k1 = 1;\nSHOW k1") == ["SET k1 = 1;", "SHOW k1"])
        #expect(StatementScript.split("  -- nothing\n\n").isEmpty)
    }
}
