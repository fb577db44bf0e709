import Foundation
import QuarryBase

/// Vector indexes in segment files (format 2), beside the field's vector chunks.
///
/// An index covers the ordinals of one chunk — the field's sealed vectors, `0..<n` — and reads
/// its rows in place: HNSW's graph and IVF's lists are in the index's own segment, the float32
/// rows only in the chunk (HNSW scores them, IVF_RABITQ re-ranks on them with
/// `refine_type = fp32`). FLAT has no segment: it is the chunk itself.
public enum VectorSegments {
    /// The segment kind and version an index type writes, or nil (FLAT writes none).
    public static func segmentKind(of kind: VectorIndexKind) -> (kind: String, version: UInt32)? {
        switch kind {
        case .flat: nil
        case .hnsw: (HNSWIndex.segmentKind, HNSWIndex.segmentVersion)
        case .ivfFlat, .ivfSQ8, .ivfRaBitQ: (IVFIndex.segmentKind, IVFIndex.segmentVersion)
        }
    }

    /// Builds an index of `type` over every row of `chunk` (which starts at ordinal 0), reading
    /// the rows in place. `progress(done, total)` follows the build.
    /// `threads`: HNSW's build threads (default: every core; 1 gives the same graph every time).
    public static func build(type: String, parameters: [String: String], chunk: VectorChunk, metric: VectorMetric,
                             threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> any VectorIndex {
        precondition(chunk.firstOrdinal == 0, "an index covers a chunk that starts at ordinal 0")
        var parameters = parameters
        if VectorIndexKind(name: type)?.rawValue.hasPrefix("ivf") == true, !parameters.keys.contains(where: { VectorIndexes.canonical($0) == "nlist" }) {
            parameters["nlist"] = String(defaultNlist(rows: chunk.count - chunk.missing.count))
        }
        let made = try VectorIndexes.make(type: type, dimension: chunk.dimension, metric: metric, parameters: parameters)
        let store = VectorStore(chunk: chunk)
        let index: any VectorIndex
        switch made {
        case let h as HNSWIndex:
            let over = HNSWIndex(dimension: h.dimension, metric: metric, M: h.M, efConstruction: h.efConstruction, seed: h.seed, vectors: store)
            try over.buildOverStoredRows(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, progress: progress)
            index = over
        case let ivf as IVFIndex:
            try ivf.buildOverStoredRows(store, progress: progress)
            index = ivf
        default:
            index = FlatIndex(chunk: chunk, metric: metric)
        }
        for o in chunk.missing { try index.delete(o) }
        return index
    }

    /// IVF's number of lists when none is given: about 4·√n (the rule Milvus and faiss suggest),
    /// between 1 and 65,536.
    public static func defaultNlist(rows: Int) -> Int {
        max(1, min(65_536, Int((4 * Double(max(rows, 1)).squareRoot()).rounded())))
    }

    /// Writes an index's segment (HNSW, IVF); FLAT has nothing to write.
    public static func write(_ index: any VectorIndex, to writer: SegmentWriter) throws(SegmentError) {
        switch index {
        case let h as HNSWIndex: try h.writeSegment(to: writer)
        case let ivf as IVFIndex: try ivf.writeSegment(to: writer)
        default: preconditionFailure("\(index.kind) has no segment")
        }
    }

    /// Opens an index over `chunk` from its segment (nil for FLAT), read in place, with
    /// `deleted` ordinals as tombstones.
    public static func open(kind: VectorIndexKind, file: SegmentFile?, chunk: VectorChunk, metric: VectorMetric,
                            deleted: Bitmap) throws -> any VectorIndex {
        let index: any VectorIndex
        switch kind {
        case .flat:
            index = FlatIndex(chunk: chunk, metric: metric)
        case .hnsw:
            guard let file else { throw SegmentError.missing("the HNSW graph") }
            index = try HNSWIndex.open(file, vectors: chunk)
        case .ivfFlat, .ivfSQ8, .ivfRaBitQ:
            guard let file else { throw SegmentError.missing("the IVF lists") }
            let ivf = try IVFIndex.open(file, vectors: chunk)
            guard ivf.kind == kind else { throw SegmentError.wrongKind(file.name, expected: kind.rawValue, found: ivf.kind.rawValue) }
            guard ivf.count == chunk.count else { throw SegmentError.damaged(file.name, "indexes \(ivf.count) rows, its vectors hold \(chunk.count)") }
            index = ivf
        }
        guard index.metric == metric, index.dimension == chunk.dimension else {
            throw SegmentError.damaged(file?.name ?? "the vector index", "its metric or dimension differs from the field's")
        }
        for o in chunk.missing { try index.delete(o) }
        deleted.forEach { o in
            if Int(o) < index.count { try? index.delete(o) }
            return true
        }
        return index
    }

    /// The bytes an index keeps hot for searching (graph or codes and lists, and the rows it
    /// scores on every search); full-precision rows read only to re-rank are not counted.
    public static func residentBytes(_ index: any VectorIndex) -> Int {
        switch index {
        case let ivf as IVFIndex where ivf.refineShared: ivf.memoryBytes - (ivf.refineVectors?.bytes ?? 0)
        default: index.memoryBytes
        }
    }

    /// How an index's search touches the field's float32 rows.
    public static func tier(_ index: any VectorIndex) -> String {
        switch index {
        case let ivf as IVFIndex where ivf.refineShared: "codes in memory, float32 rows read from the vector file to re-rank"
        case let ivf as IVFIndex where ivf.kind == .ivfRaBitQ && ivf.refine == .sq8: "codes in memory, SQ8 codes to re-rank"
        default: "graph or lists with the vectors scored in place"
        }
    }
}
