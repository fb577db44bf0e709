import Foundation
import GRDB
import Testing
@testable import QuarryEngine
@testable import QuarryStorage
import QuarryEval

/// Query sets people make, grades from people and commands, pooling, qrels in and out,
/// agreement and tries — through the workbench, as the front ends call them.
@Suite struct JudgmentTests {
    /// The judge command that runs a shell script made of `body`: read through `sh`, since
    /// executing a file that a child forked meanwhile by another test still holds open for
    /// writing fails with "Text file busy".
    static func script(_ dir: String, _ name: String, _ body: String) throws -> String {
        let path = dir + "/" + name
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return "sh " + path
    }

    @Test func querySetsAreMadeImportedAndListed() throws {
        let (wb, dir) = try Fixture.makeWithQuerySet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let added = try wb.addQueries(collection: "papers", set: "mine", [SetQuery(id: "", text: "vitamin bone", need: "bone health"),
                                                                         SetQuery(id: "", text: "knee injury")])
        #expect(added.map(\.id) == ["q1", "q2"])
        try "{\"text\": \"sleep memory\", \"need\": \"sleep and memory\"}\n{\"id\": \"x\", \"query\": \"heart risk\"}\n"
            .write(toFile: dir + "/q.jsonl", atomically: true, encoding: .utf8)
        try wb.importQueries(path: dir + "/q.jsonl", collection: "papers", set: "mine")
        try "id,query,need\n,insulin diabetes,\"about insulin, diabetes\"\n".write(toFile: dir + "/q.csv", atomically: true, encoding: .utf8)
        try wb.importQueries(path: dir + "/q.csv", collection: "papers", set: "mine")
        try "brain tumor\n\ncancer risk\n".write(toFile: dir + "/q.txt", atomically: true, encoding: .utf8)
        try wb.importQueries(path: dir + "/q.txt", collection: "papers", set: "mine")
        let queries = try wb.setQueries(collection: "papers", set: "mine")
        #expect(queries.map(\.id) == ["q1", "q2", "q3", "x", "q5", "q6", "q7"])
        #expect(queries.map(\.text) == ["vitamin bone", "knee injury", "sleep memory", "heart risk", "insulin diabetes", "brain tumor", "cancer risk"])
        #expect(queries[0].need == "bone health" && queries[1].need == nil && queries[4].need == "about insulin, diabetes")
        // Listed beside the imported split.
        let sets = try wb.querySets(collection: "papers")
        #expect(sets.map(\.name) == ["mine", "test"] && sets[0].kind == .made && sets[0].queries == 7 && sets[1].kind == .beir && sets[1].queries == 10)
        // Errors say where; a failed import adds nothing.
        try "{\"text\": \"a\"}\n{\"text\": \"b\"\n".write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        #expect(throws: StorageError.self) { try wb.importQueries(path: dir + "/bad.jsonl", collection: "papers", set: "mine") }
        do { try wb.importQueries(path: dir + "/bad.jsonl", collection: "papers", set: "mine") } catch {
            #expect(ErrorText.describe(error).hasPrefix("bad.jsonl:2:"))
        }
        #expect(try wb.setQueries(collection: "papers", set: "mine").count == 7)
        // The same file again adds nothing.
        #expect(try wb.importQueries(path: dir + "/q.txt", collection: "papers", set: "mine").isEmpty)
        #expect(try wb.setQueries(collection: "papers", set: "mine").count == 7)
        #expect(throws: StorageError.self) { try wb.addQueries(collection: "papers", set: "mine", [SetQuery(id: "x", text: "again")]) }
        #expect(throws: StorageError.self) { try wb.addQueries(collection: "papers", set: "test", [SetQuery(id: "", text: "split")]) }
        #expect(throws: EngineError.self) { try wb.setQueries(collection: "papers", set: "mien") }
    }

    @Test func aPersonsGradeOutranksACommandsAndUndoRestores() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone")])
        try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d1", grade: 1, source: .command("llm"), reason: "maybe")
        #expect(try wb.effectiveJudgments(collection: "papers", set: "s")["q1"]?["d1"] == 1)
        let before = try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d1", grade: 3)
        #expect(before == nil)
        #expect(try wb.effectiveJudgments(collection: "papers", set: "s")["q1"]?["d1"] == 3, "the person's grade counts")
        let replaced = try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d1", grade: 2)
        #expect(replaced?.grade == 3)
        try wb.undoGrade(collection: "papers", set: "s", queryID: "q1", docID: "d1", restoring: replaced)
        #expect(try wb.effectiveJudgments(collection: "papers", set: "s")["q1"]?["d1"] == 3)
        try wb.undoGrade(collection: "papers", set: "s", queryID: "q1", docID: "d1", restoring: nil)
        #expect(try wb.effectiveJudgments(collection: "papers", set: "s")["q1"]?["d1"] == 1, "back to the command's")
        // Both sources are kept, with time and reason.
        let all = try wb.judgments(collection: "papers", set: "s")
        #expect(all.count == 1 && all[0].source == .command("llm") && all[0].reason == "maybe" && !all[0].judgedAt.isEmpty)
        // Off the scale, unknown query, unknown document.
        #expect(throws: EngineError.self) { try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d1", grade: 4) }
        #expect(throws: EngineError.self) { try wb.grade(collection: "papers", set: "s", queryID: "q9", docID: "d1", grade: 1) }
        #expect(throws: StorageError.self) { try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "nope", grade: 1) }
        // A binary set.
        try wb.addQueries(collection: "papers", set: "b", [SetQuery(id: "", text: "knee")], maxGrade: 1)
        #expect(throws: EngineError.self) { try wb.grade(collection: "papers", set: "b", queryID: "q1", docID: "d1", grade: 2) }
        #expect(JudgmentSource(text: "cmd:llm") == .command("llm") && JudgmentSource(text: "human") == .human && JudgmentSource(text: "x") == nil)
    }

    @Test func trecQrelsRoundTrip() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone"), SetQuery(id: "", text: "knee injury")])
        for (q, d, g) in [("q1", "d3", 2), ("q1", "d10", 0), ("q2", "d5", 3), ("q2", "d7", 1)] {
            try wb.grade(collection: "papers", set: "s", queryID: q, docID: d, grade: g)
        }
        let text = try wb.exportQrels(collection: "papers", set: "s")
        #expect(text == "q1 0 d10 0\nq1 0 d3 2\nq2 0 d5 3\nq2 0 d7 1\n")
        try text.write(toFile: dir + "/out.qrels", atomically: true, encoding: .utf8)
        let summary = try wb.importQrels(path: dir + "/out.qrels", collection: "papers", set: "copy")
        #expect(summary.format == "trec" && summary.judgments == 4 && summary.queries == 2)
        #expect(try wb.exportQrels(collection: "papers", set: "copy") == text, "what goes out comes back")
        #expect(try wb.judgments(collection: "papers", set: "copy").allSatisfy { $0.source == .imported })
        // The export reads back as trec_eval reads it.
        let parsed = try Qrels.parse(text)
        #expect(parsed["q1"] == ["d3": 2, "d10": 0] && parsed["q2"] == ["d5": 3, "d7": 1])
    }

    @Test func openSearchJudgmentListsImport() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone")])
        try """
            {"name": "Imported Judgments", "type": "IMPORT_JUDGMENT", "judgmentRatings": [
              {"query": "vitamin bone", "ratings": [{"docId": "d1", "rating": "3.000"}, {"docId": "d2", "rating": "0.000"}]},
              {"query": "knee injury", "ratings": [{"docId": "d4", "rating": 2}]}]}
            """.write(toFile: dir + "/srw.json", atomically: true, encoding: .utf8)
        let summary = try wb.importQrels(path: dir + "/srw.json", collection: "papers", set: "s")
        #expect(summary.format == "srw" && summary.judgments == 3 && summary.newQueries == ["q2"])
        #expect(try wb.setQueries(collection: "papers", set: "s").map(\.text) == ["vitamin bone", "knee injury"])
        #expect(try wb.exportQrels(collection: "papers", set: "s") == "q1 0 d1 3\nq1 0 d2 0\nq2 0 d4 2\n")
        try "{\"judgmentRatings\": [{\"query\": \"x\"}]}".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        #expect(throws: EngineError.self) { try wb.importQrels(path: dir + "/bad.json", collection: "papers", set: "s") }
    }

    @Test func thePoolIsTheUnionOfTheRunsTopK() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pool = try wb.pool(collection: "papers", text: "vitamin bone", depth: 5)
        #expect(pool.runs.contains("lexical"))
        var lexical = SearchStatement(collection: "papers")
        lexical.match = MatchClause(text: "vitamin bone", plain: true)
        lexical.limit = 5
        let top = try wb.search(lexical).hits.map(\.id)
        #expect(Set(top).isSubset(of: Set(pool.entries.map(\.docID))))
        #expect(pool.entries.count <= 5 * pool.runs.count && Set(pool.entries.map(\.docID)).count == pool.entries.count)
        #expect(pool.entries.filter { $0.ranks["lexical"] != nil }.map(\.docID).sorted() == top.sorted())
        #expect(zip(pool.entries, pool.entries.dropFirst()).allSatisfy { $0.bestRank <= $1.bestRank }, "best rank first")
        // Deeper pools hold the shallower ones.
        let deeper = try wb.pool(collection: "papers", text: "vitamin bone", depth: 10)
        #expect(Set(pool.entries.map(\.docID)).isSubset(of: Set(deeper.entries.map(\.docID))))
        #expect(throws: EngineError.self) { try wb.pool(collection: "papers", text: "x", depth: 0) }
    }

    /// A deterministic judge grades every pair of the pools; the stored grades are what it printed.
    @Test func aDeterministicJudgeGradesThePoolAndTheQrelsEqualWhatItPrinted() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone", need: "bones"), SetQuery(id: "", text: "knee injury")])
        let log = dir + "/printed.tsv"
        let judge = try Self.script(dir, "judge.sh", """
            input=$(cat)
            n=$(printf '%s' "$input" | sed -n 's/.*"doc":{"id":"d\\([0-9]*\\)".*/\\1/p')
            q=$(printf '%s' "$input" | sed -n 's/^{"query":"\\([^"]*\\)".*/\\1/p')
            g=$((n % 4))
            printf '%s\\td%s\\t%s\\n' "$q" "$n" "$g" >> \(log)
            echo "$g because d$n"
            """)
        var request = JudgeRequest(collection: "papers", set: "s", command: judge)
        request.depth = 5
        let dry = { var r = request; r.dryRun = true; return r }()
        let plan = try wb.judge(dry)
        #expect(plan.toJudge > 0 && plan.graded == 0 && plan.sampleInput?.contains("\"need\":\"bones\"") == true)
        #expect(!FileManager.default.fileExists(atPath: log), "a dry run runs nothing")
        #expect(try wb.judgments(collection: "papers", set: "s").isEmpty)

        let report = try wb.judge(request)
        #expect(report.source == .command("judge") && report.failures.isEmpty && report.graded == plan.toJudge)
        let printed = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(printed.count == report.graded)
        let ids = Dictionary(uniqueKeysWithValues: try wb.setQueries(collection: "papers", set: "s").map { ($0.text, $0.id) })
        var want: [String: [String: Int]] = [:]
        for p in printed { want[ids[p[0]]!, default: [:]][p[1]] = Int(p[2])! }
        #expect(try wb.effectiveJudgments(collection: "papers", set: "s") == want)
        let stored = try wb.judgments(collection: "papers", set: "s")
        #expect(stored.allSatisfy { $0.source == .command("judge") && $0.reason == "because \($0.docID)" })
        // Every pair of every pool, and a rerun has nothing left to do.
        var pooled = 0
        for q in try wb.setQueries(collection: "papers", set: "s") {
            let pool = try wb.pool(collection: "papers", text: q.text, depth: 5)
            pooled += pool.entries.count
            #expect(Set(pool.entries.map(\.docID)) == Set((want[q.id] ?? [:]).keys))
        }
        #expect(pooled == report.graded)
        let again = try wb.judge(request)
        let linesAfter = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        #expect(again.toJudge == 0 && again.alreadyJudged == pooled && printed.count == linesAfter, "a rerun runs nothing")
    }

    /// Timeouts, non-zero exits and garbage are reported per pair, and nothing is written for them.
    @Test func aFailingJudgeIsReportedPerPairAndWritesNothingForIt() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone"), SetQuery(id: "", text: "knee injury")])
        // The pools' first three documents time out, exit non-zero and print garbage; the rest are graded.
        var pooled: [String] = []
        for text in ["vitamin bone", "knee injury"] {
            for e in try wb.pool(collection: "papers", text: text, depth: 5).entries where !pooled.contains(e.docID) { pooled.append(e.docID) }
        }
        try #require(pooled.count >= 4)
        let (slow, failing, garbage) = (pooled[0], pooled[1], pooled[2])
        let judge = try Self.script(dir, "flaky.sh", """
            input=$(cat)
            case "$input" in
              *'"doc":{"id":"\(slow)"'*) sleep 20; echo 1 ;;
              *'"doc":{"id":"\(failing)"'*) echo "model unavailable" >&2; exit 3 ;;
              *'"doc":{"id":"\(garbage)"'*) echo "banana" ;;
              *) echo '{"grade": 2, "reason": "fine"}' ;;
            esac
            """)
        var request = JudgeRequest(collection: "papers", set: "s", command: judge)
        request.depth = 5
        request.timeout = 0.5
        request.name = "flaky"
        let report = try wb.judge(request)
        let failures = Dictionary(report.failures.map { ($0.docID, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(failures[slow] == "timed out after 0.5 s")
        #expect(failures[failing] == "exited with status 3: model unavailable")
        #expect(failures[garbage] == "printed no grade: 'banana'")
        #expect(Set(failures.keys) == [slow, failing, garbage] && report.graded > 0)
        #expect(report.failures.count + report.graded == report.toJudge && report.toJudge > 0)
        let stored = try wb.judgments(collection: "papers", set: "s")
        #expect(stored.count == report.graded)
        #expect(stored.allSatisfy { ![slow, failing, garbage].contains($0.docID) && $0.grade == 2 && $0.reason == "fine" && $0.source == .command("flaky") })
        #expect(Set(report.failures.map { $0.queryID + $0.docID }).isDisjoint(with: Set(stored.map { $0.queryID + $0.docID })))
        // Answers that parse, and those that do not.
        #expect(try JudgeAnswer.parse("3: exact\n", maxGrade: 3) == JudgeAnswer(grade: 3, reason: "exact"))
        #expect(try JudgeAnswer.parse("{\"grade\": \"1.0\"}", maxGrade: 3) == JudgeAnswer(grade: 1, reason: nil))
        #expect(throws: JudgeAnswer.Problem.offScale(5, max: 3)) { try JudgeAnswer.parse("5", maxGrade: 3) }
        #expect(throws: JudgeAnswer.Problem.empty) { try JudgeAnswer.parse("  \n", maxGrade: 3) }
        #expect(JudgeRequest(collection: "c", set: "s", command: "python3 ./judges/llm-judge.py --model x").source == .command("llm-judge"))
        #expect(JudgeRequest(collection: "c", set: "s", command: "sh '/srv/judges/grader.sh'").source == .command("grader"))
    }

    @Test func agreementBetweenSourcesIsCohensKappaOnSharedPairs() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone")], maxGrade: 1)
        // The binary example of Tests/Fixtures/judgments/kappa.tsv: κ = 0.4.
        let a = [1, 1, 0, 1, 0, 0, 1, 1, 0, 1], b = [1, 0, 0, 1, 0, 1, 1, 1, 0, 0]
        for i in 0..<10 {
            try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d\(i)", grade: a[i])
            try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d\(i)", grade: b[i], source: .command("llm"))
        }
        try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: "d20", grade: 1, source: .command("llm"))  // not shared
        let agreement = try wb.agreement(collection: "papers", set: "s")
        #expect(agreement.count == 1)
        let x = try #require(agreement.first)
        #expect(x.a == .human && x.b == .command("llm") && x.pairs == 10 && x.exact == 0.7 && x.weights == .unweighted)
        #expect(abs((x.kappa ?? 0) - 0.4) < 1e-12)
    }

    @Test func madeSetsEvaluateAndTriesCompare() throws {
        let (wb, dir) = try Fixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try wb.addQueries(collection: "papers", set: "s", [SetQuery(id: "", text: "vitamin bone"), SetQuery(id: "", text: "knee injury")])
        var a = ParameterValues(), b = ParameterValues()
        try a.set("k1", .number(0.9))
        try b.set("k1", .number(2.0))
        try b.set("b", .number(1))
        try wb.saveTry(collection: "papers", name: "base", parameters: a)
        try wb.saveTry(collection: "papers", name: "flat", parameters: b)
        #expect(try wb.tries(collection: "papers").map(\.name) == ["base", "flat"])
        #expect(try wb.parameters(of: wb.storedTry(collection: "papers", name: "flat")).number("k1") == 2)
        #expect(throws: StorageError.self) { try wb.storedTry(collection: "papers", name: "flta") }
        #expect(throws: EngineError.self) { try wb.saveTry(collection: "papers", name: "x", parameters: a, statement: "SEARCH papers LIMIT 5") }

        // Without judgments: overlap and RBO only.
        let blind = try wb.compareTries(collection: "papers", "base", "flat", set: "s")
        #expect(blind.rows.count == 2 && blind.statistics == nil && blind.rows.allSatisfy { $0.ndcgA == nil })
        for r in blind.rows {
            #expect(r.overlap == Measures.overlap(r.topA, r.topB, k: 10) && r.rbo == Measures.rankBiasedOverlap(r.topA, r.topB, p: 0.9, k: 10))
        }
        let same = try wb.compareTries(collection: "papers", "base", "base", set: "s")
        #expect(same.meanOverlap == 1 && abs(same.meanRBO - 1) < 1e-12 && same.rows.allSatisfy { $0.moves.isEmpty })

        // With judgments: nDCG per query, judged@10 and the runs-compare statistics.
        let top = try wb.tryRanking(wb.storedTry(collection: "papers", name: "base"), collection: "papers", text: "vitamin bone")
        try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: top[0], grade: 3)
        try wb.grade(collection: "papers", set: "s", queryID: "q1", docID: top[1], grade: 0)
        let judged = try wb.compareTries(collection: "papers", "base", "flat", set: "s")
        #expect(judged.rows[0].ndcgA == 1 && judged.rows[0].judgedA == 0.2 && judged.statistics?.metrics.first?.metric == .ndcg(k: 10))

        // The made set evaluates like a split, from the grades stored.
        var request = EvalRequest(collection: "papers")
        request.split = "s"
        request.warmup = 0
        let report = try wb.evaluate(request)
        #expect(report.summary.queries == 1 && report.summary.ndcg10 == 1)
        // Coverage beside it: two of q1's top 10 are judged; nDCG′ and bpref leave the rest out.
        #expect(report.coverage == JudgmentCoverage(judged10: 0.2, condensedNDCG10: 1, bpref: 1))
        #expect(report.json["judged@10"]?.doubleValue == 0.2 && report.json["bpref"]?.doubleValue == 1)
    }

    @Test func formatTwoDatabasesGainTheJudgmentTables() throws {
        let dir = NSTemporaryDirectory() + "quarry-judgment-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.db"
        let queue = try DatabaseQueue(path: path)
        try QuarryDatabase.migrator(segmentFolder: path + ".segments").migrate(queue, upTo: "v3")
        #expect(try queue.read { try $0.tableExists("judgments") } == false)
        try queue.close()
        let wb = try Workbench(path: path)
        for table in ["query_sets", "set_queries", "judgments", "tries"] {
            #expect(try wb.database.read { try $0.tableExists(table) }, "\(table)")
        }
    }
}
