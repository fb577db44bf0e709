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
    /// deleted ordinals are `null`.
    func rows(collection: String) throws -> [JSONValue] {
        if let r = cache.rows[collection] { return r }
        let ids = try idMap(collection: collection)
        var rows = [JSONValue](repeating: .null, count: ids.count)
        try database.forEachRecord(collection: collection) { rows[Int($0.ordinal)] = $0.row }
        cache.rows[collection] = rows
        return rows
    }

    func liveOrdinals(collection: String) throws -> Bitmap {
        let ids = try idMap(collection: collection)
        var live = Bitmap()
        for (o, id) in ids.enumerated() where id != nil { live.insert(UInt32(o)) }
        return live
    }

    /// The path index, loaded or built (and saved) on first use; rebuilt when records changed.
    public func pathIndex(collection: String) throws -> PathIndex {
        if let p = cache.paths[collection] { return p }
        let rows = try rows(collection: collection)
        if let (_, data) = try database.loadIndex(collection: collection, name: Self.pathSnapshotName),
           let index = try? PathIndex(serialized: data), index.count == rows.count {
            cache.paths[collection] = index
            return index
        }
        return try buildPathIndex(collection: collection, extraPaths: [])
    }

    /// Builds the path index: stable-typed paths under `metadata`, plus `extraPaths`.
    @discardableResult
    public func buildPathIndex(collection: String, extraPaths: [String]) throws -> PathIndex {
        let rows = try rows(collection: collection)
        var paths: [FilterPath] = []
        for p in extraPaths {
            guard let path = FilterPath(dotted: p) else { throw EngineError.badParameter("'\(p)' is not a JSON path (write it as metadata.a.b)") }
            paths.append(path)
        }
        // Keep paths indexed on request earlier.
        if let (info, _) = try database.loadIndex(collection: collection, name: Self.pathSnapshotName), case let .array(old)? = info.params["requested"] {
            for case let .string(s) in old { if let p = FilterPath(dotted: s), !paths.contains(p) { paths.append(p) } }
        }
        var options = PathIndexOptions()
        options.paths = paths
        let index = PathIndex.build(count: rows.count, options: options) { rows[Int($0)] }
        try database.saveIndex(collection: collection, name: Self.pathSnapshotName, kind: "json_path", field: "metadata",
                               params: .object([JSONMember("paths", .array(index.indexedPaths.map { .string($0.description) })),
                                                JSONMember("requested", .array(paths.map { .string($0.description) }))]),
                               data: index.serialized())
        cache.paths[collection] = index
        return index
    }

    /// Parses a filter against the collection's paths (unknown paths get "did you mean").
    public func parseFilter(_ text: String, collection: String) throws -> FilterQuery {
        let index = try pathIndex(collection: collection)
        do { return try FilterQuery.parse(text, catalog: index.catalog) } catch {
            throw FilterSyntaxError(message: error.message, line: error.location.line, column: error.location.column, rendered: error.rendered(source: text))
        }
    }

    /// Runs a filter with the path index; deleted records never match.
    public func filter(_ text: String, collection: String) throws -> FilterResponse {
        let query = try parseFilter(text, collection: collection)
        return try filter(query, collection: collection)
    }

    func filter(_ query: FilterQuery, collection: String) throws -> FilterResponse {
        let index = try pathIndex(collection: collection)
        let rows = try rows(collection: collection)
        let live = try liveOrdinals(collection: collection)
        let executor = IndexedFilterExecutor(index: index) { rows[Int($0)] }
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
}
