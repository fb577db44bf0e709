import QuarryBase

/// Unsigned integers of one width, `width` bits each, LSB first with no gap (a run as
/// `BitPacking` writes it), read at any index: the flat arrays of a BM25 segment whose values
/// need far fewer than 32 bits — field lengths, the block bounds, the blocks' offsets into the
/// postings and positions. A column of width 32 is laid out as an array of `UInt32`, so the
/// arrays of older segment files (format version 2) are read through it as they are.
struct PackedColumn: RandomAccessCollection, @unchecked Sendable {
    let data: Column<UInt8>
    let width: Int
    let count: Int
    private let mask: UInt64

    /// Bytes written after the values, so that any value is read with one 8-byte load.
    static let padding = 8

    /// `count` values over `data`; nil when the data is too short for them or `width` is above 32.
    init?(data: Column<UInt8>, width: Int, count: Int) {
        guard (0...32).contains(width), count >= 0, data.count >= BitPacking.bytes(count: count, width: width) else { return nil }
        self.data = data
        self.width = width
        self.count = count
        mask = (1 << UInt64(width)) &- 1
    }

    /// `values` packed at the width of the largest.
    init(_ values: [UInt32]) {
        var bytes: [UInt8] = []
        let w = BitPacking.width(values)
        bytes.reserveCapacity(BitPacking.bytes(count: values.count, width: w) + Self.padding)
        BitPacking.pack(values, width: w, to: &bytes)
        bytes.append(contentsOf: repeatElement(0, count: Self.padding))
        self.init(data: Column(bytes), width: w, count: values.count)!
    }

    init() { self.init([]) }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(i: Int) -> UInt32 {
        let bit = i &* width
        let byte = bit >> 3
        let buffer = data.buffer
        if byte &+ 8 <= buffer.count { return BitPacking.value(UnsafeRawPointer(buffer.baseAddress!), at: i, width: width, mask: mask) }
        // The last values of data without padding (a width-32 array of an older file).
        var word: UInt64 = 0
        for j in 0..<Swift.min(8, buffer.count - byte) { word |= UInt64(buffer[byte + j]) << UInt64(8 * j) }
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
    }

    /// Values `start ..< start + count` into `out`, which has room for `count` rounded up to a
    /// multiple of 8; `start` is a multiple of 8. Eight at a time (`BitPacking.unpack`) where the
    /// data reaches far enough, one by one near its end.
    func read(from start: Int, count: Int, into out: UnsafeMutablePointer<UInt32>) {
        precondition(start & 7 == 0 && start >= 0 && start + count <= self.count)
        let byte = start / 8 * width
        if byte + ((count + 7) >> 3) * width + 8 <= data.count {
            BitPacking.unpack(UnsafeRawPointer(data.buffer.baseAddress! + byte), count: count, width: width, into: out, stride: 1)
        } else {
            for i in 0..<count { out[i] = self[start + i] }
        }
    }

    /// Bytes the values take (without the padding).
    var byteCount: Int { BitPacking.bytes(count: count, width: width) }
}

/// The global record ordinals of a segment's documents, ascending: stored one by one, or —
/// when they follow one another without a gap, as a build of a whole collection makes them —
/// only the first.
struct Ordinals: RandomAccessCollection, @unchecked Sendable {
    /// The first ordinal (of a run without gaps).
    let base: UInt32
    /// The ordinals, when they are not a run.
    let stored: Column<UInt32>?
    let count: Int

    /// `values` (ascending), kept as a run when they are one.
    init(_ values: [UInt32]) {
        if let first = values.first, values.last! &- first == UInt32(values.count - 1) {
            self.init(base: first, count: values.count)
        } else {
            self.init(stored: Column(values))
        }
    }

    init(base: UInt32, count: Int) {
        self.base = base
        stored = nil
        self.count = count
    }

    init(stored: Column<UInt32>) {
        base = stored.first ?? 0
        self.stored = stored
        count = stored.count
    }

    /// Whether only the first is kept.
    var isRun: Bool { stored == nil }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(i: Int) -> UInt32 {
        if let stored { return stored[i] }
        return base &+ UInt32(truncatingIfNeeded: i)
    }
}
