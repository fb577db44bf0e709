import Foundation
import Testing
@testable import QuarryEmbed

/// The benchmark's own logic (not its speed). The full measurement runs only when asked:
/// `QUARRY_EMBED_BENCH=1 swift test -c release --filter EmbedBenchmarkRun` writes its JSON report
/// to the file named by QUARRY_EMBED_BENCH_OUT (default: embed-bench.json in the temp folder).
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

@Suite(.enabled(if: ProcessInfo.processInfo.environment["QUARRY_EMBED_BENCH"] != nil))
struct EmbedBenchmarkRun {
    @Test func measure() throws {
        guard let embedder = requireEmbedder() else { return }
        var corpus: [String]?
        if ProcessInfo.processInfo.environment["QUARRY_EMBED_BENCH_CORPUS"] != nil {
            let lines = try String(contentsOfFile: sharedFolder + "/datasets/scifact/corpus.jsonl", encoding: .utf8)
                .split(separator: "\n")
            corpus = try lines.map {
                let doc = try JSONParser.parse(String($0))
                return (doc["title"]?.stringValue ?? "") + " " + (doc["text"]?.stringValue ?? "")
            }
        }
        let report = embedder.benchmark(corpus: corpus)
        let out = ProcessInfo.processInfo.environment["QUARRY_EMBED_BENCH_OUT"]
            ?? NSTemporaryDirectory() + "/embed-bench.json"
        try report.json.prettyJSONText.write(toFile: out, atomically: true, encoding: .utf8)
    }
}
