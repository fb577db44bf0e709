import Foundation
import QuarryBase
import Testing
@testable import QuarryVector

/// Measurements on SciFact's real embeddings; run with QUARRY_BENCH=1 in a release build.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QUARRY_BENCH"] == "1"))
struct BenchTests {
    @Test func hnswOnSciFact() throws {
        let base = try Fbin.read(path: scifactDir.appendingPathComponent("corpus.fbin").path)
        let queries = try Fbin.read(path: scifactDir.appendingPathComponent("queries.fbin").path)
        let d = base.dimension
        let truth = ExactSearch.topK(base: base.vectors, queries: queries.vectors, dimension: d, k: 10, metric: .ip)
        let t0 = Date()
        let index = HNSWIndex(dimension: d, metric: .ip)
        try index.build(base.vectors)
        let buildTime = Date().timeIntervalSince(t0)
        var lines = ["build \(buildTime) s, bytes \(index.memoryBytes)"]
        let qs = rows(queries.vectors, d: d, 0..<queries.count)
        for ef in [10, 20, 40, 80, 160, 320] {
            for q in qs.prefix(20) { _ = try index.search(query: q, k: 10, params: .init(ef: ef)) }
            let t = Date()
            var found: [[ScoredID]] = []
            for q in qs { found.append(try index.search(query: q, k: 10, params: .init(ef: ef)).hits) }
            let el = Date().timeIntervalSince(t)
            lines.append("ef \(ef): recall \(recall(found, truth)) qps \(Double(qs.count) / el)")
        }
        print(lines.joined(separator: "\n"))
    }
}
