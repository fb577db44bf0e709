import QuarryBase
import Testing

/// The one generator of the package: the published sequence (Steele, Lea & Flood 2014;
/// Vigna's reference `splitmix64.c` from state 0), and the shape of its derived samples.
@Suite struct SplitMix64Tests {
    @Test func matchesTheReferenceSequence() {
        var g = SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func unitsStayInTheirIntervalAndGaussiansLookNormal() {
        var g = SplitMix64(seed: 42)
        let units = (0..<10_000).map { _ in g.unit() }
        #expect(units.allSatisfy { $0 > 0 && $0 <= 1 })
        let samples = (0..<20_000).map { _ in Double(g.gaussian()) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
        #expect(samples.allSatisfy { $0.isFinite })
    }
}
