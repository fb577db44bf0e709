import Foundation
import Testing

/// Judging in `quarry tui` through tmux: three hits graded with keys, grade marks in the columns,
/// judge mode's count and undo, and the metrics pane's nDCG@10 equal to what the evaluator
/// (trec_eval's definitions, checked against trec_eval's fixtures) computes from the stored qrels.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct JudgeTUITests {
    /// The metrics pane's row `label`: its values (lexical, vector, hybrid).
    static func row(_ lines: [String], _ label: String) -> [String]? {
        guard let line = lines.first(where: { $0.contains(label) }) else { return nil }
        let after = line.components(separatedBy: label).dropFirst().joined(separator: label)
        return after.split(whereSeparator: { $0 == " " || $0 == "│" }).map(String.init).prefix(3).map { $0 }
    }

    @Test func gradeThreeHitsAndTheMetricsPaneMatchesTheEvaluator() throws {
        let (s, db) = try TUITests.database()
        let added = try Binary.run(["queries", "add", "--collection", "c", "--set", "mine", "bone density running", "--db", db])
        #expect(added.status == 0, "\(added.stderr)")
        let tmux = try Tmux(width: 120, height: 34, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s)
        #expect(tmux.text.contains("set mine"), "the active set is the collection's made set:\n\(tmux.text)")

        try tmux.type("bone density running")
        try tmux.press("Enter")
        var lines = try tmux.wait { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } && $0.contains { $0.contains("judged") } }
        #expect(lines.contains { $0.contains("judged") }, "the query is in the set, so the pane counts judged hits:\n\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("│ 1 ·") }, "unjudged hits are marked:\n\(lines.joined(separator: "\n"))")

        // Esc to the lexical column; grade its first three hits 3, 2, 0.
        try tmux.press("Escape")
        for (i, grade) in ["3", "2", "0"].enumerated() {
            if i > 0 { try tmux.type("j") }
            try tmux.type(grade)
            tmux.expect("grade \(grade) stored") { $0.contains("graded") && $0.contains("in set 'mine'") && $0.contains("│ \(i + 1) \(grade)") }
        }
        lines = try tmux.wait { ls in ls.contains { $0.contains("│ 3 0") } && Self.row(ls, "nDCG@10")?.first.map { $0 != "–" } == true }
        let screen = lines.joined(separator: "\n")
        #expect(lines.contains { $0.contains("│ 1 3") } && lines.contains { $0.contains("│ 2 2") } && lines.contains { $0.contains("│ 3 0") }, "\(screen)")
        let shown = try #require(Self.row(lines, "nDCG@10")?.first, "\(screen)")

        // Judge mode walks the pool: the title counts, a grade moves on, u takes it back.
        try tmux.type("J")
        lines = try tmux.wait { $0.contains { $0.contains("judge · set mine · q1 · 3/") } }
        let title = try #require(lines.first { $0.contains("judge · set mine · q1 · 3/") }, "\(lines.joined(separator: "\n"))")
        let total = title.components(separatedBy: "3/").last?.prefix { $0.isNumber } ?? ""
        #expect(lines.contains { $0.contains("query  bone density running") }, "\(lines.joined(separator: "\n"))")
        if let n = Int(total), n > 3 {
            try tmux.type("1")
            tmux.expect("4/\(n) judged") { $0.contains("q1 · 4/\(n) judged") }
            try tmux.type("u")
            tmux.expect("back to 3/\(n) judged") { $0.contains("q1 · 3/\(n) judged") }
        }
        try tmux.press("Escape")
        lines = try tmux.wait { ls in !ls.contains { $0.contains("judge · set mine") } && Self.row(ls, "nDCG@10")?.first == shown }
        #expect(Self.row(lines, "nDCG@10")?.first == shown, "undo restored the pane:\n\(lines.joined(separator: "\n"))")
        // t saves the parameters as a try: Enter on the empty prompt keeps the automatic name.
        try tmux.type("t")
        tmux.expect("the name prompt") { $0.contains("try name (Enter saves") }
        try tmux.press("Enter")
        tmux.expect("the try saved") { $0.contains("saved try t1") }
        try tmux.type("q")
        #expect(TUITests.waitForExit(s) == "0")

        // The stored qrels hold the three grades, and the evaluator's nDCG@10 on them is the pane's.
        let qrels = try Binary.run(["qrels", "export", "--collection", "c", "--set", "mine", "--db", db])
        #expect(qrels.stdout.split(separator: "\n").count == 3 && qrels.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("q1 0 ") }, "\(qrels.stdout)")
        let eval = try Binary.run(["eval", "--collection", "c", "--split", "mine", "--mode", "bm25", "--db", db, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let ndcg = try #require(object["ndcg@10"] as? Double)
        #expect(String(format: "%.2f", ndcg) == shown, "evaluator \(ndcg), pane \(shown)")
        #expect(ndcg > 0 && ndcg <= 1)
        #expect(try Binary.run(["try", "list", "--db", db]).stdout.contains("t1"))
    }

    /// `T` shows two tries saved with `quarry try save` side by side, with their overlap.
    @Test func twoTriesSideBySide() throws {
        let (s, db) = try TUITests.database()
        for args in [["slack", "--mode", "bm25", "--k1", "0.3", "--b", "0.1"], ["steep", "--mode", "bm25", "--k1", "2.5", "--b", "1"]] {
            let r = try Binary.run(["try", "save"] + args + ["--collection", "c", "--db", db])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let tmux = try Tmux(width: 120, height: 34, cwd: s.path)
        try TUITests.start(tmux, db: db, scratch: s)
        try tmux.type("bone density running")
        try tmux.press("Enter")
        _ = try tmux.wait { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } }
        try tmux.press("Escape")
        try tmux.type("T")
        let lines = try tmux.wait { $0.contains { $0.contains("tries · slack vs steep · overlap@10 ") } }
        let screen = lines.joined(separator: "\n")
        #expect(lines.contains { $0.contains("try slack") } && lines.contains { $0.contains("try steep") }, "\(screen)")
        let title = try #require(lines.first { $0.contains("overlap@10 ") }, "\(screen)")
        let overlap = title.components(separatedBy: "overlap@10 ").last?.prefix { $0.isNumber || $0 == "." } ?? ""
        #expect(Double(overlap).map { $0 >= 0 && $0 <= 1 } == true, "\(title)")
        #expect(title.contains("RBO "), "\(title)")
        try tmux.press("Escape")
        tmux.expect("the comparison closed") { !$0.contains("tries · slack") }
        // t asks for the name: Esc cancels, a name typed and Enter saves it.
        try tmux.type("t")
        tmux.expect("the name prompt") { $0.contains("try name (Enter saves") }
        try tmux.press("Escape")
        tmux.expect("cancelled") { $0.contains("try not saved") }
        try tmux.type("t")
        tmux.expect("the name prompt") { $0.contains("try name (Enter saves") }
        try tmux.type("mine")
        try tmux.press("Enter")
        tmux.expect("saved under the name typed") { $0.contains("saved try mine") }
        try tmux.type("q")
        #expect(TUITests.waitForExit(s) == "0")
        let list = try Binary.run(["try", "list", "--db", db]).stdout
        #expect(list.contains("mine") && list.contains("slack") && list.contains("steep"), "\(list)")
    }
}
