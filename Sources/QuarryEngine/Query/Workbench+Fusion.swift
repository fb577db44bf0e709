import Foundation
import QuarryEval

extension FusionSpec {
    /// `rrf`, `weighted` or `auto`.
    public var name: String {
        switch self {
        case .rrf: return "rrf"
        case .weighted: return "weighted"
        case .auto: return "auto"
        }
    }
}

/// A value in a dictionary where "looked up, found nothing" differs from "not looked up".
struct CachedLookup<Value> {
    var value: Value
}

/// A hybrid statement's fusion as the planner decided it, and where the decision came from.
public struct ResolvedFusion: Sendable, Equatable {
    public var spec: FusionSpec
    /// For plans: `FUSE rrf(k = 60)` as written, or how `FUSE auto` chose (the tuning run, or
    /// that there is none yet).
    public var source: String
    /// True when the choice came from a stored `quarry tune` recommendation.
    public var tuned: Bool
}

/// `FUSE auto`: a collection's tuned fusion. `quarry tune --mode hybrid` with a fusion parameter
/// in its grid (`weight`, `normalize`, `rrf_k`) stores its choice under the metric key
/// `<metric> (fusion)`; a hybrid statement without FUSE (or with `FUSE auto`), `quarry eval
/// --mode hybrid` and the TUI's hybrid column then fuse that way. Until a recommendation
/// exists, auto is RRF with the `rrf_k` setting.
extension Workbench {
    /// The sweep parameters that choose a fusion.
    public static let fusionParameters: Set<String> = ["weight", "normalize", "rrf_k"]

    /// The recommendation key of a tuning whose grid chose the fusion.
    static func fusionRecommendationKey(metric: String) -> String { "\(metric) (fusion)" }

    /// The fusion a hybrid statement uses: `spec` as written, or for nil and `.auto` the
    /// collection's newest fusion recommendation, else RRF (k from `with`, else the session).
    public func resolveFusion(_ spec: FusionSpec?, collection: String, with: [String: ParamValue] = [:]) throws -> ResolvedFusion {
        switch spec {
        case let .rrf(k)?:
            return ResolvedFusion(spec: .rrf(k: k), source: "FUSE rrf(k = \(Self.number(k)))", tuned: false)
        case let .weighted(w, n)?:
            return ResolvedFusion(spec: .weighted(weights: w, normalize: n),
                                  source: "FUSE weighted(\(w.map(Self.number).joined(separator: ", "))) NORMALIZE \(n.rawValue)", tuned: false)
        case .auto?, nil:
            break
        }
        if let tuned = try tunedFusion(collection: collection) { return tuned }
        return ResolvedFusion(spec: .rrf(k: settings.number("rrf_k", with)),
                              source: "auto: RRF (no tuned fusion for '\(collection)'; quarry tune --mode hybrid --grid weight=… stores one)",
                              tuned: false)
    }

    /// The fusion of the newest recommendation of `collection` whose setting chooses one, read
    /// once per workbench (`invalidate()` and `tune` forget it).
    func tunedFusion(collection: String) throws -> ResolvedFusion? {
        if let cached = cache.tunedFusion[collection] { return cached.value }
        let newest = try database.recommendations(collection: collection)
            .filter { Self.fusion(from: $0.params) != nil }
            .max { ($0.createdAt, $1.metric) < ($1.createdAt, $0.metric) }
        let resolved = newest.flatMap { rec in
            Self.fusion(from: rec.params).map { ResolvedFusion(spec: $0, source: "auto: " + Self.describe(rec), tuned: true) }
        }
        cache.tunedFusion[collection] = CachedLookup(value: resolved)
        return resolved
    }

    /// The fusion a tuned setting names: `weight` (and `normalize`) → weighted, `normalize`
    /// alone → weighted 0.5/0.5, `rrf_k` → RRF; nil when it names none.
    static func fusion(from params: JSONValue) -> FusionSpec? {
        let weight = params["weight"]?.doubleValue
        let normalize = params["normalize"]?.stringValue.flatMap(Normalization.init(rawValue:))
        if weight != nil || normalize != nil {
            let w = weight ?? 0.5
            return .weighted(weights: [w, 1 - w], normalize: normalize ?? .minmax)
        }
        if let k = params["rrf_k"]?.doubleValue { return .rrf(k: k) }
        return nil
    }

    /// `tuned by quarry tune ndcg@10=max on train (test: ndcg@10 0.7312), 2025-01-31T12:00:00Z`.
    static func describe(_ rec: StoredRecommendation) -> String {
        let tuneSplit = rec.report["tune_split"]?.stringValue ?? "?"
        var text = "tuned by quarry tune \(rec.target) on \(tuneSplit)"
        if let check = rec.report["check_split"]?.stringValue, let v = rec.report["check"]?["metrics"]?[rec.target.split(separator: "=").first.map(String.init) ?? ""]?.doubleValue {
            text += " (\(check): \(NumberText.fixedPadded(v, decimals: 4)))"
        }
        return text + ", " + rec.createdAt
    }

    static func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : JSONValue.format(d) }
}
