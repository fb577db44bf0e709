import Foundation

/// Scripts of statements: where one statement ends, for the REPL's prompt (is what was typed
/// complete?) and for `quarry query -f` and `.read` (the statements of a file). A statement ends
/// at a `;` outside strings and comments, read by the statement lexer's own rules for both, so a
/// `;` in `'it\'s; fine'` or after `--` never ends one.
public enum StatementScript {
    /// True when `text` ends with a statement's `;` (only blanks and comments after it) and no
    /// string is left open.
    public static func isComplete(_ text: String) -> Bool {
        var complete = false
        var open = false
        scan(text) { event in
            switch event {
            case .semicolon: complete = true
            case .other: complete = false
            case .unterminated: open = true
            }
        }
        return complete && !open
    }

    /// The statements of a script, each with its text up to and including its `;`; pieces with
    /// only blanks and comments are dropped, and text after the last `;` is one more statement.
    public static func split(_ text: String) -> [String] { pieces(text).map(\.text) }

    /// A statement of a script and where its first character is in the script (1-based line and
    /// column), so an error in it can be placed in the script (`QueryError.placed`).
    public struct Piece: Sendable, Equatable {
        public var text: String
        public var line: Int
        public var column: Int
        public init(text: String, line: Int = 1, column: Int = 1) {
            self.text = text
            self.line = line
            self.column = column
        }
    }

    /// The statements of a script as `split` gives them, each with where it starts.
    public static func pieces(_ text: String) -> [Piece] {
        let chars = Array(text)
        var out: [Piece] = []
        var start = 0
        var significant = false
        // Positions are counted once, forward, as the pieces are found.
        var index = 0, line = 1, column = 1
        func piece(_ range: Range<Int>) {
            var first = range.lowerBound
            while first < range.upperBound && chars[first].isWhitespace { first += 1 }
            while index < first {
                if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
                index += 1
            }
            out.append(Piece(text: String(chars[range]).trimmingCharacters(in: .whitespacesAndNewlines), line: line, column: column))
        }
        scan(text) { event in
            switch event {
            case let .semicolon(at):
                if significant { piece(start..<(at + 1)) }
                start = at + 1
                significant = false
            case .other, .unterminated:
                significant = true
            }
        }
        if significant { piece(start..<chars.count) }
        return out
    }

    private enum Event {
        case semicolon(Int)
        case other
        case unterminated
    }

    /// Walks `text` as the lexer does, reporting each top-level `;`, anything else significant,
    /// and a string left open.
    private static func scan(_ text: String, _ report: (Event) -> Void) {
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if let end = Lexer.commentEnd(chars, at: i) { i = end; continue }
            if c == "'" || c == "\"" {
                let (_, end, closed) = Lexer.scanString(chars, at: i)
                report(closed ? .other : .unterminated)
                i = end
                continue
            }
            report(c == ";" ? .semicolon(i) : .other)
            i += 1
        }
    }
}
