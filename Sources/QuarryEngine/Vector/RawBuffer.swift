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
        pointer = Self.allocate(self.capacity)
    }

    /// Memory for `n` elements: a large buffer on huge pages (a graph search reads rows at random
    /// across all of it).
    private static func allocate(_ n: Int) -> UnsafeMutablePointer<T> { HugePages.allocate(T.self, count: n) }

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
        let p = Self.allocate(max(count, 1))
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
        let p = Self.allocate(newCapacity)
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
