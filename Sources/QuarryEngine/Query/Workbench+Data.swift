import Foundation
import QuarryEval
import QuarryFilter
import QuarryStorage
import QuarryVector

/// What the front ends read and change of the stored data, through the workbench: collections,
/// records, the one import operation, deletions, exports, query sets, runs and recommendations.
/// The front ends never reach the storage layer; each change here also forgets what the
/// workbench had loaded (indexes, ids, rows) of the data it changed.
extension Workbench {
    /// The database file.
    public var path: String { database.path }

    // MARK: - Collections and records

    public func collections() throws(StorageError) -> [CollectionSchema] { try database.collections() }

    public func summary(of collection: String) throws(StorageError) -> CollectionSummary { try database.summary(of: collection) }

    /// The first collection, preferring one that all three searches can serve (text, vectors,
    /// and a BM25 index): what the TUI opens when no collection is named.
    public func defaultCollection() throws -> String? {
        let all = try database.collections()
        for c in all where !c.vectorFields.isEmpty {
            if try database.indexes(collection: c.name).contains(where: { $0.kind == "bm25" }) { return c.name }
        }
        return all.first?.name
    }

    /// Live records of a collection.
    public func recordCount(collection: String) throws(StorageError) -> Int { try database.liveCount(collection: collection) }

    public func record(collection: String, id: String) throws(StorageError) -> Record { try database.record(collection: collection, id: id) }

    /// The record at `ordinal`, nil when it was deleted.
    public func record(collection: String, ordinal: UInt32) throws(StorageError) -> Record? {
        try database.record(collection: collection, ordinal: ordinal)
    }

    /// A record's title for lists: its `title` field, else its first text field.
    public func title(collection: String, ordinal: UInt32) throws -> String {
        guard let r = try record(collection: collection, ordinal: ordinal) else { return "" }
        return r.text("title") ?? r.fields.first?.value.stringValue ?? ""
    }

    /// Calls `body` with every live record in ordinal order.
    public func forEachRecord(collection: String, _ body: (Record) throws -> Void) throws(StorageError) {
        try database.forEachRecord(collection: collection, body)
    }

    public func records(collection: String) throws(StorageError) -> [Record] { try database.records(collection: collection) }

    /// The stored vector of one record in `field`, nil when it has none.
    public func vector(collection: String, field: String, ordinal: UInt32) throws(StorageError) -> [Float]? {
        try database.vector(collection: collection, field: field, ordinal: ordinal)
    }

    /// Every stored vector of `field` in ordinal order, with the ordinals.
    public func storedVectors(collection: String, field: String) throws(StorageError) -> (ordinals: [UInt32], flat: [Float], dimension: Int) {
        try database.vectors(collection: collection, field: field)
    }

    /// The texts the embedder reads for each record: the text fields joined with a space (as
    /// sentence-transformers users do for BEIR's title and text), in ordinal order.
    public func embeddingTexts(collection: String) throws -> (ordinals: [UInt32], texts: [String]) {
        let schema = try database.collection(named: collection)
        var ordinals: [UInt32] = []
        var texts: [String] = []
        try database.forEachRecord(collection: collection) { r in
            ordinals.append(r.ordinal)
            texts.append(schema.textFields.compactMap { r.text($0) }.joined(separator: " "))
        }
        return (ordinals, texts)
    }

    /// The indexes stored for a collection (snapshots), with their parameters.
    public func indexes(collection: String) throws(StorageError) -> [IndexSnapshotInfo] { try database.indexes(collection: collection) }

    // MARK: - Changes

    /// Imports records — and a BEIR folder's queries, qrels and vectors — into a collection in one
    /// transaction (the `Importer`), with the index of the metadata's paths of stable type for
    /// filters built and saved inside that transaction: a kill at any moment leaves the database
    /// as it was or with everything. Then forgets what this workbench had loaded. `quarry import`
    /// and the REPL's `.import` both call this.
    @discardableResult
    public func importRecords(_ options: ImportOptions, progress: (@Sendable (ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        var options = options
        let paths = try pathIndexPaths(collection: options.collection, extraPaths: [])
        let built = PathIndexBox()
        let database = database
        options.indexBeforeCommit = { records in
            var rows = [JSONValue](repeating: .null, count: records.count)
            try records.forEach { if Int($0.ordinal) < rows.count { rows[Int($0.ordinal)] = $0.row } }
            let (index, save) = try Self.pathIndex(collection: records.collection, paths: paths, count: records.count, database: database) { rows[Int($0)] }
            built.index = index
            return save
        }
        let summary = try Importer(database: database, options: options, progress: progress).run()
        invalidate()
        if let index = built.index { cache.paths[options.collection] = index }
        return summary
    }

    /// Checks that `path` is something the import reads (a BEIR folder, JSONL or CSV), before a
    /// database is created for it.
    public static func checkImportable(_ path: String) throws(StorageError) { _ = try Importer.detect(path) }

    /// Deletes records by id in one transaction; returns the ids that were not found.
    @discardableResult
    public func delete(collection: String, ids: [String]) throws(StorageError) -> [String] {
        defer { invalidate() }
        return try database.delete(collection: collection, ids: ids)
    }

    /// Removes a collection with its records, vectors, query sets, indexes and runs.
    public func drop(collection: String) throws(StorageError) {
        defer { invalidate() }
        try database.drop(collection: collection)
    }

    /// The vectors of one field as fbin rows: the records' in import order, or the query set's
    /// in its order. Every row must have a vector, since fbin has no ids.
    public func exportVectors(collection: String, field: String?, queries: Bool) throws -> (flat: [Float], dimension: Int) {
        let schema = try database.collection(named: collection)
        let names = schema.vectorFields.map(\.name)
        guard let name = field ?? (names.count == 1 ? names[0] : nil) else {
            throw StorageError.invalidArgument(names.isEmpty ? "collection '\(collection)' has no vector field"
                                                              : "collection '\(collection)' has vector fields \(names.joined(separator: ", ")); pick one with --field")
        }
        guard let vf = schema.vectorField(name) else {
            throw StorageError.invalidArgument("collection '\(collection)' has no vector field '\(name)'")
        }
        var flat: [Float] = []
        if queries {
            let byID = try database.queryVectors(collection: collection, field: name)
            for q in try database.queries(collection: collection) {
                guard let v = byID[q.id] else { throw StorageError.invalidArgument("query '\(q.id)' has no '\(name)' vector (quarry embed --collection \(collection) makes them)") }
                flat += v
            }
        } else {
            let ids = try database.idMap(collection: collection).ids
            let stored = try database.vectors(collection: collection, field: name)
            var at: [UInt32: Int] = [:]
            for (i, o) in stored.ordinals.enumerated() { at[o] = i }
            for (o, id) in ids.enumerated() {
                guard let id else { continue }   // deleted
                guard let i = at[UInt32(o)] else { throw StorageError.invalidArgument("record '\(id)' has no '\(name)' vector") }
                flat += stored.flat[(i * vf.dimension)..<((i + 1) * vf.dimension)]
            }
        }
        return (flat, vf.dimension)
    }

    // MARK: - Query sets, runs, recommendations

    /// A judged query of a collection's query set: its text, its stored vector (of the first
    /// vector field, when imported or embedded) and its judgements.
    public struct JudgedQuery: Sendable {
        public var query: StoredQuery
        public var vector: [Float]?
        public var judgements: [String: Int]
    }

    /// The judged queries of `split` (default: `test` when the collection has it, else its first
    /// split), in query-file order; the split used; nil when the collection has no query set.
    public func judgedQueries(collection: String, split: String? = nil) throws -> (split: String, queries: [JudgedQuery])? {
        let splits = try database.splits(collection: collection)
        guard let split = split ?? (splits.contains("test") ? "test" : splits.first) else { return nil }
        var request = EvalRequest(collection: collection)
        request.split = split
        let (qrels, queries) = try querySet(request)
        let schema = try self.schema(collection)
        let stored = try usesStoredQueryVectors(request)
        let vectors = try schema.vectorFields.first.map { stored ? try database.queryVectors(collection: collection, field: $0.name) : [:] } ?? [:]
        let judged = queries.compactMap { q in qrels[q.id].map { JudgedQuery(query: q, vector: vectors[q.id], judgements: $0) } }
        return (split, judged)
    }

    /// The queries of the collection's query set, in file order.
    public func queries(collection: String) throws(StorageError) -> [StoredQuery] { try database.queries(collection: collection) }

    public func runs() throws(StorageError) -> [StoredRun] { try database.runs() }

    public func recommendations(collection: String? = nil) throws(StorageError) -> [StoredRecommendation] {
        try database.recommendations(collection: collection)
    }
}

/// The path index an import built inside its transaction, handed back to the workbench.
private final class PathIndexBox: @unchecked Sendable {
    var index: PathIndex?
}
