import Foundation

/// One node of a physical plan, with its estimate and, once run, its actuals — rendered like
/// PostgreSQL's EXPLAIN ANALYZE (one node per line, `->` children, `Label: value` details,
/// `(never executed)` for pruned branches), or as JSON with the same content.
public struct PlanNode: Sendable {
    public var title: String
    public var estimatedRows: Int?
    /// Milliseconds from the statement's start to this node's first and last row.
    public var actualStartMs: Double?
    public var actualEndMs: Double?
    public var actualRows: Int?
    public var executed = false
    public var details: [(String, String)] = []
    public var children: [PlanNode] = []

    public init(_ title: String, estimatedRows: Int? = nil) {
        self.title = title
        self.estimatedRows = estimatedRows
    }

    public mutating func detail(_ label: String, _ value: String) { details.append((label, value)) }

    /// Applies `change` to the first node of the tree (depth first) whose title is `title`.
    @discardableResult
    mutating func updateFirst(titled title: String, _ change: (inout PlanNode) -> Void) -> Bool {
        if self.title == title { change(&self); return true }
        for i in children.indices where children[i].updateFirst(titled: title, change) { return true }
        return false
    }

    /// The tree as text, each line cut to `width` cells when given.
    public func render(analyze: Bool, width: Int? = nil) -> String {
        var lines: [String] = []
        render(into: &lines, depth: 0, analyze: analyze)
        guard let width else { return lines.joined(separator: "\n") }
        return lines.map { $0.count > width ? String($0.prefix(max(1, width - 1))) + "…" : $0 }.joined(separator: "\n")
    }

    private func render(into lines: inout [String], depth: Int, analyze: Bool) {
        let indent = depth == 0 ? "" : String(repeating: " ", count: 6 * (depth - 1) + 2) + "->  "
        let detailIndent = String(repeating: " ", count: depth == 0 ? 2 : 6 * depth + 2)
        var head = indent + title
        if let e = estimatedRows { head += "  (est rows=\(e))" }
        if analyze {
            if executed, let s = actualStartMs, let e = actualEndMs {
                head += String(format: " (actual time=%.3f..%.3f rows=%d)", s, e, actualRows ?? 0)
            } else if !executed {
                head += " (never executed)"
            }
        }
        lines.append(head)
        for (label, value) in details { lines.append(detailIndent + label + ": " + value) }
        for c in children { c.render(into: &lines, depth: depth + 1, analyze: analyze) }
    }

    public func json(analyze: Bool) -> JSONValue {
        var m: [JSONMember] = [JSONMember("node", .string(title))]
        if let e = estimatedRows { m.append(JSONMember("estimated_rows", .int(Int64(e)))) }
        if analyze {
            m.append(JSONMember("executed", .bool(executed)))
            if let s = actualStartMs { m.append(JSONMember("actual_start_ms", .double(s))) }
            if let e = actualEndMs { m.append(JSONMember("actual_end_ms", .double(e))) }
            if let r = actualRows { m.append(JSONMember("actual_rows", .int(Int64(r)))) }
        }
        if !details.isEmpty { m.append(JSONMember("details", .object(details.map { JSONMember($0.0, .string($0.1)) }))) }
        if !children.isEmpty { m.append(JSONMember("children", .array(children.map { $0.json(analyze: analyze) }))) }
        return .object(m)
    }
}
