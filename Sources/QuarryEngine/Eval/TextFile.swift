#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading and writing the small text files of the Eval module (qrels, runs), and splitting their lines.
enum TextFile {
    static func read(path: String) throws(EvalError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path: path) }
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ text: String, path: String) throws(EvalError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw .unwritableFile(path: path)
        }
    }

    /// The last path component, used to name a file in error messages without the machine's folders.
    static func displayName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Non-empty lines with their 1-based numbers; `\r\n` endings are accepted. Split on bytes,
    /// because Swift reads `\r\n` as one Character.
    static func lines(_ text: String) -> [(number: Int, text: Substring)] {
        var out: [(Int, Substring)] = []
        var number = 0
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var line = raw
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            out.append((number, Substring(line)))
        }
        return out
    }

    /// Fields separated by runs of spaces or tabs.
    static func fields(_ line: Substring) -> [Substring] {
        line.utf8.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map { Substring($0) }
    }
}
