import Testing
import QuarryBase
@testable import QuarryEval

@Suite struct SweepTests {
    @Test func gridIsACartesianProductWithTheFirstParameterSlowest() throws {
        var g = SweepGrid()
        try g.add("ef", [.int(16), .int(64)])
        try g.add("fusion", [.string("rrf"), .string("weighted")])
        try g.add("w", [.double(0.5)])
        #expect(g.count == 4)
        #expect(g.settings.map(\.description) == [
            "ef=16 fusion=rrf w=0.5", "ef=16 fusion=weighted w=0.5", "ef=64 fusion=rrf w=0.5", "ef=64 fusion=weighted w=0.5",
        ])
        try g.add("ef", [.int(32)])  // replaces in place
        #expect(g.settings.first?.description == "ef=32 fusion=rrf w=0.5")
        #expect(g.settings.first?["fusion"] == .string("rrf"))
        #expect(g.settings.first?.json.jsonText == #"{"ef":32,"fusion":"rrf","w":0.5}"#)
        #expect(SweepGrid().settings == [SweepSetting([])])
        #expect(throws: EvalError.emptyParameter(name: "nprobe")) { try g.add("nprobe", []) }
        #expect(ParameterValue(parsing: "64") == .int(64) && ParameterValue(parsing: "0.75") == .double(0.75))
    }

    /// ef → (recall@10, p50 ms). ef=48 is dominated by ef=32 (slower, worse); 128 and 160 tie on recall.
    static let rows: [SweepRow] = [
        (16, 0.80, 0.20), (32, 0.90, 0.30), (48, 0.88, 0.35), (64, 0.95, 0.50), (128, 0.99, 0.90), (160, 0.99, 1.10),
        (256, 0.995, 1.60),
    ].map { SweepRow(setting: SweepSetting([.init(name: "ef", value: .int($0.0))]), metrics: ["recall@10": $0.1], p50Ms: $0.2) }

    @Test func paretoFrontier() {
        #expect(QuarryEval.paretoFrontier(Self.rows, metric: "recall@10") == [0, 1, 3, 4, 6])
        #expect(QuarryEval.paretoFrontier(Self.rows, metric: "ndcg@10") == [])
        let twins = [Self.rows[0], Self.rows[0]]
        #expect(QuarryEval.paretoFrontier(twins, metric: "recall@10") == [0])
    }

    @Test func tuneTakesTheCheapestSettingThatReachesTheTarget() throws {
        let d = try #require(tune(Self.rows, target: .atLeast(metric: "recall@10", value: 0.95)))
        #expect(d.index == 3 && d.met)
        let best = try #require(tune(Self.rows, target: .max(metric: "recall@10")))
        #expect(best.index == 6 && best.met)
        let missed = try #require(tune(Self.rows, target: .atLeast(metric: "recall@10", value: 0.999)))
        #expect(missed.index == 6 && !missed.met)
        #expect(tune(Self.rows, target: .max(metric: "ndcg@10")) == nil)
    }

    @Test func tuneTieRules() throws {
        func row(_ ef: Int, _ r: Double, _ p50: Double) -> SweepRow {
            SweepRow(setting: SweepSetting([.init(name: "ef", value: .int(ef))]), metrics: ["recall@10": r], p50Ms: p50)
        }
        // Equal p50: the higher metric wins; then the first in grid order.
        #expect(tune([row(1, 0.96, 1), row(2, 0.97, 1), row(3, 0.97, 1)], target: .atLeast(metric: "recall@10", value: 0.95))?.index == 1)
        // Not reached: the best metric, then the lower p50.
        #expect(tune([row(1, 0.5, 2), row(2, 0.5, 1)], target: .atLeast(metric: "recall@10", value: 0.9))?.index == 1)
    }

    @Test(arguments: [
        ("recall@10=0.95", TuneTarget.atLeast(metric: "recall@10", value: 0.95)),
        ("NDCG@10 = max", .max(metric: "ndcg@10")),
    ])
    func targetParsing(text: String, target: TuneTarget) throws {
        #expect(try TuneTarget.parse(text) == target)
    }

    @Test(arguments: ["recall@10", "=0.9", "recall@10=high", "a=b=c"])
    func badTargets(text: String) {
        do { _ = try TuneTarget.parse(text); Issue.record("no error") } catch {
            #expect(error.description == "target '\(text)' is not 'metric=value' or 'metric=max' (e.g. recall@10=0.95, ndcg@10=max)")
        }
    }
}

@Suite struct RenderingTests {
    @Test func paretoPlotSnapshot() {
        let lines = ParetoPlot.render(rows: SweepTests.rows, metric: "recall@10", width: 20, height: 6)
        #expect(lines == [
            "      recall@10",
            "0.995 ┤      ⢀⡠⠤⠒⠒⠒⠒⠒⠊⠉⠉⠉⠉⠉",
            "      │   ⡠⠒⠉⠁",
            "      │ ⢀⠔⠁",
            "0.898 ┤ ⡜⠄",
            "      │⢠⠃",
            "  0.8 ┤⡜",
            "      └────────────────────",
            "      0.2               1.6",
            "        p50 latency (ms)",
        ])
    }

    @Test func plotOfOnePointAndOfNoPoints() {
        let one = ParetoPlot.render(points: [(x: 1, y: 0.5)], frontier: [0], width: 4, height: 2, xLabel: "x", yLabel: "y")
        #expect(one == ["     y", "0.55 ┤", "0.45 ┤ ⠈", "     └────", "     0.9 1.1", "       x"])
        let none = ParetoPlot.render(points: [], frontier: [], width: 3, height: 2, xLabel: "ms", yLabel: "ndcg")
        #expect(none == ["  ndcg", "1 ┤", "0 ┤", "  └───", "  0  1", "   ms"])
    }

    @Test func summaryJSONKeys() {
        let summary = EvalSummary(ndcg10: 0.5, mrr10: 0.25, recall100: 1, p10: 0.1, map: 0.375, queries: 300,
                                  latency: LatencySummary(count: 300, p50Ms: 1.5, p95Ms: 2, p99Ms: 3, maxMs: 4.25, meanMs: 1.6, qps: 625))
        #expect(summary.json.jsonText == #"{"ndcg@10":0.5,"mrr@10":0.25,"recall@100":1.0,"p@10":0.1,"map":0.375,"queries":300,"latency_ms":{"p50":1.5,"p95":2.0,"p99":3.0,"max":4.25},"qps":625.0}"#)
        let bare = EvalSummary(ndcg10: nil, mrr10: nil, recall100: nil, p10: nil, map: nil, queries: 0, latency: nil)
        #expect(bare.json.jsonText == #"{"ndcg@10":null,"mrr@10":null,"recall@100":null,"p@10":null,"map":null,"queries":0,"latency_ms":null,"qps":null}"#)
        #expect(summary.text.split(separator: "\n").prefix(2) == ["ndcg@10               \tall\t0.5000", "mrr@10                \tall\t0.2500"])
        #expect(summary.text.hasSuffix("qps                   \tall\t625.0\n"))
    }

    @Test func summaryFromAnEvaluation() {
        let e = RelevanceEvaluator(qrels: MetricTests.qrels).evaluate(MetricTests.run)
        let s = EvalSummary(evaluation: e)
        #expect(s.queries == 2 && s.mrr10 == 0.25 && s.latency == nil)
        #expect(s.p10 == 0.15)  // q1: 3 relevant in its 10 best; q3: none
    }
}
