#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Vectorised exp, erf, GELU and softmax over float32 arrays, eight lanes at a time.
///
/// The scalar `expf`/`erff` of the C library cost about a quarter of a passage's time; these
/// are within a few 1e-7 of them (tested against them over random inputs), far inside the
/// 1e-5 budget of the embeddings.
enum VectorMath {
    typealias V = SIMD8<Float>

    /// e^x: Cephes `expf` (S. Moshier): x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for
    /// exactness), e^r by a degree-5 minimax polynomial, 2^n through the exponent bits.
    /// Relative error about 2e-7; inputs below -87.3 give at most 2^-126 (not 0).
    @inline(__always)
    static func exp(_ v: V) -> V {
        // Clamped by masks: `clamped(lowerBound:upperBound:)` compiles to calls here.
        let low = V(repeating: -87.3), high = V(repeating: 88.3)
        var x = v.replacing(with: low, where: v .< low).replacing(with: high, where: v .> high)
        let fx = (x * 1.44269504088896341 + 0.5).rounded(.down)
        x = x - fx * 0.693359375
        x = x - fx * -2.12194440e-4
        let z = x * x
        var y = V(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x + 1
        // 2^n for the whole-number fx in [-126, 127]: adding 1.5·2^23 puts n in the low mantissa
        // bits (the generic SIMD float-to-int conversion is a per-lane library call, slower
        // than the whole polynomial).
        let n = unsafeBitCast(fx + 12582912, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let pow2 = unsafeBitCast((n &+ 127) &<< 23, to: V.self)
        return y * pow2
    }

    /// erf(x): Abramowitz & Stegun 1964, formula 7.1.26 (absolute error ≤ 1.5e-7), the form
    /// PyTorch's vectorised CPU kernels use.
    @inline(__always)
    static func erf(_ v: V) -> V {
        let a = v.replacing(with: -v, where: v .< 0)
        let t = 1 / (a * 0.3275911 + 1)
        var p = V(repeating: 1.061405429)
        p = p * t - 1.453152027
        p = p * t + 1.421413741
        p = p * t - 0.284496736
        p = p * t + 0.254829592
        p = p * t
        let r = 1 - p * VectorMath.exp(-(a * a))
        return r.replacing(with: -r, where: v .< 0)
    }

    /// GELU(x) = ½·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016), in place.
    ///
    /// Debug builds, where SIMD code runs two orders of magnitude slower unoptimised, use the
    /// scalar libm path instead (the vector kernels are still tested directly in debug).
    static func gelu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        #if DEBUG
        for i in 0..<count { p[i] = 0.5 * p[i] * (1 + erff(p[i] * 0.70710678118654752)) }
        return
        #else
        let raw = UnsafeMutableRawPointer(p)
        var i = 0
        while i + 8 <= count {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            raw.storeBytes(of: 0.5 * x * (1 + erf(x * 0.70710678118654752)), toByteOffset: i * 4, as: V.self)
            i += 8
        }
        if i < count {
            var x = V()
            for k in 0..<(count - i) { x[k] = p[i + k] }
            let y = 0.5 * x * (1 + erf(x * 0.70710678118654752))
            for k in 0..<(count - i) { p[i + k] = y[k] }
        }
        #endif
    }

    /// Softmax of one row, in place, shifted by the row's maximum.
    static func softmax(_ p: UnsafeMutablePointer<Float>, count: Int) {
        var m = -Float.infinity
        for i in 0..<count { m = max(m, p[i]) }
        #if DEBUG
        var t: Float = 0
        for i in 0..<count { p[i] = expf(p[i] - m); t += p[i] }
        for i in 0..<count { p[i] /= t }
        return
        #else
        let raw = UnsafeMutableRawPointer(p)
        var sum = V()
        var i = 0
        while i + 8 <= count {
            let e = exp(raw.loadUnaligned(fromByteOffset: i * 4, as: V.self) - m)
            raw.storeBytes(of: e, toByteOffset: i * 4, as: V.self)
            sum += e
            i += 8
        }
        var total = sum.sum()
        if i < count {
            var x = V(repeating: -Float.infinity)
            for k in 0..<(count - i) { x[k] = p[i + k] - m }
            let e = exp(x)
            for k in 0..<(count - i) {
                p[i + k] = e[k]
                total += e[k]
            }
        }
        let inv = 1 / total
        for k in 0..<count { p[k] *= inv }
        #endif
    }
}
