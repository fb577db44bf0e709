import CNcursesw
import Foundation
import QuarryEngine

/// `quarry tui`: one screen with the same query answered lexically, by vectors and hybrid,
/// its plan, its recall against the exact answer, its latency, and keys that tune parameters.
public struct TUI {
    public enum Failure: Error, CustomStringConvertible {
        case notATerminal
        case noCollection
        public var description: String {
            switch self {
            case .notATerminal: return "quarry tui needs a terminal on standard input and output"
            case .noCollection: return "the database has no collection; import one with: quarry import FOLDER --collection NAME"
            }
        }
    }

    let workbench: Workbench
    let collection: String?
    /// A workbench on the same database whose statements run on a remote backend, shown as a
    /// fourth column, and the column's label (e.g. `milvus://127.0.0.1:19530`).
    let remote: (workbench: Workbench, label: String)?

    /// The query set `a` adds to and typed queries' grades go to (default: the collection's
    /// first set made in Quarry, else `tui`), and judge mode's pool depth.
    let set: String?
    let poolDepth: Int

    public init(workbench: Workbench, collection: String? = nil, remote: (workbench: Workbench, label: String)? = nil,
                set: String? = nil, poolDepth: Int = 10) {
        self.workbench = workbench
        self.collection = collection
        self.remote = remote
        self.set = set
        self.poolDepth = poolDepth
    }

    /// Opens the screen and runs until the user quits; the terminal is restored on every way out.
    public func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw Failure.notATerminal }
        let name: String
        if let collection {
            name = try workbench.schema(collection).name
        } else {
            guard let first = try workbench.defaultCollection() else { throw Failure.noCollection }
            name = first
        }
        let records = try workbench.recordCount(collection: name)
        let active = try set ?? workbench.querySets(collection: name).first(where: { $0.kind == .made })?.name ?? "tui"
        let workspace = Workspace(runner: Runner(workbench: workbench, collection: name, remote: remote), recordCount: records,
                                  activeSet: active, poolDepth: poolDepth)
        TerminalSession.start()
        defer { TerminalSession.restore() }
        Screen(workspace: workspace).run()
    }
}
