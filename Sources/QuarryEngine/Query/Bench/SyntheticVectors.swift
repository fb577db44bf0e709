import Foundation
import QuarryVector

extension SyntheticCorpus {
    /// Writes `count` clustered vectors of `dimension` as fbin, shaped like the peers'
    /// `make_synth.py`: a unit topic centroid plus Gaussian noise of scale 0.7/√d, so nearest
    /// neighbours cluster by topic as real embeddings do.
    public func writeVectors(count: Int, dimension: Int, topics: Int = 50, to path: String) throws {
        var rng = RNG(seed: seed &+ 1)
        var centroids: [[Float]] = []
        for _ in 0..<max(1, topics) {
            var c = (0..<dimension).map { _ in rng.gaussian() }
            let norm = sqrt(c.reduce(0) { $0 + $1 * $1 })
            c = c.map { $0 / max(norm, 1e-12) }
            centroids.append(c)
        }
        let scale = Float(0.7 / Double(dimension).squareRoot())
        var flat = [Float]()
        flat.reserveCapacity(count * dimension)
        for _ in 0..<count {
            let c = centroids[Int(rng.next() % UInt64(centroids.count))]
            for j in 0..<dimension { flat.append(c[j] + scale * rng.gaussian()) }
        }
        try Fbin.write(flat, dimension: dimension, path: path)
    }
}
