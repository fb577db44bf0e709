import QuarryBase

/// Distance kernels: inner product and squared L2 in explicit SIMD.
///
/// Every score handed to callers is "higher is better", so `TopK` and `ScoredID` from QuarryBase
/// work unchanged for every metric:
/// - `cosine`: the cosine similarity (vectors are L2-normalised on insert and queries on entry,
///   so it is computed as an inner product), in [-1, 1];
/// - `ip`: the inner product;
/// - `l2`: the negated squared Euclidean distance (0 for identical vectors, negative otherwise).
public enum VectorMetric: String, Sendable, CaseIterable, Equatable {
    case cosine
    case ip
    case l2

    /// Parses a metric name, case-insensitively (`COSINE`, `IP`, `L2` as in Milvus).
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The score of two vectors of `dimension` floats under this metric (higher is better).
    /// Cosine assumes both vectors are already normalised.
    @inline(__always)
    func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        self == .l2 ? -Kernels.l2Squared(a, b, dimension) : Kernels.dot(a, b, dimension)
    }

    var usesInnerProduct: Bool { self != .l2 }
    var code: UInt8 { switch self { case .cosine: 0; case .ip: 1; case .l2: 2 } }
    init?(code: UInt8) {
        switch code {
        case 0: self = .cosine
        case 1: self = .ip
        case 2: self = .l2
        default: return nil
        }
    }
}

/// SIMD kernels over raw float pointers. Four SIMD8 accumulators hide the add latency; the tail
/// (dimension not a multiple of 8) runs scalar. Built for Haswell (see Package.swift), a SIMD8 is
/// one AVX register and each multiply-add one FMA instruction.
enum Kernels {
    /// `s += a * b`: one fused multiply-add when built for a CPU with FMA; elsewhere a multiply and
    /// an add (`addProduct` would be a libm call per lane there).
    @inline(__always)
    static func fma(_ s: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        #if QUARRY_FMA
        s.addProduct(a, b)
        #else
        s += a * b
        #endif
    }

    /// The inner product (the kernel lives in QuarryBase, where stored vectors are normalised).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float { RowMath.dot(a, b, d) }

    @inline(__always)
    static func l2Squared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i &+ 32 <= d {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            let d2 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
            let d3 = ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
            fma(&s0, d0, d0)
            fma(&s1, d1, d1)
            fma(&s2, d2, d2)
            fma(&s3, d3, d3)
            i &+= 32
        }
        while i &+ 8 <= d {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            fma(&s0, d0, d0)
            i &+= 8
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < d {
            let t = a[i] - b[i]
            sum += t * t
            i &+= 1
        }
        return sum
    }

    /// Scores of `q` against four vectors at once: four independent memory streams keep more
    /// cache misses in flight than one vector at a time (the graph search also prefetches the rows).
    @inline(__always)
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ e: UnsafePointer<Float>, _ d: Int, l2: Bool) -> SIMD4<Float>
    {
        let rq = UnsafeRawPointer(q), ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        let rc = UnsafeRawPointer(c), re = UnsafeRawPointer(e)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        if l2 {
            while i &+ 8 <= d {
                let o = i &* 4
                let qv = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let t0 = qv - ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let t1 = qv - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let t2 = qv - rc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let t3 = qv - re.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                fma(&s0, t0, t0)
                fma(&s1, t1, t1)
                fma(&s2, t2, t2)
                fma(&s3, t3, t3)
                i &+= 8
            }
            var r = -SIMD4<Float>(s0.sum(), s1.sum(), s2.sum(), s3.sum())
            while i < d {
                let t = SIMD4<Float>(q[i] - a[i], q[i] - b[i], q[i] - c[i], q[i] - e[i])
                r -= t * t
                i &+= 1
            }
            return r
        }
        while i &+ 8 <= d {
            let o = i &* 4
            let qv = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            fma(&s0, qv, ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            fma(&s1, qv, rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            fma(&s2, qv, rc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            fma(&s3, qv, re.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            i &+= 8
        }
        var r = SIMD4<Float>(s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while i < d {
            r += SIMD4<Float>(repeating: q[i]) * SIMD4<Float>(a[i], b[i], c[i], e[i])
            i &+= 1
        }
        return r
    }

    /// Scales `v` to unit length in place (left unchanged when its norm is zero).
    static func normalize(_ v: UnsafeMutablePointer<Float>, _ d: Int) { RowMath.normalize(v, d) }

    /// The scalar reference of `dot`, for tests.
    static func dotScalar(_ a: [Float], _ b: [Float]) -> Float {
        var s: Float = 0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }
}

/// Public entry points to the kernels over arrays (for the evaluation layer and tests).
public enum VectorMath {
    /// The score of `a` against `b` under `metric` (higher is better; see `VectorMetric`).
    /// For cosine the inputs are normalised first.
    public static func score(_ a: [Float], _ b: [Float], metric: VectorMetric) -> Float {
        precondition(a.count == b.count, "vectors of different dimension")
        var a = a, b = b
        if metric == .cosine {
            a.withUnsafeMutableBufferPointer { Kernels.normalize($0.baseAddress!, $0.count) }
            b.withUnsafeMutableBufferPointer { Kernels.normalize($0.baseAddress!, $0.count) }
        }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in metric.score(pa.baseAddress!, pb.baseAddress!, a.count) }
        }
    }
}
