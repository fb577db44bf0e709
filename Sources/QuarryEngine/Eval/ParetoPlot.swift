/// A scatter plot in Unicode braille (U+2800–U+28FF) with labelled axes, for a sweep's
/// quality-against-latency points and their Pareto frontier.
///
/// Each character cell holds 2 × 4 dots, so a plot of `width` × `height` cells has
/// `2·width` × `4·height` dots. Every point is one dot; the frontier points are joined by straight
/// lines (Bresenham) so the frontier reads as a curve. Axes run from the smallest to the largest
/// value of the points (a single value is widened around itself); with no points they run 0 to 1; the y axis is labelled at its top, middle and bottom, the x axis at its
/// ends, with the axis names above the y axis and under the x axis.
public enum ParetoPlot {
    /// The plot lines: the y-axis name, `height` rows of the plot, the x axis, its tick values and
    /// the x-axis name. `frontier` holds indices into `points`, in any order.
    public static func render(
        points: [(x: Double, y: Double)], frontier: [Int], width: Int, height: Int, xLabel: String, yLabel: String
    ) -> [String] {
        let width = max(2, width), height = max(2, height)
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        let xs = finite.map(\.x), ys = finite.map(\.y)
        let (xMin, xMax) = span(xs.min() ?? 0, xs.max() ?? 1)
        let (yMin, yMax) = span(ys.min() ?? 0, ys.max() ?? 1)
        let dotsX = 2 * width, dotsY = 4 * height
        func dot(_ p: (x: Double, y: Double)) -> (Int, Int) {
            let fx = xMax > xMin ? (p.x - xMin) / (xMax - xMin) : 0.5
            let fy = yMax > yMin ? (p.y - yMin) / (yMax - yMin) : 0.5
            return (Int((fx * Double(dotsX - 1)).rounded()), dotsY - 1 - Int((fy * Double(dotsY - 1)).rounded()))
        }
        var grid = [[UInt8]](repeating: [UInt8](repeating: 0, count: width), count: height)
        func set(_ x: Int, _ y: Int) {
            guard x >= 0, x < dotsX, y >= 0, y < dotsY else { return }
            let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            grid[y / 4][x / 2] |= bits[x % 2][y % 4]
        }
        for p in finite { let (x, y) = dot(p); set(x, y) }
        let path = frontier.filter { points.indices.contains($0) && points[$0].x.isFinite && points[$0].y.isFinite }
            .map { points[$0] }.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }.map(dot)
        for (a, b) in zip(path, path.dropFirst()) { line(from: a, to: b, set) }
        if path.count == 1 { set(path[0].0, path[0].1) }

        let top = NumberText.tick(yMax), bottom = NumberText.tick(yMin)
        let mid = height >= 5 ? NumberText.tick((yMin + yMax) / 2) : ""
        let gutter = max(top.count, mid.count, bottom.count)
        func pad(_ s: String) -> String { String(repeating: " ", count: gutter - s.count) + s }
        var lines = [String(repeating: " ", count: gutter) + " " + yLabel]
        for r in 0..<height {
            let row = String(String.UnicodeScalarView(grid[r].map { $0 == 0 ? " " : Unicode.Scalar(0x2800 + UInt32($0))! }))
            let label: String
            if r == 0 { label = pad(top) + " ┤" }
            else if r == height - 1 { label = pad(bottom) + " ┤" }
            else if r == height / 2 && height >= 5 { label = pad(mid) + " ┤" }
            else { label = String(repeating: " ", count: gutter) + " │" }
            lines.append(stripTrailingSpaces(label + row))
        }
        let indent = String(repeating: " ", count: gutter + 1)
        lines.append(indent + "└" + String(repeating: "─", count: width))
        let left = NumberText.tick(xMin), right = NumberText.tick(xMax)
        let gap = max(1, width + 1 - left.count - right.count)
        lines.append(indent + left + String(repeating: " ", count: gap) + right)
        let centre = max(0, (width + 1 - xLabel.count) / 2)
        lines.append(indent + String(repeating: " ", count: centre) + xLabel)
        return lines
    }

    /// The plot of a sweep: p50 latency in ms on x, `metric` on y, its Pareto frontier joined.
    public static func render(rows: [SweepRow], metric: String, width: Int, height: Int) -> [String] {
        let usable = rows.indices.filter { rows[$0].metrics[metric] != nil }
        let points = usable.map { (x: rows[$0].p50Ms, y: rows[$0].metrics[metric]!) }
        let onFrontier = Set(paretoFrontier(rows, metric: metric))
        let frontier = usable.indices.filter { onFrontier.contains(usable[$0]) }
        return render(points: points, frontier: frontier, width: width, height: height, xLabel: "p50 latency (ms)", yLabel: metric)
    }

    /// The axis range; a single value is widened by 10% of itself (or by 1 around 0) each way, so
    /// the point sits in the middle between two distinct labels.
    static func span(_ lo: Double, _ hi: Double) -> (Double, Double) {
        guard lo == hi else { return (lo, hi) }
        let d = lo == 0 ? 1 : abs(lo) * 0.1
        return (lo - d, hi + d)
    }

    /// Bresenham's line algorithm (Bresenham, "Algorithm for computer control of a digital
    /// plotter", IBM Systems Journal 1965), all octants.
    static func line(from a: (Int, Int), to b: (Int, Int), _ set: (Int, Int) -> Void) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y)
            if x == b.0 && y == b.1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    private static func stripTrailingSpaces(_ s: String) -> String {
        var s = s
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
