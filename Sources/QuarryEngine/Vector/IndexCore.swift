import QuarryBase

/// Tombstones as one byte per ordinal (checked in hot loops), exported as a `Bitmap`.
final class Tombstones {
    let flags = RawBuffer<UInt8>()
    private(set) var deletedCount = 0

    func grow(to n: Int) { if n > flags.count { flags.append(repeating: 0, count: n - flags.count) } }

    @inline(__always) func isDeleted(_ i: UInt32) -> Bool { flags.pointer[Int(i)] != 0 }

    func delete(_ i: UInt32) {
        if flags[Int(i)] == 0 { flags[Int(i)] = 1; deletedCount += 1 }
    }

    /// Marks a range deleted (ordinals a chunk's index does not hold).
    func delete(range: Range<Int>) {
        grow(to: range.upperBound)
        for i in range where flags[i] == 0 { flags[i] = 1; deletedCount += 1 }
    }

    var bitmap: Bitmap {
        var b = Bitmap()
        for i in 0..<flags.count where flags[i] != 0 { b.insert(UInt32(i)) }
        return b
    }
}

/// What every index implements beneath the shared search front (`runSearch`): an in-index
/// search with an optional allowed set, and an exact scan of allowed ordinals.
protocol IndexCore: VectorIndex {
    var tombstones: Tombstones { get }
    /// Reused buffer for the prepared (copied, normalised) query.
    var queryBuffer: RawBuffer<Float> { get }

    /// Top k among live (and, when given, allowed) ordinals, searching the index structure.
    func searchCore(query: UnsafePointer<Float>, k: Int, params: VectorSearchParams, allowed: Bitmap?,
                    counters: inout VectorSearchCounters) -> [ScoredID]
    /// The score of `query` against ordinal `i` on the most precise vectors the index holds.
    func exactScore(query: UnsafePointer<Float>, ordinal i: UInt32) -> Float
    /// Called once before `exactScore` is called for a query (quantised indexes prepare tables).
    func prepareExact(query: UnsafePointer<Float>)
}

extension IndexCore {
    func prepareExact(query: UnsafePointer<Float>) {}

    func checkDelete(_ ordinal: UInt32) throws {
        guard Int(ordinal) < count else { throw VectorIndexError.ordinalOutOfRange(ordinal, count: count) }
        tombstones.delete(ordinal)
    }

    /// Validates `vectors` as whole rows of this dimension; returns the number of rows.
    func rows(in vectors: [Float]) throws -> Int {
        guard vectors.count % dimension == 0 else {
            throw VectorIndexError.notMultipleOfDimension(count: vectors.count, dimension: dimension)
        }
        return vectors.count / dimension
    }

    /// Validation, query preparation and filter dispatch shared by every index.
    func runSearch(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult {
        guard k >= 1 else { throw VectorIndexError.invalidK(k) }
        guard query.count == dimension else { throw VectorIndexError.dimensionMismatch(expected: dimension, found: query.count) }
        queryBuffer.count = 0
        queryBuffer.append(contentsOf: query)
        if metric == .cosine { Kernels.normalize(queryBuffer.pointer, dimension) }
        let q = UnsafePointer(queryBuffer.pointer)
        var counters = VectorSearchCounters()
        guard let allowed = filter.allowed else {
            let hits = searchCore(query: q, k: k, params: params, allowed: nil, counters: &counters)
            return VectorSearchResult(hits: hits, counters: counters, strategy: nil, reason: nil)
        }
        let live = max(1, count - deletedCount)
        let choice: (strategy: FilterStrategy, reason: String)
        if let s = filter.strategy {
            choice = (s, "chosen by the caller")
        } else {
            choice = FilterPlanner.pick(kind: kind, allowedCount: allowed.count, total: live,
                                        estimatedIndexCost: estimatedSearchCost(k: k, params: params))
        }
        let hits: [ScoredID]
        switch choice.strategy {
        case .inIndex:
            hits = searchCore(query: q, k: k, params: params, allowed: allowed, counters: &counters)
        case .exactScan:
            hits = exactScan(query: q, k: k, allowed: allowed, counters: &counters)
        case .postFilter:
            let fraction = max(Double(allowed.count) / Double(live), 1e-6)
            let fetch = min(live, Int((Double(k) * max(filter.overFetch, 1) / fraction).rounded(.up)))
            var p = params
            if let ef = p.ef { p.ef = max(ef, fetch) }
            if let r = p.refineK { p.refineK = max(r, fetch) }
            let wide = searchCore(query: q, k: fetch, params: p, allowed: nil, counters: &counters)
            hits = Array(wide.lazy.filter { allowed.contains($0.id) }.prefix(k))
        }
        return VectorSearchResult(hits: hits, counters: counters, strategy: choice.strategy, reason: choice.reason)
    }

    /// Exact top-k over the allowed, live ordinals.
    func exactScan(query: UnsafePointer<Float>, k: Int, allowed: Bitmap, counters: inout VectorSearchCounters) -> [ScoredID] {
        var top = TopK(k: k)
        let n = UInt32(count)
        var scored = 0
        prepareExact(query: query)
        allowed.forEach { i in
            if i >= n { return false }
            if !tombstones.isDeleted(i) {
                top.push(id: i, score: exactScore(query: query, ordinal: i))
                scored += 1
            }
            return true
        }
        counters.distanceComputations += scored
        counters.nodesVisited += scored
        return top.sorted()
    }
}

/// Picks a filter strategy from the allowed fraction and the kind of index, and says why.
///
/// The rule compares costs in distance computations: an exact scan costs one per allowed id and
/// is exact; an in-index search costs about what an unfiltered search costs divided by the
/// allowed fraction (HNSW must walk past filtered-out nodes; IVF probes the same lists). So at low
/// fractions the exact scan is both cheaper and exact. Post-filtering is never picked: at equal
/// cost the in-index search keeps more recall; it stays selectable for comparison.
public enum FilterPlanner {
    /// The strategy for a search of `index` with `allowedCount` allowed ordinals.
    public static func pick(index: any VectorIndex, allowedCount: Int, k: Int,
                            params: VectorSearchParams = .init()) -> (strategy: FilterStrategy, reason: String)
    {
        pick(kind: index.kind, allowedCount: allowedCount, total: max(1, index.count - index.deletedCount),
             estimatedIndexCost: index.estimatedSearchCost(k: k, params: params))
    }

    public static func pick(kind: VectorIndexKind, allowedCount: Int, total: Int,
                            estimatedIndexCost: Double) -> (strategy: FilterStrategy, reason: String)
    {
        let fraction = Double(allowedCount) / Double(max(total, 1))
        let pct = percent(fraction)
        if kind == .flat {
            return (.exactScan, "FLAT: scoring only the \(allowedCount) allowed ids (\(pct)) is exact and cheapest")
        }
        let inIndex = kind == .hnsw || kind == .hnswSQ ? estimatedIndexCost / max(fraction, 1e-6) : estimatedIndexCost
        if Double(allowedCount) <= inIndex {
            return (.exactScan, "\(allowedCount) allowed ids (\(pct)) cost fewer distances exactly than the \(kind.rawValue) search (~\(Int(inIndex)))")
        }
        return (.inIndex, "\(pct) allowed: searching \(kind.rawValue) with the set (~\(Int(inIndex)) distances) beats scanning \(allowedCount) ids")
    }

    static func percent(_ f: Double) -> String {
        let p = f * 100
        return p < 1 ? "\(Double(Int(p * 100)) / 100) %" : "\(Double(Int(p * 10)) / 10) %"
    }
}
