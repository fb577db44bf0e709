import Foundation
import QuarryConsole
import QuarryEngine

/// The dot-commands of tuning on one's own data: `.queries` (query sets), `.judge` (a judge
/// command over the pools of a set), `.try` (saved parameter sets and their comparison). Each
/// runs on the worker, so Ctrl-C returns to the prompt.
extension REPL {
    static let queriesUsage = "usage: .queries COLLECTION [SET] | .queries COLLECTION SET add 'TEXT' [need='…']"

    /// `.queries COLLECTION` lists the sets; `.queries COLLECTION SET` the set's queries;
    /// `.queries COLLECTION SET add 'TEXT' [need='…']` adds one.
    func dotQueries(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do { (positional, named) = try Self.options(args, allowed: ["need"], command: ".queries") } catch { output.error(ErrorText.describe(error)); return false }
        guard let collection = positional.first, positional.count <= 4, positional.count != 3 || positional[2] != "add" else {
            output.error(Self.queriesUsage)
            return false
        }
        let workbench = self.workbench
        let width = output.width, color = output.color
        if positional.count == 4 {
            guard positional[2] == "add" else { output.error(Self.queriesUsage); return false }
            return report {
                let q = try workbench.addQueries(collection: collection, set: positional[1], [SetQuery(id: "", text: positional[3], need: named["need"])])
                return q.map { "added \($0.id) to \(collection)/\(positional[1]): \($0.text)" }.joined(separator: "\n")
            }
        }
        if positional.count == 2 {
            return report {
                let queries = try workbench.setQueries(collection: collection, set: positional[1])
                let grades = try workbench.effectiveJudgments(collection: collection, set: positional[1])
                return TextTable(columns: [.init("id"), .init("judged", alignRight: true), .init("query"), .init("need")],
                                 rows: queries.map { [$0.id, String(grades[$0.id]?.count ?? 0), $0.text, $0.need ?? ""] }).render(width: width, color: color)
            }
        }
        return report {
            let sets = try workbench.querySets(collection: collection)
            if sets.isEmpty { return "no query sets; .queries \(collection) NAME add 'text' makes one" }
            return TextTable(columns: [.init("set"), .init("kind"), .init("queries", alignRight: true), .init("judged pairs", alignRight: true)],
                             rows: sets.map { [$0.name, $0.kind == .made ? "made" : "imported", String($0.queries), String($0.judgedPairs)] })
                .render(width: width, color: color)
        }
    }

    static let judgeUsage = "usage: .judge COLLECTION SET cmd='COMMAND' [depth=10] [timeout=30] [name=NAME] [dry-run=on]"

    /// `.judge COLLECTION SET cmd='…'`: `quarry judge` from the shell; Ctrl-C stops after the
    /// pair under way and keeps the grades given.
    func dotJudge(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do {
            (positional, named) = try Self.options(args, allowed: ["cmd", "depth", "timeout", "name", "dry-run"], command: ".judge")
        } catch { output.error(ErrorText.describe(error)); return false }
        guard positional.count == 2, let command = named["cmd"], !command.isEmpty else { output.error(Self.judgeUsage); return false }
        var request = JudgeRequest(collection: positional[0], set: positional[1], command: command)
        if let d = named["depth"] {
            guard let v = Int(d), (1...1000).contains(v) else { output.error("depth must be 1 to 1000, not \(d)"); return false }
            request.depth = v
        }
        if let t = named["timeout"] {
            guard let v = Double(t), v > 0, v <= 86_400 else { output.error("timeout must be 0 to 86400 seconds, not \(t)"); return false }
            request.timeout = v
        }
        request.name = named["name"]
        request.dryRun = named["dry-run"].flatMap { Self.onOff([$0]) } ?? false
        let workbench = self.workbench
        return report { (stop: StopFlag) in
            var request = request
            request.isCancelled = { stop.isSet }
            let r = try workbench.judge(request)
            var lines = r.notes.map { "note: \($0)" }
            lines.append("\(r.queries) queries, \(r.pooled) pooled pairs; \(r.alreadyJudged) already graded by \(r.source)")
            if r.dryRun {
                lines.append("dry run: \(r.toJudge) pairs would go to the judge")
                if let s = r.sampleInput { lines.append("first input: " + s.trimmingCharacters(in: .newlines)) }
            } else {
                for f in r.failures { lines.append("skipped \(f.queryID) \(f.docID): \(f.reason)") }
                lines.append("graded \(r.graded) of \(r.toJudge)" + (r.cancelled ? " (stopped; the grades given are stored)" : ""))
            }
            return lines.joined(separator: "\n")
        }
    }

    static let tryUsage = "usage: .try save COLLECTION NAME [k1=… b=… ef=… mode=…] | .try list COLLECTION | .try compare COLLECTION A B set=SET"

    /// `.try save|list|compare`: tries as `quarry try` has them.
    func dotTry(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do { (positional, named) = try Self.options(args, command: ".try") } catch { output.error(ErrorText.describe(error)); return false }
        guard positional.count >= 2 else { output.error(Self.tryUsage); return false }
        let collection = positional[1]
        let workbench = self.workbench
        let width = output.width, color = output.color
        switch positional[0] {
        case "save":
            guard positional.count == 3 else { output.error(Self.tryUsage); return false }
            var values = ParameterValues()
            var statement: String?
            do {
                for (k, v) in named.sorted(by: { $0.key < $1.key }) {
                    if k == "statement" { statement = v; continue }
                    try values.apply(k, try Parameters.require(k).parse(v))
                }
            } catch { output.error(ErrorText.describe(error)); return false }
            return report {
                try workbench.saveTry(collection: collection, name: positional[2], parameters: values, statement: statement)
                return "saved try '\(positional[2])' of \(collection)"
            }
        case "list":
            return report {
                let all = try workbench.tries(collection: collection)
                if all.isEmpty { return "no tries; .try save \(collection) NAME k1=1.2 saves one" }
                return TextTable(columns: [.init("try"), .init("parameters"), .init("statement")], rows: all.map { t in
                    var params = ""
                    if case let .object(m) = t.params { params = m.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" }.joined(separator: " ") }
                    return [t.name, params.isEmpty ? "(defaults)" : params, t.statement ?? ""]
                }).render(width: width, color: color)
            }
        case "compare":
            guard positional.count == 4, let set = named["set"] else { output.error(Self.tryUsage); return false }
            return report {
                let c = try workbench.compareTries(collection: collection, positional[2], positional[3], set: set)
                func f(_ d: Double?) -> String { d.map { String(format: "%.3f", $0) } ?? "—" }
                let (a, b) = (positional[2], positional[3])
                var text = TextTable(columns: [.init("query"), .init("overlap@10", alignRight: true), .init("RBO", alignRight: true),
                                               .init("nDCG@10 \(a)", alignRight: true), .init("nDCG@10 \(b)", alignRight: true),
                                               .init("judged@10 \(a)/\(b)", alignRight: true)],
                                     rows: c.rows.map { r in
                                         [r.queryID, f(r.overlap), f(r.rbo), f(r.ndcgA), f(r.ndcgB), r.judgedA == nil ? "—" : "\(f(r.judgedA))/\(f(r.judgedB))"]
                                     }).render(width: width, color: color)
                text += String(format: "\nmean overlap@10 %.3f · mean RBO %.3f", c.meanOverlap, c.meanRBO)
                if let s = c.statistics, let m = s.metrics.first {
                    text += "\n\(m.metric.name): " + String(format: "%.4f → %.4f (%+.4f), p(randomization) %.4f", m.baselineMean, m.treatmentMean, m.delta, m.randomizationP)
                        + ", \(m.wins) wins, \(m.losses) losses"
                }
                return text
            }
        default:
            output.error(Self.tryUsage)
            return false
        }
    }
}
