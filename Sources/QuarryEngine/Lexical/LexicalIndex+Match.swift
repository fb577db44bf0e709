import QuarryBase
import QuarryText

/// Keyword and phrase match from the postings, for the filter conditions `TEXT_MATCH` and
/// `PHRASE_MATCH` (no scoring): the records whose `field` holds any of the analysed terms, or
/// all of them in order within a slop (`SloppyPhrase`, the same test as the filter's oracle).
/// Deleted records never match. Damaged postings end a term's walk (reported as for search).
extension LexicalIndex {
    /// Records whose field holds any of the terms of `text`.
    public func textMatch(field: String, text: String) throws(LexicalError) -> Bitmap {
        let f = try fieldIndex(field)
        let terms = Array(Set(analyze(text).map(\.term)))
        var out: [UInt32] = []
        for (s, seg) in segments.enumerated() {
            var docs = [UInt32](repeating: 0, count: Segment.blockSize)
            var tfs = [UInt32](repeating: 0, count: Segment.blockSize * seg.fieldCount)
            for term in terms {
                guard let id = seg.lookup(term) else { continue }
                for k in seg.blocks(of: id) {
                    let n = seg.decode(term: id, block: k, docs: &docs, tfs: &tfs)
                    for i in 0..<n where tfs[i * seg.fieldCount + f] > 0 && !deleted[s].contains(docs[i]) {
                        out.append(seg.ordinals[Int(docs[i])])
                    }
                }
            }
            if let reason = seg.damage.reason { throw .segment(.damaged(seg.source, reason)) }
        }
        return Bitmap(out)
    }

    /// Records whose field holds the terms of `text` in order, their gaps within `slop` of the
    /// text's own in total.
    public func phraseMatch(field: String, text: String, slop: Int) throws(LexicalError) -> Bitmap {
        let f = try fieldIndex(field)
        let query = analyze(text).map { (term: $0.term, position: $0.position) }
        guard !query.isEmpty else { return Bitmap() }
        let terms = Array(Set(query.map(\.term)))
        var out: [UInt32] = []
        for (s, seg) in segments.enumerated() {
            let ids = terms.map { seg.lookup($0) }
            guard ids.allSatisfy({ $0 != nil }) else { continue }
            // The rarest term first: later terms read positions only for the documents left.
            let order = terms.indices.sorted { seg.termDocFreq[ids[$0]!] < seg.termDocFreq[ids[$1]!] }
            var candidates: [UInt32: [String: [UInt32]]]?
            var docs = [UInt32](repeating: 0, count: Segment.blockSize)
            var tfs = [UInt32](repeating: 0, count: Segment.blockSize * seg.fieldCount)
            for t in order {
                var next: [UInt32: [String: [UInt32]]] = [:]
                for k in seg.blocks(of: ids[t]!) {
                    let n = seg.decode(term: ids[t]!, block: k, docs: &docs, tfs: &tfs)
                    for i in 0..<n where tfs[i * seg.fieldCount + f] > 0 {
                        let d = docs[i]
                        var held: [String: [UInt32]]
                        if let c = candidates { guard let h = c[d] else { continue }; held = h } else {
                            guard !deleted[s].contains(d) else { continue }
                            held = [:]
                        }
                        held[terms[t]] = seg.positions(block: k, index: i, field: f, tfs: tfs)
                        next[d] = held
                    }
                }
                candidates = next
                if next.isEmpty { break }
            }
            if let reason = seg.damage.reason { throw .segment(.damaged(seg.source, reason)) }
            for (d, positions) in candidates ?? [:] where SloppyPhrase.matches(query: query, positions: { positions[$0] ?? [] }, slop: slop) {
                out.append(seg.ordinals[Int(d)])
            }
        }
        return Bitmap(out)
    }
}
