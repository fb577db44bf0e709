import Foundation
import GRDB
import QuarryBase
#if canImport(Glibc)
import Glibc
#endif

/// What `quarry import` was asked to do.
public struct ImportOptions: Sendable {
    public var path: String
    public var collection: String
    /// The record field that holds the id; default `_id`, else `id`.
    public var idField: String?
    /// Text fields analysed for BM25; default `title` and `text` where the data has them.
    public var textFields: [String]?
    public var vectors: String?
    public var queryVectors: String?
    public var vectorField = "embedding"
    public var metric: Metric = .cosine
    /// The model that made imported vectors (recorded in the schema).
    public var vectorModel = "external"
    /// Replace records whose id already exists instead of failing.
    public var upsert = false
    /// Top-level fields to declare as geometry (`--geometry NAME`): WKT strings or
    /// `{"lat", "lon"}` objects, boxed in an R-Tree inside the import's transaction.
    public var geometryFields: [String] = []
    /// Embed the text fields (and the queries) inside the import's transaction, so an import
    /// stopped while embedding leaves the database as it was.
    public var embedding: ImportEmbedding?
    /// An index that commits with the records (the workbench's JSON path index): built inside
    /// the import's transaction from the collection as it will be committed, and saved in it,
    /// so a kill at any moment leaves the database exactly as before or exactly as after.
    public var indexBeforeCommit: (@Sendable (ImportedRecords) throws -> IndexSave)?

    public init(path: String, collection: String) {
        self.path = path
        self.collection = collection
    }
}

/// A text embedder for `ImportOptions.embedding`: `embed(texts, what)` returns
/// `texts.count × dimension` floats, row i for text i; `what` is "records" or "queries", for a
/// progress bar. Errors it throws are reported as the import's.
public struct ImportEmbedding: Sendable {
    public var model: String
    public var dimension: Int
    public var embed: @Sendable (_ texts: [String], _ what: String) throws -> [Float]

    public init(model: String, dimension: Int, embed: @escaping @Sendable (_ texts: [String], _ what: String) throws -> [Float]) {
        self.model = model
        self.dimension = dimension
        self.embed = embed
    }
}

/// The records of a collection inside an import's transaction, as they will be committed:
/// what `ImportOptions.indexBeforeCommit` builds its index from.
public struct ImportedRecords {
    public let collection: String
    /// The collection's ordinal space (deleted ordinals included).
    public let count: Int
    let db: Database
    let collectionID: Int64

    /// Every record in ordinal order (the transaction's own view: nothing else can read it yet).
    public func forEach(_ body: (Record) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM records WHERE collection_id = ? ORDER BY ordinal", arguments: [collectionID])
        while let row = try cursor.next() { try body(QuarryDatabase.record(from: row)) }
    }
}

/// An index to save in a transaction that is already open: its catalog row and its segments.
public struct IndexSave {
    public var name: String
    public var kind: String
    public var field: String
    public var params: JSONValue
    public var changes: SegmentChanges

    public init(name: String, kind: String, field: String, params: JSONValue, changes: SegmentChanges) {
        self.name = name
        self.kind = kind
        self.field = field
        self.params = params
        self.changes = changes
    }
}

/// Progress of a running import, for a progress bar.
public struct ImportProgress: Sendable {
    public var records: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var phase: String
}

public struct ImportSummary: Sendable {
    public var format: String
    public var created: Bool
    public var records: Int
    public var replaced: Int
    public var queries: Int
    public var qrels: [String: Int]
    public var vectors: Int
    public var queryVectors: Int
    public var seconds: Double
}

/// Imports a BEIR folder, JSONL or CSV (each optionally gzip-compressed) into a collection,
/// all in one transaction: on any error, nothing of the import stays.
public struct Importer {
    public enum Format: String, Sendable { case beir, jsonl, csv }

    let db: QuarryDatabase
    let options: ImportOptions
    let progress: (@Sendable (ImportProgress) -> Void)?

    public init(database: QuarryDatabase, options: ImportOptions, progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.db = database
        self.options = options
        self.progress = progress
    }

    /// The format of `path`, from its layout and name.
    public static func detect(_ path: String) throws(StorageError) -> (Format, corpus: String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .fileNotFound(path: path) }
        if isDir.boolValue {
            for name in ["corpus.jsonl", "corpus.jsonl.gz"] {
                let p = (path as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: p) { return (.beir, p) }
            }
            throw .unknownFileType(path: path)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".jsonl.gz") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".ndjson.gz") { return (.jsonl, path) }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { return (.csv, path) }
        throw .unknownFileType(path: path)
    }

    public func run() throws(StorageError) -> ImportSummary {
        let started = Date()
        let (format, corpusPath) = try Self.detect(options.path)
        // Read vector files first: their errors cost nothing to report.
        let vectors = try options.vectors.map { p throws(StorageError) in try VectorFile.read(path: p) }
        let queryVectors = try options.queryVectors.map { p throws(StorageError) in try VectorFile.read(path: p) }
        if queryVectors != nil && format != .beir {
            throw .invalidArgument("--query-vectors needs a BEIR folder (with queries.jsonl)")
        }
        if options.embedding != nil && (vectors != nil || queryVectors != nil) {
            throw .invalidArgument("--embed makes the vectors; give it without --vectors or --query-vectors")
        }
        for (file, path) in [(vectors, options.vectors), (queryVectors, options.queryVectors)] {
            if let file, let path, let bad = file.firstNonFinite() {
                throw .nonFiniteVector(file: (path as NSString).lastPathComponent, row: bad.row, column: bad.column)
            }
        }
        var summary = ImportSummary(format: format.rawValue, created: false, records: 0, replaced: 0, queries: 0, qrels: [:], vectors: 0, queryVectors: 0, seconds: 0)
        var removedFiles: [String] = []
        var publishedFiles: [String] = []
        var indexFiles: [String] = []
        defer { for f in removedFiles { unlink(db.segmentFolder + "/" + f) } }
        do { try db.write { database in
            var job = ImportJob(db: database, store: db, options: options, format: format, progress: progress)
            defer { publishedFiles = job.published }
            try job.importRecords(corpusPath: corpusPath, vectors: vectors)
            if format == .beir {
                try job.importBEIRQueries(folder: options.path, queryVectors: queryVectors)
            }
            summary.created = job.created
            summary.records = job.recordCount
            summary.replaced = job.replaced
            summary.queries = job.queryCount
            summary.qrels = job.qrelCounts
            summary.vectors = vectors?.count ?? 0
            summary.queryVectors = queryVectors?.count ?? 0
            if let embedding = options.embedding {
                (summary.vectors, summary.queryVectors) = try job.embed(embedding)
            }
            removedFiles = job.removed
            if let build = options.indexBeforeCommit {
                let cid = try db.collectionID(database, options.collection)
                let n = try Int.fetchOne(database, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0
                let save = try build(ImportedRecords(collection: options.collection, count: n, db: database, collectionID: cid))
                do {
                    removedFiles += try QuarryDatabase.saveIndex(database, collectionID: cid, save, folder: db.segmentFolder, published: &indexFiles)
                } catch {
                    for a in save.changes.additions { a.segment.discard() }
                    throw error
                }
            }
        } } catch {
            // The transaction rolled back: files it published are named by no catalog row.
            removedFiles = []
            for p in publishedFiles + indexFiles { unlink(p) }
            throw error
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}

// MARK: - Embedding inside the transaction

extension ImportJob {
    /// Embeds the collection's records and queries that have no vector in the field yet (title +
    /// " " + text, as sentence-transformers users do for BEIR) and stores them with the field's
    /// schema. Returns the numbers of record and query vectors written.
    mutating func embed(_ embedding: ImportEmbedding) throws -> (Int, Int) {
        let cid = try Int64.fetchOne(db, sql: "SELECT id FROM collections WHERE name = ?", arguments: [options.collection])!
        var schema = QuarryDatabase.schema(from: try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid])!)
        let field = options.vectorField
        if let existing = schema.vectorField(field), existing.model != embedding.model || existing.dimension != embedding.dimension {
            throw StorageError.invalidArgument("field '\(field)' holds vectors of \(existing.model) (\(existing.dimension) dimensions), not \(embedding.model); pick another --vector-field")
        }
        schema.vectorFields.removeAll { $0.name == field }
        schema.vectorFields.append(VectorFieldSchema(name: field, dimension: embedding.dimension, metric: .cosine, model: embedding.model))
        try QuarryDatabase.updateVectorFields(db, collectionID: cid, schema.vectorFields)

        var ordinals: [Int64] = [], texts: [String] = []
        let covered = try Self.coveredOrdinals(db, collectionID: cid, field: field)
        for row in try Row.fetchAll(db, sql: "SELECT ordinal, fields FROM records WHERE collection_id = ? AND ordinal >= ? ORDER BY ordinal",
                                    arguments: [cid, covered]) {
            ordinals.append(row[0])
            let fields = (try? JSONParser.parse(row[1] as String)) ?? .object([])
            texts.append(schema.textFields.compactMap { fields[$0]?.stringValue }.joined(separator: " "))
        }
        let d = embedding.dimension
        let flat = try Self.embedding(embedding, texts, "records")
        guard flat.count == texts.count * d else { throw StorageError.invalidArgument("the embedder returned \(flat.count) floats for \(texts.count) texts") }
        if let first = ordinals.first, let last = ordinals.last {
            let writer = VectorChunkWriter(writer: try store.segmentWriter(collection: options.collection, owner: QuarryDatabase.vectorsOwner(field), kind: VectorChunk.kind, version: VectorChunk.version),
                                           dimension: d, firstOrdinal: UInt32(first), normalize: true)
            var next = 0
            try flat.withUnsafeBufferPointer { p in
                for o in first...last {
                    if next < ordinals.count && ordinals[next] == o {
                        try writer.append(p.baseAddress! + next * d)
                        next += 1
                    } else {
                        try writer.appendMissing()
                    }
                }
            }
            try publish(writer, field: field, collectionID: cid)
        }

        let queries = try Row.fetchAll(db, sql: """
            SELECT query_id, text FROM queries q WHERE collection_id = ?
            AND NOT EXISTS (SELECT 1 FROM query_vectors v WHERE v.collection_id = q.collection_id AND v.field = ? AND v.query_id = q.query_id)
            ORDER BY position
            """, arguments: [cid, field]).map { (id: $0[0] as String, text: $0[1] as String) }
        guard !queries.isEmpty else { return (ordinals.count, 0) }
        let qflat = try Self.embedding(embedding, queries.map(\.text), "queries")
        guard qflat.count == queries.count * d else { throw StorageError.invalidArgument("the embedder returned \(qflat.count) floats for \(queries.count) queries") }
        let qinsert = try db.makeStatement(sql: "INSERT OR REPLACE INTO query_vectors (collection_id, field, query_id, vector) VALUES (?, ?, ?, ?)")
        for (i, q) in queries.enumerated() {
            try qinsert.execute(arguments: [cid, field, q.id, qflat[(i * d)..<((i + 1) * d)].withUnsafeBytes { Data($0) }])
        }
        return (ordinals.count, queries.count)
    }

    /// The first ordinal after the field's last vector chunk.
    static func coveredOrdinals(_ db: Database, collectionID cid: Int64, field: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(first_ordinal + row_count) FROM segments WHERE collection_id = ? AND owner = ?",
                           arguments: [cid, QuarryDatabase.vectorsOwner(field)]) ?? 0
    }

    /// Finishes an id chunk and names it in the catalog, inside the import's transaction (an
    /// import of no records writes none).
    mutating func publish(_ writer: IdChunkWriter, collectionID cid: Int64) throws {
        guard writer.count > 0 else { return writer.abort() }
        let done = try writer.finish()
        try add(done, owner: QuarryDatabase.idsOwner, kind: IdChunk.kind, firstOrdinal: Int(writer.firstOrdinal), rows: writer.count, collectionID: cid)
    }

    /// Finishes a vector chunk and names it in the catalog, inside the import's transaction.
    mutating func publish(_ writer: VectorChunkWriter, field: String, collectionID cid: Int64) throws {
        let done = try writer.finish()
        try add(done, owner: QuarryDatabase.vectorsOwner(field), kind: VectorChunk.kind, firstOrdinal: Int(writer.firstOrdinal), rows: writer.count,
                collectionID: cid)
    }

    /// Names a finished segment in the catalog as the owner's next, inside the import's transaction.
    private mutating func add(_ done: FinishedSegment, owner: String, kind: String, firstOrdinal: Int, rows: Int, collectionID cid: Int64) throws {
        let seq = (try Int.fetchOne(db, sql: "SELECT max(seq) FROM segments WHERE collection_id = ? AND owner = ?", arguments: [cid, owner]) ?? -1) + 1
        var changes = SegmentChanges()
        changes.additions.append(.init(owner: owner, seq: seq, segment: done, kind: kind, firstOrdinal: firstOrdinal, rows: rows))
        removed += try QuarryDatabase.apply(changes, db: db, collectionID: cid, folder: store.segmentFolder, published: &published)
    }

    /// The embedder's errors keep their own words.
    static func embedding(_ e: ImportEmbedding, _ texts: [String], _ what: String) throws -> [Float] {
        do { return try e.embed(texts, what) } catch let error as StorageError { throw error } catch {
            throw StorageError.invalidArgument(String(describing: error))
        }
    }
}

/// The state of one import inside its transaction.
struct ImportJob {
    let db: Database
    let store: QuarryDatabase
    let options: ImportOptions
    let format: Importer.Format
    let progress: (@Sendable (ImportProgress) -> Void)?
    var created = false
    var recordCount = 0
    var replaced = 0
    var queryCount = 0
    var qrelCounts: [String: Int] = [:]
    /// Segment files published inside the transaction, and files of segments it replaced.
    var published: [String] = []
    var removed: [String] = []

    init(db: Database, store: QuarryDatabase, options: ImportOptions, format: Importer.Format, progress: (@Sendable (ImportProgress) -> Void)?) {
        self.db = db
        self.store = store
        self.options = options
        self.format = format
        self.progress = progress
    }

    // MARK: - Records

    mutating func importRecords(corpusPath: String, vectors: VectorFile?) throws {
        let reader = try RecordReader(path: corpusPath, csv: format == .csv)
        let lines = reader.lines
        let file = reader.file
        func nextObject() throws -> (JSONValue, Int)? { try reader.next() }

        guard var current = try nextObject() else { throw StorageError.emptyFile(path: corpusPath) }
        guard case let .object(firstMembers) = current.0 else { throw StorageError.notAnObject(file: file, line: current.1, found: current.0.typeName) }
        let seen = firstMembers.map(\.key)

        // The collection: existing, or created from the first record's shape.
        var schema: CollectionSchema
        let cid: Int64
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE name = ?", arguments: [options.collection]) {
            schema = QuarryDatabase.schema(from: row)
            cid = row["id"]
            if let requested = options.idField, requested != schema.idField {
                throw StorageError.invalidArgument("collection '\(schema.name)' uses id field '\(schema.idField)', not '\(requested)'")
            }
        } else {
            let idField = options.idField ?? (seen.contains("_id") ? "_id" : "id")
            let textFields = options.textFields ?? ["title", "text"].filter(seen.contains)
            for f in textFields where !seen.contains(f) {
                throw StorageError.textFieldMissing(field: f, available: seen)
            }
            if textFields.isEmpty && options.textFields == nil { throw StorageError.noTextFields(file: file, available: seen) }
            schema = CollectionSchema(name: options.collection, idField: idField, textFields: textFields)
            cid = try QuarryDatabase.insertCollection(db, schema)
            created = true
        }

        // Vector field: declared now, checked against the file.
        var vectorField: VectorFieldSchema?
        if let vectors {
            if let existing = schema.vectorField(options.vectorField) {
                guard existing.dimension == vectors.dimension else {
                    throw StorageError.vectorDimension(file: (options.vectors! as NSString).lastPathComponent, expected: existing.dimension, found: vectors.dimension, field: existing.name)
                }
                vectorField = existing
            } else {
                let vf = VectorFieldSchema(name: options.vectorField, dimension: vectors.dimension, metric: options.metric, model: options.vectorModel)
                schema.vectorFields.append(vf)
                try QuarryDatabase.updateVectorFields(db, collectionID: cid, schema.vectorFields)
                vectorField = vf
            }
        }

        let firstOrdinal = try Int64.fetchOne(db, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0
        let insert = try db.makeStatement(sql: "INSERT INTO records (collection_id, ordinal, doc_id, fields, metadata) VALUES (?, ?, ?, ?, ?)")
        // The vectors of the imported records: one chunk, streamed from the (mapped) vector file.
        var chunk: VectorChunkWriter?
        if let vectors, let vectorField {
            let covered = try Self.coveredOrdinals(db, collectionID: cid, field: vectorField.name)
            guard covered <= firstOrdinal else {
                throw StorageError.invalidArgument("vector field '\(vectorField.name)' has vectors past ordinal \(firstOrdinal); this database is damaged (quarry check)")
            }
            chunk = VectorChunkWriter(writer: try store.segmentWriter(collection: schema.name, owner: QuarryDatabase.vectorsOwner(vectorField.name), kind: VectorChunk.kind, version: VectorChunk.version),
                                      dimension: vectors.dimension, firstOrdinal: UInt32(firstOrdinal), normalize: vectorField.metric == .cosine)
        }
        // The ids of the imported records, beside them (see `IdChunk`).
        let ids = IdChunkWriter(writer: try store.segmentWriter(collection: schema.name, owner: QuarryDatabase.idsOwner, kind: IdChunk.kind,
                                                                version: IdChunk.version), firstOrdinal: UInt32(firstOrdinal))
        do {
            try insertRecords(&current, nextObject, schema: schema, collectionID: cid, from: firstOrdinal, insert: insert, ids: ids, lines: lines,
                              file: file)
        } catch {
            ids.abort()
            chunk?.abort()
            throw error
        }
        try publish(ids, collectionID: cid)
        if let vectors, vectors.count != recordCount {
            chunk?.abort()
            throw StorageError.vectorCount(file: (options.vectors! as NSString).lastPathComponent, expected: recordCount, found: vectors.count, what: "record")
        }
        if let vectors, let chunk, let vectorField {
            do {
                try vectors.withRows { rows in
                    for i in 0..<vectors.count {
                        try chunk.append(rows.baseAddress! + i * vectors.dimension)
                        if i % 20_000 == 0 { progress?(ImportProgress(records: i, bytesRead: i, totalBytes: vectors.count, phase: "vectors")) }
                    }
                }
                try publish(chunk, field: vectorField.name, collectionID: cid)
            } catch {
                chunk.abort()
                throw error
            }
        }
    }

    /// The records of an import, from the first (`current`) on: inserted, tombstoning the ones
    /// they replace, their ids appended to `ids`.
    private mutating func insertRecords(_ current: inout (JSONValue, Int), _ nextObject: () throws -> (JSONValue, Int)?, schema: CollectionSchema,
                                        collectionID cid: Int64, from firstOrdinal: Int64, insert: Statement, ids: IdChunkWriter,
                                        lines: LineReader, file: String) throws {
        var schema = schema
        var nextOrdinal = firstOrdinal
        let findExisting = try db.makeStatement(sql: "SELECT ordinal FROM records WHERE collection_id = ? AND doc_id = ?")
        let collectionHasRecords = nextOrdinal > 0
        try QuarryDatabase.declareGeometry(db, collectionID: cid, schema: &schema, requested: options.geometryFields, hasRecords: collectionHasRecords)
        let geometry = try GeometryWriter(db, collectionID: cid, fields: schema.geometryFields)
        var recordBytes = 0
        var firstLine: [String: Int] = [:]

        while true {
            let (value, line) = current
            guard case let .object(members) = value else { throw StorageError.notAnObject(file: file, line: line, found: value.typeName) }
            let record = try split(members, schema: schema, file: file, line: line)
            if let first = firstLine[record.id] {
                throw StorageError.duplicateID(file: file, line: line, id: record.id, firstLine: first)
            }
            firstLine[record.id] = line
            if collectionHasRecords, let old = try Int64.fetchOne(findExisting, arguments: [cid, record.id]) {
                guard options.upsert else { throw StorageError.duplicateID(file: file, line: line, id: record.id, firstLine: nil) }
                try QuarryDatabase.tombstone(db, collectionID: cid, ordinal: old)
                replaced += 1
            }
            let fieldsText = JSONValue.object(record.fields).jsonText, metadataText = record.metadata.jsonText
            try insert.execute(arguments: [cid, nextOrdinal, record.id, fieldsText, metadataText])
            try ids.append(record.id)
            for (field, box) in record.boxes { try geometry.insert(ordinal: nextOrdinal, field: field, box: box) }
            recordBytes += record.id.utf8.count + fieldsText.utf8.count + metadataText.utf8.count
            nextOrdinal += 1
            recordCount += 1
            if recordCount % 2000 == 0 {
                progress?(ImportProgress(records: recordCount, bytesRead: lines.bytesRead, totalBytes: lines.totalBytes, phase: "records"))
            }
            guard let next = try nextObject() else { break }
            current = next
        }
        progress?(ImportProgress(records: recordCount, bytesRead: lines.totalBytes, totalBytes: lines.totalBytes, phase: "records"))
        try db.execute(sql: "UPDATE collections SET next_ordinal = ?, record_bytes = record_bytes + ? WHERE id = ?", arguments: [nextOrdinal, recordBytes, cid])
    }

    /// Splits a record object into id, text fields and metadata.
    /// A member named `metadata` holding an object is merged into the metadata (BEIR's layout).
    /// A geometry field's value is checked and kept (as WKT) after the text fields, with its box.
    func split(_ members: [JSONMember], schema: CollectionSchema, file: String, line: Int) throws
        -> (id: String, fields: [JSONMember], metadata: JSONValue, boxes: [(String, BoundingBox)]) {
        var id: String?
        var fields: [JSONMember] = []
        var metadata: [JSONMember] = []
        var geometry: [JSONMember] = []
        var boxes: [(String, BoundingBox)] = []
        for m in members {
            if schema.geometryFields.contains(m.key) {
                guard m.value != .null else { continue }
                let (wkt, box) = try GeometryWriter.check(m.value, field: m.key, file: file, line: line)
                geometry.append(JSONMember(m.key, .string(wkt)))
                boxes.append((m.key, box))
                continue
            }
            if m.key == schema.idField {
                switch m.value {
                case let .string(s): id = s
                case let .int(i): id = String(i)
                default: throw StorageError.badID(file: file, line: line, field: schema.idField, found: m.value.typeName)
                }
            } else if schema.textFields.contains(m.key) {
                switch m.value {
                case .string: fields.append(m)
                case .null: break
                case let .int(i): fields.append(JSONMember(m.key, .string(String(i))))
                case let .double(d): fields.append(JSONMember(m.key, .string(JSONValue.format(d))))
                default:
                    throw StorageError.invalidArgument("\(file):\(line): text field '\(m.key)' must be a string, found \(m.value.typeName)")
                }
            } else if m.key == "metadata", case let .object(inner) = m.value {
                metadata.append(contentsOf: inner)
            } else {
                metadata.append(m)
            }
        }
        guard let id else { throw StorageError.missingID(file: file, line: line, field: schema.idField) }
        // Keep the schema's field order.
        fields.sort { (schema.textFields.firstIndex(of: $0.key) ?? 0) < (schema.textFields.firstIndex(of: $1.key) ?? 0) }
        geometry.sort { (schema.geometryFields.firstIndex(of: $0.key) ?? 0) < (schema.geometryFields.firstIndex(of: $1.key) ?? 0) }
        return (id, fields + geometry, .object(metadata), boxes)
    }

    // MARK: - BEIR queries and qrels

    mutating func importBEIRQueries(folder: String, queryVectors: VectorFile?) throws {
        let cid = try Int64.fetchOne(db, sql: "SELECT id FROM collections WHERE name = ?", arguments: [options.collection])!
        var queryIDs: [String] = []
        if let path = ["queries.jsonl", "queries.jsonl.gz"].map({ (folder as NSString).appendingPathComponent($0) }).first(where: FileManager.default.fileExists) {
            let lines = try LineReader(path: path)
            let file = lines.displayName
            let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO queries (collection_id, position, query_id, text, metadata) VALUES (?, ?, ?, ?, ?)")
            var firstLine: [String: Int] = [:]
            while let line = try lines.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if let column = UTF8Check.firstInvalidColumn(line) { throw StorageError.invalidUTF8(file: file, line: lines.lineNumber, column: column) }
                let value: JSONValue
                do { value = try JSONParser.parse(bytes: Array(line)) } catch {
                    throw StorageError.malformedJSON(file: file, line: lines.lineNumber, column: error.column, message: error.message)
                }
                guard case let .object(members) = value else { throw StorageError.notAnObject(file: file, line: lines.lineNumber, found: value.typeName) }
                let id: String
                switch value["_id"] ?? value["id"] {
                case let .string(s)?: id = s
                case let .int(i)?: id = String(i)
                default: throw StorageError.missingID(file: file, line: lines.lineNumber, field: "_id")
                }
                if let first = firstLine[id] { throw StorageError.duplicateID(file: file, line: lines.lineNumber, id: id, firstLine: first) }
                firstLine[id] = lines.lineNumber
                let text = value["text"]?.stringValue ?? ""
                var meta = members.filter { !["_id", "id", "text", "metadata"].contains($0.key) }
                if case let .object(inner)? = value["metadata"] { meta.append(contentsOf: inner) }
                try insert.execute(arguments: [cid, queryIDs.count, id, text, JSONValue.object(meta).jsonText])
                queryIDs.append(id)
            }
            if queryIDs.isEmpty { throw StorageError.emptyFile(path: path) }
        }
        queryCount = queryIDs.count

        if let queryVectors {
            let file = (options.queryVectors! as NSString).lastPathComponent
            guard queryVectors.count == queryIDs.count else {
                throw StorageError.vectorCount(file: file, expected: queryIDs.count, found: queryVectors.count, what: "query")
            }
            let schemaRow = try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid])!
            if let vf = QuarryDatabase.schema(from: schemaRow).vectorField(options.vectorField), vf.dimension != queryVectors.dimension {
                throw StorageError.vectorDimension(file: file, expected: vf.dimension, found: queryVectors.dimension, field: vf.name)
            }
            let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO query_vectors (collection_id, field, query_id, vector) VALUES (?, ?, ?, ?)")
            for (i, qid) in queryIDs.enumerated() {
                try insert.execute(arguments: [cid, options.vectorField, qid, queryVectors.row(i).withUnsafeBytes { Data($0) }])
            }
        }

        let qrelsDir = (folder as NSString).appendingPathComponent("qrels")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: qrelsDir)) ?? []).filter { $0.hasSuffix(".tsv") || $0.hasSuffix(".tsv.gz") }.sorted()
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO qrels (collection_id, split, query_id, doc_id, grade) VALUES (?, ?, ?, ?, ?)")
        for name in names {
            let split = name.replacingOccurrences(of: ".gz", with: "").replacingOccurrences(of: ".tsv", with: "")
            let lines = try LineReader(path: (qrelsDir as NSString).appendingPathComponent(name))
            var count = 0
            while let line = try lines.next() {
                if line.isEmpty { continue }
                if let column = UTF8Check.firstInvalidColumn(line) { throw StorageError.invalidUTF8(file: name, line: lines.lineNumber, column: column) }
                let cols = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                if lines.lineNumber == 1 && cols.first == "query-id" { continue }
                guard cols.count == 3, let grade = Int(cols[2].trimmingCharacters(in: .whitespaces)) else {
                    throw StorageError.malformedCSV(file: name, line: lines.lineNumber, message: "expected 'query-id<TAB>corpus-id<TAB>score' with an integer score")
                }
                try insert.execute(arguments: [cid, split, cols[0], cols[1], grade])
                count += 1
            }
            qrelCounts[split] = count
        }
    }
}
