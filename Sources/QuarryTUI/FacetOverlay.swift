import QuarryConsole
import QuarryEngine

/// A list whose rows can be selected: the facet browser and the sweep view draw one.
struct SelectableList {
    struct Line {
        var text: String
        var theme: Theme = .normal
        /// Lines that can be selected carry an index into the caller's choices.
        var choice: Int?
    }

    var selected = 0
    var offset = 0

    /// Draws `lines` in `rect`, scrolled so that the selected choice is visible.
    mutating func draw(_ canvas: Canvas, _ lines: [Line], in rect: Rect) {
        let choices = lines.compactMap(\.choice)
        selected = choices.isEmpty ? 0 : min(max(0, selected), choices.count - 1)
        let at = lines.firstIndex { $0.choice == selected } ?? 0
        if at < offset { offset = at }
        if at >= offset + rect.height { offset = at - rect.height + 1 }
        offset = min(offset, max(0, lines.count - rect.height))
        for (i, l) in lines.dropFirst(offset).prefix(rect.height).enumerated() {
            let isSelected = l.choice != nil && l.choice == selected && !choices.isEmpty
            canvas.line(rect.y + i, rect.x, l.text, width: rect.width, isSelected ? .selection : l.theme)
        }
    }

    mutating func move(_ action: Action, count: Int, page: Int) -> Bool {
        guard let moved = action.moving(selected, last: max(0, count - 1), page: page) else { return false }
        selected = moved
        return true
    }
}

/// Horizontal bar of `value` out of `maximum` in `width` cells, with eighth blocks.
func bar(_ value: Int, of maximum: Int, width: Int) -> String {
    guard maximum > 0, width > 0 else { return "" }
    let eighths = Int((Double(value) / Double(maximum) * Double(width * 8)).rounded())
    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
}

/// The facet browser: the JSON paths of the metadata with their types and coverage; Enter opens
/// a path's top values and histogram, and Enter on a value or a bin adds it to the query's filter.
final class FacetOverlay: ListOverlay {
    private unowned let workspace: Workspace
    /// The opened path (an index into the report's facets), nil on the list of paths.
    private(set) var opened: Int?
    private var pathSelection = 0
    private enum Choice { case path(Int), value(JSONValue), bin(Int) }
    private var choices: [Choice] = []

    init(workspace: Workspace) {
        self.workspace = workspace
        super.init()
        workspace.requestFacets()
    }

    override var title: String {
        guard let r = workspace.facets else { return "facets" }
        if let i = opened { return "facet \(r.facets[i].path)" }
        let of = r.sampled < r.records ? " (first \(r.sampled) of \(r.records))" : ""
        return "facets · \(r.facets.count) JSON paths · \(r.sampled) records\(of)"
    }

    override var hint: String {
        opened == nil ? "↑/↓ path · Enter: values and histogram · Esc: close"
            : "↑/↓ value or bin · Enter: add as a filter and re-run · ←: paths · Esc: close"
    }

    private func lines(_ report: FacetReport, width: Int) -> [SelectableList.Line] {
        choices = []
        var out: [SelectableList.Line] = []
        func choice(_ c: Choice) -> Int { choices.append(c); return choices.count - 1 }
        let sampled = max(1, report.sampled)
        guard let i = opened else {
            if report.facets.isEmpty { return [.init(text: "The records have no metadata.", theme: .muted)] }
            let pathWidth = min(max(12, report.facets.map { DisplayWidth.of($0.path) }.max() ?? 12), max(12, width - 40))
            out.append(.init(text: DisplayWidth.fit("path", pathWidth) + "  " + DisplayWidth.fit("types", 20) + DisplayWidth.right("records", 9) + DisplayWidth.right("distinct", 10), theme: .title))
            for (j, f) in report.facets.enumerated() {
                let types = f.types.map(\.name).joined(separator: "|")
                let coverage = String(format: "%.0f %%", 100 * Double(f.records) / Double(sampled))
                out.append(.init(text: DisplayWidth.fit(f.path, pathWidth) + "  " + DisplayWidth.fit(types, 20) + DisplayWidth.right(coverage, 9)
                                    + DisplayWidth.right(f.distinct >= FacetSummary.distinctCap ? "≥\(f.distinct)" : String(f.distinct), 10),
                                 choice: choice(.path(j))))
            }
            return out
        }
        let f = report.facets[i]
        let total = max(1, f.types.reduce(0) { $0 + $1.count })
        out.append(.init(text: "types: " + f.types.map { "\($0.name) \(String(format: "%.0f", 100 * Double($0.count) / Double(total))) %" }.joined(separator: " · ")
                             + "   in \(f.records) of \(report.sampled) records", theme: .muted))
        out.append(.init(text: ""))
        if !f.top.isEmpty {
            out.append(.init(text: "top values (Enter adds a filter)", theme: .title))
            let valueWidth = min(30, max(8, f.top.map { DisplayWidth.of(Self.text($0.value)) }.max() ?? 8))
            let maximum = f.top.map(\.count).max() ?? 1
            let barWidth = max(4, width - valueWidth - 14)
            for v in f.top {
                out.append(.init(text: "  " + DisplayWidth.fit(Self.text(v.value), valueWidth) + DisplayWidth.right(String(v.count), 8) + "  " + bar(v.count, of: maximum, width: barWidth),
                                 choice: choice(.value(v.value))))
            }
            out.append(.init(text: ""))
        }
        if let h = f.histogram, h.counts.count > 1 {
            out.append(.init(text: "histogram of the numbers (Enter adds the range)", theme: .title))
            let labels = h.counts.indices.map { b -> String in
                let (lo, hi) = h.bounds(b)
                return "[\(Self.number(lo)), \(Self.number(hi))\(b == h.counts.count - 1 ? "]" : ")")"
            }
            let labelWidth = labels.map { DisplayWidth.of($0) }.max() ?? 10
            let maximum = h.counts.max() ?? 1
            let barWidth = max(4, width - labelWidth - 14)
            for (b, c) in h.counts.enumerated() {
                out.append(.init(text: "  " + DisplayWidth.fit(labels[b], labelWidth) + DisplayWidth.right(String(c), 8) + "  " + bar(c, of: maximum, width: barWidth),
                                 choice: choice(.bin(b))))
            }
        }
        return out
    }

    static func text(_ v: JSONValue) -> String { v.stringValue ?? v.jsonText }

    static func number(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e12 { return String(Int(d)) }
        return String(format: abs(d) >= 100 ? "%.1f" : "%.3g", d)
    }

    override func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let inner = frame(canvas, rect)
        guard let report = workspace.facets else {
            canvas.put(inner.y, inner.x, "reading the records' metadata…", width: inner.width, .muted)
            return
        }
        list.draw(canvas, lines(report, width: inner.width), in: inner)
    }

    override var listContext: KeyContext { .facets }
    override var choiceCount: Int { choices.count }

    override func act(_ action: Action) -> KeyResult? {
        switch action {
        case .decrease:
            if opened != nil { opened = nil; list = SelectableList(selected: pathSelection) }
            return .done
        case .open:
            guard let report = workspace.facets, choices.indices.contains(list.selected) else { return .handled }
            switch choices[list.selected] {
            case let .path(i):
                opened = i
                pathSelection = list.selected
                list = SelectableList()
            case let .value(v):
                apply(report.facets[opened!].filter(equalTo: v), path: report.facets[opened!].path)
            case let .bin(b):
                apply(report.facets[opened!].filter(bin: b), path: report.facets[opened!].path)
            }
            return .done
        default:
            return nil
        }
    }

    private func apply(_ filter: String?, path: String) {
        guard let filter else {
            workspace.status = "no filter can name the values of \(path) (an array of objects)"
            workspace.statusIsError = true
            return
        }
        guard !workspace.lastQuery.isEmpty else {
            workspace.status = "type a query first; the filter is added to it"
            workspace.statusIsError = true
            return
        }
        workspace.addFilter(filter)
        closed = true
    }
}
