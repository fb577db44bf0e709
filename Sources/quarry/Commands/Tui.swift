import ArgumentParser
import Foundation
import QuarryEngine
import QuarryMilvus
import QuarryTUI

struct Tui: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen workbench: lexical, vector and hybrid answers side by side, with plan, recall, latency and live parameters.",
        discussion: """
            Examples:
              quarry tui --db quarry.db
              quarry tui --db quarry.db --collection scifact
              quarry tui --db quarry.db --backend milvus://127.0.0.1:19530

            With --backend milvus://HOST:PORT a fourth column runs the hybrid statement on that
            Milvus deployment (after quarry push), with its latency and overlap@10 with the local one.

            Type a query and press Enter; Tab moves between panes; ? lists every key; q quits.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The collection (default: the first with vectors and a BM25 index, else the first).")
    var collection: String?

    @OptionGroup var backend: BackendOptions

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            // The remote column's workbench: opened only when a backend is given.
            var remote: (workbench: Workbench, label: String)?
            var client: MilvusBackend?
            if !backend.isDefault {
                let second = try Workbench(path: database.path, mustExist: true)
                client = try backend.attach(to: second)
                if let client { remote = (second, client.name) }
            }
            defer { client?.close() }
            try TUI(workbench: wb, collection: collection, remote: remote).run()
        }
    }
}
