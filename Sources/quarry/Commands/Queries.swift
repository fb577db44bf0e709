import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Queries: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Make query sets of your own (beside imported BEIR splits) and list them.",
        discussion: """
            A query set holds the queries you tune on, each with an optional information
            need (what a good answer is; shown to whoever judges). Its judgments come from
            the TUI's grading keys, from quarry judge, or from quarry qrels import.

            Examples:
              quarry queries add --collection docs --set mine 'install nginx' \\
                  --need 'how to install the nginx package'
              quarry queries import my-queries.jsonl --collection docs --set mine
              quarry queries import my-queries.txt --collection docs --set mine
              quarry queries list --collection docs
              quarry queries list --collection docs --set mine --json
            """,
        subcommands: [QueriesAdd.self, QueriesImport.self, QueriesList.self],
        defaultSubcommand: QueriesList.self)
}

/// `--scale`: graded (0–3) or binary (0–1), for a set made by this command.
func maxGrade(scale: String) throws -> Int {
    switch scale {
    case "graded": return 3
    case "binary": return 1
    default: throw EngineError.badParameter("--scale is graded (0-3) or binary (0-1), not '\(scale)'")
    }
}

func queriesJSON(_ queries: [SetQuery]) -> JSONValue {
    .array(queries.map { q in
        .object([JSONMember("id", .string(q.id)), JSONMember("text", .string(q.text)), JSONMember("need", q.need.map { .string($0) } ?? .null)])
    })
}

struct QueriesAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a query to a set (the set is made when new).",
        discussion: """
            Examples:
              quarry queries add --collection docs --set mine 'nginx reverse proxy'
              quarry queries add --collection docs --set mine 'tls certificates' \\
                  --need 'setting up TLS for a web server' --id tls
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(name: .customLong("set"), help: "The query set.") var set: String
    @Argument(help: "The query text.") var text: String
    @Option(help: "What a good answer is, shown to whoever judges.") var need: String?
    @Option(help: "The query's id (default: the next free qN).") var id: String?
    @Option(help: "Grades of a new set: graded (0-3) or binary (0-1).") var scale = "graded"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let added = try database.open().addQueries(collection: collection, set: set, [SetQuery(id: id ?? "", text: text, need: need)],
                                                       maxGrade: maxGrade(scale: scale))
            if json { printJSON(queriesJSON(added)); return }
            for q in added { print("added \(q.id) to \(collection)/\(set): \(q.text)") }
            if added.isEmpty { print("already in \(collection)/\(set): \(text)") }
        }
    }
}

struct QueriesImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Add the queries of a file to a set: all of them, or none on an error.",
        discussion: """
            The file is JSON lines ({"text" or "query", optional "id" and "need"}), CSV (a
            header with query or text, optional id and need), or plain text (one query per
            line). Errors name the file and line.

            Examples:
              quarry queries import queries.jsonl --collection docs --set mine
              quarry queries import queries.csv --collection docs --set mine --scale binary
              quarry queries import queries.txt --collection docs --set mine --json
            """)
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The file.") var file: String
    @OptionGroup var target: QuerySetChoice
    @Option(help: "Grades of a new set: graded (0-3) or binary (0-1).") var scale = "graded"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c, set) = try target.open(database)
            let before = try wb.querySets(collection: c).first { $0.name == set }?.queries ?? 0
            let added = try wb.importQueries(path: file, collection: c, set: set, maxGrade: maxGrade(scale: scale))
            if json { printJSON(queriesJSON(added)); return }
            print("added \(added.count) \(added.count == 1 ? "query" : "queries") to \(c)/\(set)"
                  + (before > 0 ? " (now \(before + added.count); queries already there are skipped)" : ""))
        }
    }
}

/// `--collection`, which may be left out when the database holds one collection.
struct CollectionChoice: ParsableArguments {
    @Option(help: "The collection (default: the only one).") var collection: String?

    /// Opens the database and names the collection: the one given, or the only one there is.
    func open(_ database: DatabaseOptions) throws -> (Workbench, String) {
        let wb = try database.open()
        if let collection { return (wb, collection) }
        let all = try wb.collections().map(\.name)
        guard all.count == 1 else {
            throw EngineError.badParameter(all.isEmpty ? "the database has no collection (quarry import makes one)"
                                                       : "which collection? give --collection (\(all.joined(separator: ", ")))")
        }
        return (wb, all[0])
    }
}

/// `--collection` and `--set`: a query set of a collection.
struct QuerySetChoice: ParsableArguments {
    @OptionGroup var collection: CollectionChoice
    @Option(name: .customLong("set"), help: "The query set.") var set: String

    /// Opens the database and names the collection and the set.
    func open(_ database: DatabaseOptions) throws -> (Workbench, String, String) {
        let (wb, c) = try collection.open(database)
        return (wb, c, set)
    }
}

struct QueriesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a collection's query sets, or the queries of one.",
        discussion: """
            Examples:
              quarry queries list --collection docs
              quarry queries list --collection docs --set mine
              quarry queries list --json
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var target: CollectionChoice
    @Option(name: .customLong("set"), help: "List this set's queries.") var set: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c) = try target.open(database)
            if let set {
                let queries = try wb.setQueries(collection: c, set: set)
                let grades = try wb.effectiveJudgments(collection: c, set: set)
                if json { printJSON(queriesJSON(queries)); return }
                print(TextTable(columns: [.init("id"), .init("judged", alignRight: true), .init("query"), .init("need")],
                                rows: queries.map { [$0.id, String(grades[$0.id]?.count ?? 0), $0.text, $0.need ?? ""] })
                    .render(width: Terminal.width(), color: Terminal.colorEnabled()))
                return
            }
            let sets = try wb.querySets(collection: c)
            if json {
                printJSON(.array(sets.map { s in
                    .object([JSONMember("name", .string(s.name)), JSONMember("kind", .string(s.kind.rawValue)),
                             JSONMember("queries", .int(Int64(s.queries))), JSONMember("judged_pairs", .int(Int64(s.judgedPairs))),
                             JSONMember("scale", .string(s.maxGrade == 1 ? "binary" : "graded")),
                             JSONMember("created_at", s.createdAt.map { .string($0) } ?? .null)])
                }))
                return
            }
            guard !sets.isEmpty else {
                print("collection '\(c)' has no query sets; make one with: quarry queries add --collection \(c) --set NAME 'text'")
                return
            }
            print(TextTable(columns: [.init("set"), .init("kind"), .init("queries", alignRight: true), .init("judged pairs", alignRight: true), .init("scale")],
                            rows: sets.map { [$0.name, $0.kind == .made ? "made" : "imported", String($0.queries), String($0.judgedPairs),
                                              $0.maxGrade == 1 ? "0-1" : "0-3"] })
                .render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}
