import Foundation
import MCP
import QuarryEngine

/// `quarry mcp`: the workbench served to agents over the Model Context Protocol (newline-
/// delimited JSON-RPC 2.0 on standard input and output, the protocol's stdio transport), with
/// the tools of `ToolCatalog`. A tool that fails answers with `isError` and the words the CLI
/// prints for the same error (`ErrorText`), so the agent can correct its call; the server goes on.
/// It stops when standard input ends.
public enum MCPServer {
    static let instructions = """
        Quarry is a workbench for hybrid search: BM25, vector (ANN) search and JSON-path metadata filters over \
        collections in one database. Start with list_collections (fields, vector fields, indexes, metadata paths). \
        run_statement runs Quarry's SQL-flavoured statements, e.g. SEARCH scifact MATCH 'vitamin D' NEAR 'vitamin D' \
        WHERE metadata.year >= 2010 FUSE rrf(k = 60) LIMIT 10. explain_statement shows the plan (analyze: actual \
        times and recall against the exact answer). evaluate scores a query set against its relevance judgements.
        """

    /// The `quarry-mcp` process: `quarry-mcp --db FILE [--allow-writes]`, as `quarry mcp` starts it
    /// (after checking the arguments and the database); exits 0 when input ends, 1 on an error
    /// before serving, worded as the CLI words it.
    public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        var path: String?, allowWrites = false, rest = arguments[...]
        while let a = rest.popFirst() {
            switch a {
            case "--db": path = rest.popFirst()
            case "--allow-writes": allowWrites = true
            default: path = nil; rest = []
            }
        }
        guard let path else {
            FileHandle.standardError.write(Data("quarry-mcp: error: usage: quarry-mcp --db FILE [--allow-writes] (start it as quarry mcp)\n".utf8))
            exit(2)
        }
        do {
            let workbench = try Workbench(path: path, mustExist: !allowWrites, readOnly: !allowWrites)
            try run(workbench: workbench, allowWrites: allowWrites)
            exit(0)
        } catch {
            FileHandle.standardError.write(Data(("quarry: error: " + ErrorText.describe(error) + "\n").utf8))
            exit(1)
        }
    }

    /// Serves until standard input ends; blocks the calling thread.
    public static func run(workbench: Workbench, allowWrites: Bool) throws {
        final class Outcome: @unchecked Sendable { var error: (any Error)? }
        let outcome = Outcome(), done = DispatchSemaphore(value: 0)
        Task {
            do { try await serve(workbench: workbench, allowWrites: allowWrites) } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    static func serve(workbench: Workbench, allowWrites: Bool) async throws {
        let toolbox = Toolbox(workbench: workbench, allowWrites: allowWrites)
        let inFlight = InFlight()
        let server = Server(name: "quarry", version: Workbench.version, title: "Quarry",
                            instructions: instructions, capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            .init(tools: ToolCatalog.all.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { params in
            inFlight.add(1)
            defer { inFlight.add(-1) }
            do {
                let json = try await toolbox.call(params.name, params.arguments)
                // The JSON text as the CLI's --json gives it (keys in order), and the same as
                // structured content (an object, as the protocol wants).
                return .init(content: [.text(text: json.jsonText, annotations: nil, _meta: nil)],
                             structuredContent: Optional<MCPValue>.some(json.mcpValue), isError: false)
            } catch {
                return .init(content: [.text(text: ErrorText.describe(error), annotations: nil, _meta: nil)], isError: true)
            }
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
        // Input ended: calls read before the end are answered before the process exits (a client
        // may write its requests and close the pipe). The SDK runs each in its own task: give them
        // time to start, wait until none is running, then let the last answers be written.
        try? await Task.sleep(for: .milliseconds(100))
        while inFlight.count > 0 { try? await Task.sleep(for: .milliseconds(20)) }
        try? await Task.sleep(for: .milliseconds(100))
    }
}


/// Tool calls under way (the handler's tasks run on any thread).
final class InFlight: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    var count: Int { lock.withLock { value } }
    func add(_ n: Int) { lock.withLock { value += n } }
}
