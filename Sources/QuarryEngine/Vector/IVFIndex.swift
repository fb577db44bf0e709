import QuarryBase

/// What IVF_RABITQ re-ranks its best `refine_k` candidates on (Milvus's `refine_type`).
public enum RefineType: String, Sendable, CaseIterable {
    /// No re-ranking: scores are the RaBitQ estimates.
    case none
    /// 8-bit scalar-quantised copies of the vectors (1 byte per dimension).
    case sq8
    /// The float32 vectors themselves (held in memory).
    case flat
}

/// One inverted list: the ordinals assigned to a centroid and their payload, contiguous.
final class InvertedList {
    let ids = RawBuffer<UInt32>()
    /// IVF_FLAT: d floats per entry.
    let floats = RawBuffer<Float>()
    /// IVF_SQ8: d bytes per entry.
    let bytes = RawBuffer<UInt8>()
    /// IVF_RABITQ: D/64 words of sign bits and 3 factors (‖r‖, ⟨x̄, ô⟩, ⟨r, c⟩) per entry.
    let words = RawBuffer<UInt64>()
    let factors = RawBuffer<Float>()

    var memoryBytes: Int { ids.bytes + floats.bytes + bytes.bytes + words.bytes + factors.bytes }
}

/// IVF: an inverted file over k-means centroids (Jégou, Douze & Schmid, "Product Quantization
/// for Nearest Neighbor Search", 2011, section 4 — the coarse quantizer), with three payloads:
/// - IVF_FLAT: float32 vectors, exact scores within the probed lists;
/// - IVF_SQ8: 8-bit scalar-quantised vectors (4x smaller);
/// - IVF_RABITQ: 1-bit RaBitQ codes of the residuals (see `RaBitQ`), re-ranking the best
///   `refine_k` candidates on SQ8 codes (default) or float32 vectors.
///
/// Parameters: `nlist` = 128 lists (Milvus's default; ~4·√n is a common choice), trained by
/// k-means++ and Lloyd on a sample of up to 128 rows per list; `nprobe` (search) = 8 lists
/// scanned. Tuning: recall grows with nprobe/nlist; for IVF_RABITQ, raise `refine_k` before
/// nprobe once the probed lists hold the true neighbours.
public final class IVFIndex: IndexCore {
    public let kind: VectorIndexKind
    public let metric: VectorMetric
    public let dimension: Int
    public let nlist: Int
    public let refine: RefineType
    let seed: UInt64

    /// Centroids (in rotated space for IVF_RABITQ), `centroidCount` × `centroidDimension`.
    let centroids = RawBuffer<Float>()
    var centroidCount = 0
    var centroidDimension: Int { rabitq?.paddedDimension ?? dimension }
    var lists: [InvertedList] = []
    /// Per ordinal: list << 32 | slot.
    let location = RawBuffer<UInt64>()
    var sq8: SQ8?
    var rabitq: RaBitQ?
    /// IVF_RABITQ refine store, by ordinal.
    var refineSQ8: SQ8?
    let refineCodes = RawBuffer<UInt8>()
    var refineVectors: VectorStore?
    /// The float32 refine rows are the field's vector chunk (not a copy held by the index).
    var refineShared = false

    let tombstones = Tombstones()
    let queryBuffer = RawBuffer<Float>()
    // Per-search scratch.
    let rotated = RawBuffer<Float>()
    let residual = RawBuffer<Float>()
    let weights = RawBuffer<Float>()
    var weightsBias: Float = 0
    var probeScores: [Float] = []
    let results = ScoreHeap(maxOnTop: false)
    let candidates = ScoreHeap(maxOnTop: false)
    let candidateInfo = RawBuffer<ScoredIDPair>()
    var prepared: RaBitQQuery?

    public static let defaultNprobe = 8

    public init(kind: VectorIndexKind, dimension: Int, metric: VectorMetric = .cosine, nlist: Int = 128,
                refine: RefineType = .sq8, seed: UInt64 = 100)
    {
        precondition([.ivfFlat, .ivfSQ8, .ivfRaBitQ].contains(kind), "IVFIndex serves the ivf_* kinds")
        precondition(dimension > 0 && nlist > 0)
        self.kind = kind
        self.dimension = dimension
        self.metric = metric
        self.nlist = nlist
        self.refine = kind == .ivfRaBitQ ? refine : .none
        self.seed = seed
        if kind == .ivfRaBitQ {
            let r = RaBitQ(dimension: dimension, seed: seed)
            rabitq = r
            prepared = RaBitQQuery(words: r.words, paddedDimension: r.paddedDimension)
        }
        let cd = rabitq?.paddedDimension ?? dimension
        rotated.append(repeating: 0, count: cd)
        residual.append(repeating: 0, count: cd)
        weights.append(repeating: 0, count: dimension)
    }

    public var count: Int { location.count }
    public var deleted: Bitmap { tombstones.bitmap }
    public var deletedCount: Int { tombstones.deletedCount }
    public var isTrained: Bool { centroidCount > 0 }
    public var parameters: [(name: String, value: String)] {
        var p = [("metric", metric.rawValue), ("nlist", "\(nlist)")]
        if kind == .ivfRaBitQ { p.append(("refine_type", refine.rawValue)) }
        return p
    }

    public var memoryBytes: Int {
        var total = centroids.bytes + location.bytes + tombstones.flags.bytes + refineCodes.bytes
        total += lists.reduce(0) { $0 + $1.memoryBytes }
        total += (refineVectors?.bytes ?? 0) + (sq8.map { $0.dimension * 8 } ?? 0) + (refineSQ8.map { $0.dimension * 8 } ?? 0)
        total += (rabitq?.signs.count ?? 0) * 4
        return total
    }

    public func build(_ data: [Float]) throws {
        guard count == 0, !isTrained else { throw VectorIndexError.notEmpty }
        try insert(data)
    }

    /// Appends rows; the first call trains the centroids (and SQ8 ranges) on its rows.
    @discardableResult
    public func insert(_ data: [Float]) throws -> Range<UInt32> {
        let m = try rows(in: data)
        let first = UInt32(count)
        guard m > 0 else { return first..<first }
        if refineShared {
            // Rows are added to the refine store: it becomes the index's own copy.
            refineVectors?.data.makeOwned()
            refineShared = false
        }
        var x = data
        if metric == .cosine {
            x.withUnsafeMutableBufferPointer { p in for i in 0..<m { Kernels.normalize(p.baseAddress! + i * dimension, dimension) } }
        }
        x.withUnsafeBufferPointer { p in
            if !isTrained { train(p.baseAddress!, m) }
            add(p.baseAddress!, m)
        }
        tombstones.grow(to: count)
        return first..<first + UInt32(m)
    }

    public func delete(_ ordinal: UInt32) throws { try checkDelete(ordinal) }

    /// Builds over the rows of `store` (a mapped chunk, already normalised for cosine): trains
    /// on a sample, then assigns and encodes the rows in batches, so memory stays bounded
    /// whatever their number. A float32 refine re-ranks on `store` itself.
    func buildOverStoredRows(_ store: VectorStore, progress: ((Int, Int) -> Void)? = nil) throws {
        guard count == 0, !isTrained else { throw VectorIndexError.notEmpty }
        guard store.dimension == dimension, store.base == 0 else { throw VectorIndexError.dimensionMismatch(expected: dimension, found: store.dimension) }
        let n = store.count
        guard n > 0 else { return }
        let rows = UnsafePointer(store.data.pointer)
        train(rows, n)
        if refine == .flat {
            refineVectors = store
            refineShared = true
        }
        let batch = 1 << 16
        var start = 0
        while start < n {
            let m = min(batch, n - start)
            add(rows + start * dimension, m)
            start += m
            progress?(start, n)
        }
        tombstones.grow(to: count)
    }

    public func search(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult {
        try runSearch(query: query, k: k, params: params, filter: filter)
    }

    // MARK: - Training and adding

    func train(_ x: UnsafePointer<Float>, _ n: Int) {
        let k = min(nlist, n)
        // A sample of 128 rows per list (64 above 1,024 lists: the sample's Lloyd passes are
        // what training costs, and 64 per centroid is within faiss's 39–256).
        var c = KMeans.train(x, n: n, d: dimension, k: k, samplePerCentroid: k > 1024 ? 64 : 128, seed: seed)
        if let r = rabitq {
            var rc = [Float](repeating: 0, count: k * r.paddedDimension)
            c.withUnsafeBufferPointer { src in
                rc.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<k { r.rotate(src.baseAddress! + i * dimension, into: dst.baseAddress! + i * r.paddedDimension) }
                }
            }
            c = rc
        }
        centroids.append(contentsOf: c)
        centroidCount = k
        lists = (0..<k).map { _ in InvertedList() }
        switch kind {
        case .ivfSQ8: sq8 = SQ8(training: x, n: n, d: dimension)
        case .ivfRaBitQ:
            if refine == .sq8 { refineSQ8 = SQ8(training: x, n: n, d: dimension) }
            if refine == .flat { refineVectors = VectorStore(dimension: dimension) }
        default: break
        }
    }

    func add(_ x: UnsafePointer<Float>, _ n: Int) {
        let d = dimension, cd = centroidDimension
        var space = x
        var rotatedRows: [Float] = []
        if let r = rabitq {
            rotatedRows = [Float](repeating: 0, count: n * cd)
            rotatedRows.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n { r.rotate(x + i * d, into: dst.baseAddress! + i * cd) }
            }
        }
        rotatedRows.withUnsafeBufferPointer { rp in
            if rabitq != nil { space = rp.baseAddress! }
            let assign = BatchScores.nearest(space, n, centroids.pointer, centroidCount, cd)
            for i in 0..<n {
                let ordinal = UInt32(location.count)
                let li = Int(assign[i])
                let list = lists[li]
                let slot = list.ids.count
                list.ids.append(repeating: ordinal, count: 1)
                location.append(repeating: UInt64(li) << 32 | UInt64(slot), count: 1)
                let row = x + i * d
                switch kind {
                case .ivfFlat:
                    list.floats.append(contentsOf: UnsafeBufferPointer(start: row, count: d))
                case .ivfSQ8:
                    list.bytes.append(repeating: 0, count: d)
                    sq8!.encode(row, into: list.bytes.pointer + slot * d)
                default:
                    encodeRaBitQ(rotatedRow: space + i * cd, list: li, slot: slot)
                    if let s = refineSQ8 {
                        refineCodes.append(repeating: 0, count: d)
                        s.encode(row, into: refineCodes.pointer + Int(ordinal) * d)
                    }
                    if !refineShared { refineVectors?.append(UnsafeBufferPointer(start: row, count: d), normalize: false) }
                }
            }
        }
    }

    func encodeRaBitQ(rotatedRow o: UnsafePointer<Float>, list li: Int, slot: Int) {
        let r = rabitq!, D = r.paddedDimension
        let c = centroids.pointer + li * D
        let res = residual.pointer
        for j in 0..<D { res[j] = o[j] - c[j] }
        let list = lists[li]
        list.words.append(repeating: 0, count: r.words)
        let f = r.encode(residual: res, code: list.words.pointer + slot * r.words)
        let rc = Kernels.dot(res, c, D)
        list.factors.append(contentsOf: [f.norm, f.dotXO, rc])
    }
}
