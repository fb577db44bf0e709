import QuarryBase
import Testing

@testable import QuarryFilter

@Test func benchmarkReportsEveryRowAndAgreesWithTheScan() {
    let report = FilterBenchmark.run(count: 2_000, repeats: 1)
    #expect(report.rows.count == 5)
    #expect(report.rows.map(\.targetSelectivity) == [0.001, 0.01, 0.1, 0.5, 0.001])
    #expect(report.rows.allSatisfy { $0.agrees })
    for row in report.rows.prefix(4) {
        #expect(abs(row.actualSelectivity - row.targetSelectivity) <= 0.001, "\(row.filter)")
    }
    if case let .object(members) = report.jsonValue { #expect(members.map(\.key) == ["records", "build_ms", "index_bytes", "rows"]) }
}
