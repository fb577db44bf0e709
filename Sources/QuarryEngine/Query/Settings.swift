import Foundation

/// Session settings changed with `SET name = value`, shown by `SHOW`, restored by `RESET`.
/// A `WITH (…)` clause overrides them for one statement. Each forces a planner choice or a
/// search parameter, so a teacher can show what the other choice would have cost.
public struct Settings: Sendable {
    public struct Definition: Sendable {
        public var name: String
        public var defaultValue: ParamValue
        public var help: String
    }

    public static let definitions: [Definition] = [
        Definition(name: "k1", defaultValue: .number(0.9), help: "BM25 term-frequency saturation"),
        Definition(name: "b", defaultValue: .number(0.4), help: "BM25 length normalization"),
        Definition(name: "bm25_algorithm", defaultValue: .string("auto"), help: "auto, bmw (block-max WAND), maxscore or exhaustive"),
        Definition(name: "bm25_query_tf", defaultValue: .string("count"), help: "count (a word the query repeats weighs its count, as Lucene) or distinct (once)"),
        Definition(name: "rm3", defaultValue: .bool(false), help: "RM3 pseudo-relevance feedback on every MATCH (EXPAND rm3 asks for one)"),
        Definition(name: "rm3_fb_docs", defaultValue: .number(10), help: "RM3 feedback documents (Anserini's fbDocs)"),
        Definition(name: "rm3_fb_terms", defaultValue: .number(10), help: "RM3 feedback terms (Anserini's fbTerms)"),
        Definition(name: "rm3_original_query_weight", defaultValue: .number(0.5), help: "RM3 weight of the original query (Anserini's originalQueryWeight)"),
        Definition(name: "ef", defaultValue: .number(64), help: "HNSW search breadth"),
        Definition(name: "nprobe", defaultValue: .number(16), help: "IVF lists searched"),
        Definition(name: "refine_k", defaultValue: .number(40), help: "RaBitQ/SQ8 candidates re-ranked on full vectors"),
        Definition(name: "filter_strategy", defaultValue: .string("auto"), help: "auto, in_graph, exact_scan or post_filter"),
        Definition(name: "window", defaultValue: .number(100), help: "hits each branch hands to fusion"),
        Definition(name: "rrf_k", defaultValue: .number(60), help: "RRF constant when FUSE rrf gives none, and of FUSE auto before a tuning"),
        Definition(name: "recall", defaultValue: .bool(true), help: "EXPLAIN ANALYZE computes recall against the exact answer"),
    ]

    var values: [String: ParamValue] = [:]

    public init() {}

    public func value(_ name: String) -> ParamValue? {
        values[name] ?? Self.definitions.first { $0.name == name }?.defaultValue
    }

    public func number(_ name: String, _ overrides: [String: ParamValue] = [:]) -> Double {
        (overrides[name] ?? value(name))?.doubleValue ?? 0
    }

    public func string(_ name: String, _ overrides: [String: ParamValue] = [:]) -> String {
        (overrides[name] ?? value(name))?.stringValue ?? ""
    }

    public mutating func set(_ name: String, _ value: ParamValue) throws {
        guard let def = Self.definitions.first(where: { $0.name == name }) else {
            throw EngineError.badParameter("unknown setting '\(name)'" + (Suggest.nearest(to: name, in: Self.definitions.map(\.name)).map { "; did you mean '\($0)'?" } ?? "")
                + " (SHOW lists them)")
        }
        switch (def.defaultValue, value) {
        case (.number, .number), (.string, .string), (.bool, .bool): values[name] = value
        default: throw EngineError.badParameter("setting '\(name)' takes a \(Self.kind(def.defaultValue)), not '\(value)'")
        }
    }

    public mutating func reset(_ name: String?) throws {
        guard let name else { values.removeAll(); return }
        guard Self.definitions.contains(where: { $0.name == name }) else { throw EngineError.badParameter("unknown setting '\(name)'") }
        values[name] = nil
    }

    public var all: [(name: String, value: ParamValue, isDefault: Bool, help: String)] {
        Self.definitions.map { ($0.name, values[$0.name] ?? $0.defaultValue, values[$0.name] == nil, $0.help) }
    }

    /// The value of setting `name` from its text (`rm3=on`, `bm25_query_tf=distinct`), of the
    /// setting's kind; an unknown name or a value of another kind is an error that says so.
    public static func value(_ name: String, text: String) throws -> ParamValue {
        guard let def = definitions.first(where: { $0.name == name }) else {
            throw EngineError.badParameter("unknown setting '\(name)'" + (Suggest.nearest(to: name, in: definitions.map(\.name)).map { "; did you mean '\($0)'?" } ?? "")
                + " (SHOW lists them)")
        }
        let t = text.trimmingCharacters(in: .whitespaces)
        switch def.defaultValue {
        case .number:
            guard let d = Double(t), d.isFinite else { throw EngineError.badParameter("setting '\(name)' takes a number, not '\(text)'") }
            return .number(d)
        case .bool:
            switch t.lowercased() {
            case "true", "on", "1", "yes": return .bool(true)
            case "false", "off", "0", "no": return .bool(false)
            default: throw EngineError.badParameter("setting '\(name)' takes true/false (on/off), not '\(text)'")
            }
        case .string:
            return .string(t)
        }
    }

    static func kind(_ v: ParamValue) -> String {
        switch v {
        case .number: return "number"
        case .string: return "word"
        case .bool: return "true/false"
        }
    }
}
