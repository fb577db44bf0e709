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
    public var kind: VectorIndexKind { quantizer == nil ? .hnsw : .hnswSQ }
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

    /// HNSW_SQ: 8-bit codes of every node (row-major, `dimension` bytes each) and their ranges;
    /// searches walk the graph on them and re-rank on the float32 rows.
    var quantizer: SQ8?
    let codes = RawBuffer<UInt8>()

    /// Per-search scratch of the calling thread (no allocation per query); a parallel build
    /// gives each of its threads one of its own.
    let scratch: HNSWScratch

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
        scratch = HNSWScratch(M: M)
    }

    public var count: Int { vectors.count }
    public var deleted: Bitmap { tombstones.bitmap }
    public var deletedCount: Int { tombstones.deletedCount }
    public var parameters: [(name: String, value: String)] {
        var p = [("metric", metric.rawValue), ("M", "\(M)"), ("ef_construction", "\(efConstruction)")]
        if quantizer != nil { p += [("sq_type", "sq8"), ("refine_type", "fp32")] }
        return p
    }

    public var memoryBytes: Int {
        vectors.bytes + level0.bytes + upperLinks.bytes + upperOffset.bytes + levels.bytes
            + tombstones.flags.bytes + scratch.visited.bytes + codes.bytes
    }

    /// HNSW_SQ asked for at build (the codes are made once the graph is built).
    var wantsQuantizer = false

    /// HNSW_SQ: quantizes after a build, or encodes rows added since with the ranges learnt then
    /// (values outside them are clamped).
    func encodeNewRows() {
        guard wantsQuantizer else { return }
        guard let sq = quantizer else { return quantize() }
        let d = dimension, first = codes.count / d
        guard count > first else { return }
        codes.append(repeating: 0, count: (count - first) * d)
        for i in first..<count { sq.encode(UnsafePointer(vectors.row(i)), into: codes.pointer + i * d) }
    }

    /// HNSW_SQ: learns the SQ8 ranges from every row and encodes them (after the graph is
    /// built on the float32 rows, which gives the better graph).
    func quantize() {
        let n = count, d = dimension
        let rows = UnsafePointer(vectors.data.pointer)
        let sq = SQ8(training: rows, n: n, d: d)
        codes.append(repeating: 0, count: n * d)
        for i in 0..<n { sq.encode(rows + i * d, into: codes.pointer + i * d) }
        quantizer = sq
    }

    public func build(_ data: [Float]) throws { try buildByInserting(data) }

    @discardableResult
    public func insert(_ data: [Float]) throws -> Range<UInt32> {
        let m = try rows(in: data)
        let first = count
        makeWritable()
        data.withUnsafeBufferPointer { vectors.append($0, normalize: metric == .cosine) }
        tombstones.grow(to: count)
        scratch.visited.grow(to: count)
        level0.reserve(count * stride0)
        for i in first..<count { insertNode(UInt32(i)) }
        encodeNewRows()
        return UInt32(first)..<UInt32(first + m)
    }

    public func delete(_ ordinal: UInt32) throws { try checkDelete(ordinal) }

    /// Copies whatever is a view of a mapped file into memory, before the graph changes.
    func makeWritable() {
        for b in [level0, upperLinks, upperOffset] { b.makeOwned() }
        levels.makeOwned()
        codes.makeOwned()
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

    /// Appends node i's storage (level drawn from the seeded generator) and links it.
    func insertNode(_ i: UInt32) {
        let level = randomLevel()
        levels.append(repeating: UInt8(level), count: 1)
        level0.append(repeating: 0, count: stride0)
        upperOffset.append(repeating: UInt32(upperLinks.count), count: 1)
        if level > 0 { upperLinks.append(repeating: 0, count: level * strideUpper) }
        link(i, scratch: scratch, locks: nil)
    }

    /// Links node i (whose storage exists) into the graph: greedy descent to its level, then
    /// at each level down to 0 a best-first search, the heuristic's neighbours, and the links
    /// back. With `locks` (a parallel build), a node's links are read and written under its
    /// lock, and the entry point under the global one, as hnswlib does.
    func link(_ i: UInt32, scratch: HNSWScratch, locks: NodeLocks?) {
        let level = Int(levels.pointer[Int(i)])
        locks?.lockGlobal()
        let top = maxLevel
        var cur = entryPoint
        let raisesTop = level > top
        if !raisesTop { locks?.unlockGlobal() }
        guard top >= 0 else {
            entryPoint = i
            maxLevel = level
            if raisesTop { locks?.unlockGlobal() }
            return
        }
        let q = UnsafePointer(vectors.row(Int(i)))
        let scorer = floatScorer(q)
        var counters = VectorSearchCounters()
        var curScore = scorer.score(cur)
        if level < top {
            greedy(scorer, from: &cur, score: &curScore, downTo: level + 1, top: top, counters: &counters, scratch: scratch, locks: locks)
        }
        for l in stride(from: min(level, top), through: 0, by: -1) {
            searchLayer(scorer, entry: cur, entryScore: curScore, ef: efConstruction, level: l,
                        allowed: nil, filtering: false, counters: &counters, scratch: scratch, locks: locks)
            var pool = scratch.selectScratch
            pool.removeAll(keepingCapacity: true)
            let results = scratch.results
            while !results.isEmpty {
                let e = results.pop()
                if e.id != i { pool.append(ScoredIDPair(score: e.score, id: e.id)) }
            }
            pool.reverse()  // best first
            scratch.selectScratch = pool
            let maxLinks = l == 0 ? maxM0 : M
            let chosen = selectNeighbors(pool, limit: M)
            locks?.lock(i)
            let own = links(i, l)
            own[0] = UInt32(chosen.count)
            for (j, e) in chosen.enumerated() { own[1 + j] = e.id }
            locks?.unlock(i)
            for e in chosen { connect(e.id, to: i, level: l, maxLinks: maxLinks, locks: locks) }
            if let best = chosen.first {
                cur = best.id
                curScore = best.score
            }
        }
        if raisesTop {
            entryPoint = i
            maxLevel = level
            locks?.unlockGlobal()
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
    func connect(_ e: UInt32, to i: UInt32, level: Int, maxLinks: Int, locks: NodeLocks?) {
        locks?.lock(e)
        defer { locks?.unlock(e) }
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
