import Foundation

/// Facts about the terminal the program writes to: is it one, how wide, may we colour.
public enum Terminal {
    public static func isTTY(_ fd: Int32 = STDOUT_FILENO) -> Bool { isatty(fd) == 1 }

    /// Columns of the terminal on `fd`; `COLUMNS` or 100 when it is not a terminal.
    public static func width(_ fd: Int32 = STDOUT_FILENO) -> Int {
        var ws = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
        return 100
    }

    /// Colour only on a terminal, and never with `NO_COLOR` set (no-color.org).
    public static func colorEnabled(_ fd: Int32 = STDOUT_FILENO) -> Bool {
        isTTY(fd) && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Semantic styles; the one place that knows ANSI codes.
public enum Style: String {
    case header = "1"
    case dim = "2"
    case error = "1;31"
    case warning = "33"
    case good = "32"
    case accent = "36"
    case highlight = "1;33"

    public func apply(_ text: String, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }
}
