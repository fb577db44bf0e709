import ArgumentParser
import Foundation
import QuarryEngine
import QuarryMilvus
import QuarryREPL

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive shell (the default on a terminal): statements and dot-commands.",
        discussion: """
            Examples:
              quarry repl --db quarry.db
              quarry repl < script.sql            # runs a script; stops at the first error
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            REPL.connector = { try MilvusBackend(address: MilvusAddress(parsing: $0)) }
            let status = REPL(workbench: try Workbench(path: database.path)).run()
            if status != 0 { throw ExitCode(status) }
        }
    }
}
