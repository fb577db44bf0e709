import QuarryConsole
import QuarryEngine

/// The sweep view: one parameter swept over the query set (off the UI thread), its points as
/// quality against p50 latency in a braille plot with the Pareto frontier, and a table of the
/// points; Enter applies the selected point's value and re-runs the query.
final class SweepOverlay: ListOverlay {
    private unowned let workspace: Workspace

    init(workspace: Workspace) {
        self.workspace = workspace
        super.init()
    }

    override var title: String {
        guard let s = workspace.sweep else { return "sweep" }
        let state = s.done ? "" : " · running \(s.rows.count)/\(s.values.count)…"
        return "sweep of \(s.parameter) over the query set · \(s.metric) against p50 ms\(state)"
    }

    override var hint: String { "↑/↓ point · Enter: apply its value and re-run · Esc: close" }

    override func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let inner = frame(canvas, rect)
        guard let s = workspace.sweep else { return }
        if let e = s.error, s.rows.isEmpty {
            for (i, l) in DisplayWidth.wrap("The sweep failed: " + e, inner.width).prefix(inner.height).enumerated() {
                canvas.put(inner.y + i, inner.x, l, width: inner.width, .error)
            }
            return
        }
        let frontier = Set(paretoFrontier(s.rows, metric: s.metric))
        var table: [SelectableList.Line] = [
            .init(text: DisplayWidth.fit(s.parameter, 9) + DisplayWidth.right(s.metric, 10) + DisplayWidth.right("p50 ms", 9) + DisplayWidth.right("p95 ms", 9) + "  frontier", theme: .title)
        ]
        for (i, r) in s.rows.enumerated() {
            let q = r.metrics[s.metric].map { String(format: "%.3f", $0) } ?? "–"
            let p95 = r.latency.map { MetricsPanel.number($0.p95Ms) } ?? "–"
            table.append(.init(text: DisplayWidth.fit(r.setting.description.split(separator: "=").last.map(String.init) ?? "", 9) + DisplayWidth.right(q, 10)
                                  + DisplayWidth.right(MetricsPanel.number(r.p50Ms), 9) + DisplayWidth.right(p95, 9) + (frontier.contains(i) ? "  ★" : ""),
                               choice: i))
        }
        if !s.done { table.append(.init(text: "measuring \(s.parameter) = \(Self.text(s.values[min(s.rows.count, s.values.count - 1)]))…", theme: .muted)) }

        // The plot beside the table on wide screens, above it otherwise.
        let tableWidth = 50
        let side = inner.width >= tableWidth + 40
        let plotRect = side ? Rect(y: inner.y, x: inner.x, height: inner.height, width: inner.width - tableWidth - 2)
            : Rect(y: inner.y, x: inner.x, height: max(0, inner.height - table.count - 1), width: inner.width)
        let tableRect = side ? Rect(y: inner.y, x: inner.right - tableWidth, height: inner.height, width: tableWidth)
            : Rect(y: plotRect.bottom + (plotRect.height > 0 ? 1 : 0), x: inner.x, height: inner.bottom - plotRect.bottom - (plotRect.height > 0 ? 1 : 0), width: inner.width)
        if plotRect.height >= 6 && !s.rows.isEmpty {
            let plotRect = Rect(y: plotRect.y, x: plotRect.x, height: min(plotRect.height, 24), width: min(plotRect.width, 120))
            let plot = ParetoPlot.render(points: s.rows.map { (x: $0.p50Ms, y: $0.metrics[s.metric] ?? .nan) }, frontier: Array(frontier),
                                         width: max(8, plotRect.width - 10), height: max(2, plotRect.height - 4),
                                         xLabel: "p50 ms", yLabel: s.metric)
            for (i, l) in plot.prefix(plotRect.height).enumerated() {
                canvas.put(plotRect.y + i, plotRect.x, l, width: plotRect.width, .exact)
            }
        }
        list.draw(canvas, table, in: tableRect)
    }

    static func text(_ v: ParamValue) -> String { v.doubleValue.map(Params.text) ?? v.description }

    override var listContext: KeyContext { .sweep }
    override var choiceCount: Int { workspace.sweep?.rows.count ?? 0 }

    override func act(_ action: Action) -> KeyResult? {
        guard action == .open else { return nil }
        guard let s = workspace.sweep, s.rows.indices.contains(list.selected) else { return .handled }
        workspace.apply(parameter: s.parameter, value: s.values[list.selected])
        closed = true
        return .done
    }
}
