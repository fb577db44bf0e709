import QuarryBase

/// One node of a filter's plan: what ran, with which index, how selective it was expected to
/// be and how selective it was. Selectivities are fractions of the whole collection.
public struct FilterPlanNode: Sendable, Equatable {
    /// `Bitmap And`, `Bitmap Or`, `Bitmap Not`, `Path Index Scan`, `Row Scan`, `Constant`.
    public var operation: String
    /// The condition of this node, as text.
    public var expression: String
    /// The indexed path the node read, if any.
    public var index: String?
    /// What was read from the index: `range [2010, +inf)`, `value "utils"`, `prefix "lib"` ….
    public var detail: String?
    public var estimatedSelectivity: Double
    public var estimatedRows: Int
    /// Nil when the node never ran (an earlier branch of an `and` left no candidates).
    public var actualRows: Int?
    public var actualSelectivity: Double?
    /// Records the node evaluated one by one (0 for pure index nodes).
    public var rowsExamined: Int
    public var children: [FilterPlanNode]

    public init(operation: String, expression: String, index: String? = nil, detail: String? = nil,
                estimatedSelectivity: Double, estimatedRows: Int, actualRows: Int? = nil,
                actualSelectivity: Double? = nil, rowsExamined: Int = 0, children: [FilterPlanNode] = []) {
        self.operation = operation
        self.expression = expression
        self.index = index
        self.detail = detail
        self.estimatedSelectivity = estimatedSelectivity
        self.estimatedRows = estimatedRows
        self.actualRows = actualRows
        self.actualSelectivity = actualSelectivity
        self.rowsExamined = rowsExamined
        self.children = children
    }

    /// The plan as text, one node per line in the style of PostgreSQL's EXPLAIN ANALYZE:
    /// ```
    /// Bitmap And  (est sel=0.0139 rows=139) (actual sel=0.0128 rows=128)
    ///   ->  Path Index Scan on metadata.category  (value "books")  (est sel=0.0500 rows=500) (actual sel=0.0500 rows=500)
    ///         Filter: metadata.category == "books"
    ///   ->  Row Scan  (est sel=0.2500 rows=2500) (actual sel=0.0128 rows=128)
    ///         Filter: metadata.title like "%a%"
    ///         Rows examined: 500
    /// ```
    /// With `analyzed` false (EXPLAIN without running), only the estimates are shown.
    public func renderText(analyzed: Bool = true) -> String {
        var lines: [String] = []
        render(into: &lines, depth: 0, analyzed: analyzed)
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], depth: Int, analyzed: Bool) {
        let pad = depth == 0 ? "" : String(repeating: " ", count: 6 * (depth - 1) + 2) + "->  "
        let detailPad = String(repeating: " ", count: depth == 0 ? 2 : 6 * depth + 2)
        var head = operation
        if let index { head += " on \(index)" }
        if let detail { head += "  (\(detail))" }
        head += "  (est sel=\(FilterPlanNode.fraction(estimatedSelectivity)) rows=\(estimatedRows))"
        if let actualRows, let actualSelectivity {
            head += " (actual sel=\(FilterPlanNode.fraction(actualSelectivity)) rows=\(actualRows))"
        } else if analyzed {
            head += " (never executed)"
        }
        lines.append(pad + head)
        if children.isEmpty || operation == "Bitmap Not" { lines.append(detailPad + "Filter: \(expression)") }
        if rowsExamined > 0 { lines.append(detailPad + "Rows examined: \(rowsExamined)") }
        for c in children { c.render(into: &lines, depth: depth + 1, analyzed: analyzed) }
    }

    static func fraction(_ x: Double) -> String {
        let scaled = (x * 10_000).rounded()
        let whole = Int(scaled) / 10_000, frac = Int(scaled) % 10_000
        let digits = String(frac)
        return "\(whole)." + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// The same tree as JSON (for `--json`).
    public var jsonValue: JSONValue {
        var m: [JSONMember] = [JSONMember("operation", .string(operation)), JSONMember("expression", .string(expression))]
        if let index { m.append(JSONMember("index", .string(index))) }
        if let detail { m.append(JSONMember("detail", .string(detail))) }
        m.append(JSONMember("estimated_selectivity", .double(estimatedSelectivity)))
        m.append(JSONMember("estimated_rows", .int(Int64(estimatedRows))))
        m.append(JSONMember("actual_selectivity", actualSelectivity.map { .double($0) } ?? .null))
        m.append(JSONMember("actual_rows", actualRows.map { .int(Int64($0)) } ?? .null))
        m.append(JSONMember("rows_examined", .int(Int64(rowsExamined))))
        if !children.isEmpty { m.append(JSONMember("children", .array(children.map(\.jsonValue)))) }
        return .object(m)
    }
}
