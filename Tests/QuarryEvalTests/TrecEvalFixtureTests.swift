import Testing
import QuarryBase
@testable import QuarryEval

/// Every metric against the values trec_eval (through pytrec_eval) computed on Tests/Fixtures/trec-eval.
@Suite struct TrecEvalFixtureTests {
    static let cases = ["scifact-binary", "scifact-ties", "graded"]
    static let metrics: [(String, RelevanceMetric)] = [
        ("ndcg_cut_10", .ndcg(k: 10)), ("ndcg_cut_100", .ndcg(k: 100)), ("recip_rank", .mrr(k: nil)),
        ("recip_rank@10", .mrr(k: 10)), ("recall_10", .recall(k: 10)), ("recall_100", .recall(k: 100)),
        ("P_10", .precision(k: 10)), ("map", .map),
    ]

    static func expected() throws -> JSONValue {
        let text = try #require(try? TextFile.read(path: Fixtures.trecEval + "/expected.json"))
        return try JSONParser.parse(text)
    }

    @Test(arguments: cases, [QueryAveraging.runAndQrels, .judgedQueries])
    func matchesTrecEval(name: String, averaging: QueryAveraging) throws {
        let dir = Fixtures.trecEval + "/" + name
        let qrels = try Qrels.load(path: dir + "/qrels.tsv")
        let run = try Run.load(path: dir + "/run.trec")
        let expected = try #require(try Self.expected()[name])
        let evaluation = RelevanceEvaluator(qrels: qrels, metrics: Self.metrics.map(\.1), averaging: averaging).evaluate(run)

        #expect(evaluation.queries.count == Int(try #require(expected["queries_evaluated"]?.doubleValue)))
        guard case let .object(perQuery) = try #require(expected["per_query"]) else { Issue.record("per_query"); return }
        #expect(perQuery.count == evaluation.queries.count)
        var mismatches: [String] = []
        for member in perQuery {
            for (trecName, metric) in Self.metrics {
                let want = try #require(member.value[trecName]?.doubleValue)
                let got = evaluation.perQuery[member.key]?[metric] ?? .nan
                if !(abs(got - want) <= 1e-4) { mismatches.append("\(member.key) \(trecName): \(got) vs \(want)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        for (trecName, metric) in Self.metrics {
            let want = try #require(expected["mean"]?[trecName]?.doubleValue)
            let got = try #require(evaluation.mean[metric])
            #expect(abs(got - want) <= 1e-4, "\(name) mean \(trecName): \(got) vs \(want)")
        }
    }

    @Test func trecNamesMatchTheFixtureKeys() {
        for (trecName, metric) in Self.metrics { #expect(metric.trecName == trecName) }
    }
}
