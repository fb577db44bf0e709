import QuarryBase

/// k-means for IVF coarse quantizers: k-means++ seeding (Arthur & Vassilvitskii, "k-means++:
/// The Advantages of Careful Seeding", 2007) on a random sample, then Lloyd iterations whose
/// assignment step runs through sgemm (`BatchScores.nearest`). Above 256 centroids the seeds
/// are random sample rows (faiss's default) instead of k-means++, whose k passes would dominate.
enum KMeans {
    /// `k` centroids (k×d, row-major) of the rows of `data`. Empty clusters are re-seeded with a
    /// random sample row. `samplePerCentroid` bounds the training sample (faiss uses 256).
    static func train(_ data: UnsafePointer<Float>, n: Int, d: Int, k: Int, iterations: Int = 12,
                      samplePerCentroid: Int = 128, seed: UInt64) -> [Float]
    {
        precondition(n > 0 && k > 0 && k <= n)
        var rng = SplitMix64(seed: seed)
        // Sample without replacement (partial Fisher–Yates).
        let m = min(n, max(k * samplePerCentroid, k))
        var order = Array(0..<n)
        for i in 0..<m {
            let j = i + Int(rng.next() % UInt64(n - i))
            order.swapAt(i, j)
        }
        var sample = [Float](repeating: 0, count: m * d)
        sample.withUnsafeMutableBufferPointer { s in
            for i in 0..<m { (s.baseAddress! + i * d).update(from: data + order[i] * d, count: d) }
        }
        return sample.withUnsafeBufferPointer { s in
            let base = s.baseAddress!
            // k-means++ costs k passes over the sample: for many centroids, seed them with
            // distinct sample rows instead (faiss's default), which Lloyd's iterations then refine.
            var centroids = k <= 256 ? seedPlusPlus(base, m, d, k, &rng) : [Float](UnsafeBufferPointer(start: base, count: k * d))
            for _ in 0..<iterations {
                let assign = centroids.withUnsafeBufferPointer { BatchScores.nearest(base, m, $0.baseAddress!, k, d) }
                var sums = [Float](repeating: 0, count: k * d)
                var counts = [Int](repeating: 0, count: k)
                for i in 0..<m {
                    let c = Int(assign[i])
                    counts[c] += 1
                    let row = base + i * d
                    for j in 0..<d { sums[c * d + j] += row[j] }
                }
                for c in 0..<k {
                    if counts[c] == 0 {
                        let r = Int(rng.next() % UInt64(m))
                        for j in 0..<d { centroids[c * d + j] = base[r * d + j] }
                    } else {
                        let inv = 1 / Float(counts[c])
                        for j in 0..<d { centroids[c * d + j] = sums[c * d + j] * inv }
                    }
                }
            }
            return centroids
        }
    }

    /// k-means++: each next centre is drawn with probability proportional to D(x)².
    static func seedPlusPlus(_ x: UnsafePointer<Float>, _ m: Int, _ d: Int, _ k: Int, _ rng: inout SplitMix64) -> [Float] {
        var centroids = [Float](repeating: 0, count: k * d)
        var nearest = [Float](repeating: .infinity, count: m)
        var next = Int(rng.next() % UInt64(m))
        for c in 0..<k {
            for j in 0..<d { centroids[c * d + j] = x[next * d + j] }
            let cp = x + next * d
            var total = 0.0
            for i in 0..<m {
                let dist = Kernels.l2Squared(x + i * d, cp, d)
                if dist < nearest[i] { nearest[i] = dist }
                total += Double(nearest[i])
            }
            guard c + 1 < k else { break }
            if total <= 0 {
                next = Int(rng.next() % UInt64(m))
                continue
            }
            var target = rng.unit() * total
            next = m - 1
            for i in 0..<m {
                target -= Double(nearest[i])
                if target <= 0 { next = i; break }
            }
        }
        return centroids
    }
}
