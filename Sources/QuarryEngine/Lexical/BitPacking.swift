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

    // MARK: - Patched runs (PFOR)

    /// A width byte with this bit set says the run is *patched* (PFOR, Zukowski et al., "Super-Scalar
    /// RAM-CPU Cache Compression", ICDE 2006; Lucene's PForUtil): the values are packed at the
    /// width of the byte's low bits, and the few that need more (the exceptions) keep their high
    /// bits apart. Such a run is `[e: UInt8][x: UInt8]`, the low bits of every value, the `e`
    /// indices of the exceptions (a byte each), then their high parts at `x` bits. A block of
    /// document deltas where a few gaps are long, or of a field's tfs where a few documents
    /// mention the term in it, takes the bits of the common values.
    static let patched: UInt8 = 0x80

    /// How to pack `values`: the width byte (with `patched` when exceptions pay) and, when
    /// patched, the width of the exceptions' high parts. The defaults are a posting run's
    /// layout (a 2-byte head, a byte per index, at most 255 exceptions, any low width);
    /// `Segment.appendPackedPositions` passes its own.
    static func plan<C: Collection>(_ values: C, head: Int = 2, indexBytes: Int = 1, maxExceptions: Int = Int(UInt8.max),
                                    lowestWidth: Int = 0) -> (widthByte: UInt8, exceptionWidth: Int) where C.Element == UInt32 {
        var perWidth = [Int](repeating: 0, count: 33)
        for v in values { perWidth[UInt32.bitWidth - v.leadingZeroBitCount] += 1 }
        let full = perWidth.lastIndex { $0 > 0 } ?? 0
        let n = values.count
        var best = (bytes: bytes(count: n, width: full), width: full)
        var above = 0  // values wider than b
        for b in stride(from: full - 1, through: lowestWidth, by: -1) {
            above += perWidth[b + 1]
            guard above <= maxExceptions else { break }
            let cost = head + bytes(count: n, width: b) + indexBytes * above + bytes(count: above, width: full - b)
            if cost < best.bytes { best = (cost, b) }
        }
        return best.width == full ? (UInt8(full), 0) : (UInt8(best.width) | patched, full - best.width)
    }

    /// Appends `values` as `plan` said (the width byte itself is written by the caller).
    static func pack<C: Collection>(_ values: C, widthByte: UInt8, exceptionWidth: Int, to out: inout [UInt8])
    where C.Element == UInt32, C.Index == Int {
        let w = Int(widthByte & ~patched)
        guard widthByte & patched != 0 else { return pack(values, width: w, to: &out) }
        let exceptions = values.indices.filter { values[$0] >> UInt32(w) != 0 }
        out.append(UInt8(exceptions.count))
        out.append(UInt8(exceptionWidth))
        let low: UInt32 = w == 32 ? .max : (1 << UInt32(w)) &- 1
        pack(values.lazy.map { $0 & low }, width: w, to: &out)
        out.append(contentsOf: exceptions.map { UInt8($0 - values.startIndex) })
        pack(exceptions.lazy.map { values[$0] >> UInt32(w) }, width: exceptionWidth, to: &out)
    }

    /// Bytes of the run at `base` with width byte `widthByte`, `count` values; nil when a width
    /// is above 32 or the run's head says what no written run holds. The caller checked that
    /// the head (2 bytes, when patched) is readable.
    @inline(__always)
    static func runBytes(_ base: UnsafeRawPointer, widthByte: UInt8, count: Int) -> Int? {
        let w = Int(widthByte & ~patched)
        guard w <= 32 else { return nil }
        guard widthByte & patched != 0 else { return bytes(count: count, width: w) }
        let e = Int(base.load(fromByteOffset: 0, as: UInt8.self)), x = Int(base.load(fromByteOffset: 1, as: UInt8.self))
        guard e >= 1, e <= count, x >= 1, w + x <= 32 else { return nil }
        return 2 + bytes(count: count, width: w) + e + bytes(count: e, width: x)
    }

    /// Value `i` of the `width`-bit values at `base` (`mask` = 2^width − 1), with one 8-byte
    /// load: the caller checked that 8 bytes are readable where it lies (`padding`).
    @inline(__always)
    static func value(_ base: UnsafeRawPointer, at i: Int, width: Int, mask: UInt64) -> UInt32 {
        let bit = i &* width
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
    }

    /// Reads the run at `base` (checked by `runBytes`) as `unpack` does; false when an
    /// exception's index is past `count`.
    @inline(__always)
    static func unpackRun(_ base: UnsafeRawPointer, widthByte: UInt8, count: Int, into out: UnsafeMutablePointer<UInt32>, stride: Int) -> Bool {
        let w = Int(widthByte & ~patched)
        guard widthByte & patched != 0 else {
            unpack(base, count: count, width: w, into: out, stride: stride)
            return true
        }
        let e = Int(base.load(fromByteOffset: 0, as: UInt8.self)), x = Int(base.load(fromByteOffset: 1, as: UInt8.self))
        unpack(base + 2, count: count, width: w, into: out, stride: stride)
        let indices = (base + 2 + bytes(count: count, width: w)).assumingMemoryBound(to: UInt8.self)
        let highs = UnsafeRawPointer(indices + e)
        let mask: UInt64 = (1 << UInt64(x)) &- 1
        for j in 0..<e {
            let i = Int(indices[j])
            guard i < count else { return false }
            out[i &* stride] |= value(highs, at: j, width: x, mask: mask) << UInt32(w)
        }
        return true
    }

    /// Reads `count` values of `width` bits (≤ 32) from `base` into `out[i * stride]`, eight at a
    /// time: the values past `count` up to the next multiple of 8 are written too (with whatever
    /// bits follow), so `out` must have room for them. The caller checked that
    /// `bytes(count:width:) + padding` bytes are readable at `base`.
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, count: Int, width: Int, into out: UnsafeMutablePointer<UInt32>, stride: Int) {
        // One loop per width, so every shift and offset in it is a constant (Lucene's ForUtil);
        // into consecutive slots, eight values of up to 16 bits with vector shifts.
        if stride == 1 {
            switch width {
            case 1: return unpackEight(base, count, 1, out)
            case 2: return unpackEight(base, count, 2, out)
            case 3: return unpackEight(base, count, 3, out)
            case 4: return unpackEight(base, count, 4, out)
            case 5: return unpackEight(base, count, 5, out)
            case 6: return unpackEight(base, count, 6, out)
            case 7: return unpackEight(base, count, 7, out)
            case 8: return unpackEight(base, count, 8, out)
            case 9: return unpackEight(base, count, 9, out)
            case 10: return unpackEight(base, count, 10, out)
            case 11: return unpackEight(base, count, 11, out)
            case 12: return unpackEight(base, count, 12, out)
            case 13: return unpackEight(base, count, 13, out)
            case 14: return unpackEight(base, count, 14, out)
            case 15: return unpackEight(base, count, 15, out)
            case 16: return unpackEight(base, count, 16, out)
            default: break
            }
        }
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

    /// `unpack` into consecutive slots for a width of 1 to 16, a group of eight values with two
    /// loads: values 0–3 lie in the 8 bytes at the group's start (bits 0 to 4·width), values 4–7
    /// in the 8 bytes at byte ⌊4·width / 8⌋ (at most 4 bits in, 4·width more), so each value is
    /// one lane of a vector shift (two 256-bit shifts, a narrowing and a mask, where the
    /// target has AVX2) rather than a load, a shift and a mask of its own.
    @inline(__always)
    private static func unpackEight(_ base: UnsafeRawPointer, _ count: Int, _ width: Int, _ out: UnsafeMutablePointer<UInt32>) {
        let w = UInt64(width), high = (4 &* width) >> 3, r = UInt64((4 &* width) & 7)
        let shifts = SIMD8<UInt64>(0, w, 2 &* w, 3 &* w, r, r &+ w, r &+ 2 &* w, r &+ 3 &* w)
        let mask = SIMD8<UInt32>(repeating: UInt32(truncatingIfNeeded: (1 << w) &- 1))
        var group = base
        var o = UnsafeMutableRawPointer(out)
        for _ in 0..<((count &+ 7) >> 3) {
            let lo = UInt64(littleEndian: group.loadUnaligned(as: UInt64.self))
            let hi = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: high, as: UInt64.self))
            let words = SIMD8<UInt64>(lowHalf: SIMD4(repeating: lo), highHalf: SIMD4(repeating: hi))
            o.storeBytes(of: SIMD8<UInt32>(truncatingIfNeeded: words &>> shifts) & mask, as: SIMD8<UInt32>.self)
            group += width
            o += 32
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
