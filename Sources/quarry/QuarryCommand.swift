import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

/// The `quarry` command: argument parsing and subcommands only; the work is in the engine.
struct QuarryCommand: ParsableCommand {
    static let version = Workbench.version

    static let configuration = CommandConfiguration(
        commandName: "quarry",
        abstract: "A terminal workbench for hybrid search: BM25, vectors and JSON filters, with plans, recall and latency.",
        discussion: """
            Examples:
              quarry import Samples/scifact --collection scifact      # a BEIR folder
              quarry import data.jsonl.gz --collection docs --text-fields title,body
              quarry collections
              quarry get --collection scifact 4983 --json
              quarry export --collection scifact --format csv > scifact.csv

            The database is one SQLite file: --db FILE, or QUARRY_DB, or ./quarry.db.
            """,
        version: version,
        subcommands: [
            Import.self, Collections.self, Get.self, Delete.self, Drop.self, Export.self,
            Index.self, Search.self, Analyze.self, Filter.self, Query.self, Eval.self, Sweep.self, Tune.self,
            Push.self, Runs.self, Queries.self, QrelsCommand.self, Judgments.self, Judge.self, Try.self,
            Embed.self, Check.self, Repl.self, Tui.self, Bench.self, Mcp.self,
        ])

    @OptionGroup var database: DatabaseOptions

    /// With no subcommand: the REPL on a terminal, the help otherwise.
    mutating func run() throws {
        guard Terminal.isTTY(STDIN_FILENO) else {
            print(Self.helpMessage())
            return
        }
        var repl = Repl()
        repl.database = database
        try repl.run()
    }
}

/// `--db`, shared by every command that touches a database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $QUARRY_DB or ./quarry.db).", valueName: "file"))
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["QUARRY_DB"] ?? "quarry.db" }

    /// Opens a workbench on the database; read-only commands require it to exist.
    func open(mustExist: Bool = true) throws(StorageError) -> Workbench {
        try Workbench(path: path, mustExist: mustExist)
    }
}

/// Runs a command body, turning errors into words (the engine's one renderer, with the caret
/// under a statement's error) on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        fail(ErrorText.describe(error))
    }
}

func fail(_ message: String) -> Never {
    let color = Terminal.colorEnabled(STDERR_FILENO)
    FileHandle.standardError.write(Data((Style.error.apply("quarry: error:", enabled: color) + " " + message + "\n").utf8))
    Foundation.exit(1)
}

func printJSON(_ value: JSONValue, pretty: Bool = true) {
    print(pretty ? value.prettyJSONText : value.jsonText)
}
