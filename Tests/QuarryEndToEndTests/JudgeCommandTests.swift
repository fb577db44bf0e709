import Foundation
import Testing

/// Issue 20 through the binary: query sets, a judge command, qrels out and in, agreement, tries.
@Suite(.serialized) struct JudgeCommandTests {
    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// The TUI tests' six-record collection (BM25 and HNSW), with a set of three queries.
    static func fixture() throws -> (Scratch, String) {
        let (s, db) = try TUITests.database()
        s.write("mine.jsonl", """
            {"text": "bone density running", "need": "how running changes bone density"}
            {"text": "vitamin fracture"}
            {"text": "sleep memory"}
            """)
        let r = try Binary.run(["queries", "import", s.file("mine.jsonl"), "--collection", "c", "--set", "mine", "--db", db])
        #expect(r.status == 0 && r.stdout == "added 3 queries to c/mine\n", "\(r.stdout)\(r.stderr)")
        return (s, db)
    }

    /// The judge command that runs a shell script `name` made of `body`. The command reads the
    /// script through `sh` rather than executing the file: a process another test forks while
    /// the file is still open for writing keeps it open until its exec, and executing a file
    /// open for writing fails with "Text file busy" (seen under load).
    static func script(_ s: Scratch, _ name: String, _ body: String) -> String {
        s.write(name, body)
        return "sh \(s.file(name))"   // a temporary folder's path: no spaces
    }

    @Test func queriesAddListAndHelp() throws {
        let (s, db) = try Self.fixture()
        defer { withExtendedLifetime(s) {} }
        let added = try Binary.run(["queries", "add", "--collection", "c", "--set", "mine", "knee injuries", "--need", "running injuries", "--db", db, "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let q = try #require(try Self.json(added.stdout) as? [[String: Any]])
        #expect(q.first?["id"] as? String == "q4" && q.first?["need"] as? String == "running injuries")
        let sets = try #require(try Self.json(try Binary.run(["queries", "list", "--db", db, "--json"]).stdout) as? [[String: Any]])
        #expect(sets.map { $0["name"] as? String } == ["mine", "test"] && sets[0]["queries"] as? Int == 4 && sets[0]["kind"] as? String == "made")
        let listed = try Binary.run(["queries", "list", "--set", "mine", "--db", db])
        #expect(listed.stdout.contains("bone density running") && listed.stdout.contains("how running changes bone density"))
        let wrong = try Binary.run(["queries", "list", "--set", "mien", "--db", db])
        #expect(wrong.status == 1 && wrong.stderr.contains("no query set 'mien'; did you mean 'mine'?"), "\(wrong.stderr)")
        for command in [["queries", "add"], ["queries", "import"], ["queries", "list"], ["qrels", "export"], ["qrels", "import"],
                        ["judgments"], ["judge"], ["try", "save"], ["try", "list"], ["try", "compare"]] {
            let help = try Binary.run(command + ["--help"])
            #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains("quarry " + command.joined(separator: " ")), "\(command)")
        }
    }

    /// A deterministic judge grades the pools; the exported qrels are what it printed; they go
    /// back in and out unchanged, and the agreement with a person's grades is Cohen's kappa.
    @Test func judgeExportImportAndAgreement() throws {
        let (s, db) = try Self.fixture()
        defer { withExtendedLifetime(s) {} }
        let log = s.file("printed.txt")
        let judge = Self.script(s, "judge.sh", """
            input=$(cat)
            id=$(printf '%s' "$input" | sed -n 's/.*"doc":{"id":"\\([^"]*\\)".*/\\1/p')
            q=$(printf '%s' "$input" | sed -n 's/^{"query":"\\([^"]*\\)".*/\\1/p')
            case "$id" in d1|d4) g=2 ;; d3) g=1 ;; *) g=0 ;; esac
            echo "$q|$id|$g" >> '\(log)'
            echo "$g"
            """)
        let dry = try Binary.run(["judge", "--collection", "c", "--set", "mine", "--depth", "3", "--judge-cmd", judge, "--dry-run", "--db", db, "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try #require(try Self.json(dry.stdout) as? [String: Any])
        #expect(plan["graded"] as? Int == 0 && (plan["to_judge"] as? Int ?? 0) > 0 && !FileManager.default.fileExists(atPath: log))

        let run = try Binary.run(["judge", "--collection", "c", "--set", "mine", "--depth", "3", "--judge-cmd", judge, "--db", db, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try Self.json(run.stdout) as? [String: Any])
        #expect(report["source"] as? String == "cmd:judge" && report["graded"] as? Int == plan["to_judge"] as? Int)
        #expect((report["failures"] as? [Any])?.isEmpty == true)

        // The qrels are what the judge printed.
        let ids = ["bone density running": "q1", "vitamin fracture": "q2", "sleep memory": "q3"]
        let printed = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line -> String in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return "\(ids[f[0]]!) 0 \(f[1]) \(f[2])"
        }
        let exported = try Binary.run(["qrels", "export", "--collection", "c", "--set", "mine", "--db", db])
        #expect(exported.status == 0)
        #expect(exported.stdout.split(separator: "\n").map(String.init).sorted() == printed.sorted())

        // Out to a file and back in: the same qrels.
        let file = s.file("mine.qrels")
        #expect(try Binary.run(["qrels", "export", "--set", "mine", "--output", file, "--db", db]).status == 0)
        let imported = try Binary.run(["qrels", "import", file, "--set", "copy", "--db", db, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try Binary.run(["qrels", "export", "--set", "copy", "--db", db]).stdout == exported.stdout)

        // A person disagrees on one pair: a person's grade counts, and kappa compares the sources.
        let first = try #require(printed.sorted().first).split(separator: " ")
        let q = String(first[0]), d = String(first[2]), g = Int(first[3])!
        s.write("human.qrels", "\(q) 0 \(d) \(g == 0 ? 3 : 0)\n")
        #expect(try Binary.run(["qrels", "import", s.file("human.qrels"), "--set", "mine", "--db", db]).status == 0)
        let agreement = try Binary.run(["judgments", "--set", "mine", "--agreement", "--db", db, "--json"])
        let rows = try #require(try Self.json(agreement.stdout) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["a"] as? String == "import" && rows[0]["b"] as? String == "cmd:judge" && rows[0]["pairs"] as? Int == 1)
        #expect(try Binary.run(["qrels", "export", "--set", "mine", "--db", db]).stdout.contains("\(q) 0 \(d) \(g == 0 ? 3 : 0)\n"))
    }

    @Test func aFailingJudgeIsReportedPerPair() throws {
        let (s, db) = try Self.fixture()
        defer { withExtendedLifetime(s) {} }
        let judge = Self.script(s, "flaky.sh", """
            input=$(cat)
            case "$input" in
              *'"id":"d1"'*) sleep 20 ;;
              *'"id":"d4"'*) echo "no model" >&2; exit 7 ;;
              *'"id":"d3"'*) echo "maybe?" ;;
              *) echo 1 ;;
            esac
            """)
        let r = try Binary.run(["judge", "--set", "mine", "--depth", "3", "--judge-cmd", judge, "--timeout", "0.5", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let skipped = r.stderr.split(separator: "\n").filter { $0.hasPrefix("skipped ") }
        #expect(skipped.contains { $0.hasSuffix(" d1: timed out after 0.5 s") }, "\(r.stderr)")
        #expect(skipped.contains { $0.hasSuffix(" d4: exited with status 7: no model") }, "\(r.stderr)")
        #expect(skipped.contains { $0.hasSuffix(" d3: printed no grade: 'maybe?'") }, "\(r.stderr)")
        let qrels = try Binary.run(["qrels", "export", "--set", "mine", "--db", db]).stdout
        #expect(!qrels.isEmpty && !qrels.contains(" d1 ") && !qrels.contains(" d3 ") && !qrels.contains(" d4 "), "\(qrels)")
        #expect(qrels.split(separator: "\n").allSatisfy { $0.hasSuffix(" 1") })
    }

    @Test func triesSaveListAndCompare() throws {
        let (s, db) = try Self.fixture()
        defer { withExtendedLifetime(s) {} }
        for args in [["base"], ["flat", "--k1", "2", "--b", "1"]] {
            let r = try Binary.run(["try", "save"] + args + ["--collection", "c", "--db", db])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let bad = try Binary.run(["try", "save", "x", "--k1", "9", "--db", db])
        #expect(bad.status == 1 && bad.stderr.contains("k1"), "\(bad.stderr)")
        let list = try #require(try Self.json(try Binary.run(["try", "list", "--db", db, "--json"]).stdout) as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["base", "flat"])
        let blind = try #require(try Self.json(try Binary.run(["try", "compare", "base", "flat", "--set", "mine", "--db", db, "--json"]).stdout) as? [String: Any])
        #expect((blind["queries"] as? [Any])?.count == 3 && blind["comparison"] is NSNull && blind["rbo@10"] is Double)
        let text = try Binary.run(["try", "compare", "base", "flat", "--set", "mine", "--db", db])
        #expect(text.status == 0 && text.stdout.contains("mean overlap@10") && text.stdout.contains("no judgments"), "\(text.stdout)")
    }
}
