import Foundation
import QuarryBase
import Testing
@testable import QuarryVector

@Suite struct HNSWTests {
    static let d = 32
    static let data = clusteredData(n: 3000, d: d)
    static let queries = clusteredData(n: 100, d: d, seed: 99)

    @Test func recallAgainstFlatAtEf64() throws {
        let index = HNSWIndex(dimension: Self.d, metric: .cosine)
        try index.build(Self.data)
        let truth = ExactSearch.topK(base: Self.data, queries: Self.queries, dimension: Self.d, k: 10, metric: .cosine)
        let found = try rows(Self.queries, d: Self.d, 0..<100).map { try index.search(query: $0, k: 10, params: .init(ef: 64)).hits }
        let r = recall(found, truth)
        #expect(r >= 0.95, "recall@10 \(r)")
    }
}
