import QuarryBase

/// FLAT: exact search by scoring every vector (the oracle every other index is tested against,
/// as hnswlib's `bruteforce.h` beside `hnswalg.h`).
public final class FlatIndex: IndexCore {
    public let metric: VectorMetric
    public let dimension: Int
    public var kind: VectorIndexKind { .flat }
    let vectors: VectorStore
    let tombstones = Tombstones()
    let queryBuffer = RawBuffer<Float>()

    public init(dimension: Int, metric: VectorMetric = .cosine) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
        vectors = VectorStore(dimension: dimension)
    }

    /// FLAT over a chunk of a field's mapped vectors, read in place: ordinals below the chunk
    /// and its rows without a vector are tombstones, so ids stay the collection's ordinals.
    public init(chunk: VectorChunk, metric: VectorMetric) {
        dimension = chunk.dimension
        self.metric = metric
        vectors = VectorStore(chunk: chunk)
        tombstones.delete(range: 0..<Int(chunk.firstOrdinal))
        tombstones.grow(to: count)
        for o in chunk.missing { tombstones.delete(o) }
    }

    /// The ordinal space held: rows start at the store's base ordinal.
    public var count: Int { Int(vectors.base) + vectors.count }
    /// The first ordinal with a row.
    public var base: Int { Int(vectors.base) }
    public var deleted: Bitmap { tombstones.bitmap }
    public var deletedCount: Int { tombstones.deletedCount }
    public var parameters: [(name: String, value: String)] { [("metric", metric.rawValue)] }
    public var memoryBytes: Int { vectors.bytes + tombstones.flags.bytes }

    public func build(_ data: [Float]) throws { try buildByInserting(data) }

    @discardableResult
    public func insert(_ data: [Float]) throws -> Range<UInt32> {
        let m = try rows(in: data)
        let first = UInt32(count)
        vectors.data.makeOwned()
        data.withUnsafeBufferPointer { vectors.append($0, normalize: metric == .cosine) }
        tombstones.grow(to: count)
        return first..<first + UInt32(m)
    }

    public func delete(_ ordinal: UInt32) throws { try checkDelete(ordinal) }

    public func search(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult {
        try runSearch(query: query, k: k, params: params, filter: filter)
    }

    func searchCore(query: UnsafePointer<Float>, k: Int, params: VectorSearchParams, allowed: Bitmap?,
                    counters: inout VectorSearchCounters) -> [ScoredID]
    {
        if let allowed { return exactScan(query: query, k: k, allowed: allowed, counters: &counters) }
        var top = TopK(k: k)
        let n = count
        for i in base..<n where !tombstones.isDeleted(UInt32(i)) {
            let s = metric.score(query, vectors.row(i), dimension)
            if let t = top.threshold, s < t { continue }
            top.push(id: UInt32(i), score: s)
        }
        counters.distanceComputations += n - base
        counters.nodesVisited += n - base
        return top.sorted()
    }

    func exactScore(query: UnsafePointer<Float>, ordinal i: UInt32) -> Float {
        metric.score(query, vectors.row(Int(i)), dimension)
    }

    public func estimatedSearchCost(k: Int, params: VectorSearchParams) -> Double { Double(count - base) }
}
