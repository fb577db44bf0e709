import CNcursesw
import QuarryConsole

/// A rectangle of cells.
struct Rect: Equatable {
    var y: Int, x: Int, height: Int, width: Int
    var bottom: Int { y + height }
    var right: Int { x + width }
    /// The inside of a one-cell border.
    var inner: Rect { Rect(y: y + 1, x: x + 1, height: max(0, height - 2), width: max(0, width - 2)) }
}

/// Drawing on the standard screen: every string is clipped to its rectangle by display width,
/// so nothing spills into a neighbour or past the right edge.
struct Canvas {
    let rows: Int
    let cols: Int

    /// Draws `text` at (y, x), at most `width` cells, in `theme`.
    func put(_ y: Int, _ x: Int, _ text: String, width: Int, _ theme: Theme = .normal) {
        guard y >= 0, y < rows, x >= 0, x < cols, width > 0 else { return }
        let room = min(width, cols - x)
        let (clipped, _) = DisplayWidth.clip(DisplayWidth.printable(text), room)
        guard !clipped.isEmpty else { return }
        let a = theme.attribute
        _ = attrset(a)
        _ = mvaddstr(Int32(y), Int32(x), clipped)
        _ = attrset(0)
    }

    /// A line of `text` exactly `width` cells wide (padded), so it also erases what was there.
    func line(_ y: Int, _ x: Int, _ text: String, width: Int, _ theme: Theme = .normal) {
        put(y, x, DisplayWidth.fit(text, min(width, cols - x)), width: width, theme)
    }

    /// Draws spans one after another on a line, each in its own theme.
    func spans(_ y: Int, _ x: Int, _ parts: [(String, Theme)], width: Int) {
        var col = x
        var left = width
        for (text, theme) in parts where left > 0 {
            let (t, w) = DisplayWidth.clip(DisplayWidth.printable(text), left)
            put(y, col, t, width: w, theme)
            col += w
            left -= w
        }
    }

    /// A border with a title in the top edge.
    func box(_ r: Rect, title: String, focused: Bool) {
        guard r.width >= 2, r.height >= 2 else { return }
        let theme: Theme = focused ? .focusedBorder : .border
        let h = String(repeating: "─", count: r.width - 2)
        put(r.y, r.x, "┌" + h + "┐", width: r.width, theme)
        for row in r.y + 1..<r.bottom - 1 {
            put(row, r.x, "│", width: 1, theme)
            put(row, r.right - 1, "│", width: 1, theme)
        }
        put(r.bottom - 1, r.x, "└" + h + "┘", width: r.width, theme)
        let t = DisplayWidth.clip(" " + title + " ", r.width - 4).text
        put(r.y, r.x + 2, t, width: r.width - 4, focused ? .focusedTitle : .title)
    }
}
