import CReadline
import Foundation

/// GNU readline, wrapped once: prompts, history in a file, completion through a Swift closure.
/// The only file that imports CReadline.
public final class LineEditor {
    /// Completion candidates for the word being typed: (whole line so far, word) → candidates.
    public typealias Completer = (_ line: String, _ word: String) -> [String]

    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var interrupted = false

    let historyPath: String?

    public init(historyPath: String?, completer: Completer?) {
        self.historyPath = historyPath
        LineEditor.completer = completer
        quarry_rl_set_completion { text, _, _ in LineEditor.complete(text) }
        quarry_rl_set_word_break(" \t\n\"'`@$><=;|&{(,")
        using_history()
        if let historyPath { read_history(historyPath) }
        // Ctrl-C at the prompt drops the line being typed and shows a fresh prompt.
        quarry_rl_set_catch_signals(0)
        signal(SIGINT) { _ in
            LineEditor.interrupted = true
            write(STDOUT_FILENO, "^C\n", 3)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_redisplay()
        }
    }

    /// Reads a line; nil at end of input (Ctrl-D).
    public func readLine(prompt: String) -> String? {
        LineEditor.interrupted = false
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// True when Ctrl-C was pressed since the last prompt.
    public var wasInterrupted: Bool { LineEditor.interrupted }

    public func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(entry)
        if let historyPath {
            append_history(1, historyPath)
            history_truncate_file(historyPath, 2000)
        }
    }

    public func saveHistory() {
        if let historyPath, !FileManager.default.fileExists(atPath: historyPath) { write_history(historyPath) }
    }

    // MARK: - Completion

    static func complete(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        quarry_rl_set_completion_over(1)
        let word = text.map { String(cString: $0) } ?? ""
        let line = quarry_rl_line_buffer().map { String(cString: $0) } ?? ""
        let point = Int(quarry_rl_point())
        let before = String(line.utf8.prefix(point)) ?? line
        LineEditor.matches = LineEditor.completer?(before, word) ?? []
        guard !LineEditor.matches.isEmpty else { return nil }
        return rl_completion_matches(text) { _, state in
            let i = Int(state)
            guard i < LineEditor.matches.count else { return nil }
            return strdup(LineEditor.matches[i])
        }
    }
}
