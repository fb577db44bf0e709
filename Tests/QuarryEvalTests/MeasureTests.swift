import Foundation
import QuarryBase
import Testing
@testable import QuarryEval

/// The per-query measures: each defined once in `Measures`, checked against trec_eval's values
/// (the fixtures of Tests/Fixtures/trec-eval) and hand-computed ones.
@Suite struct MeasureTests {
    /// `Measures.relevance` on each query's ranking (trec_eval's order) equals trec_eval's
    /// per-query value, for every case and metric of the fixtures.
    @Test(arguments: TrecEvalFixtureTests.cases)
    func relevancePerQueryMatchesTrecEval(name: String) throws {
        let dir = Fixtures.trecEval + "/" + name
        let qrels = try Qrels.load(path: dir + "/qrels.tsv")
        let run = try Run.load(path: dir + "/run.trec")
        guard case let .object(perQuery) = try #require(try TrecEvalFixtureTests.expected()[name]?["per_query"]) else { Issue.record("per_query"); return }
        var checked = 0
        for member in perQuery {
            let ranking = Run.trecOrder(try #require(run[member.key])).map(\.document)
            let judgements = try #require(qrels[member.key])
            for (trecName, metric) in TrecEvalFixtureTests.metrics {
                let want = try #require(member.value[trecName]?.doubleValue)
                let got = Measures.relevance(metric, ranking: ranking, judgements: judgements)
                #expect(abs(got - want) <= 1e-4, "\(name) \(member.key) \(trecName): \(got) vs \(want)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test func relevanceByHand() {
        let j = ["a": 2, "b": 0, "c": 1]
        // DCG of [c, a, x] = 1/log2(2) + 2/log2(3); ideal [2, 1] = 2 + 1/log2(3).
        let ndcg = (1 + 2 / log2(3.0)) / (2 + 1 / log2(3.0))
        #expect(abs(Measures.relevance(.ndcg(k: 10), ranking: ["c", "a", "x"], judgements: j) - ndcg) < 1e-12)
        #expect(Measures.relevance(.mrr(k: 10), ranking: ["b", "x", "c"], judgements: j) == 1.0 / 3)
        #expect(Measures.relevance(.recall(k: 2), ranking: ["a", "b", "c"], judgements: j) == 0.5)
        #expect(Measures.relevance(.precision(k: 10), ranking: ["a", "c"], judgements: j) == 0.2)
        #expect(Measures.relevance(.ndcg(k: 10), ranking: ["a", "a", "c"], judgements: j)
                == Measures.relevance(.ndcg(k: 10), ranking: ["a", "c"], judgements: j), "a repeated document counts once")
    }

    @Test func overlapOfTwoAnswers() {
        #expect(Measures.overlap(["a", "b", "c"], ["c", "b", "a"], k: 10) == 1, "order inside the top-k does not matter")
        #expect(Measures.overlap(["a", "b", "c", "d"], ["a", "x"], k: 2) == 0.5)
        #expect(Measures.overlap(["a", "b"], ["a", "b", "c", "d"], k: 10) == 0.5, "over the longer answer")
        #expect(Measures.overlap([String](), [], k: 10) == 1)
        #expect(Measures.overlap(["a"], [], k: 10) == 0)
    }

    @Test func rankBiasedOverlap() {
        let abc = ["a", "b", "c"]
        #expect(abs(Measures.rankBiasedOverlap(abc, abc, p: 0.9, k: 3) - 1) < 1e-12)
        #expect(Measures.rankBiasedOverlap(abc, ["x", "y", "z"], p: 0.9, k: 3) == 0)
        // [a,b,c] against [a,c,b]: X1 = 1, X2 = 1, X3 = 3;
        // RBO_ext = X3/3·p³ + (1−p)/p·(X1/1·p + X2/2·p² + X3/3·p³) = 0.729 + 0.1/0.9·(0.9 + 0.405 + 0.729).
        let want = 0.729 + 0.1 / 0.9 * (0.9 + 0.405 + 0.729)
        #expect(abs(Measures.rankBiasedOverlap(abc, ["a", "c", "b"], p: 0.9, k: 3) - want) < 1e-12)
        // Disagreement at the top weighs more than at the bottom.
        #expect(Measures.rankBiasedOverlap(abc, ["b", "a", "c"], k: 3) < Measures.rankBiasedOverlap(abc, ["a", "c", "b"], k: 3))
        #expect(Measures.rankBiasedOverlap([String](), [], k: 10) == 1 && Measures.rankBiasedOverlap(["a"], [], k: 10) == 0)
    }

    @Test func rankBiasedOverlapProperties() {
        var g = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let a = (0..<10).map { _ in Int(g.next() % 15) }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            let b = a.shuffled(using: &g)
            let r = Measures.rankBiasedOverlap(a, b, k: 10)
            #expect(r >= 0 && r <= 1 + 1e-12)
            #expect(abs(r - Measures.rankBiasedOverlap(b, a, k: 10)) < 1e-12, "symmetric")
        }
    }

    @Test func typedMeasurements() {
        let m = Measures.value(.relevance(.ndcg(k: 10)), ranking: ["a"], judgements: ["a": 1])
        #expect(m == Measurement(.relevance(.ndcg(k: 10)), 1))
        #expect(Measures.value(.exactRecall(k: 2), ranking: ["a", "b"], exact: ["b", "c"])?.value == 0.5)
        #expect(Measures.value(.overlap(k: 10), ranking: ["a"]) == nil, "no other answer to compare with")
        #expect(Measure.exactRecall(k: 10).description == "recall@10 exact" && Measure.rankBiasedOverlap(p: 0.9, k: 10).description == "rbo@10")
    }
}
