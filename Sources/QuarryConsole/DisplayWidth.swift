/// Display width of text in terminal cells, by one rule for every front end (the CLI's and
/// the REPL's tables, the TUI's panes): East Asian wide and fullwidth characters and emoji
/// presented as emoji take two cells; combining marks, format characters (zero-width space,
/// joiners) and control characters none; everything else one. It agrees with the C library's
/// `wcwidth` under a UTF-8 locale (the TUI's tests check a sample), without depending on the
/// locale the program runs in.
public enum DisplayWidth {
    public static func of(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }           // Hangul vowels and finals join the syllable
        if (0x1F1E6...0x1F1FF).contains(v) { return 1 }         // regional indicators: a flag is two of them
        if isWide(v) || u.properties.isEmojiPresentation { return 2 }
        return 1
    }

    public static func of(_ c: Character) -> Int { c.unicodeScalars.reduce(0) { $0 + of($1) } }

    public static func of(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + of($1) } }

    /// East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth.txt, W and F).
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Control characters become '?', tabs and line breaks a space, so what is drawn is what was measured.
    public static func printable(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\t" || u == "\n" || u == "\r" { out.append(" ") }
            else if u.value < 0x20 || u.value == 0x7f || (u.value >= 0x80 && u.value < 0xA0) { out.append("?") }
            else { out.append(u) }
        }
        return String(out)
    }

    /// The longest prefix of `s` that fits in `width` cells, and its width.
    public static func clip(_ s: String, _ width: Int) -> (text: String, width: Int) {
        guard width > 0 else { return ("", 0) }
        var used = 0
        var out = ""
        for c in s {
            let w = of(c)
            if used + w > width { break }
            used += w
            out.append(c)
        }
        return (out, used)
    }

    /// `s` cut to at most `width` cells, ending in "…" when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        return clip(s, width - 1).text + "…"
    }

    /// `s` padded with spaces to `width` cells (on the left with `right`).
    public static func pad(_ s: String, to width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(s)))
        return right ? fill + s : s + fill
    }

    /// `s` cut to `width` cells (with '…' when cut, unless `ellipsis` is false), then padded to
    /// exactly `width`.
    public static func fit(_ s: String, _ width: Int, ellipsis: Bool = true) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return pad(s, to: width) }
        let (head, used) = clip(s, ellipsis ? width - 1 : width)
        return head + (ellipsis ? "…" : "") + String(repeating: " ", count: width - used - (ellipsis ? 1 : 0))
    }

    /// `s` right-aligned in `width` cells (cut when longer).
    public static func right(_ s: String, _ width: Int) -> String {
        of(s) >= width ? fit(s, width) : pad(s, to: width, right: true)
    }

    /// Word-wraps `text` to lines of at most `width` cells; a line break in the text starts a new
    /// line, and a word longer than a line is split.
    public static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false).map({ printable(String($0)) }) {
            var line = "", used = 0
            let before = lines.count
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = of(w)
                if used > 0 && used + 1 + ww <= width {
                    line += " " + w; used += 1 + ww; continue
                }
                if used > 0 { lines.append(line); line = ""; used = 0 }
                while ww > width {
                    var (head, hw) = clip(w, width)
                    if head.isEmpty, let first = w.first { head = String(first); hw = of(first) }   // wider than a line
                    lines.append(head)
                    w = String(w.dropFirst(head.count))
                    ww -= hw
                }
                line = w; used = ww
            }
            if !line.isEmpty || lines.count == before { lines.append(line) }
        }
        return lines
    }
}
