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
/// - postings: for each term, documents in blocks of `blockSize` (128). A block is bit-packed
///   (`BitPacking`, codec `.packed`): one byte of width for the document deltas and one per
///   field, then the deltas (each from the previous document; the first from the previous
///   block's last document, or 0), then each field's tfs, every run of values `width` bits
///   each, or patched (PFOR: the common width, and the few wider values' high bits apart;
///   `BitPacking.patched`) where that is smaller; the data ends with `BitPacking.padding` zero bytes. Segments written before the
///   packing (codec `.varint`, segment files of version 1) store each document as a varint
///   delta followed by one varint tf per field, and are read as they are. Beside each block: its last
///   document (to skip without decoding) and, per field, the block's **largest tf** and
///   **smallest field length**. Those two are enough to bound any document's BM25
///   contribution in the block for any k1 ≥ 0, b ∈ [0, 1] and boosts ≥ 0 given at query time,
///   since the BM25 tf part grows with tf and shrinks with length: bounds are computed per query
///   from them instead of being stored for one k1/b.
/// - positions: a separate stream per block, read only by phrase queries: per document and
///   field, the positions as deltas (the first from 0). Packed (codec `.packed`): one width byte
///   for the block, then all its deltas at that width (or patched: `appendPackedPositions`), so
///   the list of document i in field f starts at the value that sums the tfs before it; the data
///   ends with `BitPacking.padding` zero bytes. Varint (`.varint`): the deltas as varints, one after another.
final class Segment: @unchecked Sendable {
    static let blockSize = 128

    /// How the blocks of `postings` are encoded.
    enum Codec: Sendable {
        /// Varint document deltas and tfs, document by document (segments of format version 1).
        case varint
        /// Bit-packed blocks (`BitPacking`).
        case packed
    }

    let fieldCount: Int
    let codec: Codec
    let ordinals: Ordinals
    let lengths: PackedColumn
    let termBytes: Column<UInt8>
    let termOffsets: Column<UInt32>
    let termDocFreq: Column<UInt32>
    let termFieldDocFreq: Column<UInt32>
    let termBlockStart: Column<UInt32>
    let blockLastDoc: Column<UInt32>
    let blockDocOffset: PackedColumn
    let blockPosOffset: PackedColumn
    let blockMaxTf: PackedColumn
    let blockMinLength: PackedColumn
    let postings: Column<UInt8>
    let positionData: Column<UInt8>
    /// Per field: the sum of lengths and the number of documents where the field is not empty.
    let totalLengths: [UInt64]
    let fieldDocCounts: [UInt32]
    /// Per-document BM25 norms of the query parameters seen last (see `norms(for:)`).
    private let normCache = NormCache()
    /// Zeroed score accumulators for the exhaustive scorer, kept between searches.
    let accumulators = AccumulatorPool()
    /// What errors call this segment (its file, when mapped).
    var source = "a BM25 segment"
    /// Set when a read finds what no written segment holds (a damaged file): the read stops
    /// there, and the search that made it reports the segment damaged (`LexicalIndex.search`).
    let damage = Damage()

    /// A segment just built (its arrays are copied into columns of its own).
    convenience init(fieldCount: Int, codec: Codec = .packed, ordinals: [UInt32], lengths: [UInt32], termBytes: [UInt8], termOffsets: [UInt32],
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
        self.init(fieldCount: fieldCount, codec: codec, ordinals: Ordinals(ordinals), lengths: PackedColumn(lengths), termBytes: Column(termBytes),
                  termOffsets: Column(termOffsets), termDocFreq: Column(termDocFreq), termFieldDocFreq: Column(termFieldDocFreq),
                  termBlockStart: Column(termBlockStart), blockLastDoc: Column(blockLastDoc), blockDocOffset: PackedColumn(blockDocOffset),
                  blockPosOffset: PackedColumn(blockPosOffset), blockMaxTf: PackedColumn(blockMaxTf), blockMinLength: PackedColumn(blockMinLength),
                  postings: Column(postings), positionData: Column(positionData), totalLengths: totals, fieldDocCounts: counts)
    }

    /// A segment over columns (built, or mapped from a segment file), with its field statistics.
    init(fieldCount: Int, codec: Codec, ordinals: Ordinals, lengths: PackedColumn, termBytes: Column<UInt8>, termOffsets: Column<UInt32>,
         termDocFreq: Column<UInt32>, termFieldDocFreq: Column<UInt32>, termBlockStart: Column<UInt32>, blockLastDoc: Column<UInt32>,
         blockDocOffset: PackedColumn, blockPosOffset: PackedColumn, blockMaxTf: PackedColumn, blockMinLength: PackedColumn,
         postings: Column<UInt8>, positionData: Column<UInt8>, totalLengths: [UInt64], fieldDocCounts: [UInt32]) {
        self.fieldCount = fieldCount
        self.codec = codec
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

    /// The columns kept at the width of their largest value, by section name (in the order
    /// segment files of version 3 list their widths).
    static let packedColumnNames = ["lengths", "block_doc_offset", "block_pos_offset", "block_max_tf", "block_min_length"]
    var packedColumns: [(name: String, column: PackedColumn)] {
        Array(zip(Segment.packedColumnNames, [lengths, blockDocOffset, blockPosOffset, blockMaxTf, blockMinLength]))
    }
    var termCount: Int { termDocFreq.count }

    /// The local number of a global ordinal, by binary search.
    func local(of ordinal: UInt32) -> Int? {
        if ordinals.isRun {
            let i = Int(ordinal) - Int(ordinals.base)
            return i >= 0 && i < ordinals.count ? i : nil
        }
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
    func norms(for scorer: QueryScorer) -> NormTable {
        let key = scorer.lengthNorm
        if let table = normCache.table(for: key) { return table }
        let per = scorer.normsPerDocument
        let fc = fieldCount
        let table = NormTable(count: documentCount * per)
        // The lengths are unpacked a chunk of documents at a time.
        let chunk = 1024
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: chunk * fc + 8) { l in
            for first in stride(from: 0, to: documentCount, by: chunk) {
                let n = min(chunk, documentCount - first)
                lengths.read(from: first * fc, count: n * fc, into: l.baseAddress!)
                scorer.lengthNorm.norms(lengths: l.baseAddress!, documents: n, fieldCount: fc, into: table.values + first * per)
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
        // Unpacking writes whole groups of eight (see `BitPacking.unpack`): room for them.
        let room = (count + 7) & ~7
        guard count > 0, count <= Segment.blockSize, Int(last) < documentCount,
              docs.count >= room, tfs.count >= room * fieldCount else {
            damage.report("block \(k) of term \(term) holds \(count) documents up to \(last) of \(documentCount)")
            return 0
        }
        let previous: UInt32 = k == first ? 0 : blockLastDoc[k - 1]
        let fc = fieldCount
        let ok = docs.withUnsafeMutableBufferPointer { d in
            tfs.withUnsafeMutableBufferPointer { t in
                codec == .packed
                    ? unpack(block: k, count: count, after: previous, last: last, docs: d.baseAddress!, tfs: t.baseAddress!,
                             fieldStride: 1, documentStride: fc)
                    : readVarints(block: k, count: count, after: previous, last: last, docs: d.baseAddress!, tfs: t.baseAddress!)
            }
        }
        guard ok else {
            damage.report("the postings of block \(k) of term \(term) do not decode")
            return 0
        }
        return count
    }

    /// Decodes block `k` of `term` as a cursor needs it first: its documents, and its tfs only
    /// where they cannot be read apart (varint blocks interleave them). Returns the count (0 for a
    /// damaged block, reported as `decode` does) and whether `tfs` holds the block's tfs; when not,
    /// `decodeTfs` reads them once a document of the block is scored (a cursor moved to a block
    /// to find that the next candidate is not in it never pays for them).
    func decodeDocuments(term: Int, block k: Int, docs: inout [UInt32], tfs: inout [UInt32]) -> (count: Int, tfs: Bool) {
        guard codec == .packed else { return (decode(term: term, block: k, docs: &docs, tfs: &tfs), true) }
        let count = blockCount(term: term, block: k)
        let first = Int(termBlockStart[term])
        let last = blockLastDoc[k]
        let room = (count + 7) & ~7
        guard count > 0, count <= Segment.blockSize, Int(last) < documentCount, docs.count >= room else {
            damage.report("block \(k) of term \(term) holds \(count) documents up to \(last) of \(documentCount)")
            return (0, true)
        }
        let previous: UInt32 = k == first ? 0 : blockLastDoc[k - 1]
        let ok = docs.withUnsafeMutableBufferPointer { d in
            unpackDocuments(block: k, count: count, after: previous, last: last, docs: d.baseAddress!)
        }
        guard ok else {
            damage.report("the postings of block \(k) of term \(term) do not decode")
            return (0, true)
        }
        return (count, false)
    }

    /// The tfs of packed block `k` (`count` documents, as `decodeDocuments` found) into `tfs`,
    /// fieldCount per document. False (and a report in `damage`) when they do not decode.
    func decodeTfs(block k: Int, count: Int, tfs: inout [UInt32]) -> Bool {
        let room = (count + 7) & ~7
        guard codec == .packed, count > 0, count <= Segment.blockSize, tfs.count >= room * fieldCount else { return false }
        let fc = fieldCount
        let ok = tfs.withUnsafeMutableBufferPointer { t in
            unpackTfs(block: k, count: count, tfs: t.baseAddress!, fieldStride: 1, documentStride: fc)
        }
        if !ok { damage.report("the tfs of block \(k) do not decode") }
        return ok
    }

    /// Where packed block `k`'s runs lie: the width bytes (documents, then each field) and the
    /// first run; nil when a width is above 32, a patched run's head is wrong, or the runs pass
    /// the end of the data.
    @inline(__always)
    private func packedRuns(block k: Int, count: Int) -> (widths: UnsafePointer<UInt8>, runs: UnsafeRawPointer)? {
        let p = postings.buffer
        let fc = fieldCount
        let offset = Int(blockDocOffset[k])
        guard offset <= p.count, p.count - offset > fc else { return nil }
        let widths = p.baseAddress! + offset
        let runs = UnsafeRawPointer(widths + 1 + fc)
        var size = 1 + fc
        for f in 0...fc {
            // A patched run's 2-byte head is read only where it lies within the data.
            guard widths[f] & BitPacking.patched == 0 || p.count - offset >= size + 2,
                  let n = BitPacking.runBytes(UnsafeRawPointer(widths) + size, widthByte: widths[f], count: count)
            else { return nil }
            size += n
        }
        guard p.count - offset >= size + BitPacking.padding else { return nil }
        return (widths, runs)
    }

    /// The documents of packed block `k` (see `unpack`).
    @inline(__always)
    func unpackDocuments(block k: Int, count: Int, after previous: UInt32, last: UInt32, docs: UnsafeMutablePointer<UInt32>) -> Bool {
        guard let (widths, runs) = packedRuns(block: k, count: count),
              BitPacking.unpackRun(runs, widthByte: widths[0], count: count, into: docs, stride: 1)
        else { return false }
        // Deltas are ≥ 0 and the sum cannot wrap in 64 bits: ending at `last` keeps every
        // document of the block at or below it.
        var sum = UInt64(previous)
        for i in 0..<count {
            sum &+= UInt64(docs[i])
            docs[i] = UInt32(truncatingIfNeeded: sum)
        }
        return sum == UInt64(last)
    }

    /// The tfs of packed block `k` (see `unpack`).
    @inline(__always)
    func unpackTfs(block k: Int, count: Int, tfs: UnsafeMutablePointer<UInt32>, fieldStride: Int, documentStride: Int) -> Bool {
        guard let (widths, runs) = packedRuns(block: k, count: count) else { return false }
        var at = runs + BitPacking.runBytes(runs, widthByte: widths[0], count: count)!
        for f in 0..<fieldCount {
            guard BitPacking.unpackRun(at, widthByte: widths[1 + f], count: count, into: tfs + f &* fieldStride, stride: documentStride)
            else { return false }
            at += BitPacking.runBytes(at, widthByte: widths[1 + f], count: count)!
        }
        return true
    }

    /// Unpacks packed block `k`, `count` documents after `previous` ending at `last`: documents
    /// into `docs[0..<count]`, the tf of document i in field f into
    /// `tfs[f * fieldStride + i * documentStride]`. False when the block does not decode (a
    /// damaged file): a width above 32, data past the end, or documents that do not end at `last`.
    @inline(__always)
    func unpack(block k: Int, count: Int, after previous: UInt32, last: UInt32, docs: UnsafeMutablePointer<UInt32>,
                tfs: UnsafeMutablePointer<UInt32>, fieldStride: Int, documentStride: Int) -> Bool {
        unpackDocuments(block: k, count: count, after: previous, last: last, docs: docs)
            && unpackTfs(block: k, count: count, tfs: tfs, fieldStride: fieldStride, documentStride: documentStride)
    }

    /// Reads varint block `k` (codec `.varint`) as `unpack` reads a packed one, tfs fieldCount per document.
    private func readVarints(block k: Int, count: Int, after previous: UInt32, last: UInt32,
                             docs d: UnsafeMutablePointer<UInt32>, tfs t: UnsafeMutablePointer<UInt32>) -> Bool {
        var doc = previous
        let fc = fieldCount
        let p = postings.buffer
        let limit = p.count
        var offset = Int(blockDocOffset[k])
        guard offset <= limit else { return false }
        if limit - offset >= count * (1 + fc) * Varint.maxBytes {
            // Room for the longest encoding of every value: no read can leave the data.
            var beyond = false
            for i in 0..<count {
                doc &+= Varint.read(p, &offset)
                beyond = beyond || doc > last
                d[i] = doc
                for f in 0..<fc { t[i * fc + f] = Varint.read(p, &offset) }
            }
            return !beyond && doc == last
        }
        for i in 0..<count {
            guard let delta = Varint.read(p, &offset, limit: limit) else { return false }
            doc &+= delta
            guard doc <= last else { return false }
            d[i] = doc
            for f in 0..<fc {
                guard let tf = Varint.read(p, &offset, limit: limit) else { return false }
                t[i * fc + f] = tf
            }
        }
        return doc == last
    }

    /// Appends one packed block: a width byte for the document deltas and one per field, the
    /// deltas, then each field's tfs, each run patched where that takes fewer bytes (`BitPacking.plan`).
    static func appendPacked(deltas: [UInt32], fields: [[UInt32]], to out: inout [UInt8]) {
        let runs = [deltas] + fields
        let plans = runs.map { BitPacking.plan($0) }
        out.append(contentsOf: plans.map(\.widthByte))
        for (values, plan) in zip(runs, plans) {
            BitPacking.pack(values, widthByte: plan.widthByte, exceptionWidth: plan.exceptionWidth, to: &out)
        }
    }

    /// Set in a patched positions run's exception width when its indices take a byte each.
    static let narrowIndices: UInt8 = 0x40

    /// Appends one block's packed positions: a width byte, then the deltas at that width; or,
    /// where it takes fewer bytes, patched (the width byte with `BitPacking.patched`): the count
    /// of exceptions (UInt16), their width (a byte, with `narrowIndices` when the indices take a
    /// byte each: blocks of at most 256 deltas), their indices (ascending; else UInt16 each), their
    /// high parts, then every delta's low bits. The exceptions come first so that a document's
    /// list is read where it lies without knowing how many deltas the block holds (a block of a
    /// term in long documents holds a few first positions far wider than the rest).
    static func appendPackedPositions(_ deltas: [UInt32], to out: inout [UInt8]) {
        let indexBytes = deltas.count <= 256 ? 1 : 2
        // A width of at least 1 keeps every value a bit of the data (see `positions`).
        let plan = BitPacking.plan(deltas, head: 3, indexBytes: indexBytes, maxExceptions: Int(UInt16.max), lowestWidth: 1)
        out.append(plan.widthByte)
        let w = Int(plan.widthByte & ~BitPacking.patched)
        guard plan.widthByte & BitPacking.patched != 0 else {
            BitPacking.pack(deltas, width: w, to: &out)
            return
        }
        let exceptions = deltas.indices.filter { deltas[$0] >> UInt32(w) != 0 }
        out.append(UInt8(truncatingIfNeeded: exceptions.count))
        out.append(UInt8(truncatingIfNeeded: exceptions.count >> 8))
        out.append(UInt8(plan.exceptionWidth) | (indexBytes == 1 ? Segment.narrowIndices : 0))
        for i in exceptions {
            out.append(UInt8(truncatingIfNeeded: i))
            if indexBytes == 2 { out.append(UInt8(truncatingIfNeeded: i >> 8)) }
        }
        BitPacking.pack(exceptions.lazy.map { deltas[$0] >> UInt32(w) }, width: plan.exceptionWidth, to: &out)
        BitPacking.pack(deltas.lazy.map { $0 & ((1 << UInt32(w)) &- 1) }, width: w, to: &out)
    }

    /// This segment with its postings and positions written in `codec` (the other arrays shared): for a
    /// segment read from a varint snapshot, and for tests that hold the two codecs side by side.
    /// Nil when a block does not decode.
    func reencoded(as codec: Codec) -> Segment? {
        let fc = fieldCount
        var out: [UInt8] = []
        out.reserveCapacity(postings.count)
        var offsets: [UInt32] = []
        offsets.reserveCapacity(blockLastDoc.count)
        var positionsOut: [UInt8] = [], positionOffsets: [UInt32] = []
        positionsOut.reserveCapacity(positionData.count)
        positionOffsets.reserveCapacity(blockLastDoc.count)
        var docs = [UInt32](repeating: 0, count: Segment.blockSize)
        var tfs = [UInt32](repeating: 0, count: Segment.blockSize * fc)
        for term in 0..<termCount {
            var previous: UInt32 = 0
            for k in blocks(of: term) {
                let n = decode(term: term, block: k, docs: &docs, tfs: &tfs)
                guard n > 0 else { return nil }
                offsets.append(UInt32(out.count))
                positionOffsets.append(UInt32(positionsOut.count))
                let deltas = (0..<n).map { docs[$0] &- ($0 == 0 ? previous : docs[$0 - 1]) }
                let block = Array(tfs[0..<(n * fc)])
                var positionDeltas: [UInt32] = []
                for i in 0..<n {
                    for f in 0..<fc {
                        var last: UInt32 = 0
                        for p in positions(block: k, index: i, field: f, tfs: block) {
                            positionDeltas.append(p &- last)
                            last = p
                        }
                    }
                }
                guard damage.reason == nil else { return nil }
                switch codec {
                case .packed:
                    Segment.appendPacked(deltas: deltas, fields: (0..<fc).map { f in (0..<n).map { tfs[$0 * fc + f] } }, to: &out)
                    Segment.appendPackedPositions(positionDeltas, to: &positionsOut)
                case .varint:
                    for i in 0..<n {
                        Varint.write(deltas[i], to: &out)
                        for f in 0..<fc { Varint.write(tfs[i * fc + f], to: &out) }
                    }
                    for d in positionDeltas { Varint.write(d, to: &positionsOut) }
                }
                previous = docs[n - 1]
            }
        }
        if codec == .packed {
            out.append(contentsOf: repeatElement(0, count: BitPacking.padding))
            positionsOut.append(contentsOf: repeatElement(0, count: BitPacking.padding))
        }
        return Segment(fieldCount: fc, codec: codec, ordinals: ordinals, lengths: lengths, termBytes: termBytes, termOffsets: termOffsets,
                       termDocFreq: termDocFreq, termFieldDocFreq: termFieldDocFreq, termBlockStart: termBlockStart,
                       blockLastDoc: blockLastDoc, blockDocOffset: PackedColumn(offsets), blockPosOffset: PackedColumn(positionOffsets),
                       blockMaxTf: blockMaxTf, blockMinLength: blockMinLength, postings: Column(out), positionData: Column(positionsOut),
                       totalLengths: totalLengths, fieldDocCounts: fieldDocCounts)
    }

    /// Positions of the document at index `index` of block `k`, field `field`; `tfs` is the decoded block.
    /// Checked as `decode` is: damage gives no positions and a report.
    func positions(block k: Int, index: Int, field: Int, tfs: [UInt32]) -> [UInt32] {
        var skip = 0
        for i in 0..<index { for f in 0..<fieldCount { skip += Int(tfs[i * fieldCount + f]) } }
        for f in 0..<field { skip += Int(tfs[index * fieldCount + f]) }
        let n = Int(tfs[index * fieldCount + field])
        let found: [UInt32]? = positionData.withUnsafeBufferPointer { p in
            let offset = Int(blockPosOffset[k])
            let limit = p.count
            guard offset <= limit else { return nil }
            if codec == .packed {
                // Value `skip + i` of the block's run, read where it lies.
                guard limit - offset > 0 else { return nil }
                let head = p[offset]
                let w = Int(head & ~BitPacking.patched)
                // A patched run: its exceptions (indices ascending, high parts), then the low bits.
                var low = offset + 1, exceptions = 0, exceptionWidth = 0, indexBytes = 2
                if head & BitPacking.patched != 0 {
                    guard limit - offset >= 4 else { return nil }
                    exceptions = Int(p[offset + 1]) | Int(p[offset + 2]) << 8
                    exceptionWidth = Int(p[offset + 3] & ~Segment.narrowIndices)
                    if p[offset + 3] & Segment.narrowIndices != 0 { indexBytes = 1 }
                    guard w >= 1, exceptions >= 1, exceptionWidth >= 1, w + exceptionWidth <= 32 else { return nil }
                    low = offset + 4 + indexBytes * exceptions + BitPacking.bytes(count: exceptions, width: exceptionWidth)
                }
                // Each value takes at least a bit, so the data bounds the list; width 0 (every
                // delta 0) only holds lists of one position.
                guard w <= 32, w > 0 || n <= 1, low <= limit,
                      limit - low >= BitPacking.bytes(count: skip + n, width: w) + BitPacking.padding else { return nil }
                let base = UnsafeRawPointer(p.baseAddress! + low)
                let mask: UInt64 = (1 << UInt64(w)) &- 1
                var out = [UInt32](repeating: 0, count: n)
                // The first exception at or after value `skip` (the indices ascend).
                let index = { (k: Int) in
                    indexBytes == 1 ? Int(p[offset + 4 + k]) : Int(p[offset + 4 + 2 * k]) | Int(p[offset + 5 + 2 * k]) << 8
                }
                var k = 0, hi = exceptions
                while k < hi {
                    let mid = (k + hi) / 2
                    if index(mid) < skip { k = mid + 1 } else { hi = mid }
                }
                let highs = UnsafeRawPointer(p.baseAddress! + offset + 4 + indexBytes * exceptions)
                let highMask: UInt64 = (1 << UInt64(exceptionWidth)) &- 1
                var position: UInt32 = 0
                for i in 0..<n {
                    var delta = BitPacking.value(base, at: skip + i, width: w, mask: mask)
                    if k < exceptions && index(k) == skip + i {
                        delta |= BitPacking.value(highs, at: k, width: exceptionWidth, mask: highMask) << UInt32(w)
                        k += 1
                    }
                    position &+= delta
                    out[i] = position
                }
                return out
            }
            var at = offset
            // Each position takes at least a byte: more than the bytes left is damage.
            guard Varint.skip(p, &at, count: skip, limit: limit), n <= limit - at else { return nil }
            var out = [UInt32](repeating: 0, count: n)
            var position: UInt32 = 0
            for i in 0..<n {
                guard let delta = Varint.read(p, &at, limit: limit) else { return nil }
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
        (ordinals.stored?.count ?? 0) * 4 + lengths.byteCount + termBytes.count + termOffsets.count * 4 + termDocFreq.count * 4
            + termFieldDocFreq.count * 4 + termBlockStart.count * 4 + blockLastDoc.count * 4 + blockDocOffset.byteCount
            + blockPosOffset.byteCount + blockMaxTf.byteCount + blockMinLength.byteCount + postings.count + positionData.count
    }
}

/// A few per-document norm tables of one segment, by query parameters: the last ones used
/// first. Shared by the threads that search the segment, so behind a lock.
final class NormCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(key: LengthNorm, table: NormTable)] = []
    /// Tables kept (a sweep over k1 and b cycles through more, and recomputes).
    static let capacity = 4

    func table(for key: LengthNorm) -> NormTable? {
        lock.lock()
        defer { lock.unlock() }
        return entries.first { $0.key == key }?.table
    }

    func insert(_ table: NormTable, for key: LengthNorm) {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.key == key }
        entries.insert((key, table), at: 0)
        if entries.count > NormCache.capacity { entries.removeLast() }
    }
}

/// Per document, the length norms of one set of query parameters (`Segment.norms(for:)`), which
/// the scorers read at random: on huge pages once it spans one.
final class NormTable: @unchecked Sendable {
    let values: UnsafeMutablePointer<Float>

    init(count: Int) {
        values = HugePages.allocate(Float.self, count: count, minimumBytes: HugePages.size)
        values.initialize(repeating: 0, count: count)
    }

    deinit { values.deallocate() }
}

/// Score accumulators (one `Float` per document of a segment) for the exhaustive scorer, kept
/// between its searches: a search of a few thousand postings then neither allocates nor clears a
/// million floats. A buffer is taken zeroed and given back zeroed; each search thread takes its
/// own, and a few are kept.
final class AccumulatorPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [UnsafeMutableBufferPointer<Float>] = []
    static let kept = 2

    func take(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        lock.lock()
        if let i = free.firstIndex(where: { $0.count == count }) {
            let b = free.remove(at: i)
            lock.unlock()
            return b
        }
        lock.unlock()
        // Read and written at random: on huge pages once it spans one.
        let b = UnsafeMutableBufferPointer(start: HugePages.allocate(Float.self, count: count, minimumBytes: HugePages.size), count: count)
        b.initialize(repeating: 0)
        return b
    }

    /// Takes back a buffer whose every value is 0 again.
    func give(_ buffer: UnsafeMutableBufferPointer<Float>) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < Self.kept { free.append(buffer) } else { buffer.deallocate() }
    }

    deinit { for b in free { b.deallocate() } }
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
