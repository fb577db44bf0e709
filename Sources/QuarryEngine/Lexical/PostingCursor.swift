/// A forward-only cursor over one term's postings in one segment, block by block, with the
/// block-max bounds of the current query (Ding & Suel, "Faster Top-k Document Retrieval Using
/// Block-Max Indexes", SIGIR 2011).
///
/// `doc` is the current local document (`PostingCursor.end` when exhausted). `advance(to:)`
/// skips whole blocks by their last document without decoding them; `shallowAdvance(to:)`
/// moves only the block pointer, to read a block's bound before paying for its decoding.
struct PostingCursor {
    static let end = UInt32.max

    let segment: Segment
    /// The query's per-document length norms in this segment (`Segment.norms(for:)`).
    let norms: NormTable
    let normsPerDocument: Int
    /// Index of the term in the query (the canonical order of score sums).
    let queryTerm: Int
    let termID: Int
    let firstBlock: Int
    let endBlock: Int
    /// Per block of this term (index `k - firstBlock`): the bound of its contributions.
    let blockBounds: [Float]
    /// The largest block bound: the term's bound.
    let maxBound: Float

    private(set) var doc: UInt32 = 0
    private(set) var block: Int
    private(set) var shallowBlock: Int
    private var index = 0
    private var count = 0
    private(set) var docs: [UInt32]
    private var tfs: [UInt32]
    private(set) var blocksDecoded = 0
    /// Whether `tfs` holds the current block's tfs (packed blocks read them when first scored).
    private var tfsReady = false

    init(segment: Segment, queryTerm: Int, termID: Int, scorer: QueryScorer, norms: NormTable) {
        self.segment = segment
        self.norms = norms
        normsPerDocument = scorer.normsPerDocument
        self.queryTerm = queryTerm
        self.termID = termID
        let range = segment.blocks(of: termID)
        firstBlock = range.lowerBound
        endBlock = range.upperBound
        let fc = segment.fieldCount
        var bounds = [Float](repeating: 0, count: range.count)
        // Terms of excluded clauses are not scored: their bounds stay 0.
        if queryTerm < scorer.idf.count {
            var maxTf = [UInt32](repeating: 0, count: fc), minLength = [UInt32](repeating: 0, count: fc)
            for k in range {
                for f in 0..<fc {
                    maxTf[f] = segment.blockMaxTf[k &* fc &+ f]
                    minLength[f] = segment.blockMinLength[k &* fc &+ f]
                }
                bounds[k - range.lowerBound] = scorer.bound(term: queryTerm, maxTf: maxTf, minLength: minLength)
            }
        }
        blockBounds = bounds
        maxBound = bounds.max() ?? 0
        block = firstBlock - 1
        shallowBlock = firstBlock
        docs = [UInt32](repeating: 0, count: Segment.blockSize)
        tfs = [UInt32](repeating: 0, count: Segment.blockSize * fc)
        if range.isEmpty { doc = PostingCursor.end } else { load(firstBlock) }
    }

    var blockCount: Int { endBlock - firstBlock }

    private mutating func load(_ k: Int) {
        block = k
        shallowBlock = k
        (count, tfsReady) = segment.decodeDocuments(term: termID, block: k, docs: &docs, tfs: &tfs)
        blocksDecoded += 1
        index = 0
        guard count > 0 else {
            // A damaged block (reported in `segment.damage`): the cursor ends here.
            doc = PostingCursor.end
            block = endBlock - 1
            shallowBlock = endBlock
            return
        }
        doc = docs[0]
    }

    /// Moves to the next posting.
    @inline(__always)
    mutating func next() {
        index += 1
        if index < count { doc = docs[index]; return }
        if block + 1 < endBlock { load(block + 1) } else { doc = PostingCursor.end }
    }

    /// Moves to the first posting at or after `target`.
    mutating func advance(to target: UInt32) {
        guard doc < target else { return }
        if segment.blockLastDoc[block] < target {
            var k = max(block + 1, shallowBlock)
            while k < endBlock && segment.blockLastDoc[k] < target { k += 1 }
            guard k < endBlock else { doc = PostingCursor.end; block = endBlock - 1; shallowBlock = endBlock; return }
            load(k)
        }
        while docs[index] < target { index += 1 }
        doc = docs[index]
    }

    /// Moves the block pointer (not the cursor) to the block that could hold `target`; returns
    /// that block's bound and last document, or (0, end) past the last block.
    mutating func shallowAdvance(to target: UInt32) -> (bound: Float, lastDoc: UInt32) {
        var k = max(shallowBlock, block)
        while k < endBlock && segment.blockLastDoc[k] < target { k += 1 }
        shallowBlock = k
        guard k < endBlock else { return (0, PostingCursor.end) }
        return (blockBounds[k - firstBlock], segment.blockLastDoc[k])
    }

    /// Reads the current block's tfs when it has not yet (a damaged run leaves them 0, reported).
    @inline(__always)
    private mutating func readTfs() {
        guard !tfsReady else { return }
        tfsReady = true
        if !segment.decodeTfs(block: block, count: count, tfs: &tfs) {
            for i in tfs.indices { tfs[i] = 0 }
        }
    }

    /// The tfs of the current block, read for this call when the cursor has not read them.
    private func currentTfs() -> [UInt32] {
        if tfsReady { return tfs }
        var copy = self
        copy.readTfs()
        return copy.tfs
    }

    /// The contribution of the current posting.
    @inline(__always)
    mutating func score(_ scorer: QueryScorer) -> Float {
        readTfs()
        let fc = segment.fieldCount
        return tfs.withUnsafeBufferPointer { t in
            scorer.contribution(term: queryTerm, tfs: t.baseAddress! + index * fc, norms: norms.values + Int(doc) * normsPerDocument)
        }
    }

    /// The tf of the current posting in `field`.
    func tf(field: Int) -> UInt32 { currentTfs()[index * segment.fieldCount + field] }

    /// Positions of the current posting in `field`.
    func positions(field: Int) -> [UInt32] {
        segment.positions(block: block, index: index, field: field, tfs: currentTfs())
    }
}
