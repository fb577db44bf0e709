import Foundation
import QuarryConsole
import QuarryEngine

/// `.connect milvus://HOST:PORT` sends the session's SEARCH statements to another engine;
/// `.connect local` brings them back. The REPL knows no network code: the executable hands it
/// a connector (the Milvus client lives in its own target).
extension REPL {
    /// Makes a backend from an address such as `milvus://127.0.0.1:19530`; set by the executable.
    nonisolated(unsafe) public static var connector: (@Sendable (String) throws -> any SearchBackend)?

    func dotConnect(_ args: [String]) -> Bool {
        guard args.count == 1 else {
            output.line("connected to " + (workbench.backend?.name ?? "local (the embedded engine)"))
            return true
        }
        if args[0].lowercased() == "local" {
            workbench.backend = nil
            output.line("statements run on the embedded engine")
            return true
        }
        guard let connector = Self.connector else {
            output.error("this build has no remote backends")
            return false
        }
        do {
            let backend = try connector(args[0])
            workbench.backend = backend
            output.line("statements run on \(backend.name); .connect local goes back")
            return true
        } catch {
            output.error(String(describing: error))
            return false
        }
    }
}
