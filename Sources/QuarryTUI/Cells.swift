import CNcursesw

/// Display widths of text in terminal cells (CJK and emoji take two, combining marks none),
/// from the C library's `wcwidth` under the user's locale.
enum Cells {
    static func width(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || v == 0x7f { return 1 }     // drawn as '?'
        if v < 0x7f { return 1 }
        let w = wcwidth(wchar_t(bitPattern: v))
        return w < 0 ? 1 : Int(w)
    }

    static func width(_ c: Character) -> Int { c.unicodeScalars.reduce(0) { $0 + width($1) } }

    static func width(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + width($1) } }

    /// Control characters become '?', tabs a space, so what is drawn is what was measured.
    static func printable(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\t" || u == "\n" || u == "\r" { out.append(" ") }
            else if u.value < 0x20 || u.value == 0x7f { out.append("?") }
            else { out.append(u) }
        }
        return String(out)
    }

    /// The longest prefix of `s` that fits in `width` cells, and its width.
    static func clip(_ s: String, _ width: Int) -> (text: String, width: Int) {
        guard width > 0 else { return ("", 0) }
        var used = 0
        var out = ""
        for c in s {
            let w = Self.width(c)
            if used + w > width { break }
            used += w
            out.append(c)
        }
        return (out, used)
    }

    /// `s` cut to `width` cells with '…' when cut, then padded with spaces to exactly `width`.
    static func fit(_ s: String, _ width: Int, ellipsis: Bool = true) -> String {
        guard width > 0 else { return "" }
        let total = Self.width(s)
        if total <= width { return s + String(repeating: " ", count: width - total) }
        let (head, used) = clip(s, ellipsis ? width - 1 : width)
        let tail = ellipsis ? "…" : ""
        return head + tail + String(repeating: " ", count: width - used - (ellipsis ? 1 : 0))
    }

    /// Right-aligns `s` in `width` cells.
    static func right(_ s: String, _ width: Int) -> String {
        let w = Self.width(s)
        return w >= width ? fit(s, width) : String(repeating: " ", count: width - w) + s
    }

    /// Word-wraps `text` to lines of at most `width` cells; words longer than a line are split.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in printableLines(text) {
            var line = "", used = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = Self.width(w)
                if used > 0 && used + 1 + ww <= width {
                    line += " " + w; used += 1 + ww; continue
                }
                if used > 0 { lines.append(line); line = ""; used = 0 }
                while ww > width {
                    let (head, hw) = clip(w, width)
                    lines.append(head)
                    w = String(w.dropFirst(head.count))
                    ww -= hw
                }
                line = w; used = ww
            }
            lines.append(line)
        }
        return lines
    }

    private static func printableLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }
    }
}
