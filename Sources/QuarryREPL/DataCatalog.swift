import Foundation
import QuarryEngine

/// What completion knows of the open database: collections, their fields, and the JSON paths of
/// their records with the types seen, found by reading up to `sampleLimit` records once per
/// collection (cached until `invalidate()`: after `.open`, `.import`).
///
/// It reads through the database only (not the workbench's index cache), so completing while a
/// statement runs on the worker thread is safe.
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
            let all = (try? workbench.database.collections()) ?? []
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

    public func paths(of collection: String) -> [(path: String, type: String)] {
        lock.lock()
        if let cached = pathCache[collection] { lock.unlock(); return cached }
        lock.unlock()
        guard schema(collection) != nil else { return [] }
        var types = PathTypes()
        struct Enough: Error {}
        var seen = 0
        do {
            try workbench.database.forEachRecord(collection: collection) { record in
                types.add(.object([JSONMember("metadata", record.metadata)]))
                seen += 1
                if seen >= sampleLimit { throw Enough() }
            }
        } catch {}
        let result = types.list
        lock.lock(); pathCache[collection] = result; lock.unlock()
        return result
    }
}

/// JSON types seen at each path of a set of documents; arrays as `path[]` for their elements.
struct PathTypes {
    private(set) var kinds: [String: Set<String>] = [:]

    mutating func add(_ document: JSONValue) { walk(document, "") }

    private mutating func walk(_ v: JSONValue, _ path: String) {
        if !path.isEmpty { kinds[path, default: []].insert(Self.kind(v)) }
        switch v {
        case let .object(members): for m in members { walk(m.value, path.isEmpty ? m.key : path + "." + m.key) }
        case let .array(items): for item in items { walk(item, path + "[]") }
        default: break
        }
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Paths with a type label: `number`, `string|null`, `array<string>`.
    var list: [(path: String, type: String)] {
        let order = ["number", "string", "bool", "object", "array", "null"]
        func label(_ set: Set<String>) -> String { set.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }.joined(separator: "|") }
        return kinds.keys.sorted().map { path in
            var type = label(kinds[path]!)
            if type == "array", let elements = kinds[path + "[]"] { type = "array<\(label(elements))>" }
            return (path, type)
        }
    }
}
