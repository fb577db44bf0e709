import ArgumentParser
import Foundation
import QuarryEngine

struct Mcp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the workbench to AI assistants over the Model Context Protocol (stdio).",
        discussion: """
            Speaks MCP (JSON-RPC 2.0, one message a line) on standard input and output
            until input ends; an assistant starts it as a subprocess. Tools:
            list_collections, run_statement, explain_statement, get_record, evaluate — and
            import_data, build_index, which change the database and run only with
            --allow-writes. Without it the database is opened read-only: nothing the
            assistant does changes it (evaluate does not store its run). A tool that fails
            answers with the message the CLI prints for the same error. The server is the
            quarry-mcp program built beside quarry.

            Examples:
              quarry mcp --db scifact.db
              quarry mcp --db scifact.db --allow-writes
            In an assistant's configuration (the "mcpServers" object most of them read):
              {"mcpServers": {"quarry": {"command": "quarry",
                                         "args": ["mcp", "--db", "/data/scifact.db"]}}}
            """)

    @OptionGroup var database: DatabaseOptions
    @Flag(name: .customLong("allow-writes"), help: "Open the database for writing and allow import_data and build_index.")
    var allowWrites = false

    func run() throws {
        try reportingErrors {
            // Opened here as the server will open it, so a missing or foreign database is reported
            // as every command reports it, before the protocol starts.
            _ = try Workbench(path: database.path, mustExist: !allowWrites, readOnly: !allowWrites)
            let folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let server = folder.appendingPathComponent("quarry-mcp").path
            guard FileManager.default.isExecutableFile(atPath: server) else {
                throw StorageError.invalidArgument("\(server): the MCP server is missing; build it beside quarry (swift build -c release builds both)")
            }
            let arguments = [server, "--db", database.path] + (allowWrites ? ["--allow-writes"] : [])
            var argv = arguments.map { strdup($0) } + [nil]
            execv(server, &argv)
            throw StorageError.invalidArgument("\(server): cannot start it (\(String(cString: strerror(errno))))")
        }
    }
}
