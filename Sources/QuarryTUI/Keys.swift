import CNcursesw

/// A key press, decoded from curses' wide-character input.
enum Key: Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case resize
    case other(Int32)

    init(character c: wint_t) {
        switch c {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .ctrl(Character(Unicode.Scalar(UInt8(c) + 96)))
        default:
            if let u = Unicode.Scalar(UInt32(c)) { self = .char(Character(u)) } else { self = .other(Int32(bitPattern: UInt32(c))) }
        }
    }

    init(code: Int32) {
        switch code {
        case KEY_UP: self = .up
        case KEY_DOWN: self = .down
        case KEY_LEFT: self = .left
        case KEY_RIGHT: self = .right
        case KEY_HOME: self = .home
        case KEY_END: self = .end
        case KEY_PPAGE: self = .pageUp
        case KEY_NPAGE: self = .pageDown
        case KEY_ENTER: self = .enter
        case KEY_BTAB: self = .backTab
        case KEY_BACKSPACE: self = .backspace
        case KEY_DC: self = .delete
        case KEY_RESIZE: self = .resize
        default: self = .other(code)
        }
    }
}

/// What a panel did with a key: the screen manager redraws or quits accordingly.
struct KeyResult: OptionSet {
    let rawValue: Int
    static let handled = KeyResult(rawValue: 1)
    static let redraw = KeyResult(rawValue: 2)
    static let quit = KeyResult(rawValue: 4)
    static let ignored: KeyResult = []
    static let done: KeyResult = [.handled, .redraw]
}

/// The actions keys are bound to.
enum Action: Equatable {
    case quit, help, nextPane, previousPane, focusQuery, leaveQuery, runQuery
    case nextQuery, previousQuery, rerun, facets, sweep
    case up, down, pageUp, pageDown, top, bottom
    case decrease, increase, open, close
    case addToSet, judgeMode, undoGrade, saveTry, compareTries
    case grade(Int)
}

extension Action {
    /// A position in `0...last` moved by this action (a line, a page of `page` lines less one, to
    /// either end); nil when the action does not move.
    func moving(_ position: Int, last: Int, page: Int) -> Int? {
        let moved: Int
        switch self {
        case .up: moved = position - 1
        case .down: moved = position + 1
        case .pageUp: moved = position - max(1, page - 1)
        case .pageDown: moved = position + max(1, page - 1)
        case .top: moved = 0
        case .bottom: moved = last
        default: return nil
        }
        return min(max(0, moved), last)
    }
}

/// Where a binding applies: everywhere, or in one kind of panel.
enum KeyContext: String, CaseIterable {
    case global = "anywhere"
    case queryLine = "query line"
    case panes = "outside the query line"
    case results = "result columns"
    case parameters = "parameters pane"
    case overlay = "document and help views"
    case facets = "facet browser"
    case sweep = "sweep view"
    case judge = "judge mode"
    case tries = "try comparison"
    case prompt = "try-name prompt (t)"
}

struct Binding {
    var keys: [Key]
    var label: String
    var context: KeyContext
    var action: Action?
    var help: String
}

/// Every key of the workbench, in one table: dispatch reads it and `?` lists it.
enum Bindings {
    static let table: [Binding] = [
        Binding(keys: [.ctrl("c")], label: "Ctrl-C", context: .global, action: .quit, help: "quit"),
        Binding(keys: [.tab], label: "Tab", context: .global, action: .nextPane, help: "next pane"),
        Binding(keys: [.backTab], label: "Shift-Tab", context: .global, action: .previousPane, help: "previous pane"),
        Binding(keys: [.enter], label: "Enter", context: .queryLine, action: .runQuery, help: "run the query in all three columns"),
        Binding(keys: [.escape], label: "Esc", context: .queryLine, action: .leaveQuery, help: "leave the query line"),
        Binding(keys: [], label: "←/→ Home/End", context: .queryLine, action: nil, help: "move the cursor (Ctrl-A/Ctrl-E too)"),
        Binding(keys: [], label: "↑/↓", context: .queryLine, action: nil, help: "query history"),
        Binding(keys: [], label: "Tab", context: .queryLine, action: nil, help: "complete a keyword, field or JSON path (else: next pane)"),
        Binding(keys: [], label: "… WHERE f", context: .queryLine, action: nil, help: "after WHERE (in capitals): a filter"),
        Binding(keys: [], label: "… RANK BY / GROUP BY / WITHIN", context: .queryLine, action: nil,
                help: "rankers, grouping and a range, as in statements (in capitals)"),
        Binding(keys: [], label: "Ctrl-U/Ctrl-W", context: .queryLine, action: nil, help: "clear the line / delete a word"),
        Binding(keys: [.char("q")], label: "q", context: .panes, action: .quit, help: "quit"),
        Binding(keys: [.char("?")], label: "?", context: .panes, action: .help, help: "this help"),
        Binding(keys: [.char("/"), .char("i")], label: "/ or i", context: .panes, action: .focusQuery, help: "back to the query line"),
        Binding(keys: [.char("n")], label: "n", context: .panes, action: .nextQuery, help: "query-set mode: next test query"),
        Binding(keys: [.char("p")], label: "p", context: .panes, action: .previousQuery, help: "query-set mode: previous test query"),
        Binding(keys: [.char("r")], label: "r", context: .panes, action: .rerun, help: "run the query again (more latency samples)"),
        Binding(keys: [.char("f")], label: "f", context: .panes, action: .facets, help: "facet browser over the metadata's JSON paths"),
        Binding(keys: [.char("s")], label: "s", context: .panes, action: .sweep, help: "sweep the selected parameter (else ef) over the query set"),
        Binding(keys: [.up, .char("k")], label: "↑/k", context: .panes, action: .up, help: "move up / scroll up"),
        Binding(keys: [.down, .char("j")], label: "↓/j", context: .panes, action: .down, help: "move down / scroll down"),
        Binding(keys: [.pageUp], label: "PgUp", context: .panes, action: .pageUp, help: "page up"),
        Binding(keys: [.pageDown, .char(" ")], label: "PgDn/Space", context: .panes, action: .pageDown, help: "page down"),
        Binding(keys: [.home, .char("g")], label: "Home/g", context: .panes, action: .top, help: "first line"),
        Binding(keys: [.end, .char("G")], label: "End/G", context: .panes, action: .bottom, help: "last line"),
        Binding(keys: [.left, .char("h")], label: "←/h", context: .results, action: .decrease, help: "column to the left"),
        Binding(keys: [.right, .char("l")], label: "→/l", context: .results, action: .increase, help: "column to the right"),
        Binding(keys: [.enter], label: "Enter", context: .results, action: .open, help: "open the selected hit's document"),
        Binding(keys: [.char("0")], label: "0", context: .results, action: .grade(0), help: "grade the selected hit: not relevant"),
        Binding(keys: [.char("1")], label: "1", context: .results, action: .grade(1), help: "grade the selected hit: relevant (binary sets: 0/1 only)"),
        Binding(keys: [.char("2")], label: "2", context: .results, action: .grade(2), help: "grade the selected hit: highly relevant"),
        Binding(keys: [.char("3")], label: "3", context: .results, action: .grade(3), help: "grade the selected hit: perfect"),
        Binding(keys: [.char("a")], label: "a", context: .panes, action: .addToSet, help: "add the query line to the active query set"),
        Binding(keys: [.char("J")], label: "J", context: .panes, action: .judgeMode, help: "judge mode: walk the query's pool (top-k of the three columns)"),
        Binding(keys: [.char("u")], label: "u", context: .panes, action: .undoGrade, help: "take back the last grade"),
        Binding(keys: [.char("t")], label: "t", context: .panes, action: .saveTry, help: "save the parameters as a try (asks for a name; empty: t1, t2 …)"),
        Binding(keys: [.char("T")], label: "T", context: .panes, action: .compareTries, help: "the two tries saved last, side by side on this query"),
        Binding(keys: [.left, .char("-")], label: "←/-", context: .parameters, action: .decrease, help: "lower the selected value and re-run"),
        Binding(keys: [.right, .char("+")], label: "→/+", context: .parameters, action: .increase, help: "raise the selected value and re-run"),
        Binding(keys: [.escape, .char("q"), .enter], label: "Esc/q/Enter", context: .overlay, action: .close, help: "close the document or help view"),
        Binding(keys: [], label: "m", context: .overlay, action: nil, help: "document: fold or unfold the metadata"),
        Binding(keys: [], label: "↑/↓ PgUp/PgDn", context: .facets, action: nil, help: "select a path, a value or a bin"),
        Binding(keys: [.enter, .right, .char("l")], label: "Enter/→", context: .facets, action: .open, help: "open a path; on a value or bin: add it as a filter and re-run"),
        Binding(keys: [.left, .backspace, .char("h")], label: "←/Backspace", context: .facets, action: .decrease, help: "back to the list of paths"),
        Binding(keys: [.escape, .char("q")], label: "Esc/q", context: .facets, action: .close, help: "close the facet browser"),
        Binding(keys: [], label: "↑/↓", context: .sweep, action: nil, help: "select a point of the sweep"),
        Binding(keys: [.enter], label: "Enter", context: .sweep, action: .open, help: "apply the point's parameter value and re-run"),
        Binding(keys: [.escape, .char("q")], label: "Esc/q", context: .sweep, action: .close, help: "close the sweep view (it keeps running)"),
        Binding(keys: [.char("0")], label: "0", context: .judge, action: .grade(0), help: "not relevant, then the next document"),
        Binding(keys: [.char("1")], label: "1", context: .judge, action: .grade(1), help: "relevant, then the next document"),
        Binding(keys: [.char("2")], label: "2", context: .judge, action: .grade(2), help: "highly relevant, then the next document"),
        Binding(keys: [.char("3")], label: "3", context: .judge, action: .grade(3), help: "perfect, then the next document"),
        Binding(keys: [.char("u")], label: "u", context: .judge, action: .undoGrade, help: "take back the last grade and go back to its document"),
        Binding(keys: [.char("n"), .right], label: "n/→", context: .judge, action: .increase, help: "next document of the pool"),
        Binding(keys: [.char("p"), .left], label: "p/←", context: .judge, action: .decrease, help: "previous document of the pool"),
        Binding(keys: [.escape, .char("q")], label: "Esc/q", context: .judge, action: .close, help: "leave judge mode"),
        Binding(keys: [.char("c"), .right, .char("l")], label: "c/→", context: .tries, action: .increase, help: "the next saved try in the right-hand column"),
        Binding(keys: [.escape, .char("q")], label: "Esc/q", context: .tries, action: .close, help: "close the comparison"),
        Binding(keys: [], label: "Enter", context: .prompt, action: nil, help: "save the try under the name typed (empty: the next tN)"),
        Binding(keys: [], label: "Esc", context: .prompt, action: nil, help: "cancel: nothing saved"),
    ]

    /// The action of `key` in `context` (only that context's own bindings).
    static func action(_ key: Key, in context: KeyContext) -> Action? {
        table.first { $0.context == context && $0.keys.contains(key) }?.action
    }
}
