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

/// Scrolling state shared by the text panes: the offset, and the page and line count of the last
/// drawing (what the keys scroll by).
struct Scroller {
    var offset = 0
    private(set) var page = 1
    private(set) var count = 0

    /// The lines of `all` that fit `height` rows at the offset (kept in range); remembers the page.
    mutating func visible<T>(_ all: [T], height: Int) -> ArraySlice<T> {
        page = max(1, height)
        count = all.count
        offset = min(offset, max(0, count - height))
        return all.dropFirst(offset).prefix(height)
    }

    /// Scrolls by a key's action over what was drawn last; false when the action is not a scroll.
    mutating func apply(_ action: Action) -> Bool { apply(action, lines: count, page: page) }

    mutating func apply(_ action: Action, lines: Int, page: Int) -> Bool {
        guard let moved = action.moving(offset, last: max(0, lines - page), page: page) else { return false }
        offset = moved
        return true
    }
}
