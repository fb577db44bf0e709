import Foundation
import QuarryConsole
import QuarryEngine

/// What completion knows of the open database: collections, their fields, and the JSON paths of
/// their records with the types seen — the workbench's facets of up to `sampleLimit` records,
/// read once per collection (cached until `invalidate()`: after `.open`, `.import`).
///
/// Facets read through the database only (not the workbench's index cache), so completing while
/// a statement runs on the worker thread is safe.
public final class DataCatalog: CompletionSource, @unchecked Sendable {
    let workbench: Workbench
    let sampleLimit: Int
    private let lock = NSLock()
    private var schemas: [String: CollectionSchema]?
    private var pathCache: [String: [(path: String, type: String)]] = [:]

    public init(workbench: Workbench, sampleLimit: Int = 20_000) {
        self.workbench = workbench
        self.sampleLimit = sampleLimit
    }

    public func invalidate() {
        lock.lock(); defer { lock.unlock() }
        schemas = nil
        pathCache.removeAll()
    }

    func schema(_ name: String) -> CollectionSchema? {
        lock.lock(); defer { lock.unlock() }
        if schemas == nil {
            let all = (try? workbench.collections()) ?? []
            schemas = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        return schemas?[name]
    }

    public func collectionNames() -> [String] {
        _ = schema("")
        lock.lock(); defer { lock.unlock() }
        return (schemas ?? [:]).keys.sorted()
    }

    public func textFields(of collection: String) -> [String] { schema(collection)?.textFields ?? [] }
    public func vectorFields(of collection: String) -> [String] { schema(collection)?.vectorFields.map(\.name) ?? [] }

    public func querySets(of collection: String) -> [String] { ((try? workbench.querySets(collection: collection)) ?? []).map(\.name) }
    public func tries(of collection: String) -> [String] { ((try? workbench.tries(collection: collection)) ?? []).map(\.name) }

    public func paths(of collection: String) -> [(path: String, type: String)] {
        lock.lock()
        if let cached = pathCache[collection] { lock.unlock(); return cached }
        lock.unlock()
        guard schema(collection) != nil,
              let report = try? workbench.facets(collection: collection, sampleLimit: sampleLimit, topValues: 0, bins: 1) else { return [] }
        let result = (report.sampled > 0 ? [("metadata", "object")] : []) + report.typedPaths
        lock.lock(); pathCache[collection] = result; lock.unlock()
        return result
    }
}
