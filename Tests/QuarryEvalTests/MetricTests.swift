import Testing
@testable import QuarryEval

/// Metric values computed by hand, trec_eval's tie order, and which queries a mean covers.
@Suite struct MetricTests {
    /// q1 judges a=3, b=2, c=0, d=1. The run ties a and d; trec_eval ranks x, d, a, b.
    static let qrels: Qrels = {
        var q = Qrels()
        for (d, g) in [("a", 3), ("b", 2), ("c", 0), ("d", 1)] { q.set(query: "q1", document: d, relevance: g) }
        q.set(query: "q2", document: "e", relevance: 0)
        q.set(query: "q3", document: "f", relevance: 1)
        return q
    }()
    static let run: Run = {
        var r = Run()
        r.set(query: "q1", results: [.init(document: "b", score: 0.1), .init(document: "a", score: 0.8),
                                     .init(document: "x", score: 0.9), .init(document: "d", score: 0.8)])
        r.set(query: "q2", results: [.init(document: "e", score: 1)])
        return r
    }()

    @Test func tiesAreRankedByDocumentIDDescending() {
        #expect(Run.trecOrder(Self.run["q1"]!).map(\.document) == ["x", "d", "a", "b"])
        let ties = [RunEntry(document: "10", score: 1), RunEntry(document: "9", score: 1), RunEntry(document: "100", score: 1)]
        #expect(Run.trecOrder(ties).map(\.document) == ["9", "100", "10"])  // byte order, not numeric
    }

    @Test func handComputedValues() {
        let metrics: [RelevanceMetric] = [.ndcg(k: 3), .ndcg(k: nil), .mrr(k: nil), .mrr(k: 1), .precision(k: 2), .recall(k: 2), .map]
        let v = RelevanceEvaluator(qrels: Self.qrels, metrics: metrics).evaluate(query: "q1", results: Self.run["q1"]!)
        let want = [0.447499501061509, 0.6283853745012301, 0.5, 0, 0.5, 1.0 / 3, (1.0 / 2 + 2.0 / 3 + 3.0 / 4) / 3]
        for (got, expected) in zip(v, want) { #expect(abs(got - expected) < 1e-12, "\(got) vs \(expected)") }
    }

    @Test func precisionDividesByKEvenWhenFewerAreReturned() {
        let e = RelevanceEvaluator(qrels: Self.qrels, metrics: [.precision(k: 10)])
        #expect(e.evaluate(query: "q3", results: [.init(document: "f", score: 1)]) == [0.1])
    }

    @Test func repeatedDocumentsCountOnce() {
        let e = RelevanceEvaluator(qrels: Self.qrels, metrics: [.precision(k: 2), .recall(k: 5)])
        let results = [RunEntry(document: "f", score: 2), RunEntry(document: "f", score: 1)]
        #expect(e.evaluate(query: "q3", results: results) == [0.5, 1])
    }

    @Test func judgedQueriesAverageOverQueriesWithARelevantDocument() {
        let e = RelevanceEvaluator(qrels: Self.qrels, metrics: [.mrr(k: 10), .map]).evaluate(Self.run)
        #expect(e.queries == ["q1", "q3"])  // q2 has no relevant document; q3 has no results and counts 0
        #expect(e.perQuery["q3"] == [.mrr(k: 10): 0, .map: 0])
        #expect(e.mean[.mrr(k: 10)] == 0.25)
        #expect(e.values(.mrr(k: 10)) == [0.5, 0])
    }

    @Test func runAndQrelsAverageOverTheIntersection() {
        let e = RelevanceEvaluator(qrels: Self.qrels, metrics: [.mrr(k: 10)], averaging: .runAndQrels).evaluate(Self.run)
        #expect(e.queries == ["q1", "q2"])
        #expect(e.mean[.mrr(k: 10)] == 0.25)
    }

    @Test func emptyEvaluationHasZeroMeans() {
        let e = RelevanceEvaluator(qrels: Qrels(), metrics: [.map]).evaluate(Run())
        #expect(e.queries.isEmpty && e.mean[.map] == 0)
    }

    @Test(arguments: [
        ("ndcg@10", RelevanceMetric.ndcg(k: 10)), ("NDCG@5", .ndcg(k: 5)), ("ndcg", .ndcg(k: nil)), ("mrr@10", .mrr(k: 10)),
        ("mrr", .mrr(k: nil)), ("recall@100", .recall(k: 100)), ("p@10", .precision(k: 10)), ("map", .map),
    ])
    func metricNamesRoundTrip(text: String, metric: RelevanceMetric) throws {
        #expect(try RelevanceMetric.parse(text) == metric)
        #expect(try RelevanceMetric.parse(metric.name) == metric)
    }

    @Test(arguments: [
        ("ndgc@10", "unknown metric 'ndgc@10'; did you mean 'ndcg@10'? (known: ndcg@k, mrr@k, mrr, recall@k, p@k, map)"),
        ("recal@100", "unknown metric 'recal@100'; did you mean 'recall@100'? (known: ndcg@k, mrr@k, mrr, recall@k, p@k, map)"),
        ("ndcg@0", "unknown metric 'ndcg@0' (known: ndcg@k, mrr@k, mrr, recall@k, p@k, map)"),
        ("bleu", "unknown metric 'bleu' (known: ndcg@k, mrr@k, mrr, recall@k, p@k, map)"),
    ])
    func unknownMetricMessages(text: String, message: String) {
        #expect(throws: EvalError.self) { try RelevanceMetric.parse(text) }
        do { _ = try RelevanceMetric.parse(text) } catch { #expect(error.description == message) }
    }
}
