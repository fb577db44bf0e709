import Foundation
import QuarryEngine

/// Search results in the shell's other modes: CSV (RFC 4180) and one field per line.
extension Render {
    /// Rows of a search result: header and cells (rank, id, score, branch ranks, title).
    static func hitRows(_ s: SearchResult, workbench: Workbench) -> (header: [String], rows: [[String]]) {
        let branchNames = ["bm25", "vector"].filter { name in s.hits.contains { $0.branches[name] != nil } }
        var header = ["rank", "id", "score"]
        if branchNames.count > 1 { header += branchNames.map { $0 + "_rank" } }
        header.append("title")
        let rows = s.hits.map { h -> [String] in
            var row = [String(h.rank), h.id, String(format: "%.4f", h.score)]
            if branchNames.count > 1 { row += branchNames.map { h.branches[$0].map { String($0.rank) } ?? "" } }
            row.append(title(h, workbench: workbench, collection: s.statement.collection))
            return row
        }
        return (header, rows)
    }

    public static func csv(_ r: StatementResult, workbench: Workbench) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func table(_ header: [String], _ rows: [[String]]) -> String {
            ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
        }
        switch r {
        case let .search(s): let t = hitRows(s, workbench: workbench); return table(t.header, t.rows)
        case let .settings(rows): return table(["setting", "value", "default", "meaning"], rows.map { [$0.name, $0.value, $0.isDefault ? "yes" : "no", $0.help] })
        default: return result(r, workbench: workbench, width: 200, color: false)
        }
    }

    /// One `name = value` line per field, long values wrapped under the value column.
    public static func lines(_ r: StatementResult, workbench: Workbench, width: Int) -> String {
        func records(_ header: [String], _ rows: [[String]]) -> String {
            let w = header.map { DisplayWidth.of($0) }.max() ?? 0
            return rows.map { row in
                zip(header, row).map { name, value in
                    let lead = DisplayWidth.pad(name, to: w, right: true) + " = "
                    return lead + DisplayWidth.wrap(value, max(20, width - w - 3)).joined(separator: "\n" + String(repeating: " ", count: w + 3))
                }.joined(separator: "\n")
            }.joined(separator: "\n\n")
        }
        switch r {
        case let .search(s): let t = hitRows(s, workbench: workbench); return records(t.header, t.rows)
        case let .settings(rows): return records(["setting", "value", "meaning"], rows.map { [$0.name, $0.value, $0.help] })
        default: return result(r, workbench: workbench, width: width, color: false)
        }
    }
}
