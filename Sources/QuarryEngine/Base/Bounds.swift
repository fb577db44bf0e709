/// The bounds that input from people obeys, declared once (DESIGN.md, Reliability: parsers bound
/// their nesting; numbers from users go through checked conversions).
///
/// - The statement parser and the filter parser stop at `nesting` levels, the JSON parser at
///   `documentNesting`, with "nested deeper than N" at the spot, instead of recursing until the
///   stack runs out. SQLite's `SQLITE_MAX_EXPR_DEPTH` (1000) and Elasticsearch's bool-query
///   depth are bounds of the same kind; 256 is far beyond what a person writes and well within
///   what the recursive stages after parsing (lowering, planning, execution) can follow on a
///   worker thread's stack.
/// - A number becomes an `Int` only through `integer(_:in:)`, which refuses what is not a whole
///   number, not finite, or outside the range, so `Int(1e30)` can never trap.
public enum Bounds {
    /// The deepest nesting a statement or filter accepts: parentheses, lists, calls, unary minus.
    public static let nesting = 256

    /// The deepest nesting of a JSON document (a record's metadata, a snapshot's parameters):
    /// data is allowed deeper than what people type.
    public static let documentNesting = 512

    /// The words of a too-deep error: `nested deeper than 256`.
    public static func nestingMessage(_ limit: Int = nesting) -> String { "nested deeper than \(limit)" }

    /// `value` as an `Int` when it is a whole number inside `range`; nil otherwise (NaN,
    /// infinities, fractions, and anything beyond the range, however large).
    public static func integer(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard value.isFinite, value == value.rounded(), let i = Int(exactly: value), range.contains(i) else { return nil }
        return i
    }

    /// `value` when it is finite and inside `range`; nil otherwise.
    public static func real(_ value: Double, in range: ClosedRange<Double>) -> Double? {
        guard value.isFinite, range.contains(value) else { return nil }
        return value
    }

    /// A range written for messages: `1 to 100000`.
    public static func text(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound) to \(range.upperBound)" }
}
