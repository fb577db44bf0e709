import QuarryBase

/// What a filter means, written once; both executors implement exactly this.
///
/// Values
/// - A missing key, an index past the end of an array, or a step into a non-object /
///   non-array is **null**; JSON `null` is null too.
/// - Integers and floats are one kind, **number**, and compare numerically (two integers
///   exactly, otherwise as `Double`). Strings compare by Unicode **code point** (the order of
///   their UTF-8 bytes, as SQLite's BINARY collation), not by canonical equivalence: `"é"` and
///   `"e\u{301}"` differ. Bools are equal or not, never ordered. Arrays are `==`/`!=` element by
///   element with these rules; objects are never equal to anything.
///
/// Conditions are two-valued: every condition is true or false for every record.
/// - `a op b` (`==`, `!=`, `<`, `<=`, `>`, `>=`) is **false** when either side is null or the two
///   sides are of different kinds (as Milvus): `metadata.year != 2000` does not match a record
///   without `year`, nor one whose `year` is `"2000"`.
/// - Arithmetic `+ - * /` works on numbers (two integers give an integer; `/` of two integers
///   truncates toward zero); `%` needs two integers. Anything else, division by zero and
///   integer overflow give null, so the comparison around it is false.
/// - `x in [v…]` is `x == v1 or x == v2 …` (false for `[]`); `x between a and b` is
///   `x >= a and x <= b`; `x like 'p'` is true for a string matching the pattern
///   (`%` any run, `_` one character, `\` escapes; case-sensitive), false for anything else.
/// - `x is null` is true for null (so for missing keys); `exists p` is true when the key is
///   present, even with the value `null`.
/// - `json_contains(p, v)` (alias `array_contains`): p is an array with an element `== v`;
///   `json_contains_any(p, [..])`: with an element equal to one of the list (false for `[]`);
///   `json_contains_all(p, [..])`: with an element equal to each of the list (true for `[]` when
///   p is an array). `array_length(p)` is the element count of an array, otherwise null.
/// - **`not c` is the complement of `c`** over the collection, and every negated spelling is
///   `not` of the positive one: `not in`, `not like`, `not between`, `is not null`. So
///   `not (metadata.year > 2000)` and `metadata.year not in [2000]` match records without `year`,
///   while `metadata.year != 2000` does not. A bare boolean value `p` means `p == true`.
public enum FilterSemantics {
    /// Evaluates `expr` on one record.
    public static func matches(_ expr: FilterExpr, _ record: JSONValue) -> Bool {
        switch expr {
        case let .and(xs): return xs.allSatisfy { matches($0, record) }
        case let .or(xs): return xs.contains { matches($0, record) }
        case let .not(x): return !matches(x, record)
        case let .constant(b): return b
        case let .compare(l, op, r):
            guard let a = value(l, record), let b = value(r, record) else { return false }
            return compare(a, op, b)
        case let .inList(v, list):
            guard let a = value(v, record) else { return false }
            return list.contains { equal(a, $0) }
        case let .like(v, pattern):
            guard case let .string(s)? = value(v, record) else { return false }
            return LikePattern(pattern).matches(s)
        case let .isNull(v):
            return value(v, record) == nil
        case let .exists(p):
            return p.resolve(in: record) != nil
        case let .contains(v, list, mode):
            guard case let .array(items)? = value(v, record) else { return false }
            return contains(items, list, mode)
        case let .geo(g):
            return g.matches(record)
        case let .textMatch(t):
            return t.matches(record)
        }
    }

    static func contains(_ items: [JSONValue], _ list: [JSONValue], _ mode: ContainsMode) -> Bool {
        switch mode {
        case .one, .any: return list.contains { want in items.contains { equal($0, want) } }
        case .all: return list.allSatisfy { want in items.contains { equal($0, want) } }
        }
    }

    /// The value of `v` on `record`; nil stands for null.
    public static func value(_ v: ValueExpr, _ record: JSONValue) -> JSONValue? {
        switch v {
        case let .literal(x): return x == .null ? nil : x
        case let .path(p):
            guard let x = p.resolve(in: record), x != .null else { return nil }
            return x
        case let .arith(op, l, r):
            guard let a = value(l, record), let b = value(r, record) else { return nil }
            return arith(op, a, b)
        case let .negate(x):
            switch value(x, record) {
            case let .int(i)?: return i == .min ? nil : .int(-i)
            case let .double(d)?: return .double(-d)
            default: return nil
            }
        case let .arrayLength(x):
            guard case let .array(items)? = value(x, record) else { return nil }
            return .int(Int64(items.count))
        }
    }

    static func arith(_ op: ArithOp, _ a: JSONValue, _ b: JSONValue) -> JSONValue? {
        if case let .int(x) = a, case let .int(y) = b {
            switch op {
            case .add: let (r, o) = x.addingReportingOverflow(y); return o ? nil : .int(r)
            case .sub: let (r, o) = x.subtractingReportingOverflow(y); return o ? nil : .int(r)
            case .mul: let (r, o) = x.multipliedReportingOverflow(by: y); return o ? nil : .int(r)
            case .div: let (r, o) = x.dividedReportingOverflow(by: y); return o ? nil : .int(r)
            case .mod: let (r, o) = x.remainderReportingOverflow(dividingBy: y); return o ? nil : .int(r)
            }
        }
        guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
        let r: Double
        switch op {
        case .add: r = x + y
        case .sub: r = x - y
        case .mul: r = x * y
        case .div: guard y != 0 else { return nil }; r = x / y
        case .mod: return nil
        }
        return r.isFinite ? .double(r) : nil
    }

    /// `a op b` for two non-null values.
    public static func compare(_ a: JSONValue, _ op: CompareOp, _ b: JSONValue) -> Bool {
        switch op {
        case .eq: return equal(a, b)
        case .ne:
            guard sameKind(a, b) else { return false }
            return !equal(a, b)
        default:
            guard let c = order(a, b) else { return false }
            switch op {
            case .lt: return c < 0
            case .le: return c <= 0
            case .gt: return c > 0
            default: return c >= 0
            }
        }
    }

    static func sameKind(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double),
            (.string, .string), (.bool, .bool), (.array, .array):
            return true
        default: return false
        }
    }

    /// Equality of two values (numbers numerically, strings by code point, arrays element-wise).
    public static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.bool(x), .bool(y)): return x == y
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        default:
            guard let x = numeric(a), let y = numeric(b) else { return false }
            return x == y
        }
    }

    @inline(__always) static func numeric(_ v: JSONValue) -> Double? {
        switch v {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }

    /// -1, 0 or 1 for numbers and for strings; nil for any other pair.
    static func order(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.string(x), .string(y)): return compareCodePoints(x, y)
        default:
            guard let x = numeric(a), let y = numeric(b) else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }

    /// Code-point order, which is the order of UTF-8 bytes.
    @inline(__always) public static func compareCodePoints(_ x: String, _ y: String) -> Int {
        var i = x.utf8.makeIterator(), j = y.utf8.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (a?, b?): if a != b { return a < b ? -1 : 1 }
            }
        }
    }
}

/// A LIKE pattern: `%` matches any run of characters, `_` exactly one (a Unicode scalar),
/// `\` makes the next character literal. Case-sensitive.
struct LikePattern: Equatable {
    enum Piece: Equatable { case literal(Unicode.Scalar), one, any }
    let pieces: [Piece]

    init(_ pattern: String) {
        var out: [Piece] = []
        var escaped = false
        for s in pattern.unicodeScalars {
            if escaped { out.append(.literal(s)); escaped = false; continue }
            switch s {
            case "\\": escaped = true
            case "%": if out.last != .any { out.append(.any) }
            case "_": out.append(.one)
            default: out.append(.literal(s))
            }
        }
        if escaped { out.append(.literal("\\")) }
        pieces = out
    }

    /// The literal text every match starts with (what a sorted index can seek to).
    var literalPrefix: String {
        var s = String.UnicodeScalarView()
        for p in pieces { guard case let .literal(c) = p else { break }; s.append(c) }
        return String(s)
    }

    /// True when the pattern is `prefix%` (or exactly `prefix`): an index answers it alone.
    var isPrefixOnly: Bool {
        guard let k = pieces.firstIndex(where: { !isLiteral($0) }) else { return true }
        return pieces[k] == .any && k == pieces.count - 1
    }

    var isExact: Bool { pieces.allSatisfy(isLiteral) }

    private func isLiteral(_ p: Piece) -> Bool { if case .literal = p { true } else { false } }

    /// Greedy two-pointer matching with backtracking to the last `%` (linear in practice).
    func matches(_ text: String) -> Bool {
        let t = Array(text.unicodeScalars)
        var ti = 0, pi = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < pieces.count {
                switch pieces[pi] {
                case .any: star = pi; mark = ti; pi += 1; continue
                case .one: ti += 1; pi += 1; continue
                case let .literal(c) where c == t[ti]: ti += 1; pi += 1; continue
                default: break
                }
            }
            guard star >= 0 else { return false }
            pi = star + 1
            mark += 1
            ti = mark
        }
        while pi < pieces.count, pieces[pi] == .any { pi += 1 }
        return pi == pieces.count
    }
}
