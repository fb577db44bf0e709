import QuarryConsole
import QuarryEngine

/// Judge mode (`J`): the pool of the query on screen — the union of the top-k of the lexical,
/// vector and hybrid columns — one document at a time, with the query, its information need and
/// the matched words highlighted. `0`–`3` grade and move on to the next ungraded document, `u`
/// takes the last grade back, n/p step; the title counts "12/27 judged".
final class JudgeOverlay: Overlay {
    private unowned let workspace: Workspace
    private(set) var index = 0
    private var view: DocumentOverlay?

    init(workspace: Workspace) {
        self.workspace = workspace
        super.init()
        if let p = workspace.judgePool, let first = p.entries.firstIndex(where: { p.grades.grades[$0.entry.docID] == nil }) { index = first }
    }

    private var pool: JudgePool? { workspace.judgePool }

    var judgedCount: Int {
        guard let p = pool else { return 0 }
        return p.entries.filter { p.grades.grades[$0.entry.docID] != nil }.count
    }

    override var title: String {
        guard let p = pool else { return "judge" }
        return "judge · set \(p.grades.set) · \(p.grades.queryID) · \(judgedCount)/\(p.entries.count) judged"
    }

    override var hint: String { "0-\(pool?.grades.maxGrade ?? 3): grade and next · u: undo · n/p: next/previous · ↑/↓: scroll · Esc: leave" }

    override func lines(width: Int) -> [(String, Theme)] {
        guard let p = pool else { return [("pooling…", .muted)] }
        guard !p.entries.isEmpty else { return [("the pool is empty: no column found anything for this query", .muted)] }
        let i = min(index, p.entries.count - 1)
        let (entry, document) = p.entries[i]
        if view?.document.id != document.id { view = DocumentOverlay(document, query: p.grades.text); scroller.offset = 0 }
        var out: [(String, Theme)] = [("query  " + p.grades.text, .title)]
        if let need = p.grades.need { for (j, l) in DisplayWidth.wrap(need, width - 7).enumerated() { out.append(((j == 0 ? "need   " : "       ") + l, .normal)) } }
        let ranks = entry.ranks.sorted { $0.key < $1.key }.map { "\($0.key) #\($0.value)" }.joined(separator: " · ")
        let grade = p.grades.grades[entry.docID].map { "graded \($0)" } ?? "not graded"
        out.append(("doc \(i + 1)/\(p.entries.count)  \(document.id)  ·  \(ranks)  ·  \(grade)", p.grades.grades[entry.docID] == nil ? .muted : .relevant))
        out.append(("", .normal))
        return out + (view?.lines(width: width) ?? [])
    }

    override func drawLine(_ canvas: Canvas, _ line: (String, Theme), y: Int, x: Int, width: Int) {
        if let view { view.drawLine(canvas, line, y: y, x: x, width: width) } else { super.drawLine(canvas, line, y: y, x: x, width: width) }
    }

    /// Moves to the next document without a grade after `index` (else the next one).
    private func advance() {
        guard let p = pool, !p.entries.isEmpty else { return }
        let n = p.entries.count
        for step in 1...n {
            let j = (index + step) % n
            // The grade just given is not back from the store yet: skip the current document.
            if j != index && p.grades.grades[p.entries[j].entry.docID] == nil { index = j; return }
        }
        index = min(index + 1, n - 1)
    }

    override func handle(_ key: Key) -> KeyResult {
        guard let action = Bindings.action(key, in: .judge) else {
            guard let a = Bindings.action(key, in: .panes), scroller.apply(a) else { return .handled }
            return .done
        }
        let count = pool?.entries.count ?? 0
        switch action {
        case .close: closed = true
        case let .grade(g):
            guard let p = pool, index < p.entries.count else { return .handled }
            if g > p.grades.maxGrade { workspace.status = "set '\(p.grades.set)' grades 0-\(p.grades.maxGrade)"; workspace.statusIsError = true; return .done }
            workspace.gradeInJudgeMode(docID: p.entries[index].entry.docID, g)
            advance()
        case .undoGrade:
            if let last = workspace.undoStack.last, let j = pool?.entries.firstIndex(where: { $0.entry.docID == last.docID }) { index = j }
            workspace.undoGrade()
        case .increase: if count > 0 { index = (index + 1) % count }
        case .decrease: if count > 0 { index = (index + count - 1) % count }
        default: return .handled
        }
        return .done
    }
}
