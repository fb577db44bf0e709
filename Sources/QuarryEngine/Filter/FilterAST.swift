import QuarryBase

/// A path into a record: `metadata.a.b`, `metadata["a"]["b"]`, `metadata.tags[0]`, `title`.
///
/// The first component is a top-level field of the record (`id`, `title`, `metadata`, …).
public struct FilterPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component]) { self.components = components }

    /// A path of keys only: `FilterPath("metadata", "year")`.
    public init(_ keys: String...) { components = keys.map(Component.key) }

    /// Parses the dotted spelling (`metadata.author.name`, `metadata.tags[0]`); nil when it is not one.
    public init?(dotted: String) {
        guard let parsed = try? FilterParser.parsePath(dotted) else { return nil }
        self = parsed
    }

    /// True when every component is a key (what a path index can serve).
    public var isKeyPath: Bool { components.allSatisfy { if case .key = $0 { true } else { false } } }

    /// The spelling used in plans and messages: `metadata.a.b`, `metadata["odd key"]`, `metadata.tags[0]`.
    public var description: String { spelled(wildcardIndexes: false) }

    /// The catalog spelling: array indexes become `[]` (`metadata.tags[]`).
    var catalogKey: String { spelled(wildcardIndexes: true) }

    private func spelled(wildcardIndexes: Bool) -> String {
        var out = ""
        for (i, c) in components.enumerated() {
            switch c {
            case let .key(k):
                if FilterPath.isPlainIdentifier(k) {
                    out += i == 0 ? k : "." + k
                } else {
                    var quoted = ""
                    JSONValue.writeString(k, to: &quoted)
                    out += i == 0 ? k : "[\(quoted)]"
                }
            case let .index(n): out += wildcardIndexes ? "[]" : "[\(n)]"
            }
        }
        return out
    }

    static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            && !FilterLexer.keywords.contains(s.lowercased())
    }

    /// The value at this path in `record`; nil when a key is missing or a step does not apply.
    /// Of duplicate keys the first wins.
    @inline(__always)
    public func resolve(in record: JSONValue) -> JSONValue? {
        resolve(in: record) { _, members, key in members.first(where: { $0.key == key })?.value }
    }

    /// The walk of `resolve(in:)` with the member lookup given: `member(depth, members, key)` is
    /// the value of `key` in the object met after `depth` components (`WideRecord` answers wide
    /// objects from a key map built once).
    @inline(__always)
    func resolve(in record: JSONValue, member: (_ depth: Int, _ members: [JSONMember], _ key: String) -> JSONValue?) -> JSONValue? {
        var current = record
        for (depth, c) in components.enumerated() {
            switch c {
            case let .key(k):
                guard case let .object(members) = current, let v = member(depth, members, k) else { return nil }
                current = v
            case let .index(i):
                guard case let .array(items) = current, items.indices.contains(i) else { return nil }
                current = items[i]
            }
        }
        return current
    }
}

public enum CompareOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="

    /// The same relation with the operands swapped (`3 < x` is `x > 3`).
    var swapped: CompareOp {
        switch self {
        case .eq, .ne: return self
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        }
    }
}

public enum ArithOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
}

/// How `json_contains*` / `array_contains*` match the array at a path.
public enum ContainsMode: String, Sendable {
    /// The array has an element equal to the value.
    case one = "json_contains"
    /// The array has an element equal to some value of the list.
    case any = "json_contains_any"
    /// The array has, for each value of the list, an element equal to it.
    case all = "json_contains_all"
}

/// A value inside a condition: a literal, a path, arithmetic or `array_length`.
public indirect enum ValueExpr: Equatable, Sendable, CustomStringConvertible {
    case literal(JSONValue)
    case path(FilterPath)
    case arith(ArithOp, ValueExpr, ValueExpr)
    case negate(ValueExpr)
    case arrayLength(ValueExpr)

    public var description: String {
        switch self {
        case let .literal(v): return FilterExpr.literalText(v)
        case let .path(p): return p.description
        case let .arith(op, l, r): return "(\(l) \(op.rawValue) \(r))"
        case let .negate(v): return "-\(v)"
        case let .arrayLength(v): return "array_length(\(v))"
        }
    }

    var pathOnly: FilterPath? { if case let .path(p) = self { p } else { nil } }
}

/// A parsed filter condition: the tree that both executors run.
///
/// The semantics are written once, on `FilterSemantics`.
public indirect enum FilterExpr: Equatable, Sendable, CustomStringConvertible {
    case and([FilterExpr])
    case or([FilterExpr])
    case not(FilterExpr)
    case constant(Bool)
    case compare(ValueExpr, CompareOp, ValueExpr)
    case inList(ValueExpr, [JSONValue])
    case like(ValueExpr, pattern: String)
    case isNull(ValueExpr)
    case exists(FilterPath)
    case contains(ValueExpr, [JSONValue], ContainsMode)
    /// `ST_CONTAINS(location, 'WKT')` …, `ST_DWITHIN(location, 'POINT(lon lat)', metres)` (GeometryFilter.swift).
    case geo(GeoCondition)
    /// `text_match(field, 'words')`, `phrase_match(field, 'words', slop)` (see `TextMatch`).
    case textMatch(TextMatch)

    public var description: String {
        switch self {
        case let .and(xs): return xs.map { $0.parenthesized }.joined(separator: " and ")
        case let .or(xs): return xs.map { $0.parenthesized }.joined(separator: " or ")
        case let .not(x): return "not \(x.parenthesized)"
        case let .constant(b): return b ? "true" : "false"
        case let .compare(l, op, r): return "\(l.bare) \(op.rawValue) \(r.bare)"
        case let .inList(v, list): return "\(v.bare) in [\(list.map(FilterExpr.literalText).joined(separator: ", "))]"
        case let .like(v, p): return "\(v.bare) like \(FilterExpr.literalText(.string(p)))"
        case let .isNull(v): return "\(v.bare) is null"
        case let .exists(p): return "exists \(p)"
        case let .contains(v, list, mode):
            let arg = mode == .one ? FilterExpr.literalText(list[0]) : "[\(list.map(FilterExpr.literalText).joined(separator: ", "))]"
            return "\(mode.rawValue)(\(v.bare), \(arg))"
        case let .geo(g): return g.description
        case let .textMatch(t): return t.description
        }
    }

    private var parenthesized: String {
        switch self {
        case .and, .or: return "(\(self))"
        default: return description
        }
    }

    static func literalText(_ v: JSONValue) -> String {
        if case let .string(s) = v {
            var out = ""
            JSONValue.writeString(s, to: &out)
            return out
        }
        return v.jsonText
    }

    /// Every path the condition reads.
    public var paths: [FilterPath] {
        var out: [FilterPath] = []
        func value(_ v: ValueExpr) {
            switch v {
            case .literal: break
            case let .path(p): out.append(p)
            case let .arith(_, l, r): value(l); value(r)
            case let .negate(x), let .arrayLength(x): value(x)
            }
        }
        func walk(_ e: FilterExpr) {
            switch e {
            case let .and(xs), let .or(xs): xs.forEach(walk)
            case let .not(x): walk(x)
            case .constant: break
            case let .compare(l, _, r): value(l); value(r)
            case let .inList(v, _), let .like(v, _), let .isNull(v), let .contains(v, _, _): value(v)
            case let .exists(p): out.append(p)
            case let .geo(g): out.append(g.path)
            case .textMatch: break
            }
        }
        walk(self)
        return out
    }
}

extension ValueExpr {
    /// Without the outer parentheses of arithmetic.
    var bare: String {
        if case let .arith(op, l, r) = self { return "\(l) \(op.rawValue) \(r)" }
        return description
    }
}
