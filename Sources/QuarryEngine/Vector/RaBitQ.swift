import QuarryBase

/// RaBitQ (Gao & Long, "RaBitQ: Quantizing High-Dimensional Vectors with a Theoretical Error
/// Bound for Approximate Nearest Neighbor Search", SIGMOD 2024).
///
/// A residual r = o − c (o rotated, c its rotated IVF centroid) is stored as the signs of its
/// coordinates after a random orthogonal rotation (1 bit per dimension), with ‖r‖, ⟨x̄, ô⟩
/// (x̄ the code as a ±1/√D vector, ô = r/‖r‖) and ⟨r, c⟩. The estimator of the paper,
/// ⟨ô, q̂⟩ ≈ ⟨x̄, q̄⟩ / ⟨x̄, ô⟩, is unbiased, and with probability ≥ 1 − δ its error is below
/// ε₀·√((1 − ⟨x̄, ô⟩²) / ⟨x̄, ô⟩²) / √(D − 1) with ε₀ = 1.9. The query side q̂ is quantised to
/// `B_q` = 4 bits so ⟨x̄, q̄⟩ is four AND + popcount passes over the code words (section 3.3).
///
/// The rotation is a random orthogonal matrix built as three rounds of random sign flips and a
/// normalised Walsh–Hadamard transform over D = the next power of two ≥ max(d, 64) (zero padded),
/// so it costs O(D log D) time and O(D) memory instead of a dense D×D matrix.
struct RaBitQ {
    static let epsilon0: Float = 1.9
    static let queryBits = 4

    let dimension: Int
    let paddedDimension: Int
    /// Three rounds of ±1 signs, D each.
    let signs: [Float]

    var words: Int { paddedDimension / 64 }

    init(dimension: Int, seed: UInt64) {
        self.dimension = dimension
        var D = 64
        while D < dimension { D *= 2 }
        paddedDimension = D
        var rng = SplitMix64(seed: seed ^ 0x5241_4249_5451)
        signs = (0..<(3 * D)).map { _ in rng.next() & 1 == 0 ? 1 : -1 }
    }

    init(dimension: Int, paddedDimension: Int, signs: [Float]) {
        self.dimension = dimension
        self.paddedDimension = paddedDimension
        self.signs = signs
    }

    /// out (D floats) = P · pad(x).
    func rotate(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let D = paddedDimension
        out.update(from: x, count: dimension)
        (out + dimension).update(repeating: 0, count: D - dimension)
        let norm = 1 / Float(D).squareRoot()
        signs.withUnsafeBufferPointer { s in
            for round in 0..<3 {
                let sr = s.baseAddress! + round * D
                for i in 0..<D { out[i] *= sr[i] }
                Self.walshHadamard(out, D)
                for i in 0..<D { out[i] *= norm }
            }
        }
    }

    /// In-place fast Walsh–Hadamard transform (unnormalised), n a power of two.
    static func walshHadamard(_ v: UnsafeMutablePointer<Float>, _ n: Int) {
        var h = 1
        while h < n {
            var i = 0
            while i < n {
                for j in i..<(i + h) {
                    let a = v[j], b = v[j + h]
                    v[j] = a + b
                    v[j + h] = a - b
                }
                i += 2 * h
            }
            h *= 2
        }
    }

    /// Encodes the rotated residual `r` (D floats): sign bits into `code` (D/64 words) and the
    /// factors (‖r‖, ⟨x̄, ô⟩).
    func encode(residual r: UnsafePointer<Float>, code: UnsafeMutablePointer<UInt64>) -> (norm: Float, dotXO: Float) {
        let D = paddedDimension
        code.update(repeating: 0, count: words)
        var norm2: Float = 0, l1: Float = 0
        for i in 0..<D {
            let v = r[i]
            norm2 += v * v
            l1 += abs(v)
            if v > 0 { code[i >> 6] |= 1 << UInt64(i & 63) }
        }
        let norm = norm2.squareRoot()
        guard norm > 0 else { return (0, 1) }
        return (norm, max(l1 / (norm * Float(D).squareRoot()), 1e-6))
    }

    /// The half-width of the estimator's error bound for a vector with this ⟨x̄, ô⟩.
    @inline(__always)
    func errorBound(dotXO: Float) -> Float {
        Self.epsilon0 * ((1 - dotXO * dotXO) / (dotXO * dotXO)).squareRoot() / Float(paddedDimension - 1).squareRoot()
    }
}

/// A query prepared against one IVF list: q̂ = (q − c)/‖q − c‖ quantised to 4-bit planes.
struct RaBitQQuery {
    var planes: RawBuffer<UInt64>
    var lower: Float = 0
    var delta: Float = 0
    var sumQ: Float = 0
    var queryNorm: Float = 0
    let words: Int
    let D: Int

    init(words: Int, paddedDimension: Int) {
        self.words = words
        D = paddedDimension
        planes = RawBuffer(capacity: words * RaBitQ.queryBits)
        planes.append(repeating: 0, count: words * RaBitQ.queryBits)
    }

    /// Prepares from the rotated residual `qr` (D floats).
    mutating func prepare(residual qr: UnsafeMutablePointer<Float>) {
        var norm2: Float = 0
        for i in 0..<D { norm2 += qr[i] * qr[i] }
        queryNorm = norm2.squareRoot()
        let inv = queryNorm > 0 ? 1 / queryNorm : 0
        var lo = Float.infinity, hi = -Float.infinity
        for i in 0..<D {
            qr[i] *= inv
            lo = min(lo, qr[i])
            hi = max(hi, qr[i])
        }
        lower = lo
        delta = hi > lo ? (hi - lo) / Float((1 << RaBitQ.queryBits) - 1) : 1
        planes.pointer.update(repeating: 0, count: words * RaBitQ.queryBits)
        var sum = 0
        let invDelta = 1 / delta
        let top = Float((1 << RaBitQ.queryBits) - 1)
        for i in 0..<D {
            // A level in 0…top; a residual with a NaN or an infinity (damaged centroids) gives 0.
            let x = ((qr[i] - lo) * invDelta).rounded()
            let u = x.isNaN ? 0 : Int(min(max(x, 0), top))
            sum += u
            for b in 0..<RaBitQ.queryBits where (u >> b) & 1 == 1 {
                planes[b * words + (i >> 6)] |= 1 << UInt64(i & 63)
            }
        }
        sumQ = Float(sum)
    }

    /// ⟨x̄, q̄⟩ for the code `code` (D/64 words).
    @inline(__always)
    func dotCode(_ code: UnsafePointer<UInt64>) -> Float {
        var ip = 0, pop = 0
        let p = planes.pointer
        for w in 0..<words {
            let c = code[w]
            pop &+= c.nonzeroBitCount
            ip &+= (c & p[w]).nonzeroBitCount
                &+ ((c & p[words &+ w]).nonzeroBitCount << 1)
                &+ ((c & p[2 &* words &+ w]).nonzeroBitCount << 2)
                &+ ((c & p[3 &* words &+ w]).nonzeroBitCount << 3)
        }
        // (1/√D) Σ (2b_i − 1)(lower + Δ·u_i)
        let v = 2 * lower * Float(pop) + 2 * delta * Float(ip) - Float(D) * lower - delta * sumQ
        return v / Float(D).squareRoot()
    }
}
