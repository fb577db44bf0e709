import Foundation
import QuarryBase
@testable import QuarryVector

/// The one SplitMix64 (QuarryBase's); QuarryVector keeps an internal copy that `@testable`
/// would make ambiguous here.
typealias SplitMix64 = QuarryBase.SplitMix64

/// Random clustered data: `clusters` Gaussian blobs around random unit centres.
func clusteredData(n: Int, d: Int, clusters: Int = 20, spread: Float = 0.35, seed: UInt64 = 7) -> [Float] {
    var rng = SplitMix64(seed: seed)
    var centres = [Float](repeating: 0, count: clusters * d)
    for i in centres.indices { centres[i] = rng.gaussian() }
    var out = [Float](repeating: 0, count: n * d)
    for i in 0..<n {
        let c = Int(rng.next() % UInt64(clusters))
        for j in 0..<d { out[i * d + j] = centres[c * d + j] / Float(d).squareRoot() * 1 + spread * rng.gaussian() / Float(d).squareRoot() }
    }
    return out
}

/// Mean share of the exact top-k ids found (the peers' recall@k definition).
func recall(_ found: [[ScoredID]], _ truth: [[ScoredID]], k: Int = 10) -> Double {
    var total = 0.0
    for (f, t) in zip(found, truth) {
        let exact = Set(t.prefix(k).map(\.id))
        guard !exact.isEmpty else { total += 1; continue }
        total += Double(f.prefix(k).filter { exact.contains($0.id) }.count) / Double(exact.count)
    }
    return total / Double(max(truth.count, 1))
}

func rows(_ data: [Float], d: Int, _ range: Range<Int>) -> [[Float]] {
    range.map { Array(data[$0 * d..<($0 + 1) * d]) }
}

/// The package root (three levels up from this file) and its SciFact sample's vectors.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let scifactDir = packageRoot.appendingPathComponent("Samples/scifact")
