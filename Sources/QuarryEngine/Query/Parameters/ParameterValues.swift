/// Values of parameters by name over the registry's defaults: what a statement's `WITH`, an
/// evaluation, a sweep point or the TUI's parameters pane sets. A value is checked against its
/// declaration when set; reading a parameter that was not set gives its default.
public struct ParameterValues: Sendable, Equatable {
    /// The values set, by canonical name.
    public private(set) var given: [String: ParamValue] = [:]

    public init() {}

    /// Values from `WITH`-style pairs, each checked.
    public init(_ pairs: [String: ParamValue]) throws(EngineError) {
        for (name, value) in pairs.sorted(by: { $0.key < $1.key }) { try set(name, value) }
    }

    /// The value of `name`: as set, else its default.
    public func value(_ name: String) -> ParamValue {
        let p = Parameters.named(name)
        return given[p?.name ?? name] ?? p?.defaultValue ?? .number(0)
    }

    public func number(_ name: String) -> Double { value(name).doubleValue ?? 0 }
    /// A whole number through the one checked conversion (values were checked when set).
    public func integer(_ name: String) -> Int { Bounds.integer(number(name), in: Int.min...Int.max) ?? 0 }
    public func word(_ name: String) -> String { value(name).stringValue }
    public func flag(_ name: String) -> Bool { value(name) == .bool(true) }

    public func isGiven(_ name: String) -> Bool { given[Parameters.named(name)?.name ?? name] != nil }

    /// Sets a parameter after checking it; unknown names get "did you mean".
    public mutating func set(_ name: String, _ value: ParamValue) throws(EngineError) {
        let p = try Parameters.require(name)
        given[p.name] = try p.validated(value)
    }

    /// Sets a parameter from text (`ef=64` in the REPL, a CLI flag).
    public mutating func set(_ name: String, parsing text: String) throws(EngineError) {
        let p = try Parameters.require(name)
        given[p.name] = try p.parse(text)
    }

    /// Sets a parameter and what it implies (a sweep point: `weight` also means weighted fusion).
    public mutating func apply(_ name: String, _ value: ParamValue) throws(EngineError) {
        let p = try Parameters.require(name)
        given[p.name] = try p.validated(value)
        for (other, v) in p.implies { given[other] = v }
    }

    public mutating func remove(_ name: String) { given[Parameters.named(name)?.name ?? name] = nil }

    /// One step up or down of `name` (the TUI's ←/→), kept in range.
    public mutating func step(_ name: String, up: Bool) {
        guard let p = Parameters.named(name) else { return }
        given[p.name] = p.stepped(value(p.name), up: up)
    }

    /// `self` with `other`'s values on top.
    public func merging(_ other: ParameterValues) -> ParameterValues {
        var out = self
        out.given.merge(other.given) { $1 }
        return out
    }

    /// The values a SEARCH statement's `WITH` carries: the session settings among them (what the
    /// planner reads by name), as set.
    public var statementOverrides: [String: ParamValue] {
        given.filter { Parameters.named($0.key)?.isSetting == true }
    }

    /// The fusion these values describe: auto (the collection's tuned fusion, resolved by the
    /// planner), RRF with `rrf_k`, or the weighted sum of scores normalized by `normalize` with
    /// `weight` for the lexical branch and 1 − weight for the vector one.
    public var fusion: FusionSpec {
        switch word("fusion") {
        case "weighted":
            return .weighted(weights: [number("weight"), 1 - number("weight")], normalize: Normalization(rawValue: word("normalize")) ?? .minmax)
        case "rrf": return .rrf(k: number("rrf_k"))
        default: return .auto
        }
    }

    /// Sets the values that describe `spec` (`--fuse 'weighted(0.3) NORMALIZE dbsf'`).
    public mutating func set(fusion spec: FusionSpec) throws(EngineError) {
        switch spec {
        case .auto: try set("fusion", .string("auto"))
        case let .rrf(k):
            try set("fusion", .string("rrf"))
            try set("rrf_k", .number(k))
        case let .weighted(w, n):
            try set("fusion", .string("weighted"))
            try set("weight", .number(w.first ?? 0.5))
            try set("normalize", .string(n.rawValue))
        }
    }
}
