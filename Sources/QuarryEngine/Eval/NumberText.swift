/// Numbers as short fixed-point text, without Foundation's `String(format:)`.
public enum NumberText {
    /// A short tick label: 3 significant figures, at most 3 decimals, no trailing zeros.
    /// An integer with thousands separators: 1,000,000.
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    public static func tick(_ v: Double) -> String {
        guard v.isFinite else { return "?" }
        let a = abs(v)
        let decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
        return fixed(v, decimals: decimals)
    }

    /// `v` rounded to `decimals` places, trailing zeros (and a bare point) removed.
    public static func fixed(_ v: Double, decimals: Int) -> String {
        let padded = fixedPadded(v, decimals: decimals)
        guard decimals > 0, padded.contains("."), v.isFinite else { return padded }
        var s = Substring(padded)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return String(s)
    }

    /// `v` with exactly `decimals` places (`0.5000`), by integer arithmetic (plans format a few
    /// of these per query, so this stays far cheaper than `String(format:)`).
    public static func fixedPadded(_ v: Double, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        guard v.isFinite, abs(v) * Double(scale) < 1e15 else { return "\(v)" }
        let n = Int64((abs(v) * Double(scale)).rounded())
        var s = v < 0 && n != 0 ? "-" : ""
        s += String(n / scale)
        guard decimals > 0 else { return s }
        let frac = String(n % scale)
        s += "."
        for _ in frac.count..<decimals { s += "0" }
        return s + frac
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
