import Foundation
import QuarryStorage
import Testing
@testable import QuarryEngine

/// Hits are named from the id chunks an import writes beside its records: every ordinal's id
/// is what the records say (SQLite, the oracle), deleted and replaced records answer nil, a
/// database imported before id chunks gets one once (not when opened read-only), and
/// `quarry check` compares each chunk with the records.
@Suite(.serialized) struct RecordIDsTests {
    /// Every ordinal's id from `ids`, against the records'.
    static func expectAgree(_ wb: Workbench, _ ids: RecordIDs) throws {
        let oracle = try wb.database.idMap(collection: "c").ids
        #expect(ids.count == oracle.count)
        #expect((0..<oracle.count).map { ids[$0] } == oracle)
        let some: [UInt32] = [3, 299, 300, 301, UInt32(oracle.count - 1)]
        ids.resolve(some)
        #expect(some.map { ids[Int($0)] } == some.map { oracle[Int($0)] })
    }

    static func idChunks(_ wb: Workbench) throws -> [SegmentEntry] {
        try wb.database.segments(collection: "c", owner: QuarryDatabase.idsOwner)
    }

    @Test func everyImportWritesTheIdsOfItsRecords() throws {
        let dir = try SegmentTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try SegmentTests.importBatch(wb, try SegmentTests.batch(dir, name: "a", first: 0, count: 300, seed: 1))
        // Ten of the first batch replaced (new ordinals, the old ones tombstoned), two deleted.
        let b = try SegmentTests.batch(dir, name: "b", first: 290, count: 40, seed: 2)
        var o = ImportOptions(path: b.corpus, collection: "c")
        o.vectors = b.fbin
        o.upsert = true
        _ = try Importer(database: wb.database, options: o).run()
        wb.invalidate()
        #expect(try wb.delete(collection: "c", ids: ["d7", "d300"]).isEmpty)
        #expect(try Self.idChunks(wb).map(\.rows) == [300, 40])
        let ids = try wb.idMap(collection: "c")
        try Self.expectAgree(wb, ids)
        #expect(ids[7] == nil && ids[290] == nil && ids[300] == "d290" && ids[310] == nil)
        // Hits are named by them.
        try wb.buildLexicalIndex(collection: "c")
        guard case let .search(r) = try wb.execute("SEARCH c MATCH 'vitamin bone' LIMIT 50") else { Issue.record("no result"); return }
        let oracle = try wb.database.idMap(collection: "c").ids
        #expect(!r.hits.isEmpty && r.hits.allSatisfy { $0.id == oracle[Int($0.ordinal)] })
        let report = try wb.check(collection: "c")
        #expect(report.ok)
        #expect(report.findings.filter { $0.detail.contains("as the records say") }.count == 2)
        // A damaged chunk is left out (the records answer) and named by check.
        let first = try Self.idChunks(wb)[0]
        let path = wb.database.paths(of: first)[0]
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: 100)
        try handle.close()
        wb.invalidate()
        try Self.expectAgree(wb, try wb.idMap(collection: "c"))
        let damaged = try wb.check(collection: "c")
        #expect(!damaged.ok && damaged.findings.contains { !$0.ok && $0.what.contains(first.files[0]) })
    }

    @Test func aDatabaseWithoutIdChunksGetsOneOnce() throws {
        let dir = try SegmentTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/q.db"
        let wb = try Workbench(path: path)
        try SegmentTests.importBatch(wb, try SegmentTests.batch(dir, name: "a", first: 0, count: RecordIDs.chunkFrom + 100, seed: 1))
        _ = try wb.delete(collection: "c", ids: ["d5"])
        // As a database imported before id chunks: none.
        var drop = SegmentChanges()
        drop.removeOwners = [QuarryDatabase.idsOwner]
        try wb.database.commit(collection: "c", drop) { _ in }
        wb.invalidate()
        #expect(try Self.idChunks(wb).isEmpty)
        // Read-only: answered from SQLite, nothing written.
        let reader = try Workbench(path: path, readOnly: true)
        try Self.expectAgree(wb, try reader.idMap(collection: "c"))
        #expect(try Self.idChunks(wb).isEmpty)
        // Writable: one chunk of the whole range (the deleted record's id left empty), once.
        try Self.expectAgree(wb, try wb.idMap(collection: "c"))
        #expect(try Self.idChunks(wb).map(\.rows) == [RecordIDs.chunkFrom + 100])
        wb.invalidate()
        try Self.expectAgree(wb, try wb.idMap(collection: "c"))
        #expect(try Self.idChunks(wb).count == 1)
        #expect(try wb.check(collection: "c").ok)
    }
}
