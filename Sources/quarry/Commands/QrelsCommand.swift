import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct QrelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qrels",
        abstract: "Judgments in and out: TREC qrels, and OpenSearch judgment lists in.",
        discussion: """
            Examples:
              quarry qrels export --collection docs --set mine > mine.qrels
              trec_eval -m ndcg_cut.10 mine.qrels run.trec
              quarry qrels import theirs.qrels --collection docs --set mine
              quarry qrels import srw-judgments.json --collection docs --set mine
            """,
        subcommands: [QrelsExport.self, QrelsImport.self])
}

struct QrelsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print a set's judgments as TREC qrels: query-id 0 doc-id grade, one pair a line.",
        discussion: """
            For each judged pair the grade that counts is written: a person's over an
            import's over a judge command's. trec_eval and ir_measures read the file
            unchanged.

            Examples:
              quarry qrels export --collection docs --set mine
              quarry qrels export --collection docs --set mine --output mine.qrels
              quarry qrels export --collection docs --set mine --json
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var target: QuerySetChoice
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output: String?
    @Flag(help: "Print JSON: [{query_id, doc_id, grade}].") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c, set) = try target.open(database)
            let text = try wb.exportQrels(collection: c, set: set)
            let body: String
            if json {
                body = JSONValue.array(text.split(separator: "\n").map { line in
                    let f = line.split(separator: " ")
                    return .object([JSONMember("query_id", .string(String(f[0]))), JSONMember("doc_id", .string(String(f[2]))),
                                    JSONMember("grade", .int(Int64(f[3]) ?? 0))])
                }).prettyJSONText + "\n"
            } else {
                body = text
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(body.utf8)) else {
                    throw EngineError.badParameter("\(output): cannot write the file")
                }
                FileHandle.standardError.write(Data("wrote \(text.split(separator: "\n").count) judgments to \(output)\n".utf8))
            } else {
                print(body, terminator: "")
            }
        }
    }
}

struct QrelsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Read judgments into a set (source: import), all of them or none.",
        discussion: """
            TREC qrels (query-id 0 doc-id grade) or BEIR TSV; or an OpenSearch Search
            Relevance Workbench judgment list ({"judgmentRatings": [{"query", "ratings":
            [{"docId", "rating"}]}]}), whose queries are matched to the set's by text and
            added when new. A set that does not exist is made.

            Examples:
              quarry qrels import judged.qrels --collection docs --set mine
              quarry qrels import srw.json --collection docs --set mine --json
            """)
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The file.") var file: String
    @OptionGroup var target: QuerySetChoice
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c, set) = try target.open(database)
            let r = try wb.importQrels(path: file, collection: c, set: set)
            if json {
                printJSON(.object([JSONMember("format", .string(r.format)), JSONMember("judgments", .int(Int64(r.judgments))),
                                   JSONMember("queries", .int(Int64(r.queries))), JSONMember("new_queries", .array(r.newQueries.map { .string($0) }))]))
                return
            }
            print("imported \(r.judgments) judgments of \(r.queries) queries (\(r.format)) into \(c)/\(set)")
            if !r.newQueries.isEmpty {
                print(r.format == "srw" ? "added \(r.newQueries.count) queries to the set: \(r.newQueries.joined(separator: ", "))"
                                        : "note: \(r.newQueries.count) judged query ids are not in the set's queries: \(r.newQueries.prefix(10).joined(separator: ", "))")
            }
        }
    }
}

struct Judgments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judgments",
        abstract: "A set's judgments by source, or the agreement between sources (Cohen's kappa).",
        discussion: """
            Sources are kept apart: human (the TUI, the REPL), cmd:NAME (quarry judge),
            import. --agreement compares every two sources on the pairs both judged: the
            share of equal grades and Cohen's kappa (unweighted on a binary scale, linearly
            weighted on 0-3).

            Examples:
              quarry judgments --collection docs --set mine
              quarry judgments --collection docs --set mine --agreement
              quarry judgments --collection docs --set mine --agreement --json
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var target: QuerySetChoice
    @Flag(help: "Agreement between sources on the pairs both judged.") var agreement = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c, set) = try target.open(database)
            if agreement {
                let rows = try wb.agreement(collection: c, set: set)
                if json {
                    printJSON(.array(rows.map { r in
                        .object([JSONMember("a", .string(r.a.description)), JSONMember("b", .string(r.b.description)),
                                 JSONMember("pairs", .int(Int64(r.pairs))), JSONMember("exact", .double(r.exact)),
                                 JSONMember("kappa", r.kappa.map { .double($0) } ?? .null), JSONMember("weights", .string(r.weights.rawValue))])
                    }))
                    return
                }
                guard !rows.isEmpty else { print("no two sources judged the same pair in \(c)/\(set)"); return }
                print(TextTable(columns: [.init("source A"), .init("source B"), .init("pairs", alignRight: true), .init("same grade", alignRight: true),
                                          .init("kappa", alignRight: true), .init("weights")],
                                rows: rows.map { [$0.a.description, $0.b.description, String($0.pairs), String(format: "%.1f%%", $0.exact * 100),
                                                  $0.kappa.map { String(format: "%.3f", $0) } ?? "—", $0.weights.rawValue] })
                    .render(width: Terminal.width(), color: Terminal.colorEnabled()))
                return
            }
            let all = try wb.judgments(collection: c, set: set)
            if json {
                printJSON(.array(all.map { j in
                    .object([JSONMember("query_id", .string(j.queryID)), JSONMember("doc_id", .string(j.docID)), JSONMember("grade", .int(Int64(j.grade))),
                             JSONMember("source", .string(j.source.description)), JSONMember("reason", j.reason.map { .string($0) } ?? .null),
                             JSONMember("judged_at", j.judgedAt.isEmpty ? .null : .string(j.judgedAt))])
                }))
                return
            }
            var bySource: [String: (pairs: Int, queries: Set<String>, grades: [Int])] = [:]
            for j in all {
                var e = bySource[j.source.description] ?? (0, [], [0, 0, 0, 0])
                e.pairs += 1
                e.queries.insert(j.queryID)
                e.grades[min(max(j.grade, 0), 3)] += 1
                bySource[j.source.description] = e
            }
            guard !bySource.isEmpty else { print("\(c)/\(set) has no judgments yet"); return }
            print(TextTable(columns: [.init("source"), .init("pairs", alignRight: true), .init("queries", alignRight: true),
                                      .init("0", alignRight: true), .init("1", alignRight: true), .init("2", alignRight: true), .init("3", alignRight: true)],
                            rows: bySource.sorted { $0.key < $1.key }.map { k, v in
                                [k, String(v.pairs), String(v.queries.count)] + v.grades.map(String.init)
                            })
                .render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}
