import Foundation
import QuarryFilter
import QuarryEmbed
import QuarryLexical
import QuarryVector

/// One open database with its settings: the object the REPL, the TUI and the commands share.
///
/// It owns the database handle and, later, the loaded indexes and the session's `SET` values,
/// so a statement typed in the REPL and the same statement run by `quarry query` behave alike.
public final class Workbench: @unchecked Sendable {
    public private(set) var database: QuarryDatabase

    /// Indexes loaded from their snapshots, by collection.
    final class Cache {
        var lexical: [String: LexicalIndex] = [:]
        var ids: [String: [String?]] = [:]
        var schemas: [String: CollectionSchema] = [:]
        var rows: [String: [JSONValue]] = [:]
        var paths: [String: PathIndex] = [:]
        var vectors: [String: any VectorIndex] = [:]
        var flats: [String: any VectorIndex] = [:]
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
            flats.removeAll()
            tunedFusion.removeAll()
        }
    }
    let cache = Cache()

    /// The session's `SET` values.
    public var settings = Settings()

    /// Where SEARCH statements run when not here: nil for the embedded engine.
    public var backend: (any SearchBackend)?

    public init(path: String, mustExist: Bool = false) throws(StorageError) {
        database = try QuarryDatabase(path: path, mustExist: mustExist)
    }

    /// Switches to another database file.
    public func open(path: String) throws(StorageError) {
        database = try QuarryDatabase(path: path)
        cache.removeAll()
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

    public func summaries() throws(StorageError) -> [CollectionSummary] {
        try database.collections().map { s throws(StorageError) in try database.summary(of: s.name) }
    }
}
