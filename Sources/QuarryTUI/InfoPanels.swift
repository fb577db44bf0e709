import Foundation

/// EXPLAIN ANALYZE of the hybrid statement, scrollable.
final class PlanPanel: Panel {
    let title = "plan"
    let context = KeyContext.panes
    let hint = "↑/↓ PgUp/PgDn: scroll the plan · Tab: next pane · q: quit"
    private unowned let workspace: Workspace
    private var scroller = Scroller()
    private var lastPage = 1
    private var lastCount = 0

    init(workspace: Workspace) { self.workspace = workspace }

    func lines(width: Int) -> [String] {
        guard let o = workspace.outcome else { return ["EXPLAIN ANALYZE of the hybrid query appears here."] }
        let plan = o.plan.map { $0.render(analyze: true, width: width).split(separator: "\n").map(String.init) } ?? []
        return plan + o.planFooter
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "plan · EXPLAIN ANALYZE hybrid", focused: focused)
        let inner = rect.inner
        let all = lines(width: inner.width)
        lastPage = inner.height
        lastCount = all.count
        scroller.offset = min(scroller.offset, max(0, all.count - inner.height))
        for (i, l) in all.dropFirst(scroller.offset).prefix(inner.height).enumerated() {
            canvas.put(inner.y + i, inner.x, l, width: inner.width, l.hasPrefix("(no plan") ? .error : .normal)
        }
    }

    func handle(_ key: Key) -> KeyResult {
        guard let a = Bindings.action(key, in: .panes), scroller.apply(a, lines: lastCount, page: lastPage) else { return .ignored }
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

    func rows() -> [(String, [String])] {
        let w = workspace
        var rows: [(String, [String])] = []
        for p in [50.0, 95, 99] {
            rows.append(("p\(Int(p)) ms", w.latencies.map { Self.number(Measures.percentile($0, p)) }))
        }
        let o = w.outcome
        rows.append(("R@10 ex", Branch.allCases.map { Self.number(o?.branches[$0.rawValue].recallExact, recall: true) }))
        if o?.fromSet != nil {
            rows.append(("R@10 qr", Branch.allCases.map { Self.number(o?.branches[$0.rawValue].recallQrels, recall: true) }))
            rows.append(("nDCG@10", Branch.allCases.map { Self.number(o?.branches[$0.rawValue].ndcg, recall: true) }))
        }
        return rows
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "metrics · \(workspace.runs) run\(workspace.runs == 1 ? "" : "s")", focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        let cell = max(5, min(8, (inner.width - 8) / 3))
        canvas.put(inner.y, inner.x, Cells.fit("", 8) + Branch.allCases.map { Cells.right($0.short, cell) }.joined(), width: inner.width, .title)
        for (i, r) in rows().prefix(inner.height - 1).enumerated() {
            canvas.put(inner.y + 1 + i, inner.x, Cells.fit(r.0, 8, ellipsis: false) + r.1.map { Cells.right($0, cell) }.joined(), width: inner.width)
        }
        if let set = workspace.outcome?.fromSet, inner.height > rows().count + 1 {
            canvas.put(inner.y + rows().count + 1, inner.x, "query \(set.query.id)", width: inner.width, .muted)
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

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        canvas.box(rect, title: "parameters", focused: focused)
        let inner = rect.inner
        for (i, d) in Params.definitions.enumerated() where i < inner.height {
            let isSelected = i == selected
            let text = (isSelected ? "▸ " : "  ") + Cells.fit(d.name, 6, ellipsis: false) + Cells.right(workspace.params.formatted(i), 6)
            canvas.line(inner.y + i, inner.x, text, width: inner.width, isSelected && focused ? .selection : .normal)
        }
        let helpRow = Params.definitions.count
        if helpRow < inner.height {
            let help = Params.definitions[selected].help
            for (j, l) in Cells.wrap(help, inner.width).prefix(inner.height - helpRow).enumerated() {
                canvas.put(inner.y + helpRow + j, inner.x, l, width: inner.width, .muted)
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
