import QuarryBase

/// The paths seen in a collection's records, for "did you mean" and for completion.
///
/// Keys are spelled as `FilterPath.description` with array elements as `[]`:
/// `metadata.year`, `metadata.tags`, `metadata.tags[]`, `metadata.items[].name`.
public struct PathCatalog: Sendable, Equatable {
    /// Every path seen, sorted.
    public private(set) var paths: [String]
    private var set: Set<String>

    public init<S: Sequence>(_ paths: S) where S.Element == String {
        set = Set(paths)
        self.paths = set.sorted()
    }

    /// True when some record has `path` (array indexes match any element).
    public func contains(_ path: FilterPath) -> Bool { set.contains(path.catalogKey) }

    /// The seen path nearest to `path` by edit distance (only a plausible typo).
    public func suggestion(for path: FilterPath) -> String? {
        var limit = 2
        if case let .key(last)? = path.components.last { limit = max(2, last.unicodeScalars.count / 3) }
        return Suggest.nearest(to: path.description, in: paths.filter { !$0.hasSuffix("[]") }, limit: limit)
    }

    /// Adds every path of `record` (keys of objects, `[]` for array elements).
    mutating func add(record: JSONValue) {
        func walk(_ v: JSONValue, _ prefix: [FilterPath.Component]) {
            switch v {
            case let .object(members):
                for m in members {
                    let p = prefix + [.key(m.key)]
                    set.insert(FilterPath(p).catalogKey)
                    walk(m.value, p)
                }
            case let .array(items):
                guard !prefix.isEmpty else { return }
                for item in items {
                    let p = prefix + [.index(-1)]
                    set.insert(FilterPath(p).catalogKey)
                    walk(item, p)
                }
            default: break
            }
        }
        walk(record, [])
    }

    mutating func finish() { paths = set.sorted() }
}

/// The words of the filter language, for completion: keywords and function names, in the order
/// they are listed.
public enum FilterVocabulary {
    public static let keywords = FilterLexer.keywordList
    public static let functions = FilterFunction.allCases.map(\.rawValue) + GeoCondition.names
}

/// Functions the language knows, with their signatures for messages.
enum FilterFunction: String, CaseIterable {
    case jsonContains = "json_contains", jsonContainsAny = "json_contains_any", jsonContainsAll = "json_contains_all"
    case arrayContains = "array_contains", arrayContainsAny = "array_contains_any", arrayContainsAll = "array_contains_all"
    case arrayLength = "array_length"
    case exists = "exists"
    case textMatch = "text_match", phraseMatch = "phrase_match"

    var usage: String {
        switch self {
        case .jsonContains, .arrayContains: return "2 arguments (path, value)"
        case .jsonContainsAny, .jsonContainsAll, .arrayContainsAny, .arrayContainsAll: return "2 arguments (path, [values])"
        case .arrayLength, .exists: return "1 argument (path)"
        case .textMatch: return "2 arguments (text field, 'words')"
        case .phraseMatch: return "2 or 3 arguments (text field, 'words', slop)"
        }
    }

    var containsMode: ContainsMode? {
        switch self {
        case .jsonContains, .arrayContains: return .one
        case .jsonContainsAny, .arrayContainsAny: return .any
        case .jsonContainsAll, .arrayContainsAll: return .all
        default: return nil
        }
    }
}

/// Turns the untyped syntax into a `FilterExpr`, checking that conditions and values stand
/// where they belong, that functions exist, and (with a catalog) that paths occur. The probes
/// `exists p` and `p is [not] null` accept any path: on a path that no record has they answer
/// (no record, every record) instead of failing; every other use of an unknown path is an
/// error with a "did you mean".
struct Lowering {
    let catalog: PathCatalog?

    func condition(_ n: Node) throws(FilterError) -> FilterExpr {
        switch n.syntax {
        case let .logical(op, items):
            var parts: [FilterExpr] = []
            for item in items {
                // A parenthesized chain of the same operator joins this one: (a and b) and c.
                switch (try condition(item), op) {
                case let (.and(xs), "and"), let (.or(xs), "or"): parts.append(contentsOf: xs)
                case let (e, _): parts.append(e)
                }
            }
            return op == "and" ? .and(parts) : .or(parts)
        case let .not(x):
            return .not(try condition(x))
        case let .binary(op, l, r) where CompareOp(rawValue: op) != nil:
            return .compare(try value(l), CompareOp(rawValue: op)!, try value(r))
        case let .isNull(x, negated):
            // A probe: `p is null` on a path no record has is true everywhere (not an error);
            // it is how people ask whether a path exists.
            let e: FilterExpr
            if case let .path(p) = x.syntax { e = .isNull(.path(p)) } else { e = .isNull(try value(x)) }
            return negated ? .not(e) : e
        case let .inList(x, list, negated):
            let e = FilterExpr.inList(try value(x), try literals(list, context: "each element of an 'in' list"))
            return negated ? .not(e) : e
        case let .like(x, pattern, negated):
            guard case let .literal(.string(p)) = pattern.syntax else {
                throw .notALiteral(context: "the pattern of 'like'", found: pattern.text, at: pattern.location)
            }
            let e = FilterExpr.like(try value(x), pattern: p)
            return negated ? .not(e) : e
        case let .between(x, low, high, negated):
            let v = try value(x)
            let e = FilterExpr.and([.compare(v, .ge, try value(low)), .compare(v, .le, try value(high))])
            return negated ? .not(e) : e
        case let .exists(x):
            guard case let .path(p) = x.syntax else {
                throw .unexpected(found: x.text, expected: "a path after 'exists'", at: x.location)
            }
            // A probe: `exists p` on a path no record has is false everywhere (not an error).
            return .exists(p)
        case let .call(name, args):
            if let geo = try geoCondition(name, args, at: n.location) { return geo }
            let f = try function(name, at: n.location)
            if f == .exists {
                guard args.count == 1 else { throw .wrongArguments(function: f.rawValue, usage: f.usage, found: args.count, at: n.location) }
                return try condition(Node(syntax: .exists(args[0]), location: n.location, text: n.text))
            }
            if f == .textMatch || f == .phraseMatch { return .textMatch(try textMatch(f, args, at: n)) }
            guard let mode = f.containsMode else { throw .notACondition(found: n.text, at: n.location) }
            guard args.count == 2 else { throw .wrongArguments(function: f.rawValue, usage: f.usage, found: args.count, at: n.location) }
            let target = try value(args[0])
            if mode == .one {
                return .contains(target, [try literal(args[1], context: "the value of \(f.rawValue)")], .one)
            }
            guard case .list = args[1].syntax else {
                throw .notALiteral(context: "the second argument of \(f.rawValue)", found: args[1].text + " (expected a list [..])", at: args[1].location)
            }
            return .contains(target, try literals(args[1], context: "each element of the list"), mode)
        case let .literal(.bool(b)):
            return .constant(b)
        case .path:
            return .compare(try value(n), .eq, .literal(.bool(true)))
        default:
            throw .notACondition(found: n.text, at: n.location)
        }
    }

    func value(_ n: Node) throws(FilterError) -> ValueExpr {
        switch n.syntax {
        case let .literal(v): return .literal(v)
        case let .path(p):
            try check(p, at: n.location)
            return .path(p)
        case .list:
            return .literal(.array(try literals(n, context: "each element of a list")))
        case let .negate(x):
            let inner = try value(x)
            switch inner {
            case let .literal(.int(i)) where i != .min: return .literal(.int(-i))
            case let .literal(.double(d)): return .literal(.double(-d))
            default: return .negate(inner)
            }
        case let .binary(op, l, r) where ArithOp(rawValue: op) != nil:
            return .arith(ArithOp(rawValue: op)!, try value(l), try value(r))
        case let .call(name, args):
            let f = try function(name, at: n.location)
            guard f == .arrayLength else { throw .notAValue(found: n.text, at: n.location) }
            guard args.count == 1 else { throw .wrongArguments(function: f.rawValue, usage: f.usage, found: args.count, at: n.location) }
            return .arrayLength(try value(args[0]))
        default:
            throw .notAValue(found: n.text, at: n.location)
        }
    }

    /// `text_match(field, 'words')`, `phrase_match(field, 'words'[, slop])`: a text field by
    /// name (the BM25 index's fields), a quoted string, a whole slop (0 when left out).
    private func textMatch(_ f: FilterFunction, _ args: [Node], at n: Node) throws(FilterError) -> TextMatch {
        guard f == .textMatch ? args.count == 2 : (2...3).contains(args.count) else {
            throw .wrongArguments(function: f.rawValue, usage: f.usage, found: args.count, at: n.location)
        }
        guard case let .path(p) = args[0].syntax, p.components.count == 1, case let .key(field) = p.components[0] else {
            throw .unexpected(found: args[0].text, expected: "a text field name (title, text)", at: args[0].location)
        }
        guard case let .literal(.string(words)) = args[1].syntax else {
            throw .notALiteral(context: "the words of \(f.rawValue)", found: args[1].text + " (expected a quoted string)", at: args[1].location)
        }
        var slop: Int?
        if f == .phraseMatch {
            slop = 0
            if args.count == 3 {
                guard case let .literal(.int(v)) = args[2].syntax, TextMatch.slopRange.contains(Int(clamping: v)) else {
                    throw .notALiteral(context: "the slop of phrase_match", found: args[2].text + " (expected a whole number from 0 to 1000)", at: args[2].location)
                }
                slop = Int(v)
            }
        }
        return TextMatch(field: field, text: words, slop: slop)
    }

    private func function(_ name: String, at location: SourceLocation) throws(FilterError) -> FilterFunction {
        guard let f = FilterFunction(rawValue: name.lowercased()) else {
            throw .unknownFunction(name, suggestion: Suggest.nearest(to: name.lowercased(), in: FilterVocabulary.functions), at: location)
        }
        return f
    }

    private func literal(_ n: Node, context: String) throws(FilterError) -> JSONValue {
        switch n.syntax {
        case let .literal(v): return v
        case let .negate(x):
            if case let .literal(.int(i)) = x.syntax, i != .min { return .int(-i) }
            if case let .literal(.double(d)) = x.syntax { return .double(-d) }
        case .list: return .array(try literals(n, context: context))
        default: break
        }
        throw .notALiteral(context: context, found: n.text, at: n.location)
    }

    private func literals(_ n: Node, context: String) throws(FilterError) -> [JSONValue] {
        guard case let .list(items) = n.syntax else { return [try literal(n, context: context)] }
        var out: [JSONValue] = []
        for item in items { out.append(try literal(item, context: context)) }
        return out
    }

    private func check(_ p: FilterPath, at location: SourceLocation) throws(FilterError) {
        guard let catalog, !catalog.contains(p) else { return }
        throw .unknownPath(p.description, suggestion: catalog.suggestion(for: p), at: location)
    }
}
