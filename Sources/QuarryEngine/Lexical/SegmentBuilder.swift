import QuarryText

/// Accumulates documents in memory and writes them as one `Segment`.
///
/// Used for the first build, for each batch of imports, and by merges (which feed it decoded
/// postings instead of text).
struct SegmentBuilder {
    let fieldCount: Int
    private var termIDs: [String: Int] = [:]
    private var termNames: [String] = []
    private var docs: [[UInt32]] = []
    private var tfs: [[UInt32]] = []
    private var positions: [[UInt32]] = []
    private(set) var ordinals: [UInt32] = []
    private var lengths: [UInt32] = []

    init(fieldCount: Int) { self.fieldCount = fieldCount }

    var documentCount: Int { ordinals.count }

    private mutating func termID(_ term: String) -> Int {
        if let id = termIDs[term] { return id }
        let id = termNames.count
        termIDs[term] = id
        termNames.append(term)
        docs.append([])
        tfs.append([])
        positions.append([])
        return id
    }

    /// Adds documents analyzed elsewhere (see `AnalyzedBatch`), in the batch's order.
    mutating func add(_ batch: AnalyzedBatch) {
        let fc = fieldCount
        let map = batch.terms.map { termID($0) }
        var k = 0
        for (d, ordinal) in batch.ordinals.enumerated() {
            let local = UInt32(ordinals.count)
            ordinals.append(ordinal)
            for f in 0..<fc {
                let n = Int(batch.lengths[d * fc + f])
                for _ in 0..<n {
                    let t = map[Int(batch.tokens[k])]
                    if docs[t].last != local {
                        docs[t].append(local)
                        for _ in 0..<fc { tfs[t].append(0) }
                    }
                    tfs[t][tfs[t].count - fc + f] += 1
                    positions[t].append(batch.positions[k])
                    k += 1
                }
                lengths.append(UInt32(n))
            }
        }
    }

    /// Adds a document read back from another segment (for merges): its lengths only; the
    /// postings come through `addPosting`.
    mutating func addDocument<C: Collection>(ordinal: UInt32, lengths documentLengths: C) -> UInt32 where C.Element == UInt32 {
        let local = UInt32(ordinals.count)
        ordinals.append(ordinal)
        lengths.append(contentsOf: documentLengths)
        return local
    }

    mutating func addPosting(term: String, doc: UInt32, tfs postingTfs: [UInt32], positions postingPositions: [[UInt32]]) {
        let t = termID(term)
        docs[t].append(doc)
        tfs[t].append(contentsOf: postingTfs)
        for p in postingPositions { positions[t].append(contentsOf: p) }
    }

    /// Encodes everything into a segment.
    func finish() -> Segment {
        let fc = fieldCount
        let order = termNames.indices.sorted { termNames[$0].utf8.lexicographicallyPrecedes(termNames[$1].utf8) }
        var termBytes: [UInt8] = []
        var termOffsets: [UInt32] = [0]
        var termDocFreq: [UInt32] = []
        var termFieldDocFreq: [UInt32] = []
        var termBlockStart: [UInt32] = [0]
        var blockLastDoc: [UInt32] = [], blockDocOffset: [UInt32] = [], blockPosOffset: [UInt32] = []
        var blockMaxTf: [UInt32] = [], blockMinLength: [UInt32] = []
        var postings: [UInt8] = [], positionData: [UInt8] = []
        postings.reserveCapacity(positions.reduce(0) { $0 + $1.count })
        positionData.reserveCapacity(positions.reduce(0) { $0 + $1.count } * 2)
        for t in order {
            termBytes.append(contentsOf: termNames[t].utf8)
            termOffsets.append(UInt32(termBytes.count))
            var (d, tf, pos) = (docs[t], tfs[t], positions[t])
            sortPostingsIfNeeded(&d, &tf, &pos)
            let n = d.count
            termDocFreq.append(UInt32(n))
            var fieldDF = [UInt32](repeating: 0, count: fc)
            var p = 0  // index into pos
            var previous: UInt32 = 0
            for blockStart in stride(from: 0, to: n, by: Segment.blockSize) {
                blockDocOffset.append(UInt32(postings.count))
                blockPosOffset.append(UInt32(positionData.count))
                var maxTf = [UInt32](repeating: 0, count: fc)
                var minLength = [UInt32](repeating: .max, count: fc)
                let block = blockStart..<min(n, blockStart + Segment.blockSize)
                Segment.appendPacked(deltas: block.map { d[$0] &- ($0 == blockStart ? previous : d[$0 - 1]) },
                                     fields: (0..<fc).map { f in block.map { tf[$0 * fc + f] } }, to: &postings)
                var positionDeltas: [UInt32] = []
                for i in block {
                    previous = d[i]
                    for f in 0..<fc {
                        let v = tf[i * fc + f]
                        if v > 0 { fieldDF[f] += 1 }
                        maxTf[f] = max(maxTf[f], v)
                        minLength[f] = min(minLength[f], lengths[Int(d[i]) * fc + f])
                        var last: UInt32 = 0
                        for _ in 0..<Int(v) {
                            positionDeltas.append(pos[p] &- last)
                            last = pos[p]
                            p += 1
                        }
                    }
                }
                Segment.appendPackedPositions(positionDeltas, to: &positionData)
                blockLastDoc.append(previous)
                blockMaxTf.append(contentsOf: maxTf)
                blockMinLength.append(contentsOf: minLength)
            }
            termFieldDocFreq.append(contentsOf: fieldDF)
            termBlockStart.append(UInt32(blockLastDoc.count))
        }
        postings.append(contentsOf: repeatElement(0, count: BitPacking.padding))
        positionData.append(contentsOf: repeatElement(0, count: BitPacking.padding))
        return Segment(fieldCount: fc, ordinals: ordinals, lengths: lengths, termBytes: termBytes, termOffsets: termOffsets,
                       termDocFreq: termDocFreq, termFieldDocFreq: termFieldDocFreq, termBlockStart: termBlockStart,
                       blockLastDoc: blockLastDoc, blockDocOffset: blockDocOffset, blockPosOffset: blockPosOffset,
                       blockMaxTf: blockMaxTf, blockMinLength: blockMinLength, postings: postings, positionData: positionData)
    }

    /// Merged postings can arrive out of document order: put them in order, positions along.
    private func sortPostingsIfNeeded(_ d: inout [UInt32], _ tf: inout [UInt32], _ pos: inout [UInt32]) {
        guard zip(d, d.dropFirst()).contains(where: { $0 >= $1 }) else { return }
        let fc = fieldCount
        var starts: [Int] = []
        var s = 0
        for i in d.indices {
            starts.append(s)
            for f in 0..<fc { s += Int(tf[i * fc + f]) }
        }
        let order = d.indices.sorted { d[$0] < d[$1] }
        var nd: [UInt32] = [], ntf: [UInt32] = [], npos: [UInt32] = []
        for i in order {
            nd.append(d[i])
            ntf.append(contentsOf: tf[(i * fc)..<((i + 1) * fc)])
            let count = (0..<fc).reduce(0) { $0 + Int(tf[i * fc + $1]) }
            npos.append(contentsOf: pos[starts[i]..<(starts[i] + count)])
        }
        (d, tf, pos) = (nd, ntf, npos)
    }
}

/// Documents analyzed into term numbers local to the batch: the part of indexing that runs on
/// several threads (each with its own analyzer) before one `SegmentBuilder` takes them in order.
struct AnalyzedBatch: Sendable {
    var terms: [String] = []
    var ordinals: [UInt32] = []
    /// Per document and field: the number of tokens.
    var lengths: [UInt32] = []
    /// Per token: its term (index into `terms`) and position.
    var tokens: [UInt32] = []
    var positions: [UInt32] = []

    init(documents: ArraySlice<(ordinal: UInt32, fields: [String?])>, analyzer: Analyzer) {
        var ids: [String: UInt32] = [:]
        for d in documents {
            ordinals.append(d.ordinal)
            for text in d.fields {
                var n: UInt32 = 0
                if let text, !text.isEmpty {
                    analyzer.forEachToken(text) { term, position, _, _ in
                        let id: UInt32
                        if let known = ids[term] {
                            id = known
                        } else {
                            id = UInt32(terms.count)
                            ids[term] = id
                            terms.append(term)
                        }
                        tokens.append(id)
                        positions.append(UInt32(position))
                        n += 1
                    }
                }
                lengths.append(n)
            }
        }
    }
}
