import ArgumentParser
import Foundation
import QuarryEngine
import QuarryREPL

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search a collection: BM25 with --match.",
        discussion: """
            MATCH syntax: words (any may match), "quoted phrases", +required, -excluded, prefix*.

            Examples:
              quarry search --collection scifact --match 'microRNA cancer'
              quarry search --collection scifact --match '+vitamin "bone density" -mice' --fields title^2,text --explain
              quarry search --collection scifact --match 'insulin' --k1 1.2 --b 0.75 --json
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "BM25 query text.") var match: String
    @Option(help: "Number of hits.") var k = 10
    @Option(help: "Fields and boosts, e.g. title^2,text (default: every indexed field).") var fields: String?
    @Option(help: "BM25 k1.") var k1: Float = 0.9
    @Option(help: "BM25 b.") var b: Float = 0.4
    @Option(help: "Top-k algorithm: bmw (block-max WAND), maxscore or exhaustive.") var algorithm = "bmw"
    @Flag(help: "Explain each hit's score term by term.") var explain = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            var request = LexicalRequest(collection: collection, text: match)
            request.k = k
            request.fields = fields
            request.k1 = k1
            request.b = b
            request.algorithm = algorithm
            let response = try wb.searchLexical(request)
            let schema = try wb.database.collection(named: collection)
            let titleField = schema.textFields.first
            func title(_ ordinal: UInt32) throws -> String {
                guard let f = titleField, let r = try wb.database.record(collection: collection, ordinal: ordinal) else { return "" }
                return r.text(f) ?? ""
            }
            if json {
                var hits: [JSONValue] = []
                for h in response.hits {
                    var members = [JSONMember("rank", .int(Int64(h.rank))), JSONMember("id", .string(h.id)), JSONMember("score", .double(Double(h.score)))]
                    if explain { members.append(JSONMember("explanation", .array(try wb.explainLexical(request, ordinal: h.ordinal).map { .string($0) }))) }
                    hits.append(.object(members))
                }
                printJSON(.object([
                    JSONMember("hits", .array(hits)), JSONMember("terms", .array(response.terms.map { .string($0) })),
                    JSONMember("algorithm", .string(response.algorithm)),
                    JSONMember("counters", .object([JSONMember("postings_scored", .int(Int64(response.postingsScored))),
                                                    JSONMember("blocks_skipped", .int(Int64(response.blocksSkipped))),
                                                    JSONMember("documents_evaluated", .int(Int64(response.documentsEvaluated)))])),
                    JSONMember("timing_ms", .double(Double(response.nanoseconds) / 1e6)),
                ]))
                return
            }
            let color = Terminal.colorEnabled()
            let table = TextTable(columns: [.init("#", alignRight: true), .init("id"), .init("score", alignRight: true), .init(titleField ?? "")],
                                  rows: try response.hits.map { [String($0.rank), $0.id, String(format: "%.4f", $0.score), try title($0.ordinal)] })
            print(table.render(width: Terminal.width(), color: color))
            if explain {
                for h in response.hits {
                    print(Style.accent.apply("\n#\(h.rank) \(h.id)", enabled: color))
                    for line in try wb.explainLexical(request, ordinal: h.ordinal) { print("  " + line) }
                }
            }
            print(Style.dim.apply("\(response.hits.count) hits in \(Human.seconds(Double(response.nanoseconds) / 1e9)) · terms: \(response.terms.joined(separator: " ")) · \(response.algorithm): \(Human.count(response.postingsScored)) postings scored, \(Human.count(response.blocksSkipped)) blocks skipped", enabled: color))
        }
    }
}
