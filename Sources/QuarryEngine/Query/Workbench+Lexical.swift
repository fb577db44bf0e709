import Foundation
import QuarryLexical
import QuarryStorage
import QuarryText

/// BM25 indexes: built from the stored records, persisted as the snapshot `bm25`, loaded
/// once per workbench, and brought up to date with records added or deleted since (new
/// segment, tombstones) without a rebuild.
extension Workbench {
    public static let lexicalSnapshotName = "bm25"

    public struct LexicalBuildReport: Sendable {
        public var documents: Int
        public var terms: Int
        public var postings: Int
        public var bytes: Int
        public var seconds: Double
        public var fields: [String]
        public var analyzer: String
    }

    /// Builds the BM25 index of `collection` over `fields` (default: the schema's text fields).
    @discardableResult
    public func buildLexicalIndex(collection: String, fields: [String]? = nil, analyzer: String = "english",
                                  progress: ((Int, Int) -> Void)? = nil) throws -> LexicalBuildReport {
        let started = Date()
        let schema = try database.collection(named: collection)
        let fields = fields ?? schema.textFields
        for f in fields where !schema.textFields.contains(f) {
            throw EngineError.badParameter("'\(f)' is not a text field of '\(collection)' (text fields: \(schema.textFields.joined(separator: ", ")))"
                + (Suggest.nearest(to: f, in: schema.textFields).map { "; did you mean '\($0)'?" } ?? ""))
        }
        var index = try LexicalIndex(fields: fields, analyzer: try AnalyzerConfig.named(analyzer))
        let total = try ordinalCount(collection: collection)
        var batch: [(ordinal: UInt32, fields: [String?])] = []
        try database.forEachRecord(collection: collection) { r in
            batch.append((r.ordinal, fields.map { r.text($0) }))
            if batch.count % 20_000 == 0 { progress?(batch.count, total) }
        }
        try index.add(batch)
        batch = []
        progress?(total, total)
        var changes = SegmentChanges()
        changes.removeOwners = [Self.lexicalSnapshotName]
        var bytes = 0
        if index.segmentCount > 0 {
            let done = try writeLexicalSegment(index, index.lastSegment, collection: collection)
            bytes = done.totalBytes
            changes.additions = [.init(owner: Self.lexicalSnapshotName, seq: 0, segment: done, kind: LexicalIndex.segmentKind,
                                       firstOrdinal: 0, rows: index.documentCount)]
        }
        try database.saveIndex(collection: collection, name: Self.lexicalSnapshotName, kind: "bm25", field: fields.joined(separator: ","),
                               params: lexicalParams(index), state: lexicalState(coveredUntil: total), changes: changes)
        cache.lexical[collection] = nil
        return LexicalBuildReport(documents: index.documentCount, terms: index.termCount, postings: index.postingCount, bytes: bytes,
                                  seconds: Date().timeIntervalSince(started), fields: fields, analyzer: analyzer)
    }

    func lexicalParams(_ index: LexicalIndex) -> JSONValue {
        .object([JSONMember("analyzer", .string(index.analyzer.name)), JSONMember("fields", .array(index.fields.map { .string($0) }))])
    }

    /// The records the index has seen: ordinals below this are in its segments (or deleted).
    func lexicalState(coveredUntil: Int) -> JSONValue { .object([JSONMember("covered_until", .int(Int64(coveredUntil)))]) }

    func writeLexicalSegment(_ index: LexicalIndex, _ i: Int, collection: String) throws -> FinishedSegment {
        let writer = try database.segmentWriter(collection: collection, owner: Self.lexicalSnapshotName, kind: LexicalIndex.segmentKind,
                                                version: index.segmentVersion(ofSegment: i))
        do {
            try index.writeSegment(i, to: writer)
            return try writer.finish()
        } catch {
            writer.abort()
            throw StorageError.segment(error)
        }
    }

    /// The BM25 index of `collection`: its segment files mapped and read in place, plus a
    /// growing segment for records imported since it was built (written as a segment file of
    /// its own when the database is writable, so the next process opens it as it is).
    public func lexicalIndex(collection: String) throws -> LexicalIndex {
        if let cached = cache.lexical[collection] { return cached }
        guard let (info, segments) = try database.index(collection: collection, name: Self.lexicalSnapshotName) else {
            _ = try database.collection(named: collection)  // a missing collection says so first
            throw EngineError.noIndex(collection: collection, kind: "BM25", hint: "quarry index --collection \(collection) --text title,text")
        }
        let rebuild = "quarry index --collection \(collection) --text \(info.field)"
        var index: LexicalIndex
        do {
            let files = try segments.map { e in try database.open(e, kind: LexicalIndex.segmentKind, version: LexicalIndex.segmentVersion,
                                                                   name: "the BM25 index of '\(collection)'") }
            index = try LexicalIndex(segmentFiles: files, deleted: try deletedOrdinals(collection: collection))
            for file in files { file.preload() }
        } catch let e as StorageError {
            throw EngineError.damaged(what: "the BM25 index of '\(collection)'", reason: e.description, rebuild: rebuild)
        } catch let e as LexicalError {
            throw EngineError.damaged(what: "the BM25 index of '\(collection)'", reason: e.description, rebuild: rebuild)
        }
        let covered = Int(info.state["covered_until"]?.doubleValue ?? 0)
        let total = try ordinalCount(collection: collection)
        if total > covered {
            // The growing segment: records imported since the last segment was written.
            var batch: [(ordinal: UInt32, fields: [String?])] = []
            let fields = index.fields
            try database.forEachRecord(collection: collection, ordinals: covered..<total) { r in
                if !index.contains(r.ordinal) { batch.append((r.ordinal, fields.map { r.text($0) })) }
            }
            if !batch.isEmpty {
                try index.add(batch)
                // A read-only workbench searches the growing segment in memory and writes nothing.
                if !database.isReadOnly, let done = try? writeLexicalSegment(index, index.lastSegment, collection: collection) {
                    var changes = SegmentChanges()
                    changes.additions = [.init(owner: Self.lexicalSnapshotName, seq: (segments.map(\.seq).max() ?? -1) + 1, segment: done,
                                               kind: LexicalIndex.segmentKind, firstOrdinal: covered, rows: batch.count)]
                    try? database.saveIndex(collection: collection, name: Self.lexicalSnapshotName, kind: "bm25", field: info.field,
                                            params: lexicalParams(index), state: lexicalState(coveredUntil: total), changes: changes)
                }
            } else if !database.isReadOnly {
                try? database.saveIndex(collection: collection, name: Self.lexicalSnapshotName, kind: "bm25", field: info.field,
                                        params: lexicalParams(index), state: lexicalState(coveredUntil: total), changes: SegmentChanges())
            }
        }
        cache.lexical[collection] = index
        return index
    }
}
