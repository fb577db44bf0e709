import GRDB
import QuarryBase

/// Geometry fields and their R-Trees.
///
/// A geometry field (`quarry import --geometry NAME`) is a top-level field of each record (kept
/// in the record's `fields` object, after the text fields) holding WKT. Its bounding boxes live
/// in one SQLite R*Tree virtual table per field (Guttman, "R-trees: a dynamic index structure
/// for spatial searching", SIGMOD 1984; Beckmann et al., "The R*-tree", SIGMOD 1990), written by
/// the import inside its transaction, so records and boxes commit together, and read in place:
/// opening a database of a million places costs nothing. SQLite stores the boxes as 32-bit
/// floats rounded outwards, so a box query returns a superset of the exact answer; the filter
/// checks each candidate exactly.
extension QuarryDatabase {
    /// Adds `collections.geometry_fields` (a JSON array of names). An older Quarry ignores the
    /// column and the R*Tree tables.
    static func registerGeometryMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5-geometry") { db in
            try db.execute(sql: "ALTER TABLE collections ADD COLUMN geometry_fields TEXT NOT NULL DEFAULT '[]'")
        }
    }

    static func geometryFields(from row: Row) -> [String] {
        guard let text = row["geometry_fields"] as String?, case let .array(items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap(\.stringValue)
    }

    /// The R*Tree table of a collection's geometry field.
    static func rtreeTable(collectionID: Int64, field: String) -> String { "rtree_\(collectionID)_\(field)" }

    /// A geometry field's name must be a plain identifier: it names a table and a filter path.
    static func isGeometryFieldName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            && !["id", "metadata"].contains(s)
    }

    /// Declares `requested` geometry fields on a collection (creating their R*Trees) and returns
    /// the schema's full list. A new field is refused on a collection that already has records
    /// (their values were imported as metadata, with no boxes).
    static func declareGeometry(_ db: Database, collectionID cid: Int64, schema: inout CollectionSchema,
                                requested: [String], hasRecords: Bool) throws {
        let new = requested.filter { !schema.geometryFields.contains($0) }
        guard !new.isEmpty else { return }
        for f in new {
            guard isGeometryFieldName(f) else {
                throw StorageError.invalidArgument("--geometry '\(f)': a geometry field's name is letters, digits and '_' (not id or metadata)")
            }
            guard !schema.textFields.contains(f) else {
                throw StorageError.invalidArgument("--geometry '\(f)': '\(f)' is a text field of '\(schema.name)'")
            }
        }
        guard !hasRecords else {
            throw StorageError.invalidArgument("--geometry \(new.joined(separator: ",")): collection '\(schema.name)' already has records; declare geometry fields when it is created (or import into a new collection)")
        }
        for f in new {
            try db.execute(sql: "CREATE VIRTUAL TABLE \"\(rtreeTable(collectionID: cid, field: f))\" USING rtree(ordinal, min_x, max_x, min_y, max_y)")
        }
        schema.geometryFields += new
        try db.execute(sql: "UPDATE collections SET geometry_fields = ? WHERE id = ?",
                       arguments: [JSONValue.array(schema.geometryFields.map { .string($0) }).jsonText, cid])
    }

    static func dropGeometryTables(_ db: Database, collectionID cid: Int64) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE id = ?", arguments: [cid]) else { return }
        for f in geometryFields(from: row) {
            try db.execute(sql: "DROP TABLE IF EXISTS \"\(rtreeTable(collectionID: cid, field: f))\"")
        }
    }

    /// Ordinals whose box in `field`'s R-Tree intersects one of `boxes` (a superset of the exact
    /// answer); nil when the collection has no such geometry field.
    public func geometryCandidates(collection: String, field: String, boxes: [BoundingBox]) throws(StorageError) -> [UInt32]? {
        try read { db -> [UInt32]? in
            guard let table = try Self.rtree(db, collection: collection, field: field) else { return nil }
            var out: [UInt32] = []
            for b in boxes {
                let rows = try Int64.fetchAll(db, sql: "SELECT ordinal FROM \"\(table)\" WHERE max_x >= ? AND min_x <= ? AND max_y >= ? AND min_y <= ?",
                                              arguments: [b.minX, b.maxX, b.minY, b.maxY])
                out.append(contentsOf: rows.map { UInt32(truncatingIfNeeded: $0) })
            }
            return out
        }
    }

    /// How many boxes `geometryCandidates` would return (counted by SQLite; boxes that two search
    /// boxes share are counted twice).
    public func geometryCandidateCount(collection: String, field: String, boxes: [BoundingBox]) throws(StorageError) -> Int? {
        try read { db -> Int? in
            guard let table = try Self.rtree(db, collection: collection, field: field) else { return nil }
            var n = 0
            for b in boxes {
                n += try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\" WHERE max_x >= ? AND min_x <= ? AND max_y >= ? AND min_y <= ?",
                                      arguments: [b.minX, b.maxX, b.minY, b.maxY]) ?? 0
            }
            return n
        }
    }

    private static func rtree(_ db: Database, collection: String, field: String) throws -> String? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE name = ?", arguments: [collection]),
              geometryFields(from: row).contains(field) else { return nil }
        return rtreeTable(collectionID: row["id"], field: field)
    }
}

// MARK: - Import

/// A record's geometry values, checked, and the statement that writes their boxes.
struct GeometryWriter {
    let inserts: [String: Statement]

    init(_ db: Database, collectionID cid: Int64, fields: [String]) throws {
        var s: [String: Statement] = [:]
        for f in fields {
            s[f] = try db.makeStatement(sql: "INSERT INTO \"\(QuarryDatabase.rtreeTable(collectionID: cid, field: f))\" (ordinal, min_x, max_x, min_y, max_y) VALUES (?, ?, ?, ?, ?)")
        }
        inserts = s
    }

    /// The WKT to store for a geometry field's JSON value, and its box; the error names file and line.
    static func check(_ value: JSONValue, field: String, file: String, line: Int) throws -> (String, BoundingBox) {
        do {
            let (g, wkt) = try Geometry.from(json: value)
            return (wkt, g.envelope)
        } catch {
            throw StorageError.badGeometry(file: file, line: line, field: field, message: error.message)
        }
    }

    func insert(ordinal: Int64, field: String, box: BoundingBox) throws {
        try inserts[field]?.execute(arguments: [ordinal, box.minX, box.maxX, box.minY, box.maxY])
    }
}
