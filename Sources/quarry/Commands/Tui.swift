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
              quarry tui --db quarry.db --collection docs --set mine --pool-depth 20

            Judging: a adds the query line to the active set (--set; default: the
            collection's first set made with quarry queries, else "tui"); 0-3 grade the
            selected hit (stored at once, shown in every column where the document appears;
            · marks hits not graded yet); u takes a grade back; J walks the query's pool
            (the top --pool-depth of each column) one document at a time. The metrics
            pane's nDCG@10 and judged@10 follow. t saves the parameters pane as a try (tN)
            for quarry try compare.

            With --backend milvus://HOST:PORT a fourth column runs the hybrid statement on
            that Milvus deployment (after quarry push), with its latency and overlap@10
            with the local one.

            Type a query and press Enter; Tab moves between panes; ? lists keys; q quits.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The collection (default: the first with vectors and a BM25 index, else the first).")
    var collection: String?

    @OptionGroup var backend: BackendOptions

    @Option(name: .customLong("set"), help: "The query set a adds to and grades go to.") var set: String?

    @Option(name: .customLong("pool-depth"), help: "Judge mode's pool: the top-k of each column.") var poolDepth = 10

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
            guard (1...1000).contains(poolDepth) else { throw EngineError.badParameter("--pool-depth must be between 1 and 1000, not \(poolDepth)") }
            try TUI(workbench: wb, collection: collection, remote: remote, set: set, poolDepth: poolDepth).run()
        }
    }
}
