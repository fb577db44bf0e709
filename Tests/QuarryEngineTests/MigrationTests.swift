import Foundation
import GRDB
import Testing
@testable import QuarryEngine
@testable import QuarryStorage
import QuarryFilter
import QuarryLexical
import QuarryVector

/// A database of format 1 (vectors and indexes as SQLite blobs, written here as Quarry wrote
/// them) is migrated on first open: same answers, bulk data in segment files, nothing left in
/// the old tables.
@Suite struct MigrationTests {
    @Test func formatOneIsMigratedOnFirstOpen() throws {
        let dir = try SegmentTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The same records imported by this Quarry, for the answers to compare with.
        let files = try SegmentTests.batch(dir, name: "a", first: 0, count: 300, seed: 11)
        let fresh = try Workbench(path: dir + "/fresh.db")
        try SegmentTests.importBatch(fresh, files)
        _ = try fresh.database.delete(collection: "c", ids: ["d7"])
        fresh.invalidate()
        try fresh.buildLexicalIndex(collection: "c")
        try fresh.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: ["M": "8"], threads: 1)

        // Format 1: schema v1 + v2, rows and blobs as Quarry 0.1 wrote them.
        let path = dir + "/old.db"
        let queue = try DatabaseQueue(path: path)
        try QuarryDatabase.migrator(segmentFolder: path + ".segments").migrate(queue, upTo: "v2")
        let records = try fresh.database.records(collection: "c")
        let vectors = try fresh.database.vectors(collection: "c", field: "embedding")
        let lexical = try fresh.lexicalIndex(collection: "c")
        // Format 1's vector index blob is not read: the migration rebuilds the index from its
        // parameters over the moved vectors. Its first bytes are format 1's HNSW header.
        let hnswBlob = Data("QVHN".utf8) + Data([1, 0, 0, 0])
        try queue.write { db in
            try db.execute(sql: "INSERT INTO collections (id, name, id_field, text_fields, vector_fields) VALUES (1, 'c', '_id', '[\"title\",\"text\"]', '[{\"name\":\"embedding\",\"dim\":8,\"metric\":\"cosine\",\"model\":\"external\"}]')")
            for r in records {
                try db.execute(sql: "INSERT INTO records (collection_id, ordinal, doc_id, fields, metadata) VALUES (1, ?, ?, ?, ?)",
                               arguments: [Int64(r.ordinal), r.id, JSONValue.object(r.fields).jsonText, r.metadata.jsonText])
            }
            for (i, o) in vectors.ordinals.enumerated() {
                try db.execute(sql: "INSERT INTO vectors (collection_id, field, ordinal, vector) VALUES (1, 'embedding', ?, ?)",
                               arguments: [Int64(o), vectors.flat[(i * 8)..<((i + 1) * 8)].withUnsafeBytes { Data($0) }])
            }
            try db.execute(sql: "INSERT INTO index_snapshots (collection_id, name, kind, field, params, data) VALUES (1, 'bm25', 'bm25', 'title,text', ?, ?)",
                           arguments: ["{\"analyzer\":\"english\",\"fields\":[\"title\",\"text\"]}", Data(lexical.serialized())])
            try db.execute(sql: "INSERT INTO index_snapshots (collection_id, name, kind, field, params, data) VALUES (1, 'vector:embedding', 'hnsw', 'embedding', ?, ?)",
                           arguments: ["{\"metric\":\"cosine\",\"M\":\"8\",\"ef_construction\":\"200\"}", hnswBlob])
        }
        try queue.close()

        let migrated = try Workbench(path: path)
        #expect(try migrated.database.legacySnapshotNames().isEmpty)
        #expect(try migrated.database.ordinalCount(collection: "c") == 300)
        #expect(try migrated.database.deletedOrdinals(collection: "c") == Bitmap([7]))
        #expect(Set(try migrated.database.segments(collection: "c").map(\.owner)) == ["bm25", "vector:embedding", "vectors:embedding"])
        for q in SegmentTests.queries {
            #expect(try SegmentTests.hits(migrated, "SEARCH c MATCH '\(q)' LIMIT 10") == SegmentTests.hits(fresh, "SEARCH c MATCH '\(q)' LIMIT 10"))
            #expect(try SegmentTests.hits(migrated, "SEARCH c NEAR DOC 'd\(q.count)' WITH (ef = 300) LIMIT 10")
                == SegmentTests.hits(fresh, "SEARCH c NEAR DOC 'd\(q.count)' USING flat LIMIT 10"))
        }
        #expect(try migrated.check().ok)
        // The migrated file is format 2.
        let format = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'format_version'") }
        #expect(format == "2")
    }
}
