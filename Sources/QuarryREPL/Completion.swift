import Foundation
import QuarryConsole
import QuarryEngine

/// A completion candidate: the text inserted and a note shown beside it when candidates are
/// listed (the type of a JSON path, the kind of a field).
public struct Candidate: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var note: String
    public init(_ text: String, note: String = "") {
        self.text = text
        self.note = note
    }
    public var description: String { note.isEmpty ? text : "\(text) (\(note))" }
}

/// What completion knows about the data; the workbench's `DataCatalog` in the shell, a fixed
/// table in tests.
public protocol CompletionSource: AnyObject {
    func collectionNames() -> [String]
    func textFields(of collection: String) -> [String]
    func vectorFields(of collection: String) -> [String]
    /// Every JSON path seen in the collection's records (`metadata.year`, `metadata.tags[]`)
    /// with the JSON types seen there (`number`, `string|null`, …).
    func paths(of collection: String) -> [(path: String, type: String)]
    /// The query sets of the collection (made and imported), and its tries.
    func querySets(of collection: String) -> [String]
    func tries(of collection: String) -> [String]
}

extension CompletionSource {
    public func querySets(of collection: String) -> [String] { [] }
    public func tries(of collection: String) -> [String] { [] }
}

/// Context-sensitive completion of statements and dot-commands, from the text before the cursor.
///
/// Keywords are offered where the grammar allows them (`SEARCH` at the start, a collection after
/// `SEARCH`, text fields after `MATCH … IN`, vector fields after `NEAR … IN`, paths and filter
/// functions after `WHERE`); dot-commands complete their own arguments.
public struct Completer {
    public let source: CompletionSource
    public init(source: CompletionSource) { self.source = source }

    static let statementKeywords = Vocabulary.statementKeywords
    static let clauseKeywords = Vocabulary.clauseKeywords
    static let filterKeywords = Vocabulary.filterKeywords
    public static let filterFunctions = Vocabulary.filterFunctions
    static let indexTypes = Vocabulary.indexTypes
    static let fusions = Vocabulary.fusions

    /// Candidates for `word`, the word under the cursor, given `line`, the text before the cursor
    /// (ending with `word`).
    public func complete(line: String, word: String) -> [Candidate] {
        let trimmed = line.drop { $0.isWhitespace }
        if trimmed.hasPrefix(".") { return completeDotCommand(String(trimmed), word: word) }
        return completeStatement(line, word: word)
    }

    // MARK: - Dot-commands

    func completeDotCommand(_ line: String, word: String) -> [Candidate] {
        let words = REPL.splitWords(line)
        let endsInSpace = line.last?.isWhitespace ?? false
        if words.count <= 1 && !endsInSpace {
            return REPL.dotCommands.filter { $0.name.hasPrefix(word) }.map { Candidate($0.name, note: $0.help) }
        }
        let name = words[0]
        let position = words.count - (endsInSpace ? 1 : 2)   // index of the argument being typed
        let previous = endsInSpace ? words.last ?? "" : (words.count >= 2 ? words[words.count - 2] : "")
        func pick(_ options: [String]) -> [Candidate] { options.filter { $0.hasPrefix(word) }.map { Candidate($0) } }
        switch name {
        case ".import", ".read", ".open", ".output":
            return position == 0 ? FileCompletion.candidates(for: word) : []
        case ".mode": return position == 0 ? pick(REPL.Mode.allCases.map(\.rawValue)) : []
        case ".explain", ".timer": return position == 0 ? pick(["on", "off"]) : []
        case ".set", ".show": return position == 0 ? pick(Parameters.settings.map(\.name)) : []
        case ".help": return position == 0 ? pick(REPL.dotCommands.map(\.name)) : []
        case ".tutorial": return position == 0 ? pick(Tutorial.chapters().map { String($0.number) }) : []
        case ".queries":
            if position == 0 { return pick(source.collectionNames()) }
            if position == 1 { return pick(source.querySets(of: words[1])) }
            if position == 2 { return pick(["add"]) }
            return position >= 4 ? pick(["need="]) : []
        case ".judge":
            if position == 0 { return pick(source.collectionNames()) }
            if position == 1 { return pick(source.querySets(of: words[1])) }
            return pick(["cmd=", "depth=", "timeout=", "name=", "dry-run=on"])
        case ".try":
            if position == 0 { return pick(["save", "list", "compare"]) }
            if position == 1 { return pick(source.collectionNames()) }
            let collection = words[2]
            switch words[1] {
            case "save": return position == 2 ? [] : pick((Parameters.all.map(\.name) + ["statement"]).map { $0 + "=" })
            case "compare": return position <= 3 ? pick(source.tries(of: collection)) : pick(source.querySets(of: collection).map { "set=" + $0 })
            default: return []
            }
        case ".schema", ".eval", ".sweep", ".index", ".runs":
            if position == 0 { return pick(source.collectionNames()) }
            let collection = words[1]
            if name == ".index" {
                switch previous {
                case "--text": return pick(source.textFields(of: collection))
                case "--vector": return pick(source.vectorFields(of: collection))
                case "--type": return pick(Self.indexTypes)
                case "--json-path": return pathCandidates(collection, word: word)
                default: return pick(["--text", "--vector", "--type", "--json-path", "--analyzer", "--M", "--ef-construction", "--nlist"])
                }
            }
            if name == ".eval" {
                return pick(EvalRequest.Mode.allCases.map(\.rawValue) + (Parameters.all.map(\.name).filter { $0 != "mode" } + EvalRequest.options).map { $0 + "=" })
            }
            if name == ".sweep" { return position == 1 ? pick(Parameters.sweepable.map(\.name)) : [] }
            return []
        default: return []
        }
    }

    // MARK: - Statements

    /// A word, string or symbol of the statement before the cursor.
    enum Piece: Equatable { case word(String), string, symbol(Character) }

    static func pieces(_ text: String) -> [Piece] {
        var out: [Piece] = []
        var current = ""
        var quote: Character?
        func flush() { if !current.isEmpty { out.append(.word(current)); current = "" } }
        for ch in text {
            if let q = quote { if ch == q { quote = nil; out.append(.string) }; continue }
            if ch == "'" || ch == "\"" { flush(); quote = ch }
            else if ch.isLetter || ch.isNumber || ch == "_" || ch == "." || ch == "$" || ch == "[" && !current.isEmpty || ch == "]" && current.hasSuffix("[") { current.append(ch) }
            else if ch.isWhitespace { flush() }
            else { flush(); out.append(.symbol(ch)) }
        }
        flush()
        if quote != nil { out.append(.string) }
        return out
    }

    func completeStatement(_ line: String, word: String) -> [Candidate] {
        // The pieces before the word being typed.
        let before = String(line.dropLast(word.count))
        let pieces = Self.pieces(before)
        // Only the current statement counts.
        let current = pieces.split(separator: .symbol(";"), omittingEmptySubsequences: false).last.map(Array.init) ?? []
        let words = current.compactMap { if case let .word(w) = $0 { return w } else { return nil } }
        let upper = words.map { $0.uppercased() }
        func keywords(_ list: [String]) -> [Candidate] {
            let lowercase = word.first?.isLowercase ?? false
            return list.filter { $0.hasPrefix(word.uppercased()) }.map { Candidate(lowercase ? $0.lowercased() : $0) }
        }
        func names(_ list: [String], note: String = "") -> [Candidate] {
            list.filter { $0.hasPrefix(word) }.map { Candidate($0, note: note) }
        }
        guard let last = current.last else { return keywords(Self.statementKeywords) }
        let lastWord: String? = { if case let .word(w) = last { return w.uppercased() } else { return nil } }()

        switch lastWord {
        case "EXPLAIN": return keywords(["ANALYZE", "SEARCH"])
        case "ANALYZE": return keywords(["SEARCH"])
        case "SEARCH": return names(source.collectionNames(), note: "collection")
        case "SET", "SHOW", "RESET":
            if current.count == 1 { return names(Parameters.settings.map(\.name), note: "setting") + keywords(lastWord == "SET" ? [] : ["ALL"]) }
        case "USING": return names(Self.indexTypes)
        case "FUSE": return names(Self.fusions)
        case "NORMALIZE": return names(Vocabulary.normalizations)
        case "EXPAND": return names(QueryExpansion.Method.allCases.map(\.rawValue))
        default: break
        }
        if current.first == .symbol("(") || upper.first == "COMPARE", upper.last == "COMPARE" || last == .symbol("(") {
            return keywords(["SEARCH"])
        }
        // Inside a SEARCH: find its collection and the clause the cursor is in.
        guard let s = upper.lastIndex(of: "SEARCH"), s + 1 < words.count else {
            return words.isEmpty ? keywords(Self.statementKeywords) : []
        }
        let collection = words[s + 1]
        let clause = upper[(s + 2)...].last { Self.clauseKeywords.contains($0) }
        let usedClauses = Set(upper[(s + 2)...].filter { Self.clauseKeywords.contains($0) })
        // RANK and GROUP are offered with their BY.
        let nextClauses = keywords(Self.clauseKeywords.filter { !usedClauses.contains($0) }.map { ["RANK", "GROUP"].contains($0) ? $0 + " BY" : $0 })
        if lastWord == "BY" && clause == "GROUP" { return pathCandidates(collection, word: word) }
        if lastWord == "BY" && clause == "RANK" || clause == "RANK" && last == .symbol(",") && upper.last != "DECAY" {
            return names(Vocabulary.rankers.map { $0 + "(" }, note: "ranker")
        }
        if clause == "RANK" && upper.last == "DECAY" || clause == "RANK" && last == .symbol("(") { return names(Vocabulary.decayFunctions, note: "decay") }
        if clause == "GROUP" && lastWord != "SIZE" { return keywords(["SIZE", "STRICT"]) + nextClauses }
        if lastWord == "IN" && clause == "MATCH" || clause == "MATCH" && last == .symbol(",") && upper.contains("IN") {
            return names(source.textFields(of: collection), note: "text")
        }
        if lastWord == "IN" && clause == "NEAR" { return names(source.vectorFields(of: collection), note: "vector") }
        if lastWord == "DOC" { return [] }
        if clause == "WHERE" {
            if last == .string || lastWord.map({ $0.first?.isNumber ?? false || ["TRUE", "FALSE", "NULL"].contains($0) }) == true || last == .symbol(")") {
                return keywords(["AND", "OR"]) + nextClauses
            }
            return pathCandidates(collection, word: word) + names(Self.filterFunctions, note: "function") + (word.contains(".") ? [] : keywords(["NOT", "EXISTS"]))
        }
        if clause == nil && current.count == s + 2 || last == .string || lastWord.map({ $0.first?.isNumber ?? false }) == true || last == .symbol(")") {
            return clause == "MATCH" && last == .string ? keywords(["IN", "EXPAND"]) + nextClauses : clause == "NEAR" && last == .string ? keywords(["IN", "USING", "WITHIN"]) + nextClauses : nextClauses
        }
        if clause == "MATCH" || clause == "NEAR" { return nextClauses + (clause == "NEAR" ? keywords(["DOC", "USING", "IN", "WITHIN"]) : keywords(["IN", "EXPAND"])) }
        return nextClauses
    }

    /// JSON paths and top-level fields of `collection` that start with `word`, with their types.
    func pathCandidates(_ collection: String, word: String) -> [Candidate] {
        var out: [Candidate] = []
        out += (["id"] + source.textFields(of: collection)).filter { $0.hasPrefix(word) }.map { Candidate($0, note: "string") }
        out += source.paths(of: collection).filter { $0.path.hasPrefix(word) && !$0.path.hasSuffix("[]") }
            .map { Candidate($0.path, note: $0.type) }
        return out
    }
}

/// File names for `.import`, `.read`, `.open` and `.output`: entries of the word's folder.
enum FileCompletion {
    static func candidates(for word: String) -> [Candidate] {
        let expanded = word.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? "~") + word.dropFirst() : word
        let slash = expanded.lastIndex(of: "/")
        let folder = slash.map { String(expanded[...$0]) } ?? ""
        let prefix = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
        let shownFolder = slash == nil ? "" : String(word.dropLast(prefix.count))
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return [] }
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map { name in
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + name, isDirectory: &isDir)
            return Candidate(shownFolder + name + (isDir.boolValue ? "/" : ""), note: isDir.boolValue ? "folder" : "file")
        }
    }
}
