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
    public func buildLexicalIndex(collection: String, fields: [String]? = nil, analyzer: String = "english") throws -> LexicalBuildReport {
        let started = Date()
        let schema = try database.collection(named: collection)
        let fields = fields ?? schema.textFields
        for f in fields where !schema.textFields.contains(f) {
            throw EngineError.badParameter("'\(f)' is not a text field of '\(collection)' (text fields: \(schema.textFields.joined(separator: ", ")))"
                + (Suggest.nearest(to: f, in: schema.textFields).map { "; did you mean '\($0)'?" } ?? ""))
        }
        var index = try LexicalIndex(fields: fields, analyzer: try AnalyzerConfig.named(analyzer))
        var batch: [(ordinal: UInt32, fields: [String?])] = []
        try database.forEachRecord(collection: collection) { r in
            batch.append((r.ordinal, fields.map { r.text($0) }))
        }
        try index.add(batch)
        let bytes = index.serialized()
        try database.saveIndex(collection: collection, name: Self.lexicalSnapshotName, kind: "bm25", field: fields.joined(separator: ","),
                               params: .object([JSONMember("analyzer", .string(analyzer)), JSONMember("fields", .array(fields.map { .string($0) }))]),
                               data: bytes)
        cache.lexical[collection] = index
        return LexicalBuildReport(documents: index.documentCount, terms: index.termCount, postings: index.postingCount, bytes: bytes.count,
                                  seconds: Date().timeIntervalSince(started), fields: fields, analyzer: analyzer)
    }

    /// The BM25 index of `collection`, loaded from its snapshot and brought up to date.
    public func lexicalIndex(collection: String) throws -> LexicalIndex {
        if let cached = cache.lexical[collection] { return cached }
        guard let (_, data) = try database.loadIndex(collection: collection, name: Self.lexicalSnapshotName) else {
            _ = try database.collection(named: collection)  // a missing collection says so first
            throw EngineError.noIndex(collection: collection, kind: "BM25", hint: "quarry index --collection \(collection) --text title,text")
        }
        var index = try LexicalIndex(serialized: data)
        if try refresh(&index, collection: collection) {
            try database.saveIndex(collection: collection, name: Self.lexicalSnapshotName, kind: "bm25", field: index.fields.joined(separator: ","),
                                   params: .object([JSONMember("analyzer", .string(index.analyzer.name)), JSONMember("fields", .array(index.fields.map { .string($0) }))]),
                                   data: index.serialized())
        }
        cache.lexical[collection] = index
        return index
    }

    /// Adds records the index has not seen as a new segment and tombstones deleted ones.
    /// Returns true when the index changed.
    func refresh(_ index: inout LexicalIndex, collection: String) throws -> Bool {
        let live = try liveOrdinals(collection: collection)
        let indexed = index.liveOrdinals
        let added = live.subtracting(indexed)
        let removed = indexed.subtracting(live)
        guard !added.isEmpty || !removed.isEmpty else { return false }
        removed.forEach { _ = index.delete($0); return true }
        if !added.isEmpty {
            var batch: [(ordinal: UInt32, fields: [String?])] = []
            let fields = index.fields
            try database.forEachRecord(collection: collection) { r in
                if added.contains(r.ordinal) { batch.append((r.ordinal, fields.map { r.text($0) })) }
            }
            try index.add(batch)
        }
        return true
    }
}
