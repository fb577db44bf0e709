import Foundation
import QuarryBase
import Testing
@testable import QuarryEval

/// The measures of tuning on one's own judgements — judged@k, bpref, nDCG′, RBO, Cohen's κ —
/// against the fixed lists and hand-worked values of Tests/Fixtures/judgments (see its README).
@Suite struct JudgmentMeasureTests {
    static let folder = Fixtures.packageRoot + "/Tests/Fixtures/judgments"

    /// The rows of a fixture table, header dropped, split at tabs.
    static func rows(_ name: String) throws -> [[String]] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func rankBiasedOverlapEqualsReferenceValues() throws {
        let rows = try Self.rows("rbo.tsv")
        #expect(rows.count >= 7)
        for r in rows {
            let a = r[0].map(String.init), b = r[1].map(String.init)
            let p = try #require(Double(r[2])), depth = try #require(Int(r[3])), want = try #require(Double(r[4]))
            let got = Measures.rankBiasedOverlap(a, b, p: p, k: depth)
            // The published value has three decimals; the worked ones are exact.
            let tolerance = r[4].count <= 5 ? 5e-4 : 1e-12
            #expect(abs(got - want) <= tolerance, "\(r[0]) / \(r[1]): \(got), want \(want)")
            #expect(abs(Measures.rankBiasedOverlap(b, a, p: p, k: depth) - got) < 1e-12, "symmetric")
        }
    }

    @Test func incompleteJudgementMeasuresEqualHandWorkedValues() throws {
        let qrels = try Qrels.load(path: Self.folder + "/incomplete.qrels")
        let judgements = try #require(qrels["q1"])
        var want: [String: Double] = [:]
        var ranking: [String] = []
        for r in try Self.rows("incomplete.tsv") {
            if r[0] == "ranking" { ranking = r[1].split(separator: " ").map(String.init) } else { want[r[0]] = Double(r[1]) }
        }
        #expect(ranking.count == 7)
        func close(_ a: Double, _ b: Double?) -> Bool { b.map { abs(a - $0) < 1e-6 } ?? false }
        #expect(close(Measures.judged(ranking, judgements: judgements, k: 5), want["judged@5"]))
        #expect(close(Measures.judged(ranking, judgements: judgements, k: 10), want["judged@10"]))
        #expect(close(Measures.bpref(ranking, judgements: judgements), want["bpref"]))
        #expect(close(Measures.relevance(.ndcg(k: 5), ranking: ranking, judgements: judgements), want["ndcg@5"]))
        #expect(close(Measures.condensedNDCG(ranking, judgements: judgements, k: 5), want["ndcg'@5"]))
        // Through the typed interface, with the names reports use.
        #expect(Measures.value(.bpref, ranking: ranking, judgements: judgements)?.value == Measures.bpref(ranking, judgements: judgements))
        #expect(Measure.judged(k: 10).description == "judged@10" && Measure.condensedNDCG(k: 10).description == "ndcg'@10")
    }

    @Test func incompleteJudgementEdges() {
        #expect(Measures.judged([String](), judgements: ["a": 1], k: 10) == 0)
        #expect(Measures.judged(["a", "a", "b"], judgements: ["a": 0], k: 10) == 0.5, "a repeated document counts once")
        #expect(Measures.bpref(["a"], judgements: ["a": 0]) == 0, "nothing relevant")
        #expect(Measures.bpref(["x", "a"], judgements: ["a": 1]) == 1, "unjudged documents above are ignored")
        // With every document judged, nDCG′ is nDCG.
        let all = ["a": 1, "b": 0, "c": 2]
        #expect(Measures.condensedNDCG(["b", "a", "c"], judgements: all, k: 10) == Measures.relevance(.ndcg(k: 10), ranking: ["b", "a", "c"], judgements: all))
    }

    @Test func cohensKappaEqualsHandComputedExamples() throws {
        let rows = try Self.rows("kappa.tsv")
        #expect(rows.count == 4)
        for r in rows {
            let weights = try #require(Measures.KappaWeights(rawValue: r[0]))
            let maxGrade = try #require(Int(r[1]))
            let a = r[2].split(separator: " ").compactMap { Int($0) }, b = r[3].split(separator: " ").compactMap { Int($0) }
            let want = try #require(Double(r[4]))
            let got = try #require(Measures.cohensKappa(Array(zip(a, b)), maxGrade: maxGrade, weights: weights))
            #expect(abs(got - want) < 1e-12, "\(r[0]) \(r[2]) / \(r[3]): \(got), want \(want)")
        }
        #expect(Measures.cohensKappa([(1, 1), (0, 0)], maxGrade: 1, weights: .unweighted) == 1)
        #expect(Measures.cohensKappa([(1, 1), (1, 1)], maxGrade: 1, weights: .unweighted) == nil, "chance agrees fully")
        #expect(Measures.cohensKappa([], maxGrade: 3, weights: .linear) == nil)
        // Weighted κ forgives near misses: the same disagreements one grade apart score higher.
        let near = Measures.cohensKappa([(0, 1), (1, 2), (2, 3), (3, 3), (0, 0), (2, 2)], maxGrade: 3, weights: .linear)!
        let far = Measures.cohensKappa([(0, 3), (1, 3), (2, 0), (3, 3), (0, 0), (2, 2)], maxGrade: 3, weights: .linear)!
        #expect(near > far)
    }
}
