import QuarryBase
import QuarryText

/// Which top-k algorithm runs a BM25 query. All three return the same hits (tested); they
/// differ in the work they do.
public enum PruningAlgorithm: String, Sendable, CaseIterable {
    /// Block-max WAND (Ding & Suel, SIGIR 2011): pivots on term bounds, then skips whole blocks
    /// whose block-max bounds cannot beat the k-th score. It pays where block bounds are tight;
    /// ours are computed at query time from each block's largest tf and smallest length per field
    /// (so k1, b and boosts stay free), loose for frequent terms, so `auto` does not pick it.
    case blockMaxWAND = "bmw"
    /// MaxScore (Turtle & Flood, "Query evaluation: strategies and optimizations", IP&M 1995):
    /// splits terms into essential and non-essential by their bounds and only walks the
    /// essential lists. The fastest here for queries of several frequent terms.
    case maxScore = "maxscore"
    /// Term-at-a-time over every posting: the exact oracle. On small collections it is also
    /// the fastest (no per-document bookkeeping).
    case exhaustive
    /// Picks per query: `exhaustive` for one term, for terms with at most 100,000 postings in
    /// all (touching them all costs well under a millisecond), and for two terms whose lists
    /// together are as long as the collection (two near-stopwords: no bound prunes them);
    /// else `maxScore`. Measured per query at a million documents (BENCHMARKS.md, "Which BM25
    /// algorithm"): block-max WAND won almost no query there, MaxScore most with frequent
    /// terms, the exhaustive scan the rest. The result names the algorithm that ran.
    case auto
}

/// Parameters of one BM25 search.
public struct LexicalSearchOptions: Sendable {
    /// Number of hits.
    public var k: Int
    public var parameters: BM25Parameters
    /// Queried fields and boosts; nil queries every indexed field with boost 1.
    public var fields: [FieldBoost]?
    public var rule: MultiFieldRule
    public var algorithm: PruningAlgorithm
    /// Filter pushdown: only these record ordinals may be hits.
    public var allowed: Bitmap?
    /// At most this many indexed terms per `prefix*`, the most frequent first.
    public var maxExpansions: Int
    /// Whether a term the query text repeats weighs its count (the default) or once.
    public var queryTermFrequency: QueryTermFrequency

    public init(k: Int = 10, parameters: BM25Parameters = BM25Parameters(), fields: [FieldBoost]? = nil,
                rule: MultiFieldRule = .bm25f, algorithm: PruningAlgorithm = .auto, allowed: Bitmap? = nil,
                maxExpansions: Int = 50, queryTermFrequency: QueryTermFrequency = .count) {
        self.k = k
        self.parameters = parameters
        self.fields = fields
        self.rule = rule
        self.algorithm = algorithm
        self.allowed = allowed
        self.maxExpansions = maxExpansions
        self.queryTermFrequency = queryTermFrequency
    }
}

/// The work one search did, for EXPLAIN ANALYZE.
public struct LexicalCounters: Sendable, Equatable {
    /// Term contributions computed (document-term pairs scored).
    public var postingsScored = 0
    /// Posting blocks decoded.
    public var blocksDecoded = 0
    /// Posting blocks of the query's terms never decoded (skipped by their last document or bound).
    public var blocksSkipped = 0
    /// Documents whose score was computed in full.
    public var documentsEvaluated = 0
    /// Candidates rejected by a tombstone, the allowed set, or a required/excluded/phrase clause.
    public var documentsFiltered = 0
    /// Segments searched.
    public var segments = 0

    public init() {}
}

/// The hits of one search (best first, ties by smaller ordinal) and what it cost.
public struct LexicalSearchResult: Sendable {
    public var hits: [ScoredID]
    public var counters: LexicalCounters
    /// The algorithm that ran (never `.auto`).
    public var algorithm: PruningAlgorithm
    /// The analyzed terms that were scored, in the query's order.
    public var terms: [String]
    /// Per scored term, its weight in the query (qtf: 2 for a word the text holds twice).
    public var termWeights: [Float]
}

/// A scored term of a bound query and its weight (qtf, or an expansion weight).
public struct WeightedTerm: Sendable, Equatable, CustomStringConvertible {
    public var term: String
    public var weight: Float
    public init(_ term: String, weight: Float) {
        self.term = term
        self.weight = weight
    }

    /// `cancer`, `cancer (qtf=2)`, or `cancer (0.1234)` for a fractional weight.
    public var description: String {
        if weight == 1 { return term }
        if weight == weight.rounded() { return "\(term) (qtf=\(Int(weight)))" }
        return "\(term) (\(JSONValue.format((Double(weight) * 10_000).rounded() / 10_000)))"
    }
}

extension LexicalIndex {
    /// Parses and runs a MATCH query.
    public func search(_ text: String, options: LexicalSearchOptions = LexicalSearchOptions()) throws(LexicalError) -> LexicalSearchResult {
        let query: MatchQuery
        do { query = try MatchQuery.parse(text) } catch { throw .parse(error) }
        return try search(query, options: options)
    }

    /// Runs a parsed MATCH query.
    public func search(_ query: MatchQuery, options: LexicalSearchOptions = LexicalSearchOptions()) throws(LexicalError) -> LexicalSearchResult {
        guard options.k >= 0 else { throw .invalidParameter(name: "k", value: Float(options.k), expected: "k ≥ 0") }
        let bound = try bind(query, options)
        var counters = LexicalCounters()
        var topK = TopK(k: options.k)
        let scored = Array(bound.terms[0..<bound.scoredCount])
        var algorithm = options.algorithm
        if algorithm == .auto {
            var postings = 0, documents = 0
            for (s, seg) in segments.enumerated() {
                documents += seg.documentCount
                for t in 0..<bound.scoredCount { if let id = bound.segmentTermIDs[s][t] { postings += Int(seg.termDocFreq[id]) } }
            }
            let scan = scored.count <= 1 || postings <= 100_000 || (scored.count == 2 && postings >= documents)
            algorithm = scan ? .exhaustive : .maxScore
        }
        if options.k > 0 && !bound.matchesNothing && bound.scoredCount > 0 {
            let collector = algorithm.collector
            for (s, seg) in segments.enumerated() {
                let search = SegmentSearch(segment: seg, deleted: deleted[s], allowed: options.allowed, query: bound,
                                           termIDs: bound.segmentTermIDs[s])
                counters.segments += 1
                collector.collect(search, into: &topK, counters: &counters)
            }
        }
        if let (seg, reason) = segments.lazy.compactMap({ s in s.damage.reason.map { (s, $0) } }).first {
            throw .segment(.damaged(seg.source, reason))
        }
        return LexicalSearchResult(hits: topK.sorted(), counters: counters, algorithm: algorithm, terms: scored,
                                   termWeights: bound.weights)
    }

    /// The scored terms of a query and their weights, as a search would bind them (for plans).
    public func queryTerms(_ query: MatchQuery, options: LexicalSearchOptions = LexicalSearchOptions()) throws(LexicalError) -> [WeightedTerm] {
        let bound = try bind(query, options)
        return (0..<bound.scoredCount).map { WeightedTerm(bound.terms[$0], weight: bound.weights[$0]) }
    }
}

/// The top-k protocol every algorithm implements: collect the hits of one segment into a
/// top-k shared across segments (so a later segment starts with the threshold of the earlier
/// ones), counting its work. Hits are pushed with global ordinals; a hit has a score > 0,
/// passes the tombstones, the allowed set and the query's boolean constraints.
protocol TopKCollector {
    func collect(_ search: SegmentSearch, into topK: inout TopK, counters: inout LexicalCounters)
}

extension PruningAlgorithm {
    var collector: any TopKCollector {
        switch self {
        case .blockMaxWAND: return BlockMaxWAND()
        case .maxScore: return MaxScore()
        case .exhaustive, .auto: return ExhaustiveScorer()
        }
    }
}

/// One segment under one bound query: term lookups, cursors and the document checks shared by
/// the algorithms.
struct SegmentSearch {
    let segment: Segment
    let deleted: Bitmap?
    let allowed: Bitmap?
    let query: BoundQuery
    /// Per query term, its id in this segment.
    let termIDs: [Int?]
    /// Per document, the length norms of the query (`Segment.norms(for:)`).
    let norms: NormTable

    init(segment: Segment, deleted: Bitmap, allowed: Bitmap?, query: BoundQuery, termIDs: [Int?]) {
        self.segment = segment
        self.deleted = deleted.isEmpty ? nil : deleted
        self.allowed = allowed
        self.query = query
        self.termIDs = termIDs
        norms = segment.norms(for: query.scorer)
    }

    /// Not deleted and allowed.
    @inline(__always)
    func isCandidate(_ local: UInt32) -> Bool {
        if let deleted, deleted.contains(local) { return false }
        if let allowed, !allowed.contains(segment.ordinals[Int(local)]) { return false }
        return true
    }

    /// Cursors of the scored terms present in the segment.
    func scoredCursors() -> [PostingCursor] {
        (0..<query.scoredCount).compactMap { t in
            termIDs[t].map { PostingCursor(segment: segment, queryTerm: t, termID: $0, scorer: query.scorer, norms: norms) }
        }
    }

    /// The boolean check of a document on which every scored cursor has been advanced to at
    /// least `doc`; cursors of excluded-only terms are advanced here.
    func matches<Cursors: RandomAccessCollection<PostingCursor>>(_ doc: UInt32, scored: Cursors, cursorOf: [Int],
                                                              excluded: inout [PostingCursor?]) -> Bool where Cursors.Index == Int {
        guard query.needsCheck else { return true }
        let fields = query.queriedFields
        for t in query.scoredCount..<query.terms.count {
            excluded[t - query.scoredCount]?.advance(to: doc)
        }
        func cursor(_ t: Int) -> PostingCursor? {
            if t < query.scoredCount { return cursorOf[t] >= 0 ? scored[cursorOf[t]] : nil }
            return excluded[t - query.scoredCount]
        }
        return query.matches(
            has: { t in
                guard let c = cursor(t), c.doc == doc else { return false }
                return fields.contains { c.tf(field: $0) > 0 }
            },
            positions: { t, f in cursor(t)?.positions(field: f) ?? [] })
    }

    func excludedCursors() -> [PostingCursor?] {
        (query.scoredCount..<query.terms.count).map { t in
            termIDs[t].map { PostingCursor(segment: segment, queryTerm: t, termID: $0, scorer: query.scorer, norms: norms) }
        }
    }

    /// Query term → index in `cursors`, or -1.
    func cursorIndex(_ cursors: [PostingCursor]) -> [Int] {
        var out = [Int](repeating: -1, count: query.scoredCount)
        for (i, c) in cursors.enumerated() { out[c.queryTerm] = i }
        return out
    }

    /// Sums contributions in the canonical term order and offers the document.
    @inline(__always)
    func offer<Contributions: Collection<Float>>(_ local: UInt32, contributions: Contributions, into topK: inout TopK) {
        var score: Float = 0
        for c in contributions { score += c }
        if score > 0 { topK.push(id: segment.ordinals[Int(local)], score: score) }
    }
}
