import Foundation
import Testing
@testable import QuarryEmbed

/// The vectorised kernels against the C library's exact ones (the oracle) over random inputs.
@Suite struct VectorMathTests {
    func randomValues(_ n: Int, in range: ClosedRange<Float>, seed: UInt64) -> [Float] {
        var g = SplitMix64(seed: seed)
        return (0..<n).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * Float(g.next() >> 40) / Float(1 << 24) }
    }

    @Test func expIsWithinRelative3e7OfExpf() {
        let xs = randomValues(20_000, in: -80...80, seed: 1) + [0, -1e-8, 1e-8, 88, -87]
        for x in xs {
            let e = VectorMath.exp(SIMD8(repeating: x))[3]
            let ref = expf(x)
            #expect(abs(e - ref) <= 3e-7 * ref, "exp(\(x)) = \(e), expf = \(ref)")
        }
        #expect(VectorMath.exp(SIMD8(repeating: -1000))[0] < 1.3e-38)
    }

    @Test func erfIsWithinAbsolute5e7OfErff() {
        for x in randomValues(20_000, in: -6...6, seed: 2) + [0, -0, 1e-6, -1e-6, 10, -10] {
            let e = VectorMath.erf(SIMD8(repeating: x))[5]
            #expect(abs(e - erff(x)) <= 5e-7, "erf(\(x)) = \(e), erff = \(erff(x))")
        }
    }

    @Test func geluAndSoftmaxMatchScalarFormulasForEveryLengthAndTail() {
        for n in [1, 7, 8, 9, 31, 200] {
            let xs = randomValues(n, in: -8...8, seed: UInt64(n))
            var g = xs
            g.withUnsafeMutableBufferPointer { VectorMath.gelu($0.baseAddress!, count: n) }
            for (x, y) in zip(xs, g) {
                let ref = Double(x) * 0.5 * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
                #expect(abs(Double(y) - ref) <= 2e-6, "gelu(\(x))")
            }
            var s = xs
            s.withUnsafeMutableBufferPointer { VectorMath.softmax($0.baseAddress!, count: n) }
            let m = xs.max()!
            let denominator = xs.reduce(0.0) { $0 + Foundation.exp(Double($1 - m)) }
            for (x, y) in zip(xs, s) {
                #expect(abs(Double(y) - Foundation.exp(Double(x - m)) / denominator) <= 1e-6)
            }
        }
    }
}

/// The small-batch matrix kernel against a naive double-precision product (the oracle).
@Suite struct PanelGemmTests {
    @Test func panelProductEqualsNaiveProductForEveryRowCount() {
        var g = SplitMix64(seed: 7)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(g.next() >> 40) / Float(1 << 24) - 0.5 } }
        for (inputs, columns) in [(3, 16), (37, 48), (384, 64)] {
            let w = random(inputs * columns)
            let panels = w.withUnsafeBufferPointer { PanelGemm.pack($0.baseAddress!, rows: inputs, columns: columns) }
            defer { panels.deallocate() }
            for rows in [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 19] {
                let x = random(rows * inputs), y0 = random(rows * columns)
                var y = y0
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        PanelGemm.multiplyAdd(rows: rows, inputs: inputs, columns: columns, x: xp.baseAddress!,
                                              panels: panels, y: yp.baseAddress!)
                    }
                }
                var worst = 0.0
                for r in 0..<rows {
                    for c in 0..<columns {
                        var s = Double(y0[r * columns + c])
                        for p in 0..<inputs { s += Double(x[r * inputs + p]) * Double(w[p * columns + c]) }
                        worst = max(worst, abs(s - Double(y[r * columns + c])))
                    }
                }
                #expect(worst < 1e-4, "rows \(rows), \(inputs)×\(columns): max |Δ| \(worst)")
            }
        }
    }
}
