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
    var columns: [FilterPath: PathColumn]

    /// The indexed paths, in catalog order.
    public var indexedPaths: [FilterPath] { columns.keys.sorted { $0.description < $1.description } }

    init(count: Int, catalog: PathCatalog, columns: [FilterPath: PathColumn]) {
        self.count = count
        self.catalog = catalog
        self.columns = columns
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
        var builders = paths.map(PathColumnBuilder.init)
        for ord in 0..<UInt32(count) {
            let r = record(ord)
            for k in builders.indices { builders[k].add(ord, record: r) }
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
        for path in indexedPaths {
            let c = columns[path]!
            w.write(UInt32(path.components.count))
            for comp in path.components {
                switch comp {
                case let .key(k): w.write(UInt8(0)); w.write(k)
                case let .index(i): w.write(UInt8(1)); w.write(Int64(i))
                }
            }
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
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws {
        var r = ByteReader(bytes, what: "JSON path index")
        try r.read(header: PathIndex.header)
        let rawCount = try r.read(UInt64.self)
        guard rawCount <= UInt64(UInt32.max) else { throw BinaryError.corrupt("JSON path index: \(rawCount) records") }
        let count = Int(rawCount)
        var paths: [String] = []
        for _ in 0..<(try r.read(UInt32.self)) { paths.append(try r.readString()) }
        var columns: [FilterPath: PathColumn] = [:]
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
            guard n <= UInt64(bytes.count) else { throw BinaryError.corrupt("JSON path index: \(n) strings") }
            var keys: [String] = [], maps: [Bitmap] = []
            for _ in 0..<n { keys.append(try r.readString()); maps.append(try bitmap()) }
            return StringColumn(keys: keys, bitmaps: maps)
        }
        for _ in 0..<(try r.read(UInt32.self)) {
            var comps: [FilterPath.Component] = []
            for _ in 0..<(try r.read(UInt32.self)) {
                switch try r.read(UInt8.self) {
                case 0: comps.append(.key(try r.readString()))
                case 1: comps.append(.index(Int(try r.read(Int64.self))))
                default: throw BinaryError.corrupt("JSON path index: bad path component")
                }
            }
            var c = PathColumn(path: FilterPath(comps))
            c.present = try bitmap(); c.null = try bitmap(); c.numberSet = try bitmap(); c.stringSet = try bitmap()
            c.trues = try bitmap(); c.falses = try bitmap(); c.arrays = try bitmap(); c.objects = try bitmap()
            c.elementTrues = try bitmap(); c.elementFalses = try bitmap()
            c.numbersExact = try r.readBool()
            c.numbers = try numbers(); c.elementNumbers = try numbers(); c.lengths = try numbers()
            c.strings = try strings(); c.elementStrings = try strings()
            columns[c.path] = c
        }
        self.init(count: count, catalog: PathCatalog(paths), columns: columns)
    }
}
