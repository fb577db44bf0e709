import Foundation
import QuarryConsole
import QuarryEngine

/// The interactive shell: statements end with `;` and may span lines; lines starting with `.`
/// are dot-commands in the manner of sqlite3's shell.
///
/// On a terminal it reads through GNU readline with a history file; otherwise it reads the pipe,
/// prints plain output, and stops at the first error with a non-zero status (`sqlite3 -bail`).
public final class REPL: @unchecked Sendable {
    public enum Mode: String, CaseIterable { case table, json, csv, line }

    let workbench: Workbench
    let interactive: Bool
    var output = REPLOutput()
    var mode: Mode = .table
    var timer = false
    var explain = false
    var shouldQuit = false
    /// How many `.read` commands are running inside each other.
    var readDepth = 0
    var editor: LineEditor?
    let catalog: DataCatalog
    let worker = Worker()

    public init(workbench: Workbench, interactive: Bool = Terminal.isTTY(STDIN_FILENO) && Terminal.isTTY(STDOUT_FILENO)) {
        self.workbench = workbench
        self.interactive = interactive
        self.catalog = DataCatalog(workbench: workbench)
        output.color = interactive && Terminal.colorEnabled()
    }

    /// Completion of the text before the cursor, from the open database.
    public func complete(line: String, word: String) -> [Candidate] {
        Completer(source: catalog).complete(line: line, word: word)
    }

    /// Runs until `.quit`, Ctrl-D or the end of the input; returns the exit status.
    public func run() -> Int32 {
        let status = loop()
        // A file `.output` still writes is closed (and a new one renamed into place) now.
        if let file = output.file {
            output.file = nil
            do { try file.close() } catch {
                output.error(error.description)
                return 1
            }
        }
        return status
    }

    private func loop() -> Int32 {
        if interactive {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
            let history = ProcessInfo.processInfo.environment["QUARRY_HISTORY"] ?? home + "/.quarry_history"
            editor = LineEditor(historyPath: history, completer: { [weak self] line, word in self?.complete(line: line, word: word) ?? [] })
            output.line("Quarry \(Workbench.version) — hybrid search workbench. Type .help for commands, .tutorial to learn, .quit to leave.")
            output.line("Database: \(workbench.path)")
        }
        var pending = ""
        var lineNumber = 0, pendingLine = 0
        while !shouldQuit {
            let prompt = pending.isEmpty ? "quarry> " : "   ...> "
            guard let line = readLine(prompt: prompt) else { break }
            lineNumber += 1
            if editor?.wasInterrupted == true { pending = ""; continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && trimmed.hasPrefix(".") {
                editor?.addHistory(line)
                if !(runDotCommand(trimmed) && outputIntact()) && !interactive { return 1 }
                continue
            }
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            if pending.isEmpty { pendingLine = lineNumber }
            pending += (pending.isEmpty ? "" : "\n") + line
            guard StatementScript.isComplete(pending) else { continue }
            editor?.addHistory(pending)
            let statements = pending
            pending = ""
            if !(runStatements(statements) && outputIntact()) && !interactive { return 1 }
        }
        if !pending.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            output.error("line \(pendingLine): " + Self.incomplete(pending))
            return interactive ? 0 : 1
        }
        if interactive { output.line("") }
        return 0
    }

    /// False, with the error said, when a write of the command that just ran failed.
    func outputIntact() -> Bool {
        guard let failure = output.takeFailure() else { return true }
        output.error(failure.description)
        return false
    }

    func readLine(prompt: String) -> String? {
        if let editor { return editor.readLine(prompt: prompt) }
        return Self.standardInputLine()
    }

    /// The next line of standard input without its `\n` or `\r\n` (nil at the end), read a byte at
    /// a time through stdio's buffer into Swift's memory (`Swift.readLine` frees a buffer glibc's
    /// `getline` allocated: a "bad free" under ASan whenever the two allocators differ).
    static func standardInputLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            let c = getchar()
            if c == EOF { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if c == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs `body` on the worker; on a terminal Ctrl-C abandons it and prints "cancelled".
    /// Returns nil when cancelled.
    func cancellable<T>(_ body: @escaping () -> T) -> T? {
        cancellable { (_: StopFlag) in body() }
    }

    /// `cancellable` for work that polls its stop flag (evaluations, sweeps) and so really stops.
    func cancellable<T>(_ body: @escaping (StopFlag) -> T) -> T? {
        guard let editor else { return body(StopFlag()) }
        editor.beginBusy()
        defer { editor.endBusy() }
        switch worker.run(interruptible: true, interrupted: { editor.wasInterrupted }, body) {
        case let .done(value): return value
        case .cancelled:
            output.line("^C")
            output.error("cancelled")
            return nil
        }
    }

    /// The file a script's text came from (`.read`): its path, its whole text, and the line the
    /// text starts on, so an error is placed in the file.
    struct ScriptOrigin {
        var path: String
        var text: String
        var line: Int
    }

    /// Runs the statements of `text` (one, or several on a line) in order; false at the first error.
    func runStatements(_ text: String, from origin: ScriptOrigin? = nil) -> Bool {
        for piece in StatementScript.pieces(text) {
            let place = origin.map { origin in { (e: QueryError) -> String in
                let inFile = StatementScript.Piece(text: piece.text, line: origin.line + piece.line - 1, column: piece.column)
                return "\(origin.path): " + e.placed(at: inFile, in: origin.text).rendered
            } }
            if !runStatement(piece.text, place: place) { return false }
        }
        return true
    }

    /// Runs one statement; false on error. `place` words an error of the statement as written
    /// (a script's error placed in its file).
    func runStatement(_ text: String, place: ((QueryError) -> String)? = nil) -> Bool {
        var statement = text
        let head = text.drop { $0.isWhitespace }.prefix(7).uppercased()
        if explain && head.hasPrefix("SEARCH") { statement = "EXPLAIN ANALYZE " + text }
        let started = DispatchTime.now().uptimeNanoseconds
        guard let outcome = cancellable({ [workbench] in Result { try workbench.execute(statement) } }) else { return false }
        switch outcome {
        case let .success(result):
            output.line(render(result))
            if timer {
                output.line(String(format: "Run Time: %.3f ms", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6))
            }
            return true
        case let .failure(error):
            if let place, let e = error as? QueryError, e.source == text { output.error(place(e)) } else { output.error(ErrorText.describe(error)) }
            return false
        }
    }

    func render(_ result: StatementResult) -> String {
        if explain, case let .explain(s, true) = result {
            return Render.result(result, workbench: workbench, width: output.width, color: output.color) + "\n\n"
                + render(.search(s))
        }
        switch mode {
        case .json: return Render.json(result).prettyJSONText
        case .csv: return Render.csv(result, workbench: workbench)
        case .line: return Render.lines(result, workbench: workbench, width: output.width)
        case .table: return Render.result(result, workbench: workbench, width: output.width, color: output.color)
        }
    }
}

/// Where the REPL writes: standard output or a file (`.output`), and errors to standard error.
/// A failed write (a full disk, `.output /dev/full`) is kept in `failure` until the command
/// that wrote ends, which then fails with it.
final class REPLOutput {
    var color = false
    var file: OutputFile?
    private let standard = OutputFile.standardOutput()
    /// The first write that failed since `takeFailure()`.
    private(set) var failure: OutputFile.Failure?

    func line(_ s: String) {
        let out = file ?? standard
        do {
            try out.write(s + "\n")
            try out.flush()
        } catch {
            if failure == nil { failure = error }
        }
    }

    /// The write failure of the command that just ran, if any (and forgets it).
    func takeFailure() -> OutputFile.Failure? {
        defer { failure = nil }
        return failure
    }

    func error(_ s: String) {
        FileHandle.standardError.write(Data((Style.error.apply("error:", enabled: color) + " " + s + "\n").utf8))
    }

    var width: Int { file == nil ? Terminal.width() : 200 }
}
