import Foundation

/// A table that fits the terminal: columns shrink (widest first) and cells are cut with "…".
///
/// ```
/// name     records  text_fields
/// ───────  ───────  ───────────
/// scifact    5,183  title, text
/// ```
public struct TextTable {
    public struct Column {
        public var title: String
        public var alignRight: Bool
        public init(_ title: String, alignRight: Bool = false) {
            self.title = title
            self.alignRight = alignRight
        }
    }

    public var columns: [Column]
    public var rows: [[String]]

    public init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public init(_ titles: [String], rows: [[String]] = []) {
        self.init(columns: titles.map { Column($0) }, rows: rows)
    }

    /// The table's lines, each at most `width` cells wide.
    public func render(width: Int, color: Bool = false) -> String {
        let gap = 2
        var widths = columns.map { DisplayWidth.of($0.title) }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], DisplayWidth.of(cell.replacingOccurrences(of: "\n", with: " ")))
            }
        }
        let minWidth = 3
        var total = widths.reduce(0, +) + gap * max(0, widths.count - 1)
        while total > width {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > minWidth else { break }
            widths[widest] -= 1
            total -= 1
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, w) in widths.enumerated() {
                let raw = i < cells.count ? cells[i].replacingOccurrences(of: "\n", with: " ") : ""
                let cut = DisplayWidth.truncate(raw, to: w)
                parts.append(DisplayWidth.pad(cut, to: w, right: columns[i].alignRight))
            }
            var s = parts.joined(separator: String(repeating: " ", count: gap))
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out: [String] = []
        out.append(Style.header.apply(line(columns.map(\.title)), enabled: color))
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: String(repeating: " ", count: gap)))
        for row in rows { out.append(line(row)) }
        return out.joined(separator: "\n")
    }
}

/// Formats numbers for people: thousands separators, short durations and sizes.
public enum Human {
    public static func count(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }

    public static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }

    public static func seconds(_ s: Double) -> String {
        if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
        if s < 1 { return String(format: "%.2f ms", s * 1e3) }
        if s < 120 { return String(format: "%.2f s", s) }
        return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }
}
