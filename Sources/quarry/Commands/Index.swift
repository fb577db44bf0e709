import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build an index of a collection: BM25 over text fields, a vector index, or a JSON path index.",
        discussion: """
            Indexes are stored as segment files beside the database (quarry.db.segments/)
            and read in place: reopening costs milliseconds at any size. Records imported
            later are searched exactly as a growing segment (BM25: a new segment; vectors:
            an exact scan of the new chunk) until this command seals them into the index;
            deletes are tombstones every search honours. Vector indexes are built on every
            core. IVF's nlist defaults to about 4·√n (n vectors), between 1 and 65,536.

            Examples:
              quarry index --collection scifact --text title,text
              quarry index --collection scifact --text title,text --analyzer standard
              quarry index --collection scifact --vector embedding --type hnsw --M 16 \\
                  --ef-construction 200
              quarry index --collection scifact --vector embedding --type ivf_rabitq \\
                  --nlist 64
              quarry index --collection debian --json-path metadata.maintainer
            Vector index types (as Milvus's, any case): flat, hnsw, hnsw_sq, ivf_flat,
            ivf_sq8, ivf_rabitq.
            Paths under metadata whose type is stable are indexed at import without asking;
            --json-path adds others.
            Analyzers: english (default: Lucene's 33 stopwords + Snowball English),
            standard, simple, cjk, and any Snowball language by name (french, german,
            russian, …).
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "Comma-separated text fields for a BM25 index (default: the collection's text fields).") var text: String?
    @Option(help: "The analyzer of the BM25 index.") var analyzer = "english"
    @Option(name: .customLong("json-path"), help: "Index this JSON path for filters (repeatable).") var jsonPath: [String] = []
    @Option(help: "A vector field to index.") var vector: String?
    @Option(help: "Vector index type: flat, hnsw, hnsw_sq (graph on 8-bit codes, re-ranked on the float32 rows), ivf_flat, ivf_sq8, ivf_rabitq.") var type = "hnsw"
    @Option(name: .customLong("M"), help: "HNSW: neighbours per node.") var m: Int?
    @Option(name: .customLong("ef-construction"), help: "HNSW: candidate list while building.") var efConstruction: Int?
    @Option(help: "IVF: number of lists.") var nlist: Int?
    @Option(name: .customLong("refine-type"), help: "IVF_RABITQ: sq8 (default), fp32 or none.") var refineType: String?
    @Option(help: "HNSW: build threads (default: every core; 1 builds the same graph every time).") var threads: Int?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            if let vector {
                var params: [String: String] = [:]
                if let m { params["M"] = String(m) }
                if let efConstruction { params["ef_construction"] = String(efConstruction) }
                if let nlist { params["nlist"] = String(nlist) }
                if let refineType { params["refine_type"] = refineType }
                let bar = ProgressBar(label: "indexing \(collection).\(vector) (\(type.lowercased()))", unit: "vectors")
                if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256, not \(threads)") }
                let r = try wb.buildVectorIndex(collection: collection, field: vector, type: type, parameters: params, threads: threads) { done, total in
                    bar.update(done: done, fraction: total > 0 ? Double(done) / Double(total) : nil)
                }
                bar.finish()
                if json {
                    printJSON(r.json(collection: collection))
                } else {
                    print("built \(r.type.uppercased()) index of '\(collection)'.\(r.field) (\(r.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))): \(Human.count(r.vectors)) vectors, \(Human.bytes(r.memoryBytes)) in memory, \(Human.bytes(r.snapshotBytes)) stored, in \(Human.seconds(r.seconds))")
                }
                if text == nil && jsonPath.isEmpty { return }
            }
            if !jsonPath.isEmpty {
                let index = try wb.buildPathIndex(collection: collection, extraPaths: jsonPath)
                let paths = index.indexedPaths.map(\.description)
                if json {
                    printJSON(index.json(collection: collection))
                } else {
                    print("indexed \(paths.count) JSON paths of '\(collection)': \(paths.joined(separator: ", "))")
                }
                if text == nil { return }
            }
            let fields = text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            let bar = ProgressBar(label: "indexing \(collection) (bm25)", unit: "records")
            let r = try wb.buildLexicalIndex(collection: collection, fields: fields, analyzer: analyzer) { done, total in
                bar.update(done: done, fraction: total > 0 ? Double(done) / Double(total) : nil)
            }
            bar.finish()
            if json {
                printJSON(r.json(collection: collection))
            } else {
                print("built BM25 index of '\(collection)' on \(r.fields.joined(separator: ", ")) (\(r.analyzer)): \(Human.count(r.documents)) documents, \(Human.count(r.terms)) terms, \(Human.count(r.postings)) postings, \(Human.bytes(r.bytes)) in \(Human.seconds(r.seconds))")
            }
        }
    }
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show the tokens an analyzer makes of a text, with positions and offsets (like Elasticsearch _analyze).",
        discussion: """
            Examples:
              quarry analyze --analyzer english 'The runners were running'
              quarry analyze --analyzer cjk '東京都に住む' --json
            """)

    @Option(help: "english, standard, simple, cjk or a Snowball language.") var analyzer = "english"
    @Argument(help: "The text.") var text: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let tokens = try Analyzer(try AnalyzerConfig.named(analyzer)).analyze(text)
            if json {
                printJSON(.object([JSONMember("analyzer", .string(analyzer)), JSONMember("tokens", .array(tokens.map {
                    .object([JSONMember("token", .string($0.term)), JSONMember("position", .int(Int64($0.position))),
                             JSONMember("start_offset", .int(Int64($0.start))), JSONMember("end_offset", .int(Int64($0.end)))])
                }))]))
                return
            }
            let utf8 = Array(text.utf8)
            print(TextTable(columns: [.init("position", alignRight: true), .init("token"), .init("source"), .init("bytes")],
                            rows: tokens.map { [String($0.position), $0.term, String(decoding: utf8[$0.start..<$0.end], as: UTF8.self), "\($0.start)..<\($0.end)"] })
                .render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}
