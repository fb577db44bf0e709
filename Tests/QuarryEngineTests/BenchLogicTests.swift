import Foundation
import Testing
@testable import QuarryEngine

/// What `quarry bench` reports, on small inputs: the shape and the parts that must hold whatever
/// the machine (recall in range, every row present), never the times.
@Suite(.serialized) struct BenchLogicTests {
    @Test func importBenchReportsEveryRepetition() throws {
        let r = try ImportBench.run(records: 300, repeats: 2)
        #expect(r["records"] == .int(300) && r["repetitions"] == .int(2))
        guard case let .array(rates)? = r["records_per_s"] else { Issue.record("no rates"); return }
        #expect(rates.count == 2 && rates.allSatisfy { ($0.doubleValue ?? 0) > 0 })
        #expect((r["input_bytes"]?.doubleValue ?? 0) > 0)
    }

    @Test func filteredVectorBenchCoversEveryFractionAndSet() throws {
        let dir = NSTemporaryDirectory() + "quarry-fbench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticCorpus().writeVectors(count: 2_000, dimension: 16, to: dir + "/v.fbin")
        let r = try FilteredVectorBench.run(fbin: dir + "/v.fbin", queries: nil, maxQueries: 20)
        guard case let .array(rows)? = r["rows"] else { Issue.record("no rows"); return }
        #expect(rows.count == 8 && r["queries"] == .int(20))
        for row in rows {
            let picked = row["picked"]?.stringValue ?? ""
            #expect(["in_index", "exact_scan", "post_filter"].contains(picked), "\(row)")
            for key in ["picked_recall@10", "in_graph_ef64_recall@10", "in_graph_ef256_recall@10"] {
                let v = row[key]?.doubleValue ?? -1
                #expect(v >= 0 && v <= 1, "\(key) \(v)")
            }
            if picked == "exact_scan" { #expect(row["picked_recall@10"]?.doubleValue == 1, "an exact scan is exact") }
        }
    }

    @Test func vectorBenchTakesAnyIndexTypeAndRefusesAnUnknownOne() throws {
        let dir = NSTemporaryDirectory() + "quarry-vbench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticCorpus().writeVectors(count: 600, dimension: 8, to: dir + "/v.fbin")
        // hnsw_sq is not among the defaults; asked for, it is measured (it was dropped silently).
        let r = try VectorBench.run(fbin: dir + "/v.fbin", queries: nil, types: ["HNSW_SQ", "flat", "hnsw_sq"], maxQueries: 20)
        guard case let .array(rows)? = r["results"] else { Issue.record("no results"); return }
        let kinds = rows.compactMap { $0["index"]?.stringValue }
        #expect(Set(kinds) == ["hnsw_sq", "flat"] && kinds.first == "hnsw_sq", "\(kinds)")
        do {
            _ = try VectorBench.run(fbin: dir + "/v.fbin", queries: nil, types: ["hnsw_sqq"], maxQueries: 20)
            Issue.record("an unknown index type was accepted")
        } catch {
            #expect("\(error)".contains("did you mean 'hnsw_sq'"), "\(error)")
        }
    }

    @Test func planningBenchMeasuresEveryStatementShape() throws {
        let (wb, dir) = try Fixture.makeWithQuerySet(records: 200)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try PlanningBench.run(wb, collection: "papers", queries: 5)
        guard case let .array(rows)? = r["rows"] else { Issue.record("no rows"); return }
        #expect(rows.map { $0["statement"]?.stringValue } == ["bm25", "vector", "hybrid"])
        #expect(wb.settings.flag("recall"), "the bench restores the session's settings")
    }
}
