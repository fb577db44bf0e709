import Foundation
import QuarryEngine

/// Statement results as text (tables that fit, PostgreSQL-style plans) and as JSON.
extension Render {
    public static func result(_ r: StatementResult, workbench: Workbench, width: Int, color: Bool, timer: Bool = false) -> String {
        switch r {
        case let .search(s):
            return hits(s, workbench: workbench, width: width, color: color) + "\n" + Style.dim.apply(footer(s), enabled: color)
        case let .explain(s, analyze):
            var text = s.plan.render(analyze: analyze, width: width)
            text += String(format: "\nPlanning time: %.3f ms", s.planningMs)
            if analyze { text += String(format: "   Execution time: %.3f ms", s.executionMs) }
            return text
        case let .compare(a, b):
            return compare(a, b, workbench: workbench, width: width, color: color)
        case let .message(m):
            return m
        case let .settings(rows):
            return TextTable(columns: [.init("setting"), .init("value"), .init(""), .init("meaning")],
                             rows: rows.map { [$0.name, $0.value, $0.isDefault ? "" : "(set)", $0.help] }).render(width: width, color: color)
        }
    }

    static func footer(_ s: SearchResult) -> String {
        var parts = ["\(s.hits.count) hits", String(format: "planning %.3f ms, execution %.3f ms", s.planningMs, s.executionMs)]
        if !s.terms.isEmpty { parts.append("terms: " + s.terms.joined(separator: " ")) }
        return parts.joined(separator: " · ")
    }

    static func title(_ hit: ResultHit, workbench: Workbench, collection: String) -> String {
        hit.ordinal == UInt32.max ? "" : (try? workbench.title(collection: collection, ordinal: hit.ordinal)) ?? ""
    }

    public static func hits(_ s: SearchResult, workbench: Workbench, width: Int, color: Bool) -> String {
        let branchNames = ["bm25", "vector"].filter { name in s.hits.contains { $0.branches[name] != nil } }
        var columns: [TextTable.Column] = [.init("#", alignRight: true), .init("id"), .init("score", alignRight: true)]
        if branchNames.count > 1 { for b in branchNames { columns.append(.init(b, alignRight: true)) } }
        let grouped = s.statement.grouping != nil
        if grouped { columns.append(.init("group")) }
        // A ranked search shows each ranker's factor (the document view shows its input too).
        let rankerCount = s.statement.rankers.count
        for r in 0..<rankerCount { columns.append(.init(rankerCount == 1 ? "factor" : "factor \(r + 1)", alignRight: true)) }
        columns.append(.init("title"))
        let rows = s.hits.map { h -> [String] in
            var row = [String(h.rank), h.id, String(format: h.score < 1 && h.score > -1 ? "%.4f" : "%.3f", h.score)]
            if branchNames.count > 1 {
                for b in branchNames { row.append(h.branches[b].map { "\($0.rank)" } ?? "–") }
            }
            if grouped { row.append(h.group.map { if case let .string(t) = $0 { t } else { $0.jsonText } } ?? "") }
            for r in 0..<rankerCount { row.append(r < h.rankers.count ? String(format: "%.3f", h.rankers[r].factor) : "") }
            row.append(title(h, workbench: workbench, collection: s.statement.collection))
            return row
        }
        return TextTable(columns: columns, rows: rows).render(width: width, color: color)
    }

    static func compare(_ a: SearchResult, _ b: SearchResult, workbench: Workbench, width: Int, color: Bool) -> String {
        let rankA = Dictionary(a.hits.map { ($0.id, $0.rank) }, uniquingKeysWith: { x, _ in x })
        let n = max(a.hits.count, b.hits.count)
        var rows: [[String]] = []
        for i in 0..<n {
            let left = i < a.hits.count ? a.hits[i].id : ""
            var right = ""
            var move = ""
            if i < b.hits.count {
                right = b.hits[i].id
                if let r = rankA[right] { move = r == i + 1 ? "=" : (r > i + 1 ? "↑\(r - i - 1)" : "↓\(i + 1 - r)") } else { move = "new" }
            }
            rows.append([String(i + 1), left, right, move])
        }
        let overlap = Set(a.hits.map(\.id)).intersection(b.hits.map(\.id)).count
        return TextTable(columns: [.init("#", alignRight: true), .init("left"), .init("right"), .init("move")], rows: rows).render(width: width, color: color)
            + "\n" + Style.dim.apply(String(format: "overlap %d of %d · left %.3f ms · right %.3f ms", overlap, n, a.executionMs, b.executionMs), enabled: color)
    }

    /// The contract of `quarry query --json` (see `StatementResult.json`).
    public static func json(_ r: StatementResult) -> JSONValue { r.json }
}
