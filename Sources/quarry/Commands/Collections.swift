import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Collections: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "List the collections with their sizes, fields and indexes.",
        discussion: """
            Examples:
              quarry collections
              quarry collections --json | jq '.[].name'
            """)

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        try reportingErrors {
            let summaries = try Workbench(path: database.path, mustExist: true).summaries()
            if json {
                printJSON(.array(summaries.map(\.json)))
                return
            }
            if summaries.isEmpty {
                print("no collections in \(database.path); import one with: quarry import PATH --collection NAME")
                return
            }
            print(Render.collections(summaries, width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }

}
