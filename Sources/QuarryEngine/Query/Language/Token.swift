/// A position in a statement: 1-based line and column (in characters), and the offset.
public struct SourceLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var offset: Int  // in Characters from the start of the statement
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}

/// Tokens of the statement language (SQL-flavoured; keywords case-insensitive).
public enum TokenKind: Sendable, Equatable {
    case word(String)        // identifiers and keywords
    case string(String)      // 'single' or "double" quoted
    case number(Double, isInteger: Bool)
    case symbol(String)      // ( ) , ; = ^ [ ] . * < > etc.
    case end
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// The source text of the token.
    public var text: String

    var keyword: String? { if case let .word(w) = kind { return w.uppercased() } else { return nil } }

    var description: String {
        switch kind {
        case .end: return "end of statement"
        case .string: return "string \(text)"
        case .number: return "number \(text)"
        case let .word(w): return "'\(w)'"
        case let .symbol(s): return "'\(s)'"
        }
    }
}

/// A statement that does not parse: where, what was expected, what was found.
public struct QueryError: Error, Sendable, Equatable {
    public var message: String
    public var location: SourceLocation?
    /// The whole statement, to draw the caret under.
    public var source: String

    public init(_ message: String, at location: SourceLocation?, in source: String) {
        self.message = message
        self.location = location
        self.source = source
    }

    /// The error of the statement `piece` of `script`, placed in the script: its line and column
    /// counted from the script's start, the caret drawn under the script's line.
    public func placed(at piece: StatementScript.Piece, in script: String) -> QueryError {
        guard let loc = location else { return self }
        let moved = SourceLocation(line: loc.line + piece.line - 1, column: loc.line == 1 ? loc.column + piece.column - 1 : loc.column,
                                   offset: loc.offset)
        return QueryError(message, at: moved, in: script)
    }

    /// `line 2, column 8: expected LIMIT value, found 'x'` and the line with a caret under the spot.
    public var rendered: String {
        guard let loc = location else { return message }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let text = loc.line - 1 < lines.count ? String(lines[loc.line - 1]) : ""
        let caret = String(repeating: " ", count: max(0, loc.column - 1)) + "^"
        return "line \(loc.line), column \(loc.column): \(message)\n  \(text)\n  \(caret)"
    }
}

/// Splits a statement into tokens; `--` starts a comment to the end of the line.
struct Lexer {
    static func tokens(_ source: String) throws(QueryError) -> [Token] {
        var out: [Token] = []
        let chars = Array(source)
        var i = 0, line = 1, column = 1
        func location() -> SourceLocation { SourceLocation(line: line, column: column, offset: i) }
        func advance(_ n: Int = 1) {
            for _ in 0..<n where i < chars.count {
                if chars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
                i += 1
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { advance(); continue }
            if let end = Self.commentEnd(chars, at: i) { advance(end - i); continue }
            let start = location()
            if c == "'" || c == "\"" {
                let (value, end, closed) = Self.scanString(chars, at: i)
                advance(end - i)
                guard closed else { throw QueryError("unterminated string", at: start, in: source) }
                out.append(Token(kind: .string(value), location: start, text: String(chars[start.offset..<i])))
                continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber)
                || (c == "-" && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".") && Self.minusStartsNumber(out)) {
                var j = i + (c == "-" ? 1 : 0)
                var isInteger = true
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E"
                                          || ((chars[j] == "-" || chars[j] == "+") && (chars[j - 1] == "e" || chars[j - 1] == "E"))) {
                    if !chars[j].isNumber { isInteger = false }
                    j += 1
                }
                let text = String(chars[i..<j])
                guard let v = Double(text) else { throw QueryError("malformed number '\(text)'", at: start, in: source) }
                guard v.isFinite else { throw QueryError("number '\(text)' is out of range (beyond ±1.8e308)", at: start, in: source) }
                advance(j - i)
                out.append(Token(kind: .number(v, isInteger: isInteger), location: start, text: text))
                continue
            }
            if c.isLetter || c == "_" || c == "$" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "$") { j += 1 }
                let text = String(chars[i..<j])
                advance(j - i)
                out.append(Token(kind: .word(text), location: start, text: text))
                continue
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            if ["<=", ">=", "!=", "<>", "==", "&&", "||", "=>"].contains(two) {
                advance(2)
                out.append(Token(kind: .symbol(two), location: start, text: two))
                continue
            }
            advance()
            out.append(Token(kind: .symbol(String(c)), location: start, text: String(c)))
        }
        out.append(Token(kind: .end, location: location(), text: ""))
        return out
    }

    /// Where a `--` comment starting at `i` ends (the newline, or the end); nil when none starts there.
    static func commentEnd(_ chars: [Character], at i: Int) -> Int? {
        guard chars[i] == "-", i + 1 < chars.count, chars[i + 1] == "-" else { return nil }
        var j = i
        while j < chars.count && chars[j] != "\n" { j += 1 }
        return j
    }

    /// The string whose quote (' or ") is at `i`: its value (a doubled quote or a backslash
    /// before the quote or a backslash stands for that character), the index after its closing
    /// quote, and whether it was closed before the end.
    static func scanString(_ chars: [Character], at i: Int) -> (value: String, end: Int, closed: Bool) {
        let quote = chars[i]
        var j = i + 1
        var value = ""
        while j < chars.count {
            if chars[j] == quote {
                if j + 1 < chars.count && chars[j + 1] == quote { value.append(quote); j += 2; continue }  // '' escapes '
                return (value, j + 1, true)
            }
            if chars[j] == "\\" && j + 1 < chars.count && (chars[j + 1] == quote || chars[j + 1] == "\\") {
                value.append(chars[j + 1]); j += 2; continue
            }
            value.append(chars[j])
            j += 1
        }
        return (value, j, false)
    }

    /// A '-' begins a negative number after an operator or an opening bracket, not after a value.
    static func minusStartsNumber(_ previous: [Token]) -> Bool {
        guard let last = previous.last else { return true }
        switch last.kind {
        case .number, .string, .word: return false
        case let .symbol(s): return s != ")" && s != "]"
        case .end: return true
        }
    }
}
