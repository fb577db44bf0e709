import QuarryBase

/// BM25 (Robertson, Walker et al., "Okapi at TREC-3", 1994) as Lucene computes it:
///
///     idf = ln(1 + (N − df + 0.5) / (df + 0.5))
///     tf part = tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))
///
/// Defaults k1 = 0.9, b = 0.4 are the Anserini BEIR baseline; Lucene and Elasticsearch use
/// k1 = 1.2, b = 0.75. Raise k1 to let repeated words count more before saturating; raise b
/// (0…1) to penalise long fields more.
public struct BM25Parameters: Sendable, Equatable {
    public var k1: Float
    public var b: Float
    public init(k1: Float = 0.9, b: Float = 0.4) {
        self.k1 = k1
        self.b = b
    }
}

/// How the fields of a multi-field query combine.
///
/// - `bm25f` (the default): BM25F (Robertson, Zaragoza & Taylor, "Simple BM25 extension to
///   multiple weighted fields", CIKM 2004) in the form of Lucene's `CombinedFieldQuery`: per
///   document and term, tf = Σ boost_f · tf_f and dl = Σ boost_f · dl_f, with
///   avgdl = Σ boost_f · avgdl_f, df = max over the queried fields of df_f and N = max of N_f
///   (N_f: documents where field f is not empty); then one BM25 term score. With boosts of 1 this
///   is BM25 over the concatenated fields, which is what scores best on BEIR (Anserini "flat"
///   0.679 on SciFact against 0.665 "multifield"); boosts weight a field's words as if repeated.
///   Why it wins: a word in the title and the text saturates once, instead of being counted as
///   two independent pieces of evidence.
/// - `sumOfFields`: Σ_f boost_f · BM25(term, field f) with each field's own N, df and avgdl,
///   as Lucene's BooleanQuery over per-field term queries (Anserini "multifield").
public enum MultiFieldRule: String, Sendable, CaseIterable {
    case bm25f
    case sumOfFields = "sum"
}

/// A field and its query-time boost, as in `title^2,text`.
public struct FieldBoost: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var boost: Float
    public init(_ field: String, boost: Float = 1) {
        self.field = field
        self.boost = boost
    }

    public var description: String { boost == 1 ? field : "\(field)^\(JSONValue.format(Double(boost)))" }

    /// Parses `title^2,text`: comma-separated fields, each with an optional `^boost` (≥ 0).
    public static func parseList(_ text: String) throws(LexicalError) -> [FieldBoost] {
        var out: [FieldBoost] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: " ")
            let pieces = item.split(separator: "^", omittingEmptySubsequences: false)
            guard !item.isEmpty, pieces.count <= 2, !pieces[0].isEmpty else { throw .badFieldList(text) }
            var boost: Float = 1
            if pieces.count == 2 {
                guard let b = Float(pieces[1]), b >= 0, b.isFinite else { throw .badFieldList(text) }
                boost = b
            }
            out.append(FieldBoost(String(pieces[0]), boost: boost))
        }
        return out
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

/// The BM25 scorer of one query, bound to the index statistics: every fast path and the
/// exhaustive oracle score through these functions, so they agree to the bit.
///
/// The length part of the formula, `k1 · (1 − b + b · dl / avgdl)`, depends on the document
/// and the query's k1, b, boosts and statistics but not on the term: `lengthNorm` computes it,
/// and `Segment.norms(for:)` keeps a per-document table of it so the hot loops only read it.
struct QueryScorer {
    let lengthNorm: LengthNorm
    let fieldCount: Int
    /// Per term: its weight in the query (qtf, or an expansion weight).
    let weights: [Float]
    /// bm25f: per term, weight × idf (what scoring multiplies by, so every bound scales with
    /// the weight).
    let idf: [Float]
    /// sumOfFields: per term and field, weight × boost × idf of the field (0 when the field is
    /// not queried).
    let fieldIdf: [Float]
    /// The idfs before the weights (for explanations).
    let termIdf: [Float]
    let termFieldIdf: [Float]

    /// `idf` and `fieldIdf` are the statistics' values; the weights multiply them here.
    init(rule: MultiFieldRule, k1: Float, b: Float, fieldCount: Int, boosts: [Float], avgdl: [Float], combinedAvgdl: Float,
         weights: [Float], idf: [Float], fieldIdf: [Float]) {
        lengthNorm = LengthNorm(rule: rule, k1: k1, b: b, boosts: boosts, avgdl: avgdl, combinedAvgdl: combinedAvgdl)
        self.fieldCount = fieldCount
        self.weights = weights
        termIdf = idf
        termFieldIdf = fieldIdf
        self.idf = idf.indices.map { weights[$0] * idf[$0] }
        self.fieldIdf = fieldIdf.indices.map { weights[$0 / max(1, fieldCount)] * fieldIdf[$0] }
    }

    /// Norms per document: 1 for bm25f (of the combined length), `fieldCount` for sumOfFields.
    var normsPerDocument: Int { rule == .bm25f ? 1 : fieldCount }

    var rule: MultiFieldRule { lengthNorm.rule }
    var k1: Float { lengthNorm.k1 }
    /// Per field: the boost, 0 when the field is not queried.
    var boosts: [Float] { lengthNorm.boosts }

    /// Writes the norms of a document with lengths `lengths[0 ..< fieldCount]` to `out`
    /// (`normsPerDocument` values).
    @inline(__always)
    func norms(lengths: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<Float>) {
        lengthNorm.norms(lengths: lengths, fieldCount: fieldCount, into: out)
    }

    /// The contribution of `term` to a document with tfs `tfs[0 ..< fieldCount]` and norms
    /// `norms[0 ..< normsPerDocument]`.
    @inline(__always)
    func contribution(term: Int, tfs: UnsafePointer<UInt32>, norms: UnsafePointer<Float>) -> Float {
        switch rule {
        case .bm25f:
            var tf: Float = 0
            for f in 0..<fieldCount { tf += boosts[f] * Float(tfs[f]) }
            guard tf > 0 else { return 0 }
            return QueryScorer.saturate(idf: idf[term], tf: tf, k1: k1, norm: norms[0])
        case .sumOfFields:
            var score: Float = 0
            for f in 0..<fieldCount where tfs[f] > 0 && boosts[f] > 0 {
                let tf = Float(tfs[f])
                score += QueryScorer.saturate(idf: fieldIdf[term * fieldCount + f], tf: tf, k1: k1, norm: norms[f])
            }
            return score
        }
    }

    /// BM25's term score: idf × the saturated tf, `idf · tf · (k1 + 1) / (tf + norm)`.
    @inline(__always)
    static func saturate(idf: Float, tf: Float, k1: Float, norm: Float) -> Float {
        idf * (tf * (k1 + 1) / (tf + norm))
    }

    /// The contribution of `term` to a document with tfs `tfs[0 ..< fieldCount]` and lengths
    /// `lengths[0 ..< fieldCount]` (norms computed on the spot, to the same bits).
    func contribution(term: Int, tfs: UnsafePointer<UInt32>, lengths: UnsafePointer<UInt32>) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, fieldCount)) { n in
            norms(lengths: lengths, into: n.baseAddress!)
            return contribution(term: term, tfs: tfs, norms: n.baseAddress!)
        }
    }

    /// An upper bound of `contribution` over documents whose tfs are at most `maxTf` and whose
    /// lengths are at least `minLength`, field by field (the block-max metadata). Inflated by
    /// a relative 1e-4 so float rounding never makes it smaller than a true score.
    func bound(term: Int, maxTf: UnsafePointer<UInt32>, minLength: UnsafePointer<UInt32>) -> Float {
        contribution(term: term, tfs: maxTf, lengths: minLength) * 1.0001
    }

    /// True when no document whose score is at most `upperBound` can enter a top-k whose
    /// worst kept score is `threshold` (nil: the top-k is not full yet).
    @inline(__always)
    static func canPrune(_ upperBound: Float, _ threshold: Float?) -> Bool {
        guard let threshold else { return false }
        return upperBound * 1.00001 < threshold
    }
}

/// The length part of BM25, `k1 · (1 − b + b · dl / avgdl)`, and the query parameters and
/// statistics it depends on: a segment keeps a per-document table of it for each value.
struct LengthNorm: Equatable {
    let rule: MultiFieldRule
    let k1: Float
    let b: Float
    /// Per field: the boost, 0 when the field is not queried.
    let boosts: [Float]
    let avgdl: [Float]
    let combinedAvgdl: Float

    /// Writes the norms of a document with lengths `lengths[0 ..< fieldCount]` to `out`: one
    /// of the boosted combined length for bm25f, one per field for sumOfFields.
    @inline(__always)
    func norms(lengths: UnsafePointer<UInt32>, fieldCount: Int, into out: UnsafeMutablePointer<Float>) {
        switch rule {
        case .bm25f:
            var dl: Float = 0
            for f in 0..<fieldCount { dl += boosts[f] * Float(lengths[f]) }
            out[0] = k1 * (1 - b + b * dl / combinedAvgdl)
        case .sumOfFields:
            for f in 0..<fieldCount { out[f] = k1 * (1 - b + b * Float(lengths[f]) / avgdl[f]) }
        }
    }

    /// `norms(lengths:fieldCount:into:)` of `count` documents one after another (lengths
    /// `fieldCount` per document, norms as many as the rule writes per document): the same
    /// operations in the same order, so the same bits, with the rule and the boosts read once.
    func norms(lengths: UnsafePointer<UInt32>, documents count: Int, fieldCount fc: Int, into out: UnsafeMutablePointer<Float>) {
        guard rule == .bm25f else {
            for d in 0..<count { norms(lengths: lengths + d * fc, fieldCount: fc, into: out + d * fc) }
            return
        }
        boosts.withUnsafeBufferPointer { boosts in
            if fc == 2 {
                let b0 = boosts[0], b1 = boosts[1]
                for d in 0..<count {
                    var dl: Float = 0
                    dl += b0 * Float(lengths[2 &* d])
                    dl += b1 * Float(lengths[2 &* d &+ 1])
                    out[d] = k1 * (1 - b + b * dl / combinedAvgdl)
                }
                return
            }
            for d in 0..<count {
                var dl: Float = 0
                for f in 0..<fc { dl += boosts[f] * Float(lengths[d &* fc &+ f]) }
                out[d] = k1 * (1 - b + b * dl / combinedAvgdl)
            }
        }
    }
}
