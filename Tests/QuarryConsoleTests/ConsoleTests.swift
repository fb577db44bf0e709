import QuarryConsole
import QuarryEngine
import Testing

/// The terminal-neutral pieces the CLI, the REPL and the TUI share: one display-width rule,
/// tables that fit, wrapping, and the renderings of evaluations and sweeps.
@Suite struct DisplayWidthTests {
    @Test func oneRuleForEveryScalar() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("東京") == 4 && DisplayWidth.of("한국") == 4 && DisplayWidth.of("ＡＢ") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1, "a combining mark takes no cell")
        #expect(DisplayWidth.of("zero\u{200B}width") == 9 && DisplayWidth.of("\u{FEFF}") == 0)
        #expect(DisplayWidth.of("🚀") == 2 && DisplayWidth.of("😀") == 2 && DisplayWidth.of("❤") == 1)
        #expect(DisplayWidth.of("🇫🇷") == 2, "a flag is two regional indicators of one cell each")
        #expect(DisplayWidth.of("\u{7}") == 0 && DisplayWidth.of("soft\u{AD}hyphen") == 11)
    }

    @Test func cuttingPaddingAndWrappingCountCells() {
        #expect(DisplayWidth.truncate("東京都庁", to: 5) == "東京…" && DisplayWidth.of(DisplayWidth.truncate("東京都庁", to: 5)) == 5)
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.fit("東京都", 5) == "東京…" && DisplayWidth.fit("ab", 4) == "ab  " && DisplayWidth.fit("abcdef", 4, ellipsis: false) == "abcd")
        #expect(DisplayWidth.right("7", 3) == "  7" && DisplayWidth.pad("x", to: 3, right: true) == "  x")
        #expect(DisplayWidth.clip("東京都", 5) == (text: "東京", width: 4))
        #expect(DisplayWidth.wrap("one two three four", 9) == ["one two", "three", "four"])
        #expect(DisplayWidth.wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"], "a word longer than a line is split")
        #expect(DisplayWidth.wrap("a\nb", 10) == ["a", "b"] && DisplayWidth.wrap("", 5) == [""])
        #expect(DisplayWidth.wrap("東京", 1) == ["東", "京"], "a character wider than the line still moves on")
        #expect(DisplayWidth.printable("a\tb\u{1}") == "a b?")
        for width in 1...12 {
            for line in DisplayWidth.wrap("東京 is a city in 日本 with many people", width) { #expect(DisplayWidth.of(line) <= max(width, 2)) }
        }
    }
}

@Suite struct TextTableTests {
    @Test func columnsShrinkWidestFirstToFitTheWidth() {
        let t = TextTable(columns: [.init("id"), .init("n", alignRight: true), .init("title")],
                          rows: [["d1", "5", "A rather long title that will not fit in a narrow terminal window"], ["d22", "12", "東京の話"]])
        let wide = t.render(width: 200)
        #expect(wide.split(separator: "\n").count == 4 && wide.contains("d22  12  東京の話"))
        for width in [30, 40, 60] {
            let lines = t.render(width: width).split(separator: "\n")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width }, "\(width): \(lines)")
            #expect(lines[2].hasSuffix("…"))
        }
        #expect(Human.count(1_234_567) == "1,234,567" && Human.count(-12) == "-12" && Human.bytes(2048) == "2.0 KiB")
    }
}

@Suite struct RenderTests {
    @Test func evalRowsAndSweepTable() throws {
        let summary = EvalSummary(ndcg10: 0.5, mrr10: 0.25, recall100: 1, p10: 0.1, map: nil, queries: 2, latency: nil)
        let report = EvalReport(summary: summary, recallExact: 0.975, runID: 1, json: .null)
        #expect(Render.evalRows(report) == [["nDCG@10", "0.5000"], ["MRR@10", "0.2500"], ["Recall@100", "1.0000"], ["P@10", "0.1000"],
                                            ["MAP", "—"], ["recall@10 vs exact", "0.9750"]])
        var grid = SweepGrid()
        try grid.add("ef", [.int(16), .int(64)])
        let rows = [SweepRow(setting: SweepSetting([.init(name: "ef", value: .int(16))]), metrics: ["recall@10": 0.9], p50Ms: 0.1),
                    SweepRow(setting: SweepSetting([.init(name: "ef", value: .int(64))]), metrics: ["recall@10": 0.99], p50Ms: 0.3)]
        let text = Render.sweepTable(rows, grid: grid, metric: "recall@10", mark: 1, width: 100, color: false)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("ef  recall@10 exact  p50 ms"))
        #expect(lines[2].hasPrefix("16") && lines[2].contains("0.9000") && lines[2].hasSuffix("★"))
        #expect(lines[3].hasSuffix("★ ◀ chosen"))
    }
}
