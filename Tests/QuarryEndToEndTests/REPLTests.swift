import Foundation
import Testing

/// The shell through a pipe (script in, output compared with a snapshot) and in a real terminal
/// under tmux (completion, history, Ctrl-C, width).
@Suite(.serialized) struct REPLTests {
    /// A small BEIR folder with metadata, imported and indexed with the binary.
    static func fixture() throws -> (Scratch, String) {
        let s = Scratch()
        s.write("beir/corpus.jsonl", """
            {"_id":"d1","title":"Cats and dogs","text":"Cats chase mice and dogs chase cats in the garden.","metadata":{"year":2019,"tags":["pets"],"author":{"name":"Ann"}}}
            {"_id":"d2","title":"Stellar nurseries","text":"Stars are born in clouds of gas and dust called nebulae.","metadata":{"year":2021,"tags":["space"],"author":{"name":"Bo"}}}
            {"_id":"d3","title":"Garden birds of the northern hemisphere and the feeders they visit every single morning of the year","text":"Robins and sparrows visit the garden feeder every morning.","metadata":{"year":2020,"tags":["birds"],"author":{"name":null}}}
            {"_id":"d4","title":"Black holes","text":"A black hole bends light; nothing escapes its event horizon.","metadata":{"year":2022,"tags":["space","physics"],"author":{"name":"Cy"}}}
            """)
        s.write("beir/queries.jsonl", "{\"_id\":\"q1\",\"text\":\"cats in the garden\"}\n{\"_id\":\"q2\",\"text\":\"how are stars born\"}\n")
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
        let db = s.file("r.db")
        let imported = try Binary.run(["import", s.file("beir"), "--collection", "tiny", "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")
        let indexed = try Binary.run(["index", "--collection", "tiny", "--text", "title,text", "--db", db])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        return (s, db)
    }

    /// `actual` equals `snapshot` line by line, except that a line cut to the window ("…") on one
    /// side matches the other's line that goes on from the cut: where a plan line is cut depends
    /// on how long its measured times are, which moves with the machine's speed.
    static func matches(_ actual: String, snapshot: String) -> Bool {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = snapshot.split(separator: "\n", omittingEmptySubsequences: false)
        guard a.count == e.count else { return false }
        func continues(_ cut: Substring, _ whole: Substring) -> Bool { cut.hasSuffix("…") && whole.hasPrefix(cut.dropLast()) }
        return zip(a, e).allSatisfy { $0 == $1 || continues($0, $1) || continues($1, $0) }
    }

    /// Timings and dates vary from run to run; the snapshot holds them as `#`.
    static func normalized(_ text: String) -> String {
        var t = text
        for pattern in [#"\d+\.\d+ ms"#, #"time=[0-9.]+\.\.[0-9.]+"#, #"\d{4}-\d\d-\d\dT[0-9:.]+"#, #"\d+\.\d (KiB|MiB)"#] {
            t = t.replacingOccurrences(of: pattern, with: "#", options: .regularExpression)
        }
        return t
    }

    @Test func scriptThroughAPipeMatchesTheSnapshot() throws {
        let (s, db) = try Self.fixture()
        let script = """
            -- a comment line is skipped
            .collections
            SEARCH tiny MATCH 'garden'
              LIMIT 3;
            .mode csv
            SEARCH tiny MATCH 'garden' WHERE metadata.year >= 2020;
            .mode line
            SEARCH tiny MATCH 'stars';
            .mode table
            .set k1 1.5
            .show k1
            .schema tiny
            SEARCH tiny MATCH 'garden' WHERE metadata.yeer > 1;
            .collections
            """
        let r = try Binary.run(["repl", "--db", db], stdin: script)
        _ = s
        #expect(r.status == 1)
        #expect(r.stderr == """
            error: line 1, column 34: in WHERE: no record has the path metadata.yeer; did you mean metadata.year?
              SEARCH tiny MATCH 'garden' WHERE metadata.yeer > 1;
                                               ^

            """)
        let expected = """
            name  records  text fields  vector fields  queries  indexes                         size
            ────  ───────  ───────────  ─────────────  ───────  ──────────────────────────  ────────
            tiny        4  title, text                       2  bm25:bm25, paths:json_path  #
            #  id   score  title
            ─  ──  ──────  ─────────────────────────────────────────────────────────────────────────────────────
            1  d3  0.8574  Garden birds of the northern hemisphere and the feeders they visit every single morn…
            2  d1  0.7229  Cats and dogs
            2 hits · planning #, execution # · terms: garden
            rank,id,score,title
            1,d3,0.8574,Garden birds of the northern hemisphere and the feeders they visit every single morning of the year
             rank = 1
               id = d2
            score = 1.2557
            title = Stellar nurseries
            SET k1 = 1.5
            setting  value         meaning
            ───────  ─────  ─────  ──────────────────────────────
            k1       1.5    (set)  BM25 term-frequency saturation
            collection tiny  (4 records, #)
              id field:      _id
              text fields:   title, text
              query set:     2 queries; judged: test 2
              index:         bm25  bm25 on title,text  {"analyzer":"english","fields":["title","text"]}  #
              index:         paths  json_path on metadata  {"paths":["metadata.author.name","metadata.tags","metadata.year"],"requested":[]}  #
              JSON paths:
                metadata.author       object          metadata.tags         array<string>
                metadata.author.name  string|null     metadata.year         number

            """
        #expect(Self.normalized(r.stdout) == expected)
    }

    @Test func evalSweepAndRunsThroughAPipe() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let r = try Binary.run(["repl", "--db", db], stdin: ".eval tiny bm25\n.sweep tiny k1 0.5,1.2\n.runs tiny\n.help sweep\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("nDCG@10             1.0000") || r.stdout.contains("nDCG@10"))
        #expect(r.stdout.contains("stored as run 1"))
        #expect(r.stdout.contains("tiny · bm25 · sweep of k1"))
        let runs = r.stdout.split(separator: "\n").filter { $0.contains("eval --mode bm25") }
        #expect(runs.count == 3, "\(r.stdout)")
        #expect(r.stdout.contains(".sweep COLLECTION ef|nprobe|refine_k|k1|b|rm3_fb_docs|rm3_fb_terms|rm3_original_query_weight|rrf_k|weight V,V,…"))
    }

    @Test func unknownDotCommandSuggestsAndStopsTheScript() throws {
        let (s, db) = try Self.fixture()
        _ = s
        let r = try Binary.run(["repl", "--db", db], stdin: ".colections\n.collections\n")
        #expect(r.status == 1)
        #expect(r.stderr == "error: unknown command .colections; did you mean .collections? (.help lists them)\n")
        #expect(r.stdout.isEmpty)
    }

    // MARK: - In a terminal (tmux)

    static var haveTmux: Bool { Tmux.available }

    static func shell(_ db: String, history: String, width: Int = 120) throws -> Tmux {
        try Tmux(width: width, height: 35, command: "env NO_COLOR=1 QUARRY_HISTORY='\(history)' '\(Binary.path)' repl --db '\(db)'")
    }

    @Test(.enabled(if: REPLTests.haveTmux)) func completesCollectionNamesAndJSONPaths() throws {
        let (s, db) = try Self.fixture()
        let pane = try Self.shell(db, history: s.file("history"))
        pane.expect("the prompt") { $0.contains("quarry>") }
        try pane.type("SEARCH ti")
        try pane.press("Tab")
        pane.expect("the collection name") { $0.contains("quarry> SEARCH tiny") }
        try pane.type("MATCH 'garden' WHERE metadata.")
        try pane.press("Tab")
        try pane.press("Tab")
        pane.expect("the listing of paths with types") { $0.contains("metadata.author.name  string|null") && $0.contains("metadata.tags         array<string>") }
        try pane.type("ye")
        try pane.press("Tab")
        pane.expect("the completed path") { $0.contains("WHERE metadata.year") }
        try pane.type(">= 2020;")
        try pane.press("Enter")
        pane.expect("the hits") { $0.contains("1 hits") }
    }

    @Test(.enabled(if: REPLTests.haveTmux)) func upArrowRecallsHistoryAcrossSessions() throws {
        let (s, db) = try Self.fixture()
        do {
            let pane = try Self.shell(db, history: s.file("history"))
            pane.expect("the prompt") { $0.contains("quarry>") }
            try pane.type("SEARCH tiny MATCH 'stars';")
            try pane.press("Enter")
            pane.expect("the hits") { $0.contains("1 hits") }
            try pane.press("Up")
            pane.expect("the recalled statement") { $0.split(separator: "\n").last == "quarry> SEARCH tiny MATCH 'stars';" }
            try pane.press("C-c")
            try pane.type(".quit")
            try pane.press("Enter")
        }
        let again = try Self.shell(db, history: s.file("history"))
        again.expect("the prompt") { $0.contains("quarry>") }
        try again.press("Up")
        try again.press("Up")
        again.expect("the statement from the last session") { $0.contains("quarry> SEARCH tiny MATCH 'stars';") }
    }

    @Test(.enabled(if: REPLTests.haveTmux)) func ctrlCCancelsARunningCommandAndReturnsToThePrompt() throws {
        let (s, db) = try Self.fixture()
        let pane = try Self.shell(db, history: s.file("history"))
        pane.expect("the prompt") { $0.contains("quarry>") }
        try pane.type(".sleep 60")
        try pane.press("Enter")
        usleep(300_000)
        try pane.press("C-c")
        pane.expect("cancelled and a new prompt") { $0.contains("error: cancelled") && $0.split(separator: "\n").last?.hasPrefix("quarry>") == true }
        try pane.type(".collections")
        try pane.press("Enter")
        pane.expect("the shell still answers") { $0.contains("tiny        4") }
    }

    /// A sweep of 20,000 settings runs for minutes; Ctrl-C stops it between queries, so the next
    /// command answers at once instead of waiting behind it on the worker.
    @Test(.enabled(if: REPLTests.haveTmux)) func ctrlCStopsALongSweep() throws {
        let (s, db) = try Self.fixture()
        let pane = try Self.shell(db, history: s.file("history"))
        pane.expect("the prompt") { $0.contains("quarry>") }
        let values = (0..<20_000).map { String(format: "%.5f", 0.5 + Double($0) * 0.00005) }.joined(separator: ",")
        let script = s.write("long-sweep.sql", ".sweep tiny k1 \(values)\n")
        try pane.type(".read \(script)")
        try pane.press("Enter")
        usleep(1_500_000)
        try pane.press("C-c")
        pane.expect("cancelled and a new prompt") { $0.contains("error: cancelled") && $0.split(separator: "\n").last?.hasPrefix("quarry>") == true }
        try pane.type(".collections")
        try pane.press("Enter")
        pane.expect("the shell answers at once") { $0.contains("tiny        4") }
        try pane.type(".quit")
        try pane.press("Enter")
        usleep(300_000)
        let runs = try Binary.run(["runs", "--json", "--db", db])
        let count = runs.stdout.components(separatedBy: "\"statement\"").count - 1
        #expect(count > 0 && count < 20_000, "\(count) runs stored")
    }

    @Test(.enabled(if: REPLTests.haveTmux)) func tablesFitAnEightyColumnWindow() throws {
        let (s, db) = try Self.fixture()
        let pane = try Self.shell(db, history: s.file("history"), width: 80)
        pane.expect("the prompt") { $0.contains("quarry>") }
        try pane.type("SEARCH tiny MATCH 'garden';")
        try pane.press("Enter")
        pane.expect("the hits") { $0.contains("2 hits") }
        let lines = pane.text.split(separator: "\n")
        let row = lines.first { $0.contains("d3") } ?? ""
        #expect(row.hasSuffix("…"), "\(pane.text)")
        #expect(row.count <= 80 && row.count >= 70, "\(row)")
    }
}

/// The tutorial, chapter by chapter, on the sample database of `make run` (built here with the
/// same script, in about 20 s), compared with snapshots in `Snapshots/tutorial-N.txt`.
/// `QUARRY_UPDATE_SNAPSHOTS=1` rewrites them.
@Suite(.serialized) struct TutorialTests {
    /// Timings, sizes, rates and dates vary from run to run; column widths follow them, so runs of
    /// spaces are folded too.
    /// Timings and dates vary from run to run; the snapshot holds them as `#`.
    static func normalized(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var t = String(line)
            for (pattern, replacement) in [
                (#"\d+\.\d+ ms"#, "# ms"), (#"time=[0-9.]+\.\.[0-9.]+"#, "time=#"), (#"\d{4}-\d\d-\d\d[T ][0-9:.]+Z?"#, "#"),
                (#"\d+(\.\d+)? (B|KiB|MiB|GiB)\b"#, "# B"), (#"^(latency p50 ms|QPS \(1 thread\)) +[0-9.]+"#, "$1 #"),
                (#" {2,}"#, "  "),
            ] {
                t = t.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            lines.append(t)
        }
        return lines.joined(separator: "\n")
    }

    /// The p50 column of a sweep table (the one before the run number).
    static func withoutSweepLatency(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?m)^( ?[0-9.]+  [0-9.—]+  [0-9.—]+  [0-9.—]+  [0-9.—]+  )[0-9.]+(  \d+)$"#, with: "$1#$2", options: .regularExpression)
    }

    static func snapshotPath(_ chapter: Int) -> String {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Snapshots/tutorial-\(chapter).txt").path
    }

    @Test func everyChapterRunsOnTheSampleAndMatchesItsSnapshot() throws {
        let s = Scratch()
        let db = s.file("sample.db")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/bin/bash")
        make.arguments = [Binary.root + "/scripts/make-sample.sh", Binary.path, db]
        // The places chapter runs on the places within 150 km of Lisbon (embedding 34,006 places takes minutes).
        make.environment = ProcessInfo.processInfo.environment.merging(["PLACES": Binary.root + "/Tests/Fixtures/places/lisbon.jsonl"]) { _, new in new }
        make.standardOutput = FileHandle.nullDevice
        try make.run()
        make.waitUntilExit()
        try #require(make.terminationStatus == 0, "scripts/make-sample.sh failed")

        for chapter in 1...8 {
            let r = try Binary.run(["repl", "--db", db], cwd: Binary.root, stdin: ".tutorial \(chapter)\n")
            // Chapter 3 shows a mistyped path on purpose; every other step succeeds.
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
            #expect(errors == (chapter == 3 ? ["error: line 1, column 36: in WHERE: no record has the path metadata.sectoin; did you mean metadata.section?"] : []), "\(r.stderr)")
            #expect(r.status == (chapter == 3 ? 1 : 0))
            #expect(r.stdout.hasPrefix("── \(chapter). "))

            let actual = Self.withoutSweepLatency(Self.normalized(r.stdout))
            let path = Self.snapshotPath(chapter)
            if ProcessInfo.processInfo.environment["QUARRY_UPDATE_SNAPSHOTS"] == "1" {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
            }
            let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no snapshot at \(path); run with QUARRY_UPDATE_SNAPSHOTS=1)"
            #expect(REPLTests.matches(actual, snapshot: expected), "chapter \(chapter) differs from its snapshot")
        }
    }

    @Test func tutorialFilesParseIntoCommentedSteps() throws {
        let folder = Binary.root + "/Samples/tutorial"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == ["01-bm25.sql", "02-vectors.sql", "03-filters.sql", "04-hybrid.sql", "05-evaluation.sql", "06-judgments.sql", "07-milvus-surface.sql",
                          "08-places.sql"])
    }
}
