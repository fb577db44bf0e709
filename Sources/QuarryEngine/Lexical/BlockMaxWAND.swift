import QuarryBase

/// Block-max WAND (Ding & Suel, "Faster Top-k Document Retrieval Using Block-Max Indexes",
/// SIGIR 2011), after WAND (Broder et al., CIKM 2003).
///
/// Cursors are kept sorted by their current document. The *pivot* is the first cursor at which
/// the sum of the term bounds could beat the k-th score: no document before the pivot's can.
/// Before decoding anything at the pivot document, the bounds of the blocks that hold it are
/// summed; when even those fall short, every cursor up to the pivot jumps past the nearest
/// block end (or to the next cursor's document), skipping blocks without decoding them.
struct BlockMaxWAND: TopKCollector {
    func collect(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters) {
        var cursors = search.scoredCursors()
        guard !cursors.isEmpty else { return }
        let q = search.query
        var excluded = search.excludedCursors()
        let cursorOf = search.cursorIndex(cursors)
        let n = cursors.count
        var contributions = [Float](repeating: 0, count: q.scoredCount)
        // `order` holds cursor indices sorted by current document (insertion sort: lists are few).
        var order = Array(0..<n)
        // The loop works on the arrays' memory: a mutation through an array's subscript checks
        // that the array is not shared, which at a few per posting cost as much as the rest.
        cursors.withUnsafeMutableBufferPointer { cursors in
            order.withUnsafeMutableBufferPointer { order in
                contributions.withUnsafeMutableBufferPointer { contributions in
                    run(search, cursors: cursors, order: order, contributions: contributions, excluded: &excluded, cursorOf: cursorOf,
                        into: &topK, counters: &counters)
                }
            }
        }
        for c in cursors { counters.blocksDecoded += c.blocksDecoded; counters.blocksSkipped += c.blockCount - c.blocksDecoded }
    }

    @inline(__always)
    private func run(_ search: SegmentSearch, cursors: UnsafeMutableBufferPointer<PostingCursor>, order: UnsafeMutableBufferPointer<Int>,
                     contributions: UnsafeMutableBufferPointer<Float>, excluded: inout [PostingCursor?], cursorOf: [Int],
                     into topK: inout TopK, counters: inout LexicalCounters) {
        let q = search.query
        let n = cursors.count
        while true {
            for i in 1..<n {
                let x = order[i]
                let dx = cursors[x].doc
                var j = i - 1
                while j >= 0 && cursors[order[j]].doc > dx { order[j + 1] = order[j]; j -= 1 }
                order[j + 1] = x
            }
            let threshold = topK.threshold
            // Pivot: the first cursor where the bounds so far could beat the threshold.
            var bound: Float = 0
            var pivot = -1
            for i in 0..<n {
                if cursors[order[i]].doc == PostingCursor.end { break }
                bound += cursors[order[i]].maxBound
                if !QueryScorer.canPrune(bound, threshold) { pivot = i; break }
            }
            if pivot < 0 { break }
            let d = cursors[order[pivot]].doc
            while pivot + 1 < n && cursors[order[pivot + 1]].doc == d { pivot += 1 }
            // Block-max check.
            var blockBound: Float = 0
            var blockEnd = PostingCursor.end
            for i in 0...pivot {
                let (b, last) = cursors[order[i]].shallowAdvance(to: d)
                blockBound += b
                blockEnd = min(blockEnd, last)
            }
            if QueryScorer.canPrune(blockBound, threshold) {
                var target = blockEnd == PostingCursor.end ? PostingCursor.end : blockEnd + 1
                if pivot + 1 < n { target = min(target, cursors[order[pivot + 1]].doc) }
                if target <= d { target = d + 1 }
                for i in 0...pivot where cursors[order[i]].doc < target { cursors[order[i]].advance(to: target) }
                continue
            }
            if cursors[order[0]].doc == d {
                // Every cursor up to the pivot is on d: evaluate it.
                if search.isCandidate(d) {
                    for i in 0...pivot {
                        contributions[cursors[order[i]].queryTerm] = cursors[order[i]].score(q.scorer)
                    }
                    counters.postingsScored += pivot + 1
                    if search.matches(d, scored: cursors, cursorOf: cursorOf, excluded: &excluded) {
                        counters.documentsEvaluated += 1
                        search.offer(d, contributions: contributions, into: &topK)
                    } else {
                        counters.documentsFiltered += 1
                    }
                    for i in 0...pivot { contributions[cursors[order[i]].queryTerm] = 0 }
                } else {
                    counters.documentsFiltered += 1
                }
                for i in 0...pivot { cursors[order[i]].next() }
            } else {
                // Catch the lagging cursors up to the pivot document.
                for i in 0..<pivot where cursors[order[i]].doc < d { cursors[order[i]].advance(to: d) }
            }
        }
    }
}
