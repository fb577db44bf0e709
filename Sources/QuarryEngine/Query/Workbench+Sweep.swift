import Foundation
import QuarryBase
import QuarryEval
import QuarryStorage

@_exported import struct QuarryEval.SweepGrid
@_exported import struct QuarryEval.SweepRow
@_exported import struct QuarryEval.SweepSetting
@_exported import enum QuarryEval.ParameterValue
@_exported import enum QuarryEval.TuneTarget
@_exported import struct QuarryEval.TuneDecision
@_exported import enum QuarryEval.ParetoPlot
@_exported import func QuarryEval.paretoFrontier

/// Sweeps (one evaluation per setting of a grid) and tuning (the cheapest setting that reaches a
/// target on one split, checked on another), on top of `evaluate`.
extension Workbench {
    /// The parameters a sweep can vary, with what they change (the registry's sweepable ones).
    public static var sweepParameters: [(name: String, meaning: String)] {
        Parameters.sweepable.map { ($0.name, $0.help) }
    }

    /// `request` with one setting applied: each parameter (and what it implies, such as weighted
    /// fusion for a weight) checked against the registry. A request without a mode takes the one
    /// the setting's parameters imply.
    public static func applying(_ setting: SweepSetting, to request: EvalRequest) throws -> EvalRequest {
        var r = request
        for p in setting.parameters {
            guard let parameter = Parameters.named(p.name), !parameter.sweepValues.isEmpty else {
                let names = Parameters.sweepable.map(\.name)
                let hint = Suggest.nearest(to: p.name, in: names + Parameters.sweepable.flatMap(\.aliases)).map { "; did you mean \($0)?" } ?? ""
                throw EngineError.badParameter("cannot sweep '\(p.name)'\(hint) (parameters: \(names.joined(separator: ", ")))")
            }
            let value: ParamValue
            switch p.value {
            case let .int(i): value = .number(Double(i))
            case let .double(d): value = .number(d)
            case let .string(s): value = try parameter.parse(s)   // a word, or on/off for a flag
            }
            try r.parameters.apply(parameter.name, value)
        }
        if r.mode == nil, r.statement == nil, let implied = Parameters.impliedMode(setting.parameters.map(\.name)) {
            r.mode = EvalRequest.Mode(rawValue: implied)
        }
        return r
    }

    /// The metrics of an evaluation by the names sweeps and targets use: `ndcg@10`, `mrr@10`,
    /// `recall@100`, `p@10`, `map` against the qrels, and `recall@10`, the share of the exact
    /// top-10 that the vector branch returned (ann-benchmarks' recall), when it was measured.
    public static func sweepMetrics(_ report: EvalReport) -> [String: Double] {
        var m: [String: Double] = [:]
        let s = report.summary
        for (name, v) in [("ndcg@10", s.ndcg10), ("mrr@10", s.mrr10), ("recall@100", s.recall100), ("p@10", s.p10), ("map", s.map)] {
            if let v { m[name] = v }
        }
        if let r = report.recallExact { m["recall@10"] = r }
        if let l = s.latency { m["qps"] = l.qps }
        return m
    }

    /// Evaluates every setting of `grid` over `base` (warm-up before the first only); each
    /// evaluation is stored as a run. Every setting is checked before the first evaluation, so a
    /// typo fails at once. `progress(row, done, total)` is called after each setting; the
    /// request's `isCancelled` stops the sweep between queries.
    public func sweep(_ base: EvalRequest, grid: SweepGrid,
                      progress: (_ row: SweepRow, _ done: Int, _ total: Int) -> Void = { _, _, _ in }) throws -> [SweepRow] {
        let settings = grid.settings
        let requests = try settings.map { try Self.applying($0, to: base) }
        var rows: [SweepRow] = []
        for (i, request) in requests.enumerated() {
            var r = request
            if i > 0 { r.warmup = 0 }
            let report = try evaluate(r)
            var row = SweepRow(setting: settings[i], metrics: Self.sweepMetrics(report), p50Ms: report.summary.latency?.p50Ms ?? .nan,
                               latency: report.summary.latency)
            row.runID = report.runID
            rows.append(row)
            progress(row, i + 1, settings.count)
        }
        return rows
    }

    /// The mode a sweep of `grid` over `base` evaluates, and the metric its frontier uses when
    /// none is named: recall@10 against the exact answer for a vector search, else nDCG@10.
    public static func sweepMode(_ base: EvalRequest, grid: SweepGrid) -> (mode: String, metric: String) {
        if base.statement != nil { return ("statement", "ndcg@10") }
        let mode = base.mode ?? Parameters.impliedMode(grid.axes.map(\.name)).flatMap(EvalRequest.Mode.init(rawValue:)) ?? .bm25
        return (mode.rawValue, mode.defaultMetric)
    }

    /// What `tune` found.
    public struct TuneReport: Sendable {
        public var target: TuneTarget
        public var tuneSplit: String
        public var checkSplit: String
        /// The sweep on the tuning split.
        public var rows: [SweepRow]
        public var decision: TuneDecision
        /// The chosen setting's metrics on the held-out split.
        public var check: [String: Double]
        public var checkP50Ms: Double
        /// Whether the held-out metric reached the target. For `max`, the grid is swept on the
        /// held-out split too, and the choice passes when it is within 0.01 of that split's best.
        public var checkMet: Bool
        /// For `max`: the best value of the metric over the grid on the held-out split.
        public var checkBest: Double?

        public var json: JSONValue {
            func metrics(_ m: [String: Double]) -> JSONValue { .object(m.sorted { $0.key < $1.key }.map { JSONMember($0.key, .double($0.value)) }) }
            return .object([
                JSONMember("target", .string(target.description)),
                JSONMember("tune_split", .string(tuneSplit)), JSONMember("check_split", .string(checkSplit)),
                JSONMember("setting", decision.row.setting.json),
                JSONMember("tune", .object([JSONMember("met", .bool(decision.met)), JSONMember("p50_ms", .double(decision.row.p50Ms)),
                                            JSONMember("metrics", metrics(decision.row.metrics))])),
                JSONMember("check", .object([JSONMember("met", .bool(checkMet)), JSONMember("p50_ms", .double(checkP50Ms)),
                                             JSONMember("metrics", metrics(check)), JSONMember("best", checkBest.map { .double($0) } ?? .null)])),
                JSONMember("sweep", .array(rows.map { r in
                    .object([JSONMember("setting", r.setting.json), JSONMember("p50_ms", .double(r.p50Ms)), JSONMember("metrics", metrics(r.metrics))])
                })),
            ])
        }
    }

    /// Sweeps `grid` on `tuneSplit`, picks the cheapest setting that reaches `target` there
    /// (`QuarryEval.tune`), evaluates it on `checkSplit`, and stores the recommendation.
    public func tune(_ base: EvalRequest, grid: SweepGrid, target: TuneTarget, tuneSplit: String, checkSplit: String,
                     progress: (Int, Int) -> Void = { _, _ in }) throws -> TuneReport {
        guard tuneSplit != checkSplit else {
            throw EngineError.badParameter("tune on one split and check on another (both are '\(tuneSplit)')")
        }
        var tuning = base
        tuning.split = tuneSplit
        let isMax: Bool
        if case .max = target { isMax = true } else { isMax = false }
        let total = grid.count * (isMax ? 2 : 1) + 1
        let rows = try sweep(tuning, grid: grid) { _, done, _ in progress(done, total) }
        guard let decision = QuarryEval.tune(rows, target: target) else {
            let names = Set(rows.flatMap(\.metrics.keys)).sorted()
            throw EngineError.badParameter("no setting measured \(target.metric) (measured: \(names.joined(separator: ", ")))")
        }
        var checking = try Self.applying(decision.row.setting, to: base)
        checking.split = checkSplit
        let report = try evaluate(checking)
        progress(total, total)
        let check = Self.sweepMetrics(report)
        let held = check[target.metric] ?? .nan
        var checkMet: Bool, checkBest: Double?
        switch target {
        case let .atLeast(_, v):
            checkMet = held >= v
        case .max:
            var held = base
            held.split = checkSplit
            held.warmup = 0
            let heldRows = try sweep(held, grid: grid) { _, done, _ in progress(grid.count + 1 + done, total) }
            checkBest = heldRows.compactMap { $0.metrics[target.metric] }.max()
            if let best = checkBest, let v = check[target.metric] { checkMet = v >= best - 0.01 } else { checkMet = false }
        }
        let result = TuneReport(target: target, tuneSplit: tuneSplit, checkSplit: checkSplit, rows: rows, decision: decision,
                                check: check, checkP50Ms: report.summary.latency?.p50Ms ?? .nan, checkMet: checkMet, checkBest: checkBest)
        // A choice of fusion is kept apart from the other recommendations of the metric (a later
        // BM25 tuning must not replace it); FUSE auto reads it.
        let choosesFusion = grid.axes.contains { Self.fusionParameters.contains($0.name) }
        try database.saveRecommendation(collection: base.collection,
                                        metric: choosesFusion ? Self.fusionRecommendationKey(metric: target.metric) : target.metric,
                                        target: target.description, params: decision.row.setting.json, report: result.json)
        cache.tunedFusion[base.collection] = nil
        return result
    }
}
