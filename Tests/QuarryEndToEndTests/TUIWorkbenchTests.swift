import Foundation
import struct QuarryBase.SplitMix64
import Testing

/// Waits until the screen shows what `ready` looks for, and fails the test (with the screen) when it never does.
@discardableResult
func expectScreen(_ tmux: Tmux, timeout: Double = 15, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                  _ ready: ([String]) -> Bool) throws -> [String] {
    let lines = try tmux.wait(timeout: timeout, ready)
    #expect(ready(lines), "\(what):\n\(lines.joined(separator: "\n"))", sourceLocation: sourceLocation)
    return lines
}

/// The workbench's live tuning, facets, sweep and completion, driven through tmux.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct TUIWorkbenchTests {
    /// What the metrics pane and the vector column say about the shown run.
    struct VectorFigures {
        var ef: Int
        var ms: Double
        var recall: Double
        var distances: Int
    }

    static func vectorFigures(_ lines: [String]) -> VectorFigures? {
        func after(_ label: String) -> [String]? {
            guard let l = lines.first(where: { $0.contains(label) }) else { return nil }
            let tail = l.components(separatedBy: label)[1]
            return tail.prefix { $0 != "│" }.split(separator: " ").map(String.init)
        }
        guard let title = lines.first(where: { $0.contains("vector ef=") }),
              let m = title.firstMatch(of: /vector ef=(\d+) ([0-9.]+)ms/),
              let recall = after("R@10 ex"), recall.count == 3, let r = Double(recall[1]),
              let dist = after("dist"), dist.count == 3, let d = Int(dist[1]) else { return nil }
        return VectorFigures(ef: Int(m.1)!, ms: Double(m.2)!, recall: r, distances: d)
    }

    /// 100,000 random 32-d vectors (hard for a graph index at small ef), short texts, five judged
    /// queries with their own vectors; BM25 and HNSW (M = 12, ef_construction = 64) built by the binary.
    static func largeDatabase() throws -> (Scratch, String) {
        let s = Scratch()
        let n = 100_000, d = 32
        var g = SplitMix64(seed: 7)
        var corpus = ""
        corpus.reserveCapacity(n * 60)
        let words = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "jade"]
        for i in 0..<n {
            corpus += "{\"_id\":\"d\(i)\",\"title\":\"doc \(i)\",\"text\":\"\(words[i % 10]) \(words[(i / 10) % 10])\"}\n"
        }
        s.write("beir/corpus.jsonl", corpus)
        var queries = "", qrels = "query-id\tcorpus-id\tscore\n"
        for q in 0..<5 {
            queries += "{\"_id\":\"q\(q)\",\"text\":\"\(words[q]) \(words[q + 1])\"}\n"
            qrels += "q\(q)\td\(q * 11)\t1\n"
        }
        s.write("beir/queries.jsonl", queries)
        s.write("beir/qrels/test.tsv", qrels)
        FileManager.default.createFile(atPath: s.file("corpus.fbin"), contents: fbin((0..<n).map { _ in (0..<d).map { _ in g.gaussian() } }))
        FileManager.default.createFile(atPath: s.file("queries.fbin"), contents: fbin((0..<5).map { _ in (0..<d).map { _ in g.gaussian() } }))
        let db = s.file("large.db")
        for args in [["import", s.file("beir"), "--collection", "c", "--vectors", s.file("corpus.fbin"), "--query-vectors", s.file("queries.fbin")],
                     ["index", "--collection", "c", "--text", "title,text"],
                     ["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw", "--M", "12", "--ef-construction", "64"]] {
            let r = try Binary.run(args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        return (s, db)
    }

    /// Steps through the five judged queries at the current ef and returns each run's figures.
    static func querySetFigures(_ tmux: Tmux, ef: Int) throws -> [VectorFigures] {
        var out: [VectorFigures] = []
        for q in 1...5 {
            try tmux.type("n")
            let lines = try tmux.wait(timeout: 30) { ls in
                ls.contains { $0.contains("query set \(q)/5") } && !ls.contains { $0.contains("running…") }
                    && vectorFigures(ls)?.ef == ef
            }
            let f = try #require(vectorFigures(lines), "query \(q) at ef=\(ef):\n\(lines.joined(separator: "\n"))")
            out.append(f)
        }
        return out
    }

    @Test func loweringEfOnA100kCollectionLowersRecallAndWork() throws {
        let (s, db) = try Self.largeDatabase()
        let tmux = try Tmux(width: 120, height: 40, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s, header: "Quarry · c · 100000 records")

        // Leave the query line, go to the parameters pane (results → plan → metrics → parameters), ef up to 512.
        try tmux.press("Escape")
        for _ in 0..<3 { try tmux.press("Tab") }
        for _ in 0..<3 { try tmux.press("Right") }
        let high = try Self.querySetFigures(tmux, ef: 512)
        // ef down to 8, below k = 10: the search keeps 10 candidates.
        for _ in 0..<6 { try tmux.press("Left") }
        let low = try Self.querySetFigures(tmux, ef: 8)

        let recallHigh = high.map(\.recall).reduce(0, +) / 5, recallLow = low.map(\.recall).reduce(0, +) / 5
        let workHigh = high.map(\.distances).reduce(0, +), workLow = low.map(\.distances).reduce(0, +)
        #expect(recallHigh >= 0.9, "ef=512 finds nearly all of the exact top-10: \(high)")
        #expect(recallLow < recallHigh, "mean recall@10 falls with ef: \(recallHigh) → \(recallLow)")
        #expect(workLow * 3 < workHigh, "distance computations fall with ef: \(workHigh) → \(workLow)")
        // The latency of each run is shown (its value is the machine's; the work above is what falls).
        #expect((high + low).allSatisfy { $0.ms > 0 }, "\(high) \(low)")
        let lines = try tmux.screen()
        #expect(lines.contains { $0.contains("p95 ms") } && lines.contains { $0.contains("nDCG@10") }, "\(lines.joined(separator: "\n"))")

        try tmux.type("q")
        #expect(TUITests.waitForExit(s) == "0")
    }

    @Test func facetBrowserAddsAFilter() throws {
        let (s, db) = try TUITests.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s)
        try tmux.type("bone")
        try tmux.press("Enter")
        try expectScreen(tmux, "three columns") { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } }

        // f: the paths with their types; Enter on metadata.year: its top values and histogram.
        try tmux.press("Escape")
        try tmux.type("f")
        var lines = try expectScreen(tmux, "the facet list") { $0.contains { $0.contains("metadata.year") && $0.contains("number") } }
        var text = lines.joined(separator: "\n")
        #expect(text.contains("facets · 1 JSON paths · 6 records"), "\(text)")
        #expect(text.contains("100 %"), "every record has a year:\n\(text)")
        try tmux.press("Enter")
        // Wait for the whole pane: the screen can be captured while ncurses is still writing it.
        lines = try expectScreen(tmux, "the values of metadata.year and their histogram") { ls in
            ls.contains { $0.contains("histogram of the numbers") } && ls.contains { $0.contains("2020]") }
        }
        text = lines.joined(separator: "\n")
        #expect(text.contains("facet metadata.year") && text.contains("top values") && text.contains("2019"), "\(text)")
        #expect(text.contains("[2008, ") && text.contains("2020]") && text.contains("█"), "bins from min to max:\n\(text)")

        // The top values are ordered by count, then value: 2008, 2011, 2012, 2015, 2019, 2020; pick 2019 (d4).
        for _ in 0..<4 { try tmux.press("Down") }
        try tmux.press("Enter")
        lines = try expectScreen(tmux, "the filtered run") { ls in
            ls.contains { $0.contains("WHERE metadata.year = 2019") } && !ls.contains { $0.contains("running…") }
                && ls.contains { $0.contains("│ 1 ") && $0.contains("d4") }
        }
        text = lines.joined(separator: "\n")
        #expect(text.contains("query› bone WHERE metadata.year = 2019"), "the filter is added to the query line:\n\(text)")
        #expect(lines.contains { $0.components(separatedBy: "d4").count - 1 == 3 }, "d4 heads all three columns:\n\(text)")
        #expect(!lines.contains { $0.contains("│ 2 ") }, "one record passes the filter:\n\(text)")

        try tmux.type("q")
        #expect(TUITests.waitForExit(s) == "0")
    }

    @Test func sweepPlotsTheFrontierAndAppliesAPoint() throws {
        let (s, db) = try TUITests.database()
        let tmux = try Tmux(width: 120, height: 36, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s)
        try tmux.type("vitamin")
        try tmux.press("Enter")
        try expectScreen(tmux, "three columns") { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } }

        // s: a sweep of ef (the selected parameter) over the query set, with the braille plot.
        try tmux.press("Escape")
        try tmux.type("s")
        var lines = try expectScreen(tmux, timeout: 30, "the finished sweep") { ls in
            ls.contains { $0.contains("sweep of ef over the query set") && !$0.contains("running") } && ls.contains { $0.contains("512") }
        }
        var text = lines.joined(separator: "\n")
        #expect(text.contains("recall@10") && text.contains("p50 ms") && text.contains("★"), "\(text)")
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "a braille plot:\n\(text)")
        for ef in ["10", "16", "32", "64", "128", "256", "512"] {
            #expect(lines.contains { $0.range(of: #"│?\s*"# + ef + #"\s+1\.000\s"#, options: .regularExpression) != nil }, "ef=\(ef) row:\n\(text)")
        }

        // The third point (ef = 32): Enter applies it and re-runs.
        try tmux.press("Down")
        try tmux.press("Down")
        try tmux.press("Enter")
        lines = try expectScreen(tmux, "the run at ef=32") { ls in ls.contains { $0.contains("vector") && $0.contains("ef=32") } && !ls.contains { $0.contains("running…") } }
        text = lines.joined(separator: "\n")
        #expect(!text.contains("sweep of ef"), "the sweep view closed:\n\(text)")
        #expect(lines.contains { $0.contains("ef") && $0.contains("32") && !$0.contains("vector") }, "the parameters pane shows ef 32:\n\(text)")

        try tmux.type("q")
        #expect(TUITests.waitForExit(s) == "0")
    }

    @Test func completionAndTheOtherParameters() throws {
        let (s, db) = try TUITests.database()
        let tmux = try Tmux(width: 120, height: 36, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s)

        // Tab completes a keyword and a JSON path on the query line.
        try tmux.type("bone wh")
        try tmux.press("Tab")
        try expectScreen(tmux, "WHERE completed") { $0.contains { $0.hasSuffix("query› bone WHERE") } }
        try tmux.type("metadata.y")
        try tmux.press("Tab")
        try expectScreen(tmux, "the path completed") { $0.contains { $0.hasSuffix("query› bone WHERE metadata.year") } }
        try tmux.type(">= 2015")
        try tmux.press("Enter")
        var lines = try expectScreen(tmux, "the filtered run") { ls in ls.contains { $0.contains("WHERE metadata.year >= 2015") } && ls.contains { $0.contains("│ 1 ") } && !ls.contains { $0.contains("running…") } }
        var text = lines.joined(separator: "\n")
        #expect(!text.contains("d1 ") && !text.contains("d2 "), "records before 2015 are filtered out:\n\(text)")

        // Tab with nothing to complete moves on: results, plan, metrics, parameters.
        for _ in 0..<4 { try tmux.press("Tab") }
        lines = try expectScreen(tmux, "the parameters pane") { $0.contains { $0.contains("nprobe") } }
        text = lines.joined(separator: "\n")
        for name in ["ef", "nprobe", "refine_k", "k1", "fusion", "rrf_k", "weight"] {
            #expect(text.contains(name), "\(name) in the parameters pane:\n\(text)")
        }
        // The hybrid column starts on FUSE auto, RRF while the collection has no tuned fusion.
        #expect(text.contains("hybrid auto: RRF k=60"), "\(text)")
        // fusion: ↓ five times (ef, nprobe, refine_k, k1, b, fusion), → → (auto, rrf, weighted) switches to weighted and re-runs.
        for _ in 0..<5 { try tmux.press("Down") }
        try tmux.press("Right")
        try expectScreen(tmux, "rrf fusion") { ls in ls.contains { $0.contains("hybrid RRF k=60") } && !ls.contains { $0.contains("running…") } }
        try tmux.press("Right")
        lines = try expectScreen(tmux, "weighted fusion") { ls in ls.contains { $0.contains("hybrid weighted 0.5/0.5") } && !ls.contains { $0.contains("running…") } }
        #expect(lines.contains { $0.contains("fusion") && $0.contains("weighted") }, "\(lines.joined(separator: "\n"))")
        // nprobe: ↑ four times, → doubles it (16 → 32).
        for _ in 0..<4 { try tmux.press("Up") }
        try tmux.press("Right")
        try expectScreen(tmux, "nprobe 32") { ls in ls.contains { $0.contains("nprobe") && $0.contains("32") } }
        // rm3, the last parameter: → turns RM3 feedback on for the lexical and hybrid columns.
        for _ in 0..<12 { try tmux.press("Down") }
        try tmux.press("Right")
        lines = try expectScreen(tmux, "RM3 on") { ls in ls.contains { $0.contains("lexical +RM3") } && !ls.contains { $0.contains("running…") } }
        #expect(lines.contains { $0.contains("rm3") && $0.contains("on") }, "\(lines.joined(separator: "\n"))")

        try tmux.press("C-c")
        #expect(TUITests.waitForExit(s) == "0")
    }
}
