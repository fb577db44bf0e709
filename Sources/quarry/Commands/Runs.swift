import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the evaluation runs stored in the database, or compare two.",
        discussion: """
            Examples:
              quarry runs
              quarry runs --json
              quarry runs compare 1 2    # deltas, paired t-test, randomization test
            """,
        subcommands: [RunsList.self, RunsCompare.self],
        defaultSubcommand: RunsList.self)
}

struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List stored runs.")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let runs = try database.open().runs()
            if json {
                printJSON(.array(runs.map { r in
                    .object([JSONMember("id", .int(r.id)), JSONMember("collection", .string(r.collection)), JSONMember("statement", .string(r.statement)),
                             JSONMember("params", r.params), JSONMember("split", .string(r.split)), JSONMember("metrics", r.metrics),
                             JSONMember("quarry_version", .string(r.quarryVersion)), JSONMember("created_at", .string(r.createdAt))])
                }))
                return
            }
            func f(_ v: JSONValue?) -> String { v?.doubleValue.map { String(format: "%.4f", $0) } ?? "—" }
            print(TextTable(columns: [.init("id", alignRight: true), .init("collection"), .init("split"), .init("nDCG@10", alignRight: true),
                                      .init("Recall@100", alignRight: true), .init("p50 ms", alignRight: true), .init("statement"), .init("when")],
                            rows: runs.map { r in
                                [String(r.id), r.collection, r.split, f(r.metrics["ndcg@10"]), f(r.metrics["recall@100"]),
                                 f(r.metrics["latency_ms"]?["p50"]), r.statement, r.createdAt]
                            }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}

struct RunsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Compare run B against baseline run A.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Baseline run id.") var a: Int64
    @Argument(help: "Treatment run id.") var b: Int64

    func run() throws {
        try reportingErrors {
            printJSON(try Workbench(path: database.path, mustExist: true).compareRuns(a, b))
        }
    }
}
