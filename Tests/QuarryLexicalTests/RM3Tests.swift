import Foundation
import QuarryBase
import QuarryText
import Testing
@testable import QuarryLexical

/// RM3 as Anserini's `Rm3Reranker` computes it, checked against an example worked by hand.
@Suite struct RM3Tests {
    /// The fixture: query "apple pie" (each weight 1), N = 100 documents, four first-pass hits,
    /// fbDocs = 3, fbTerms = 3, originalQueryWeight = 0.5.
    ///
    ///     df: apple 5, pie 8, crust 3, bake 4, oven 2, sugar 6, common 50
    ///     d1 score 2.0:  apple 3, pie 2, crust 1, common 7, x 4, "c++" 1
    ///     d2 score 1.0:  apple 1, bake 2, oven 2, sugar 1
    ///     d3 score 0.5:  pie 4, sugar 2
    ///     d4 score 0.25: bake 9                       (past fbDocs: not used)
    ///
    /// By hand:
    /// 1. filters: "common" (df 50 % > 10 %), "x" (one letter) and "c++" (not [a-z0-9]) go;
    /// 2. each vector keeps its 3 largest: d1 {apple 3, pie 2, crust 1} |d1| = 6;
    ///    d2 {bake 2, oven 2, apple 1} (apple and sugar tie at 1: the smaller term) |d2| = 5;
    ///    d3 {pie 4, sugar 2} |d3| = 6;
    /// 3. rm(t) = Σ tf/|d| · score: apple 3/6·2 + 1/5·1 = 1.2; pie 2/6·2 + 4/6·0.5 = 1.0;
    ///    crust 1/3; bake 0.4; oven 0.4; sugar 1/6. The 3 heaviest: apple 1.2, pie 1.0, bake 0.4
    ///    (bake and oven tie: the smaller term), sum 2.6 → apple 6/13, pie 5/13, bake 2/13;
    /// 4. mixed with q = {apple ½, pie ½}: apple ¼ + 3/13, pie ¼ + 5/26, bake 1/13.
    static let feedback = [
        FeedbackDocument(ordinal: 1, score: 2.0, termCounts: ["apple": 3, "pie": 2, "crust": 1, "common": 7, "x": 4, "c++": 1]),
        FeedbackDocument(ordinal: 2, score: 1.0, termCounts: ["apple": 1, "bake": 2, "oven": 2, "sugar": 1]),
        FeedbackDocument(ordinal: 3, score: 0.5, termCounts: ["pie": 4, "sugar": 2]),
        FeedbackDocument(ordinal: 4, score: 0.25, termCounts: ["bake": 9]),
    ]
    static let df = ["apple": 5, "pie": 8, "crust": 3, "bake": 4, "oven": 2, "sugar": 6, "common": 50, "x": 1, "c++": 1]

    static func close(_ a: [WeightedTerm], _ b: [(String, Double)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.term == $1.0 && abs(Double($0.weight) - $1.1) < 1e-6 }
    }

    @Test func expansionTermsAndWeightsEqualTheHandComputation() {
        let p = RM3Parameters(feedbackDocuments: 3, feedbackTerms: 3, originalQueryWeight: 0.5)
        let (model, terms) = RM3.estimate(query: [WeightedTerm("apple", weight: 1), WeightedTerm("pie", weight: 1)],
                                          feedback: Self.feedback, parameters: p,
                                          documentFrequency: { Self.df[$0] ?? 0 }, documentCount: 100)
        let rm: [(String, Double)] = [("apple", 6.0 / 13), ("pie", 5.0 / 13), ("bake", 2.0 / 13)]
        let apple: Double = 0.25 + 3.0 / 13, pie: Double = 0.25 + 5.0 / 26, bake: Double = 1.0 / 13
        #expect(Self.close(model, rm), "\(model)")
        #expect(Self.close(terms, [("apple", apple), ("pie", pie), ("bake", bake)]), "\(terms)")
        #expect(abs(terms.reduce(0) { $0 + Double($1.weight) } - 1) < 1e-6)
    }

    @Test func originalQueryWeightAndTheQueryTermFrequency() {
        // "apple apple pie": q = {apple ⅔, pie ⅓}; with weight 0.8 the query dominates.
        let p = RM3Parameters(feedbackDocuments: 3, feedbackTerms: 3, originalQueryWeight: 0.8)
        let (_, terms) = RM3.estimate(query: [WeightedTerm("apple", weight: 2), WeightedTerm("pie", weight: 1)],
                                      feedback: Self.feedback, parameters: p,
                                      documentFrequency: { Self.df[$0] ?? 0 }, documentCount: 100)
        let apple: Double = 0.8 * 2 / 3 + 0.2 * 6 / 13
        let pie: Double = 0.8 / 3 + 0.2 * 5 / 13
        let bake: Double = 0.2 * 2 / 13
        #expect(Self.close(terms, [("apple", apple), ("pie", pie), ("bake", bake)]), "\(terms)")
        // Without the English filter, "c++" competes (it stays below the three kept terms of d1).
        let unfiltered = RM3Parameters(feedbackDocuments: 1, feedbackTerms: 10, originalQueryWeight: 0, filterTerms: false)
        let (model, _) = RM3.estimate(query: [], feedback: Self.feedback, parameters: unfiltered,
                                      documentFrequency: { Self.df[$0] ?? 0 }, documentCount: 100)
        #expect(model.map(\.term) == ["apple", "pie", "c++", "crust"])
    }

    @Test func parametersAreChecked() {
        #expect(throws: LexicalError.self) { try RM3Parameters(feedbackDocuments: 0).validate() }
        #expect(throws: LexicalError.self) { try RM3Parameters(feedbackTerms: 0).validate() }
        #expect(throws: LexicalError.self) { try RM3Parameters(originalQueryWeight: 1.5).validate() }
    }

    /// On an index: the expanded query binds to the weights the expansion reports, and the
    /// second pass ranks a document with only the feedback term.
    @Test func expandedQueryBindsToTheReportedWeights() throws {
        // 40 documents so that a topic's words stay under the 10 % df limit.
        var docs: [(ordinal: UInt32, fields: [String?])] = []
        for i in 0..<40 {
            let text: String
            switch i {
            case 0: text = "apple pie with flaky crust"
            case 1: text = "apple pie baked with cinnamon crust"
            case 2: text = "cinnamon crust recipe"                    // no query word: found through feedback
            default: text = "filler words number \(i) about nothing \(i % 7)"
            }
            docs.append((UInt32(i), [text]))
        }
        var index = try LexicalIndex(fields: ["text"], analyzer: .standard)
        try index.add(docs)
        let query = try MatchQuery.parse("apple pie")
        let firstPass = try index.search(query, options: .init(k: 10))
        #expect(Set(firstPass.hits.map(\.id)) == [0, 1])
        let feedback = firstPass.hits.map { h in FeedbackDocument(ordinal: h.id, score: h.score, termCounts: index.termCounts([docs[Int(h.id)].fields[0]])) }
        let (expanded, e) = try index.expandRM3(query, firstPass: firstPass, feedback: feedback, parameters: RM3Parameters())
        #expect(e.feedback.map(\.ordinal) == firstPass.hits.map(\.id))
        #expect(e.added.contains("crust") && e.added.contains("cinnamon"))
        let bound = try index.queryTerms(expanded)
        #expect(bound.count == e.terms.count)
        for t in e.terms {
            let b = try #require(bound.first { $0.term == t.term })
            #expect(abs(b.weight - t.weight) < 1e-6, "\(t.term)")
        }
        let second = try index.search(expanded, options: .init(k: 10))
        #expect(second.hits.contains { $0.id == 2 }, "the cinnamon crust recipe comes in through the feedback terms")
        // No hit, no feedback: the query stays as it was.
        let zebra = try MatchQuery.parse("zebra")
        let nothing = try index.search(zebra, options: .init(k: 10))
        let (same, none) = try index.expandRM3(zebra, firstPass: nothing, feedback: [], parameters: RM3Parameters())
        #expect(same == zebra && none.relevanceModel.isEmpty && none.added.isEmpty)
    }
}
