import QuarryConsole

/// A full-screen view over the panes (document, help): scrolls, and closes with Esc, q or Enter.
class Overlay: Panel {
    var title: String { "" }
    let context = KeyContext.overlay
    var hint: String { "↑/↓ PgUp/PgDn: scroll · Esc/q/Enter: close" }
    var scroller = Scroller()
    var closed = false

    func lines(width: Int) -> [(String, Theme)] { [] }

    /// Clears `rect`, draws the box with the title and returns the inside.
    func frame(_ canvas: Canvas, _ rect: Rect) -> Rect {
        for y in rect.y..<rect.bottom { canvas.line(y, rect.x, "", width: rect.width) }
        canvas.box(rect, title: title, focused: true)
        return rect.inner
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let inner = frame(canvas, rect)
        let all = lines(width: inner.width)
        for (i, l) in scroller.visible(all, height: inner.height).enumerated() {
            drawLine(canvas, l, y: inner.y + i, x: inner.x, width: inner.width)
        }
        if all.count > inner.height, rect.width > 20 {
            let where_ = "\(scroller.offset + 1)-\(min(all.count, scroller.offset + inner.height))/\(all.count)"
            canvas.put(rect.bottom - 1, rect.right - DisplayWidth.of(where_) - 3, " " + where_ + " ", width: DisplayWidth.of(where_) + 2, .title)
        }
    }

    /// Draws one line; a subclass may split it into spans.
    func drawLine(_ canvas: Canvas, _ line: (String, Theme), y: Int, x: Int, width: Int) {
        canvas.put(y, x, line.0, width: width, line.1)
    }

    func handle(_ key: Key) -> KeyResult {
        if Bindings.action(key, in: .overlay) == .close { closed = true; return .done }
        guard let a = Bindings.action(key, in: .panes), scroller.apply(a) else { return .handled }
        return .done
    }
}

/// An overlay that draws a `SelectableList` in a box: Esc closes it, the movement keys move the
/// selection; a subclass answers its own actions (`act`) and says how many choices there are.
class ListOverlay: Overlay {
    var list = SelectableList()
    /// The height of the last drawing: what PgUp/PgDn move by.
    private var lastPage = 1
    /// The key context of the overlay's own actions.
    var listContext: KeyContext { .overlay }
    var choiceCount: Int { 0 }

    /// The frame, remembering the height inside it.
    override func frame(_ canvas: Canvas, _ rect: Rect) -> Rect {
        let inner = super.frame(canvas, rect)
        lastPage = inner.height
        return inner
    }

    /// What the overlay does with one of its actions other than close; nil: not its action.
    func act(_ action: Action) -> KeyResult? { nil }

    override func handle(_ key: Key) -> KeyResult {
        if let action = Bindings.action(key, in: listContext) {
            if action == .close { closed = true; return .done }
            if let result = act(action) { return result }
        }
        if let a = Bindings.action(key, in: .panes), list.move(a, count: choiceCount, page: lastPage) { return .done }
        return .handled
    }
}

/// A hit's document: every field wrapped, the metadata, and the BM25 explanation of its score.
final class DocumentOverlay: Overlay {
    let document: DocumentContent
    let terms: [String]

    init(_ document: DocumentContent, query: String) {
        self.document = document
        terms = query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { $0.count > 2 }
    }

    override var title: String { "document \(document.id)" }

    /// Whether a word of the document matches a query term: the same word, or the same stem
    /// as far as a prefix tells (fracture/fractures, running/runners).
    func matches(_ word: Substring) -> Bool {
        let w = word.lowercased().filter { $0.isLetter || $0.isNumber }
        guard w.count > 2 else { return false }
        return terms.contains { t in w == t || w.hasPrefix(String(t.prefix(max(4, t.count - 3)))) }
    }

    /// Field lines with a matched term are drawn word by word, the matched words highlighted.
    override func drawLine(_ canvas: Canvas, _ line: (String, Theme), y: Int, x: Int, width: Int) {
        guard line.1 == .highlight else { return super.drawLine(canvas, line, y: y, x: x, width: width) }
        var parts: [(String, Theme)] = []
        for (i, word) in line.0.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { parts.append((" ", .normal)) }
            parts.append((String(word), matches(word) ? .highlight : .normal))
        }
        canvas.spans(y, x, parts, width: width)
    }

    /// The metadata starts folded; `m` unfolds and folds it.
    private(set) var metadataOpen = false

    override var hint: String { "↑/↓ PgUp/PgDn: scroll · m: fold/unfold the metadata · Esc/q/Enter: close" }

    override func handle(_ key: Key) -> KeyResult {
        if key == .char("m") && !document.metadata.isEmpty { metadataOpen.toggle(); return .done }
        return super.handle(key)
    }

    override func lines(width: Int) -> [(String, Theme)] {
        var out: [(String, Theme)] = []
        for (name, value) in document.fields {
            out.append((name, .title))
            for l in DisplayWidth.wrap(value, width - 2) {
                out.append(("  " + l, l.split(separator: " ").contains(where: matches) ? .highlight : .normal))
            }
            out.append(("", .normal))
        }
        if !document.metadata.isEmpty {
            if metadataOpen {
                out.append(("▾ metadata (m folds it)", .title))
                for l in document.metadata { out.append(("  " + l, .muted)) }
            } else {
                out.append(("▸ metadata: \(document.metadata.count) lines folded (m unfolds)", .title))
            }
            out.append(("", .normal))
        }
        if !document.ranking.isEmpty {
            out.append(("Rankers (RANK BY)", .title))
            for l in document.ranking { out.append(("  " + l, .normal)) }
            out.append(("", .normal))
        }
        out.append(("BM25 explanation", .title))
        for l in document.explanation { out.append((l, .normal)) }
        return out
    }
}

/// Every key of the binding table, by where it applies, and the marks of the result columns.
final class HelpOverlay: Overlay {
    override var title: String { "keys" }

    override func lines(width: Int) -> [(String, Theme)] {
        var out: [(String, Theme)] = []
        for context in KeyContext.allCases {
            let rows = Bindings.table.filter { $0.context == context }
            guard !rows.isEmpty else { continue }
            out.append((context.rawValue, .title))
            for b in rows { out.append(("  " + DisplayWidth.fit(b.label, 16, ellipsis: false) + b.help, .normal)) }
        }
        out.append(("marks in the result columns", .title))
        out.append(("  ✓  relevant in the query set's qrels", .relevant))
        out.append(("  0-3  your grade of the hit for this query (stored at once; u undoes)", .relevant))
        out.append(("  ·  not graded yet, in a query being judged", .muted))
        out.append(("  ◆  in the exact top-10 (FLAT scan of the vectors)", .exact))
        out.append(("  ↑n ↓n  rank moved since the last run of the same query; + new", .normal))
        return out
    }
}
