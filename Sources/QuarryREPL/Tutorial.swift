import Foundation
import QuarryConsole
import QuarryEngine

/// The guided tutorial: `Samples/tutorial/NN-topic.sql`, each a sequence of steps — a block of
/// `--` comments saying what to look at, then one statement or dot-command.
///
/// `.tutorial N` prints each step's comment, waits for Enter on a terminal (`q` stops), and runs
/// the statement; without a terminal it runs straight through (as the tests do).
enum Tutorial {
    struct Chapter: Equatable {
        var number: Int
        var title: String
        var path: String
    }

    struct Step: Equatable {
        var comment: [String]
        var command: String
    }

    /// The folder of the tutorial: `QUARRY_TUTORIAL`, else `Samples/tutorial` under the current
    /// folder, else beside the executable's package (`.build/<config>/quarry` → `../../Samples`).
    static func folder() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["QUARRY_TUTORIAL"] { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/Samples/tutorial")
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for up in 1...3 {
            var u = exe
            for _ in 0..<up { u = u.deletingLastPathComponent() }
            candidates.append(u.appendingPathComponent("Samples/tutorial").path)
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func chapters() -> [Chapter] {
        guard let folder = folder(), let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".sql") }.sorted().compactMap { name in
            guard let number = Int(name.prefix { $0.isNumber }) else { return nil }
            let path = folder + "/" + name
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let title = text.split(separator: "\n").first { $0.hasPrefix("--") }.map { $0.dropFirst(2).trimmingCharacters(in: .whitespaces) } ?? name
            return Chapter(number: number, title: title, path: path)
        }
    }

    /// Steps of a tutorial file: comment block, then a statement (to its `;`) or a dot-command.
    /// Comments after the last statement become a final step with no command.
    static func steps(_ text: String) -> [Step] {
        var steps: [Step] = []
        var comment: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty {
                if trimmed.hasPrefix("--") {
                    let c = trimmed.dropFirst(2)
                    comment.append(String(c.hasPrefix(" ") ? c.dropFirst() : c))
                    continue
                }
                if trimmed.isEmpty { if !comment.isEmpty && comment.last != "" { comment.append("") }; continue }
                if trimmed.hasPrefix(".") {
                    steps.append(Step(comment: trim(comment), command: trimmed))
                    comment = []
                    continue
                }
            }
            pending += (pending.isEmpty ? "" : "\n") + line
            if StatementScript.isComplete(pending) {
                steps.append(Step(comment: trim(comment), command: pending))
                comment = []
                pending = ""
            }
        }
        if !trim(comment).isEmpty { steps.append(Step(comment: trim(comment), command: "")) }
        return steps
    }

    static func trim(_ lines: [String]) -> [String] {
        var l = lines
        while l.last == "" { l.removeLast() }
        while l.first == "" { l.removeFirst() }
        return l
    }
}

extension REPL {
    func dotTutorial(_ args: [String]) -> Bool {
        let chapters = Tutorial.chapters()
        guard !chapters.isEmpty else { output.error("the tutorial's files (Samples/tutorial/*.sql) are not here; set QUARRY_TUTORIAL to their folder"); return false }
        if args.first == "list" || args.isEmpty && !interactive {
            for c in chapters { output.line("\(c.number). \(c.title)") }
            if args.first == "list" { return true }
        }
        var chosen = chapters
        if let a = args.first {
            guard let n = Int(a), let c = chapters.first(where: { $0.number == n }) else {
                output.error("no tutorial chapter '\(a)' (chapters: \(chapters.map { String($0.number) }.joined(separator: ", ")))")
                return false
            }
            chosen = [c]
        }
        var ok = true
        for chapter in chosen {
            output.line(Style.header.apply("── \(chapter.number). \(chapter.title) ──", enabled: output.color))
            let text = (try? String(contentsOfFile: chapter.path, encoding: .utf8)) ?? ""
            for step in Tutorial.steps(text).dropFirst(0) {
                let comment = step.comment.filter { $0 != chapter.title }
                if !comment.isEmpty { output.line(Style.accent.apply(comment.joined(separator: "\n"), enabled: output.color)) }
                guard !step.command.isEmpty else { continue }
                output.line(Style.header.apply("quarry> ", enabled: output.color) + step.command.replacingOccurrences(of: "\n", with: "\n   ...> "))
                if let editor {
                    guard let answer = editor.readLine(prompt: Style.dim.apply("[Enter] run · s skip · q quit ", enabled: output.color)), !editor.wasInterrupted else { return ok }
                    let a = answer.trimmingCharacters(in: .whitespaces).lowercased()
                    if a == "q" { return ok }
                    if a == "s" { continue }
                }
                let succeeded = step.command.hasPrefix(".") ? runDotCommand(step.command) : runStatement(step.command)
                ok = ok && succeeded
                output.line("")
            }
        }
        return ok
    }
}
