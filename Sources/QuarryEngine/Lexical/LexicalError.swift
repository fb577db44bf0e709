import QuarryBase
import QuarryText

/// Everything that can go wrong in the lexical index, turned into words in one place.
public enum LexicalError: Error, Equatable, CustomStringConvertible {
    case unknownField(name: String, valid: [String], suggestion: String?)
    case noFields
    case duplicateField(String)
    case fieldCountMismatch(ordinal: UInt32, expected: Int, found: Int)
    case duplicateOrdinal(UInt32)
    case badFieldList(String)
    case invalidParameter(name: String, value: Float, expected: String)
    case analyzer(AnalyzerError)
    case parse(MatchParseError)
    case snapshot(BinaryError)
    case segment(SegmentError)

    public var description: String {
        switch self {
        case let .unknownField(name, valid, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "unknown text field '\(name)'\(hint); indexed fields: \(valid.joined(separator: ", "))"
        case .noFields:
            return "a lexical index needs at least one text field"
        case let .duplicateField(name):
            return "text field '\(name)' is listed twice"
        case let .fieldCountMismatch(ordinal, expected, found):
            return "record \(ordinal) has \(found) text fields; the index has \(expected)"
        case let .duplicateOrdinal(ordinal):
            return "record \(ordinal) is already indexed; delete it first to re-index it"
        case let .badFieldList(text):
            return "bad field list '\(text)': expected fields separated by commas, each with an optional ^boost (e.g. title^2,text)"
        case let .invalidParameter(name, value, expected):
            return "\(name) = \(value) is out of range: expected \(expected)"
        case let .analyzer(error):
            return error.description
        case let .parse(error):
            return "MATCH query: \(error.description)"
        case let .snapshot(error):
            return error.description
        case let .segment(error):
            return error.description
        }
    }
}
