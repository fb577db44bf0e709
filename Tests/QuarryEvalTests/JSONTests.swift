import Testing
import QuarryBase
@testable import QuarryEval

@Suite struct JSONTests {
    @Test func evaluationRoundTripsThroughJSON() throws {
        let e = RelevanceEvaluator(qrels: MetricTests.qrels, metrics: [.ndcg(k: 10), .map]).evaluate(MetricTests.run)
        let text = e.json.jsonText
        #expect(text.hasPrefix(#"{"queries":2,"mean":{"ndcg@10":"#))
        let back = try Evaluation(json: try JSONParser.parse(text))
        #expect(back == e)
        #expect(back.meansByName.keys.sorted() == ["map", "ndcg@10"])
    }

    @Test func malformedStoredEvaluations() throws {
        do { _ = try Evaluation(json: .object([])); Issue.record("no error") } catch {
            #expect(error.description == "stored evaluation is malformed: expected objects 'mean' and 'per_query'")
        }
        let missing = try JSONParser.parse(#"{"mean":{"map":0.5},"per_query":{"q1":{}}}"#)
        do { _ = try Evaluation(json: missing); Issue.record("no error") } catch {
            #expect(error.description == "stored evaluation is malformed: query 'q1' has no number for 'map'")
        }
    }

    @Test func comparisonAndSweepRowJSON() {
        let a = RunComparisonTests.evaluation([0.5]), b = RunComparisonTests.evaluation([1])
        let c = RunComparison(baseline: a, treatment: b, permutations: 10)
        #expect(c.json.jsonText == #"[{"metric":"ndcg@10","baseline":0.5,"treatment":1.0,"delta":0.5,"t":null,"p_t":null,"p_randomization":1.0,"wins":1,"losses":0,"ties":0}]"#)
        #expect(SweepTests.rows[0].json.jsonText == #"{"setting":{"ef":16},"metrics":{"recall@10":0.8},"p50_ms":0.2}"#)
    }
}
