import CPrefetch
import QuarryBase

/// How a graph search scores nodes against the query: on the float32 rows (HNSW), or on 8-bit
/// codes held in memory (HNSW_SQ, re-ranked on the float32 rows afterwards). The search loops
/// are generic over it, so each is compiled for its scorer with nothing in between.
protocol HNSWScorer {
    func score(_ i: UInt32) -> Float
    func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float>
    /// Asks for every cache line of node i's data, so its misses start before it is scored.
    func prefetch(_ i: UInt32)
}

/// Scores on the float32 rows (cosine rows are stored normalised, so it is an inner product).
struct FloatScorer: HNSWScorer {
    let q: UnsafePointer<Float>
    let rows: Rows<Float>
    let l2: Bool

    @inline(__always) func score(_ i: UInt32) -> Float {
        l2 ? -Kernels.l2Squared(q, rows[i], rows.d) : Kernels.dot(q, rows[i], rows.d)
    }
    @inline(__always) func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float> {
        Kernels.score4(q, rows[a], rows[b], rows[c], rows[e], rows.d, l2: l2)
    }
    @inline(__always) func prefetch(_ i: UInt32) { rows.prefetch(i) }
}

/// Rows of `d` values each, laid end to end: row i starts at `base + i·d`.
struct Rows<Element> {
    let base: UnsafePointer<Element>
    let d: Int

    @inline(__always) subscript(_ i: UInt32) -> UnsafePointer<Element> { base + Int(i) &* d }

    /// Asks for every cache line of row i (a 384-d float32 row is 24 lines): the misses all
    /// start at once, where a load of each would wait for the first.
    @inline(__always) func prefetch(_ i: UInt32) {
        let row = UnsafeRawPointer(self[i])
        let bytes = d &* MemoryLayout<Element>.stride
        var offset = 0
        while offset < bytes { quarry_prefetch(row + offset); offset &+= 64 }
    }
}

/// Scores on SQ8 codes (d bytes per node): with the query prepared once (`SQ8.prepare`), an
/// inner product is `bias + Σ w_j·c_j` and an L2 distance `Σ (w_j − scale_j·c_j)²`.
struct SQ8Scorer: HNSWScorer {
    let w: UnsafePointer<Float>
    let bias: Float
    let scale: UnsafePointer<Float>
    let codes: Rows<UInt8>
    let l2: Bool

    @inline(__always) func score(_ i: UInt32) -> Float {
        l2 ? -SQ8.l2(w, scale, codes[i], codes.d) : bias + SQ8.dot(w, codes[i], codes.d)
    }
    @inline(__always) func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float> {
        SIMD4(score(a), score(b), score(c), score(e))
    }
    @inline(__always) func prefetch(_ i: UInt32) { codes.prefetch(i) }
}
