import Foundation
import Testing
@testable import QuarryEngine

@Suite(.serialized) struct ExplainTests {
    static let statements = [
        "EXPLAIN SEARCH papers MATCH 'vitamin bone' LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'vitamin bone' WITH (bm25_algorithm = bmw) LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'cancer tumor' IN title^2, text WITH (bm25_algorithm = maxscore) LIMIT 3",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'sleep' WITH (bm25_algorithm = exhaustive) LIMIT 3",
        "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd1' LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers NEAR [1, 1, 0, 0, 0, 0, 0, 0] USING flat LIMIT 3",
        "EXPLAIN SEARCH papers NEAR DOC 'd2' USING hnsw(ef = 32) WHERE metadata.year >= 2010 LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd2' WHERE metadata.section = 'utils' AND metadata.year = 2005 LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'brain memory' NEAR DOC 'd3' FUSE rrf(k = 60) LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' FUSE weighted(0.3, 0.7) NORMALIZE zscore LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers WHERE metadata.topic = 2 AND metadata.section IN ('games', 'libs') LIMIT 4",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'insulin' WHERE metadata.year BETWEEN 2003 AND 2008 LIMIT 3",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'brain' NEAR DOC 'd4' WHERE metadata.year > 3000 LIMIT 3",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'bone vitamin bone' LIMIT 3",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'sleep memory' EXPAND rm3(fb_docs = 3) LIMIT 3",
        "EXPLAIN SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers MATCH 'heart risk' NEAR DOC 'd7' FUSE weighted(0.4) NORMALIZE dbsf LIMIT 5",
        "EXPLAIN ANALYZE SEARCH papers WHERE metadata[\"k\"] is null AND metadata.topic = 1 LIMIT 3",
    ]

    @Test func explainTextSnapshots() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var out = ""
        for s in Self.statements {
            guard case let .explain(result, analyze) = try wb.execute(s) else { Issue.record("not an explain: \(s)"); continue }
            var text = result.plan.render(analyze: analyze)
            text += analyze ? "\nPlanning time: \(result.planningMs) ms   Execution time: \(result.executionMs) ms" : "\nPlanning time: \(result.planningMs) ms"
            out += "quarry> \(s);\n" + Fixture.mask(text) + "\n\n"
        }
        let (expected, actual) = try Fixture.snapshot(out, "explain.txt")
        #expect(actual == expected)
    }

    @Test func filterStrategyChangesWithSelectivityAndKeepsRecall() throws {
        let (wb, dir) = try Fixture.make(records: 6000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var strategies: [String] = []
        for filter in ["metadata.year = 2005 AND metadata.section = 'utils'", "metadata.year >= 2002", "metadata.topic IN (0, 1, 2, 3)"] {
            guard case let .explain(r, _) = try wb.execute("EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd5' WHERE \(filter) LIMIT 10") else { continue }
            let node = try #require(r.plan.children.first)
            let strategy = try #require(node.detail("Filter strategy"))
            strategies.append(String(strategy.split(separator: " ").first ?? ""))
            let recall = try #require(r.recall["vector"])
            #expect(recall >= 0.95, "recall \(recall) with \(filter)")
        }
        #expect(strategies.first == "exact_scan")
        #expect(strategies.last == "in_index")
    }

    @Test func queryJSONHasTheContractKeys() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = (try wb.execute("SEARCH papers MATCH 'bone' NEAR DOC 'd1' LIMIT 3")).json
        guard case let .array(hits)? = json["hits"] else { Issue.record("no hits"); return }
        #expect(hits.count == 3)
        for h in hits {
            #expect(h["id"] != nil && h["score"] != nil && h["rank"] != nil)
            #expect(h["bm25"]?["rank"] != nil || h["vector"]?["rank"] != nil)
        }
        #expect(json["plan"] != nil && json["timing_ms"] != nil)
    }

    @Test func settingsForceChoicesAndReset() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try wb.execute("SET filter_strategy = post_filter")
        guard case let .explain(r, _) = try wb.execute("EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd5' WHERE metadata.year >= 2002 LIMIT 5") else { return }
        #expect(r.plan.children.first?.detail("Filter strategy")?.hasPrefix("post_filter") == true)
        _ = try wb.execute("RESET ALL")
        #expect(wb.settings.string("filter_strategy") == "auto")
        #expect(throws: QueryError.self) { try wb.execute("SET eff = 10") }
    }
}

