import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed text with the built-in all-MiniLM-L6-v2 (offline), or add vectors to a collection.",
        discussion: """
            The model's weights come from `make model` (cached outside the repository; set
            QUARRY_MODEL_DIR to use another folder).

            Examples:
              quarry embed 'The weather is lovely today.' "It's so sunny outside!" --json
              quarry embed --collection scifact    # its records (title + text) and queries
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Texts to embed.") var texts: [String] = []
    @Option(help: "Embed the text fields of this collection's records and its queries.") var collection: String?
    @Option(help: "The vector field to write.") var field = "embedding"
    @Option(name: .customLong("batch-size"), help: "Texts per batch.") var batchSize = 32
    @Flag(help: "Print one JSON object per line: {\"text\", \"embedding\"}.") var json = false

    func run() throws {
        try reportingErrors {
            if let collection {
                let wb = try Workbench(path: database.path, mustExist: true)
                let bar = ProgressBar(label: "embedding \(collection)", unit: "texts")
                let r = try wb.embedCollection(collection, field: field, batchSize: batchSize) { done, total in
                    bar.update(done: done, fraction: Double(done) / Double(max(total, 1)))
                }
                bar.finish()
                print("embedded \(Human.count(r.records)) records and \(Human.count(r.queries)) queries of '\(collection)' into '\(field)' (\(Embedder.modelName), \(Embedder.dimension) dimensions)")
                return
            }
            guard !texts.isEmpty else { throw ValidationError("give texts to embed, or --collection NAME") }
            let embedder = try Embedder.loadDefault()
            let vectors = embedder.embed(texts, batchSize: batchSize)
            for (t, v) in zip(texts, vectors) {
                if json {
                    print(JSONValue.object([JSONMember("text", .string(t)), JSONMember("embedding", .array(v.map { .double(Double($0)) }))]).jsonText)
                } else {
                    print("\(t)\n  [\(v.prefix(6).map { String(format: "%.4f", $0) }.joined(separator: ", ")), … \(v.count) dims]")
                }
            }
        }
    }
}
