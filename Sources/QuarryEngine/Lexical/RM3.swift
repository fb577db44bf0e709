import Foundation
import QuarryBase

/// RM3 pseudo-relevance feedback: the relevance model of Lavrenko & Croft ("Relevance-Based
/// Language Models", SIGIR 2001) estimated from the top documents of a first BM25 pass, mixed
/// with the original query as in Abdul-Jaleel et al. ("UMass at TREC 2004: Novelty and HARD"),
/// computed the way Anserini's `Rm3Reranker` does, so runs compare with its BEIR baselines:
///
/// 1. the first pass's top `fbDocs` documents are the feedback documents;
/// 2. each document's vector holds its terms' frequencies, keeping only terms of 2–20 characters
///    in `[a-z0-9]` (Anserini's English filter) found in at most 10 % of the documents, then
///    only its `fbTerms` most frequent terms;
/// 3. the relevance model gives each term Σ_d tf(t, d) / |d| × score(d) (|d|: the L1 norm of
///    the pruned vector, score: the first pass's BM25 score), keeps the `fbTerms` heaviest and
///    scales them to sum to 1;
/// 4. the expanded query weighs each term `originalQueryWeight · q(t) + (1 − originalQueryWeight) · rm(t)`,
///    q being the original query's term weights (qtf) scaled to sum to 1;
/// 5. a second BM25 pass runs the expanded query, each term's contribution times its weight
///    (Lucene's `BoostQuery` around each `TermQuery`).
///
/// Ties between equal weights go to the smaller term, so runs repeat (Anserini leaves their
/// order to a hash map). Defaults are Anserini's: fbDocs 10, fbTerms 10, originalQueryWeight 0.5.
///
/// Tuning note: fewer feedback documents (5) help when the first pass's precision is low;
/// a higher original weight (0.7–0.8) keeps expansion from drifting off short, precise queries.
public struct RM3Parameters: Sendable, Equatable {
    public var feedbackDocuments: Int
    public var feedbackTerms: Int
    public var originalQueryWeight: Float
    /// A term found in more than this share of the documents is not a feedback term.
    public var maxDocumentFrequencyRatio: Float
    /// Anserini's English filter (`[a-z0-9]+`, 2–20 characters); off for other languages.
    public var filterTerms: Bool

    public init(feedbackDocuments: Int = 10, feedbackTerms: Int = 10, originalQueryWeight: Float = 0.5,
                maxDocumentFrequencyRatio: Float = 0.1, filterTerms: Bool = true) {
        self.feedbackDocuments = feedbackDocuments
        self.feedbackTerms = feedbackTerms
        self.originalQueryWeight = originalQueryWeight
        self.maxDocumentFrequencyRatio = maxDocumentFrequencyRatio
        self.filterTerms = filterTerms
    }

    /// Checks the ranges: fbDocs ≥ 1, fbTerms ≥ 1, 0 ≤ originalQueryWeight ≤ 1.
    public func validate() throws(LexicalError) {
        guard feedbackDocuments >= 1 else { throw .invalidParameter(name: "fb_docs", value: Float(feedbackDocuments), expected: "fb_docs ≥ 1") }
        guard feedbackTerms >= 1 else { throw .invalidParameter(name: "fb_terms", value: Float(feedbackTerms), expected: "fb_terms ≥ 1") }
        guard originalQueryWeight >= 0, originalQueryWeight <= 1 else {
            throw .invalidParameter(name: "original_query_weight", value: originalQueryWeight, expected: "0 ≤ original_query_weight ≤ 1")
        }
    }
}

/// One feedback document: its first-pass score and its terms' frequencies (over the queried fields).
public struct FeedbackDocument: Sendable, Equatable {
    public var ordinal: UInt32
    public var score: Float
    public var termCounts: [String: Int]
    public init(ordinal: UInt32, score: Float, termCounts: [String: Int]) {
        self.ordinal = ordinal
        self.score = score
        self.termCounts = termCounts
    }
}

/// What RM3 did to one query.
public struct RM3Expansion: Sendable, Equatable {
    public var parameters: RM3Parameters
    /// The feedback documents (ordinal and first-pass score), best first.
    public var feedback: [(ordinal: UInt32, score: Float)]
    /// The relevance model: at most fbTerms terms, weights summing to 1, heaviest first.
    public var relevanceModel: [WeightedTerm]
    /// The expanded query's terms and weights, heaviest first (ties: smaller term first).
    public var terms: [WeightedTerm]
    /// Terms of `terms` the original query did not have.
    public var added: [String]

    public static func == (a: RM3Expansion, b: RM3Expansion) -> Bool {
        a.parameters == b.parameters && a.feedback.map(\.ordinal) == b.feedback.map(\.ordinal)
            && a.feedback.map(\.score) == b.feedback.map(\.score) && a.relevanceModel == b.relevanceModel
            && a.terms == b.terms && a.added == b.added
    }
}

public enum RM3 {
    /// Whether a term may be a feedback term by its spelling (Anserini's English filter).
    static func acceptsSpelling(_ term: String, filter: Bool) -> Bool {
        let length = term.utf16.count
        guard length >= 2, length <= 20 else { return false }
        guard filter else { return true }
        return term.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// The `n` heaviest entries, ties by smaller term.
    static func heaviest(_ weights: [String: Double], _ n: Int) -> [(term: String, weight: Double)] {
        weights.map { (term: $0.key, weight: $0.value) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
            .prefix(n).map { $0 }
    }

    /// Steps 2–4: the relevance model of `feedback` and its mix with `query` (the original
    /// query's terms and weights). `documentFrequency` and `documentCount` are the index's
    /// statistics for the df filter.
    public static func estimate(query: [WeightedTerm], feedback: [FeedbackDocument], parameters p: RM3Parameters,
                                documentFrequency: (String) -> Int, documentCount: Int) -> (model: [WeightedTerm], terms: [WeightedTerm]) {
        let docs = feedback.prefix(p.feedbackDocuments)
        var dfCache: [String: Bool] = [:]
        func frequentEnough(_ t: String) -> Bool {
            if let known = dfCache[t] { return known }
            let ok = documentCount > 0 && Float(documentFrequency(t)) / Float(documentCount) <= p.maxDocumentFrequencyRatio
            dfCache[t] = ok
            return ok
        }
        // Document vectors, pruned to their fbTerms most frequent terms, and their L1 norms.
        var vectors: [[String: Double]] = []
        for d in docs {
            var v: [String: Double] = [:]
            for (t, c) in d.termCounts where c > 0 && acceptsSpelling(t, filter: p.filterTerms) && frequentEnough(t) {
                v[t] = Double(c)
            }
            vectors.append(Dictionary(uniqueKeysWithValues: heaviest(v, p.feedbackTerms).map { ($0.term, $0.weight) }))
        }
        var model: [String: Double] = [:]
        for (i, d) in docs.enumerated() {
            let norm = vectors[i].values.reduce(0, +)
            // Anserini skips (near-)empty feedback documents rather than dividing by 0.
            guard norm > 0.001 else { continue }
            for (t, tf) in vectors[i] { model[t, default: 0] += tf / norm * Double(d.score) }
        }
        let kept = heaviest(model, p.feedbackTerms)
        let total = kept.reduce(0) { $0 + $1.weight }
        let rm: [String: Double] = total > 0 ? Dictionary(uniqueKeysWithValues: kept.map { ($0.term, $0.weight / total) }) : [:]

        var q: [String: Double] = [:]
        for t in query { q[t.term, default: 0] += Double(t.weight) }
        let qTotal = q.values.reduce(0, +)
        let alpha = Double(p.originalQueryWeight)
        var mixed: [String: Double] = [:]
        for (t, w) in q where qTotal > 0 { mixed[t, default: 0] += alpha * w / qTotal }
        for (t, w) in rm { mixed[t, default: 0] += (1 - alpha) * w }
        let order = heaviest(mixed, mixed.count)
        return (heaviest(rm, rm.count).map { WeightedTerm($0.term, weight: Float($0.weight)) },
                order.map { WeightedTerm($0.term, weight: Float($0.weight)) })
    }
}

extension LexicalIndex {
    /// The analysed terms of a document and their frequencies over the given field texts
    /// (`texts[f]` for `fields[f]`; nil for a field left out).
    public func termCounts(_ texts: [String?]) -> [String: Int] {
        let a = analyzers.take() ?? makeAnalyzer()
        defer { analyzers.put(a) }
        var counts: [String: Int] = [:]
        for text in texts { if let text { for t in a.analyze(text) { counts[t.term, default: 0] += 1 } } }
        return counts
    }

    /// Steps 2–4 of RM3 for `query` after its first pass: the expanded query (the original
    /// clauses scaled by originalQueryWeight / Σ qtf, plus one weighted clause per feedback
    /// term) and what the expansion did. `feedback` holds the first pass's top documents.
    public func expandRM3(_ query: MatchQuery, firstPass: LexicalSearchResult, feedback: [FeedbackDocument],
                          parameters: RM3Parameters) throws(LexicalError) -> (query: MatchQuery, expansion: RM3Expansion) {
        try parameters.validate()
        let original = zip(firstPass.terms, firstPass.termWeights).map { WeightedTerm($0, weight: $1) }
        var (model, terms) = RM3.estimate(query: original, feedback: feedback, parameters: parameters,
                                          documentFrequency: { (try? self.documentFrequency(of: $0)) ?? 0 },
                                          documentCount: liveDocumentCount)
        let qTotal = original.reduce(Float(0)) { $0 + $1.weight }
        let known = Set(original.map(\.term))
        var expanded = query
        if qTotal > 0 && !model.isEmpty {
            let scale = parameters.originalQueryWeight / qTotal
            for i in expanded.clauses.indices where expanded.clauses[i].occur != .mustNot { expanded.clauses[i].weight *= scale }
            for t in model where parameters.originalQueryWeight < 1 {
                expanded.clauses.append(.init(.should, .term(t.term), weight: (1 - parameters.originalQueryWeight) * t.weight))
            }
        } else {
            // No feedback (no hit, or no term passed the filters): the query stays as it was.
            model = []
            terms = original
        }
        let expansion = RM3Expansion(parameters: parameters, feedback: feedback.prefix(parameters.feedbackDocuments).map { ($0.ordinal, $0.score) },
                                     relevanceModel: model, terms: terms, added: terms.map(\.term).filter { !known.contains($0) })
        return (expanded, expansion)
    }
}
