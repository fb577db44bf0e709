import Foundation
import Testing
@testable import QuarryEmbed

/// The benchmark's own logic (not its speed); the measurement is `quarry bench embed`.
@Suite struct BenchmarkTests {
    @Test func syntheticPassagesHaveExactlyTheAskedTokens() {
        guard let embedder = requireEmbedder() else { return }
        for seed in 0..<3 {
            #expect(embedder.tokenizer.encode(embedder.syntheticPassage(tokens: 200, seed: seed)).count == 200)
        }
        #expect(embedder.tokenizer.encode(embedder.syntheticPassage(tokens: 17, seed: 1)).count == 17)
    }

    @Test func percentilesInterpolate() {
        #expect(Embedder.percentile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(Embedder.percentile([5], 0.95) == 5)
        #expect(Embedder.percentile([], 0.5) == 0)
    }

    @Test func smallRunReportsEveryPart() {
        guard let embedder = requireEmbedder() else { return }
        let r = embedder.benchmark(queries: ["microRNA cancer"], queryRounds: 2, passageTokens: 40,
                                   passageCount: 2, batchSize: 2, threads: [1], corpus: ["a b", "c"])
        #expect(r.queryCount == 2)
        #expect(r.passageTokens == 40)
        #expect(r.passageRates.map(\.threads) == [1])
        #expect(r.corpus?.documents == 2)
        #expect(r.json["model"] == "all-MiniLM-L6-v2")
        #expect(r.json["passages"]?["tokens"] == 40)
    }
}
