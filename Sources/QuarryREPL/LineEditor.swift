import CReadline
import Foundation
import QuarryConsole

/// GNU readline, wrapped once: prompts, history in a file, completion through a Swift closure
/// with notes (types) shown when candidates are listed. The only file that imports CReadline.
public final class LineEditor {
    /// Completion candidates for the word being typed: (line up to the cursor, word) → candidates.
    public typealias Completer = (_ line: String, _ word: String) -> [Candidate]

    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [Candidate] = []
    nonisolated(unsafe) static var interrupted = false
    /// True while a statement runs: Ctrl-C then cancels it instead of clearing the prompt line.
    nonisolated(unsafe) static var busy = false

    let historyPath: String?

    public init(historyPath: String?, completer: Completer?) {
        self.historyPath = historyPath
        LineEditor.completer = completer
        setlocale(LC_ALL, "")
        quarry_rl_set_completion { text, _, _ in LineEditor.complete(text) }
        // readline keeps the pointer: give it a copy that lives as long as the process.
        quarry_rl_set_word_break(UnsafePointer(strdup(" \t\n\"'`@$><=;|&{(,")))
        Self.setGlobal("rl_completion_display_matches_hook", to: unsafeBitCast(
            { (m: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, n: Int32, w: Int32) in LineEditor.display(m, n, w) }
                as @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32, Int32) -> Void,
            to: UnsafeRawPointer.self))
        using_history()
        if let historyPath { read_history(historyPath) }
        quarry_rl_set_catch_signals(0)
        signal(SIGINT) { _ in
            LineEditor.interrupted = true
            if LineEditor.busy { return }
            // At the prompt: drop the line being typed and show a fresh prompt.
            write(STDOUT_FILENO, "^C\n", 3)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_redisplay()
        }
    }

    /// Sets a readline global that Swift 6 cannot assign directly (not concurrency-safe).
    static func setGlobal(_ name: String, to value: UnsafeRawPointer?) {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return }
        address.assumingMemoryBound(to: UnsafeRawPointer?.self).pointee = value
    }

    /// Reads a line; nil at end of input (Ctrl-D).
    public func readLine(prompt: String) -> String? {
        LineEditor.interrupted = false
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// True when Ctrl-C was pressed since the last prompt (or since `beginBusy`).
    public var wasInterrupted: Bool { LineEditor.interrupted }

    /// Marks a statement as running: Ctrl-C sets `wasInterrupted` and nothing else.
    public func beginBusy() { LineEditor.interrupted = false; LineEditor.busy = true }
    public func endBusy() { LineEditor.busy = false }

    public func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(entry)
        if let historyPath {
            if !FileManager.default.fileExists(atPath: historyPath) { write_history(historyPath) } else { append_history(1, historyPath) }
            history_truncate_file(historyPath, 2000)
        }
    }

    // MARK: - Completion

    static func complete(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        quarry_rl_set_completion_over(1)
        let word = text.map { String(cString: $0) } ?? ""
        let line = quarry_rl_line_buffer().map { String(cString: $0) } ?? ""
        let point = Int(quarry_rl_point())
        let before = String(decoding: Array(line.utf8.prefix(point)), as: UTF8.self)
        LineEditor.matches = LineEditor.completer?(before, word) ?? []
        guard !LineEditor.matches.isEmpty else { return nil }
        // A folder or a path that goes on: no space after it.
        let open = LineEditor.matches.count == 1 && LineEditor.matches[0].text.hasSuffix("/") || LineEditor.matches[0].text.hasSuffix("=")
        quarry_rl_set_append_character(open ? 0 : 32)
        return rl_completion_matches(text) { _, state in
            let i = Int(state)
            guard i < LineEditor.matches.count else { return nil }
            return strdup(LineEditor.matches[i].text)
        }
    }

    /// Lists candidates in columns, each with its note (`metadata.year  number`).
    static func display(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int32, _ maxLength: Int32) {
        guard let list else { return }
        let notes = Dictionary(matches.map { ($0.text, $0.note) }, uniquingKeysWith: { a, _ in a })
        let items = (1...Int(max(count, 1))).compactMap { list[$0].map { String(cString: $0) } }
        let text = CompletionListing.render(items.map { Candidate($0, note: notes[$0] ?? "") }, width: Terminal.width())
        FileHandle.standardOutput.write(Data(("\n" + text + "\n").utf8))
        rl_forced_update_display()
    }
}

/// Candidates in columns that fit the width, notes dimmed beside names.
public enum CompletionListing {
    public static func render(_ items: [Candidate], width: Int) -> String {
        let nameWidth = items.map { DisplayWidth.of($0.text) }.max() ?? 0
        let cells = items.map { $0.note.isEmpty ? $0.text : DisplayWidth.pad($0.text, to: nameWidth) + "  " + $0.note }
        let cellWidth = (cells.map { DisplayWidth.of($0) }.max() ?? 0) + 3
        let columns = max(1, width / max(1, cellWidth))
        let rows = (cells.count + columns - 1) / columns
        var lines: [String] = []
        for r in 0..<rows {
            var line = ""
            for c in 0..<columns {
                let i = c * rows + r
                guard i < cells.count else { break }
                line += c == columns - 1 || i + rows >= cells.count ? cells[i] : DisplayWidth.pad(cells[i], to: cellWidth)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
