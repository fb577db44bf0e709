import QuarryBase

/// How a graph search scores nodes against the query: on the float32 rows (HNSW), or on 8-bit
/// codes held in memory (HNSW_SQ, re-ranked on the float32 rows afterwards). The search loops
/// are generic over it, so each is compiled for its scorer with nothing in between.
protocol HNSWScorer {
    func score(_ i: UInt32) -> Float
    func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float>
    /// Reads the first byte of node i's data, so its cache miss starts early.
    func touch(_ i: UInt32) -> UInt32
}

/// Scores on the float32 rows (cosine rows are stored normalised, so it is an inner product).
struct FloatScorer: HNSWScorer {
    let q: UnsafePointer<Float>
    let rows: UnsafePointer<Float>
    let d: Int
    let l2: Bool

    @inline(__always) func row(_ i: UInt32) -> UnsafePointer<Float> { rows + Int(i) &* d }
    @inline(__always) func score(_ i: UInt32) -> Float {
        l2 ? -Kernels.l2Squared(q, row(i), d) : Kernels.dot(q, row(i), d)
    }
    @inline(__always) func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float> {
        Kernels.score4(q, row(a), row(b), row(c), row(e), d, l2: l2)
    }
    @inline(__always) func touch(_ i: UInt32) -> UInt32 { row(i).pointee.bitPattern }
}

/// Scores on SQ8 codes (d bytes per node): with the query prepared once (`SQ8.prepare`), an
/// inner product is `bias + Σ w_j·c_j` and an L2 distance `Σ (w_j − scale_j·c_j)²`.
struct SQ8Scorer: HNSWScorer {
    let w: UnsafePointer<Float>
    let bias: Float
    let scale: UnsafePointer<Float>
    let codes: UnsafePointer<UInt8>
    let d: Int
    let l2: Bool

    @inline(__always) func code(_ i: UInt32) -> UnsafePointer<UInt8> { codes + Int(i) &* d }
    @inline(__always) func score(_ i: UInt32) -> Float {
        l2 ? -SQ8.l2(w, scale, code(i), d) : bias + SQ8.dot(w, code(i), d)
    }
    @inline(__always) func score4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ e: UInt32) -> SIMD4<Float> {
        SIMD4(score(a), score(b), score(c), score(e))
    }
    @inline(__always) func touch(_ i: UInt32) -> UInt32 { UInt32(code(i).pointee) }
}
