import QuarryBase

/// Why a document scored what it did: per term and field, every number of the BM25 formula.
/// The field contributions add up to the term contribution, and the terms to the score.
public struct ScoreExplanation: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var field: String
        public var boost: Float
        public var tf: UInt32
        /// Documents holding the term in this field.
        public var df: Int
        /// The field's length in this document, and its average.
        public var dl: UInt32
        public var avgdl: Float
        /// bm25f: the field's share of the term contribution (proportional to boost · tf);
        /// sumOfFields: boost × idf_f × tf part of this field.
        public var contribution: Float
        /// sumOfFields: the idf of the term in this field; bm25f: the term's idf (before the
        /// term's weight).
        public var idf: Float
    }

    public struct Term: Sendable, Equatable {
        public var term: String
        /// bm25f: max df over the queried fields; sumOfFields: documents holding it in any field.
        public var df: Int
        /// bm25f: the idf (before the weight); sumOfFields: 0 (see each field).
        public var idf: Float
        /// The term's weight in the query: its query-term frequency (`qtf=2` for a word typed
        /// twice), or the weight query expansion gave it. The contribution is qtf × idf × tf part.
        public var qtf: Float
        /// bm25f: Σ boost · tf, Σ boost · dl and Σ boost · avgdl.
        public var tf: Float
        public var dl: Float
        public var avgdl: Float
        public var contribution: Float
        public var fields: [Field]
    }

    public var ordinal: UInt32
    public var score: Float
    public var rule: MultiFieldRule
    public var k1: Float
    public var b: Float
    /// N of the idf (bm25f: max over the queried fields of the documents with the field).
    public var documentCount: Int
    public var terms: [Term]
}

extension LexicalIndex {
    /// The explanation of `ordinal`'s score for a query, or nil when the record does not match
    /// (not indexed, deleted, filtered out by `options.allowed`, or failing the query's clauses).
    public func explain(_ query: MatchQuery, ordinal: UInt32, options: LexicalSearchOptions = LexicalSearchOptions()) throws(LexicalError) -> ScoreExplanation? {
        guard let (s, local) = locate(ordinal) else { return nil }
        if let allowed = options.allowed, !allowed.contains(ordinal) { return nil }
        let q = try bind(query, options)
        guard !q.matchesNothing, q.scoredCount > 0 else { return nil }
        let seg = segments[s]
        let fc = fields.count
        let postings: [Segment.Posting?] = q.terms.map { t in
            seg.lookup(t).flatMap { id in seg.allPostings(of: id).first { $0.doc == UInt32(local) } }
        }
        let ok = q.matches(
            has: { t in postings[t].map { p in q.queriedFields.contains { p.tfs[$0] > 0 } } ?? false },
            positions: { t, f in postings[t]?.positions[f] ?? [] })
        guard ok else { return nil }
        let sc = q.scorer
        let lengths = Array(seg.lengths[(local * fc)..<((local + 1) * fc)])
        // The document's length norms, as scoring computes them (one for bm25f, one per field).
        var norms = [Float](repeating: 0, count: max(1, fc))
        norms.withUnsafeMutableBufferPointer { n in lengths.withUnsafeBufferPointer { sc.norms(lengths: $0.baseAddress!, into: n.baseAddress!) } }
        let stats = sc.lengthNorm
        var fieldN = [Int](repeating: 0, count: fc)
        for g in segments { for f in 0..<fc { fieldN[f] += Int(g.fieldDocCounts[f]) } }
        var terms: [ScoreExplanation.Term] = []
        var score: Float = 0
        for t in 0..<q.scoredCount {
            guard let p = postings[t], q.queriedFields.contains(where: { p.tfs[$0] > 0 }) else { continue }
            let contribution = p.tfs.withUnsafeBufferPointer { tp in
                lengths.withUnsafeBufferPointer { lp in sc.contribution(term: t, tfs: tp.baseAddress!, lengths: lp.baseAddress!) }
            }
            score += contribution
            var parts: [ScoreExplanation.Field] = []
            var dfs = [Int](repeating: 0, count: fc)
            var anyDF = 0
            for g in segments {
                guard let id = g.lookup(q.terms[t]) else { continue }
                anyDF += Int(g.termDocFreq[id])
                for f in 0..<fc { dfs[f] += Int(g.termFieldDocFreq[id * fc + f]) }
            }
            var tf: Float = 0, dl: Float = 0
            for f in q.queriedFields {
                tf += sc.boosts[f] * Float(p.tfs[f])
                dl += sc.boosts[f] * Float(lengths[f])
            }
            for f in q.queriedFields where p.tfs[f] > 0 {
                let part: Float
                let idf: Float
                switch sc.rule {
                case .bm25f:
                    idf = sc.termIdf[t]
                    part = sc.idf[t] * (sc.k1 + 1) * sc.boosts[f] * Float(p.tfs[f]) / (tf + norms[0])
                case .sumOfFields:
                    idf = sc.termFieldIdf[t * fc + f] / sc.boosts[f]
                    let x = Float(p.tfs[f])
                    part = sc.fieldIdf[t * fc + f] * (x * (sc.k1 + 1) / (x + norms[f]))
                }
                parts.append(.init(field: fields[f], boost: sc.boosts[f], tf: p.tfs[f], df: dfs[f], dl: lengths[f],
                                   avgdl: stats.avgdl[f], contribution: part, idf: idf))
            }
            let isF = sc.rule == .bm25f
            terms.append(.init(term: q.terms[t], df: isF ? (q.queriedFields.map { dfs[$0] }.max() ?? 0) : anyDF,
                               idf: isF ? sc.termIdf[t] : 0, qtf: sc.weights[t], tf: tf, dl: dl, avgdl: stats.combinedAvgdl,
                               contribution: contribution, fields: parts))
        }
        guard score > 0 else { return nil }
        return ScoreExplanation(ordinal: ordinal, score: score, rule: sc.rule, k1: sc.k1, b: stats.b,
                                documentCount: q.queriedFields.map { fieldN[$0] }.max() ?? 0, terms: terms)
    }
}
