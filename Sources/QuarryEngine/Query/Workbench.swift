import Foundation
import QuarryEmbed
import QuarryFilter
import QuarryLexical
import QuarryStorage
import QuarryVector

/// One open database with its settings: the object the REPL, the TUI and the commands share.
///
/// It owns the database handle and, later, the loaded indexes and the session's `SET` values,
/// so a statement typed in the REPL and the same statement run by `quarry query` behave alike.
public final class Workbench: @unchecked Sendable {
    /// The storage layer: the engine's own (front ends use the workbench's API).
    private(set) var database: QuarryDatabase

    /// What was opened of each collection: indexes (mapped segments), vectors, ids, rows.
    final class Cache {
        var lexical: [String: LexicalIndex] = [:]
        var ids: [String: RecordIDs] = [:]
        var schemas: [String: CollectionSchema] = [:]
        var rows: [String: RecordRows] = [:]
        var paths: [String: PathIndex] = [:]
        /// By "collection/field".
        var vectors: [String: FieldVectors] = [:]
        var deleted: [String: Bitmap] = [:]
        /// Exact answers (the oracle of recall@k), by collection, field, k, query and filter: they
        /// do not depend on search parameters, so a sweep computes each once.
        var exact: [ExactKey: VectorSearchResult] = [:]
        var embedder: Embedder?
        /// The tuned fusion of `FUSE auto` per collection (a nil value: none is stored).
        var tunedFusion: [String: CachedLookup<ResolvedFusion?>] = [:]

        func removeAll() {
            lexical.removeAll()
            ids.removeAll()
            schemas.removeAll()
            rows.removeAll()
            paths.removeAll()
            vectors.removeAll()
            deleted.removeAll()
            exact.removeAll()
            tunedFusion.removeAll()
        }
    }

    struct ExactKey: Hashable {
        var collection: String
        var field: String
        var k: Int
        var query: [UInt32]
        var filter: [UInt8]?
        var range: VectorRange? = nil
    }
    let cache = Cache()

    /// The session's `SET` values.
    public var settings = Settings()

    /// Where SEARCH statements run when not here: nil for the embedded engine.
    public var backend: (any SearchBackend)?

    /// - Parameter readOnly: searches, plans, records and evaluations only; anything that would
    ///   change the file fails with `StorageError.readOnly` (`quarry mcp` without `--allow-writes`).
    public init(path: String, mustExist: Bool = false, readOnly: Bool = false) throws(StorageError) {
        database = try QuarryDatabase(path: path, mustExist: mustExist, readOnly: readOnly)
        if !readOnly { try migrateLegacyIndexes() }
    }

    /// Opened read-only: nothing it does changes the database or its segment files.
    public var isReadOnly: Bool { database.isReadOnly }

    /// Switches to another database file.
    public func open(path: String) throws(StorageError) {
        database = try QuarryDatabase(path: path)
        cache.removeAll()
        try migrateLegacyIndexes()
    }

    /// The collection's schema, cached for the statements of this workbench.
    public func schema(_ collection: String) throws -> CollectionSchema {
        if let s = cache.schemas[collection] { return s }
        let s = try database.collection(named: collection)
        cache.schemas[collection] = s
        return s
    }

    /// Forgets what was loaded, after the database changed underneath (an import, a new index).
    public func invalidate() { cache.removeAll() }

    /// Every collection's sizes, with what each index keeps resident when searching.
    public func summaries() throws(StorageError) -> [CollectionSummary] {
        try database.collections().map { s throws(StorageError) in
            var summary = try database.summary(of: s.name)
            for i in summary.indexes.indices { summary.indexes[i].residentBytes = residentBytes(of: summary.indexes[i], collection: s.name) }
            return summary
        }
    }

    /// The bytes an index keeps hot (see `IndexSnapshotInfo.residentBytes`); nil when it does not open.
    func residentBytes(of info: IndexSnapshotInfo, collection: String) -> Int? {
        if info.name == Self.lexicalSnapshotName { return try? lexicalIndex(collection: collection).memoryBytes }
        if info.name == Self.pathSnapshotName { return info.bytes }
        if info.name.hasPrefix("vector:"), let v = try? fieldVectors(collection: collection, field: info.field) {
            return v.sealed.map { VectorSegments.residentBytes($0) }
        }
        return nil
    }
}
