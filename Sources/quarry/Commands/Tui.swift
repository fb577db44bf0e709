import ArgumentParser
import Foundation
import QuarryEngine
import QuarryTUI

struct Tui: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The full-screen workbench: lexical, vector and hybrid answers side by side, with plan, recall, latency and live parameters.",
        discussion: """
            Examples:
              quarry tui --db quarry.db
              quarry tui --db quarry.db --collection scifact

            Type a query and press Enter; Tab moves between panes; ? lists every key; q quits.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The collection (default: the first one).")
    var collection: String?

    func run() throws {
        try reportingErrors {
            try TUI(workbench: try Workbench(path: database.path, mustExist: true), collection: collection).run()
        }
    }
}
