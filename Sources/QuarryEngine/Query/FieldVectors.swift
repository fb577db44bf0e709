import Foundation
import QuarryVector

/// Everything searchable of one vector field, as Milvus's query nodes see a collection: the
/// **sealed** part (the chunk an index was built over, searched by that index) and the
/// **growing** part (chunks imported since, searched exactly by FLAT), merged by score.
///
/// Every chunk is a mapped segment read in place, so opening a field costs a few system calls
/// whatever its size. Ids are the collection's ordinals throughout; deleted records are
/// tombstones in every part.
final class FieldVectors {
    let field: VectorFieldSchema
    let metric: VectorMetric
    let chunks: [VectorChunk]
    /// The ANN index over `chunks[0]`, when one was built and is current.
    let sealed: (any VectorIndex)?
    /// FLAT over each chunk: the growing part's search, and (all of them) the exact oracle.
    let flats: [FlatIndex]

    init(field: VectorFieldSchema, chunks: [VectorChunk], sealed: (any VectorIndex)?, deleted: Bitmap) {
        self.field = field
        metric = VectorMetric(name: field.metric.rawValue) ?? .cosine
        self.chunks = chunks
        self.sealed = sealed
        flats = chunks.map { chunk in
            let f = FlatIndex(chunk: chunk, metric: VectorMetric(name: field.metric.rawValue) ?? .cosine)
            deleted.forEach { o in
                if Int(o) < f.count { try? f.delete(o) }
                return true
            }
            return f
        }
    }

    /// The chunks the growing part searches exactly.
    var growing: ArraySlice<FlatIndex> { sealed == nil ? flats[...] : flats.dropFirst() }
    var sealedRows: Int { sealed == nil ? 0 : chunks[0].count }
    var growingRows: Int { growing.reduce(0) { $0 + $1.count - $1.base } }
    /// The ordinals with a row: one past the last chunk's.
    var count: Int { flats.last?.count ?? 0 }
    var live: Int { flats.reduce(0) { $0 + ($1.count - $1.deletedCount) } }

    /// The kind answering the sealed part (FLAT when no index was built).
    var kind: VectorIndexKind { sealed?.kind ?? .flat }

    /// Top-k over the sealed index and the growing chunks, merged best first (ties to the
    /// smaller ordinal, as every index orders them).
    func search(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult {
        var parts: [VectorSearchResult] = []
        if let sealed { parts.append(try sealed.search(query: query, k: k, params: params, filter: filter)) }
        for f in growing { parts.append(try f.search(query: query, k: k, params: params, filter: filter)) }
        return Self.merge(parts, k: k)
    }

    /// The exact answer over every chunk (the oracle of recall@k).
    func exactSearch(query: [Float], k: Int, allowed: Bitmap?) throws -> VectorSearchResult {
        let filter = allowed.map { VectorFilter(allowed: $0, strategy: .exactScan) } ?? .none
        return Self.merge(try flats.map { try $0.search(query: query, k: k, params: .init(), filter: filter) }, k: k)
    }

    /// The exact top-k of many queries at once: sgemm over each mapped chunk in blocks (the
    /// ground truth of eval and benchmarks), deleted and missing rows left out. Inner product
    /// and cosine only; an L2 field answers one query at a time.
    func exactBatch(_ queries: [[Float]], k: Int, deleted: Bitmap) throws -> [[ScoredID]] {
        guard metric != .l2 else { return try queries.map { try exactSearch(query: $0, k: k, allowed: nil).hits } }
        var flat: [Float] = []
        flat.reserveCapacity(queries.count * field.dimension)
        for q in queries {
            guard q.count == field.dimension else { throw VectorIndexError.dimensionMismatch(expected: field.dimension, found: q.count) }
            var v = q
            if metric == .cosine { v.withUnsafeMutableBufferPointer { _ = RowMath.normalize($0.baseAddress!, $0.count) } }
            flat += v
        }
        var tops = queries.map { _ in TopK(k: k) }
        for chunk in chunks where chunk.count > 0 {
            var excluded = Bitmap(chunk.missing)
            excluded.formUnion(deleted)
            let part = ExactSearch.topK(base: chunk.rows, count: chunk.count, queries: flat, dimension: field.dimension, k: k,
                                        firstOrdinal: chunk.firstOrdinal, excluded: excluded)
            for (i, hits) in part.enumerated() { for h in hits { tops[i].push(id: h.id, score: h.score) } }
        }
        return tops.map { $0.sorted() }
    }

    static func merge(_ parts: [VectorSearchResult], k: Int) -> VectorSearchResult {
        guard parts.count != 1 else { return parts[0] }
        var top = TopK(k: k)
        var counters = VectorSearchCounters()
        for p in parts {
            for h in p.hits { top.push(id: h.id, score: h.score) }
            counters.distanceComputations += p.counters.distanceComputations
            counters.nodesVisited += p.counters.nodesVisited
            counters.hops += p.counters.hops
            counters.refined += p.counters.refined
            counters.prunedByBound += p.counters.prunedByBound
            counters.fullVectorBytes += p.counters.fullVectorBytes
        }
        return VectorSearchResult(hits: top.sorted(), counters: counters, strategy: parts.first?.strategy, reason: parts.first?.reason)
    }

    /// Expected distance computations of an unfiltered search (for the filter planner).
    func estimatedSearchCost(k: Int, params: VectorSearchParams) -> Double {
        (sealed?.estimatedSearchCost(k: k, params: params) ?? 0) + Double(growingRows)
    }

    /// The stored row of an ordinal (normalised for cosine fields), or nil.
    func row(_ ordinal: UInt32) -> [Float]? {
        guard let c = chunks.last(where: { $0.ordinals.contains(ordinal) }), !c.isMissing(ordinal) else { return nil }
        let p = c.row(ordinal)
        return Array(UnsafeBufferPointer(start: p, count: c.dimension))
    }
}
