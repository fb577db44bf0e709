import Foundation
import QuarryStorage

/// What `quarry judge` asks: pool every query of a set and let a command grade the pairs.
public struct JudgeRequest: Sendable {
    public var collection: String
    public var set: String
    /// Pool depth: the top-k of each run.
    public var depth = 10
    /// Run through `/bin/sh -c`, once per pair.
    public var command: String
    /// The source name, `cmd:NAME`; nil: the command's first word without folder and extension.
    public var name: String?
    /// Seconds one pair may take.
    public var timeout = 30.0
    /// Pool and count, run nothing, store nothing.
    public var dryRun = false
    /// Search parameters of the pooled runs, over the session's.
    public var parameters = ParameterValues()
    /// Polled between pairs; true stops the run (the grades given so far stay).
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(collection: String, set: String, command: String) {
        self.collection = collection
        self.set = set
        self.command = command
    }

    /// `cmd:NAME` for `./judges/llm-judge.sh --model x` is `cmd:llm-judge`.
    public var source: JudgmentSource {
        if let name, !name.isEmpty { return .command(name) }
        var words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let interpreters: Set = ["sh", "bash", "zsh", "dash", "python", "python3", "node", "ruby", "perl", "env", "exec"]
        while words.count > 1, interpreters.contains((words[0] as NSString).lastPathComponent) { words.removeFirst() }
        let first = (words.first ?? "judge").trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        let base = (first as NSString).lastPathComponent
        let stem = (base as NSString).deletingPathExtension
        return .command(stem.isEmpty ? "judge" : stem)
    }
}

/// A pair the judge did not grade, and why (timeout, exit status, unreadable answer).
public struct JudgeFailure: Sendable, Equatable {
    public var queryID: String
    public var docID: String
    public var reason: String
}

/// What a judge run did.
public struct JudgeReport: Sendable {
    public var source: JudgmentSource
    public var queries: Int
    /// Pairs in the pools of all queries.
    public var pooled: Int
    /// Pairs this judge had graded before (skipped: a rerun resumes).
    public var alreadyJudged: Int
    /// Pairs sent to the command (or, in a dry run, that would be).
    public var toJudge: Int
    public var graded: Int
    public var failures: [JudgeFailure]
    public var cancelled: Bool
    public var dryRun: Bool
    /// The first pair's input, as the command would read it (shown by a dry run).
    public var sampleInput: String?
    /// Why a run was missing from a pool (once per distinct note).
    public var notes: [String]
}

/// Progress of a judge run: pairs done of the pairs to judge, and the last outcome.
public struct JudgeProgress: Sendable {
    public var done: Int
    public var total: Int
    public var queryID: String
    public var docID: String
    /// The grade stored, or nil when the pair failed (see `failure`).
    public var grade: Int?
    public var failure: String?
}

extension Workbench {
    /// The JSON object a judge command reads: `{"query", "need", "doc": {"id", fields…, "metadata"}}`.
    public func judgeInput(collection: String, query: SetQuery, docID: String) throws -> String {
        let record = try database.record(collection: collection, id: docID)
        return JSONValue.object([
            JSONMember("query", .string(query.text)),
            JSONMember("need", query.need.map { .string($0) } ?? .null),
            JSONMember("doc", record.row),
        ]).jsonText + "\n"
    }

    /// Pools every query of the set and runs the command once per pair this judge has not graded
    /// yet. Each grade is stored at once, in its own transaction, with source `cmd:NAME`; a pair
    /// whose command times out, exits non-zero or prints no readable grade is reported and
    /// nothing is written for it. A cancelled run keeps the grades already given.
    public func judge(_ request: JudgeRequest, progress: (@Sendable (JudgeProgress) -> Void)? = nil) throws -> JudgeReport {
        let source = request.source
        let queries = try setQueries(collection: request.collection, set: request.set)
        guard !queries.isEmpty else { throw EngineError.badParameter("query set '\(request.set)' has no queries") }
        let top = try maxGrade(collection: request.collection, set: request.set)
        var mine = Set<String>()
        for j in try judgments(collection: request.collection, set: request.set) where j.source == source {
            mine.insert(j.queryID + "\u{0}" + j.docID)
        }
        var work: [(SetQuery, String)] = []
        var pooled = 0, already = 0
        var notes: [String] = []
        for q in queries {
            let pool = try self.pool(collection: request.collection, text: q.text, depth: request.depth, parameters: request.parameters)
            for n in pool.notes where !notes.contains(n) { notes.append(n) }
            for e in pool.entries {
                pooled += 1
                if mine.contains(q.id + "\u{0}" + e.docID) { already += 1 } else { work.append((q, e.docID)) }
            }
        }
        var report = JudgeReport(source: source, queries: queries.count, pooled: pooled, alreadyJudged: already, toJudge: work.count,
                                 graded: 0, failures: [], cancelled: false, dryRun: request.dryRun, sampleInput: nil, notes: notes)
        if let first = work.first {
            report.sampleInput = try judgeInput(collection: request.collection, query: first.0, docID: first.1)
        }
        guard !request.dryRun else { return report }
        for (i, (q, doc)) in work.enumerated() {
            if request.isCancelled() { report.cancelled = true; break }
            let input = try judgeInput(collection: request.collection, query: q, docID: doc)
            var failure: String?
            var grade: Int?
            switch JudgeProcess.run(command: request.command, input: input, timeout: request.timeout) {
            case let .failedToStart(message):
                throw EngineError.unsupported("the judge command cannot run: \(message)")
            case let .timedOut(seconds):
                failure = "timed out after \(NumberFormatting.seconds(seconds))"
            case let .exited(status, stdout, stderr):
                if status != 0 {
                    let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines).prefix { $0 != "\n" }
                    failure = "exited with status \(status)" + (said.isEmpty ? "" : ": \(said.prefix(120))")
                } else {
                    do {
                        let answer = try JudgeAnswer.parse(stdout, maxGrade: top)
                        try database.putJudgment(collection: request.collection, set: request.set,
                                                 Judgment(queryID: q.id, docID: doc, grade: answer.grade, source: source, reason: answer.reason))
                        grade = answer.grade
                        report.graded += 1
                    } catch let problem as JudgeAnswer.Problem {
                        failure = problem.description
                    }
                }
            }
            if let failure { report.failures.append(JudgeFailure(queryID: q.id, docID: doc, reason: failure)) }
            progress?(JudgeProgress(done: i + 1, total: work.count, queryID: q.id, docID: doc, grade: grade, failure: failure))
        }
        return report
    }
}

/// Seconds as people write them: `2 s`, `0.5 s`.
enum NumberFormatting {
    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.2g s", s)
    }
}
