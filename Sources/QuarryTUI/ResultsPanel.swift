import Foundation
import QuarryConsole

/// The result columns side by side: lexical, vector, hybrid (and the remote backend's hybrid).
/// ←/→ pick a column, ↑/↓ a hit, Enter opens its document.
final class ResultsPanel: Panel {
    let title = "results"
    let context = KeyContext.results
    let hint = "↑/↓ hit · ←/→ column · 0-3: grade · u: undo · a: add to set · J: judge · t/T: save/compare tries · Enter: document · ?: help"
    private unowned let workspace: Workspace
    var column = 0
    var row = 0

    init(workspace: Workspace) { self.workspace = workspace }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let n = workspace.branches.count
        let w = rect.width / n
        for b in workspace.branches {
            let x = rect.x + b.rawValue * w
            let width = b.rawValue == n - 1 ? rect.width - (n - 1) * w : w
            drawColumn(canvas, b, Rect(y: rect.y, x: x, height: rect.height, width: width), focused: focused && column == b.rawValue)
        }
    }

    /// A column's latency with its leading digits: "12.3ms", "0.41ms", "0.004ms" (a vector search
    /// at a small ef can take a few microseconds, which one decimal showed as "0.0ms").
    static func milliseconds(_ ms: Double) -> String {
        String(format: ms >= 1 ? "%.1fms" : ms >= 0.1 ? "%.2fms" : "%.3fms", ms)
    }

    private func drawColumn(_ canvas: Canvas, _ branch: Branch, _ r: Rect, focused: Bool) {
        let o = workspace.outcome?.branches[branch.rawValue]
        var title = o?.title ?? branch.name
        if let o, o.error == nil { title += " " + Self.milliseconds(o.ms) }
        canvas.box(r, title: title, focused: focused)
        let inner = r.inner
        guard inner.width > 0, inner.height > 0 else { return }
        guard let o else {
            if branch == .lexical {
                for (i, l) in DisplayWidth.wrap("Type a query and press Enter.", inner.width).prefix(inner.height).enumerated() {
                    canvas.put(inner.y + i, inner.x, l, width: inner.width, .muted)
                }
            }
            return
        }
        if let e = o.error {
            for (i, l) in DisplayWidth.wrap(e, inner.width).prefix(inner.height).enumerated() {
                canvas.put(inner.y + i, inner.x, l, width: inner.width, .error)
            }
            return
        }
        if o.hits.isEmpty { canvas.put(inner.y, inner.x, "no hits", width: inner.width, .muted); return }
        let selected = focused ? min(row, o.hits.count - 1) : -1
        let first = max(0, selected - inner.height + 1)
        // Ids before titles: a narrow column shows whole ids and no title, a wide one both.
        let scoreWidth = o.hits.map { DisplayWidth.of(Self.score($0.score, compact: inner.width < 30)) }.max() ?? 5
        let room = max(3, inner.width - 11 - scoreWidth)
        let idWidth = min(o.hits.map { DisplayWidth.of($0.id) }.max() ?? 4, room <= 16 ? room : max(room / 3, min(12, room / 2)))
        for (i, h) in o.hits.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + i
            let isSelected = first + i == selected
            Self.line(canvas, h, y: y, x: inner.x, width: inner.width, idWidth: idWidth, selected: isSelected)
        }
    }

    /// A score in 4 significant digits or so; fewer in a narrow column (80 columns), where ids need the room.
    static func score(_ x: Double, compact: Bool) -> String {
        if compact {
            if x < 0.1 && x > 0 { return String(String(format: "%.4f", x).dropFirst()) }   // .0323: RRF scores differ there
            return String(format: x >= 10 ? "%.1f" : "%.2f", x)
        }
        return x < 0.1 && x > 0 ? String(format: "%.4f", x) : String(format: "%.3f", x)
    }

    /// `rank ✓◆↑n id title score`, fitted to `width` cells.
    static func line(_ canvas: Canvas, _ h: Hit, y: Int, x: Int, width: Int, idWidth: Int, selected: Bool) {
        let score = Self.score(h.score, compact: width < 30)
        var move = "  "
        var moveTheme = Theme.normal
        if let m = h.move, m != 0 { move = (m > 0 ? "↑" : "↓") + String(abs(m)); moveTheme = m > 0 ? .rankUp : .rankDown }
        else if h.isNew { move = "+"; moveTheme = .rankUp }
        let scoreWidth = DisplayWidth.of(score)
        let titleWidth = max(0, width - 2 - 1 - 2 - 3 - 1 - idWidth - 1 - 1 - scoreWidth)
        let base: Theme = selected ? .selection : .normal
        if selected { canvas.line(y, x, "", width: width, .selection) }
        var parts: [(String, Theme)] = [
            (DisplayWidth.right(String(h.rank), 2) + " ", base),
            Self.mark(h, selected: selected, base: base),
            (h.exact ? "◆" : " ", selected ? base : .exact),
            (DisplayWidth.fit(move, 3, ellipsis: false), selected ? base : moveTheme),
            (" " + DisplayWidth.fit(h.id, idWidth) + " ", base),
        ]
        if titleWidth >= 3 { parts.append((DisplayWidth.fit(h.title, titleWidth), selected ? base : .muted)) }
        else if titleWidth > 0 { parts.append((String(repeating: " ", count: titleWidth), base)) }
        parts.append((" " + score, base))
        canvas.spans(y, x, parts, width: width)
    }

    /// The judgement mark: the stored grade (0–3) when the query is being judged, `·` for an
    /// unjudged hit then, else ✓ for a hit the imported qrels call relevant.
    static func mark(_ h: Hit, selected: Bool, base: Theme) -> (String, Theme) {
        if let g = h.grade { return (String(g), selected ? base : g > 0 ? .relevant : .muted) }
        if h.unjudged { return ("·", selected ? base : .muted) }
        return (h.relevant ? "✓" : " ", selected ? base : .relevant)
    }

    var selectedHit: Hit? {
        guard let hits = workspace.outcome?.branches[column].hits, !hits.isEmpty else { return nil }
        return hits[min(row, hits.count - 1)]
    }

    func handle(_ key: Key) -> KeyResult {
        guard let action = Bindings.action(key, in: .results) ?? Bindings.action(key, in: .panes) else { return .ignored }
        let count = workspace.outcome?.branches[column].hits.count ?? 0
        switch action {
        case .decrease: column = (column + workspace.branches.count - 1) % workspace.branches.count
        case .increase: column = (column + 1) % workspace.branches.count
        case .up: row = max(0, min(row, count - 1) - 1)
        case .down: row = min(max(0, count - 1), row + 1)
        case .pageUp: row = max(0, row - 10)
        case .pageDown: row = min(max(0, count - 1), row + 10)
        case .top: row = 0
        case .bottom: row = max(0, count - 1)
        case .open:
            if let h = selectedHit { workspace.open(h) }
        case let .grade(g):
            if let h = selectedHit { workspace.grade(h, g) }
        default: return .ignored
        }
        return .done
    }
}
