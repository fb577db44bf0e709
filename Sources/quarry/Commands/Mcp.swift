import ArgumentParser
import Foundation
import QuarryEngine
import QuarryMCP

struct Mcp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the workbench to AI assistants over the Model Context Protocol (stdio).",
        discussion: """
            Speaks MCP (JSON-RPC 2.0, one message a line) on standard input and output until input
            ends; an assistant starts it as a subprocess. Tools: list_collections, run_statement,
            explain_statement, get_record, evaluate — and import_data, build_index, which change
            the database and run only with --allow-writes. Without it the database is opened
            read-only: nothing the assistant does changes it (evaluate does not store its run).
            A tool that fails answers with the message the CLI prints for the same error.

            Examples:
              quarry mcp --db scifact.db
              quarry mcp --db scifact.db --allow-writes
            An assistant's configuration (the "mcpServers" section most of them read):
              {"mcpServers": {"quarry": {"command": "quarry", "args": ["mcp", "--db", "/data/scifact.db"]}}}
            """)

    @OptionGroup var database: DatabaseOptions
    @Flag(name: .customLong("allow-writes"), help: "Open the database for writing and offer import_data and build_index.")
    var allowWrites = false

    func run() throws {
        try reportingErrors {
            // Read-only needs an existing database; a writable server may create one to import into.
            let workbench = try Workbench(path: database.path, mustExist: !allowWrites, readOnly: !allowWrites)
            try MCPServer.run(workbench: workbench, allowWrites: allowWrites)
        }
    }
}
