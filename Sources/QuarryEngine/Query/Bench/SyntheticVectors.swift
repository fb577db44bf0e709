import Foundation
import QuarryEval

extension SyntheticCorpus {
    /// Writes `count` clustered vectors of `dimension` as fbin, shaped like the peers'
    /// `make_synth.py`: a unit topic centroid plus Gaussian noise of scale 0.7/√d, so nearest
    /// neighbours cluster by topic as real embeddings do.
    public func writeVectors(count: Int, dimension: Int, topics: Int = 50, to path: String) throws {
        var rng = RNG(seed: seed &+ 1)
        func gaussian() -> Float {
            // Box–Muller.
            let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            return Float(sqrt(-2 * log(u1)) * cos(2 * .pi * u2))
        }
        var centroids: [[Float]] = []
        for _ in 0..<max(1, topics) {
            var c = (0..<dimension).map { _ in gaussian() }
            let norm = sqrt(c.reduce(0) { $0 + $1 * $1 })
            c = c.map { $0 / max(norm, 1e-12) }
            centroids.append(c)
        }
        let scale = Float(0.7 / Double(dimension).squareRoot())
        var data = Data(capacity: 8 + count * dimension * 4)
        for v in [Int32(count), Int32(dimension)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        var row = [Float](repeating: 0, count: dimension)
        for _ in 0..<count {
            let c = centroids[Int(rng.next() % UInt64(centroids.count))]
            for j in 0..<dimension { row[j] = c[j] + scale * gaussian() }
            row.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
