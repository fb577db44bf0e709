import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a BEIR folder, JSONL or CSV (optionally .gz) into a collection, in one transaction.",
        discussion: """
            A BEIR folder holds corpus.jsonl, queries.jsonl and qrels/*.tsv; its queries
            and qrels become the collection's query sets, one per split. Every field of a
            record other than the id and the text fields becomes its JSON metadata, with
            its type kept. On any error nothing of the import stays, and the message says
            file and line.

            Examples:
              quarry import Samples/scifact --collection scifact \\
                  --vectors Samples/scifact/corpus.fbin \\
                  --query-vectors Samples/scifact/queries.fbin
              quarry import papers.jsonl.gz --collection papers --id-field doi \\
                  --text-fields title,abstract
              quarry import products.csv --collection products \\
                  --text-fields name,description --upsert
              quarry import Samples/places/places.jsonl.gz --collection places \\
                  --geometry location --embed
            A geometry field (--geometry NAME) holds WKT ('POINT(13.40 52.52)',
            'POLYGON((…))') or {"lat": …, "lon": …}; filters name it NAME: ST_DWITHIN(NAME,
            'POINT(lon lat)', metres).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "A BEIR folder, or a .jsonl/.jsonl.gz/.csv/.csv.gz file.")
    var path: String

    @Option(help: "The collection to create or add to.")
    var collection: String

    @Option(name: .customLong("id-field"), help: "The field holding each record's id (default: _id, else id).")
    var idField: String?

    @Option(name: .customLong("text-fields"), help: "Comma-separated text fields for BM25 (default: title,text where present).")
    var textFields: String?

    @Option(help: ArgumentHelp("Vectors for the records: .fbin or .npy, row i = record i.", valueName: "file"))
    var vectors: String?

    @Option(name: .customLong("query-vectors"), help: ArgumentHelp("Vectors for the BEIR queries, row i = line i of queries.jsonl.", valueName: "file"))
    var queryVectors: String?

    @Option(name: .customLong("vector-field"), help: "The vector field the vectors go to.")
    var vectorField = "embedding"

    @Option(help: "Metric of a new vector field: cosine, ip or l2.")
    var metric = "cosine"

    @Option(name: .customLong("vector-model"), help: "The model that made the imported vectors (recorded in the schema).")
    var vectorModel = "external"

    @Flag(help: "Embed the text fields (and BEIR queries) with the built-in model, inside the import's transaction.")
    var embed = false

    @Option(help: ArgumentHelp("Comma-separated geometry fields: WKT strings or {\"lat\", \"lon\"} objects, with an R-Tree for ST_* filters.", valueName: "names"))
    var geometry: String?

    @Flag(help: "Replace records whose id already exists instead of failing.")
    var upsert = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            guard let metric = Metric(rawValue: metric.lowercased()) else {
                throw StorageError.invalidArgument("unknown metric '\(self.metric)' (expected cosine, ip or l2)")
            }
            // Check the input before creating a database file for it.
            try Workbench.checkImportable(path)
            let wb = try database.open(mustExist: false)
            var options = ImportOptions(path: path, collection: collection)
            options.idField = idField
            options.textFields = textFields.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            options.vectors = vectors
            options.queryVectors = queryVectors
            options.vectorField = vectorField
            options.metric = metric
            options.vectorModel = vectorModel
            options.upsert = upsert
            options.geometryFields = (geometry ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if embed {
                // Loaded before the import starts, so a missing model costs nothing.
                let ebar = ProgressBar(label: "embedding \(collection)", unit: "texts")
                options.embedding = try Workbench.importEmbedding { what, done, total in
                    ebar.update(done: done, fraction: Double(done) / Double(max(total, 1)))
                    if done == total { ebar.finish() }
                }
            }
            let bar = ProgressBar(label: "importing \(collection)")
            // One transaction; then the paths whose type is stable are indexed for filters.
            let summary = try wb.importRecords(options) { p in
                bar.update(done: p.records, fraction: p.totalBytes > 0 ? Double(p.bytesRead) / Double(p.totalBytes) : nil)
            }
            bar.finish()
            if json {
                printJSON(summary.json(collection: collection))
                return
            }
            var parts = ["\(Human.count(summary.records)) records"]
            if summary.replaced > 0 { parts.append("\(Human.count(summary.replaced)) replaced") }
            if summary.vectors > 0 { parts.append("\(Human.count(summary.vectors)) vectors") }
            if summary.queries > 0 { parts.append("\(Human.count(summary.queries)) queries") }
            for (split, n) in summary.qrels.sorted(by: { $0.key < $1.key }) { parts.append("\(Human.count(n)) qrels (\(split))") }
            let rate = summary.seconds > 0 ? Double(summary.records) / summary.seconds : 0
            print("imported \(parts.joined(separator: ", ")) into '\(collection)' in \(Human.seconds(summary.seconds)) (\(Human.count(Int(rate))) records/s)")
        }
    }
}
