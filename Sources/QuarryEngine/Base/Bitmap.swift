import CRoaring

/// A compressed set of 32-bit record ordinals (a CRoaring bitmap), wrapped once.
///
/// Used as the allowed set of filtered searches, as tombstones, and as the result of the
/// indexed filter executor. Value semantics: mutation copies when the storage is shared.
/// Serialization uses CRoaring's portable format, which is what is stored on disk.
public struct Bitmap: @unchecked Sendable {
    final class Storage {
        let raw: UnsafeMutablePointer<roaring_bitmap_t>
        init(_ raw: UnsafeMutablePointer<roaring_bitmap_t>) { self.raw = raw }
        deinit { roaring_bitmap_free(raw) }
    }

    var storage: Storage

    public init() { storage = Storage(roaring_bitmap_create_with_capacity(0)) }

    public init<S: Sequence>(_ values: S) where S.Element == UInt32 {
        let array = Array(values)
        storage = Storage(array.withUnsafeBufferPointer { roaring_bitmap_of_ptr($0.count, $0.baseAddress) })
    }

    /// All ordinals in `0..<upperBound`.
    public init(range: Range<UInt32>) {
        self.init()
        roaring_bitmap_add_range(storage.raw, UInt64(range.lowerBound), UInt64(range.upperBound))
    }

    init(taking raw: UnsafeMutablePointer<roaring_bitmap_t>) { storage = Storage(raw) }

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(roaring_bitmap_copy(storage.raw))
        }
    }

    // MARK: - Elements

    public var count: Int { Int(roaring_bitmap_get_cardinality(storage.raw)) }
    public var isEmpty: Bool { roaring_bitmap_is_empty(storage.raw) }
    public func contains(_ value: UInt32) -> Bool { roaring_bitmap_contains(storage.raw, value) }

    public mutating func insert(_ value: UInt32) { unique(); roaring_bitmap_add(storage.raw, value) }
    public mutating func remove(_ value: UInt32) { unique(); roaring_bitmap_remove(storage.raw, value) }
    public mutating func insert(range: Range<UInt32>) {
        unique()
        roaring_bitmap_add_range(storage.raw, UInt64(range.lowerBound), UInt64(range.upperBound))
    }

    /// The ordinals in ascending order.
    public func toArray() -> [UInt32] {
        var out = [UInt32](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { roaring_bitmap_to_uint32_array(storage.raw, $0.baseAddress) }
        return out
    }

    /// Calls `body` for each ordinal in ascending order; return false to stop.
    public func forEach(_ body: (UInt32) -> Bool) {
        var it = roaring_uint32_iterator_t()
        roaring_init_iterator(storage.raw, &it)
        while it.has_value {
            if !body(it.current_value) { return }
            roaring_advance_uint32_iterator(&it)
        }
    }

    // MARK: - Set algebra

    public func intersection(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_and(storage.raw, other.storage.raw)) }
    public func union(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_or(storage.raw, other.storage.raw)) }
    public func subtracting(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_andnot(storage.raw, other.storage.raw)) }
    /// The ordinals of `0..<universe` not in this set.
    public func complement(universe: UInt32) -> Bitmap {
        Bitmap(taking: roaring_bitmap_flip(storage.raw, 0, UInt64(universe)))
    }

    public mutating func formIntersection(_ other: Bitmap) { unique(); roaring_bitmap_and_inplace(storage.raw, other.storage.raw) }
    public mutating func formUnion(_ other: Bitmap) { unique(); roaring_bitmap_or_inplace(storage.raw, other.storage.raw) }
    public mutating func subtract(_ other: Bitmap) { unique(); roaring_bitmap_andnot_inplace(storage.raw, other.storage.raw) }

    /// Union of many bitmaps at once.
    public static func union(_ many: [Bitmap]) -> Bitmap {
        var result = Bitmap()
        for b in many { result.formUnion(b) }
        return result
    }

    // MARK: - Persistence (CRoaring portable format)

    public func serialized() -> [UInt8] {
        let size = roaring_bitmap_portable_size_in_bytes(storage.raw)
        var out = [UInt8](repeating: 0, count: size)
        out.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: size) {
                _ = roaring_bitmap_portable_serialize(storage.raw, $0)
            }
        }
        return out
    }

    /// Reads a bitmap in portable format; nil when the bytes are not a valid bitmap.
    public init?(serialized bytes: [UInt8]) {
        let raw: UnsafeMutablePointer<roaring_bitmap_t>? = bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return roaring_bitmap_create_with_capacity(0) }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                roaring_bitmap_portable_deserialize_safe($0, buf.count)
            }
        }
        guard let raw else { return nil }
        storage = Storage(raw)
    }

    /// Bytes held in memory by the bitmap's containers (approximately the serialized size).
    public var memoryBytes: Int { Int(roaring_bitmap_portable_size_in_bytes(storage.raw)) }
}

extension Bitmap: Equatable {
    public static func == (lhs: Bitmap, rhs: Bitmap) -> Bool { roaring_bitmap_equals(lhs.storage.raw, rhs.storage.raw) }
}

extension Bitmap: CustomStringConvertible {
    public var description: String {
        let shown = toArray().prefix(16).map(String.init).joined(separator: ", ")
        return "Bitmap(\(count): \(shown)\(count > 16 ? ", …" : ""))"
    }
}
