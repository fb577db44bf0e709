import CNcursesw
import Foundation
import QuarryConsole
import QuarryEngine

/// The screen manager: owns the loop, the layout, the focus, resizing and drawing. Panels only
/// draw in the rectangles it gives them and answer keys with flags.
final class Screen {
    private let workspace: Workspace
    private let queryLine: QueryLinePanel
    private let results: ResultsPanel
    private let plan: PlanPanel
    private let metrics: MetricsPanel
    private let params: ParamsPanel
    /// Tab order.
    private let panes: [Panel]
    private var focus = 0
    private var overlay: Overlay?
    private var size = (rows: 0, cols: 0)

    init(workspace: Workspace) {
        self.workspace = workspace
        queryLine = QueryLinePanel(workspace: workspace)
        results = ResultsPanel(workspace: workspace)
        plan = PlanPanel(workspace: workspace)
        metrics = MetricsPanel(workspace: workspace)
        params = ParamsPanel(workspace: workspace)
        panes = [queryLine, results, plan, metrics, params]
        workspace.onQueryText = { [unowned queryLine] in queryLine.set($0) }
    }

    /// Runs until a key quits.
    func run() {
        workspace.runner.loadCatalog()
        var dirty = true
        while true {
            if collect() { dirty = true }
            let now = TerminalSession.size
            if now != size { size = now; _ = clear(); dirty = true }
            if dirty { draw(); dirty = false }
            guard let key = TerminalSession.readKey() else { continue }
            let r = dispatch(key)
            if r.contains(.quit) { return }
            if r.contains(.redraw) || key == .resize { dirty = true }
        }
    }

    /// Applies what the worker sent back; true when the screen changed.
    func collect() -> Bool {
        var changed = false
        for m in workspace.runner.inbox.drain() {
            workspace.receive(m)
            changed = true
        }
        if let d = workspace.document {
            workspace.document = nil
            overlay = DocumentOverlay(d, query: workspace.outcome?.query ?? "")
        }
        if workspace.judgePoolArrived {
            workspace.judgePoolArrived = false
            overlay = JudgeOverlay(workspace: workspace)
        }
        if workspace.tryPairArrived {
            workspace.tryPairArrived = false
            if !(overlay is TriesOverlay) { overlay = TriesOverlay(workspace: workspace) }
        }
        return changed
    }

    /// One key as the loop handles it: dispatched, then the screen redrawn when it changed.
    /// False when the key quits. (The keystroke benchmark drives the screen through this.)
    func press(_ key: Key) -> Bool {
        let r = dispatch(key)
        if r.contains(.quit) { return false }
        _ = collect()
        let now = TerminalSession.size
        if now != size { size = now; _ = clear() }
        if r.contains(.redraw) || key == .resize { draw() }
        return true
    }

    /// Redraws the whole screen (the benchmark's redraw after a query's answer arrives).
    func redraw() {
        size = TerminalSession.size
        draw()
    }

    private func dispatch(_ key: Key) -> KeyResult {
        if Bindings.action(key, in: .global) == .quit { return .quit }
        if var p = workspace.prompt {
            switch p.handle(key) {
            case .editing: workspace.prompt = p
            case .cancel: workspace.prompt = nil; workspace.status = "try not saved"; workspace.statusIsError = false
            case let .submit(name):
                workspace.prompt = nil
                workspace.runner.saveTry(params: workspace.params, name: name.isEmpty ? nil : name)
            }
            return .done
        }
        if let o = overlay {
            let r = o.handle(key)
            if o.closed { overlay = nil }
            return r.union(.redraw)
        }
        if panes[focus] === queryLine, key == .tab, queryLine.complete() { return .done }
        switch Bindings.action(key, in: .global) {
        case .nextPane?: focus = (focus + 1) % panes.count; return .done
        case .previousPane?: focus = (focus + panes.count - 1) % panes.count; return .done
        default: break
        }
        let panel = panes[focus]
        let r = panel.handle(key)
        if r.contains(.handled) { return r }
        if panel === queryLine {
            if Bindings.action(key, in: .queryLine) == .leaveQuery { focus = 1; return .done }
            return .ignored
        }
        switch Bindings.action(key, in: .panes) {
        case .quit?: return .quit
        case .help?: overlay = HelpOverlay(); return .done
        case .focusQuery?: focus = 0; return .done
        case .nextQuery?: workspace.stepQuerySet(1); return .done
        case .previousQuery?: workspace.stepQuerySet(-1); return .done
        case .rerun?: workspace.rerun(); return .done
        case .facets?: overlay = FacetOverlay(workspace: workspace); return .done
        case .addToSet?: workspace.addQueryToSet(); return .done
        case .judgeMode?: workspace.startJudgeMode(); return .done
        case .undoGrade?: workspace.undoGrade(); return .done
        case .saveTry?: workspace.prompt = LinePrompt(label: "try name (Enter saves; empty: t1, t2 …; Esc cancels): "); return .done
        case .compareTries?: workspace.openTries(); return .done
        case .sweep?:
            workspace.startSweep(Params.definitions[params.selected].name)
            overlay = SweepOverlay(workspace: workspace)
            return .done
        default: return .ignored
        }
    }

    // MARK: - Layout and drawing

    private func draw() {
        let (rows, cols) = size
        let canvas = Canvas(rows: rows, cols: cols)
        _ = erase()
        guard rows >= 12, cols >= 40 else {
            canvas.put(0, 0, "quarry tui: the terminal is too small (\(cols)×\(rows); needs 40×12)", width: cols, .error)
            _ = refresh()
            return
        }
        drawHeader(canvas, cols: cols)
        queryLine.draw(canvas, in: Rect(y: 1, x: 0, height: 1, width: cols), focused: focus == 0 && overlay == nil)

        let bodyTop = 2
        let bodyHeight = rows - 3
        let bottomHeight = min(max(9, bodyHeight * 2 / 5), bodyHeight - 5)
        results.draw(canvas, in: Rect(y: bodyTop, x: 0, height: bodyHeight - bottomHeight, width: cols), focused: focus == 1)
        let y = bodyTop + bodyHeight - bottomHeight
        let paramsWidth = cols >= 120 ? 26 : 20
        let metricsWidth = cols >= 120 ? 36 : 28
        let planWidth = cols - paramsWidth - metricsWidth
        plan.draw(canvas, in: Rect(y: y, x: 0, height: bottomHeight, width: planWidth), focused: focus == 2)
        metrics.draw(canvas, in: Rect(y: y, x: planWidth, height: bottomHeight, width: metricsWidth), focused: focus == 3)
        params.draw(canvas, in: Rect(y: y, x: planWidth + metricsWidth, height: bottomHeight, width: paramsWidth), focused: focus == 4)

        if let o = overlay {
            let margin = cols >= 100 && rows >= 30 ? 2 : 0
            o.draw(canvas, in: Rect(y: 1 + margin / 2, x: margin, height: rows - 2 - margin, width: cols - 2 * margin), focused: true)
        }
        drawStatus(canvas, rows: rows, cols: cols)

        if let p = workspace.prompt {
            _ = curs_set(1)
            _ = move(Int32(rows - 1), Int32(min(cols - 1, DisplayWidth.of(p.line))))
        } else if focus == 0 && overlay == nil, let c = queryLine.cursorCell {
            _ = curs_set(1)
            _ = move(Int32(c.y), Int32(c.x))
        } else {
            _ = curs_set(0)
        }
        _ = refresh()
    }

    private func drawHeader(_ canvas: Canvas, cols: Int) {
        var text = " Quarry · \(workspace.collection) · \(workspace.recordCount) records"
        if let set = workspace.querySet, workspace.querySetIndex >= 0, workspace.currentSetEntry != nil {
            text += " · query set \(workspace.querySetIndex + 1)/\(set.count)"
        } else {
            text += " · set \(workspace.activeSet)"
        }
        if let f = workspace.outcome?.filter { text += " · WHERE \(f)" }
        if let c = workspace.outcome?.clauses { text += " · \(c)" }
        if workspace.running { text += " · running…" }
        // The process's resident memory: the mapped indexes' pages count only once touched.
        if let rss = ProcessMemory.residentBytes() { text += " · RSS \(rss >> 20) MiB" }
        let right = "?: help "
        canvas.line(0, 0, text, width: cols, .status)
        if DisplayWidth.of(text) + DisplayWidth.of(right) < cols { canvas.put(0, cols - DisplayWidth.of(right), right, width: DisplayWidth.of(right), .status) }
    }

    private func drawStatus(_ canvas: Canvas, rows: Int, cols: Int) {
        let w = workspace
        if let p = w.prompt {
            canvas.line(rows - 1, 0, p.line, width: cols, .normal)
        } else if !w.status.isEmpty {
            canvas.line(rows - 1, 0, w.status.split(separator: "\n").first.map(String.init) ?? "", width: cols, w.statusIsError ? .error : .muted)
        } else {
            canvas.line(rows - 1, 0, overlay?.hint ?? panes[focus].hint, width: cols, .muted)
        }
    }
}
