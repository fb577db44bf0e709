import COpenBLAS
import QuarryBase

/// Many-against-many scores through OpenBLAS `cblas_sgemm` (~100+ GFLOP/s here against ~25 for
/// the SIMD kernel in cache): k-means and IVF assignment, and exact ground truth for query sets.
enum BatchScores {
    /// `out[i·nb + j] = ⟨a_i, b_j⟩` for `na` rows of `a` and `nb` rows of `b`, both row-major with `d` columns.
    static func innerProducts(_ a: UnsafePointer<Float>, _ na: Int, _ b: UnsafePointer<Float>, _ nb: Int, _ d: Int,
                              into out: UnsafeMutablePointer<Float>)
    {
        guard na > 0, nb > 0 else { return }
        quarry_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(na), Int32(nb), Int32(d),
                    1, a, Int32(d), b, Int32(d), 0, out, Int32(nb))
    }

    /// Squared norms of `n` rows.
    static func squaredNorms(_ a: UnsafePointer<Float>, _ n: Int, _ d: Int) -> [Float] {
        (0..<n).map { Kernels.dot(a + $0 * d, a + $0 * d, d) }
    }

    /// For each row of `a`, the index of the nearest row of `b` by squared L2 (ties: smaller index),
    /// processed in blocks so the score matrix stays small.
    static func nearest(_ a: UnsafePointer<Float>, _ na: Int, _ b: UnsafePointer<Float>, _ nb: Int, _ d: Int) -> [Int32] {
        let bNorms = squaredNorms(b, nb, d)
        let block = max(1, min(na, (1 << 22) / max(nb, 1)))
        var out = [Int32](repeating: 0, count: na)
        var scores = [Float](repeating: 0, count: block * nb)
        var start = 0
        while start < na {
            let m = min(block, na - start)
            scores.withUnsafeMutableBufferPointer { s in
                innerProducts(a + start * d, m, b, nb, d, into: s.baseAddress!)
                for i in 0..<m {
                    var best = 0
                    var bestDistance = Float.infinity
                    let row = s.baseAddress! + i * nb
                    for j in 0..<nb {
                        let dist = bNorms[j] - 2 * row[j]
                        if dist < bestDistance { bestDistance = dist; best = j }
                    }
                    out[start + i] = Int32(best)
                }
            }
            start += m
        }
        return out
    }
}

/// Exact top-k of many queries at once (the ground truth of recall@k), scored with sgemm.
public enum ExactSearch {
    /// The exact top-k of each query over `base` (n×d, row i = ordinal i) under `metric`, best
    /// first; scores are higher-is-better as everywhere (see `VectorMetric`).
    public static func topK(base: [Float], queries: [Float], dimension d: Int, k: Int,
                            metric: VectorMetric) -> [[ScoredID]]
    {
        precondition(d > 0 && base.count % d == 0 && queries.count % d == 0)
        var base = base, queries = queries
        let nb = base.count / d, nq = queries.count / d
        if metric == .cosine {
            base.withUnsafeMutableBufferPointer { p in for i in 0..<nb { Kernels.normalize(p.baseAddress! + i * d, d) } }
            queries.withUnsafeMutableBufferPointer { p in for i in 0..<nq { Kernels.normalize(p.baseAddress! + i * d, d) } }
        }
        guard nb > 0 else { return (0..<nq).map { _ in [] } }
        // L2 through inner products: -‖q − x‖² = −(‖q‖² − 2⟨q, x⟩ + ‖x‖²).
        let l2 = metric == .l2
            ? (base: base.withUnsafeBufferPointer { BatchScores.squaredNorms($0.baseAddress!, nb, d) },
               queries: queries.withUnsafeBufferPointer { BatchScores.squaredNorms($0.baseAddress!, nq, d) })
            : nil
        return base.withUnsafeBufferPointer { b in topK(base: b.baseAddress!, count: nb, queries: queries, dimension: d, k: k, l2Norms: l2) }
    }

    /// The exact top-k by inner product of each query over `count` rows in place (a mapped
    /// file; rows already normalised for cosine), in blocks through sgemm, so memory stays at a
    /// block of scores whatever the base's size; with `l2Norms` (squared lengths of the rows and
    /// the queries) it ranks by negated squared L2 distance. `progress(done, total)` follows the base.
    public static func topK(base: UnsafePointer<Float>, count nb: Int, queries: [Float], dimension d: Int, k: Int,
                            firstOrdinal: UInt32 = 0, excluded: Bitmap? = nil, l2Norms: (base: [Float], queries: [Float])? = nil,
                            progress: (Int, Int) -> Void = { _, _ in }) -> [[ScoredID]] {
        precondition(d > 0 && queries.count % d == 0)
        let nq = queries.count / d
        var tops = (0..<nq).map { _ in TopK(k: k) }
        let block = max(1, min(nb, (1 << 24) / max(nq, 1)))
        var scores = [Float](repeating: 0, count: block * nq)
        var start = 0
        while start < nb {
            let m = min(block, nb - start)
            queries.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    BatchScores.innerProducts(q.baseAddress!, nq, base + start * d, m, d, into: s.baseAddress!)
                }
            }
            scores.withUnsafeBufferPointer { s in
                for qi in 0..<nq {
                    let row = s.baseAddress! + qi * m
                    for j in 0..<m {
                        var v = row[j]
                        if let l2Norms { v = -(l2Norms.queries[qi] - 2 * v + l2Norms.base[start + j]) }
                        if let t = tops[qi].threshold, v < t { continue }
                        let id = firstOrdinal + UInt32(start + j)
                        if let excluded, excluded.contains(id) { continue }
                        tops[qi].push(id: id, score: v)
                    }
                }
            }
            start += m
            progress(start, nb)
        }
        return tops.map { $0.sorted() }
    }
}
