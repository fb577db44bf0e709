/// LEB128 variable-length integers: the postings codec (7 bits per byte, high bit = more).
enum Varint {
    @inline(__always)
    static func write(_ value: UInt32, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> UInt32 {
        var b = bytes[offset]
        offset += 1
        if b < 0x80 { return UInt32(b) }
        var value = UInt32(b & 0x7F)
        var shift: UInt32 = 7
        repeat {
            b = bytes[offset]
            offset += 1
            value |= UInt32(b & 0x7F) << shift
            shift += 7
        } while b >= 0x80
        return value
    }

    /// Reads a varint that must end before `limit` and fit 32 bits; nil when it does not (the
    /// bytes of a damaged file), leaving `offset` where it stopped.
    @inline(__always)
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int, limit: Int) -> UInt32? {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while offset < limit, shift < 35 {
            let b = bytes[offset]
            offset += 1
            value |= UInt32(truncatingIfNeeded: UInt64(b & 0x7F) << UInt64(shift))
            if b < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// Skips `count` varints that must end before `limit`; false when they do not.
    @inline(__always)
    static func skip(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int, count: Int, limit: Int) -> Bool {
        var left = count
        while left > 0 {
            guard offset < limit else { return false }
            if bytes[offset] < 0x80 { left -= 1 }
            offset += 1
        }
        return true
    }

    /// Skips `count` varints.
    @inline(__always)
    static func skip(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int, count: Int) {
        var left = count
        while left > 0 {
            if bytes[offset] < 0x80 { left -= 1 }
            offset += 1
        }
    }
}
