import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine
import QuarryMilvus

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Copy a collection into Milvus, ready for the same statements (--backend milvus://…).",
        discussion: """
            Creates the Milvus collection (VARCHAR primary key 'id', the text fields with
            enable_analyzer, 'bm25_text' with a BM25 function into the sparse field
            'sparse', each vector field, 'metadata' as JSON), builds its indexes
            (SPARSE_INVERTED_INDEX with BM25; HNSW with the local index's M and
            ef_construction), loads it, inserts the records in batches and checks the
            count. BM25 functions need Milvus 2.5 or later.

            Examples:
              quarry push --collection scifact --to milvus://127.0.0.1:19530
              quarry push --collection scifact --to milvus://milvus.internal:19530 \\
                  --as scifact_v2 --replace
              quarry query --backend milvus://127.0.0.1:19530 \\
                  "SEARCH scifact MATCH 'vitamin D' LIMIT 5"
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The local collection.") var collection: String
    @Option(help: ArgumentHelp("The Milvus deployment: milvus://HOST:PORT.", valueName: "url")) var to: String
    @Option(name: .customLong("as"), help: ArgumentHelp("The Milvus collection's name (default: the local name).", valueName: "name")) var remoteName: String?
    @Flag(help: "Drop a Milvus collection of that name first.") var replace = false
    @Option(name: .customLong("batch-size"), help: "Rows per insert request.") var batchSize = 256
    @Option(help: "BM25 k1 of the Milvus index (Milvus fixes it at build time).") var k1: Double = 0.9
    @Option(help: "BM25 b of the Milvus index.") var b: Double = 0.4
    @Option(name: .customLong("analyzer-params"), help: ArgumentHelp("Milvus analyzer_params (JSON) of the text fields (default: English with stemming and stop words).", valueName: "json"))
    var analyzerParams: String?
    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the server.") var connectTimeout: Double = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
            let address = try MilvusAddress(parsing: to)
            let wb = try database.open()
            _ = try wb.schema(collection)
            let client = try MilvusClient(address: address, connectTimeout: connectTimeout)
            defer { client.close() }
            var request = PushRequest(collection: collection)
            request.remoteName = remoteName ?? address.collection
            request.replace = replace
            request.batchSize = batchSize
            request.k1 = k1
            request.b = b
            if let analyzerParams { request.analyzerParams = analyzerParams }
            let bar = ProgressBar(label: "pushing \(collection) to \(address.endpoint)")
            let report = try client.push(request, from: wb) { done, total in
                bar.update(done: done, fraction: total > 0 ? Double(done) / Double(total) : nil)
            }
            bar.finish()
            if json { printJSON(report.json); return }
            print("pushed \(Human.count(report.rows)) records of '\(collection)' to \(report.address) as '\(report.remoteName)' (\(report.server)) in \(Human.seconds(report.seconds)); Milvus counts \(Human.count(report.remoteCount))")
            for i in report.indexes { print("  index on \(i.field): \(i.type) (\(i.params))") }
            for n in report.notes { print("  note: \(n)") }
        }
    }
}
