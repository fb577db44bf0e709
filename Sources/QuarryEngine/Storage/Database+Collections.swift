import Foundation
import GRDB
import QuarryBase

// MARK: - Collections

extension QuarryDatabase {
    static func schema(from row: Row) -> CollectionSchema {
        let texts = (try? JSONParser.parse(row["text_fields"] as String)) ?? .array([])
        let vecs = (try? JSONParser.parse(row["vector_fields"] as String)) ?? .array([])
        var textFields: [String] = []
        if case let .array(items) = texts { textFields = items.compactMap(\.stringValue) }
        var vectorFields: [VectorFieldSchema] = []
        if case let .array(items) = vecs { vectorFields = items.compactMap(VectorFieldSchema.init(json:)) }
        return CollectionSchema(name: row["name"], idField: row["id_field"], textFields: textFields, vectorFields: vectorFields)
    }

    public func collections() throws(StorageError) -> [CollectionSchema] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM collections ORDER BY name").map(Self.schema(from:)) }
    }

    /// The schema of `name`, or `noSuchCollection` with the nearest existing name.
    public func collection(named name: String) throws(StorageError) -> CollectionSchema {
        if let found = try read({ db in try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE name = ?", arguments: [name]) }) {
            return Self.schema(from: found)
        }
        let names = try collections().map(\.name)
        throw .noSuchCollection(name, suggestion: Suggest.nearest(to: name, in: names))
    }

    func collectionID(_ db: Database, _ name: String) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM collections WHERE name = ?", arguments: [name]) { return id }
        let names = try String.fetchAll(db, sql: "SELECT name FROM collections")
        throw StorageError.noSuchCollection(name, suggestion: Suggest.nearest(to: name, in: names))
    }

    static func insertCollection(_ db: Database, _ schema: CollectionSchema) throws -> Int64 {
        try db.execute(sql: "INSERT INTO collections (name, id_field, text_fields, vector_fields) VALUES (?, ?, ?, ?)",
                       arguments: [schema.name, schema.idField,
                                   JSONValue.array(schema.textFields.map { .string($0) }).jsonText,
                                   JSONValue.array(schema.vectorFields.map(\.json)).jsonText])
        return db.lastInsertedRowID
    }

    static func updateVectorFields(_ db: Database, collectionID: Int64, _ fields: [VectorFieldSchema]) throws {
        try db.execute(sql: "UPDATE collections SET vector_fields = ? WHERE id = ?",
                       arguments: [JSONValue.array(fields.map(\.json)).jsonText, collectionID])
    }

    /// Sets (adds or replaces) a vector field's schema.
    public func setVectorField(collection: String, _ field: VectorFieldSchema) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            var schema = Self.schema(from: try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid])!)
            schema.vectorFields.removeAll { $0.name == field.name }
            schema.vectorFields.append(field)
            try Self.updateVectorFields(db, collectionID: cid, schema.vectorFields)
        }
    }

    /// Removes a collection and everything it holds.
    public func drop(collection name: String) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, name)
            try db.execute(sql: "DELETE FROM collections WHERE id = ?", arguments: [cid])
        }
    }

    public func summary(of name: String) throws(StorageError) -> CollectionSummary {
        let schema = try collection(named: name)
        return try read { db in
            let cid = try collectionID(db, name)
            let records = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE collection_id = ?", arguments: [cid]) ?? 0
            let queries = try Int.fetchOne(db, sql: "SELECT count(*) FROM queries WHERE collection_id = ?", arguments: [cid]) ?? 0
            var splits: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT split, count(DISTINCT query_id) AS n FROM qrels WHERE collection_id = ? GROUP BY split", arguments: [cid]) {
                splits[row["split"]] = row["n"]
            }
            let bytes = try Int.fetchOne(db, sql: """
                SELECT (SELECT coalesce(sum(length(doc_id) + length(fields) + length(metadata)), 0) FROM records WHERE collection_id = ?1)
                     + (SELECT coalesce(sum(length(vector)), 0) FROM vectors WHERE collection_id = ?1)
                     + (SELECT coalesce(sum(length(data)), 0) FROM index_snapshots WHERE collection_id = ?1)
                """, arguments: [cid]) ?? 0
            let indexes = try Self.indexInfos(db, cid)
            return CollectionSummary(schema: schema, records: records, queries: queries, splits: splits, bytes: bytes, indexes: indexes)
        }
    }
}

// MARK: - Records

extension QuarryDatabase {
    static func record(from row: Row) -> Record {
        let fields = (try? JSONParser.parse(row["fields"] as String)) ?? .object([])
        let metadata = (try? JSONParser.parse(row["metadata"] as String)) ?? .object([])
        var members: [JSONMember] = []
        if case let .object(m) = fields { members = m }
        return Record(ordinal: UInt32(row["ordinal"] as Int64), id: row["doc_id"], fields: members, metadata: metadata)
    }

    public func record(collection: String, id: String) throws(StorageError) -> Record {
        let found = try read { db -> Record? in
            let cid = try collectionID(db, collection)
            return try Row.fetchOne(db, sql: "SELECT * FROM records WHERE collection_id = ? AND doc_id = ?", arguments: [cid, id])
                .map(Self.record(from:))
        }
        guard let found else { throw .noSuchRecord(collection: collection, id: id) }
        return found
    }

    public func record(collection: String, ordinal: UInt32) throws(StorageError) -> Record? {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Row.fetchOne(db, sql: "SELECT * FROM records WHERE collection_id = ? AND ordinal = ?", arguments: [cid, Int64(ordinal)])
                .map(Self.record(from:))
        }
    }

    /// Calls `body` with every record in ordinal order.
    public func forEachRecord(collection: String, _ body: (Record) throws -> Void) throws(StorageError) {
        try read { db in
            let cid = try collectionID(db, collection)
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM records WHERE collection_id = ? ORDER BY ordinal", arguments: [cid])
            while let row = try cursor.next() { try body(Self.record(from: row)) }
        }
    }

    public func records(collection: String) throws(StorageError) -> [Record] {
        var out: [Record] = []
        try forEachRecord(collection: collection) { out.append($0) }
        return out
    }

    /// Ordinal → id for every live record, and the size of the ordinal space (max ordinal + 1).
    public func idMap(collection: String) throws(StorageError) -> (ids: [String?], live: Int) {
        try read { db in
            let cid = try collectionID(db, collection)
            let maxOrdinal = try Int.fetchOne(db, sql: "SELECT max(ordinal) FROM records WHERE collection_id = ?", arguments: [cid]) ?? -1
            var ids = [String?](repeating: nil, count: maxOrdinal + 1)
            var live = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT ordinal, doc_id FROM records WHERE collection_id = ?", arguments: [cid])
            while let row = try cursor.next() {
                ids[Int(row[0] as Int64)] = row[1]
                live += 1
            }
            return (ids, live)
        }
    }

    /// Deletes records by id in one transaction; returns the ids that were not found.
    @discardableResult
    public func delete(collection: String, ids: [String]) throws(StorageError) -> [String] {
        try write { db in
            let cid = try collectionID(db, collection)
            var missing: [String] = []
            for id in ids {
                guard let ordinal = try Int64.fetchOne(db, sql: "SELECT ordinal FROM records WHERE collection_id = ? AND doc_id = ?", arguments: [cid, id]) else {
                    missing.append(id)
                    continue
                }
                try db.execute(sql: "DELETE FROM records WHERE collection_id = ? AND ordinal = ?", arguments: [cid, ordinal])
                try db.execute(sql: "DELETE FROM vectors WHERE collection_id = ? AND ordinal = ?", arguments: [cid, ordinal])
            }
            return missing
        }
    }
}

// MARK: - Vectors

extension QuarryDatabase {
    /// All vectors of a field as one flat array in ordinal order, with their ordinals.
    public func vectors(collection: String, field: String) throws(StorageError) -> (ordinals: [UInt32], flat: [Float], dimension: Int) {
        let schema = try self.collection(named: collection)
        guard let vf = schema.vectorField(field) else {
            throw .invalidArgument("collection '\(collection)' has no vector field '\(field)'"
                + (Suggest.nearest(to: field, in: schema.vectorFields.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""))
        }
        return try read { db in
            let cid = try collectionID(db, collection)
            var ordinals: [UInt32] = []
            var flat: [Float] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT ordinal, vector FROM vectors WHERE collection_id = ? AND field = ? ORDER BY ordinal", arguments: [cid, field])
            while let row = try cursor.next() {
                ordinals.append(UInt32(row[0] as Int64))
                let data: Data = row[1]
                data.withUnsafeBytes { flat.append(contentsOf: $0.bindMemory(to: Float.self)) }
            }
            return (ordinals, flat, vf.dimension)
        }
    }

    public func vector(collection: String, field: String, ordinal: UInt32) throws(StorageError) -> [Float]? {
        try read { db in
            let cid = try collectionID(db, collection)
            let data = try Data.fetchOne(db, sql: "SELECT vector FROM vectors WHERE collection_id = ? AND field = ? AND ordinal = ?", arguments: [cid, field, Int64(ordinal)])
            return data.map { d in d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
        }
    }

    /// Stores vectors for records by ordinal (replacing existing ones) in one transaction.
    public func putVectors(collection: String, field: VectorFieldSchema, ordinals: [UInt32], flat: [Float]) throws(StorageError) {
        precondition(flat.count == ordinals.count * field.dimension)
        try write { db in
            let cid = try collectionID(db, collection)
            var schema = Self.schema(from: try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid])!)
            schema.vectorFields.removeAll { $0.name == field.name }
            schema.vectorFields.append(field)
            try Self.updateVectorFields(db, collectionID: cid, schema.vectorFields)
            let stmt = try db.makeStatement(sql: "INSERT OR REPLACE INTO vectors (collection_id, field, ordinal, vector) VALUES (?, ?, ?, ?)")
            for (i, ordinal) in ordinals.enumerated() {
                let blob = flat[(i * field.dimension)..<((i + 1) * field.dimension)].withUnsafeBytes { Data($0) }
                try stmt.execute(arguments: [cid, field.name, Int64(ordinal), blob])
            }
        }
    }

    /// Query vectors of a field by query id.
    public func queryVectors(collection: String, field: String) throws(StorageError) -> [String: [Float]] {
        try read { db in
            let cid = try collectionID(db, collection)
            var out: [String: [Float]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT query_id, vector FROM query_vectors WHERE collection_id = ? AND field = ?", arguments: [cid, field]) {
                let data: Data = row[1]
                out[row[0]] = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            return out
        }
    }

    public func putQueryVectors(collection: String, field: String, vectors: [String: [Float]]) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            let stmt = try db.makeStatement(sql: "INSERT OR REPLACE INTO query_vectors (collection_id, field, query_id, vector) VALUES (?, ?, ?, ?)")
            for (qid, v) in vectors { try stmt.execute(arguments: [cid, field, qid, v.withUnsafeBytes { Data($0) }]) }
        }
    }
}

// MARK: - Query sets

extension QuarryDatabase {
    public func queries(collection: String) throws(StorageError) -> [StoredQuery] {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Row.fetchAll(db, sql: "SELECT * FROM queries WHERE collection_id = ? ORDER BY position", arguments: [cid]).map { row in
                StoredQuery(id: row["query_id"], text: row["text"], metadata: (try? JSONParser.parse(row["metadata"] as String)) ?? .object([]))
            }
        }
    }

    public func splits(collection: String) throws(StorageError) -> [String] {
        try read { db in
            let cid = try collectionID(db, collection)
            return try String.fetchAll(db, sql: "SELECT DISTINCT split FROM qrels WHERE collection_id = ? ORDER BY split", arguments: [cid])
        }
    }

    public func qrels(collection: String, split: String) throws(StorageError) -> [Qrel] {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Row.fetchAll(db, sql: "SELECT query_id, doc_id, grade FROM qrels WHERE collection_id = ? AND split = ? ORDER BY query_id, doc_id", arguments: [cid, split]).map {
                Qrel(queryID: $0[0], docID: $0[1], grade: $0[2])
            }
        }
    }
}

// MARK: - Index snapshots

extension QuarryDatabase {
    static func indexInfos(_ db: Database, _ cid: Int64) throws -> [IndexSnapshotInfo] {
        try Row.fetchAll(db, sql: "SELECT name, kind, field, params, length(data) AS bytes, built_at FROM index_snapshots WHERE collection_id = ? ORDER BY name", arguments: [cid]).map {
            IndexSnapshotInfo(name: $0["name"], kind: $0["kind"], field: $0["field"],
                              params: (try? JSONParser.parse($0["params"] as String)) ?? .object([]), bytes: $0["bytes"], builtAt: $0["built_at"])
        }
    }

    public func indexes(collection: String) throws(StorageError) -> [IndexSnapshotInfo] {
        try read { db in try Self.indexInfos(db, try collectionID(db, collection)) }
    }

    public func saveIndex(collection: String, name: String, kind: String, field: String, params: JSONValue, data: [UInt8]) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "INSERT OR REPLACE INTO index_snapshots (collection_id, name, kind, field, params, data) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [cid, name, kind, field, params.jsonText, Data(data)])
        }
    }

    public func loadIndex(collection: String, name: String) throws(StorageError) -> (info: IndexSnapshotInfo, data: [UInt8])? {
        try read { db in
            let cid = try collectionID(db, collection)
            guard let row = try Row.fetchOne(db, sql: "SELECT name, kind, field, params, data, length(data) AS bytes, built_at FROM index_snapshots WHERE collection_id = ? AND name = ?", arguments: [cid, name]) else { return nil }
            let info = IndexSnapshotInfo(name: row["name"], kind: row["kind"], field: row["field"],
                                         params: (try? JSONParser.parse(row["params"] as String)) ?? .object([]), bytes: row["bytes"], builtAt: row["built_at"])
            let data: Data = row["data"]
            return (info, [UInt8](data))
        }
    }

    public func dropIndex(collection: String, name: String) throws(StorageError) -> Bool {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "DELETE FROM index_snapshots WHERE collection_id = ? AND name = ?", arguments: [cid, name])
            return db.changesCount > 0
        }
    }
}

// MARK: - Evaluation runs

extension QuarryDatabase {
    /// Stores an evaluation run; returns its id.
    public func saveRun(collection: String, statement: String, params: JSONValue, split: String, metrics: JSONValue, perQuery: JSONValue, quarryVersion: String) throws(StorageError) -> Int64 {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "INSERT INTO runs (collection_id, statement, params, split, metrics, per_query, quarry_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [cid, statement, params.jsonText, split, metrics.jsonText, perQuery.jsonText, quarryVersion])
            return db.lastInsertedRowID
        }
    }
}

/// A stored evaluation run.
public struct StoredRun: Sendable {
    public var id: Int64
    public var collection: String
    public var statement: String
    public var params: JSONValue
    public var split: String
    public var metrics: JSONValue
    public var perQuery: JSONValue
    public var quarryVersion: String
    public var createdAt: String
}

extension QuarryDatabase {
    static let runSelect = "SELECT r.*, c.name AS collection FROM runs r JOIN collections c ON c.id = r.collection_id"

    static func run(from row: Row) -> StoredRun {
        StoredRun(id: row["id"], collection: row["collection"], statement: row["statement"],
                  params: (try? JSONParser.parse(row["params"] as String)) ?? .null, split: row["split"],
                  metrics: (try? JSONParser.parse(row["metrics"] as String)) ?? .null,
                  perQuery: (try? JSONParser.parse(row["per_query"] as String)) ?? .null,
                  quarryVersion: row["quarry_version"], createdAt: row["created_at"])
    }

    /// Stored runs, newest last.
    public func runs() throws(StorageError) -> [StoredRun] {
        try read { db in try Row.fetchAll(db, sql: Self.runSelect + " ORDER BY r.id").map(Self.run(from:)) }
    }

    public func run(id: Int64) throws(StorageError) -> StoredRun {
        guard let r = try read({ db in try Row.fetchOne(db, sql: Self.runSelect + " WHERE r.id = ?", arguments: [id]).map(Self.run(from:)) }) else {
            throw .invalidArgument("no run \(id) (quarry runs lists them)")
        }
        return r
    }
}

// MARK: - Tuning recommendations

/// What `quarry tune` chose for a collection and a metric.
public struct StoredRecommendation: Sendable {
    public var collection: String
    public var metric: String
    public var target: String
    public var params: JSONValue
    public var report: JSONValue
    public var createdAt: String
}

extension QuarryDatabase {
    /// Stores (or replaces) the recommendation for `collection` and `metric`.
    public func saveRecommendation(collection: String, metric: String, target: String, params: JSONValue, report: JSONValue) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "INSERT OR REPLACE INTO recommendations (collection_id, metric, target, params, report) VALUES (?, ?, ?, ?, ?)",
                           arguments: [cid, metric, target, params.jsonText, report.jsonText])
        }
    }

    /// The recommendations of one collection (or of all), by collection and metric.
    public func recommendations(collection: String? = nil) throws(StorageError) -> [StoredRecommendation] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.name AS collection, r.* FROM recommendations r JOIN collections c ON c.id = r.collection_id
                WHERE ? IS NULL OR c.name = ? ORDER BY c.name, r.metric
                """, arguments: [collection, collection])
            return rows.map { row in
                StoredRecommendation(collection: row["collection"], metric: row["metric"], target: row["target"],
                                     params: (try? JSONParser.parse(row["params"] as String)) ?? .null,
                                     report: (try? JSONParser.parse(row["report"] as String)) ?? .null,
                                     createdAt: row["created_at"])
            }
        }
    }
}
