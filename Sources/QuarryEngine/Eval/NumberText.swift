/// Numbers as short fixed-point text, without Foundation's `String(format:)`.
enum NumberText {
    /// A short tick label: 3 significant figures, at most 3 decimals, no trailing zeros.
    static func tick(_ v: Double) -> String {
        guard v.isFinite else { return "?" }
        let a = abs(v)
        let decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
        return fixed(v, decimals: decimals)
    }

    /// `v` rounded to `decimals` places, trailing zeros (and a bare point) removed.
    static func fixed(_ v: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard v.isFinite, abs(v) * scale < 1e15 else { return "\(v)" }
        let n = Int64((abs(v) * scale).rounded())
        let negative = v < 0 && n != 0
        var digits = String(n)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -decimals)
            var frac = String(digits[cut...])
            while frac.hasSuffix("0") { frac.removeLast() }
            digits = String(digits[..<cut]) + (frac.isEmpty ? "" : "." + frac)
        }
        return (negative ? "-" : "") + digits
    }

    /// `v` with exactly `decimals` places (`0.5000`).
    static func fixedPadded(_ v: Double, decimals: Int) -> String {
        var s = fixed(v, decimals: decimals)
        guard decimals > 0 else { return s }
        if !s.contains(".") { s += "." }
        let have = s.count - 1 - s.distance(from: s.startIndex, to: s.firstIndex(of: ".")!)
        return s + String(repeating: "0", count: decimals - have)
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
