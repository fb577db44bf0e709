import QuarryBase

/// A parsed, checked filter: what `quarry filter 'EXPR'` and `WHERE EXPR` run.
public struct FilterQuery: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let expr: FilterExpr

    /// Parses either spelling: Milvus (`==`, `&&`, `in [..]`, `metadata["a"]`) or SQL (`=`, `AND`,
    /// `IN (..)`, `BETWEEN`, `metadata.a.b`). With a `catalog`, a path that no record has is an
    /// error naming the nearest path that some record has.
    public static func parse(_ source: String, catalog: PathCatalog? = nil) throws(FilterError) -> FilterQuery {
        let tokens = try FilterLexer.tokenize(source)
        var parser = FilterParser(tokens: tokens)
        let node = try parser.parseTop()
        let expr = try Lowering(catalog: catalog).condition(node)
        return FilterQuery(source: source, expr: expr)
    }

    public init(source: String, expr: FilterExpr) {
        self.source = source
        self.expr = expr
    }

    public var description: String { expr.description }
}

/// The untyped tree the grammar produces; `Lowering` turns it into a `FilterExpr`.
indirect enum Syntax {
    case literal(JSONValue)
    case path(FilterPath)
    case list([Node])
    case call(String, [Node])
    case negate(Node)
    case not(Node)
    /// `and` or `or` over two or more operands: a chain `a and b and c` is one node, so its
    /// length costs no depth.
    case logical(String, [Node])
    /// A comparison (`==` …) or arithmetic (`+` …).
    case binary(String, Node, Node)
    case isNull(Node, negated: Bool)
    case inList(Node, Node, negated: Bool)
    case like(Node, Node, negated: Bool)
    case between(Node, Node, Node, negated: Bool)
    case exists(Node)
}

struct Node {
    var syntax: Syntax
    var location: SourceLocation
    /// The source text of the node, for messages.
    var text: String
    /// The depth of the tree under the node (1 for a leaf): what lowering and execution recurse
    /// through, bounded by `Bounds.nesting`.
    var depth: Int

    init(syntax: Syntax, location: SourceLocation, text: String) {
        self.syntax = syntax
        self.location = location
        self.text = text
        switch syntax {
        case .literal, .path: depth = 1
        case let .list(items), let .call(_, items), let .logical(_, items): depth = 1 + (items.map(\.depth).max() ?? 0)
        case let .negate(x), let .not(x), let .isNull(x, _), let .exists(x): depth = 1 + x.depth
        case let .binary(_, l, r), let .inList(l, r, _), let .like(l, r, _): depth = 1 + max(l.depth, r.depth)
        case let .between(x, l, h, _): depth = 1 + max(x.depth, l.depth, h.depth)
        }
    }
}

/// Recursive descent over the grammar (keywords case-insensitive):
/// ```
/// or        := and (("or" | "||") and)*
/// and       := not (("and" | "&&") not)*
/// not       := ("not" | "!")* predicate           (a pair of negations cancels: logic is two-valued)
/// predicate := "exists" additive
///            | additive [ cmp additive | "is" ["not"] "null"
///                       | ["not"] "in" list | ["not"] "like" additive
///                       | ["not"] "between" additive "and" additive ]
/// cmp       := "==" | "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
/// additive  := term (("+" | "-") term)*
/// term      := unary (("*" | "/" | "%") unary)*
/// unary     := "-" unary | primary
/// primary   := literal | list | name "(" args ")" | path | "(" or ")"
/// path      := name ("." name | "[" string "]" | "[" integer "]")*
/// list      := "[" [or ("," or)*] "]" | "(" [or ("," or)*] ")"
/// ```
/// Nesting (parentheses, lists, calls, unary minus, and the tree an arithmetic chain builds) is
/// bounded by `Bounds.nesting`: deeper input is an error at the spot, not a stack overflow.
struct FilterParser {
    let tokens: [Token]
    var k = 0
    /// How many nested constructs the parser is inside now.
    var nesting = 0

    init(tokens: [Token]) { self.tokens = tokens }

    var current: Token { tokens[k] }
    mutating func advance() -> Token { defer { if k < tokens.count - 1 { k += 1 } }; return tokens[k] }

    static func parsePath(_ text: String) throws(FilterError) -> FilterPath {
        var p = FilterParser(tokens: try FilterLexer.tokenize(text))
        let node = try p.primary()
        guard case let .path(path) = node.syntax, p.current.kind == .end else {
            throw .unexpected(found: p.current.shown, expected: "a path", at: p.current.location)
        }
        return path
    }

    func fail(_ expected: String) -> FilterError {
        .unexpected(found: current.shown, expected: expected, at: current.location)
    }

    /// Enters one more level of nesting at the current token; `leave()` when done.
    mutating func enter() throws(FilterError) {
        nesting += 1
        guard nesting <= Bounds.nesting else { throw .tooDeep(limit: Bounds.nesting, at: current.location) }
    }

    mutating func leave() { nesting -= 1 }

    /// `node` unless its tree is deeper than the bound (a long arithmetic chain): the error is at
    /// the operator that went past it.
    func bounded(_ node: Node, operator location: SourceLocation) throws(FilterError) -> Node {
        guard node.depth <= Bounds.nesting else { throw .tooDeep(limit: Bounds.nesting, at: location) }
        return node
    }

    mutating func parseTop() throws(FilterError) -> Node {
        guard current.kind != .end else { throw fail("a condition") }
        let node = try or()
        guard current.kind == .end else {
            throw fail(current.isSymbol(")") ? "no ')' here: the parentheses do not balance" : "'and', 'or' or the end of the filter")
        }
        return node
    }

    mutating func or() throws(FilterError) -> Node {
        try joined("or", "||") { parser throws(FilterError) in try parser.and() }
    }

    mutating func and() throws(FilterError) -> Node {
        try joined("and", "&&") { parser throws(FilterError) in try parser.not() }
    }

    /// Operands joined by one connective (its word or its symbol), read as one flat node.
    private mutating func joined(_ word: String, _ symbol: String,
                                 _ operand: (inout Self) throws(FilterError) -> Node) throws(FilterError) -> Node {
        let start = current.location
        var items = [try operand(&self)]
        while current.isWord(word) || current.isSymbol(symbol) {
            _ = advance()
            items.append(try operand(&self))
        }
        guard items.count > 1 else { return items[0] }
        return Node(syntax: .logical(word, items), location: start, text: items.map(\.text).joined(separator: " \(word) "))
    }

    /// A run of negations is read in a loop and an even number of them cancels, so `not`×5000
    /// costs linear time and no depth (conditions are two-valued: `not not c` is `c`).
    mutating func not() throws(FilterError) -> Node {
        let start = current.location
        var negations = 0
        while current.isWord("not") || current.isSymbol("!") {
            _ = advance()
            negations += 1
        }
        let inner = try predicate()
        guard negations % 2 == 1 else { return inner }
        return Node(syntax: .not(inner), location: start, text: "not " + inner.text)
    }

    static let comparisons: [String: String] = ["==": "==", "=": "==", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="]

    mutating func predicate() throws(FilterError) -> Node {
        let start = current.location
        if current.isWord("exists") {
            _ = advance()
            let operand = try additive()
            return Node(syntax: .exists(operand), location: start, text: "exists " + operand.text)
        }
        let left = try additive()
        if case let .symbol(s) = current.kind, let op = FilterParser.comparisons[s] {
            _ = advance()
            let right = try additive()
            return Node(syntax: .binary(op, left, right), location: start, text: "\(left.text) \(op) \(right.text)")
        }
        if current.isWord("is") {
            _ = advance()
            var negated = false
            if current.isWord("not") { _ = advance(); negated = true }
            guard current.isWord("null") else { throw fail(negated ? "'null'" : "'null' or 'not null'") }
            _ = advance()
            return Node(syntax: .isNull(left, negated: negated), location: start, text: left.text + (negated ? " is not null" : " is null"))
        }
        var negated = false
        if current.isWord("not") {
            _ = advance()
            negated = true
            guard current.isWord("in") || current.isWord("like") || current.isWord("between") else {
                throw fail("'in', 'like' or 'between' after 'not'")
            }
        }
        let neg = negated ? " not" : ""
        if current.isWord("in") {
            _ = advance()
            guard current.isSymbol("[") || current.isSymbol("(") else { throw fail("a list after 'in', as [..] or (..)") }
            let list = try self.list()
            return Node(syntax: .inList(left, list, negated: negated), location: start, text: "\(left.text)\(neg) in \(list.text)")
        }
        if current.isWord("like") {
            _ = advance()
            let pattern = try additive()
            return Node(syntax: .like(left, pattern, negated: negated), location: start, text: "\(left.text)\(neg) like \(pattern.text)")
        }
        if current.isWord("between") {
            _ = advance()
            let low = try additive()
            guard current.isWord("and") else { throw fail("'and' in 'between … and …'") }
            _ = advance()
            let high = try additive()
            return Node(syntax: .between(left, low, high, negated: negated), location: start,
                        text: "\(left.text)\(neg) between \(low.text) and \(high.text)")
        }
        return left
    }

    mutating func additive() throws(FilterError) -> Node {
        try leftAssociative(["+", "-"]) { parser throws(FilterError) in try parser.term() }
    }

    mutating func term() throws(FilterError) -> Node {
        try leftAssociative(["*", "/", "%"]) { parser throws(FilterError) in try parser.unary() }
    }

    /// Operands joined by operators of one precedence, grouped to the left: `a - b - c` is `(a - b) - c`.
    private mutating func leftAssociative(_ operators: [String],
                                          _ operand: (inout Self) throws(FilterError) -> Node) throws(FilterError) -> Node {
        let start = current.location
        var left = try operand(&self)
        while operators.contains(where: current.isSymbol) {
            let at = current.location
            guard case let .symbol(op) = advance().kind else { break }
            let right = try operand(&self)
            left = try bounded(Node(syntax: .binary(op, left, right), location: start, text: "\(left.text) \(op) \(right.text)"), operator: at)
        }
        return left
    }

    mutating func unary() throws(FilterError) -> Node {
        let start = current.location
        if current.isSymbol("-") {
            try enter()
            defer { leave() }
            _ = advance()
            let inner = try unary()
            return Node(syntax: .negate(inner), location: start, text: "-" + inner.text)
        }
        // A unary plus changes nothing: a run of them is skipped in a loop.
        while current.isSymbol("+") { _ = advance() }
        return try primary()
    }

    mutating func list() throws(FilterError) -> Node {
        let start = current.location
        try enter()
        defer { leave() }
        let close = current.isSymbol("[") ? "]" : ")"
        _ = advance()
        var items: [Node] = []
        if !current.isSymbol(close) {
            while true {
                items.append(try or())
                if current.isSymbol(",") { _ = advance(); continue }
                guard current.isSymbol(close) else { throw fail("',' or '\(close)'") }
                break
            }
        }
        _ = advance()
        let open = close == "]" ? "[" : "("
        return Node(syntax: .list(items), location: start, text: open + items.map(\.text).joined(separator: ", ") + close)
    }

    mutating func primary() throws(FilterError) -> Node {
        let t = current
        switch t.kind {
        case let .string(s): _ = advance(); return Node(syntax: .literal(.string(s)), location: t.location, text: t.shownLiteral)
        case let .int(i): _ = advance(); return Node(syntax: .literal(.int(i)), location: t.location, text: String(i))
        case let .float(d): _ = advance(); return Node(syntax: .literal(.double(d)), location: t.location, text: JSONValue.format(d))
        case .symbol("["): return try list()
        case .symbol("("):
            try enter()
            defer { leave() }
            _ = advance()
            guard current.kind != .end else { throw fail("a condition or a value after '('") }
            var inner = try or()
            guard current.isSymbol(")") else { throw fail("')'") }
            _ = advance()
            inner.text = "(\(inner.text))"
            inner.location = t.location
            return inner
        case let .ident(name):
            switch name.lowercased() {
            case "true": _ = advance(); return Node(syntax: .literal(.bool(true)), location: t.location, text: "true")
            case "false": _ = advance(); return Node(syntax: .literal(.bool(false)), location: t.location, text: "false")
            case "null": _ = advance(); return Node(syntax: .literal(.null), location: t.location, text: "null")
            case let w where FilterLexer.keywords.contains(w): throw fail("a value")
            default: break
            }
            _ = advance()
            if current.isSymbol("(") { return try call(name, at: t.location) }
            var components: [FilterPath.Component] = [.key(name)]
            while true {
                if current.isSymbol(".") {
                    _ = advance()
                    guard case let .ident(key) = current.kind else { throw fail("a key name after '.'") }
                    _ = advance()
                    components.append(.key(key))
                } else if current.isSymbol("[") {
                    _ = advance()
                    switch current.kind {
                    case let .string(key): components.append(.key(key))
                    case let .int(i) where i <= Int64(Int32.max): components.append(.index(Int(i)))
                    default: throw fail("a quoted key or an array index in '[ ]'")
                    }
                    _ = advance()
                    guard current.isSymbol("]") else { throw fail("']'") }
                    _ = advance()
                } else {
                    break
                }
            }
            let path = FilterPath(components)
            return Node(syntax: .path(path), location: t.location, text: path.description)
        default:
            throw fail("a value")
        }
    }

    mutating func call(_ name: String, at location: SourceLocation) throws(FilterError) -> Node {
        try enter()
        defer { leave() }
        _ = advance()  // (
        var args: [Node] = []
        if !current.isSymbol(")") {
            while true {
                args.append(try or())
                if current.isSymbol(",") { _ = advance(); continue }
                guard current.isSymbol(")") else { throw fail("',' or ')'") }
                break
            }
        }
        _ = advance()
        return Node(syntax: .call(name, args), location: location, text: "\(name)(\(args.map(\.text).joined(separator: ", ")))")
    }
}

extension Token {
    var shownLiteral: String {
        if case let .string(s) = kind { return FilterExpr.literalText(.string(s)) }
        return shown
    }
}
