import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine
#if canImport(Glibc)
import Glibc
#endif

/// Set by Ctrl-C during `quarry judge`: the run stops after the pair under way (a second Ctrl-C
/// exits at once; every grade already given is stored either way).
nonisolated(unsafe) private var judgeInterrupted: Int32 = 0

struct Judge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Grade the pools of a query set with a command of yours (an LLM, a cross-encoder, a script).",
        discussion: """
            Every query of the set is pooled (the union of the top --depth hits of the
            lexical, vector and hybrid runs), and for each pair this judge has not graded
            yet CMD runs through /bin/sh -c with one JSON object on its standard input:

              {"query": "…", "need": "…" or null,
               "doc": {"id": "…", <text fields>…, "metadata": {…}}}

            It prints a grade on its standard output: a line that starts with the grade
            ("2" or "2 the reason"), or {"grade": 2, "reason": "…"}. Grades go from 0 to 3
            (0 to 1 for a binary set). A pair whose command runs past --timeout, exits
            non-zero or prints no readable grade is reported and skipped; nothing is
            written for it. Each grade is stored at once with source cmd:NAME, so an
            interrupted run (Ctrl-C) keeps the grades given and a rerun goes on where it
            stopped. A person's grade outranks a command's.

            Examples:
              quarry judge --collection docs --set mine --depth 10 --judge-cmd ./judge.sh \\
                  --dry-run
              quarry judge --collection docs --set mine --depth 10 --judge-cmd ./judge.sh
              quarry judge --collection docs --set mine \\
                  --judge-cmd 'python3 cross_encoder.py' --name xenc --timeout 60 --json
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var target: QuerySetChoice
    @Option(help: "Pool depth: the top-k of each run.") var depth = 10
    @Option(name: .customLong("judge-cmd"), help: ArgumentHelp("The judge, run through /bin/sh -c once per pair.", valueName: "cmd")) var judgeCmd: String
    @Option(help: "The source name, cmd:NAME (default: the command's first word without folder and extension).") var name: String?
    @Option(help: "Seconds one pair may take.") var timeout = 30.0
    @Flag(name: .customLong("dry-run"), help: "Pool and count the pairs, show the first input; run nothing, store nothing.") var dryRun = false
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            guard timeout > 0, timeout <= 86_400 else { throw EngineError.badParameter("--timeout must be between 0 and 86400 seconds, not \(timeout)") }
            let (wb, c, set) = try target.open(database)
            var request = JudgeRequest(collection: c, set: set, command: judgeCmd)
            request.depth = depth
            request.name = name
            request.timeout = timeout
            request.dryRun = dryRun
            request.isCancelled = { judgeInterrupted != 0 }
            signal(SIGINT) { _ in
                if judgeInterrupted != 0 { _exit(130) }
                judgeInterrupted = 1
            }
            defer { signal(SIGINT, SIG_DFL) }
            let bar = ProgressBar(label: "judging \(c)/\(set)", unit: "pairs", enabled: !json && Terminal.isTTY(STDERR_FILENO))
            let color = Terminal.colorEnabled(STDERR_FILENO)
            let report = try wb.judge(request) { p in
                if let failure = p.failure {
                    bar.finish()
                    FileHandle.standardError.write(Data((Style.error.apply("skipped", enabled: color) + " \(p.queryID) \(p.docID): \(failure)\n").utf8))
                }
                bar.update(done: p.done, fraction: Double(p.done) / Double(max(p.total, 1)))
            }
            bar.finish()
            if json { printJSON(Self.json(report)); return }
            for n in report.notes { print("note: \(n)") }
            print("\(report.queries) queries, \(report.pooled) pooled pairs (depth \(depth)); \(report.alreadyJudged) already graded by \(report.source)")
            if report.dryRun {
                print("dry run: \(report.toJudge) pairs would go to the judge")
                if let sample = report.sampleInput { print("first input:\n" + sample, terminator: "") }
                return
            }
            print("graded \(report.graded) of \(report.toJudge)" + (report.failures.isEmpty ? "" : "; \(report.failures.count) skipped (reported above)")
                  + (report.cancelled ? "; interrupted — the grades given are stored, run again to go on" : ""))
            if report.cancelled { throw ExitCode(130) }
        }
    }

    static func json(_ r: JudgeReport) -> JSONValue {
        .object([
            JSONMember("source", .string(r.source.description)), JSONMember("queries", .int(Int64(r.queries))),
            JSONMember("pooled", .int(Int64(r.pooled))), JSONMember("already_judged", .int(Int64(r.alreadyJudged))),
            JSONMember("to_judge", .int(Int64(r.toJudge))), JSONMember("graded", .int(Int64(r.graded))),
            JSONMember("failures", .array(r.failures.map { f in
                .object([JSONMember("query_id", .string(f.queryID)), JSONMember("doc_id", .string(f.docID)), JSONMember("reason", .string(f.reason))])
            })),
            JSONMember("dry_run", .bool(r.dryRun)), JSONMember("cancelled", .bool(r.cancelled)),
            JSONMember("notes", .array(r.notes.map { .string($0) })),
        ])
    }
}
