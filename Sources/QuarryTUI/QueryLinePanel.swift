import Foundation
import QuarryConsole

/// The query line: a one-line editor with history; Enter runs the query in all three columns.
final class QueryLinePanel: Panel {
    let title = "query"
    let context = KeyContext.queryLine
    let hint = "type a query · Enter: run · Esc: leave the line · Tab: panes · Ctrl-C: quit"
    private unowned let workspace: Workspace
    private(set) var text: [Character] = []
    private var cursor = 0
    private var history: [String] = []
    private var historyIndex: Int?
    /// Where the cursor was drawn, for the screen manager to place the terminal cursor.
    private(set) var cursorCell: (y: Int, x: Int)?

    init(workspace: Workspace) { self.workspace = workspace }

    func set(_ s: String) {
        text = Array(s)
        cursor = text.count
    }

    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool) {
        let prompt = "query› "
        let pw = DisplayWidth.of(prompt)
        canvas.line(rect.y, rect.x, "", width: rect.width)
        canvas.put(rect.y, rect.x, prompt, width: rect.width, focused ? .highlight : .muted)
        let room = rect.width - pw - 1
        guard room > 0 else { return }
        // Scroll horizontally so the cursor stays visible: from the cursor back, as many
        // characters as fit (one pass, so a long paste costs time linear in its length).
        var start = cursor
        var used = 0
        while start > 0 {
            let w = DisplayWidth.of(String(text[start - 1]))
            if used + w > room { break }
            used += w
            start -= 1
        }
        let visible = DisplayWidth.clip(String(text[start..<min(text.count, start + room)]), room).text
        canvas.put(rect.y, rect.x + pw, visible, width: room)
        if text.isEmpty && !focused {
            canvas.put(rect.y, rect.x + pw, "(press / to type a query)", width: room, .muted)
        }
        cursorCell = (rect.y, rect.x + pw + used)
    }

    /// Completes the word before the cursor (a keyword, field or JSON path); false when there is
    /// nothing to complete, so that Tab moves to the next pane.
    func complete() -> Bool {
        guard cursor == text.count || Completion.isBoundary(text[cursor]) else { return false }
        var start = cursor
        while start > 0 && !Completion.isBoundary(text[start - 1]) { start -= 1 }
        let word = String(text[start..<cursor])
        let matches = Completion.matches(word, among: workspace.completionWords)
        guard !matches.isEmpty else { return false }
        func replace(_ s: String) {
            text.replaceSubrange(start..<cursor, with: Array(s))
            cursor = start + s.count
        }
        if matches.count == 1 {
            replace(matches[0] + (matches[0].hasSuffix(".") ? "" : " "))
            workspace.status = ""
        } else {
            let prefix = Completion.commonPrefix(matches)
            if prefix.count > word.count { replace(prefix) }
            workspace.status = "completions: " + matches.joined(separator: "  ")
            workspace.statusIsError = false
        }
        return true
    }

    func handle(_ key: Key) -> KeyResult {
        if let action = Bindings.action(key, in: .queryLine) {
            switch action {
            case .runQuery:
                let s = String(text)
                if !s.trimmingCharacters(in: .whitespaces).isEmpty {
                    if history.last != s { history.append(s) }
                    historyIndex = nil
                    workspace.run(s)
                }
                return .done
            default: return .ignored  // Esc: the screen manager moves the focus
            }
        }
        switch key {
        case let .char(c):
            text.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            if cursor > 0 { text.remove(at: cursor - 1); cursor -= 1 }
        case .delete, .ctrl("d"):
            if cursor < text.count { text.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"): text.removeAll(); cursor = 0
        case .ctrl("k"): text.removeSubrange(cursor...)
        case .ctrl("w"):
            var i = cursor
            while i > 0 && text[i - 1] == " " { i -= 1 }
            while i > 0 && text[i - 1] != " " { i -= 1 }
            text.removeSubrange(i..<cursor)
            cursor = i
        case .up:
            guard !history.isEmpty else { return .handled }
            let i = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = i
            set(history[i])
        case .down:
            guard let h = historyIndex else { return .handled }
            if h + 1 < history.count { historyIndex = h + 1; set(history[h + 1]) } else { historyIndex = nil; set("") }
        default:
            return .ignored
        }
        return .done
    }
}
