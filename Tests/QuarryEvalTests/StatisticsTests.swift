import QuarryBase
import Testing
@testable import QuarryEval

/// Special functions, the t-test and the randomization test, against values computed with scipy.
@Suite struct StatisticsTests {
    @Test(arguments: [
        // (t, df, scipy.stats.t.cdf(t, df))
        (2.0, 5.0, 0.9490302605850708), (-1.5, 3.0, 0.11529193262241147), (0.3, 100.0, 0.6176000598498482),
        (4.0, 1.0, 0.9220208696226306), (1.0, 2.5, 0.7979694863608632), (0.0, 7.0, 0.5),
    ])
    func studentT(t: Double, df: Double, cdf: Double) {
        #expect(abs(studentTCDF(t, degreesOfFreedom: df) - cdf) < 1e-12)
    }

    @Test func incompleteBeta() {
        // scipy.special.betainc
        #expect(abs(regularizedIncompleteBeta(a: 2.5, b: 0.5, x: 0.3) - 0.018927124071945658) < 1e-13)
        #expect(abs(regularizedIncompleteBeta(a: 10, b: 3, x: 0.9) - 0.889130022255) < 1e-11)
        #expect(abs(regularizedIncompleteBeta(a: 0.5, b: 0.5, x: 0.5) - 0.5) < 1e-13)
        #expect(regularizedIncompleteBeta(a: 2, b: 3, x: 0) == 0 && regularizedIncompleteBeta(a: 2, b: 3, x: 1) == 1)
    }

    static let a = [0.5, 0.25, 1.0, 0.0, 0.333, 0.75, 0.1, 0.9]
    static let b = [0.6, 0.30, 0.9, 0.2, 0.5, 0.75, 0.3, 1.0]

    @Test func pairedTTestMatchesScipy() throws {
        // scipy.stats.ttest_rel(b, a)
        let r = try #require(pairedTTest(baseline: Self.a, treatment: Self.b))
        #expect(abs(r.t - 2.430811758885703) < 1e-12)
        #expect(abs(r.pValue - 0.04536646666691545) < 1e-12)
        #expect(r.degreesOfFreedom == 7)
        let r2 = try #require(pairedTTest(baseline: [0.1, 0.2, 0.3], treatment: [0.4, 0.1, 0.35]))
        #expect(abs(r2.t - 0.7142857142857141) < 1e-12)
        #expect(abs(r2.pValue - 0.549165182666284) < 1e-12)
    }

    @Test func pairedTTestEdgeCases() {
        #expect(pairedTTest(baseline: [1], treatment: [2]) == nil)
        #expect(pairedTTest(baseline: [1, 2], treatment: [1, 2])?.pValue == 1)
        #expect(pairedTTest(baseline: [1, 2], treatment: [2, 3])?.pValue == 0)
    }

    @Test func splitMix64ReferenceSequence() {
        var g = SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func randomizationTestApproachesTheExactPermutationP() {
        // All 256 sign assignments give p = 20/256 = 0.078125 exactly.
        let p = pairedRandomizationTest(baseline: Self.a, treatment: Self.b, permutations: 10_000, seed: 42)
        #expect(abs(p - 0.078125) < 0.015)
        #expect(p == pairedRandomizationTest(baseline: Self.a, treatment: Self.b, permutations: 10_000, seed: 42))
        #expect(pairedRandomizationTest(baseline: Self.a, treatment: Self.a) == 1)
        #expect(pairedRandomizationTest(baseline: [], treatment: []) == 1)
    }
}
