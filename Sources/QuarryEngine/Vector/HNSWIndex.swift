import Foundation
import QuarryBase

/// HNSW: Hierarchical Navigable Small World graphs (Malkov & Yashunin, "Efficient and robust
/// approximate nearest neighbor search using Hierarchical Navigable Small World graphs", 2016).
///
/// Parameters (the paper's names, hnswlib's defaults):
/// - `M` = 16: links per node on the upper layers; layer 0 keeps `2·M` (`M_max0`).
/// - `ef_construction` = 200: candidate list size while inserting.
/// - `ef` (search, `VectorSearchParams.ef`) = 64: candidate list size at query time, raised to k.
/// Levels are drawn with `m_L = 1/ln(M)`; neighbours are chosen with the paper's heuristic
/// (algorithm 4, without extending candidates or keeping pruned links, as hnswlib does).
///
/// Tuning (as hnswlib's ALGO_PARAMS): raise `ef` for recall at the cost of latency; raise `M`
/// for high-dimensional or hard data (memory grows by ~2·M·4 bytes per vector); raise
/// `ef_construction` if recall plateaus below what `ef` should give.
///
/// Layout: layer-0 links are one flat array with a fixed stride (count, then up to 2·M ids);
/// upper layers live in a second flat array addressed by a per-node offset. Deletes are
/// tombstones: a deleted node still routes searches but is never returned.
public final class HNSWIndex: IndexCore {
    public let metric: VectorMetric
    public let dimension: Int
    public var kind: VectorIndexKind { .hnsw }
    public let M: Int
    public let efConstruction: Int
    let maxM0: Int
    let levelMultiplier: Double
    let seed: UInt64
    var rng: SplitMix64

    let vectors: VectorStore
    let tombstones = Tombstones()
    let queryBuffer = RawBuffer<Float>()
    /// Per node: [count, 2·M ids].
    let level0 = RawBuffer<UInt32>()
    var stride0: Int { maxM0 + 1 }
    var strideUpper: Int { M + 1 }
    /// Upper layers: node i's layers 1...level(i) start at `upperOffset[i]`, each `M + 1` long.
    let upperLinks = RawBuffer<UInt32>()
    let upperOffset = RawBuffer<UInt32>()
    let levels = RawBuffer<UInt8>()
    var entryPoint: UInt32 = 0
    var maxLevel = -1

    // Per-search scratch (no allocation per query).
    let visited = VisitedList(capacity: 0)
    let candidates = ScoreHeap(maxOnTop: true)
    let results = ScoreHeap(maxOnTop: false)
    var selectScratch: [ScoredIDPair] = []
    let batchBuffer: RawBuffer<UInt32>
    /// Keeps the prefetching loads of `searchLayer` from being optimised away.
    @exclusivity(unchecked) var touchSink: UInt32 = 0

    public static let defaultEf = 64

    public convenience init(dimension: Int, metric: VectorMetric = .cosine, M: Int = 16, efConstruction: Int = 200, seed: UInt64 = 100) {
        self.init(dimension: dimension, metric: metric, M: M, efConstruction: efConstruction, seed: seed, vectors: VectorStore(dimension: dimension))
    }

    /// An index over `vectors` (held in memory, or a mapped chunk searched in place).
    init(dimension: Int, metric: VectorMetric, M: Int, efConstruction: Int, seed: UInt64, vectors: VectorStore) {
        precondition(dimension > 0, "dimension must be positive")
        precondition(M >= 2, "M must be at least 2")
        self.dimension = dimension
        self.metric = metric
        self.M = M
        self.efConstruction = max(efConstruction, M)
        maxM0 = 2 * M
        levelMultiplier = 1 / log(Double(M))
        self.seed = seed
        rng = SplitMix64(seed: seed)
        self.vectors = vectors
        batchBuffer = RawBuffer(capacity: 2 * M + 1)
    }

    public var count: Int { vectors.count }
    public var deleted: Bitmap { tombstones.bitmap }
    public var deletedCount: Int { tombstones.deletedCount }
    public var parameters: [(name: String, value: String)] {
        [("metric", metric.rawValue), ("M", "\(M)"), ("ef_construction", "\(efConstruction)")]
    }

    public var memoryBytes: Int {
        vectors.bytes + level0.bytes + upperLinks.bytes + upperOffset.bytes + levels.bytes
            + tombstones.flags.bytes + visited.bytes
    }

    public func build(_ data: [Float]) throws {
        guard count == 0 else { throw VectorIndexError.notEmpty }
        try insert(data)
    }

    @discardableResult
    public func insert(_ data: [Float]) throws -> Range<UInt32> {
        let m = try rows(in: data)
        let first = count
        makeWritable()
        data.withUnsafeBufferPointer { vectors.append($0, normalize: metric == .cosine) }
        tombstones.grow(to: count)
        visited.grow(to: count)
        level0.reserve(count * stride0)
        for i in first..<count { insertNode(UInt32(i)) }
        return UInt32(first)..<UInt32(first + m)
    }

    public func delete(_ ordinal: UInt32) throws { try checkDelete(ordinal) }

    /// Builds the graph over every row of the store it was made with (a mapped chunk is read in
    /// place: the vectors are not copied), inserting nodes in ordinal order.
    func buildOverStoredRows(progress: ((Int, Int) -> Void)? = nil) throws {
        guard levels.count == 0 else { throw VectorIndexError.notEmpty }
        let n = vectors.count
        tombstones.grow(to: n)
        visited.grow(to: n)
        level0.reserve(n * stride0)
        for i in 0..<n {
            insertNode(UInt32(i))
            if i % 4096 == 0 { progress?(i, n) }
        }
        progress?(n, n)
    }

    /// Copies whatever is a view of a mapped file into memory, before the graph changes.
    func makeWritable() {
        for b in [level0, upperLinks, upperOffset] { b.makeOwned() }
        levels.makeOwned()
        vectors.data.makeOwned()
    }

    public func search(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult {
        try runSearch(query: query, k: k, params: params, filter: filter)
    }

    // MARK: - Graph access

    @inline(__always)
    func links(_ i: UInt32, _ level: Int) -> UnsafeMutablePointer<UInt32> {
        if level == 0 { return level0.pointer + Int(i) &* stride0 }
        let offset: Int = Int(upperOffset[Int(i)]) &+ (level &- 1) &* strideUpper
        return upperLinks.pointer + offset
    }

    /// The links of node i at an upper level, or nil when the node has no such level or its
    /// offset lies outside the links (only a damaged file has either).
    @inline(__always)
    func checkedLinks(_ i: UInt32, _ level: Int) -> UnsafeMutablePointer<UInt32>? {
        guard level > 0 else { return level0.pointer + Int(i) &* stride0 }
        guard Int(levels.pointer[Int(i)]) >= level else { return nil }
        let offset = Int(upperOffset.pointer[Int(i)]) &+ (level &- 1) &* strideUpper
        guard offset >= 0, offset &+ strideUpper <= upperLinks.count else { return nil }
        return upperLinks.pointer + offset
    }

    @inline(__always)
    func score(_ q: UnsafePointer<Float>, _ i: UInt32) -> Float {
        metric.score(q, vectors.row(Int(i)), dimension)
    }

    func randomLevel() -> Int {
        let u: Double = rng.unit()
        let x: Double = -log(u) * levelMultiplier
        return min(Int(x), 30)
    }

    // MARK: - Insert (algorithm 1)

    func insertNode(_ i: UInt32) {
        let level = randomLevel()
        levels.append(repeating: UInt8(level), count: 1)
        level0.append(repeating: 0, count: stride0)
        upperOffset.append(repeating: UInt32(upperLinks.count), count: 1)
        if level > 0 { upperLinks.append(repeating: 0, count: level * strideUpper) }

        guard maxLevel >= 0 else {
            entryPoint = i
            maxLevel = level
            return
        }
        let q = UnsafePointer(vectors.row(Int(i)))
        var counters = VectorSearchCounters()
        var cur = entryPoint
        var curScore = score(q, cur)
        if level < maxLevel {
            greedy(q, from: &cur, score: &curScore, downTo: level + 1, counters: &counters)
        }
        for l in stride(from: min(level, maxLevel), through: 0, by: -1) {
            searchLayer(q, entry: cur, entryScore: curScore, ef: efConstruction, level: l,
                        allowed: nil, filtering: false, counters: &counters)
            selectScratch.removeAll(keepingCapacity: true)
            while !results.isEmpty {
                let e = results.pop()
                if e.id != i { selectScratch.append(ScoredIDPair(score: e.score, id: e.id)) }
            }
            selectScratch.reverse()  // best first
            let maxLinks = l == 0 ? maxM0 : M
            let chosen = selectNeighbors(selectScratch, limit: M)
            let own = links(i, l)
            own[0] = UInt32(chosen.count)
            for (j, e) in chosen.enumerated() { own[1 + j] = e.id }
            for e in chosen { connect(e.id, to: i, level: l, maxLinks: maxLinks) }
            if let best = chosen.first {
                cur = best.id
                curScore = best.score
            }
        }
        if level > maxLevel {
            entryPoint = i
            maxLevel = level
        }
    }

    /// The paper's heuristic (algorithm 4): keep a candidate only if it is closer to the base
    /// than to every neighbour kept so far. `candidates` are best first.
    func selectNeighbors(_ candidates: [ScoredIDPair], limit: Int) -> [ScoredIDPair] {
        if candidates.count <= limit { return candidates }
        var kept: [ScoredIDPair] = []
        kept.reserveCapacity(limit)
        for c in candidates {
            let cv = UnsafePointer(vectors.row(Int(c.id)))
            var good = true
            for r in kept where score(cv, r.id) > c.score {
                good = false
                break
            }
            if good {
                kept.append(c)
                if kept.count >= limit { break }
            }
        }
        return kept
    }

    /// Adds the link e → i at `level`, re-selecting e's links with the heuristic when full.
    func connect(_ e: UInt32, to i: UInt32, level: Int, maxLinks: Int) {
        let p = links(e, level)
        let n = Int(p[0])
        if n < maxLinks {
            p[1 + n] = i
            p[0] = UInt32(n + 1)
            return
        }
        let ev = UnsafePointer(vectors.row(Int(e)))
        var pool: [ScoredIDPair] = [ScoredIDPair(score: score(ev, i), id: i)]
        pool.reserveCapacity(n + 1)
        for j in 0..<n { pool.append(ScoredIDPair(score: score(ev, p[1 + j]), id: p[1 + j])) }
        pool.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        let chosen = selectNeighbors(pool, limit: maxLinks)
        p[0] = UInt32(chosen.count)
        for (j, c) in chosen.enumerated() { p[1 + j] = c.id }
    }
}
