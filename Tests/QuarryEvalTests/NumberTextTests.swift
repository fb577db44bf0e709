import Foundation
import Testing
@testable import QuarryEval

/// NumberText against Foundation's `String(format:)` (the oracle it replaces in plans).
@Suite struct NumberTextTests {
    @Test func paddedMatchesStringFormatAndTrimmedDropsTrailingZeros() {
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1, 12.345, 99.995, -0.0004, 123456.789, 0.1, 2.675]
        for i in 0..<500 {
            let whole = Double(i * 7919 % 2000) - 1000
            values.append(whole + Double(i % 97) / 97)
        }
        for v in values {
            for decimals in 0...4 {
                let padded = NumberText.fixedPadded(v, decimals: decimals)
                let reference = String(format: "%.\(decimals)f", v)
                // printf rounds half to even on the binary value; both agree off exact ties.
                #expect(abs(Double(padded)! - Double(reference)!) <= pow(10, Double(-decimals)) * 1.0001, "\(v) \(decimals)")
                let trimmed = NumberText.fixed(v, decimals: decimals)
                #expect(Double(trimmed) == Double(padded), "\(v) \(decimals): \(trimmed) vs \(padded)")
                #expect(!trimmed.hasSuffix(".") && !(trimmed.contains(".") && trimmed.hasSuffix("0")), "\(trimmed)")
            }
        }
        #expect(NumberText.fixed(2.5, decimals: 3) == "2.5")
        #expect(NumberText.fixed(-0.0001, decimals: 2) == "0")
        #expect(NumberText.fixedPadded(0.05, decimals: 4) == "0.0500")
        #expect(NumberText.tick(1234.5) == "1235")
    }
}
