import Foundation
import QuarryEngine

/// The dot-commands, one function each, in one help table (as sqlite3's shell).
/// A handler returns true on success; on failure it has printed the error.
extension REPL {
    struct DotCommand: Sendable {
        let name: String
        let arguments: String
        let help: String
        let run: @Sendable (REPL, [String]) -> Bool
    }

    static let dotCommands: [DotCommand] = [
        DotCommand(name: ".collections", arguments: "", help: "List the collections with sizes, fields and indexes", run: { $0.dotCollections($1) }),
        DotCommand(name: ".schema", arguments: "[COLLECTION]", help: "Show the schema, query sets and indexes of collections", run: { $0.dotSchema($1) }),
        DotCommand(name: ".open", arguments: "FILE", help: "Open (or create) another database file", run: { $0.dotOpen($1) }),
        DotCommand(name: ".mode", arguments: "table|json|csv|line", help: "How results are printed", run: { $0.dotMode($1) }),
        DotCommand(name: ".timer", arguments: "on|off", help: "Print the time each statement took", run: { $0.dotTimer($1) }),
        DotCommand(name: ".output", arguments: "[FILE]", help: "Send output to FILE, or back to the screen without FILE", run: { $0.dotOutput($1) }),
        DotCommand(name: ".read", arguments: "FILE", help: "Run the statements in FILE", run: { $0.dotRead($1) }),
        DotCommand(name: ".help", arguments: "[COMMAND]", help: "Show this help", run: { $0.dotHelp($1) }),
        DotCommand(name: ".quit", arguments: "", help: "Leave the shell (Ctrl-D does too)", run: { repl, _ in repl.shouldQuit = true; return true }),
    ]

    /// Runs a dot-command line; false on error.
    func runDotCommand(_ line: String) -> Bool {
        let words = Self.splitWords(line)
        guard let name = words.first else { return true }
        guard let command = Self.dotCommands.first(where: { $0.name == name }) else {
            let suggestion = Suggest.nearest(to: name, in: Self.dotCommands.map(\.name))
            output.error("unknown command \(name)" + (suggestion.map { "; did you mean \($0)?" } ?? "") + " (.help lists them)")
            return false
        }
        return command.run(self, Array(words.dropFirst()))
    }

    /// Splits a dot-command line into words; quotes group words.
    static func splitWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch.isWhitespace {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    func dotCollections(_ args: [String]) -> Bool {
        do {
            let summaries = try workbench.summaries()
            if summaries.isEmpty { output.line("no collections; import one with .import PATH NAME or `quarry import`") }
            else { output.line(Render.collections(summaries, width: output.width, color: output.color)) }
            return true
        } catch { output.error(error.message); return false }
    }

    func dotSchema(_ args: [String]) -> Bool {
        do {
            let names = args.isEmpty ? try workbench.database.collections().map(\.name) : args
            for name in names { output.line(Render.schema(try workbench.database.summary(of: name), color: output.color)) }
            return true
        } catch { output.error(error.message); return false }
    }

    func dotOpen(_ args: [String]) -> Bool {
        guard let path = args.first else { output.error("usage: .open FILE"); return false }
        do { try workbench.open(path: path); output.line("opened \(path)"); return true } catch { output.error(error.message); return false }
    }

    func dotMode(_ args: [String]) -> Bool {
        guard let name = args.first else { output.line("mode: \(mode.rawValue)"); return true }
        guard let m = Mode(rawValue: name) else {
            output.error("unknown mode '\(name)' (expected \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
            return false
        }
        mode = m
        return true
    }

    func dotTimer(_ args: [String]) -> Bool {
        switch args.first {
        case "on"?: timer = true
        case "off"?: timer = false
        default: output.error("usage: .timer on|off"); return false
        }
        return true
    }

    func dotOutput(_ args: [String]) -> Bool {
        if let old = output.file { try? old.close() }
        output.file = nil
        guard let path = args.first else { return true }
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { output.error("cannot write \(path)"); return false }
        output.file = handle
        return true
    }

    func dotRead(_ args: [String]) -> Bool {
        guard let path = args.first else { output.error("usage: .read FILE"); return false }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { output.error("\(path): no such file or directory"); return false }
        var pending = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && trimmed.hasPrefix(".") { if !runDotCommand(trimmed) { return false }; continue }
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            pending += (pending.isEmpty ? "" : "\n") + line
            if StatementBoundary.isComplete(pending) {
                if !runStatement(pending) { return false }
                pending = ""
            }
        }
        return true
    }

    func dotHelp(_ args: [String]) -> Bool {
        let shown = args.isEmpty ? Self.dotCommands : Self.dotCommands.filter { $0.name == args[0] || $0.name == "." + args[0] }
        let width = shown.map { $0.name.count + $0.arguments.count + 1 }.max() ?? 0
        for c in shown {
            output.line(DisplayWidth.pad(c.name + (c.arguments.isEmpty ? "" : " " + c.arguments), to: width) + "  " + c.help)
        }
        return true
    }

    /// Completion: dot-commands at the start of a line, then collection names.
    func complete(line: String, word: String) -> [String] {
        if line.hasPrefix(".") && !line.contains(" ") {
            return Self.dotCommands.map(\.name).filter { $0.hasPrefix(line) }
        }
        let names = (try? workbench.database.collections().map(\.name)) ?? []
        return names.filter { $0.hasPrefix(word) }
    }
}
