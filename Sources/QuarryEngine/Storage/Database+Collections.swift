import Foundation
import GRDB
import QuarryBase
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Collections

extension QuarryDatabase {
    static func schema(from row: Row) -> CollectionSchema {
        let texts = (try? JSONParser.parse(row["text_fields"] as String)) ?? .array([])
        let vecs = (try? JSONParser.parse(row["vector_fields"] as String)) ?? .array([])
        var textFields: [String] = []
        if case let .array(items) = texts { textFields = items.compactMap(\.stringValue) }
        var vectorFields: [VectorFieldSchema] = []
        if case let .array(items) = vecs { vectorFields = items.compactMap(VectorFieldSchema.init(json:)) }
        return CollectionSchema(name: row["name"], idField: row["id_field"], textFields: textFields, vectorFields: vectorFields,
                                geometryFields: geometryFields(from: row))
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
        // A cached statement: preparing one (GRDB sets its authorizer) expires every other cached
        // statement, which SQLite then prepares again at its next step.
        if let id = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM collections WHERE name = ?"), arguments: [name]) { return id }
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

    /// Removes a collection and everything it holds.
    public func drop(collection name: String) throws(StorageError) {
        let files = try write { db -> [String] in
            let cid = try collectionID(db, name)
            let files = try Row.fetchAll(db, sql: "SELECT * FROM segments WHERE collection_id = ?", arguments: [cid]).flatMap { Self.entry(from: $0).files }
            try Self.dropGeometryTables(db, collectionID: cid)
            try db.execute(sql: "DELETE FROM collections WHERE id = ?", arguments: [cid])
            return files
        }
        for f in files { unlink(segmentFolder + "/" + f) }
    }

    /// The size of a collection's ordinal space: ordinals `0..<n` were given out (some deleted).
    public func ordinalCount(collection: String) throws(StorageError) -> Int {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Int.fetchOne(db, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0
        }
    }

    /// The number of live records, without reading them.
    public func liveCount(collection: String) throws(StorageError) -> Int {
        try read { db in
            let cid = try collectionID(db, collection)
            let n = try Int.fetchOne(db, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0
            return n - (try Int.fetchOne(db, sql: "SELECT count(*) FROM deleted WHERE collection_id = ?", arguments: [cid]) ?? 0)
        }
    }

    /// The ordinals below `ordinalCount` whose record was deleted.
    public func deletedOrdinals(collection: String) throws(StorageError) -> Bitmap {
        try read { db in
            let cid = try collectionID(db, collection)
            var b = Bitmap()
            let cursor = try Int64.fetchCursor(db, sql: "SELECT ordinal FROM deleted WHERE collection_id = ?", arguments: [cid])
            while let o = try cursor.next() { b.insert(UInt32(o)) }
            return b
        }
    }

    public func summary(of name: String) throws(StorageError) -> CollectionSummary {
        let schema = try collection(named: name)
        return try read { db in
            let cid = try collectionID(db, name)
            let records = (try Int.fetchOne(db, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0)
                - (try Int.fetchOne(db, sql: "SELECT count(*) FROM deleted WHERE collection_id = ?", arguments: [cid]) ?? 0)
            let queries = try Int.fetchOne(db, sql: "SELECT count(*) FROM queries WHERE collection_id = ?", arguments: [cid]) ?? 0
            var splits: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT split, count(DISTINCT query_id) AS n FROM qrels WHERE collection_id = ? GROUP BY split", arguments: [cid]) {
                splits[row["split"]] = row["n"]
            }
            let bytes = try Int.fetchOne(db, sql: """
                SELECT (SELECT record_bytes FROM collections WHERE id = ?1)
                     + (SELECT coalesce(sum(bytes), 0) FROM segments WHERE collection_id = ?1)
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

    /// Ordinal → id for every live record (the size of the ordinal space). Reads every record:
    /// for commands that walk a whole collection, not for answering a query.
    public func idMap(collection: String) throws(StorageError) -> (ids: [String?], live: Int) {
        try read { db in
            let cid = try collectionID(db, collection)
            let n = try Int.fetchOne(db, sql: "SELECT next_ordinal FROM collections WHERE id = ?", arguments: [cid]) ?? 0
            var ids = [String?](repeating: nil, count: n)
            var live = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT ordinal, doc_id FROM records WHERE collection_id = ?", arguments: [cid])
            while let row = try cursor.next() {
                let o = Int(row[0] as Int64)
                if o < n { ids[o] = row[1] }
                live += 1
            }
            return (ids, live)
        }
    }

    /// The ordinal and id of every live record with an ordinal in `ordinals`, ascending.
    public func forEachID<E: Error>(collection: String, ordinals: Range<Int>, _ body: (UInt32, String) throws(E) -> Void) throws(StorageError) {
        try read { db in
            let cid = try collectionID(db, collection)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT ordinal, doc_id FROM records WHERE collection_id = ? AND ordinal >= ? AND ordinal < ? ORDER BY ordinal
                """, arguments: [cid, ordinals.lowerBound, ordinals.upperBound])
            while let row = try cursor.next() {
                try body(UInt32(truncatingIfNeeded: row[0] as Int64), row[1])
            }
        }
    }

    /// The ids of some ordinals (absent for deleted ones), by point lookups.
    public func ids(collection: String, ordinals: [UInt32]) throws(StorageError) -> [UInt32: String] {
        try readStatement { db in
            let cid = try collectionID(db, collection)
            // One statement for all of them (the hits of a search): the ordinals as a JSON array.
            let stmt = try db.cachedStatement(sql: """
                SELECT ordinal, doc_id FROM records WHERE collection_id = ? AND ordinal IN (SELECT value FROM json_each(?))
                """)
            var out: [UInt32: String] = [:]
            out.reserveCapacity(ordinals.count)
            let list = "[" + ordinals.map(String.init).joined(separator: ",") + "]"
            let rows = try Row.fetchCursor(stmt, arguments: [cid, list])
            while let row = try rows.next() {
                let o: Int64 = row[0]
                out[UInt32(truncatingIfNeeded: o)] = row[1]
            }
            return out
        }
    }

    /// The ordinal of a record id, or nil.
    public func ordinal(collection: String, id: String) throws(StorageError) -> UInt32? {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Int64.fetchOne(db, sql: "SELECT ordinal FROM records WHERE collection_id = ? AND doc_id = ?", arguments: [cid, id]).map { UInt32($0) }
        }
    }

    /// Records with ordinals in `range`, in ordinal order.
    public func forEachRecord(collection: String, ordinals range: Range<Int>, _ body: (Record) throws -> Void) throws(StorageError) {
        try read { db in
            let cid = try collectionID(db, collection)
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM records WHERE collection_id = ? AND ordinal >= ? AND ordinal < ? ORDER BY ordinal",
                                             arguments: [cid, range.lowerBound, range.upperBound])
            while let row = try cursor.next() { try body(Self.record(from: row)) }
        }
    }

    /// Deletes records by id in one transaction (their ordinals become tombstones every index
    /// honours); returns the ids that were not found.
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
                try Self.tombstone(db, collectionID: cid, ordinal: ordinal)
            }
            return missing
        }
    }

    /// Removes a record and remembers its ordinal as deleted.
    static func tombstone(_ db: Database, collectionID cid: Int64, ordinal: Int64) throws {
        try db.execute(sql: """
            UPDATE collections SET record_bytes = record_bytes - coalesce((SELECT length(CAST(doc_id AS BLOB)) + length(CAST(fields AS BLOB)) + length(CAST(metadata AS BLOB))
                FROM records WHERE collection_id = ?1 AND ordinal = ?2), 0) WHERE id = ?1
            """, arguments: [cid, ordinal])
        try db.execute(sql: "DELETE FROM records WHERE collection_id = ? AND ordinal = ?", arguments: [cid, ordinal])
        try db.execute(sql: "INSERT OR IGNORE INTO deleted (collection_id, ordinal) VALUES (?, ?)", arguments: [cid, ordinal])
    }
}

// MARK: - Vectors

extension QuarryDatabase {
    static func vectorsOwner(_ field: String) -> String { "vectors:\(field)" }
    /// The owner of a collection's id chunks (`IdChunk`).
    public static let idsOwner = "ids"

    /// The chunks holding a vector field's rows, by first ordinal (they never overlap).
    public func vectorChunks(collection: String, field: String) throws(StorageError) -> [SegmentEntry] {
        try segments(collection: collection, owner: Self.vectorsOwner(field)).sorted { ($0.firstOrdinal ?? 0) < ($1.firstOrdinal ?? 0) }
    }

    /// Every stored vector of a field as imported (ordinals ascending, deleted records left
    /// out), copied out of its chunks: for export and push, which need them all, not for search.
    public func vectors(collection: String, field: String) throws(StorageError) -> (ordinals: [UInt32], flat: [Float], dimension: Int) {
        let schema = try self.collection(named: collection)
        guard let vf = schema.vectorField(field) else {
            throw .invalidArgument("collection '\(collection)' has no vector field '\(field)'"
                + (Suggest.nearest(to: field, in: schema.vectorFields.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""))
        }
        let deleted = try deletedOrdinals(collection: collection)
        var ordinals: [UInt32] = []
        var flat: [Float] = []
        for e in try vectorChunks(collection: collection, field: field) {
            let file = try open(e, kind: VectorChunk.kind, version: VectorChunk.version, name: "the vectors of '\(field)' in '\(collection)'")
            let chunk: VectorChunk
            do { chunk = try VectorChunk(file: file) } catch { throw .segment(error) }
            for o in chunk.ordinals where !chunk.isMissing(o) && !deleted.contains(o) {
                ordinals.append(o)
                flat.append(contentsOf: chunk.original(o))
            }
        }
        return (ordinals, flat, vf.dimension)
    }

    /// One record's vector as imported, or nil when it has none.
    public func vector(collection: String, field: String, ordinal: UInt32) throws(StorageError) -> [Float]? {
        for e in try vectorChunks(collection: collection, field: field) {
            guard let first = e.firstOrdinal, let rows = e.rows, Int(ordinal) >= first, Int(ordinal) < first + rows else { continue }
            let file = try open(e, kind: VectorChunk.kind, version: VectorChunk.version, name: "the vectors of '\(field)' in '\(collection)'")
            let chunk: VectorChunk
            do { chunk = try VectorChunk(file: file) } catch { throw .segment(error) }
            return chunk.isMissing(ordinal) ? nil : chunk.original(ordinal)
        }
        return nil
    }

    /// Stores vectors for records by ordinal as one new chunk covering them all (rows between
    /// them that have no vector are marked missing). When they fit after the field's existing
    /// chunks the chunk is added; otherwise the field's vectors are rewritten as one chunk,
    /// keeping rows the new ones do not replace. Sets the field's schema.
    public func putVectors(collection: String, field: VectorFieldSchema, ordinals: [UInt32], flat: [Float]) throws(StorageError) {
        precondition(flat.count == ordinals.count * field.dimension)
        let d = field.dimension
        var rows: [UInt32: Int] = [:]
        for (i, o) in ordinals.enumerated() { rows[o] = i }
        let existing = try vectorChunks(collection: collection, field: field.name)
        let coveredUntil = existing.map { ($0.firstOrdinal ?? 0) + ($0.rows ?? 0) }.max() ?? 0
        let sameShape = (try self.collection(named: collection)).vectorField(field.name).map { $0.dimension == d && $0.metric == field.metric } ?? true
        let appendOnly = sameShape && (ordinals.min().map { Int($0) >= coveredUntil } ?? true)
        guard let last = ordinals.max() else { return }
        let first: UInt32 = appendOnly ? ordinals.min()! : 0
        var old: [VectorChunk] = []
        if !appendOnly && sameShape {
            for e in existing {
                let file = try open(e, kind: VectorChunk.kind, version: VectorChunk.version, name: "vectors of '\(field.name)'")
                do { old.append(try VectorChunk(file: file)) } catch { throw .segment(error) }
            }
        }
        let writer = VectorChunkWriter(writer: try segmentWriter(collection: collection, owner: Self.vectorsOwner(field.name), kind: VectorChunk.kind, version: VectorChunk.version),
                                       dimension: d, firstOrdinal: first, normalize: field.metric == .cosine)
        do {
            try flat.withUnsafeBufferPointer { p throws(SegmentError) in
                for o in first...last {
                    if let i = rows[o] {
                        try writer.append(p.baseAddress! + i * d)
                    } else if let c = old.first(where: { $0.ordinals.contains(o) }), !c.isMissing(o) {
                        try writer.append(c.original(o))
                    } else {
                        try writer.appendMissing()
                    }
                }
            }
        } catch {
            writer.abort()
            throw .segment(error)
        }
        let done: FinishedSegment
        do { done = try writer.finish() } catch { throw .segment(error) }
        var changes = SegmentChanges()
        if !appendOnly { changes.removeOwners.append(Self.vectorsOwner(field.name)) }
        let seq = appendOnly ? try nextSegmentSeq(collection: collection, owner: Self.vectorsOwner(field.name)) : 0
        changes.additions.append(.init(owner: Self.vectorsOwner(field.name), seq: seq, segment: done, kind: VectorChunk.kind,
                                       firstOrdinal: Int(first), rows: writer.count))
        try commit(collection: collection, changes) { db in
            let cid = try collectionID(db, collection)
            var schema = Self.schema(from: try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid])!)
            schema.vectorFields.removeAll { $0.name == field.name }
            schema.vectorFields.append(field)
            try Self.updateVectorFields(db, collectionID: cid, schema.vectorFields)
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

// MARK: - Indexes

extension QuarryDatabase {
    static func indexInfos(_ db: Database, _ cid: Int64) throws -> [IndexSnapshotInfo] {
        var infos = try Row.fetchAll(db, sql: """
            SELECT i.name, i.kind, i.field, i.params, i.state, i.built_at,
                   (SELECT coalesce(sum(bytes), 0) FROM segments s WHERE s.collection_id = i.collection_id AND s.owner = i.name) AS bytes
            FROM indexes i WHERE i.collection_id = ? ORDER BY i.name
            """, arguments: [cid]).map {
            IndexSnapshotInfo(name: $0["name"], kind: $0["kind"], field: $0["field"],
                              params: (try? JSONParser.parse($0["params"] as String)) ?? .object([]), bytes: $0["bytes"], builtAt: $0["built_at"],
                              state: (try? JSONParser.parse($0["state"] as String)) ?? .object([]))
        }
        // Snapshots of an older format, until the engine converts them.
        infos += try Row.fetchAll(db, sql: "SELECT name, kind, field, params, length(data) AS bytes, built_at FROM index_snapshots WHERE collection_id = ? ORDER BY name", arguments: [cid]).map {
            IndexSnapshotInfo(name: $0["name"], kind: $0["kind"], field: $0["field"],
                              params: (try? JSONParser.parse($0["params"] as String)) ?? .object([]), bytes: $0["bytes"], builtAt: $0["built_at"])
        }
        return infos
    }

    public func indexes(collection: String) throws(StorageError) -> [IndexSnapshotInfo] {
        try read { db in try Self.indexInfos(db, try collectionID(db, collection)) }
    }

    /// An index's catalog row and its segments, or nil when it was never built.
    public func index(collection: String, name: String) throws(StorageError) -> (info: IndexSnapshotInfo, segments: [SegmentEntry])? {
        try read { db in
            let cid = try collectionID(db, collection)
            guard let info = try Self.indexInfos(db, cid).first(where: { $0.name == name }),
                  try Row.fetchOne(db, sql: "SELECT 1 FROM indexes WHERE collection_id = ? AND name = ?", arguments: [cid, name]) != nil
            else { return nil }
            let segments = try Row.fetchAll(db, sql: "SELECT * FROM segments WHERE collection_id = ? AND owner = ? ORDER BY seq", arguments: [cid, name])
                .map(Self.entry(from:))
            return (info, segments)
        }
    }

    /// Stores an index: its catalog row (replacing the old one) and its segment changes, in one
    /// transaction with `body`.
    public func saveIndex(collection: String, name: String, kind: String, field: String, params: JSONValue, state: JSONValue = .object([]),
                          changes: SegmentChanges, _ body: (Database) throws -> Void = { _ in }) throws(StorageError) {
        try commit(collection: collection, changes) { db in
            let cid = try collectionID(db, collection)
            try Self.writeIndexRow(db, collectionID: cid, name: name, kind: kind, field: field, params: params, state: state)
            try body(db)
        }
    }

    static func writeIndexRow(_ db: Database, collectionID cid: Int64, name: String, kind: String, field: String,
                              params: JSONValue, state: JSONValue = .object([])) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO indexes (collection_id, name, kind, field, params, state) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [cid, name, kind, field, params.jsonText, state.jsonText])
        try db.execute(sql: "DELETE FROM index_snapshots WHERE collection_id = ? AND name = ?", arguments: [cid, name])
    }

    /// `saveIndex` for a caller already inside a write transaction (an import): publishes the
    /// segments into `published` and returns the file names of replaced ones, to delete after
    /// the commit.
    static func saveIndex(_ db: Database, collectionID cid: Int64, _ save: IndexSave, folder: String,
                          published: inout [String]) throws -> [String] {
        let removed = try apply(save.changes, db: db, collectionID: cid, folder: folder, published: &published)
        try writeIndexRow(db, collectionID: cid, name: save.name, kind: save.kind, field: save.field, params: save.params)
        return removed
    }

    /// (collection, index name) of every index still stored as a format-1 blob.
    public func legacySnapshotNames() throws(StorageError) -> [(String, String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT c.name, s.name FROM index_snapshots s JOIN collections c ON c.id = s.collection_id ORDER BY c.name, s.name")
                .map { ($0[0], $0[1]) }
        }
    }

    public func dropLegacySnapshot(collection: String, name: String) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "DELETE FROM index_snapshots WHERE collection_id = ? AND name = ?", arguments: [cid, name])
        }
    }

    /// An index snapshot of format 1 (one blob), as the engine converts it.
    public func legacySnapshot(collection: String, name: String) throws(StorageError) -> (info: IndexSnapshotInfo, data: [UInt8])? {
        try read { db in
            let cid = try collectionID(db, collection)
            guard let row = try Row.fetchOne(db, sql: "SELECT name, kind, field, params, data, length(data) AS bytes, built_at FROM index_snapshots WHERE collection_id = ? AND name = ?", arguments: [cid, name]) else { return nil }
            let info = IndexSnapshotInfo(name: row["name"], kind: row["kind"], field: row["field"],
                                         params: (try? JSONParser.parse(row["params"] as String)) ?? .object([]), bytes: row["bytes"], builtAt: row["built_at"])
            let data: Data = row["data"]
            return (info, [UInt8](data))
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
