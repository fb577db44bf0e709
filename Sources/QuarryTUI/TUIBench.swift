import Foundation
import QuarryEngine

/// `quarry bench tui`: keystroke-to-redraw latency of the workbench.
///
/// The real screen manager, panels and engine run in the process; curses draws on an off-screen
/// xterm (output to /dev/null), and keys are fed to the screen manager as the loop feeds them.
/// Each key is timed from its dispatch to the end of the redraw that follows it (`refresh`
/// returned): typing, moving between panes and hits, changing a parameter. Keys that start a
/// query (Enter, ←/→ on a parameter) are also timed to the redraw that shows the answer, which
/// includes the three searches, EXPLAIN ANALYZE and the exact recall.
public enum TUIBench {
    public struct Options: Sendable {
        public var rows = 24
        public var cols = 80
        /// Rounds of the key script (each: type a query, run it, move, change ef twice).
        public var rounds = 20
        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        case noTerminalType
        case noWords
        public var description: String {
            switch self {
            case .noTerminalType: return "no terminfo entry for xterm-256color, xterm or vt100 (install ncurses-base)"
            case .noWords: return "the collection has no text to type queries from"
            }
        }
    }

    /// Runs the key script on `collection` and returns the figures as JSON (milliseconds).
    public static func run(workbench: Workbench, collection: String, options: Options = Options()) throws -> JSONValue {
        let name = try workbench.database.collection(named: collection).name
        let records = try workbench.database.liveCount(collection: name)
        let queries = try queryTexts(workbench, collection: name, count: max(1, options.rounds))
        guard !queries.isEmpty else { throw Failure.noWords }

        let workspace = Workspace(runner: Runner(workbench: workbench, collection: name), recordCount: records)
        guard TerminalSession.startOffscreen(rows: options.rows, cols: options.cols) else { throw Failure.noTerminalType }
        defer { TerminalSession.restore() }
        let screen = Screen(workspace: workspace)
        screen.redraw()

        var redraw = LatencyRecorder()
        var byKind: [String: LatencyRecorder] = [:]
        var answer = LatencyRecorder()
        func press(_ key: Key, _ kind: String) {
            let start = monotonicNanoseconds()
            _ = screen.press(key)
            let ns = monotonicNanoseconds() - start
            redraw.record(nanoseconds: ns)
            byKind[kind, default: LatencyRecorder()].record(nanoseconds: ns)
        }
        /// A key that starts a query: timed to its own redraw, then to the redraw of the answer.
        func pressAndWait(_ key: Key, _ kind: String) {
            let start = monotonicNanoseconds()
            press(key, kind)
            while workspace.running {
                if !screen.collect() { usleep(50) }
            }
            screen.redraw()
            answer.record(nanoseconds: monotonicNanoseconds() - start)
        }

        let wall = monotonicNanoseconds()
        for (round, query) in queries.enumerated() {
            // The query line has the focus: type, run.
            for c in query { press(.char(c), "typing") }
            pressAndWait(.enter, "run_query")
            // Results: move down the hits and across the columns.
            press(.escape, "moving")
            for _ in 0..<3 { press(.down, "moving") }
            press(.right, "moving")
            // Parameters pane (Tab from the results: plan, metrics, parameters): ef down and up.
            for _ in 0..<3 { press(.tab, "moving") }
            pressAndWait(.left, "parameter_change")
            pressAndWait(.right, "parameter_change")
            // Back to the query line, clear it.
            press(.char("/"), "moving")
            press(.ctrl("u"), "typing")
            if round == 0 {
                // The first round warms caches (indexes loaded, titles read): measure from the second.
                redraw = LatencyRecorder(); byKind = [:]; answer = LatencyRecorder()
            }
        }
        let seconds = Double(monotonicNanoseconds() - wall) / 1e9

        func summary(_ r: LatencyRecorder) -> JSONValue {
            let s = r.summary()
            return .object([
                JSONMember("count", .int(Int64(s.count))),
                JSONMember("p50_ms", .double(round3(s.p50Ms))), JSONMember("p95_ms", .double(round3(s.p95Ms))),
                JSONMember("p99_ms", .double(round3(s.p99Ms))), JSONMember("max_ms", .double(round3(s.maxMs))),
                JSONMember("mean_ms", .double(round3(s.meanMs))),
            ])
        }
        return .object([
            JSONMember("benchmark", "tui"),
            JSONMember("collection", .string(name)),
            JSONMember("records", .int(Int64(records))),
            JSONMember("screen", .string("\(options.cols)x\(options.rows)")),
            JSONMember("rounds", .int(Int64(queries.count - 1))),
            JSONMember("key_to_redraw", summary(redraw)),
            JSONMember("by_kind", .object(byKind.keys.sorted().map { JSONMember($0, summary(byKind[$0]!)) })),
            JSONMember("key_to_answer", summary(answer)),
            JSONMember("seconds", .double(round3(seconds))),
        ])
    }

    private static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// Queries to type: the collection's own queries when it has a query set, else two words
    /// from the titles (or first text field) of records spread over the collection.
    static func queryTexts(_ workbench: Workbench, collection: String, count: Int) throws -> [String] {
        let stored = try workbench.database.queries(collection: collection).map(\.text)
        if !stored.isEmpty { return (0...count).map { stored[$0 % stored.count] } }
        let (ids, _) = try workbench.database.idMap(collection: collection)
        var out: [String] = []
        var i = 0
        while out.count <= count && i < 10 * (count + 1) && !ids.isEmpty {
            let ordinal = UInt32((i * 7919) % ids.count)
            i += 1
            guard ids[Int(ordinal)] != nil, let r = try workbench.database.record(collection: collection, ordinal: ordinal) else { continue }
            let text = r.text("title") ?? r.fields.first?.value.stringValue ?? ""
            let words = text.split(separator: " ").prefix(2)
            if !words.isEmpty { out.append(words.joined(separator: " ")) }
        }
        return out
    }
}
