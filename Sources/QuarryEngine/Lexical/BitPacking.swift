/// Binary packing of a block's integers (BP128, as Lucene's and tantivy's posting blocks): every
/// value of a block takes the same number of bits, the width of the block's largest value, and
/// the values follow one another LSB first with no gap. A block of documents whose deltas are
/// below 16 takes half a byte per document, and a field a block never mentions takes nothing.
///
/// Reading decodes eight values at a time and loads 8 bytes at each value's first byte, so a
/// packed stream must be followed by `BitPacking.padding` readable bytes (up to 7 values of 32
/// bits past the last, then a load of 8): the postings data of a segment ends with them.
enum BitPacking {
    /// Bytes a reader may load past the last packed value.
    static let padding = 40

    /// Bits needed for the largest of `values` (0 when all are 0).
    @inline(__always)
    static func width<C: Collection>(_ values: C) -> Int where C.Element == UInt32 {
        var all: UInt32 = 0
        for v in values { all |= v }
        return UInt32.bitWidth - all.leadingZeroBitCount
    }

    /// Bytes that `count` values of `width` bits take.
    @inline(__always)
    static func bytes(count: Int, width: Int) -> Int { (count &* width &+ 7) >> 3 }

    /// Appends `values`, `width` bits each (every value must fit).
    static func pack<C: Collection>(_ values: C, width: Int, to out: inout [UInt8]) where C.Element == UInt32 {
        guard width > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        for v in values {
            acc |= UInt64(v) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    /// Reads `count` values of `width` bits (≤ 32) from `base` into `out[i * stride]`, eight at a
    /// time: the values past `count` up to the next multiple of 8 are written too (with whatever
    /// bits follow), so `out` must have room for them. The caller checked that
    /// `bytes(count:width:) + padding` bytes are readable at `base`.
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, count: Int, width: Int, into out: UnsafeMutablePointer<UInt32>, stride: Int) {
        // One loop per width, so every shift and offset in it is a constant (Lucene's ForUtil).
        switch width {
        case 0: for i in 0..<count { out[i &* stride] = 0 }
        case 1: unpack(base, count, 1, out, stride)
        case 2: unpack(base, count, 2, out, stride)
        case 3: unpack(base, count, 3, out, stride)
        case 4: unpack(base, count, 4, out, stride)
        case 5: unpack(base, count, 5, out, stride)
        case 6: unpack(base, count, 6, out, stride)
        case 7: unpack(base, count, 7, out, stride)
        case 8: unpack(base, count, 8, out, stride)
        case 9: unpack(base, count, 9, out, stride)
        case 10: unpack(base, count, 10, out, stride)
        case 11: unpack(base, count, 11, out, stride)
        case 12: unpack(base, count, 12, out, stride)
        case 13: unpack(base, count, 13, out, stride)
        case 14: unpack(base, count, 14, out, stride)
        case 15: unpack(base, count, 15, out, stride)
        case 16: unpack(base, count, 16, out, stride)
        default: unpack(base, count, width, out, stride)  // wide values are rare: one loop for them
        }
    }

    /// Eight values of `width` bits take `width` bytes: group g starts at byte g·width, and value
    /// j of a group at bit j·width of it.
    @inline(__always)
    private static func unpack(_ base: UnsafeRawPointer, _ count: Int, _ width: Int, _ out: UnsafeMutablePointer<UInt32>, _ stride: Int) {
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var group = base
        var o = out
        for _ in 0..<((count &+ 7) >> 3) {
            for j in 0..<8 {
                let bit = j &* width
                let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                o[j &* stride] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
            group += width
            o += 8 &* stride
        }
    }
}
