import QuarryBase

/// A token of the filter language, with where it starts.
struct Token: Equatable {
    enum Kind: Equatable {
        case ident(String)
        case string(String)
        case int(Int64)
        case float(Double)
        /// Punctuation and operators: `== = != <> < <= > >= && || ! + - * / % ( ) [ ] , .`
        case symbol(String)
        case end
    }

    var kind: Kind
    var location: SourceLocation

    /// The lowercased word when this is an identifier (keywords are case-insensitive).
    var word: String? { if case let .ident(s) = kind { s.lowercased() } else { nil } }

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    func isWord(_ w: String) -> Bool { word == w }

    /// How the token is named in error messages.
    var shown: String {
        switch kind {
        case let .ident(s): return FilterLexer.keywords.contains(s.lowercased()) ? "'\(s)'" : "the name '\(s)'"
        case let .string(s): return "the string \(FilterExpr.literalText(.string(s)))"
        case let .int(i): return "the number \(i)"
        case let .float(d): return "the number \(JSONValue.format(d))"
        case let .symbol(s): return "'\(s)'"
        case .end: return "end of input"
        }
    }
}

/// Splits a filter into tokens. Both quote styles, backslash escapes, integers and floats.
struct FilterLexer {
    static let keywordList = ["and", "or", "not", "in", "like", "between", "is", "null", "true", "false", "exists"]
    static let keywords = Set(keywordList)

    private let scalars: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var lineStart = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokenize(_ text: String) throws(FilterError) -> [Token] {
        var lexer = FilterLexer(text)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private var here: SourceLocation { SourceLocation(line: line, column: i - lineStart + 1, offset: i) }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }

    private static func isIdentStart(_ s: Unicode.Scalar) -> Bool { s == "_" || s == "$" || s.properties.isAlphabetic }
    private static func isIdentPart(_ s: Unicode.Scalar) -> Bool { isIdentStart(s) || isDigit(s) }
    private static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

    mutating func next() throws(FilterError) -> Token {
        while let c = peek(), c.properties.isWhitespace {
            i += 1
            if c == "\n" { line += 1; lineStart = i }
        }
        let start = here
        guard let c = peek() else { return Token(kind: .end, location: start) }
        if FilterLexer.isIdentStart(c) {
            var s = String.UnicodeScalarView()
            while let d = peek(), FilterLexer.isIdentPart(d) { s.append(d); i += 1 }
            return Token(kind: .ident(String(s)), location: start)
        }
        if FilterLexer.isDigit(c) || (c == "." && peek(1).map(FilterLexer.isDigit) == true) {
            return try number(start)
        }
        if c == "\"" || c == "'" { return try string(quote: c, start) }
        let two = peek(1).map { String(c) + String($0) }
        if let two, ["==", "!=", "<>", "<=", ">=", "&&", "||"].contains(two) {
            i += 2
            return Token(kind: .symbol(two), location: start)
        }
        if "=<>!+-*/%()[],.".unicodeScalars.contains(c) {
            i += 1
            return Token(kind: .symbol(String(c)), location: start)
        }
        throw .unexpectedCharacter(Character(c), at: start)
    }

    private mutating func number(_ start: SourceLocation) throws(FilterError) -> Token {
        var text = ""
        var isFloat = false
        while let d = peek(), FilterLexer.isDigit(d) { text.unicodeScalars.append(d); i += 1 }
        if peek() == ".", peek(1).map(FilterLexer.isDigit) == true {
            isFloat = true
            text += "."
            i += 1
            while let d = peek(), FilterLexer.isDigit(d) { text.unicodeScalars.append(d); i += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let sign = peek(1), sign == "+" || sign == "-" { k = 2 }
            if let d = peek(k), FilterLexer.isDigit(d) {
                isFloat = true
                for _ in 0..<k { text.unicodeScalars.append(peek()!); i += 1 }
                while let d = peek(), FilterLexer.isDigit(d) { text.unicodeScalars.append(d); i += 1 }
            }
        }
        if let d = peek(), FilterLexer.isIdentStart(d) {
            while let d = peek(), FilterLexer.isIdentPart(d) { text.unicodeScalars.append(d); i += 1 }
            throw .invalidNumber(text, at: start)
        }
        if text.hasPrefix(".") { text = "0" + text }
        if !isFloat, let v = Int64(text) { return Token(kind: .int(v), location: start) }
        guard let d = Double(text), d.isFinite else { throw .invalidNumber(text, at: start) }
        return Token(kind: .float(d), location: start)
    }

    private mutating func string(quote: Unicode.Scalar, _ start: SourceLocation) throws(FilterError) -> Token {
        i += 1
        var s = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n" else { throw .unterminatedString(at: start) }
            i += 1
            if c == quote {
                // SQL spelling of a quote inside a string: doubled ('it''s').
                if peek() == quote { s.append(quote); i += 1; continue }
                return Token(kind: .string(String(s)), location: start)
            }
            guard c == "\\" else { s.append(c); continue }
            let escapeAt = SourceLocation(line: line, column: i - lineStart, offset: i - 1)
            guard let e = peek() else { throw .unterminatedString(at: start) }
            i += 1
            switch e {
            case "\\", "'", "\"", "/": s.append(e)
            case "n": s.append("\n")
            case "t": s.append("\t")
            case "r": s.append("\r")
            case "%", "_": s.append("\\"); s.append(e)  // kept for LIKE patterns
            case "u":
                var v: UInt32 = 0
                for _ in 0..<4 {
                    guard let h = peek(), let d = h.properties.numericType != nil ? UInt32(String(h)) : hexLetter(h) else {
                        throw .invalidEscape("u", at: escapeAt)
                    }
                    v = v * 16 + d
                    i += 1
                }
                guard let scalar = Unicode.Scalar(v) else { throw .invalidEscape("u", at: escapeAt) }
                s.append(scalar)
            default: throw .invalidEscape(String(e), at: escapeAt)
            }
        }
    }

    private func hexLetter(_ h: Unicode.Scalar) -> UInt32? {
        switch h {
        case "a"..."f": return h.value - 87
        case "A"..."F": return h.value - 55
        default: return nil
        }
    }
}
