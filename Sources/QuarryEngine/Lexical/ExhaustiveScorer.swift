import QuarryBase

/// The exact oracle: term-at-a-time accumulation over every posting of every scored term, then
/// every touched document is checked and offered. Fast paths must return what this returns.
struct ExhaustiveScorer: TopKCollector {
    func collect(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters) {
        let seg = search.segment
        let q = search.query
        let fc = seg.fieldCount
        var acc = [Float](repeating: 0, count: seg.documentCount)
        var touched = [Bool](repeating: false, count: seg.documentCount)
        var docs = [UInt32](repeating: 0, count: Segment.blockSize)
        var tfs = [UInt32](repeating: 0, count: Segment.blockSize * fc)
        for t in 0..<q.scoredCount {
            guard let id = search.termIDs[t] else { continue }
            for k in seg.blocks(of: id) {
                let n = seg.decode(term: id, block: k, docs: &docs, tfs: &tfs)
                counters.blocksDecoded += 1
                tfs.withUnsafeBufferPointer { tp in
                    seg.lengths.withUnsafeBufferPointer { lp in
                        for i in 0..<n {
                            let d = Int(docs[i])
                            acc[d] += q.scorer.contribution(term: t, tfs: tp.baseAddress! + i * fc, lengths: lp.baseAddress! + d * fc)
                            touched[d] = true
                        }
                    }
                }
                counters.postingsScored += n
            }
        }
        // Boolean checks from fully decoded postings (slow, simple).
        var postings: [[UInt32: Segment.Posting]] = []
        if q.needsCheck {
            postings = q.terms.indices.map { t in
                guard let id = search.termIDs[t] else { return [:] }
                return Dictionary(uniqueKeysWithValues: seg.allPostings(of: id).map { ($0.doc, $0) })
            }
        }
        for d in 0..<seg.documentCount where touched[d] {
            let local = UInt32(d)
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
            counters.documentsEvaluated += 1
            if acc[d] > 0 { topK.push(id: seg.ordinals[d], score: acc[d]) }
        }
    }
}
