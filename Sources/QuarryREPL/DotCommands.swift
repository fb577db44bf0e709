import Foundation
import QuarryConsole
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
        DotCommand(name: ".open", arguments: "FILE", help: "Open (or create) another database file", run: { $0.dotOpen($1) }),
        DotCommand(name: ".import", arguments: "PATH COLLECTION [--vectors F] [--query-vectors F] [--text-fields a,b] [--id-field F] [--geometry F]",
                   help: "Import a BEIR folder, JSONL or CSV into a collection", run: { $0.dotImport($1) }),
        DotCommand(name: ".geo", arguments: "",
                   help: "Geometry filters: WHERE ST_DWITHIN(F, 'POINT(lon lat)', metres), ST_CONTAINS|INTERSECTS|WITHIN|EQUALS|TOUCHES|OVERLAPS|CROSSES(F, 'WKT')",
                   run: { $0.dotGeo($1) }),
        DotCommand(name: ".collections", arguments: "", help: "List the collections with sizes, fields and indexes", run: { $0.dotCollections($1) }),
        DotCommand(name: ".schema", arguments: "[COLLECTION]", help: "Show fields, query sets, indexes and JSON paths with their types", run: { $0.dotSchema($1) }),
        DotCommand(name: ".index", arguments: "COLLECTION --text F,F | --vector F [--type hnsw] | --json-path P",
                   help: "Build a BM25, vector or JSON path index", run: { $0.dotIndex($1) }),
        DotCommand(name: ".connect", arguments: "milvus://HOST:PORT | local", help: "Run SEARCH statements on a Milvus deployment, or back here", run: { $0.dotConnect($1) }),
        DotCommand(name: ".explain", arguments: "on|off", help: "Show the EXPLAIN ANALYZE plan above each search's hits", run: { $0.dotExplain($1) }),
        DotCommand(name: ".timer", arguments: "on|off", help: "Print the time each statement took", run: { $0.dotTimer($1) }),
        DotCommand(name: ".mode", arguments: "table|json|csv|line", help: "How results are printed", run: { $0.dotMode($1) }),
        DotCommand(name: ".eval", arguments: "COLLECTION [bm25|vector|hybrid] [k1=… b=… ef=… split=… fields=…]",
                   help: "Score the query set against its qrels; stores a run", run: { $0.dotEval($1) }),
        DotCommand(name: ".sweep", arguments: "COLLECTION \(REPL.numericSweepable.joined(separator: "|")) V,V,… [mode=… split=…]",
                   help: "Evaluate each value of a parameter and tabulate quality and latency", run: { $0.dotSweep($1) }),
        DotCommand(name: ".runs", arguments: "[COLLECTION]", help: "List the stored evaluation runs", run: { $0.dotRuns($1) }),
        DotCommand(name: ".queries", arguments: "COLLECTION [SET [add 'TEXT' need='…']]", help: "List query sets or a set's queries; add a query to a set",
                   run: { $0.dotQueries($1) }),
        DotCommand(name: ".judge", arguments: "COLLECTION SET cmd='CMD' [depth=10 timeout=30 dry-run=on]",
                   help: "Grade the pools of a set with a command (JSON in, a grade out)", run: { $0.dotJudge($1) }),
        DotCommand(name: ".try", arguments: "save|list|compare COLLECTION …", help: "Save a try (parameters), list them, compare two over a set",
                   run: { $0.dotTry($1) }),
        DotCommand(name: ".set", arguments: "NAME VALUE", help: "Change a session setting (as SET name = value)", run: { $0.dotSet($1) }),
        DotCommand(name: ".show", arguments: "[NAME]", help: "Show session settings (as SHOW)", run: { $0.dotShow($1) }),
        DotCommand(name: ".read", arguments: "FILE", help: "Run the statements and dot-commands in FILE", run: { $0.dotRead($1) }),
        DotCommand(name: ".output", arguments: "[FILE]", help: "Send output to FILE, or back to the screen without FILE", run: { $0.dotOutput($1) }),
        DotCommand(name: ".tutorial", arguments: "[N]", help: "Step through the guided tutorial (chapter N)", run: { $0.dotTutorial($1) }),
        DotCommand(name: ".sleep", arguments: "SECONDS", help: "Wait (Ctrl-C interrupts); for scripts and demos", run: { $0.dotSleep($1) }),
        DotCommand(name: ".help", arguments: "[COMMAND]", help: "Show this help", run: { $0.dotHelp($1) }),
        DotCommand(name: ".quit", arguments: "", help: "Leave the shell (Ctrl-D does too)", run: { repl, _ in repl.shouldQuit = true; return true }),
    ]

    /// The numeric parameters a sweep varies, grouped by what they change (vector search, BM25,
    /// fusion), as `.help sweep` lists them.
    static let numericSweepable: [String] = [Parameter.Scope.vector, .lexical, .fusion].flatMap { scope in
        Parameters.sweepable.filter { $0.scope == scope && ($0.kind == .integer || $0.kind == .real) }.map(\.name)
    }

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
        } catch { output.error(ErrorText.describe(error)); return false }
    }

    func dotSchema(_ args: [String]) -> Bool {
        do {
            let names = args.isEmpty ? try workbench.collections().map(\.name) : args
            for name in names {
                output.line(Render.schema(try workbench.summary(of: name), color: output.color))
                let paths = catalog.paths(of: name).filter { !$0.path.hasSuffix("[]") && $0.path != "metadata" }
                if !paths.isEmpty {
                    output.line("  JSON paths:")
                    output.line(CompletionListing.render(paths.map { Candidate($0.path, note: $0.type) }, width: output.width - 4)
                        .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                }
            }
            return true
        } catch { output.error(ErrorText.describe(error)); return false }
    }

    func dotOpen(_ args: [String]) -> Bool {
        guard let path = args.first else { output.error("usage: .open FILE"); return false }
        do { try workbench.open(path: path); catalog.invalidate(); output.line("opened \(path)"); return true } catch { output.error(ErrorText.describe(error)); return false }
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
        guard let on = Self.onOff(args) else { output.error("usage: .timer on|off"); return false }
        timer = on
        return true
    }

    /// `.output FILE` writes into FILE (a new file appears whole when output returns to
    /// standard output; an existing one, a symlink or a device is written in place).
    func dotOutput(_ args: [String]) -> Bool {
        if let old = output.file {
            output.file = nil
            do { try old.close() } catch { output.error(error.description); return false }
        }
        guard let path = args.first else { return true }
        do { output.file = try OutputFile(path: path) } catch { output.error(error.description); return false }
        return true
    }

    /// The deepest `.read` inside `.read` (a file that reads itself stops here).
    static let maxReadDepth = 16

    func dotRead(_ args: [String]) -> Bool {
        guard let path = args.first else { output.error("usage: .read FILE"); return false }
        guard readDepth < Self.maxReadDepth else {
            output.error(".read nested deeper than \(Self.maxReadDepth) at \(path) (does a file read itself?)")
            return false
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { output.error("\(path): no such file or directory"); return false }
        readDepth += 1
        defer { readDepth -= 1 }
        var pending = ""
        var pendingLine = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && trimmed.hasPrefix(".") { if !runDotCommand(trimmed) { return false }; continue }
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            if pending.isEmpty { pendingLine = number + 1 }
            pending += (pending.isEmpty ? "" : "\n") + line
            if StatementScript.isComplete(pending) {
                if !runStatements(pending, from: ScriptOrigin(path: path, text: text, line: pendingLine)) { return false }
                pending = ""
            }
        }
        if !pending.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            output.error("\(path):\(pendingLine): " + Self.incomplete(pending))
            return false
        }
        return true
    }

    /// The message for a statement that ends without its `;`, quoting its first line.
    static func incomplete(_ statement: String) -> String {
        let first = statement.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let shown = first.count > 60 ? String(first.prefix(59)) + "…" : first
        return "incomplete statement at end of input (missing ';'): \(shown)"
    }

    func dotHelp(_ args: [String]) -> Bool {
        let shown = args.isEmpty ? Self.dotCommands : Self.dotCommands.filter { $0.name == args[0] || $0.name == "." + args[0] }
        guard !shown.isEmpty else {
            output.error("no command \(args[0])" + (Suggest.nearest(to: args[0], in: Self.dotCommands.map(\.name)).map { "; did you mean \($0)?" } ?? ""))
            return false
        }
        // Usage on one line, meaning under it when both do not fit together.
        let usages = shown.map { $0.name + ($0.arguments.isEmpty ? "" : " " + $0.arguments) }
        let column = min(usages.map { DisplayWidth.of($0) }.max() ?? 0, 34)
        for (c, usage) in zip(shown, usages) {
            if DisplayWidth.of(usage) <= column { output.line(DisplayWidth.pad(usage, to: column) + "  " + c.help) }
            else { output.line(usage); output.line(String(repeating: " ", count: column + 2) + c.help) }
        }
        if args.isEmpty {
            output.line("")
            output.line("Statements (end each with ;):")
            for (usage, help) in Self.statementHelp {
                output.line("  " + usage)
                output.line("      " + help)
            }
        }
        return true
    }

    /// The statement language, a line per clause, under the dot-commands of `.help`.
    static let statementHelp: [(usage: String, help: String)] = [
        ("SEARCH c MATCH 'words' [IN title^2, text] [EXPAND rm3]", "BM25 full-text search"),
        ("SEARCH c NEAR 'text' | DOC 'id' | [0.1, …] [IN field] [USING hnsw(ef = 64)]", "vector search (ANN, or exact with USING flat)"),
        ("NEAR … WITHIN radius [AND range_filter]", "range search: only hits in a distance band (Milvus's radius, range_filter)"),
        ("WHERE metadata.year >= 2010 AND ARRAY_CONTAINS(metadata.tags, 'x')", "filter (Milvus syntax; array_contains[_all|_any], array_length, exists, like, in)"),
        ("WHERE TEXT_MATCH(text, 'words') | PHRASE_MATCH(text, 'words', slop)", "keyword or phrase match from the BM25 index's postings, as a filter"),
        ("FUSE rrf(k = 60) | weighted(0.3) [NORMALIZE minmax] | auto", "hybrid fusion of MATCH and NEAR"),
        ("RANK BY decay(gauss|exp|linear, path, origin => o, scale => s) | boost(filter => 'cond', weight => w)",
         "rankers after retrieval (`… ON bm25|vector`: one branch before fusion); each hit shows its factors"),
        ("GROUP BY path [SIZE n] [STRICT]", "grouping search: at most n hits per distinct value, LIMIT groups"),
        ("LIMIT k OFFSET n  WITH (ef = 128, nprobe = 16, …)", "page and per-statement parameters"),
        ("EXPLAIN [ANALYZE] SEARCH …", "the plan; ANALYZE runs it with actual counts, time and recall"),
        ("COMPARE (SEARCH …) WITH (SEARCH …)", "two result lists side by side"),
        ("SET name = value | SHOW [name] | RESET [name | ALL]", "session settings"),
    ]

    /// Parses `--name value` options after the positional arguments; `name=value` words too.
    /// An option with no value after it (the end of the line, or another `--option`) is an
    /// error, and so is a name outside `allowed` when the command lists the options it takes.
    static func options(_ args: [String], allowed: [String]? = nil, command: String = "this command")
        throws(EngineError) -> (positional: [String], named: [String: String]) {
        var positional: [String] = []
        var named: [String: String] = [:]
        var i = 0
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let key = String(a.dropFirst(2))
                let name = key.firstIndex(of: "=").map { String(key[..<$0]) } ?? key
                if let allowed, !allowed.contains(name) {
                    let hint = Suggest.nearest(to: name, in: allowed).map { "; did you mean --\($0)?" } ?? ""
                    throw .badParameter("unknown option --\(name) for \(command)\(hint) (options: \(allowed.map { "--" + $0 }.joined(separator: ", ")))")
                }
                if let eq = key.firstIndex(of: "=") { named[name] = String(key[key.index(after: eq)...]) }
                else if i + 1 < args.count, !args[i + 1].hasPrefix("--") { named[key] = args[i + 1]; i += 1 }
                else { throw .badParameter("option --\(key) of \(command) needs a value") }
            } else if let eq = a.firstIndex(of: "="), eq != a.startIndex {
                named[String(a[..<eq])] = String(a[a.index(after: eq)...])
            } else {
                positional.append(a)
            }
            i += 1
        }
        return (positional, named)
    }

    func dotExplain(_ args: [String]) -> Bool {
        guard let on = Self.onOff(args) else { output.error("usage: .explain on|off"); return false }
        explain = on
        return true
    }

    static func onOff(_ args: [String]) -> Bool? {
        switch args.first?.lowercased() {
        case "on"?, "true"?, "1"?: return true
        case "off"?, "false"?, "0"?: return false
        default: return nil
        }
    }

    func dotSet(_ args: [String]) -> Bool {
        guard args.count == 2 else { output.error("usage: .set NAME VALUE"); return false }
        let value = Double(args[1]) != nil || ["true", "false"].contains(args[1].lowercased()) ? args[1] : "'" + args[1].replacingOccurrences(of: "'", with: "''") + "'"
        return runStatement("SET \(args[0]) = \(value);")
    }

    func dotShow(_ args: [String]) -> Bool { runStatement(args.isEmpty ? "SHOW ALL;" : "SHOW \(args[0]);") }

    /// What `.sleep` waits: up to a day (an infinite wait would never return).
    static let sleepRange: ClosedRange<Double> = 0...86_400

    func dotSleep(_ args: [String]) -> Bool {
        guard let seconds = args.first.flatMap(Double.init).flatMap({ Bounds.real($0, in: Self.sleepRange) }) else {
            output.error("usage: .sleep SECONDS (\(ParamValue.number(Self.sleepRange.lowerBound)) to \(ParamValue.number(Self.sleepRange.upperBound)))")
            return false
        }
        return cancellable { Thread.sleep(forTimeInterval: seconds); return true } ?? false
    }
}
