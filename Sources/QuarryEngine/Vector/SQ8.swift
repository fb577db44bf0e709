/// SQ8: scalar quantization to 8 bits per dimension with a per-dimension [min, max] range
/// learnt from the data (faiss `QT_8bit`). A code byte c decodes to `min + c·scale`.
struct SQ8 {
    var vmin: [Float]
    var scale: [Float]
    var dimension: Int { vmin.count }

    init(vmin: [Float], scale: [Float]) {
        self.vmin = vmin
        self.scale = scale
    }

    /// Learns the ranges from `n` rows.
    init(training x: UnsafePointer<Float>, n: Int, d: Int) {
        var lo = [Float](repeating: .infinity, count: d), hi = [Float](repeating: -.infinity, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let v = x[i * d + j]
                if v < lo[j] { lo[j] = v }
                if v > hi[j] { hi[j] = v }
            }
        }
        vmin = lo
        scale = (0..<d).map { j in n == 0 ? 1 : max((hi[j] - lo[j]) / 255, 1e-12) }
    }

    func encode(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<UInt8>) {
        for j in 0..<dimension {
            let v = ((x[j] - vmin[j]) / scale[j]).rounded()
            out[j] = UInt8(min(max(v, 0), 255))
        }
    }

    /// Prepares a query so a code is scored in one SIMD pass: for inner product,
    /// `score = bias + Σ w_j·c_j` with `w_j = q_j·scale_j`, `bias = Σ q_j·min_j`; for L2,
    /// `score = −Σ (w_j − scale_j·c_j)²` with `w_j = q_j − min_j`.
    func prepare(_ q: UnsafePointer<Float>, metric: VectorMetric, into w: UnsafeMutablePointer<Float>) -> Float {
        var bias: Float = 0
        for j in 0..<dimension {
            if metric == .l2 {
                w[j] = q[j] - vmin[j]
            } else {
                w[j] = q[j] * scale[j]
                bias += q[j] * vmin[j]
            }
        }
        return bias
    }

    @inline(__always)
    static func dot(_ w: UnsafePointer<Float>, _ c: UnsafePointer<UInt8>, _ d: Int) -> Float {
        let rw = UnsafeRawPointer(w), rc = UnsafeRawPointer(c)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var i = 0
        while i &+ 16 <= d {
            let c0 = SIMD8<Float>(rc.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self))
            let c1 = SIMD8<Float>(rc.loadUnaligned(fromByteOffset: i &+ 8, as: SIMD8<UInt8>.self))
            s0 += rw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * c0
            s1 += rw.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self) * c1
            i &+= 16
        }
        var sum = (s0 + s1).sum()
        while i < d {
            sum += w[i] * Float(c[i])
            i &+= 1
        }
        return sum
    }

    @inline(__always)
    static func l2(_ w: UnsafePointer<Float>, _ scale: UnsafePointer<Float>, _ c: UnsafePointer<UInt8>, _ d: Int) -> Float {
        let rw = UnsafeRawPointer(w), rs = UnsafeRawPointer(scale), rc = UnsafeRawPointer(c)
        var s0 = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= d {
            let cv = SIMD8<Float>(rc.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self))
            let t = rw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                - rs.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * cv
            s0 += t * t
            i &+= 8
        }
        var sum = s0.sum()
        while i < d {
            let t = w[i] - scale[i] * Float(c[i])
            sum += t * t
            i &+= 1
        }
        return sum
    }
}
