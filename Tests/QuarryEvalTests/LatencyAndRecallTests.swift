import Testing
@testable import QuarryEval

@Suite struct ExactRecallTests {
    @Test func shareOfTheExactTopK() {
        #expect(Measures.exactRecall(returned: [1, 2, 3, 4], exact: [4, 3, 9, 8], k: 4) == 0.5)
        #expect(Measures.exactRecall(returned: [1, 2, 9], exact: [9, 1, 5], k: 2) == 0.5)  // only the first k of each count
        #expect(Measures.exactRecall(returned: [7, 7, 7], exact: [7, 8, 9], k: 3) == 1.0 / 3)  // repeats count once
        #expect(Measures.exactRecall(returned: [5], exact: [5], k: 10) == 1)  // fewer than k exact ids
        #expect(Measures.exactRecall(returned: [UInt32](), exact: [], k: 10) == 1)
    }

    @Test func meanOverQueries() {
        let exact: [[UInt32]] = [[1, 2], [3, 4], [5, 6]]
        #expect(Measures.meanExactRecall(returned: [[1, 2], [3, 9]], exact: exact, k: 2) == 0.5)  // the third query is missing
    }
}

@Suite struct LatencyTests {
    @Test func percentilesMaxMeanAndQPS() {
        var r = LatencyRecorder()
        for ms in 1...100 { r.record(nanoseconds: UInt64(ms) * 1_000_000) }
        let s = r.summary()
        #expect(s.count == 100)
        #expect(abs(s.p50Ms - 50) <= 50 * 1e-3)
        #expect(abs(s.p95Ms - 95) <= 95 * 1e-3)
        #expect(abs(s.p99Ms - 99) <= 99 * 1e-3)
        #expect(s.maxMs == 100)
        #expect(s.meanMs == 50.5)
        #expect(abs(s.qps - 100 / 5.05) < 1e-9)
        #expect(r.summary(wallSeconds: 2).qps == 50)
    }

    @Test func mergeAddsTheOtherThreadsValues() {
        var a = LatencyRecorder(), b = LatencyRecorder()
        a.record(nanoseconds: 1_000)
        b.record(nanoseconds: 3_000_000)
        b.record(nanoseconds: 2_000_000)
        a.merge(b)
        #expect(a.count == 3 && a.totalNanoseconds == 5_001_000)
        #expect(a.summary().maxMs == 3)
        #expect(abs(a.percentileMs(50) - 2) <= 2e-3)
    }

    @Test func emptyRecorder() {
        #expect(LatencyRecorder().summary() == LatencySummary(count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0, qps: 0))
    }

    @Test func measureReturnsTheClosuresValue() throws {
        let (value, _) = measure { (1...10).reduce(0, +) }
        #expect(value == 55)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try measure { throw Boom() } }
        let t0 = monotonicNanoseconds()
        #expect(monotonicNanoseconds() >= t0)
    }
}

@Suite struct RunComparisonTests {
    static func evaluation(_ values: [Double]) -> Evaluation {
        let queries = values.indices.map { "q\($0)" }
        var per: [String: [RelevanceMetric: Double]] = [:]
        for (q, v) in zip(queries, values) { per[q] = [.ndcg(k: 10): v] }
        return Evaluation(metrics: [.ndcg(k: 10)], queries: queries, perQuery: per,
                          mean: [.ndcg(k: 10): values.reduce(0, +) / Double(values.count)])
    }

    @Test func deltasTestsAndWinsLosses() throws {
        let a = Self.evaluation(StatisticsTests.a), b = Self.evaluation(StatisticsTests.b)
        let c = RunComparison(baseline: a, treatment: b)
        #expect(c.queries.count == 8)
        let m = try #require(c.metrics.first)
        #expect(m.metric == .ndcg(k: 10))
        #expect(abs(m.delta - (StatisticsTests.b.reduce(0, +) - StatisticsTests.a.reduce(0, +)) / 8) < 1e-12)
        #expect(abs(try #require(m.tTest).pValue - 0.04536646666691545) < 1e-12)
        #expect(m.randomizationP == pairedRandomizationTest(baseline: StatisticsTests.a, treatment: StatisticsTests.b))
        #expect((m.wins, m.losses, m.ties) == (6, 1, 1))
        #expect(m.moves.first?.query == "q3")  // 0 → 0.2 is the largest change
        #expect(m.moves.contains(QueryDelta(query: "q2", delta: 0.9 - 1.0)))
    }

    @Test func onlySharedQueriesAreCompared() {
        let a = Self.evaluation([0.1, 0.2, 0.3]), b = Self.evaluation([0.1, 0.5])
        let c = RunComparison(baseline: a, treatment: b, permutations: 100)
        #expect(c.queries == ["q0", "q1"])
        #expect((c.metrics[0].wins, c.metrics[0].ties) == (1, 1))
    }
}
