import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Collections: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "List the collections with their sizes, fields and indexes.",
        discussion: """
            Examples:
              quarry collections
              quarry collections --json | jq '.[].name'
            """)

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        try reportingErrors {
            let summaries = try Workbench(path: database.path, mustExist: true).summaries()
            if json {
                printJSON(.array(summaries.map(Self.json)))
                return
            }
            if summaries.isEmpty {
                print("no collections in \(database.path); import one with: quarry import PATH --collection NAME")
                return
            }
            print(Render.collections(summaries, width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }

    static func json(_ s: CollectionSummary) -> JSONValue {
        .object([
            JSONMember("name", .string(s.schema.name)),
            JSONMember("records", .int(Int64(s.records))),
            JSONMember("id_field", .string(s.schema.idField)),
            JSONMember("text_fields", .array(s.schema.textFields.map { .string($0) })),
            JSONMember("vector_fields", .array(s.schema.vectorFields.map {
                .object([JSONMember("name", .string($0.name)), JSONMember("dim", .int(Int64($0.dimension))),
                         JSONMember("metric", .string($0.metric.rawValue)), JSONMember("model", .string($0.model))])
            })),
            JSONMember("queries", .int(Int64(s.queries))),
            JSONMember("splits", .object(s.splits.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int(Int64($0.value))) })),
            JSONMember("indexes", .array(s.indexes.map {
                .object([JSONMember("name", .string($0.name)), JSONMember("kind", .string($0.kind)), JSONMember("field", .string($0.field)),
                         JSONMember("params", $0.params), JSONMember("bytes", .int(Int64($0.bytes))),
                         JSONMember("resident_bytes", $0.residentBytes.map { .int(Int64($0)) } ?? .null)])
            })),
            JSONMember("bytes", .int(Int64(s.bytes))),
        ])
    }
}
