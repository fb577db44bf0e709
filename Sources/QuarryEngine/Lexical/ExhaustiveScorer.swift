import QuarryBase

/// The exact oracle: term-at-a-time accumulation over every posting of every scored term, then
/// every touched document is checked and offered. Fast paths must return what this returns.
///
/// It is also the fastest algorithm when the query's lists are short (see `PruningAlgorithm.auto`):
/// each term's postings are decoded block by block into a dense accumulator (one `Float` per
/// document of the segment, kept zeroed between searches by `Segment.accumulators`) with the
/// per-document length norms read from `Segment.norms(for:)`; then one pass over the
/// accumulator offers the scored documents to the top k, each score compared with the current
/// k-th before the heap is touched — or, when the postings are few beside the segment's
/// documents, only the documents listed as their scores left 0.
///
/// When those postings are few beside a large segment's documents (and nothing is checked), the
/// accumulation goes a window of documents at a time instead (`collectWindowed`), as Lucene's
/// BooleanScorer does: a million-float accumulator does not stay in the caches, and sparse
/// postings land on it at random, so each one cost a cache miss on its score first.
struct ExhaustiveScorer: TopKCollector {
    func collect(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters) {
        let seg = search.segment
        let q = search.query
        let n = seg.documentCount
        guard n > 0 else { return }
        let checks = q.needsCheck || search.deleted != nil || search.allowed != nil
        let postingCount = (0..<q.scoredCount).reduce(0) { sum, t in sum + (search.termIDs[t].map { Int(seg.termDocFreq[$0]) } ?? 0) }
        // Sparse postings over a large segment: a window at a time. (Dense ones read the
        // accumulator nearly in order, which the caches follow, and scan it eight at a time.)
        if !checks && !q.scorer.boosts.contains(0) && seg.codec == .packed && n >= Self.windowedFrom && postingCount < n / 8 {
            Self.collectWindowed(search, into: &topK, counters: &counters)
            return
        }
        // A zeroed accumulator kept by the segment; it goes back zeroed (see the end).
        let acc = seg.accumulators.take(n)
        // A posting scores 0 only when its tfs are all in fields the query leaves out (boost 0):
        // only then is "touched" more than "scored above 0", and worth tracking on its own.
        let trackTouched = q.scorer.boosts.contains(0)
        var touched = [Bool](repeating: false, count: trackTouched ? n : 0)
        let unchecked = !checks && !trackTouched
        // The documents whose score leaves 0 are listed as they do. When the postings are few
        // beside the segment's documents (and nothing is checked), only they are selected and
        // cleared, which then costs the postings rather than the segment's size.
        let listed = unchecked && postingCount < n / 8
        // (One more than can be listed: `addContribution` writes the next entry before it knows.)
        let list = UnsafeMutablePointer<UInt32>.allocate(capacity: min(n, postingCount) + 1)
        defer { list.deallocate() }
        // Documents with a score above 0 (all contributions are ≥ 0, so each leaves 0 once).
        var scored = 0
        touched.withUnsafeMutableBufferPointer { touchedBuffer in
            for t in 0..<q.scoredCount {
                guard let id = search.termIDs[t] else { continue }
                let count = ExhaustiveScorer.accumulate(seg, term: id, queryTerm: t, scorer: q.scorer, norms: search.norms.values,
                                                        into: acc.baseAddress!, touched: trackTouched ? touchedBuffer.baseAddress : nil,
                                                        list: list, lists: listed, scored: &scored)
                counters.blocksDecoded += seg.blocks(of: id).count
                counters.postingsScored += count
            }
        }
        defer { seg.accumulators.give(acc) }
        // Boolean checks from fully decoded postings (slow, simple).
        var postings: [[UInt32: Segment.Posting]] = []
        if q.needsCheck {
            postings = q.terms.indices.map { t in
                guard let id = search.termIDs[t] else { return [:] }
                return Dictionary(uniqueKeysWithValues: seg.allPostings(of: id).map { ($0.doc, $0) })
            }
        }
        if unchecked {
            if listed {
                counters.documentsEvaluated += scored
                ExhaustiveScorer.select(acc, listed: UnsafeBufferPointer(start: list, count: scored), ordinals: seg.ordinals, into: &topK)
            } else {
                counters.documentsEvaluated += ExhaustiveScorer.select(acc, ordinals: seg.ordinals, into: &topK)
            }
            return
        }
        defer { acc.update(repeating: 0) }
        // A score below `floor` cannot enter the top-k (equal can, on a smaller id).
        var floor = topK.threshold ?? 0
        for d in 0..<n where acc[d] > 0 || (trackTouched && touched[d]) {
            let local = UInt32(d)
            if checks {
                guard search.isCandidate(local) else { counters.documentsFiltered += 1; continue }
                if q.needsCheck {
                    let ok = q.matches(
                        has: { t in
                            guard let p = postings[t][local] else { return false }
                            return q.queriedFields.contains { p.tfs[$0] > 0 }
                        },
                        positions: { t, f in postings[t][local]?.positions[f] ?? [] })
                    guard ok else { counters.documentsFiltered += 1; continue }
                }
            }
            counters.documentsEvaluated += 1
            let score = acc[d]
            if score > 0 && score >= floor, topK.push(id: seg.ordinals[d], score: score), let t = topK.threshold {
                floor = t
            }
        }
    }

    /// Documents per window of `collectWindowed`: its scores (32 KiB) stay in the first-level cache.
    static let window = 8192
    /// The segment size from which `collect` accumulates a window at a time: below it the whole
    /// accumulator fits the second-level cache.
    static let windowedFrom = 131_072

    /// `collect` for a large segment when nothing is checked: the documents are taken a window
    /// of `window` at a time; in each, every scored term adds its postings that fall in the window
    /// (in term order, as `accumulate` does, so each document's score has the same bits) to a
    /// window-sized accumulator, whose scored documents are then offered and cleared. Each term
    /// keeps its decoded block between windows.
    static func collectWindowed(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters) {
        let seg = search.segment
        let q = search.query, scorer = q.scorer
        let n = seg.documentCount, fc = seg.fieldCount, per = scorer.normsPerDocument, size = Segment.blockSize
        let norms = search.norms.values
        let fast = scorer.rule == .bm25f && fc == 2
        // The terms to read, with their blocks (a damaged count stops the term at once).
        var terms: [(t: Int, id: Int, blocks: Range<Int>)] = []
        for t in 0..<q.scoredCount {
            guard let id = search.termIDs[t] else { continue }
            let blocks = seg.blocks(of: id)
            guard Int(seg.termDocFreq[id]) <= blocks.count * size else {
                seg.damage.report("term \(id) counts \(seg.termDocFreq[id]) documents in \(blocks.count) blocks")
                continue
            }
            terms.append((t, id, blocks))
            counters.blocksDecoded += blocks.count
        }
        guard !terms.isEmpty else { return }
        let m = terms.count
        // Per term: its next block, the decoded one (documents, tfs — in the two-field BM25F
        // case a run per field, and the postings' contributions, computed as the block is
        // decoded — else fc per document), the number decoded and the next posting in it.
        var next = terms.map(\.blocks.lowerBound)
        var decodedCount = [Int](repeating: 0, count: m), position = [Int](repeating: 0, count: m)
        var postings = [Int](repeating: 0, count: m)
        let docs = UnsafeMutablePointer<UInt32>.allocate(capacity: m * size * (1 + fc))
        defer { docs.deallocate() }
        let tfs = docs + m * size
        let contributions = UnsafeMutablePointer<Float>.allocate(capacity: fast ? m * size : 1)
        defer { contributions.deallocate() }
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: window)
        scores.initialize(repeating: 0, count: window)
        defer { scores.deallocate() }
        let list = UnsafeMutablePointer<UInt32>.allocate(capacity: window + 1)  // see `collect`
        defer { list.deallocate() }
        var floor = max(topK.threshold ?? 0, .leastNonzeroMagnitude)

        /// Decodes term j's next block; false when it has none left or it does not decode.
        func decode(_ j: Int) -> Bool {
            let (t, id, blocks) = terms[j]
            let k = next[j]
            guard k < blocks.upperBound,
                  let count = unpackBlock(seg, term: id, block: k, of: blocks, docs: docs + j * size, tfs: tfs + j * size * fc, fieldRuns: fast)
            else {
                next[j] = blocks.upperBound
                return false
            }
            if fast {
                twoFieldContributions(count, docs: docs + j * size, tfs: tfs + j * size * fc, size: size, b0: scorer.boosts[0], b1: scorer.boosts[1],
                                      idf: scorer.idf[t], k1: scorer.k1, norms: norms, into: contributions + j * size)
            }
            next[j] = k + 1
            decodedCount[j] = count
            position[j] = 0
            return true
        }
        for j in 0..<m where !decode(j) {}

        var base = 0
        while base < n {
            // Skip the windows no term has a posting in.
            var first = Int.max
            for j in 0..<m where position[j] < decodedCount[j] { first = min(first, Int(docs[j * size + position[j]])) }
            guard first < n else { break }
            base = first / window * window
            let end = base + window
            // Document d's score is `scores[d - base]`; `list` holds those window positions.
            var scored = 0
            for j in 0..<m {
                let t = terms[j].t
                let d0 = docs + j * size, tf0 = tfs + j * size * fc, c = contributions + j * size
                while position[j] < decodedCount[j] {
                    var i = position[j]
                    let count = decodedCount[j]
                    if fast {
                        i = addWindow(docs: d0, contributions: c, from: i, count: count, below: end, base: base, scores: scores, list: list,
                                      scored: &scored)
                    } else {
                        while i < count, Int(d0[i]) < end {
                            let d = Int(d0[i])
                            add(d &- base, tf0 + i * fc, term: t, scorer: scorer, norms: norms + d * per, into: scores, touched: nil, list: list,
                                scored: &scored)
                            i &+= 1
                        }
                    }
                    postings[j] += i - position[j]
                    position[j] = i
                    // The block ends inside the window: the next one may start in it too.
                    if i == count { if !decode(j) { break } } else { break }
                }
            }
            counters.documentsEvaluated += scored
            offerWindow(scores, listed: UnsafeBufferPointer(start: list, count: scored), base: base, ordinals: seg.ordinals, floor: &floor,
                        into: &topK)
            base = end
        }
        for j in 0..<m {
            counters.postingsScored += postings[j]
            if postings[j] < Int(seg.termDocFreq[terms[j].id]) { seg.damage.report("the postings of term \(terms[j].id) do not decode") }
        }
    }

    /// Offers every document with a score above 0 (mapped through `ordinals`) and sets the scores
    /// back to 0, eight at a time: a group whose largest score cannot enter the top-k is skipped
    /// after one comparison, and every group is cleared with one store. Returns the number of
    /// documents with a score above 0 (counted a group at a time too).
    @discardableResult
    private static func select(_ acc: UnsafeMutableBufferPointer<Float>, ordinals: Ordinals, into topK: inout TopK) -> Int {
        // A score below `floor` cannot enter the top-k (equal can, on a smaller id); scores are ≥ 0.
        var floor = max(topK.threshold ?? 0, .leastNonzeroMagnitude)
        let n = acc.count
        guard let a = acc.baseAddress else { return 0 }
        // Per lane, minus the number of scores above 0 (a true comparison lane is -1).
        var negativeCounts = SIMD8<Int32>()
        var d = 0
        while d &+ 8 <= n {
            let v = UnsafeRawPointer(a + d).loadUnaligned(as: SIMD8<Float>.self)
            negativeCounts &+= unsafeBitCast(v .> 0, to: SIMD8<Int32>.self)
            let m = max(max(max(a[d], a[d &+ 1]), max(a[d &+ 2], a[d &+ 3])),
                        max(max(a[d &+ 4], a[d &+ 5]), max(a[d &+ 6], a[d &+ 7])))
            if m >= floor {
                for i in d..<(d &+ 8) where a[i] >= floor {
                    if topK.push(id: ordinals[i], score: a[i]), let t = topK.threshold { floor = t }
                }
            }
            UnsafeMutableRawPointer(a + d).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
            d &+= 8
        }
        var scored = -Int(negativeCounts.wrappedSum())
        while d < n {
            if a[d] > 0 { scored &+= 1 }
            if a[d] >= floor, topK.push(id: ordinals[d], score: a[d]), let t = topK.threshold { floor = t }
            a[d] = 0
            d &+= 1
        }
        return scored
    }

    /// Offers the `listed` documents (each once, in any order: the top-k orders ties by id) and
    /// sets their scores back to 0.
    private static func select(_ acc: UnsafeMutableBufferPointer<Float>, listed: UnsafeBufferPointer<UInt32>, ordinals: Ordinals,
                               into topK: inout TopK) {
        var floor = max(topK.threshold ?? 0, .leastNonzeroMagnitude)
        for d in listed {
            let i = Int(d)
            let score = acc[i]
            acc[i] = 0
            if score >= floor, topK.push(id: ordinals[i], score: score), let t = topK.threshold { floor = t }
        }
    }

    /// Adds the contributions of every posting of `term` to `acc`, decoding the term's blocks
    /// as one varint stream (each block's first document is a delta from the previous block's
    /// last). Returns the number of postings; `scored` counts the documents whose score leaves 0,
    /// and `list` (room for one per posting, up to the segment's documents) holds them.
    /// Each read is checked (within the data, documents within the segment), so a damaged file
    /// stops the term there with a report in `seg.damage` rather than writing outside `acc`.
    private static func accumulate(_ seg: Segment, term id: Int, queryTerm t: Int, scorer: QueryScorer,
                                   norms: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>,
                                   touched: UnsafeMutablePointer<Bool>?, list: UnsafeMutablePointer<UInt32>, lists: Bool, scored: inout Int) -> Int {
        let fc = seg.fieldCount
        let per = scorer.normsPerDocument
        let n = seg.documentCount
        let blocks = seg.blocks(of: id)
        guard let first = blocks.first else { return 0 }
        let count = Int(seg.termDocFreq[id])
        guard count <= blocks.count * Segment.blockSize else {
            seg.damage.report("term \(id) counts \(count) documents in \(blocks.count) blocks")
            return 0
        }
        var decoded = 0
        if seg.codec == .packed {
            decoded = accumulatePacked(seg, term: id, blocks: blocks, queryTerm: t, scorer: scorer, norms: norms, into: acc,
                                       touched: touched, list: list, lists: lists, scored: &scored)
            if decoded < count { seg.damage.report("the postings of term \(id) do not decode") }
            return decoded
        }
        var offset = Int(seg.blockDocOffset[first])
        if scorer.rule == .bm25f && fc == 2 && touched == nil {
            // The common case (title + text): see `addTwoFields`.
            let b0 = scorer.boosts[0], b1 = scorer.boosts[1], idf = scorer.idf[t], k1 = scorer.k1
            seg.postings.withUnsafeBufferPointer { p in
                let limit = p.count
                // With room for the longest encoding of every value, reads need no bound.
                let room = offset <= limit && limit - offset >= count * 3 * Varint.maxBytes
                @inline(__always) func next() -> UInt32? { room ? Varint.read(p, &offset) : Varint.read(p, &offset, limit: limit) }
                var doc: UInt32 = 0
                while decoded < count {
                    guard let delta = next(), let tf0 = next(), let tf1 = next() else { break }
                    doc &+= delta
                    let d = Int(doc)
                    guard d < n else { break }
                    decoded += 1
                    addTwoFields(d, tf0, tf1, b0: b0, b1: b1, idf: idf, k1: k1, norms: norms, into: acc, list: list, scored: &scored)
                }
            }
        } else {
            seg.postings.withUnsafeBufferPointer { p in
                let limit = p.count
                let room = offset <= limit && limit - offset >= count * (1 + fc) * Varint.maxBytes
                @inline(__always) func next() -> UInt32? { room ? Varint.read(p, &offset) : Varint.read(p, &offset, limit: limit) }
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: fc) { tfBuffer in
                    let tfs = tfBuffer.baseAddress!
                    var doc: UInt32 = 0
                    reading: while decoded < count {
                        guard let delta = next() else { break }
                        for f in 0..<fc {
                            guard let tf = next() else { break reading }
                            tfs[f] = tf
                        }
                        doc &+= delta
                        let d = Int(doc)
                        guard d < n else { break }
                        decoded += 1
                        add(d, tfs, term: t, scorer: scorer, norms: norms + d * per, into: acc, touched: touched, list: list, scored: &scored)
                    }
                }
            }
        }
        if decoded < count { seg.damage.report("the postings of term \(id) do not decode") }
        return decoded
    }

    /// `accumulate` over bit-packed blocks: each block is unpacked whole (documents, then each
    /// field's tfs in a run of its own), then scored. Returns the postings added; fewer than the
    /// term's when a block does not decode.
    private static func accumulatePacked(_ seg: Segment, term id: Int, blocks: Range<Int>, queryTerm t: Int, scorer: QueryScorer,
                                         norms: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>,
                                         touched: UnsafeMutablePointer<Bool>?, list: UnsafeMutablePointer<UInt32>, lists: Bool,
                                         scored: inout Int) -> Int {
        let fc = seg.fieldCount
        let per = scorer.normsPerDocument
        let size = Segment.blockSize
        var decoded = 0
        let fast = scorer.rule == .bm25f && fc == 2 && touched == nil
        let contributions = UnsafeMutablePointer<Float>.allocate(capacity: size)
        defer { contributions.deallocate() }
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: size * (1 + fc)) { scratch in
            let docs = scratch.baseAddress!, tfs = docs + size
            for k in blocks {
                guard let count = unpackBlock(seg, term: id, block: k, of: blocks, docs: docs, tfs: tfs, fieldRuns: fast) else { return decoded }
                if fast {
                    let b0 = scorer.boosts[0], b1 = scorer.boosts[1], idf = scorer.idf[t], k1 = scorer.k1
                    // The list's length in a local (a register) rather than through `scored`.
                    var listed = scored
                    // The block's contributions first (`twoFieldContributions`), then each added to
                    // its document.
                    twoFieldContributions(count, docs: docs, tfs: tfs, size: size, b0: b0, b1: b1, idf: idf, k1: k1, norms: norms,
                                          into: contributions)
                    if lists {
                        for i in 0..<count {
                            addContribution(contributions[i], to: docs[i], acc: acc, list: list, scored: &listed)
                        }
                    } else {
                        // The accumulator is selected whole (which counts its scored documents).
                        for i in 0..<count { acc[Int(docs[i])] += contributions[i] }
                    }
                    scored = listed
                } else {
                    for i in 0..<count {
                        add(Int(docs[i]), tfs + i * fc, term: t, scorer: scorer, norms: norms + Int(docs[i]) * per, into: acc,
                            touched: touched, list: list, scored: &scored)
                    }
                }
                decoded += count
            }
            return decoded
        }
    }

    /// Unpacks block `k` of term `id` (whose blocks are `blocks`) into `docs` and `tfs`: with
    /// `fieldRuns` each field's tfs in a run of `Segment.blockSize` (as `twoFieldContributions`
    /// reads them), else fieldCount per document. Returns the block's count; nil when it does
    /// not decode (a damaged file).
    @inline(__always)
    private static func unpackBlock(_ seg: Segment, term id: Int, block k: Int, of blocks: Range<Int>, docs: UnsafeMutablePointer<UInt32>,
                                    tfs: UnsafeMutablePointer<UInt32>, fieldRuns: Bool) -> Int? {
        let count = seg.blockCount(term: id, block: k), last = seg.blockLastDoc[k]
        guard count > 0, Int(last) < seg.documentCount,
              seg.unpack(block: k, count: count, after: k == blocks.lowerBound ? 0 : seg.blockLastDoc[k - 1], last: last, docs: docs, tfs: tfs,
                         fieldStride: fieldRuns ? Segment.blockSize : 1, documentStride: fieldRuns ? 1 : seg.fieldCount)
        else { return nil }
        return count
    }

    /// The contributions of a block's postings in the two-field BM25F case (title + text; the
    /// tfs of field 0 at `tfs[i]`, of field 1 at `tfs[size + i]`), eight at a time: lane by
    /// lane the operations of `addTwoFields`, so the same bits (the divisions are most of the
    /// work). A posting whose weighted tf is not above 0 contributes 0, which adds nothing (and
    /// lists nothing: see `addContribution`), as `addTwoFields` skips it.
    @inline(never)
    private static func twoFieldContributions(_ count: Int, docs: UnsafePointer<UInt32>, tfs: UnsafePointer<UInt32>, size: Int, b0: Float, b1: Float,
                                              idf: Float, k1: Float, norms: UnsafePointer<Float>,
                                              into contributions: UnsafeMutablePointer<Float>) {
        let vb0 = SIMD8<Float>(repeating: b0), vb1 = SIMD8<Float>(repeating: b1)
        let vidf = SIMD8<Float>(repeating: idf), vk = SIMD8<Float>(repeating: k1 + 1)
        var i = 0
        while i &+ 8 <= count {
            var tf = SIMD8<Float>()
            tf += vb0 * SIMD8<Float>(UnsafeRawPointer(tfs + i).loadUnaligned(as: SIMD8<UInt32>.self))
            tf += vb1 * SIMD8<Float>(UnsafeRawPointer(tfs + (size &+ i)).loadUnaligned(as: SIMD8<UInt32>.self))
            let d = docs + i
            let norm = SIMD8<Float>(norms[Int(d[0])], norms[Int(d[1])], norms[Int(d[2])], norms[Int(d[3])],
                                    norms[Int(d[4])], norms[Int(d[5])], norms[Int(d[6])], norms[Int(d[7])])
            let c = (vidf * (tf * vk / (tf + norm))).replacing(with: 0, where: .!(tf .> 0))
            UnsafeMutableRawPointer(contributions + i).storeBytes(of: c, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            var tf: Float = 0
            tf += b0 * Float(tfs[i])
            tf += b1 * Float(tfs[size &+ i])
            contributions[i] = tf > 0 ? QueryScorer.saturate(idf: idf, tf: tf, k1: k1, norm: norms[Int(docs[i])]) : 0
            i &+= 1
        }
    }

    /// Adds one posting of the two-field BM25F case (title + text), the field loop unrolled: the
    /// same operations in the same order as `QueryScorer.contribution`, so the same bits.
    @inline(__always)
    private static func addTwoFields(_ d: Int, _ tf0: UInt32, _ tf1: UInt32, b0: Float, b1: Float, idf: Float, k1: Float,
                                     norms: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>,
                                     list: UnsafeMutablePointer<UInt32>, scored: inout Int) {
        var tf: Float = 0
        tf += b0 * Float(tf0)
        tf += b1 * Float(tf1)
        guard tf > 0 else { return }
        addContribution(QueryScorer.saturate(idf: idf, tf: tf, k1: k1, norm: norms[d]), to: UInt32(truncatingIfNeeded: d), acc: acc,
                        list: list, scored: &scored)
    }

    /// Offers a window's scored documents (`listed`, positions in the window of documents from
    /// `base`) and clears their scores; `floor` is the least score that can enter the top-k.
    @inline(never)
    private static func offerWindow(_ scores: UnsafeMutablePointer<Float>, listed: UnsafeBufferPointer<UInt32>, base: Int, ordinals: Ordinals,
                                    floor: inout Float, into topK: inout TopK) {
        var least = floor
        for p in listed {
            let i = Int(p)
            let score = scores[i]
            scores[i] = 0
            if score >= least, topK.push(id: ordinals[base &+ i], score: score), let t = topK.threshold { least = t }
        }
        floor = least
    }

    /// Adds the contributions of postings `i..<count` (documents `docs`, in order) whose documents
    /// are below `end` to a window's scores (document d's at `scores[d - base]`), listing the
    /// window positions whose scores leave 0. Returns the first posting not added. (Not inlined:
    /// in a function of its own every pointer of the loop stays in a register.)
    @inline(never)
    private static func addWindow(docs: UnsafePointer<UInt32>, contributions: UnsafePointer<Float>, from i: Int, count: Int, below end: Int,
                                  base: Int, scores: UnsafeMutablePointer<Float>, list: UnsafeMutablePointer<UInt32>, scored: inout Int) -> Int {
        var i = i, listed = scored
        while i < count {
            let d = Int(docs[i])
            guard d < end else { break }
            addContribution(contributions[i], to: UInt32(truncatingIfNeeded: d &- base), acc: scores, list: list, scored: &listed)
            i &+= 1
        }
        scored = listed
        return i
    }

    /// Adds `contribution` to document d's score, listing d when its score leaves 0 (never for
    /// a contribution of 0). Without a branch: d is written as the list's next entry every time,
    /// and the list grows by it only when the score left 0, so `list` needs room for one entry
    /// more than it lists. (Whether a posting's document was scored before is as likely as not
    /// on a small segment, a branch the processor would mispredict.)
    @inline(__always)
    private static func addContribution(_ contribution: Float, to d: UInt32, acc: UnsafeMutablePointer<Float>,
                                        list: UnsafeMutablePointer<UInt32>, scored: inout Int) {
        let i = Int(truncatingIfNeeded: d)
        let old = acc[i]
        let score = old + contribution
        list[scored] = d
        // old == ±0 and 0 < score ≤ ∞ (not NaN), on the bits, which the compiler keeps free of branches.
        let wasZero = old.bitPattern << 1 == 0, isPositive = score.bitPattern &- 1 < Float.infinity.bitPattern
        scored &+= (wasZero ? 1 : 0) & (isPositive ? 1 : 0)
        acc[i] = score
    }

    /// Adds one posting (its tfs, fieldCount of them) to document d's score.
    @inline(__always)
    private static func add(_ d: Int, _ tfs: UnsafePointer<UInt32>, term t: Int, scorer: QueryScorer, norms: UnsafePointer<Float>,
                            into acc: UnsafeMutablePointer<Float>, touched: UnsafeMutablePointer<Bool>?,
                            list: UnsafeMutablePointer<UInt32>, scored: inout Int) {
        let old = acc[d]
        let score = old + scorer.contribution(term: t, tfs: tfs, norms: norms)
        if old == 0 && score > 0 { list[scored] = UInt32(truncatingIfNeeded: d); scored += 1 }
        acc[d] = score
        touched?[d] = true
    }
}
