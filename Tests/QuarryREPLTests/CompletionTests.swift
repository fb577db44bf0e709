import Foundation
import QuarryConsole
import Testing
import QuarryEngine
@testable import QuarryREPL

/// A fixed catalog: two collections, one with a vector field and metadata paths.
final class FixedSource: CompletionSource {
    func collectionNames() -> [String] { ["debian", "scifact"] }
    func textFields(of c: String) -> [String] { c == "scifact" || c == "debian" ? ["title", "text"] : [] }
    func vectorFields(of c: String) -> [String] { c == "scifact" ? ["embedding"] : [] }
    func paths(of c: String) -> [(path: String, type: String)] {
        c == "debian" ? [("metadata.depends", "array<string>"), ("metadata.depends[]", "string"), ("metadata.installed_size", "number"),
                         ("metadata.section", "string")] : []
    }
    func querySets(of c: String) -> [String] { c == "debian" ? ["pkgs", "pkgs-binary"] : ["test", "train"] }
    func tries(of c: String) -> [String] { c == "debian" ? ["base", "long"] : [] }
}

struct CompletionTests {
    let completer = Completer(source: FixedSource())

    func texts(_ line: String) -> [String] {
        let word = String(line.reversed().prefix { !" \t\n\"'`@$><=;|&{(,".contains($0) }.reversed())
        return completer.complete(line: line, word: word).map(\.text)
    }

    @Test func statementKeywordsAtTheStart() {
        #expect(texts("") == ["SEARCH", "EXPLAIN", "COMPARE", "SET", "RESET", "SHOW"])
        #expect(texts("se") == ["search", "set"])
        #expect(texts("EXPLAIN ") == ["ANALYZE", "SEARCH"])
    }

    @Test func judgingCommandsCompleteSetsTriesAndOptions() {
        #expect(texts(".qu") == [".queries", ".quit"])
        #expect(texts(".queries d") == ["debian"])
        #expect(texts(".queries debian p") == ["pkgs", "pkgs-binary"])
        #expect(texts(".queries debian pkgs ") == ["add"])
        #expect(texts(".judge debian ") == ["pkgs", "pkgs-binary"])
        #expect(texts(".judge debian pkgs d") == ["depth=", "dry-run=on"])
        #expect(texts(".try ") == ["save", "list", "compare"])
        #expect(texts(".try compare ") == ["debian", "scifact"])
        #expect(texts(".try compare debian b") == ["base"])
        #expect(texts(".try compare debian base ") == ["base", "long"])
        #expect(texts(".try compare debian base long s") == ["set=pkgs", "set=pkgs-binary"])
        #expect(texts(".try save debian x k") == ["k1=", "k="])
    }

    @Test func collectionAfterSearch() {
        #expect(texts("SEARCH ") == ["debian", "scifact"])
        #expect(texts("search sci") == ["scifact"])
        #expect(texts("EXPLAIN ANALYZE SEARCH d") == ["debian"])
    }

    @Test func clausesInTheirPlace() {
        #expect(texts("SEARCH scifact ") == ["MATCH", "NEAR", "WHERE", "FUSE", "RANK BY", "GROUP BY", "LIMIT", "OFFSET", "WITH"])
        #expect(texts("SEARCH scifact MATCH 'x' ") == ["IN", "EXPAND", "NEAR", "WHERE", "FUSE", "RANK BY", "GROUP BY", "LIMIT", "OFFSET", "WITH"])
        #expect(texts("SEARCH scifact MATCH 'x' EXPAND ") == ["rm3"])
        #expect(texts("SEARCH scifact MATCH 'x' LIMIT 5 ") == ["NEAR", "WHERE", "FUSE", "RANK BY", "GROUP BY", "OFFSET", "WITH"])
        #expect(texts("SEARCH scifact NEAR 'x' W") == ["WITHIN", "WHERE", "WITH"])
        #expect(texts("SEARCH debian MATCH 'x' GROUP BY metadata.s") == ["metadata.section"])
        #expect(texts("SEARCH debian MATCH 'x' GROUP BY metadata.section S") == ["SIZE", "STRICT"])
        #expect(texts("SEARCH debian MATCH 'x' RANK BY d") == ["decay("])
        #expect(texts("SEARCH debian MATCH 'x' RANK BY decay(g") == ["gauss"])
        #expect(texts("SEARCH scifact MATCH 'x' FUSE ") == ["rrf", "weighted", "auto"])
        #expect(texts("SEARCH scifact NEAR 'x' USING h") == ["hnsw"])
    }

    @Test func fieldsAfterIn() {
        #expect(texts("SEARCH scifact MATCH 'x' IN ") == ["title", "text"])
        #expect(texts("SEARCH scifact MATCH 'x' IN title^2, t") == ["title", "text"])
        #expect(texts("SEARCH scifact NEAR 'x' IN ") == ["embedding"])
    }

    @Test func jsonPathsWithTypesAfterWhere() {
        let c = completer.complete(line: "SEARCH debian MATCH 'x' WHERE metadata.s", word: "metadata.s")
        #expect(c == [Candidate("metadata.section", note: "string")])
        let all = completer.complete(line: "SEARCH debian WHERE metadata.", word: "metadata.")
        #expect(all.map(\.description) == ["metadata.depends (array<string>)", "metadata.installed_size (number)", "metadata.section (string)"])
        #expect(texts("SEARCH debian WHERE array_c") == ["array_contains", "array_contains_any", "array_contains_all"])
        #expect(texts("SEARCH debian WHERE metadata.section = 'games' ") == ["AND", "OR", "MATCH", "NEAR", "FUSE", "RANK BY", "GROUP BY", "LIMIT", "OFFSET", "WITH"])
        #expect(texts("SEARCH debian WHERE text_m") == ["text_match"])
    }

    @Test func geometryOperatorsAfterWhere() {
        #expect(texts("SEARCH debian WHERE st_d") == ["st_dwithin"])
        #expect(texts("SEARCH debian WHERE st_") == ["st_contains", "st_intersects", "st_within", "st_equals", "st_touches", "st_overlaps", "st_crosses", "st_dwithin"])
    }

    @Test func settingsAfterSet() {
        #expect(texts("SET k") == ["k1"])
        #expect(texts("SHOW ") .contains("filter_strategy"))
    }

    @Test func onlyTheCurrentStatementCounts() {
        #expect(texts("SEARCH scifact LIMIT 3; SEARCH ") == ["debian", "scifact"])
    }

    @Test func dotCommands() {
        #expect(texts(".ti") == [".timer"])
        #expect(texts(".mode ") == ["table", "json", "csv", "line"])
        #expect(texts(".explain o") == ["on", "off"])
        #expect(texts(".eval s") == ["scifact"])
        #expect(texts(".index scifact --vector ") == ["embedding"])
        #expect(texts(".index debian --json-path metadata.i") == ["metadata.installed_size"])
        #expect(texts(".sweep scifact ") == Parameters.sweepable.map(\.name))
        #expect(texts(".sweep scifact rr") == ["rrf_k"])
        #expect(texts(".set ef") == ["ef"])
    }

    @Test func filePathsAfterImportReadOpen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-complete-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("beir"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.path + "/script.sql", contents: Data())
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(texts(".read \(dir.path)/s") == ["\(dir.path)/script.sql"])
        #expect(texts(".import \(dir.path)/") == ["\(dir.path)/beir/", "\(dir.path)/script.sql"])
        #expect(completer.complete(line: ".open \(dir.path)/b", word: "\(dir.path)/b") == [Candidate("\(dir.path)/beir/", note: "folder")])
    }

    @Test func listingFitsTheWidth() {
        let items = (1...12).map { Candidate("metadata.field\($0)", note: "number") }
        let text = CompletionListing.render(items, width: 80)
        #expect(text.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 80 })
        #expect(text.contains("metadata.field12  number"))
    }
}

struct DotCommandParsingTests {
    @Test func wordsAndQuotes() {
        #expect(REPL.splitWords(".import 'my data/x.jsonl' docs") == [".import", "my data/x.jsonl", "docs"])
        #expect(REPL.splitWords("  .mode   csv ") == [".mode", "csv"])
    }

    @Test func optionsAndAssignments() throws {
        let (p, n) = try REPL.options(["scifact", "--vector", "embedding", "--type=hnsw", "k1=1.2"])
        #expect(p == ["scifact"])
        #expect(n == ["vector": "embedding", "type": "hnsw", "k1": "1.2"])
    }

    /// A missing value or an unknown option is an error, not a silent default (issue 22).
    @Test func optionsWithoutValuesOrUnknownAreErrors() {
        #expect(throws: EngineError.badParameter("option --text of .index needs a value")) {
            try REPL.options(["base", "--text"], allowed: ["text", "vector"], command: ".index")
        }
        #expect(throws: EngineError.badParameter("option --text of .index needs a value")) {
            try REPL.options(["base", "--text", "--vector", "v"], allowed: ["text", "vector"], command: ".index")
        }
        #expect(throws: EngineError.badParameter("unknown option --vectr for .index; did you mean --vector? (options: --text, --vector)")) {
            try REPL.options(["base", "--vectr", "v"], allowed: ["text", "vector"], command: ".index")
        }
    }

    @Test func evalRequestFromWords() throws {
        let r = try REPL.evalRequest(["scifact", "vector", "ef=128", "split=train"])
        #expect(r.collection == "scifact" && r.mode == .vector && r.parameters.integer("ef") == 128 && r.split == "train")
        #expect(throws: (any Error).self) { try REPL.evalRequest(["scifact", "bm26"]) }
        do { _ = try REPL.evalRequest(["scifact", "kl=1"]); Issue.record("no error") } catch {
            #expect(ErrorText.describe(error).contains("did you mean 'k1'?"))
        }
    }

    @Test func everyCommandHasHelpAndAUniqueName() {
        let names = REPL.dotCommands.map(\.name)
        #expect(Set(names).count == names.count)
        for required in [".open", ".import", ".collections", ".schema", ".index", ".explain", ".timer", ".mode", ".eval", ".sweep",
                         ".runs", ".set", ".show", ".read", ".output", ".help", ".quit", ".tutorial", ".queries", ".judge", ".try", ".geo"] {
            #expect(names.contains(required), "missing \(required)")
        }
        #expect(REPL.dotCommands.allSatisfy { !$0.help.isEmpty })
    }

    @Test func tutorialSteps() {
        let text = """
            -- Chapter title
            --
            -- Look at the score.
            SEARCH x
              MATCH 'a';

            -- Now a dot-command.
            .mode csv
            -- the end
            """
        let steps = Tutorial.steps(text)
        #expect(steps.count == 3)
        #expect(steps[0].comment == ["Chapter title", "", "Look at the score."])
        #expect(steps[0].command == "SEARCH x\n  MATCH 'a';")
        #expect(steps[1] == Tutorial.Step(comment: ["Now a dot-command."], command: ".mode csv"))
        #expect(steps[2].command == "")
    }
}
