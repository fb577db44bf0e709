import Foundation
import QuarryEval

/// Vectors that behave like sentence embeddings at any scale, for `quarry bench scale`:
/// points of a low-dimensional latent space (topics as Gaussian clusters of varying spread)
/// mapped into `dimension` by one fixed random linear map, with a little isotropic noise, then
/// normalised. Real embeddings have an intrinsic dimension of a few tens, which is what lets
/// graph and IVF indexes reach high recall on them; isotropic Gaussian clusters in 384
/// dimensions do not (nearest neighbours there are nearly equidistant).
///
/// Deterministic for a seed; queries drawn with another seed are new points of the same
/// distribution — not copies of corpus rows.
public struct LowRankVectors {
    public var dimension: Int
    public var latentDimension: Int
    public var topics: Int
    public var seed: UInt64

    public init(dimension: Int, latentDimension: Int = 24, topics: Int = 1000, seed: UInt64 = 42) {
        self.dimension = dimension
        self.latentDimension = latentDimension
        self.topics = topics
        self.seed = seed
    }

    /// The fixed part: the map and the topic centres (from `seed` alone).
    struct Model {
        var map: [Float]          // dimension × latent, row-major
        var centres: [Float]      // topics × latent
        var spreads: [Float]      // per topic
    }

    func model() -> Model {
        var rng = SplitMix64(seed: seed)
        let k = latentDimension
        let map = (0..<(dimension * k)).map { _ in gaussian(&rng) / Float(k).squareRoot() }
        let centres = (0..<(topics * k)).map { _ in gaussian(&rng) }
        let spreads = (0..<topics).map { _ in Float(0.35 + 0.5 * unit(&rng)) }
        return Model(map: map, centres: centres, spreads: spreads)
    }

    /// Writes `count` rows as fbin to `path`, streaming (memory stays small at any count).
    /// `stream` picks the draws: 0 for a corpus, another number for its queries.
    public func writeFbin(count: Int, stream: UInt64, to path: String, progress: ((Int) -> Void)? = nil) throws {
        let m = model()
        var rng = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) &+ 1)
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? h.close() }
        var header = Data()
        for v in [Int32(count), Int32(dimension)] { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        h.write(header)
        let k = latentDimension, d = dimension
        let noise = Float(0.08 / Double(d).squareRoot())
        var z = [Float](repeating: 0, count: k)
        let batch = 4096
        var out = [Float](repeating: 0, count: batch * d)
        var done = 0
        while done < count {
            let n = min(batch, count - done)
            for r in 0..<n {
                let t = Int(rng.next() % UInt64(topics))
                for j in 0..<k { z[j] = m.centres[t * k + j] + m.spreads[t] * gaussian(&rng) }
                var norm: Float = 0
                for i in 0..<d {
                    var s: Float = 0
                    for j in 0..<k { s += m.map[i * k + j] * z[j] }
                    s += noise * gaussian(&rng)
                    out[r * d + i] = s
                    norm += s * s
                }
                let inv = 1 / max(norm.squareRoot(), 1e-12)
                for i in 0..<d { out[r * d + i] *= inv }
            }
            out.withUnsafeBytes { h.write(Data(UnsafeRawBufferPointer(rebasing: $0[0..<(n * d * 4)]))) }
            done += n
            progress?(done)
        }
    }
}

/// A uniform draw in (0, 1].
private func unit(_ rng: inout SplitMix64) -> Double { (Double(rng.next() >> 11) + 1) / 9_007_199_254_740_992.0 }

/// A standard normal draw (Box–Muller).
private func gaussian(_ rng: inout SplitMix64) -> Float {
    let u1 = unit(&rng), u2 = unit(&rng)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
}

extension SyntheticCorpus {
    /// Four-word queries from the corpus's vocabulary and Zipfian law (new draws, not copies of
    /// records), one per line.
    public func queryTexts(count: Int, words: Int = 4) -> [String] {
        var rng = RNG(seed: seed &+ 7)
        let vocabulary = Self.vocabulary()
        return (0..<count).map { _ in
            (0..<words).map { _ in
                let u = Double(rng.next() % 1_000_000) / 1_000_000
                return vocabulary[min(vocabulary.count - 1, Int(pow(Double(vocabulary.count), u)) - 1)]
            }.joined(separator: " ")
        }
    }
}
