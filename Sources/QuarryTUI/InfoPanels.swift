import Foundation
import QuarryConsole

/// EXPLAIN ANALYZE of the hybrid statement, scrollable.
final class PlanPanel: Panel {
    let title = "plan"
    let context = KeyContext.panes
    let hint = "↑/↓ PgUp/PgDn: scroll the plan · Tab: next pane · q: quit"
    private unowned let workspace: Workspace
    private var scroller = Scroller()

    init(workspace: Workspace) { self.workspace = workspace }

    func lines(width: Int) -> [String] {
        guard let o = workspace.outcome else { return ["EXPLAIN ANALYZE of the hybrid query appears here."] }
        let plan = o.plan.map { $0.render(analyze: true, width: width).split(separator: "\n").map(String.init) } ?? []
        return plan + o.planFooter
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "plan · EXPLAIN ANALYZE hybrid", focused: focused)
        let inner = rect.inner
        for (i, l) in scroller.visible(lines(width: inner.width), height: inner.height).enumerated() {
            canvas.put(inner.y + i, inner.x, l, width: inner.width, l.hasPrefix("(no plan") ? .error : .normal)
        }
    }

    func handle(_ key: Key) -> KeyResult {
        guard let a = Bindings.action(key, in: .panes), scroller.apply(a) else { return .ignored }
        return .done
    }
}

/// Latency percentiles over the session's runs, recall@10 per branch, nDCG@10 for query-set queries.
final class MetricsPanel: Panel {
    let title = "metrics"
    let context = KeyContext.panes
    let hint = "p50/p95/p99 over this session's runs · R@10 exact: vs FLAT · Tab: next pane"
    private unowned let workspace: Workspace

    init(workspace: Workspace) { self.workspace = workspace }

    static func number(_ v: Double?, recall: Bool = false) -> String {
        guard let v else { return "–" }
        if recall { return String(format: "%.2f", v) }
        return v < 10 ? String(format: "%.2f", v) : v < 100 ? String(format: "%.1f", v) : String(Int(v.rounded()))
    }

    /// The rows, each with whether it may be left out when the pane is short.
    func rows() -> [(label: String, values: [String], optional: Bool)] {
        let w = workspace
        var rows: [(label: String, values: [String], optional: Bool)] = []
        for p in [50.0, 95, 99] {
            rows.append(("p\(Int(p)) ms", w.latencies.map { $0.count == 0 ? "–" : Self.number($0.percentileMs(p)) }, false))
        }
        let o = w.outcome
        rows.append(("R@10 ex", w.branches.map { b in
            let v = o?.branches[b.rawValue].recallExact
            return v == nil && o?.exactPending == true && b != .lexical ? "…" : Self.number(v, recall: true)
        }, false))
        rows.append(("dist", w.branches.map { b in o?.branches[b.rawValue].work.map { String($0) } ?? "–" }, true))
        let judging = w.grades?.made == true && w.grades?.text == o?.query
        if o?.fromSet != nil || judging {
            rows.append(("R@10 qr", w.branches.map { Self.number(o?.branches[$0.rawValue].recallQrels, recall: true) }, false))
            rows.append(("nDCG@10", w.branches.map { Self.number(o?.branches[$0.rawValue].ndcg, recall: true) }, false))
        }
        if judging {
            rows.append(("judged", w.branches.map { Self.number(o?.branches[$0.rawValue].judged, recall: true) }, false))
        }
        if w.branches.contains(.remote) {
            rows.append(("ovl@10", w.branches.map { Self.number(o?.branches[$0.rawValue].overlap, recall: true) }, false))
            rows.append(("rbo@10", w.branches.map { Self.number(o?.branches[$0.rawValue].rbo, recall: true) }, true))
        }
        return rows
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "metrics · \(workspace.runs) run\(workspace.runs == 1 ? "" : "s")", focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        let cell = max(5, min(8, (inner.width - 8) / workspace.branches.count))
        canvas.put(inner.y, inner.x, DisplayWidth.fit("", 8) + workspace.branches.map { DisplayWidth.right($0.short, cell) }.joined(), width: inner.width, .title)
        var all = rows()
        while all.count > inner.height - 1, let i = all.lastIndex(where: { $0.optional }) { all.remove(at: i) }
        for (i, r) in all.prefix(inner.height - 1).enumerated() {
            canvas.put(inner.y + 1 + i, inner.x, DisplayWidth.fit(r.label, 8, ellipsis: false) + r.values.map { DisplayWidth.right($0, cell) }.joined(), width: inner.width)
        }
        if let g = workspace.grades, g.text == workspace.outcome?.query, inner.height > all.count + 1 {
            canvas.put(inner.y + all.count + 1, inner.x, "set \(g.set) · \(g.queryID) · \(g.grades.count) graded", width: inner.width, .muted)
        } else if let set = workspace.outcome?.fromSet, inner.height > all.count + 1 {
            canvas.put(inner.y + all.count + 1, inner.x, "query \(set.query.id)", width: inner.width, .muted)
        }
    }

    func handle(_ key: Key) -> KeyResult { .ignored }
}

/// The tunable parameters: ↑/↓ select, ←/→ change the value and re-run the query.
final class ParamsPanel: Panel {
    let title = "parameters"
    let context = KeyContext.parameters
    let hint = "↑/↓ select · ←/→ change and re-run · Tab: next pane · q: quit"
    private unowned let workspace: Workspace
    var selected = 0

    init(workspace: Workspace) { self.workspace = workspace }

    private var offset = 0

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "parameters", focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        let count = Params.definitions.count
        // All rows and the help when they fit; else a window that keeps the selected row in view.
        let listHeight = count + 1 <= inner.height ? count : min(count, inner.height)
        if selected < offset { offset = selected }
        if selected >= offset + listHeight { offset = selected - listHeight + 1 }
        offset = min(offset, max(0, count - listHeight))
        for row in 0..<listHeight {
            let i = offset + row
            let d = Params.definitions[i]
            let isSelected = i == selected
            var mark = isSelected ? "▸ " : "  "
            if row == 0 && offset > 0 { mark = isSelected ? "▸↑" : " ↑" }
            if row == listHeight - 1 && i < count - 1 { mark = isSelected ? "▸↓" : " ↓" }
            let text = mark + DisplayWidth.fit(d.name, 8, ellipsis: false) + DisplayWidth.right(workspace.params.formatted(i), max(1, inner.width - 10))
            canvas.line(inner.y + row, inner.x, text, width: inner.width, isSelected && focused ? .selection : .normal)
        }
        if listHeight < inner.height {
            let help = Params.definitions[selected].help
            for (j, l) in DisplayWidth.wrap(help, inner.width).prefix(inner.height - listHeight).enumerated() {
                canvas.put(inner.y + listHeight + j, inner.x, l, width: inner.width, .muted)
            }
        }
    }

    func handle(_ key: Key) -> KeyResult {
        if let a = Bindings.action(key, in: .parameters) {
            workspace.params.step(selected, up: a == .increase)
            workspace.rerun()
            return .done
        }
        switch Bindings.action(key, in: .panes) {
        case .up?: selected = max(0, selected - 1)
        case .down?: selected = min(Params.definitions.count - 1, selected + 1)
        default: return .ignored
        }
        return .done
    }
}
