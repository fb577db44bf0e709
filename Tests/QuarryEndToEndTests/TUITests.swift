import Foundation
import enum QuarryConsole.DisplayWidth
import Testing

/// `quarry tui` driven through tmux: queries, the document view, query-set mode, resizing, and
/// the terminal restored after `q` and after SIGTERM.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct TUITests {
    /// A six-record BEIR folder with 4-d vectors, imported and indexed (BM25 and HNSW) by the binary.
    static func database() throws -> (Scratch, String) {
        let s = Scratch()
        s.write("beir/corpus.jsonl", """
            {"_id":"d1","title":"Vitamin D and bone fractures","text":"Vitamin D supplements lower the risk of hip fractures in the elderly.","metadata":{"year":2012}}
            {"_id":"d2","title":"Cancer and microRNA","text":"MicroRNA expression profiles identify cancer types.","metadata":{"year":2008}}
            {"_id":"d3","title":"Running injuries","text":"Runners who run long distances report knee injuries.","metadata":{"year":2015}}
            {"_id":"d4","title":"Bone density in runners","text":"Bone density rises with running and vitamin intake.","metadata":{"year":2019}}
            {"_id":"d5","title":"骨密度と運動 bone study","text":"日本の研究 bone density exercise in Japan.","metadata":{"year":2020}}
            {"_id":"d6","title":"Sleep and memory","text":"Sleep consolidates memory in adults and children.","metadata":{"year":2011}}
            """)
        s.write("beir/queries.jsonl", "{\"_id\":\"q1\",\"text\":\"vitamin D fracture risk\"}\n{\"_id\":\"q2\",\"text\":\"bone density running\"}\n")
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td4\t2\nq2\td5\t1\n")
        FileManager.default.createFile(atPath: s.file("corpus.fbin"), contents: fbin([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0.7, 0, 0.7, 0], [0.6, 0.1, 0.6, 0.1], [0, 0, 0, 1]]))
        FileManager.default.createFile(atPath: s.file("queries.fbin"), contents: fbin([[1, 0, 0.1, 0], [0.6, 0, 0.8, 0]]))
        let db = s.file("q.db")
        for args in [["import", s.file("beir"), "--collection", "c", "--vectors", s.file("corpus.fbin"), "--query-vectors", s.file("queries.fbin")],
                     ["index", "--collection", "c", "--text", "title,text"],
                     ["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw"]] {
            let r = try Binary.run(args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        return (s, db)
    }

    /// Starts `quarry tui` from the pane's shell, which records `stty -a` before and after and the exit status.
    static func start(_ tmux: Tmux, db: String, scratch: Scratch, header: String = "Quarry · c · 6 records") throws {
        let q = { (p: String) in "'" + p + "'" }
        try tmux.type("stty -a > \(q(scratch.file("before.txt"))); \(q(Binary.path)) tui --db \(q(db)); echo $? > \(q(scratch.file("status.txt"))); stty -a > \(q(scratch.file("after.txt")))")
        try tmux.press("Enter")
        let lines = try tmux.wait { $0.contains { $0.contains("query›") } }
        #expect(lines.contains { $0.contains(header) }, "\(lines.joined(separator: "\n"))")
    }

    static func waitForExit(_ scratch: Scratch) -> String? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: scratch.file("after.txt"), encoding: .utf8), !s.isEmpty,
               let status = try? String(contentsOfFile: scratch.file("status.txt"), encoding: .utf8) {
                return status.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// `stty -a` without its first line (speed, rows, columns: the window size may have changed).
    static func modes(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst().map { $0 }
    }

    @Test func queryDocumentQuerySetResizeAndQuit() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)

        // Typing goes to the query line; Enter fills all three columns.
        try tmux.type("bone running")
        try tmux.press("Enter")
        var lines = try tmux.wait { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } && $0.contains { $0.contains("R@10 ex") } }
        let text = lines.joined(separator: "\n")
        #expect(lines.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 }, "three columns with a first hit:\n\(text)")
        #expect(lines.contains { $0.components(separatedBy: "│ 2 ").count - 1 == 3 }, "\(text)")
        #expect(text.contains("lexical") && text.contains("hybrid") && text.contains("no embedder"), "\(text)")
        #expect(text.contains("RRF Fusion") && text.contains("p95 ms"), "plan and metrics panes:\n\(text)")
        #expect(text.contains("骨密度"), "CJK titles are drawn:\n\(text)")
        for l in lines { #expect(DisplayWidth.of(l) <= 100, "too wide: \(l)") }

        // Esc leaves the query line for the result columns; Enter opens the selected hit (d4, first lexical hit).
        try tmux.press("Escape")
        try tmux.press("Enter")
        lines = try tmux.wait { $0.contains { $0.contains("BM25 explanation") } }
        let doc = lines.joined(separator: "\n")
        #expect(doc.contains("document d4") && doc.contains("Bone density rises with running and vitamin intake."), "\(doc)")
        #expect(doc.contains("BM25 explanation") && doc.contains("idf="), "\(doc)")
        // The metadata starts folded; m unfolds it.
        #expect(doc.contains("▸ metadata: 3 lines folded") && !doc.contains("2019"), "\(doc)")
        try tmux.type("m")
        lines = try tmux.wait { $0.contains { $0.contains("▾ metadata") } }
        #expect(lines.contains { $0.contains("\"year\": 2019") }, "\(lines.joined(separator: "\n"))")
        try tmux.press("Escape")
        lines = try tmux.wait { !$0.contains { $0.contains("BM25 explanation") } }
        #expect(!lines.contains { $0.contains("document d4") })

        // `?` lists the keys; query-set mode steps to the first judged query, with ✓ and nDCG.
        try tmux.type("?")
        lines = try tmux.wait { $0.contains { $0.contains("query-set mode: next test query") } }
        #expect(lines.contains { $0.contains("Ctrl-C") && $0.contains("quit") }, "\(lines.joined(separator: "\n"))")
        try tmux.press("Escape")
        try tmux.type("n")
        lines = try tmux.wait { $0.contains { $0.contains("nDCG@10") } && $0.contains { $0.contains("✓") } }
        #expect(lines.contains { $0.contains("query set 1/2") } && lines.contains { $0.contains("vitamin D fracture risk") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("✓") && $0.contains("d1") })

        // 80×24: redrawn to the new size, no line wider than 80 cells.
        try tmux.resize(width: 80, height: 24)
        lines = try tmux.wait { ls in
            ls.count >= 24 && ls[0].contains("Quarry · c") && ls[1].contains("query›") && ls[2].hasPrefix("┌") && ls[2].hasSuffix("┐")
                && DisplayWidth.of(ls[2]) == 80 && !ls.contains { DisplayWidth.of($0) > 80 }
        }
        let small = lines.joined(separator: "\n")
        for l in lines { #expect(DisplayWidth.of(l) <= 80, "too wide after resize: \(l)") }
        #expect(lines.first?.contains("Quarry · c") == true, "\(small)")
        #expect(lines.filter { $0.hasPrefix("└") }.count >= 2, "result and bottom frames:\n\(small)")
        #expect(lines.contains { $0.contains("nDCG@10") }, "metrics fit in 24 rows:\n\(small)")

        // 200×60: every row of the body ends on a border at column 200, nothing left of the small layout.
        try tmux.resize(width: 200, height: 60)
        lines = try tmux.wait { ls in
            ls.count >= 60 && ls[1].contains("query›") && ls[2].hasPrefix("┌") && DisplayWidth.of(ls[2]) == 200
                && ls[2...58].allSatisfy { DisplayWidth.of($0) == 200 && ($0.hasSuffix("│") || $0.hasSuffix("┐") || $0.hasSuffix("┘")) }
        }
        let wide = lines.joined(separator: "\n")
        #expect(lines.count >= 60 && lines[2...58].allSatisfy { DisplayWidth.of($0) == 200 && "│┐┘".contains($0.last ?? " ") }, "\(wide)")
        #expect(lines.contains { $0.contains("nDCG@10") } && lines.contains { $0.contains("✓") && $0.contains("d1") }, "\(wide)")
        #expect(lines.filter { $0.hasPrefix("└") }.count >= 2, "\(wide)")

        // q quits outside the query line; the shell gets its terminal back as it was.
        try tmux.type("q")
        #expect(Self.waitForExit(s) == "0")
        #expect(Self.modes(s.file("before.txt")) == Self.modes(s.file("after.txt")))
        #expect(!Self.modes(s.file("before.txt")).isEmpty)
    }

    /// The query line takes RANK BY and GROUP BY after the words (and WHERE): the plan shows the
    /// rank and group nodes, the titles their group, the document view each ranker's factor.
    @Test func rankersAndGroupsFromTheQueryLine() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 120, height: 40, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)
        try tmux.type("bone vitamin RANK BY decay(linear, metadata.year, origin => 2020, scale => 5)")
        try tmux.press("Enter")
        var lines = try tmux.wait { $0.contains { $0.contains("Rank  (decay(linear") } && $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } }
        #expect(lines.contains { $0.contains("RANK BY decay(linear") }, "the clauses in the status line:\n\(lines.joined(separator: "\n"))")
        try tmux.press("Escape")
        try tmux.press("Enter")
        lines = try tmux.wait { $0.contains { $0.contains("BM25 explanation") } }
        let doc = lines.joined(separator: "\n")
        #expect(doc.contains("Rankers (RANK BY)") && doc.contains("decay(linear, metadata.year): input 20") && doc.contains("factor"), "\(doc)")
        try tmux.press("Escape")
        try tmux.type("/")
        _ = try tmux.wait { $0.contains { $0.contains("query›") } }
        try tmux.press("C-u")
        try tmux.type("bone GROUP BY metadata.year SIZE 1")
        try tmux.press("Enter")
        lines = try tmux.wait { $0.contains { $0.contains("Group By metadata.year") } && $0.contains { $0.contains("[20") } }
        #expect(lines.contains { $0.contains("Widening") }, "\(lines.joined(separator: "\n"))")
        try tmux.press("C-c")
        #expect(Self.waitForExit(s) == "0")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)
        let pid = try #require(try tmux.foregroundChild())
        #expect(kill(pid, SIGTERM) == 0)
        #expect(Self.waitForExit(s) == "143")
        let before = try String(contentsOfFile: s.file("before.txt"), encoding: .utf8)
        let after = try String(contentsOfFile: s.file("after.txt"), encoding: .utf8)
        #expect(before == after && !before.isEmpty)
        let lines = try tmux.screen()
        #expect(!lines.contains { $0.contains("query›") }, "the shell's screen is back")
    }

    @Test func ctrlCQuitsFromTheQueryLine() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)
        try tmux.type("qqq")   // typed into the query line, does not quit
        try tmux.wait { $0.contains { $0.contains("query› qqq") } }
        try tmux.press("C-c")
        #expect(Self.waitForExit(s) == "0")
        #expect(Self.modes(s.file("before.txt")) == Self.modes(s.file("after.txt")))
    }
}
