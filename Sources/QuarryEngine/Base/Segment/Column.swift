/// A read-only array of trivial values that is either memory of its own (built in this
/// process) or a section of a mapped segment read in place (loaded): the structures an index
/// keeps in flat arrays use it, so loading them costs nothing whatever their size.
public struct Column<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    public let buffer: UnsafeBufferPointer<Element>
    /// Keeps the memory alive: an `Allocation`, or the `SegmentFile` mapped.
    let owner: AnyObject?

    /// Memory of its own.
    final class Allocation {
        let pointer: UnsafeMutablePointer<Element>
        init(_ values: [Element]) {
            pointer = .allocate(capacity: Swift.max(values.count, 1))
            values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress ?? UnsafePointer(pointer), count: $0.count) }
        }
        deinit { pointer.deallocate() }
    }

    /// A copy of `values`.
    public init(_ values: [Element]) {
        let a = Allocation(values)
        buffer = UnsafeBufferPointer(start: a.pointer, count: values.count)
        owner = a
    }

    public init() { self.init([]) }

    /// A section of a mapped segment, in place.
    public init(mapped: UnsafeBufferPointer<Element>, owner: SegmentFile) {
        buffer = mapped
        self.owner = owner
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }
    public var count: Int { buffer.count }

    @inlinable
    public subscript(i: Int) -> Element { buffer[i] }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R { try body(buffer) }

    /// The values as bytes (to write them into a segment).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }
}
