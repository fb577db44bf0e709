#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QuarryBase

// MARK: - Special functions

/// The regularized incomplete beta function I_x(a, b), by the continued fraction of Numerical
/// Recipes (Press, Teukolsky, Vetterling & Flannery, 3rd ed. 2007, §6.4 `betai`/`betacf`),
/// evaluated with the modified Lentz method. Accurate to about 1e-14 for the a, b of a t-test.
func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x)
    // The continued fraction converges quickly for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
    if x < (a + 1) / (a + b + 2) {
        return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
    }
    return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
}

private func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
    let tiny = 1e-300, epsilon = 1e-15
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
        let m = Double(m), m2 = 2 * m
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < epsilon { break }
    }
    return h
}

/// The cumulative distribution function of Student's t with `degreesOfFreedom` ν:
/// P(T ≤ t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, and its mirror for t < 0.
public func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    if t.isNaN || nu <= 0 { return .nan }
    if t == .infinity { return 1 }
    if t == -.infinity { return 0 }
    let tail = 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: nu / (nu + t * t))
    return t >= 0 ? 1 - tail : tail
}

// MARK: - Paired tests

/// The result of a paired t-test on per-query differences `treatment − baseline`.
public struct PairedTTest: Sendable, Equatable {
    /// The t statistic: mean difference / (standard deviation of the differences / √n).
    public var t: Double
    public var degreesOfFreedom: Int
    /// Two-sided p-value: P(|T| ≥ |t|) under the null hypothesis of no mean difference.
    public var pValue: Double
    public var meanDifference: Double
}

/// Student's paired t-test (as `scipy.stats.ttest_rel(treatment, baseline)`); needs n ≥ 2 pairs,
/// else nil. When every difference is equal, t is 0 with p = 1 if they are all 0, and ±∞ with
/// p = 0 otherwise (scipy gives nan there).
public func pairedTTest(baseline: [Double], treatment: [Double]) -> PairedTTest? {
    let n = min(baseline.count, treatment.count)
    guard n >= 2 else { return nil }
    let d = (0..<n).map { treatment[$0] - baseline[$0] }
    let mean = d.reduce(0, +) / Double(n)
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    let df = n - 1
    let se = (variance / Double(n)).squareRoot()
    if se == 0 || se < abs(mean) * 1e-15 {
        if mean == 0 { return PairedTTest(t: 0, degreesOfFreedom: df, pValue: 1, meanDifference: 0) }
        return PairedTTest(t: mean > 0 ? .infinity : -.infinity, degreesOfFreedom: df, pValue: 0, meanDifference: mean)
    }
    let t = mean / se
    let p = regularizedIncompleteBeta(a: Double(df) / 2, b: 0.5, x: Double(df) / (Double(df) + t * t))
    return PairedTTest(t: t, degreesOfFreedom: df, pValue: min(1, max(0, p)), meanDifference: mean)
}

/// Fisher's paired randomization test as ranx runs it (Smucker, Allan & Carterette, "A Comparison
/// of Statistical Significance Tests for Information Retrieval Evaluation", CIKM 2007): in each of
/// `permutations` trials every query's pair of values is swapped with probability ½, and the
/// two-sided p-value is the share of trials whose |mean difference| is at least the observed one.
/// Deterministic for a given `seed` (SplitMix64). No pairs give p = 1.
public func pairedRandomizationTest(
    baseline: [Double], treatment: [Double], permutations: Int = 10_000, seed: UInt64 = 42
) -> Double {
    let n = min(baseline.count, treatment.count)
    guard n > 0, permutations > 0 else { return 1 }
    let d = (0..<n).map { treatment[$0] - baseline[$0] }
    let observed = abs(d.reduce(0, +))
    // Sums taken in another order can differ from the observed one in the last bits.
    let slack = 1e-12 * max(1, d.reduce(0) { $0 + abs($1) })
    var rng = SplitMix64(seed: seed)
    var atLeast = 0
    var bits: UInt64 = 0, available = 0
    for _ in 0..<permutations {
        var sum = 0.0
        for x in d {
            if available == 0 { bits = rng.next(); available = 64 }
            sum += bits & 1 == 0 ? x : -x
            bits >>= 1
            available -= 1
        }
        if abs(sum) >= observed - slack { atLeast += 1 }
    }
    return Double(atLeast) / Double(permutations)
}
