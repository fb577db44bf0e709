import Foundation
import QuarryBase

/// Which paths a `PathIndex` shreds.
public struct PathIndexOptions: Sendable {
    /// Paths under these top-level fields whose type is stable across records (every non-null
    /// value a number, or every one a string, a bool, or an array of scalars) are indexed
    /// automatically, as Milvus shreds JSON at import.
    public var autoRoots: [String]
    /// Paths indexed whatever their types (`quarry index --json-path metadata.year`).
    public var paths: [FilterPath]
    /// Auto-indexing skips a path present in fewer records than this fraction.
    public var minCoverage: Double

    public init(autoRoots: [String] = ["metadata"], paths: [FilterPath] = [], minCoverage: Double = 0.0) {
        self.autoRoots = autoRoots
        self.paths = paths
        self.minCoverage = minCoverage
    }
}

/// A JSON path index over the records `0..<count` of a collection: one shredded, typed
/// `PathColumn` per indexed path, plus the catalog of every path seen.
///
/// Built in two passes over the records (types of every path, then the columns of the chosen
/// ones), persisted with `serialized()` (magic `QPIX`, version 1) and read back with
/// `init(serialized:)`.
public struct PathIndex: Sendable {
    public static let header = SnapshotHeader(magic: "QPIX", version: 1)

    /// The number of records indexed; ordinals are `0..<count`.
    public let count: Int
    public let catalog: PathCatalog
    /// The columns by path, decoded on first use when the index was opened from a segment file.
    var columns: ColumnSet

    /// The indexed paths, in catalog order.
    public var indexedPaths: [FilterPath] {
        // Each path's text made once, not once per comparison (40,000 paths took seconds).
        columns.keys.map { ($0.description, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    init(count: Int, catalog: PathCatalog, columns: [FilterPath: PathColumn]) {
        self.count = count
        self.catalog = catalog
        self.columns = ColumnSet(columns)
    }

    init(count: Int, catalog: PathCatalog, lazy: [FilterPath: () throws -> PathColumn]) {
        self.count = count
        self.catalog = catalog
        columns = ColumnSet([:], pending: lazy)
    }

    /// Walks `record(0)…record(count-1)` twice and indexes the paths `options` picks.
    public static func build(count: Int, options: PathIndexOptions = PathIndexOptions(),
                             record: (UInt32) -> JSONValue) -> PathIndex {
        var catalog = PathCatalog([])
        var kinds: [FilterPath: (kinds: Set<String>, records: Int)] = [:]
        for ord in 0..<UInt32(count) {
            let r = record(ord)
            catalog.add(record: r)
            collectKinds(r, prefix: [], into: &kinds)
        }
        catalog.finish()
        var chosen = Set(options.paths.filter(\.isKeyPath))
        for (path, stat) in kinds {
            guard case let .key(root)? = path.components.first, options.autoRoots.contains(root),
                path.components.count > 1, stat.kinds.count == 1, stat.kinds.first != "object",
                stat.kinds.first != "array", Double(stat.records) >= options.minCoverage * Double(count)
            else { continue }
            chosen.insert(path)
        }
        var index = PathIndex(count: count, catalog: catalog, columns: [:])
        index.addColumns(Array(chosen), record: record)
        return index
    }

    /// Indexes more paths (any type) with one pass over the records.
    public mutating func add(paths: [FilterPath], record: (UInt32) -> JSONValue) {
        addColumns(paths.filter { $0.isKeyPath && columns[$0] == nil }, record: record)
    }

    public func isIndexed(_ path: FilterPath) -> Bool { columns[path] != nil }

    private mutating func addColumns(_ paths: [FilterPath], record: (UInt32) -> JSONValue) {
        guard !paths.isEmpty else { return }
        if !isKnownUniquelyReferenced(&columns) { columns = columns.copy() }
        var builders = paths.map(PathColumnBuilder.init)
        for ord in 0..<UInt32(count) {
            let r = record(ord)
            if builders.count > WideRecord.threshold {
                // Many paths into a wide record: a scan of its members per path was quadratic.
                var wide = WideRecord(r)
                for k in builders.indices { builders[k].add(ord, value: wide.resolve(builders[k].path)) }
            } else {
                for k in builders.indices { builders[k].add(ord, record: r) }
            }
        }
        for b in builders { columns[b.path] = b.build() }
    }

    /// Kinds of the non-null values at each key path (objects are walked, arrays are not):
    /// "number", "string", "bool", "scalars" (array of scalars), "array", "object".
    private static func collectKinds(_ v: JSONValue, prefix: [FilterPath.Component],
                                     into kinds: inout [FilterPath: (kinds: Set<String>, records: Int)]) {
        guard case let .object(members) = v else { return }
        for m in members {
            let p = prefix + [.key(m.key)]
            let kind: String?
            switch m.value {
            case .null: kind = nil
            case .bool: kind = "bool"
            case .int, .double: kind = "number"
            case .string: kind = "string"
            case .object: kind = "object"
            case let .array(items):
                kind = items.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
                    ? "scalars" : "array"
            }
            let path = FilterPath(p)
            var stat = kinds[path] ?? ([], 0)
            if let kind { stat.kinds.insert(kind) }
            stat.records += 1
            kinds[path] = stat
            if case .object = m.value { collectKinds(m.value, prefix: p, into: &kinds) }
        }
    }
}

// MARK: - Persistence

extension PathIndex {
    /// `QPIX` v1: count, catalog, then each column's bitmaps (CRoaring portable) and sorted arrays.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.write(header: PathIndex.header)
        w.write(UInt64(count))
        w.write(UInt32(catalog.paths.count))
        for p in catalog.paths { w.write(p) }
        w.write(UInt32(columns.count))
        for path in indexedPaths { Self.encode(columns[path]!, into: &w) }
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws {
        var r = ByteReader(bytes, what: "JSON path index")
        try r.read(header: PathIndex.header)
        let rawCount = try r.read(UInt64.self)
        guard rawCount <= UInt64(UInt32.max) else { throw BinaryError.corrupt("JSON path index: \(rawCount) records") }
        var paths: [String] = []
        for _ in 0..<(try r.read(UInt32.self)) { paths.append(try r.readString()) }
        var columns: [FilterPath: PathColumn] = [:]
        for _ in 0..<(try r.read(UInt32.self)) {
            let c = try Self.decodeColumn(&r)
            columns[c.path] = c
        }
        self.init(count: Int(rawCount), catalog: PathCatalog(paths), columns: columns)
    }

    /// One column: its path, bitmaps (CRoaring portable) and sorted arrays.
    static func encode(path: FilterPath, into w: inout ByteWriter) {
        w.write(UInt32(path.components.count))
        for comp in path.components {
            switch comp {
            case let .key(k): w.write(UInt8(0)); w.write(k)
            case let .index(i): w.write(UInt8(1)); w.write(Int64(i))
            }
        }
    }

    static func decodePath(_ r: inout ByteReader) throws -> FilterPath {
        var comps: [FilterPath.Component] = []
        let depth = try r.read(UInt32.self)
        guard depth <= 1024 else { throw BinaryError.corrupt("JSON path index: a path of \(depth) components") }
        for _ in 0..<depth {
            switch try r.read(UInt8.self) {
            case 0: comps.append(.key(try r.readString()))
            case 1: comps.append(.index(Int(try r.read(Int64.self))))
            default: throw BinaryError.corrupt("JSON path index: bad path component")
            }
        }
        return FilterPath(comps)
    }

    static func encode(_ c: PathColumn, into w: inout ByteWriter) {
        encode(path: c.path, into: &w)
        for b in [c.present, c.null, c.numberSet, c.stringSet, c.trues, c.falses, c.arrays, c.objects,
                  c.elementTrues, c.elementFalses] {
            w.write(blob: b.serialized())
        }
        w.write(c.numbersExact)
        for n in [c.numbers, c.elementNumbers, c.lengths] {
            w.write(array: n.values.map(\.bitPattern))
            w.write(array: n.ords)
        }
        for s in [c.strings, c.elementStrings] {
            w.write(UInt64(s.keys.count))
            for (k, b) in zip(s.keys, s.bitmaps) {
                w.write(k)
                w.write(blob: b.serialized())
            }
        }
    }

    static func decodeColumn(_ r: inout ByteReader) throws -> PathColumn {
        func bitmap() throws -> Bitmap {
            guard let b = Bitmap(serialized: try r.readBlob()) else { throw BinaryError.corrupt("JSON path index: bad bitmap") }
            return b
        }
        func numbers() throws -> NumberColumn {
            var n = NumberColumn()
            n.values = try r.readArray(UInt64.self).map(Double.init(bitPattern:))
            n.ords = try r.readArray(UInt32.self)
            guard n.values.count == n.ords.count else { throw BinaryError.corrupt("JSON path index: column lengths differ") }
            return n
        }
        func strings() throws -> StringColumn {
            let n = try r.read(UInt64.self)
            guard n <= UInt64(r.bytes.count) else { throw BinaryError.corrupt("JSON path index: \(n) strings") }
            var keys: [String] = [], maps: [Bitmap] = []
            for _ in 0..<n { keys.append(try r.readString()); maps.append(try bitmap()) }
            return StringColumn(keys: keys, bitmaps: maps)
        }
        var c = PathColumn(path: try decodePath(&r))
        c.present = try bitmap(); c.null = try bitmap(); c.numberSet = try bitmap(); c.stringSet = try bitmap()
        c.trues = try bitmap(); c.falses = try bitmap(); c.arrays = try bitmap(); c.objects = try bitmap()
        c.elementTrues = try bitmap(); c.elementFalses = try bitmap()
        c.numbersExact = try r.readBool()
        c.numbers = try numbers(); c.elementNumbers = try numbers(); c.lengths = try numbers()
        c.strings = try strings(); c.elementStrings = try strings()
        return c
    }
}

// MARK: - Segment file (format 2: a column per section, decoded on first use)

extension PathIndex {
    public static let segmentKind = "QPIX"
    public static let segmentVersion: UInt32 = 2

    /// Writes the catalog (section `catalog`) and each column in a section of its own.
    public func writeSegment(to w: SegmentWriter) throws(SegmentError) {
        var cat = ByteWriter()
        cat.write(UInt64(count))
        cat.write(UInt32(catalog.paths.count))
        for p in catalog.paths { cat.write(p) }
        let paths = indexedPaths
        cat.write(UInt32(paths.count))
        for (i, p) in paths.enumerated() {
            Self.encode(path: p, into: &cat)
            cat.write("column.\(i)")
        }
        try w.section("catalog", cat.bytes, alignment: 8)
        for (i, p) in paths.enumerated() {
            var cw = ByteWriter()
            Self.encode(columns[p]!, into: &cw)
            try w.section("column.\(i)", cw.bytes, alignment: 8)
        }
    }

    /// Opens an index from its segment: the catalog now, each column when a filter first needs it.
    public init(segment file: SegmentFile) throws {
        var r = ByteReader(Array(try file.bytes("catalog")), what: file.name)
        let rawCount = try r.read(UInt64.self)
        guard rawCount <= UInt64(UInt32.max) else { throw BinaryError.corrupt("\(file.name): \(rawCount) records") }
        var paths: [String] = []
        for _ in 0..<(try r.read(UInt32.self)) { paths.append(try r.readString()) }
        var lazy: [FilterPath: () throws -> PathColumn] = [:]
        for _ in 0..<(try r.read(UInt32.self)) {
            let path = try Self.decodePath(&r), section = try r.readString()
            lazy[path] = {
                var cr = ByteReader(Array(try file.bytes(section)), what: file.name)
                return try Self.decodeColumn(&cr)
            }
        }
        self.init(count: Int(rawCount), catalog: PathCatalog(paths), lazy: lazy)
    }
}

/// A path index's columns by path: decoded ones, and ones of a segment file decoded on first
/// use (a damaged one decodes as absent, and the filter falls back to its scan). Shared by
/// copies of a `PathIndex` (which copies it before changing it).
final class ColumnSet: @unchecked Sendable {
    private var loaded: [FilterPath: PathColumn]
    private var pending: [FilterPath: () throws -> PathColumn]
    private let lock = NSLock()

    init(_ loaded: [FilterPath: PathColumn], pending: [FilterPath: () throws -> PathColumn] = [:]) {
        self.loaded = loaded
        self.pending = pending
    }

    func copy() -> ColumnSet {
        lock.lock()
        defer { lock.unlock() }
        return ColumnSet(loaded, pending: pending)
    }

    var keys: [FilterPath] {
        lock.lock()
        defer { lock.unlock() }
        return Array(loaded.keys) + pending.keys.filter { loaded[$0] == nil }
    }

    var count: Int { keys.count }

    subscript(path: FilterPath) -> PathColumn? {
        get {
            lock.lock()
            defer { lock.unlock() }
            if let c = loaded[path] { return c }
            guard let load = pending.removeValue(forKey: path) else { return nil }
            let c = try? load()
            loaded[path] = c
            return c
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            loaded[path] = newValue
            pending[path] = nil
        }
    }
}

/// One record resolved along many paths: each object of more than `threshold` members on the
/// way is turned into a key map once (per record), so resolving n paths into an object of n
/// keys is linear, not quadratic. Resolves exactly as `FilterPath.resolve(in:)`.
struct WideRecord {
    static let threshold = 16
    let record: JSONValue
    /// Key maps of the wide objects met so far, by the path prefix that leads to them.
    private var maps: [ArraySlice<FilterPath.Component>: [String: JSONValue]] = [:]

    init(_ record: JSONValue) { self.record = record }

    mutating func resolve(_ path: FilterPath) -> JSONValue? {
        path.resolve(in: record) { depth, members, key in
            guard members.count > Self.threshold else { return members.first(where: { $0.key == key })?.value }
            let prefix = path.components[..<depth]
            if maps[prefix] == nil {
                // The first of duplicate keys wins, as in `FilterPath.resolve(in:)`.
                maps[prefix] = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            }
            return maps[prefix]?[key]
        }
    }
}
