import Foundation
import QuarryBase

/// Growable raw storage used by the indexes' hot loops: no bounds checks, no copy-on-write, no
/// exclusivity checks. Each buffer is owned by exactly one index.
///
/// A buffer can also be a read-only view of a mapped segment section (`init(mapped:)`): search
/// reads it in place; the first change (`reserve`, `append`, a subscript write, `makeOwned`)
/// copies it into memory of its own, so an index loaded from a file can still grow.
final class RawBuffer<T> {
    // Hot-loop state: exempt from dynamic exclusivity checks (each buffer has one owner).
    @exclusivity(unchecked) private(set) var pointer: UnsafeMutablePointer<T>
    @exclusivity(unchecked) private(set) var capacity: Int
    /// Elements in use.
    @exclusivity(unchecked) var count = 0
    /// What keeps a mapped view's memory alive; nil when the buffer owns its memory.
    private var mapping: AnyObject?

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    /// A view of `count` values in place (a mapped section), kept alive by `owner`. Never
    /// written through: changes copy it first.
    init(mapped values: UnsafeBufferPointer<T>, owner: AnyObject) {
        pointer = UnsafeMutablePointer(mutating: values.baseAddress ?? UnsafePointer(UnsafeMutablePointer<T>.allocate(capacity: 1)))
        capacity = values.count
        count = values.count
        mapping = values.baseAddress == nil ? nil : owner
    }

    deinit { if mapping == nil { pointer.deallocate() } }

    /// Becomes a view of mapped values (an empty buffer being loaded from a segment).
    func adopt(_ values: UnsafeBufferPointer<T>, owner: AnyObject) {
        precondition(count == 0, "adopt replaces an empty buffer")
        guard let base = values.baseAddress else { return }
        if mapping == nil { pointer.deallocate() }
        pointer = UnsafeMutablePointer(mutating: base)
        capacity = values.count
        count = values.count
        mapping = owner
    }

    /// True while the buffer is a view of mapped memory.
    var isMapped: Bool { mapping != nil }

    /// Copies a mapped view into memory of its own (no-op when it already owns its memory).
    func makeOwned() {
        guard mapping != nil else { return }
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        p.initialize(from: pointer, count: count)
        pointer = p
        capacity = max(count, 1)
        mapping = nil
    }

    /// Makes room for `total` elements, keeping the first `count`.
    func reserve(_ total: Int) {
        makeOwned()
        guard total > capacity else { return }
        let newCapacity = max(total, capacity * 2)
        let p = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        p.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = p
        capacity = newCapacity
    }

    /// Appends `n` copies of `value`.
    func append(repeating value: T, count n: Int) {
        reserve(count + n)
        (pointer + count).initialize(repeating: value, count: n)
        count += n
    }

    func append(contentsOf source: UnsafeBufferPointer<T>) {
        reserve(count + source.count)
        if let base = source.baseAddress { (pointer + count).initialize(from: base, count: source.count) }
        count += source.count
    }

    func append(contentsOf array: [T]) { array.withUnsafeBufferPointer { append(contentsOf: $0) } }

    func toArray() -> [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    subscript(i: Int) -> T {
        @inline(__always) get { pointer[i] }
        @inline(__always) set {
            if mapping != nil { makeOwned() }
            pointer[i] = newValue
        }
    }

    var bytes: Int { count * MemoryLayout<T>.stride }
}

/// Vectors of one dimension, row after row (row i = ordinal `base + i`), held in memory or
/// read in place from a mapped vector chunk.
final class VectorStore {
    let dimension: Int
    let data: RawBuffer<Float>
    /// The ordinal of the first row (a chunk of a field's vectors starts anywhere).
    let base: UInt32

    init(dimension: Int) {
        self.dimension = dimension
        data = RawBuffer(capacity: dimension * 16)
        base = 0
    }

    /// The rows of a mapped chunk, in place (they are stored normalised for cosine fields).
    init(chunk: VectorChunk) {
        dimension = chunk.dimension
        data = RawBuffer(mapped: UnsafeBufferPointer(start: chunk.rows, count: chunk.count * chunk.dimension), owner: chunk)
        base = chunk.firstOrdinal
    }

    /// Rows held (ordinals base..<base + count).
    var count: Int { data.count / dimension }

    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Float> { data.pointer + (i &- Int(base)) &* dimension }

    /// Appends rows; normalises them when `normalize` (cosine).
    func append(_ vectors: UnsafeBufferPointer<Float>, normalize: Bool) {
        let first = count
        data.append(contentsOf: vectors)
        if normalize {
            for i in first..<count { Kernels.normalize(data.pointer + i * dimension, dimension) }
        }
    }

    var bytes: Int { data.bytes }
}

/// A visited set with generation counters (hnswlib's `VisitedList`): clearing is one increment,
/// with a real reset only when the 16-bit generation wraps.
final class VisitedList {
    private let marks: RawBuffer<UInt16>
    @exclusivity(unchecked) private var generation: UInt16 = 1

    init(capacity: Int) {
        marks = RawBuffer(capacity: capacity)
        marks.append(repeating: 0, count: capacity)
    }

    func grow(to n: Int) {
        if n > marks.count { marks.append(repeating: 0, count: n - marks.count) }
    }

    /// Starts a new search.
    @inline(__always)
    func reset() {
        generation &+= 1
        if generation == 0 {
            marks.pointer.update(repeating: 0, count: marks.count)
            generation = 1
        }
    }

    /// Marks `i`; returns true if it was not yet visited in this search.
    @inline(__always)
    func insert(_ i: UInt32) -> Bool {
        let p = marks.pointer + Int(i)
        if p.pointee == generation { return false }
        p.pointee = generation
        return true
    }

    var bytes: Int { marks.bytes }
}

/// A binary heap of (score, id) kept in reusable raw storage. `maxOnTop` puts the best
/// (highest score) at the root (a candidate queue); otherwise the worst is at the root (a
/// bounded result set).
struct ScoreHeap {
    struct Entry {
        var score: Float
        var id: UInt32
    }

    let storage: RawBuffer<Entry>
    let maxOnTop: Bool

    init(maxOnTop: Bool, capacity: Int = 64) {
        self.maxOnTop = maxOnTop
        storage = RawBuffer(capacity: capacity)
    }

    var count: Int { @inline(__always) get { storage.count } }
    var isEmpty: Bool { storage.count == 0 }
    var top: Entry { @inline(__always) get { storage.pointer[0] } }

    func removeAll() { storage.count = 0 }

    /// True when `a` belongs above `b`.
    @inline(__always)
    private func above(_ a: Entry, _ b: Entry) -> Bool {
        if a.score != b.score { return maxOnTop ? a.score > b.score : a.score < b.score }
        return maxOnTop ? a.id < b.id : a.id > b.id
    }

    @inline(__always)
    func push(_ score: Float, _ id: UInt32) {
        storage.reserve(storage.count + 1)
        let h = storage.pointer
        var c = storage.count
        storage.count += 1
        let e = Entry(score: score, id: id)
        while c > 0 {
            let p = (c &- 1) >> 1
            if above(e, h[p]) { h[c] = h[p]; c = p } else { break }
        }
        h[c] = e
    }

    @discardableResult
    @inline(__always)
    func pop() -> Entry {
        let h = storage.pointer
        let result = h[0]
        storage.count -= 1
        let n = storage.count
        guard n > 0 else { return result }
        let e = h[n]
        var p = 0
        while true {
            let l = 2 &* p &+ 1
            if l >= n { break }
            var c = l
            if l &+ 1 < n && above(h[l &+ 1], h[l]) { c = l &+ 1 }
            if above(h[c], e) { h[p] = h[c]; p = c } else { break }
        }
        h[p] = e
        return result
    }

    /// The entries, best (highest score, then smaller id) first.
    func sortedBestFirst() -> [ScoredIDPair] {
        var out = (0..<storage.count).map { ScoredIDPair(score: storage.pointer[$0].score, id: storage.pointer[$0].id) }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return out
    }
}

struct ScoredIDPair {
    var score: Float
    var id: UInt32
}

/// A deterministic PRNG (SplitMix64), so builds with the same seed give the same index.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform float in (0, 1].
    mutating func unit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992.0 }
    /// A standard normal sample (Box–Muller).
    mutating func gaussian() -> Float {
        let u1 = unit(), u2 = unit()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

