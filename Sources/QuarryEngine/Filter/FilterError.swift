import QuarryBase

/// Where in a filter's text something is: 1-based line and column (in Unicode scalars).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// 0-based offset in Unicode scalars from the start of the text.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Why a filter was rejected. Turned into words in one place, `message`; tested from a table.
public enum FilterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A token that does not fit: `expected` names what would have.
    case unexpected(found: String, expected: String, at: SourceLocation)
    case unterminatedString(at: SourceLocation)
    case invalidEscape(String, at: SourceLocation)
    case invalidNumber(String, at: SourceLocation)
    case unexpectedCharacter(Character, at: SourceLocation)
    case unknownFunction(String, suggestion: String?, at: SourceLocation)
    /// `usage` is the function's signature, e.g. `json_contains(path, value)`.
    case wrongArguments(function: String, usage: String, found: Int, at: SourceLocation)
    /// A path that occurs in no record; `suggestion` is the nearest one that does.
    case unknownPath(String, suggestion: String?, at: SourceLocation)
    /// A value where a condition belongs, e.g. `metadata.year + 1` alone.
    case notACondition(found: String, at: SourceLocation)
    /// A condition where a value belongs, e.g. `(a > 1) + 2`.
    case notAValue(found: String, at: SourceLocation)
    /// Something else where only a literal may stand (lists, LIKE patterns, contains arguments).
    case notALiteral(context: String, found: String, at: SourceLocation)
    /// A geometry literal of an `ST_*` operator that GEOS refused, or of the wrong type.
    case invalidGeometry(String, at: SourceLocation)
    /// Parentheses, lists, calls or unary minus nested past `Bounds.nesting`.
    case tooDeep(limit: Int, at: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case let .unexpected(_, _, at), let .unterminatedString(at), let .invalidEscape(_, at),
            let .invalidNumber(_, at), let .unexpectedCharacter(_, at), let .unknownFunction(_, _, at),
            let .wrongArguments(_, _, _, at), let .unknownPath(_, _, at), let .notACondition(_, at),
            let .notAValue(_, at), let .notALiteral(_, _, at), let .tooDeep(_, at), let .invalidGeometry(_, at):
            return at
        }
    }

    /// What went wrong, without the location.
    public var message: String {
        switch self {
        case let .unexpected(found, expected, _):
            return "expected \(expected), found \(found)"
        case .unterminatedString:
            return "unterminated string: add the closing quote"
        case let .invalidEscape(e, _):
            return "invalid escape '\\\(e)' in a string (use \\\\, \\', \\\", \\n, \\t, \\r or \\uXXXX)"
        case let .invalidNumber(text, _):
            return "invalid number \(text)"
        case let .unexpectedCharacter(c, _):
            return "unexpected character '\(c)'"
        case let .unknownFunction(name, suggestion, _):
            return "unknown function \(name)" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case let .wrongArguments(function, usage, found, _):
            return "\(function) takes \(usage), found \(found) argument\(found == 1 ? "" : "s")"
        case let .unknownPath(path, suggestion, _):
            return "no record has the path \(path)" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case let .notACondition(found, _):
            return "expected a condition, found the value \(found)"
        case let .notAValue(found, _):
            return "expected a value, found the condition \(found)"
        case let .notALiteral(context, found, _):
            return "\(context) must be a literal, found \(found)"
        case let .tooDeep(limit, _):
            return Bounds.nestingMessage(limit)
        case let .invalidGeometry(message, _):
            return message
        }
    }

    /// `line 1, column 17: expected a value, found end of input`.
    public var description: String { "\(location): \(message)" }

    /// The message, the source line, and a caret under the spot:
    /// ```
    /// line 1, column 17: expected a value, found end of input
    ///   metadata.year >
    ///                   ^
    /// ```
    public func rendered(source: String) -> String {
        "\(description)\n" + FilterError.caret(source: source, at: location)
    }

    /// The line of `source` at `location`, indented by two spaces, with a caret line under it.
    public static func caret(source: String, at location: SourceLocation) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let line = location.line - 1 < lines.count ? String(lines[location.line - 1]) : ""
        let shown = String(line.map { $0 == "\t" ? " " : $0 })
        return "  \(shown)\n  " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
    }
}

