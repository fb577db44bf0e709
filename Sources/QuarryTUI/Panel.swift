/// A pane of the screen: it draws itself in the rectangle the screen manager gives it and
/// answers keys with flags; the screen manager owns the loop, the layout and the focus.
protocol Panel: AnyObject {
    var title: String { get }
    var context: KeyContext { get }
    /// A one-line hint for the status bar while the panel has the focus.
    var hint: String { get }
    func draw(_ canvas: Canvas, in rect: Rect, focused: Bool)
    func handle(_ key: Key) -> KeyResult
}

/// Scrolling state shared by the text panes.
struct Scroller {
    var offset = 0

    mutating func apply(_ action: Action, lines: Int, page: Int) -> Bool {
        let maxOffset = max(0, lines - page)
        switch action {
        case .up: offset -= 1
        case .down: offset += 1
        case .pageUp: offset -= max(1, page - 1)
        case .pageDown: offset += max(1, page - 1)
        case .top: offset = 0
        case .bottom: offset = maxOffset
        default: return false
        }
        offset = min(maxOffset, max(0, offset))
        return true
    }
}
