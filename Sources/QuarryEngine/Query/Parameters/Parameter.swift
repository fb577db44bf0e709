import Foundation

/// One tunable of the engine, declared once: its name (the same in `SET`, `WITH`, sweeps, the
/// TUI's parameters pane and the JSON of runs), its type, default, range, how a person steps it,
/// the values a sweep tries, its help, and which part of a search it changes.
///
/// Every front end reads these declarations: `SET`/`SHOW` (the parameters marked `isSetting`),
/// the REPL's `.eval`/`.sweep` words, the CLI's flags (their help and checks), the TUI's
/// parameters pane (range, step, choice labels) and the sweep and tune operations (sweep values,
/// the evaluation mode a parameter implies). Adding a parameter is one entry in
/// `Parameters.all`; the planner then reads it by name through `Settings`/`ParameterValues`.
public struct Parameter: Sendable, Equatable {
    /// The type of a parameter's values.
    public enum Kind: Sendable, Equatable {
        /// A whole number (ef, nprobe, k).
        case integer
        /// A real number (k1, b, a weight).
        case real
        /// One of a few words (an algorithm, a fusion); the first is listed first.
        case choice([String])
        /// true or false.
        case flag
    }

    /// Which part of a search a parameter changes. A sweep of a parameter evaluates the mode its
    /// scope implies (lexical: bm25, vector: vector, fusion: hybrid).
    public enum Scope: String, Sendable, Equatable {
        case lexical, vector, filter, fusion, results, analysis, evaluation
    }

    /// How a person steps a number: by adding or by multiplying (ef doubles and halves).
    public enum Step: Sendable, Equatable {
        case add(Double)
        case multiply(Double)
    }

    public let name: String
    public let kind: Kind
    public let defaultValue: ParamValue
    /// The values accepted (numbers only), inclusive.
    public let range: ClosedRange<Double>?
    public let step: Step?
    /// What a sweep of this parameter tries when no values are given (the TUI's `s` key);
    /// empty: not swept.
    public let sweepValues: [ParamValue]
    public let help: String
    public let scope: Scope
    /// A session setting: `SET name = …`, `SHOW`, `RESET`.
    public let isSetting: Bool
    /// Other spellings accepted where a parameter is named (`algorithm` for `bm25_algorithm`).
    public let aliases: [String]
    /// What setting this parameter in a sweep sets with it: a fusion weight means weighted fusion.
    public let implies: [String: ParamValue]

    public init(_ name: String, _ kind: Kind, default defaultValue: ParamValue, range: ClosedRange<Double>? = nil, step: Step? = nil,
                sweep: [ParamValue] = [], scope: Scope, setting: Bool = false, aliases: [String] = [], implies: [String: ParamValue] = [:],
                help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.range = range
        self.step = step
        self.sweepValues = sweep
        self.help = help
        self.scope = scope
        self.isSetting = setting
        self.aliases = aliases
        self.implies = implies
    }

    /// The metric a sweep of this parameter is judged by: recall against the exact answer for a
    /// vector search parameter, nDCG@10 against the judgements otherwise.
    public var sweepMetric: String { scope == .vector ? "recall@10" : "ndcg@10" }

    /// What kind of value it takes, in words: `number`, `whole number`, `word`, `true/false`.
    public var kindDescription: String {
        switch kind {
        case .integer: return "whole number"
        case .real: return "number"
        case let .choice(words): return words.joined(separator: ", ")
        case .flag: return "true/false"
        }
    }

    /// Checks `value` against the kind and range; the value as stored (a choice lowercased, an
    /// alias of a choice such as `in_index` for `in_graph` kept as written).
    public func validated(_ value: ParamValue) throws(EngineError) -> ParamValue {
        switch (kind, value) {
        case (.integer, let .number(d)):
            guard d == d.rounded() else { throw .badParameter("\(name) takes a whole number, not \(value)") }
            return try inRange(value, d)
        case (.real, let .number(d)):
            return try inRange(value, d)
        case (let .choice(words), let .string(s)):
            let w = s.lowercased()
            guard words.contains(w) || Self.choiceAliases[name]?[w] != nil else {
                throw .badParameter("unknown \(name) '\(s)' (expected \(Self.list(words)))"
                    + (Suggest.nearest(to: w, in: words).map { "; did you mean \($0)?" } ?? ""))
            }
            return .string(w)
        case (.flag, .bool):
            return value
        default:
            throw .badParameter("\(name) takes a \(kindDescription), not '\(value)'")
        }
    }

    private func inRange(_ value: ParamValue, _ d: Double) throws(EngineError) -> ParamValue {
        if let range, !range.contains(d) {
            throw .badParameter("\(name) must be between \(ParamValue.number(range.lowerBound)) and \(ParamValue.number(range.upperBound)), not \(value)")
        }
        return value
    }

    /// Reads a value written as text (`64`, `0.9`, `bmw`, `on`) by this parameter's kind.
    public func parse(_ text: String) throws(EngineError) -> ParamValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .integer, .real:
            guard let d = Double(t), d.isFinite else { throw .badParameter("\(name) takes a \(kindDescription), not '\(text)'") }
            return try validated(.number(d))
        case .choice:
            return try validated(.string(t))
        case .flag:
            switch t.lowercased() {
            case "true", "on", "1", "yes": return .bool(true)
            case "false", "off", "0", "no": return .bool(false)
            default: throw .badParameter("\(name) takes true or false, not '\(text)'")
            }
        }
    }

    /// The value one step up or down from `value` (a choice moves to its neighbour), kept in range.
    public func stepped(_ value: ParamValue, up: Bool) -> ParamValue {
        switch (kind, value) {
        case (let .choice(words), let .string(s)):
            let i = words.firstIndex(of: s) ?? 0
            return .string(words[min(words.count - 1, max(0, i + (up ? 1 : -1)))])
        case (.flag, let .bool(b)):
            return .bool(!b)
        case (_, let .number(v)):
            var x = v
            switch step {
            case let .multiply(f)?: x = (up ? x * f : x / f).rounded()
            case let .add(d)?: x += up ? d : -d
            case nil: return value
            }
            x = (x * 1000).rounded() / 1000
            if kind == .integer { x = x.rounded() }
            if let range { x = min(range.upperBound, max(range.lowerBound, x)) }
            return .number(x)
        default:
            return value
        }
    }

    /// Other words accepted for a choice, and what they mean.
    static let choiceAliases: [String: [String: String]] = ["filter_strategy": ["in_index": "in_graph"]]

    static func list(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
