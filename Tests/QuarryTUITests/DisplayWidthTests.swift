import CNcursesw
import Foundation
import QuarryConsole
import Testing

/// The TUI draws with curses, which advances the cursor by the C library's `wcwidth`: the one
/// display-width rule must agree with it, or columns would spill. The oracle is `wcwidth` under
/// a UTF-8 locale, over every scalar of the blocks text here is likely to hold.
@Suite(.serialized) struct DisplayWidthOracleTests {
    @Test func agreesWithWcwidthUnderAUTF8Locale() throws {
        let saved = String(cString: setlocale(LC_CTYPE, nil))
        defer { setlocale(LC_CTYPE, saved) }
        try #require(setlocale(LC_CTYPE, "C.UTF-8") != nil, "the C.UTF-8 locale")
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x2FF, 0x300...0x36F, 0x391...0x3C9, 0x400...0x45F, 0x5D0...0x5EA, 0x600...0x64A, 0x900...0x97F,
            0x1100...0x11FF, 0x2000...0x206F, 0x20A0...0x20BF, 0x2190...0x21FF, 0x2500...0x257F, 0x2E80...0x2FDF, 0x3000...0x30FF,
            0x3400...0x3500, 0x4E00...0x4FFF, 0xAC00...0xAD00, 0xF900...0xF9FF, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
            0x1F300...0x1F5FF, 0x1F600...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x20000...0x20100,
        ]
        var differ: [String] = []
        var compared = 0
        for range in ranges {
            for v in range {
                guard let u = Unicode.Scalar(v) else { continue }
                let c = wcwidth(wchar_t(bitPattern: v))
                guard c >= 0 else { continue }   // unassigned or non-printing in this libc's tables
                compared += 1
                if Int(c) != DisplayWidth.of(u) { differ.append(String(format: "U+%04X wcwidth %d rule %d", v, c, DisplayWidth.of(u))) }
            }
        }
        #expect(compared > 5_000)
        // Tables of different Unicode versions disagree on a few recent assignments; the rule must
        // agree on all but a handful.
        #expect(differ.count <= compared / 500, "\(differ.count) of \(compared) differ: \(differ.prefix(20))")
    }
}
