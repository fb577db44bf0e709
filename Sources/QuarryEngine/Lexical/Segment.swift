import Foundation
import QuarryBase

/// An immutable piece of the inverted index: the documents of one build or one batch of
/// imports. Segments are never changed after they are written (Lucene's design): deletes are
/// tombstones kept beside them, and `LexicalIndex.merge()` rewrites several into one.
///
/// Layout (all flat arrays, so a snapshot is loaded by copying them back):
/// - documents: `ordinals[local]` (ascending global record ordinals) and
///   `lengths[local * fieldCount + f]`, the number of indexed tokens of field `f`;
/// - term dictionary: terms sorted by UTF-8 bytes in one blob (`termBytes`, `termOffsets`),
///   looked up by binary search, so prefix queries are a range scan;
/// - per term: its number of documents (any field), documents per field, and its first block;
/// - postings: for each term, documents in blocks of `blockSize` (128). A block stores each
///   document as a varint delta from the previous one (the first from the previous block's
///   last document) followed by one varint tf per field. Beside each block: its last
///   document (to skip without decoding) and, per field, the block's **largest tf** and
///   **smallest field length**. Those two are enough to bound any document's BM25
///   contribution in the block for any k1 ≥ 0, b ∈ [0, 1] and boosts ≥ 0 given at query time,
///   since the BM25 tf part grows with tf and shrinks with length: bounds are computed per query
///   from them instead of being stored for one k1/b.
/// - positions: a separate stream per block, per document and field, delta-coded varints, read
///   only by phrase queries.
final class Segment: @unchecked Sendable {
    static let blockSize = 128

    let fieldCount: Int
    let ordinals: Column<UInt32>
    let lengths: Column<UInt32>
    let termBytes: Column<UInt8>
    let termOffsets: Column<UInt32>
    let termDocFreq: Column<UInt32>
    let termFieldDocFreq: Column<UInt32>
    let termBlockStart: Column<UInt32>
    let blockLastDoc: Column<UInt32>
    let blockDocOffset: Column<UInt32>
    let blockPosOffset: Column<UInt32>
    let blockMaxTf: Column<UInt32>
    let blockMinLength: Column<UInt32>
    let postings: Column<UInt8>
    let positionData: Column<UInt8>
    /// Per field: the sum of lengths and the number of documents where the field is not empty.
    let totalLengths: [UInt64]
    let fieldDocCounts: [UInt32]
    /// Per-document BM25 norms of the query parameters seen last (see `norms(for:)`).
    private let normCache = NormCache()
    /// What errors call this segment (its file, when mapped).
    var source = "a BM25 segment"
    /// Set when a read finds what no written segment holds (a damaged file): the read stops
    /// there, and the search that made it reports the segment damaged (`LexicalIndex.search`).
    let damage = Damage()

    /// A segment just built (its arrays are copied into columns of its own).
    convenience init(fieldCount: Int, ordinals: [UInt32], lengths: [UInt32], termBytes: [UInt8], termOffsets: [UInt32],
                     termDocFreq: [UInt32], termFieldDocFreq: [UInt32], termBlockStart: [UInt32], blockLastDoc: [UInt32],
                     blockDocOffset: [UInt32], blockPosOffset: [UInt32], blockMaxTf: [UInt32], blockMinLength: [UInt32],
                     postings: [UInt8], positionData: [UInt8]) {
        var totals = [UInt64](repeating: 0, count: fieldCount)
        var counts = [UInt32](repeating: 0, count: fieldCount)
        for d in 0..<ordinals.count {
            for f in 0..<fieldCount {
                let l = lengths[d * fieldCount + f]
                totals[f] += UInt64(l)
                if l > 0 { counts[f] += 1 }
            }
        }
        self.init(fieldCount: fieldCount, ordinals: Column(ordinals), lengths: Column(lengths), termBytes: Column(termBytes),
                  termOffsets: Column(termOffsets), termDocFreq: Column(termDocFreq), termFieldDocFreq: Column(termFieldDocFreq),
                  termBlockStart: Column(termBlockStart), blockLastDoc: Column(blockLastDoc), blockDocOffset: Column(blockDocOffset),
                  blockPosOffset: Column(blockPosOffset), blockMaxTf: Column(blockMaxTf), blockMinLength: Column(blockMinLength),
                  postings: Column(postings), positionData: Column(positionData), totalLengths: totals, fieldDocCounts: counts)
    }

    /// A segment over columns (built, or mapped from a segment file), with its field statistics.
    init(fieldCount: Int, ordinals: Column<UInt32>, lengths: Column<UInt32>, termBytes: Column<UInt8>, termOffsets: Column<UInt32>,
         termDocFreq: Column<UInt32>, termFieldDocFreq: Column<UInt32>, termBlockStart: Column<UInt32>, blockLastDoc: Column<UInt32>,
         blockDocOffset: Column<UInt32>, blockPosOffset: Column<UInt32>, blockMaxTf: Column<UInt32>, blockMinLength: Column<UInt32>,
         postings: Column<UInt8>, positionData: Column<UInt8>, totalLengths: [UInt64], fieldDocCounts: [UInt32]) {
        self.fieldCount = fieldCount
        self.ordinals = ordinals
        self.lengths = lengths
        self.termBytes = termBytes
        self.termOffsets = termOffsets
        self.termDocFreq = termDocFreq
        self.termFieldDocFreq = termFieldDocFreq
        self.termBlockStart = termBlockStart
        self.blockLastDoc = blockLastDoc
        self.blockDocOffset = blockDocOffset
        self.blockPosOffset = blockPosOffset
        self.blockMaxTf = blockMaxTf
        self.blockMinLength = blockMinLength
        self.postings = postings
        self.positionData = positionData
        self.totalLengths = totalLengths
        self.fieldDocCounts = fieldDocCounts
    }

    var documentCount: Int { ordinals.count }
    var termCount: Int { termDocFreq.count }

    /// The local number of a global ordinal, by binary search.
    func local(of ordinal: UInt32) -> Int? {
        var lo = 0, hi = ordinals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ordinals[mid] < ordinal { lo = mid + 1 } else { hi = mid }
        }
        return lo < ordinals.count && ordinals[lo] == ordinal ? lo : nil
    }

    // MARK: - Length norms

    /// Per document, the norms of `scorer` (`scorer.normsPerDocument` values each): the
    /// length part of BM25, which every posting of a document shares. Computed once per set
    /// of query parameters (k1, b, boosts, statistics) and kept for the next queries.
    func norms(for scorer: QueryScorer) -> [Float] {
        let key = scorer.lengthNorm
        if let table = normCache.table(for: key) { return table }
        let per = scorer.normsPerDocument
        let fc = fieldCount
        var table = [Float](repeating: 0, count: documentCount * per)
        lengths.withUnsafeBufferPointer { l in
            table.withUnsafeMutableBufferPointer { t in
                for d in 0..<documentCount { scorer.norms(lengths: l.baseAddress! + d * fc, into: t.baseAddress! + d * per) }
            }
        }
        normCache.insert(table, for: key)
        return table
    }

    // MARK: - Term dictionary

    func term(at id: Int) -> String {
        let end = min(Int(termOffsets[id + 1]), termBytes.count), start = min(Int(termOffsets[id]), end)
        return String(decoding: termBytes[start..<end], as: UTF8.self)
    }

    /// -1, 0, 1 as term `id` sorts before, equal to, or after `key`; with `prefixOnly`, as the
    /// term's first `key.count` bytes do (a shorter term sorts before).
    @inline(__always)
    private static func compare(_ id: Int, _ key: UnsafeBufferPointer<UInt8>, bytes: UnsafeBufferPointer<UInt8>,
                                offsets: UnsafeBufferPointer<UInt32>, prefixOnly: Bool) -> Int {
        // Clamped to the bytes, so a damaged offset compares wrongly but reads nothing outside.
        let end = min(Int(offsets[id + 1]), bytes.count), start = min(Int(offsets[id]), end), n = end - start
        let common = min(n, key.count)
        if common > 0 {
            let c = memcmp(bytes.baseAddress! + start, key.baseAddress!, common)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        if n < key.count { return -1 }
        return !prefixOnly && n > key.count ? 1 : 0
    }

    /// The first term id not sorting before `key`.
    private func lowerBound(_ key: UnsafeBufferPointer<UInt8>, prefixOnly: Bool = false) -> Int {
        termBytes.withUnsafeBufferPointer { bytes in
            termOffsets.withUnsafeBufferPointer { offsets in
                var lo = 0, hi = termCount
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if Segment.compare(mid, key, bytes: bytes, offsets: offsets, prefixOnly: prefixOnly) < 0 { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
        }
    }

    /// True when term `id` is `key` (or, with `prefixOnly`, starts with it).
    private func matches(_ id: Int, _ key: UnsafeBufferPointer<UInt8>, prefixOnly: Bool = false) -> Bool {
        termBytes.withUnsafeBufferPointer { bytes in
            termOffsets.withUnsafeBufferPointer { offsets in
                Segment.compare(id, key, bytes: bytes, offsets: offsets, prefixOnly: prefixOnly) == 0
            }
        }
    }

    func lookup(_ term: String) -> Int? {
        var term = term
        return term.withUTF8 { key in
            let i = lowerBound(key)
            return i < termCount && matches(i, key) ? i : nil
        }
    }

    /// Term ids of the terms that start with `prefix`.
    func terms(withPrefix prefix: String) -> Range<Int> {
        var prefix = prefix
        return prefix.withUTF8 { key in
            let lo = lowerBound(key, prefixOnly: true)
            var hi = lo
            while hi < termCount && matches(hi, key, prefixOnly: true) { hi += 1 }
            return lo..<hi
        }
    }

    // MARK: - Postings

    func blocks(of term: Int) -> Range<Int> {
        let lo = Int(termBlockStart[term]), hi = Int(termBlockStart[term + 1])
        guard lo <= hi, hi <= blockLastDoc.count else {
            damage.report("term \(term)'s blocks \(lo)..<\(hi) lie outside the \(blockLastDoc.count) blocks")
            return 0..<0
        }
        return lo..<hi
    }

    /// Number of documents in block `k` of `term`.
    func blockCount(term: Int, block k: Int) -> Int {
        let first = Int(termBlockStart[term])
        return min(Segment.blockSize, Int(termDocFreq[term]) - (k - first) * Segment.blockSize)
    }

    /// Decodes block `k` of `term`: local documents into `docs`, tfs (fieldCount per document) into `tfs`.
    /// Every value is checked as it is read (offsets within the data, documents within the
    /// segment, the block ending at its last document), so a damaged file decodes to an empty
    /// block and a report in `damage`, never to a read out of bounds: 0 is returned then.
    func decode(term: Int, block k: Int, docs: inout [UInt32], tfs: inout [UInt32]) -> Int {
        let count = blockCount(term: term, block: k)
        let first = Int(termBlockStart[term])
        let last = blockLastDoc[k]
        guard count > 0, count <= Segment.blockSize, Int(last) < documentCount else {
            damage.report("block \(k) of term \(term) holds \(count) documents up to \(last) of \(documentCount)")
            return 0
        }
        var doc: UInt32 = k == first ? 0 : blockLastDoc[k - 1]
        let fc = fieldCount
        let p = postings.buffer
        let limit = p.count
        var offset = Int(blockDocOffset[k])
        var ok = offset <= limit
        if ok {
            docs.withUnsafeMutableBufferPointer { d in
                tfs.withUnsafeMutableBufferPointer { t in
                    if limit - offset >= count * (1 + fc) * Varint.maxBytes {
                        // Room for the longest encoding of every value: no read can leave the data.
                        var beyond = false
                        for i in 0..<count {
                            doc &+= Varint.read(p, &offset)
                            beyond = beyond || doc > last
                            d[i] = doc
                            for f in 0..<fc { t[i * fc + f] = Varint.read(p, &offset) }
                        }
                        ok = !beyond && doc == last
                    } else {
                        for i in 0..<count {
                            guard let delta = Varint.read(p, &offset, limit: limit) else { ok = false; return }
                            doc &+= delta
                            guard doc <= last else { ok = false; return }
                            d[i] = doc
                            for f in 0..<fc {
                                guard let tf = Varint.read(p, &offset, limit: limit) else { ok = false; return }
                                t[i * fc + f] = tf
                            }
                        }
                        ok = doc == last
                    }
                }
            }
        }
        guard ok else {
            damage.report("the postings of block \(k) of term \(term) do not decode")
            return 0
        }
        return count
    }

    /// Positions of the document at index `index` of block `k`, field `field`; `tfs` is the decoded block.
    /// Checked as `decode` is: damage gives no positions and a report.
    func positions(block k: Int, index: Int, field: Int, tfs: [UInt32]) -> [UInt32] {
        let found: [UInt32]? = positionData.withUnsafeBufferPointer { p in
            var offset = Int(blockPosOffset[k])
            let limit = p.count
            var skip = 0
            for i in 0..<index { for f in 0..<fieldCount { skip += Int(tfs[i * fieldCount + f]) } }
            for f in 0..<field { skip += Int(tfs[index * fieldCount + f]) }
            let n = Int(tfs[index * fieldCount + field])
            // Each position takes at least a byte: more than the bytes left is damage.
            guard offset <= limit, Varint.skip(p, &offset, count: skip, limit: limit), n <= limit - offset else { return nil }
            var out = [UInt32](repeating: 0, count: n)
            var position: UInt32 = 0
            for i in 0..<n {
                guard let delta = Varint.read(p, &offset, limit: limit) else { return nil }
                position &+= delta
                out[i] = position
            }
            return out
        }
        guard let found else {
            damage.report("the positions of block \(k) do not decode")
            return []
        }
        return found
    }

    /// One decoded posting, for the exhaustive oracle, merges and explanations.
    struct Posting {
        var doc: UInt32
        var tfs: [UInt32]
        /// Per field, the positions.
        var positions: [[UInt32]]
    }

    /// All postings of `term`, decoded (slow path).
    func allPostings(of term: Int) -> [Posting] {
        var out: [Posting] = []
        out.reserveCapacity(min(Int(termDocFreq[term]), blocks(of: term).count * Segment.blockSize))
        var docs = [UInt32](repeating: 0, count: Segment.blockSize)
        var tfs = [UInt32](repeating: 0, count: Segment.blockSize * fieldCount)
        for k in blocks(of: term) {
            let n = decode(term: term, block: k, docs: &docs, tfs: &tfs)
            for i in 0..<n {
                let t = Array(tfs[(i * fieldCount)..<((i + 1) * fieldCount)])
                let pos = (0..<fieldCount).map { positions(block: k, index: i, field: $0, tfs: tfs) }
                out.append(Posting(doc: docs[i], tfs: t, positions: pos))
            }
        }
        return out
    }

    /// Bytes held by the arrays.
    var memoryBytes: Int {
        ordinals.count * 4 + lengths.count * 4 + termBytes.count + termOffsets.count * 4 + termDocFreq.count * 4
            + termFieldDocFreq.count * 4 + termBlockStart.count * 4 + blockLastDoc.count * 4 + blockDocOffset.count * 4
            + blockPosOffset.count * 4 + blockMaxTf.count * 4 + blockMinLength.count * 4 + postings.count + positionData.count
    }
}

/// A few per-document norm tables of one segment, by query parameters: the last ones used
/// first. Shared by the threads that search the segment, so behind a lock.
final class NormCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(key: LengthNorm, table: [Float])] = []
    /// Tables kept (a sweep over k1 and b cycles through more, and recomputes).
    static let capacity = 4

    func table(for key: LengthNorm) -> [Float]? {
        lock.lock()
        defer { lock.unlock() }
        return entries.first { $0.key == key }?.table
    }

    func insert(_ table: [Float], for key: LengthNorm) {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.key == key }
        entries.insert((key, table), at: 0)
        if entries.count > NormCache.capacity { entries.removeLast() }
    }
}

/// The first damage a read of a segment found (reads stop there; see `Segment.damage`).
/// Shared by the threads that search the segment, so behind a lock.
final class Damage: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?

    func report(_ reason: String) {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = reason }
    }

    var reason: String? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}
