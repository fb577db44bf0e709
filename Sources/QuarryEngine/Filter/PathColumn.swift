import QuarryBase

/// Numbers of one path, sorted by value: ranges and equality by binary search.
struct NumberColumn: Equatable {
    var values: [Double] = []
    var ords: [UInt32] = []

    init() {}
    init(pairs: [(Double, UInt32)]) {
        let sorted = pairs.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        values = sorted.map(\.0)
        ords = sorted.map(\.1)
    }

    /// First position whose value is `>= x`, or `> x` when `strict`.
    func lowerBound(_ x: Double, strict: Bool) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strict ? values[mid] <= x : values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Positions of values in the interval; nil bounds are open-ended.
    func positions(low: Double?, lowInclusive: Bool, high: Double?, highInclusive: Bool) -> Range<Int> {
        let a = low.map { lowerBound($0, strict: !lowInclusive) } ?? 0
        let b = high.map { lowerBound($0, strict: highInclusive) } ?? values.count
        return a..<max(a, b)
    }

    func bitmap(_ r: Range<Int>) -> Bitmap {
        ords.withUnsafeBufferPointer { Bitmap(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}

/// Distinct strings of one path in code-point order, each with the records holding it.
struct StringColumn: Equatable {
    var keys: [String] = []
    var bitmaps: [Bitmap] = []

    init() {}
    init(groups: [CodePointKey: [UInt32]]) {
        let sorted = groups.sorted { FilterSemantics.compareCodePoints($0.key.string, $1.key.string) < 0 }
        keys = sorted.map(\.key.string)
        bitmaps = sorted.map { Bitmap($0.value) }
    }
    init(keys: [String], bitmaps: [Bitmap]) {
        self.keys = keys
        self.bitmaps = bitmaps
    }

    /// First key position `>= s` (or `> s` when strict).
    func lowerBound(_ s: String, strict: Bool) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = FilterSemantics.compareCodePoints(keys[mid], s)
            if strict ? c <= 0 : c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func positions(low: String?, lowInclusive: Bool, high: String?, highInclusive: Bool) -> Range<Int> {
        let a = low.map { lowerBound($0, strict: !lowInclusive) } ?? 0
        let b = high.map { lowerBound($0, strict: highInclusive) } ?? keys.count
        return a..<max(a, b)
    }

    /// Keys starting with `prefix` (in code-point order they are contiguous).
    func prefixPositions(_ prefix: String) -> Range<Int> {
        let a = lowerBound(prefix, strict: false)
        var b = a
        while b < keys.count, keys[b].utf8.starts(with: prefix.utf8) { b += 1 }
        return a..<b
    }

    func count(_ r: Range<Int>) -> Int { r.reduce(0) { $0 + bitmaps[$1].count } }
    func bitmap(_ r: Range<Int>) -> Bitmap { Bitmap.union(Array(bitmaps[r])) }
}

/// A string compared and hashed by its code points (Swift's `String ==` uses canonical equivalence).
struct CodePointKey: Hashable {
    let string: String
    static func == (a: CodePointKey, b: CodePointKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
    func hash(into h: inout Hasher) { for b in string.utf8 { h.combine(b) } }
}

/// The shredded, typed column of one JSON path (Milvus's "JSON shredding"): the values of the
/// path split by type, each kind in a structure that answers its predicates without the records.
struct PathColumn: Equatable {
    var path: FilterPath
    /// Records where the key is present (even with `null`), and where it is JSON `null`.
    var present = Bitmap(), null = Bitmap()
    var numberSet = Bitmap(), stringSet = Bitmap(), trues = Bitmap(), falses = Bitmap()
    var arrays = Bitmap(), objects = Bitmap()
    var numbers = NumberColumn()
    /// False when an integer beyond ±2^53 was seen: `Double` order is then not exact, so numeric
    /// predicates on this path are scanned.
    var numbersExact = true
    var strings = StringColumn()
    /// Scalar elements of array values, for contains; and array lengths.
    var elementNumbers = NumberColumn(), elementStrings = StringColumn()
    var elementTrues = Bitmap(), elementFalses = Bitmap()
    var lengths = NumberColumn()

    /// The records whose value at the path is not null.
    var nonNull: Bitmap { present.subtracting(null) }
}

/// Collects one path's values record by record, then freezes them into a `PathColumn`.
struct PathColumnBuilder {
    /// The scalars seen at the path, or among the elements of its arrays.
    struct Scalars {
        var trues: [UInt32] = [], falses: [UInt32] = []
        var numbers: [(Double, UInt32)] = [], strings: [CodePointKey: [UInt32]] = [:]
        /// False once an integer beyond 2^53 was read as a Double (comparisons may then round).
        var numbersExact = true

        /// Adds a bool, number or string of record `ord`; false for anything else.
        mutating func add(_ ord: UInt32, _ value: JSONValue) -> Bool {
            switch value {
            case let .bool(b): if b { trues.append(ord) } else { falses.append(ord) }
            case let .int(i):
                if i > PathColumnBuilder.exactIntegerLimit || i < -PathColumnBuilder.exactIntegerLimit { numbersExact = false }
                numbers.append((Double(i), ord))
            case let .double(d): numbers.append((d, ord))
            case let .string(s): strings[CodePointKey(string: s), default: []].append(ord)
            case .null, .object, .array: return false
            }
            return true
        }
    }

    let path: FilterPath
    var present: [UInt32] = [], null: [UInt32] = []
    var arrays: [UInt32] = [], objects: [UInt32] = []
    var scalars = Scalars(), elements = Scalars()
    var lengths: [(Double, UInt32)] = []

    init(path: FilterPath) { self.path = path }

    static let exactIntegerLimit: Int64 = 1 << 53

    mutating func add(_ ord: UInt32, record: JSONValue) { add(ord, value: path.resolve(in: record)) }

    /// Adds the record's value at this path, already resolved (nil: the path is missing).
    mutating func add(_ ord: UInt32, value: JSONValue?) {
        guard let v = value else { return }
        present.append(ord)
        if scalars.add(ord, v) { return }
        switch v {
        case .null: null.append(ord)
        case .object: objects.append(ord)
        case let .array(items):
            arrays.append(ord)
            lengths.append((Double(items.count), ord))
            for item in items { _ = elements.add(ord, item) }
        default: break
        }
    }

    func build() -> PathColumn {
        var c = PathColumn(path: path)
        c.present = Bitmap(present)
        c.null = Bitmap(null)
        c.trues = Bitmap(scalars.trues)
        c.falses = Bitmap(scalars.falses)
        c.arrays = Bitmap(arrays)
        c.objects = Bitmap(objects)
        c.numbers = NumberColumn(pairs: scalars.numbers)
        c.numberSet = Bitmap(scalars.numbers.map(\.1))
        c.numbersExact = scalars.numbersExact && elements.numbersExact
        c.strings = StringColumn(groups: scalars.strings)
        c.stringSet = Bitmap(scalars.strings.values.joined())
        c.elementNumbers = NumberColumn(pairs: elements.numbers)
        c.elementStrings = StringColumn(groups: elements.strings)
        c.elementTrues = Bitmap(elements.trues)
        c.elementFalses = Bitmap(elements.falses)
        c.lengths = NumberColumn(pairs: lengths)
        return c
    }
}
