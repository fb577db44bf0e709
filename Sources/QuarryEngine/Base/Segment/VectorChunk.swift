/// Arithmetic on float rows shared by stored vectors and the vector kernels.
public enum RowMath {
    /// Inner product with four SIMD8 accumulators (they hide the add latency); the tail
    /// (dimension not a multiple of 8) runs scalar.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i &+ 32 <= d {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
            i &+= 32
        }
        while i &+ 8 <= d {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i &+= 8
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < d {
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// Scales `v` to unit length in place (a zero vector stays zero); returns its former length.
    @discardableResult
    public static func normalize(_ v: UnsafeMutablePointer<Float>, _ d: Int) -> Float {
        let n = dot(v, v, d).squareRoot()
        guard n > 0 else { return 0 }
        let inv = 1 / n
        for i in 0..<d { v[i] *= inv }
        return n
    }
}

/// The vectors of one field for a range of record ordinals, as a segment (kind `QVEC`):
/// section `rows` holds `count × dimension` float32 (row i = ordinal `firstOrdinal + i`);
/// for a cosine field the rows are stored normalised and section `norms` keeps each row's
/// original length (so `original(_:)` gives back the imported vector); section `missing`
/// lists the ordinals of the range that have no vector (zero rows).
///
/// A field's vectors are a list of chunks (one per import, the first one after a seal covering
/// all sealed ordinals), which `VectorColumn` in the engine reads as one.
public final class VectorChunk: @unchecked Sendable {
    public static let kind = "QVEC"
    public static let version: UInt32 = 1

    public let file: SegmentFile
    public let dimension: Int
    public let firstOrdinal: UInt32
    public let count: Int
    public let normalized: Bool
    /// The rows, in place in the mapping.
    public let rows: UnsafePointer<Float>
    public let norms: UnsafeBufferPointer<Float>?
    /// Ordinals of the range without a vector, ascending.
    public let missing: UnsafeBufferPointer<UInt32>

    public init(file: SegmentFile) throws(SegmentError) {
        self.file = file
        var r = ByteReader(file.metadata, what: file.name)
        do {
            dimension = Int(try r.read(UInt32.self))
            firstOrdinal = try r.read(UInt32.self)
            count = Int(clamping: try r.read(UInt64.self))  // a damaged count is refused below, not trapped
            normalized = try r.readBool()
        } catch { throw .damaged(file.name, "vector chunk metadata is truncated") }
        guard dimension > 0, dimension <= 1 << 16, count <= Int(UInt32.max) - Int(firstOrdinal) else {
            throw .damaged(file.name, "vector chunk of \(count) rows of dimension \(dimension) from ordinal \(firstOrdinal)")
        }
        let all = try file.array("rows", as: Float.self)
        guard all.count == count * dimension else {
            throw .damaged(file.name, "holds \(all.count) floats, expected \(count) × \(dimension)")
        }
        // An empty section has no address; any valid pointer does for zero rows.
        rows = all.baseAddress ?? UnsafePointer(bitPattern: 64)!
        norms = normalized ? try file.array("norms", as: Float.self, count: count) : nil
        missing = try file.array("missing", as: UInt32.self)
        for o in missing where o < firstOrdinal || Int(o - firstOrdinal) >= count {
            throw .damaged(file.name, "missing ordinal \(o) lies outside the chunk")
        }
    }

    public var ordinals: Range<UInt32> { firstOrdinal..<(firstOrdinal + UInt32(count)) }

    @inline(__always)
    public func row(_ ordinal: UInt32) -> UnsafePointer<Float> { rows + Int(ordinal &- firstOrdinal) &* dimension }

    /// The vector as imported (the stored row times its length, for a normalised field).
    public func original(_ ordinal: UInt32) -> [Float] {
        let p = row(ordinal)
        let scale = norms.map { $0[Int(ordinal - firstOrdinal)] } ?? 1
        return (0..<dimension).map { p[$0] * scale }
    }

    public func isMissing(_ ordinal: UInt32) -> Bool {
        var lo = 0, hi = missing.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if missing[mid] < ordinal { lo = mid + 1 } else { hi = mid }
        }
        return lo < missing.count && missing[lo] == ordinal
    }
}

/// Streams rows into a `QVEC` segment.
public final class VectorChunkWriter {
    let writer: SegmentWriter
    public let dimension: Int
    public let firstOrdinal: UInt32
    let normalize: Bool
    private var norms: [Float] = []
    private var missing: [UInt32] = []
    private var scratch: [Float]
    public private(set) var count = 0

    /// - Parameter normalize: store rows at unit length (cosine fields), keeping the lengths.
    public init(writer: SegmentWriter, dimension: Int, firstOrdinal: UInt32, normalize: Bool) {
        precondition(dimension > 0)
        self.writer = writer
        self.dimension = dimension
        self.firstOrdinal = firstOrdinal
        self.normalize = normalize
        scratch = [Float](repeating: 0, count: dimension)
        writer.beginSection("rows", alignment: SegmentFormat.alignment)
    }

    /// Appends the next ordinal's vector.
    public func append(_ row: UnsafePointer<Float>) throws(SegmentError) {
        if normalize {
            let d = dimension
            let n = scratch.withUnsafeMutableBufferPointer { s in
                s.baseAddress!.update(from: row, count: d)
                return RowMath.normalize(s.baseAddress!, d)
            }
            norms.append(n)
            try writeScratch()
        } else {
            try writer.write(UnsafeRawBufferPointer(start: row, count: dimension * 4))
        }
        count += 1
    }

    public func append(_ row: [Float]) throws(SegmentError) {
        precondition(row.count == dimension)
        var failure: SegmentError?
        row.withUnsafeBufferPointer { p in
            do throws(SegmentError) { try append(p.baseAddress!) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends a row that is already stored form (a row of another chunk being merged), with
    /// its original length when the chunk normalises.
    public func appendStored(_ row: UnsafePointer<Float>, length: Float) throws(SegmentError) {
        try writer.write(UnsafeRawBufferPointer(start: row, count: dimension * 4))
        if normalize { norms.append(length) }
        count += 1
    }

    /// Appends a zero row for an ordinal that has no vector.
    public func appendMissing() throws(SegmentError) {
        for i in 0..<dimension { scratch[i] = 0 }
        try writeScratch()
        if normalize { norms.append(0) }
        missing.append(firstOrdinal + UInt32(count))
        count += 1
    }

    private func writeScratch() throws(SegmentError) {
        try withBytes(scratch) { b throws(SegmentError) in try writer.write(b) }
    }

    public func finish() throws(SegmentError) -> FinishedSegment {
        writer.endSection()
        if normalize { try writer.section("norms", norms) }
        try writer.section("missing", missing)
        var m = ByteWriter()
        m.write(UInt32(dimension))
        m.write(firstOrdinal)
        m.write(UInt64(count))
        m.write(normalize)
        writer.metadata = m.bytes
        return try writer.finish()
    }

    public func abort() { writer.abort() }
}
