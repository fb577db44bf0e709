import Foundation
import QuarryBase
import QuarryEval

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
    /// The parameters a sweep can vary, with what they change.
    public static let sweepParameters: [(name: String, meaning: String)] = [
        ("ef", "HNSW search breadth"), ("nprobe", "IVF lists probed"), ("refine_k", "IVF_RABITQ candidates re-ranked"),
        ("k1", "BM25 term-frequency saturation"), ("b", "BM25 length normalisation"),
        ("rrf_k", "RRF constant (hybrid)"), ("weight", "weight of the lexical branch in weighted fusion (hybrid; vector gets 1 − w)"),
        ("normalize", "score normalization of weighted fusion: minmax, zscore, dbsf, arctan or none (hybrid)"),
        ("mode", "bm25, vector or hybrid"), ("algorithm", "BM25 top-k algorithm"),
        ("<setting>", "any setting SHOW lists, e.g. rm3=off,on or bm25_query_tf=count,distinct"),
    ]

    /// `request` with one setting applied.
    public static func applying(_ setting: SweepSetting, to request: EvalRequest) throws -> EvalRequest {
        var r = request
        // weight and normalize make one weighted fusion, whichever comes first.
        var weight: Double?, normalize: Normalization?
        for p in setting.parameters {
            func number() throws -> Double {
                switch p.value {
                case let .int(i): return Double(i)
                case let .double(d): return d
                case let .string(s): throw EngineError.badParameter("\(p.name) must be a number, not '\(s)'")
                }
            }
            func integer(min: Int) throws -> Int {
                let v = try number()
                guard v == v.rounded(), v >= Double(min) else { throw EngineError.badParameter("\(p.name) must be an integer ≥ \(min), not \(p.value)") }
                return Int(v)
            }
            switch p.name {
            case "ef": r.ef = try integer(min: 1)
            case "nprobe": r.nprobe = try integer(min: 1)
            case "refine_k": r.refineK = try integer(min: 1)
            case "k1": r.lexical.k1 = Float(try number())
            case "b": r.lexical.b = Float(try number())
            case "rrf_k": r.fusion = .rrf(k: try number())
            case "weight":
                let w = try number()
                guard (0...1).contains(w) else { throw EngineError.badParameter("weight must be between 0 and 1, not \(w)") }
                weight = w
            case "normalize":
                guard let n = Normalization(rawValue: p.value.description.lowercased()) else {
                    throw EngineError.badParameter("unknown normalize '\(p.value)' (expected \(Normalization.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                normalize = n
            case "mode":
                guard let m = EvalRequest.Mode(rawValue: p.value.description) else {
                    throw EngineError.badParameter("unknown mode '\(p.value)' (expected bm25, vector or hybrid)")
                }
                r.mode = m
            case "algorithm": r.lexical.algorithm = p.value.description
            case let name where Settings.definitions.contains(where: { $0.name == name }):
                r.settings[name] = try Settings.value(name, text: p.value.description)
            default:
                let names = sweepParameters.map(\.name).filter { $0 != "<setting>" } + Settings.definitions.map(\.name)
                let hint = Suggest.nearest(to: p.name, in: names).map { "; did you mean \($0)?" } ?? ""
                throw EngineError.badParameter("cannot sweep '\(p.name)'\(hint) (parameters: \(names.joined(separator: ", ")))")
            }
        }
        if weight != nil || normalize != nil {
            let w = weight ?? 0.5
            r.fusion = .weighted(weights: [w, 1 - w], normalize: normalize ?? .minmax)
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
    /// evaluation is stored as a run. `progress(done, total)` is called after each setting.
    public func sweep(_ base: EvalRequest, grid: SweepGrid, progress: (Int, Int) -> Void = { _, _ in }) throws -> [SweepRow] {
        let settings = grid.settings
        // Check every setting before the first evaluation, so a typo fails at once.
        let requests = try settings.map { try Self.applying($0, to: base) }
        var rows: [SweepRow] = []
        for (i, request) in requests.enumerated() {
            var r = request
            if i > 0 { r.warmup = 0 }
            let report = try evaluate(r)
            rows.append(SweepRow(setting: settings[i], metrics: Self.sweepMetrics(report), p50Ms: report.summary.latency?.p50Ms ?? .nan,
                                 latency: report.summary.latency))
            progress(i + 1, settings.count)
        }
        return rows
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
        let rows = try sweep(tuning, grid: grid) { done, _ in progress(done, total) }
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
            let heldRows = try sweep(held, grid: grid) { done, _ in progress(grid.count + 1 + done, total) }
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
