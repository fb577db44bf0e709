#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA
/// 2014): a 64-bit generator whose sequence depends only on the seed, on every platform, so
/// index builds, randomization tests, synthetic data and property tests repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole state: saving it and setting it back resumes the sequence (HNSW saves its level generator).
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in (0, 1].
    public mutating func unit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992.0 }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = unit(), u2 = unit()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
