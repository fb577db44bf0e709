import QuarryConsole

/// Two saved tries side by side (`T`): one column per try, the right-hand hits marked with their
/// move against the left (↑n ↓n, + new), grade marks as in the result columns, and overlap@10
/// and RBO in the title. `c` cycles the right-hand try through the saved ones; Esc closes.
final class TriesOverlay: Overlay {
    private unowned let workspace: Workspace

    init(workspace: Workspace) {
        self.workspace = workspace
        super.init()
    }

    static func title(_ p: TryPair?) -> String {
        guard let p else { return "tries" }
        return String(format: "tries · %@ vs %@ · overlap@%d %.2f · RBO %.2f", p.left, p.right, TryPair.k, p.overlap, p.rbo)
    }

    override var title: String { Self.title(workspace.tryPair) }

    override var hint: String { "c: next try on the right · Esc/q: close · ↑n ↓n +: rank on the right against the left" }

    override func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let inner = frame(canvas, rect)
        guard let p = workspace.tryPair, inner.height > 3, inner.width > 10 else { return }
        canvas.put(inner.y, inner.x, "query  " + p.query + (p.filter.map { " WHERE " + $0 } ?? ""), width: inner.width, .title)
        let half = inner.width / 2
        let body = Rect(y: inner.y + 1, x: inner.x, height: inner.height - 1, width: half)
        column(canvas, "try \(p.left)", p.leftHits, p.leftError, body)
        column(canvas, "try \(p.right)", p.rightHits, p.rightError, Rect(y: body.y, x: inner.x + half, height: body.height, width: inner.width - half))
    }

    private func column(_ canvas: Canvas, _ title: String, _ hits: [Hit], _ error: String?, _ r: Rect) {
        canvas.box(r, title: title, focused: false)
        let inner = r.inner
        guard inner.width > 0, inner.height > 0 else { return }
        if let error {
            for (i, l) in DisplayWidth.wrap(error, inner.width).prefix(inner.height).enumerated() { canvas.put(inner.y + i, inner.x, l, width: inner.width, .error) }
            return
        }
        if hits.isEmpty { canvas.put(inner.y, inner.x, "no hits", width: inner.width, .muted); return }
        let room = max(3, inner.width - 11 - 6)
        let idWidth = min(hits.map { DisplayWidth.of($0.id) }.max() ?? 4, room <= 16 ? room : max(room / 3, min(12, room / 2)))
        for (i, h) in hits.prefix(inner.height).enumerated() {
            ResultsPanel.line(canvas, h, y: inner.y + i, x: inner.x, width: inner.width, idWidth: idWidth, selected: false)
        }
    }

    override func handle(_ key: Key) -> KeyResult {
        switch Bindings.action(key, in: .tries) {
        case .close?: closed = true
        case .increase?: workspace.cycleRightTry()
        default: return .handled
        }
        return .done
    }
}
