import QuarryBase

/// MaxScore (Turtle & Flood, "Query evaluation: strategies and optimizations", IP&M 1995),
/// document-at-a-time.
///
/// Terms are sorted by their bound (the largest block bound). The longest prefix of that order
/// whose bounds add up to less than the current k-th score is *non-essential*: a document
/// that holds none of the other (essential) terms cannot enter the top-k, so only the essential
/// lists are walked to find candidates. The non-essential lists are then probed, largest
/// bound first, stopping as soon as the partial score plus the remaining bounds falls short.
struct MaxScore: TopKCollector {
    func collect(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters) {
        var cursors = search.scoredCursors()
        guard !cursors.isEmpty else { return }
        let q = search.query
        let cursorOf = search.cursorIndex(cursors)
        var excluded = search.excludedCursors()
        let n = cursors.count
        let order = cursors.indices.sorted { cursors[$0].maxBound != cursors[$1].maxBound ? cursors[$0].maxBound < cursors[$1].maxBound : $0 < $1 }
        // upTo[i]: the sum of the bounds of order[0...i].
        var upTo = [Float](repeating: 0, count: n)
        var running: Float = 0
        for i in 0..<n { running += cursors[order[i]].maxBound; upTo[i] = running }
        var contributions = [Float](repeating: 0, count: q.scoredCount)
        // The loop works on the arrays' memory (see `BlockMaxWAND`).
        cursors.withUnsafeMutableBufferPointer { cursors in
            contributions.withUnsafeMutableBufferPointer { contributions in
                run(search, cursors: cursors, order: order, upTo: upTo, contributions: contributions, excluded: &excluded,
                    cursorOf: cursorOf, into: &topK, counters: &counters)
            }
        }
        for c in cursors { counters.blocksDecoded += c.blocksDecoded; counters.blocksSkipped += c.blockCount - c.blocksDecoded }
    }

    @inline(__always)
    private func run(_ search: SegmentSearch, cursors: UnsafeMutableBufferPointer<PostingCursor>, order: [Int], upTo: [Float],
                     contributions: UnsafeMutableBufferPointer<Float>, excluded: inout [PostingCursor?], cursorOf: [Int],
                     into topK: inout TopK, counters: inout LexicalCounters) {
        let q = search.query
        let n = cursors.count
        var essential = MaxScore.firstEssential(upTo, topK.threshold)
        while essential < n {
            var d = PostingCursor.end
            for i in essential..<n { d = min(d, cursors[order[i]].doc) }
            if d == PostingCursor.end { break }
            if search.isCandidate(d) {
                var partial: Float = 0
                for i in essential..<n where cursors[order[i]].doc == d {
                    let c = cursors[order[i]].score(q.scorer)
                    contributions[cursors[order[i]].queryTerm] = c
                    partial += c
                    counters.postingsScored += 1
                }
                var pruned = false
                var i = essential - 1
                while i >= 0 {
                    if QueryScorer.canPrune(partial + upTo[i], topK.threshold) { pruned = true; break }
                    cursors[order[i]].advance(to: d)
                    if cursors[order[i]].doc == d {
                        let c = cursors[order[i]].score(q.scorer)
                        contributions[cursors[order[i]].queryTerm] = c
                        partial += c
                        counters.postingsScored += 1
                    }
                    i -= 1
                }
                if !pruned {
                    if search.matches(d, scored: cursors, cursorOf: cursorOf, excluded: &excluded) {
                        counters.documentsEvaluated += 1
                        let before = topK.threshold
                        search.offer(d, contributions: contributions, into: &topK)
                        if topK.threshold != before { essential = MaxScore.firstEssential(upTo, topK.threshold) }
                    } else {
                        counters.documentsFiltered += 1
                    }
                }
                for t in contributions.indices { contributions[t] = 0 }
            } else {
                counters.documentsFiltered += 1
            }
            for i in essential..<n where cursors[order[i]].doc == d { cursors[order[i]].next() }
            // Lists that just became non-essential may still sit on d.
            for i in 0..<essential where cursors[order[i]].doc == d { cursors[order[i]].next() }
        }
    }

    /// The number of non-essential lists: the longest prefix (by bound) that cannot reach the threshold.
    static func firstEssential(_ upTo: [Float], _ threshold: Float?) -> Int {
        var i = 0
        while i < upTo.count && QueryScorer.canPrune(upTo[i], threshold) { i += 1 }
        return i
    }
}
