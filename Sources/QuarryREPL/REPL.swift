import Foundation
import QuarryEngine

/// The interactive shell: statements end with `;` and may span lines; lines starting with `.`
/// are dot-commands in the manner of sqlite3's shell.
///
/// On a terminal it reads through GNU readline with a history file; otherwise it reads the pipe,
/// prints plain output, and stops at the first error with a non-zero status (`sqlite3 -bail`).
public final class REPL {
    public enum Mode: String, CaseIterable { case table, json, csv, line }

    let workbench: Workbench
    let interactive: Bool
    var output = REPLOutput()
    var mode: Mode = .table
    var timer = false
    var explain = false
    var shouldQuit = false
    var editor: LineEditor?

    public init(workbench: Workbench, interactive: Bool = Terminal.isTTY(STDIN_FILENO) && Terminal.isTTY(STDOUT_FILENO)) {
        self.workbench = workbench
        self.interactive = interactive
        output.color = interactive && Terminal.colorEnabled()
    }

    /// Runs until `.quit`, Ctrl-D or the end of the input; returns the exit status.
    public func run() -> Int32 {
        if interactive {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
            let history = ProcessInfo.processInfo.environment["QUARRY_HISTORY"] ?? home + "/.quarry_history"
            editor = LineEditor(historyPath: history, completer: { [weak self] line, word in self?.complete(line: line, word: word) ?? [] })
            output.line("Quarry \(REPL.version) — hybrid search workbench. Type .help for commands, .quit to leave.")
            output.line("Database: \(workbench.database.path)")
        }
        var pending = ""
        var lineNumber = 0
        while !shouldQuit {
            let prompt = pending.isEmpty ? "quarry> " : "   ...> "
            guard let line = readLine(prompt: prompt) else { break }
            lineNumber += 1
            if editor?.wasInterrupted == true { pending = ""; continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && trimmed.hasPrefix(".") {
                editor?.addHistory(line)
                if !runDotCommand(trimmed) && !interactive { return 1 }
                continue
            }
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            pending += (pending.isEmpty ? "" : "\n") + line
            guard StatementBoundary.isComplete(pending) else { continue }
            editor?.addHistory(pending)
            let statement = pending
            pending = ""
            if !runStatement(statement) && !interactive { return 1 }
        }
        if !pending.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            output.error("incomplete statement at end of input (missing ';')")
            return interactive ? 0 : 1
        }
        if interactive { output.line("") }
        return 0
    }

    func readLine(prompt: String) -> String? {
        if let editor { return editor.readLine(prompt: prompt) }
        return Swift.readLine(strippingNewline: true)
    }

    /// Runs one statement; false on error.
    func runStatement(_ text: String) -> Bool {
        do {
            let started = DispatchTime.now().uptimeNanoseconds
            let result = try workbench.execute(text)
            switch mode {
            case .json: output.line(Render.json(result).prettyJSONText)
            default: output.line(Render.result(result, workbench: workbench, width: output.width, color: output.color))
            }
            if timer {
                output.line(String(format: "Run Time: %.3f ms", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6))
            }
            return true
        } catch let error as QueryError {
            output.error(error.rendered)
        } catch let error as StorageError {
            output.error(error.message)
        } catch {
            output.error(String(describing: error))
        }
        return false
    }

    static let version = "0.1.0"
}

/// Where the REPL writes: standard output or a file (`.output`), and errors to standard error.
struct REPLOutput {
    var color = false
    var file: FileHandle?

    func line(_ s: String) {
        let data = Data((s + "\n").utf8)
        if let file { file.write(data) } else { FileHandle.standardOutput.write(data) }
    }

    func error(_ s: String) {
        FileHandle.standardError.write(Data((Style.error.apply("error:", enabled: color) + " " + s + "\n").utf8))
    }

    var width: Int { file == nil ? Terminal.width() : 200 }
}

/// Statement boundaries: a statement ends at a `;` outside quotes and comments.
public enum StatementBoundary {
    public static func isComplete(_ text: String) -> Bool {
        var quote: Character?
        var lineComment = false
        var last: Character?
        var complete = false
        for ch in text {
            if lineComment { if ch == "\n" { lineComment = false }; last = ch; continue }
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                complete = false
            } else if ch == "-" && last == "-" {
                lineComment = true
            } else if ch == ";" {
                complete = true
            } else if !ch.isWhitespace {
                complete = false
            }
            last = ch
        }
        return complete && quote == nil
    }

    /// Splits a script into statements at `;` outside quotes and comments; comment-only
    /// and blank pieces are dropped.
    public static func split(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            current += (current.isEmpty ? "" : "\n") + line
            if isComplete(current) {
                out.append(current)
                current = ""
            }
        }
        let rest = current.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
        if rest.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { out.append(current) }
        return out
    }
}
