import Foundation
import QuarryEval
import QuarryFilter
import QuarryStorage

/// Metadata filters: the collection's path index (snapshot `paths`, built automatically the
/// first time a filter needs it: every path under `metadata` whose type is stable), the rows
/// the residual scan reads, and the executors.
extension Workbench {
    public static let pathSnapshotName = "paths"

    public struct FilterResponse: Sendable {
        public var matches: Bitmap
        public var count: Int
        public var planText: String
        public var planJSON: JSONValue
        public var nanoseconds: UInt64
    }

    /// Every record as the filter sees it (`{"id", text fields…, "metadata"}`), by ordinal;
    /// deleted ordinals are `null`. Read only when a filter needs a residual scan or a path
    /// index is built.
    func rows(collection: String) throws -> RecordRows {
        if let r = cache.rows[collection] { return r }
        let rows = RecordRows(database: database, collection: collection, count: try ordinalCount(collection: collection))
        cache.rows[collection] = rows
        return rows
    }

    /// The ordinals of live records: every ordinal given out, minus the deleted ones.
    func liveOrdinals(collection: String) throws -> Bitmap {
        var live = Bitmap(range: 0..<UInt32(try ordinalCount(collection: collection)))
        live.subtract(try deletedOrdinals(collection: collection))
        return live
    }


    /// The path index, loaded or built (and saved) on first use; rebuilt when records changed.
    public func pathIndex(collection: String) throws -> PathIndex {
        if let p = cache.paths[collection] { return p }
        let n = try ordinalCount(collection: collection)
        if let (_, segments) = try database.index(collection: collection, name: Self.pathSnapshotName), let entry = segments.first {
            // The catalog now; each column is decoded when a filter first needs it.
            let index: PathIndex? = try? {
                let file = try database.open(entry, kind: PathIndex.segmentKind, version: PathIndex.segmentVersion,
                                             name: "the JSON path index of '\(collection)'")
                return try PathIndex(segment: file)
            }()
            if let index, index.count == n {
                cache.paths[collection] = index
                return index
            }
        }
        return try buildPathIndex(collection: collection, extraPaths: [])
    }

    /// Builds the path index: stable-typed paths under `metadata`, plus `extraPaths`.
    @discardableResult
    public func buildPathIndex(collection: String, extraPaths: [String]) throws -> PathIndex {
        let rows = try rows(collection: collection)
        let paths = try pathIndexPaths(collection: collection, extraPaths: extraPaths)
        let (index, save) = try Self.pathIndex(collection: collection, paths: paths, count: rows.count, database: database) { rows[Int($0)] }
        // A read-only database keeps the index in memory only.
        do {
            try database.saveIndex(collection: collection, name: save.name, kind: save.kind, field: save.field, params: save.params, changes: save.changes)
        } catch {
            for a in save.changes.additions { a.segment.discard() }
        }
        cache.paths[collection] = index
        return index
    }

    /// The paths indexed on request: `extraPaths`, and those requested earlier.
    func pathIndexPaths(collection: String, extraPaths: [String]) throws -> [FilterPath] {
        var paths: [FilterPath] = []
        for p in extraPaths {
            guard let path = FilterPath(dotted: p) else { throw EngineError.badParameter("'\(p)' is not a JSON path (write it as metadata.a.b)") }
            paths.append(path)
        }
        if (try? database.collection(named: collection)) != nil,
           let (info, _) = try database.index(collection: collection, name: Self.pathSnapshotName), case let .array(old)? = info.params["requested"] {
            for case let .string(s) in old { if let p = FilterPath(dotted: s), !paths.contains(p) { paths.append(p) } }
        }
        return paths
    }

    /// The path index of `count` records (`row(ordinal)`), written as a segment, and what saves it.
    static func pathIndex(collection: String, paths: [FilterPath], count: Int, database: QuarryDatabase,
                          row: (UInt32) -> JSONValue) throws -> (PathIndex, IndexSave) {
        var options = PathIndexOptions()
        options.paths = paths
        let index = PathIndex.build(count: count, options: options, record: row)
        let writer = try database.segmentWriter(collection: collection, owner: pathSnapshotName, kind: PathIndex.segmentKind,
                                                version: PathIndex.segmentVersion)
        let done: FinishedSegment
        do {
            try index.writeSegment(to: writer)
            done = try writer.finish()
        } catch {
            writer.abort()
            throw StorageError.segment(error)
        }
        var changes = SegmentChanges()
        changes.removeOwners = [pathSnapshotName]
        changes.additions = [.init(owner: pathSnapshotName, seq: 0, segment: done, kind: PathIndex.segmentKind, firstOrdinal: 0, rows: count)]
        let params = JSONValue.object([JSONMember("paths", .array(index.indexedPaths.map { .string($0.description) })),
                                       JSONMember("requested", .array(paths.map { .string($0.description) }))])
        return (index, IndexSave(name: pathSnapshotName, kind: "json_path", field: "metadata", params: params, changes: changes))
    }

    /// Parses a filter against the collection's paths (unknown paths get "did you mean"). Its
    /// TEXT_MATCH and PHRASE_MATCH conditions are not yet bound to postings: `executableFilter`
    /// binds them, for a filter about to run here (a filter sent to Milvus never is).
    public func parseFilter(_ text: String, collection: String) throws -> FilterQuery {
        let index = try pathIndex(collection: collection)
        do { return try FilterQuery.parse(text, catalog: index.catalog) } catch {
            throw FilterSyntaxError(message: error.message, line: error.location.line, column: error.location.column, rendered: error.rendered(source: text))
        }
    }

    /// A filter parsed and ready to run: its text matches read from the BM25 postings.
    func executableFilter(_ text: String, collection: String) throws -> FilterQuery {
        let parsed = try parseFilter(text, collection: collection)
        return FilterQuery(source: parsed.source, expr: try bindTextMatches(parsed.expr, collection: collection))
    }

    /// Runs a filter with the path index; deleted records never match.
    public func filter(_ text: String, collection: String) throws -> FilterResponse {
        let query = try executableFilter(text, collection: collection)
        return try filter(query, collection: collection)
    }

    func filter(_ query: FilterQuery, collection: String) throws -> FilterResponse {
        let rows = try rows(collection: collection)
        let live = try liveOrdinals(collection: collection)
        let executor = try filterExecutor(collection: collection)
        let (result, ns) = measure { executor.execute(query, within: live.count == rows.count ? nil : live) }
        let matches = result.matches.intersection(live)
        return FilterResponse(matches: matches, count: matches.count, planText: result.plan.renderText(), planJSON: result.plan.jsonValue, nanoseconds: ns)
    }
}

/// A filter that does not parse, already rendered with line, column and caret.
public struct FilterSyntaxError: Error, CustomStringConvertible {
    public var message: String
    /// Where in the filter text (1-based).
    public var line: Int
    public var column: Int
    /// The message with the filter's line and a caret.
    public var rendered: String
    public var description: String { rendered }
}

/// `quarry bench filter`: indexed executor against the scan at several selectivities.
public enum FilterBench {
    public static func run(records: Int, repeats: Int) -> JSONValue {
        FilterBenchmark.run(count: records, repeats: repeats).jsonValue
    }

    /// The same, with the geometry section (`"geo"`) on the places sample at `places`.
    public static func run(records: Int, repeats: Int, places: String?) throws -> JSONValue {
        guard case var .object(members) = run(records: records, repeats: repeats) else { return .null }
        if let places { members.append(JSONMember("geo", try GeoFilterBench.run(places: places, repeats: repeats))) }
        return .object(members)
    }
}

/// Records as the filter sees them, by ordinal (`null` for deleted ones): read whole on first
/// use for a collection of up to `RecordIDs.wholeLimit` records, fetched one at a time (and
/// kept, up to a bound) for a larger one, whose filters the path index mostly answers.
public final class RecordRows: @unchecked Sendable {
    let database: QuarryDatabase
    let collection: String
    public let count: Int
    private let lock = NSLock()
    private var all: [JSONValue]?
    private var some: [UInt32: JSONValue] = [:]

    init(database: QuarryDatabase, collection: String, count: Int) {
        self.database = database
        self.collection = collection
        self.count = count
    }

    public subscript(ordinal: Int) -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        if all == nil, ordinal >= 0, let known = some[UInt32(ordinal)] { return known }
        if all == nil && count <= RecordIDs.wholeLimit {
            // A residual scan reads most rows: read them all at once.
            var rows = [JSONValue](repeating: .null, count: count)
            try? database.forEachRecord(collection: collection) { if Int($0.ordinal) < rows.count { rows[Int($0.ordinal)] = $0.row } }
            all = rows
        }
        return one(ordinal)
    }

    /// One record, read alone unless every row is already held (what rankers and GROUP BY
    /// read: a window of candidates, not the collection).
    public func fetch(_ ordinal: Int) -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        return one(ordinal)
    }

    private func one(_ ordinal: Int) -> JSONValue {
        if let all { return ordinal < all.count ? all[ordinal] : .null }
        if let known = some[UInt32(ordinal)] { return known }
        let row = (try? database.record(collection: collection, ordinal: UInt32(ordinal)))??.row ?? .null
        if some.count > 100_000 { some.removeAll() }
        some[UInt32(ordinal)] = row
        return row
    }

    /// Reads the rows of a few `ordinals` one by one (an index's candidates, such as an R-Tree's),
    /// so that checking them does not read the whole collection first; more than 2 % of the
    /// collection is left to the whole read.
    public func prefetch(_ ordinals: [UInt32]) {
        lock.lock()
        defer { lock.unlock() }
        guard all == nil, ordinals.count <= max(64, count / 50) else { return }
        if some.count + ordinals.count > 100_000 { some.removeAll() }
        for o in ordinals where some[o] == nil {
            some[o] = (try? database.record(collection: collection, ordinal: o))??.row ?? .null
        }
    }
}
