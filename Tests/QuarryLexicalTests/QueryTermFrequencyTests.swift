import Foundation
import QuarryBase
import QuarryText
import Testing
@testable import QuarryLexical

/// Query-term frequency: a term the query repeats weighs its count, as Lucene's
/// `BooleanQuery.rewrite` (duplicate clauses' boosts summed) and Anserini's
/// `BagOfWordsQueryGenerator` (a term boosted by its count) do.
@Suite struct QueryTermFrequencyTests {
    /// One field, four documents, counted by hand:
    ///
    ///     d0: cat dog           dl 2
    ///     d1: cat cat fish      dl 3
    ///     d2: dog dog dog bird  dl 4
    ///     d3: fish bird         dl 2      N = 4, avgdl = 11 / 4
    static func corpus() throws -> LexicalIndex {
        var index = try LexicalIndex(fields: ["text"], analyzer: .standard)
        try index.add([(0, ["cat dog"]), (1, ["cat cat fish"]), (2, ["dog dog dog bird"]), (3, ["fish bird"])])
        return index
    }

    /// Lucene's BM25 (`BM25Similarity`, times k1 + 1 as Quarry and Anserini before Lucene 8
    /// write it; the factor does not change rankings): Σ_t qtf · idf · tf (k1 + 1) / (tf + k1 (1 − b + b dl / avgdl)),
    /// idf = ln(1 + (N − df + 0.5) / (df + 0.5)). Lengths are exact here (Lucene rounds them to a byte).
    static func lucene(qtf: [String: Double], tf: [String: Double], dl: Double, k1: Double, b: Double) -> Double {
        let n = 4.0, avgdl = 11.0 / 4
        let df: [String: Double] = ["cat": 2, "dog": 2, "fish": 2, "bird": 2]
        var score = 0.0
        for (term, q) in qtf {
            guard let f = tf[term], f > 0, let d = df[term] else { continue }
            let idf = log(1 + (n - d + 0.5) / (d + 0.5))
            score += q * idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / avgdl))
        }
        return score
    }

    static let documents: [(tf: [String: Double], dl: Double)] = [
        (["cat": 1, "dog": 1], 2), (["cat": 2, "fish": 1], 3), (["dog": 3, "bird": 1], 4), (["fish": 1, "bird": 1], 2),
    ]

    @Test(arguments: [BM25Parameters(k1: 1.2, b: 0.75), BM25Parameters(k1: 0.9, b: 0.4)])
    func repeatedTermsWeighTheirCountAsLuceneDoes(parameters: BM25Parameters) throws {
        let index = try Self.corpus()
        for (text, qtf) in [("cat dog cat", ["cat": 2.0, "dog": 1.0]), ("dog dog dog fish", ["dog": 3.0, "fish": 1.0]),
                            ("bird", ["bird": 1.0]), ("cat \"cat fish\"", ["cat": 2.0, "fish": 1.0])] {
            let result = try index.search(text, options: .init(k: 10, parameters: parameters, algorithm: .exhaustive))
            #expect(Dictionary(uniqueKeysWithValues: zip(result.terms, result.termWeights.map(Double.init))) == qtf, "\(text)")
            for hit in result.hits {
                let d = Self.documents[Int(hit.id)]
                let want = Self.lucene(qtf: qtf, tf: d.tf, dl: d.dl, k1: Double(parameters.k1), b: Double(parameters.b))
                #expect(abs(Double(hit.score) - want) < 1e-5 * max(1, want), "\(text) d\(hit.id): \(hit.score) vs \(want)")
            }
        }
        // `distinct` weighs each term of the text once.
        var options = LexicalSearchOptions(k: 10, parameters: parameters, algorithm: .exhaustive, queryTermFrequency: .distinct)
        let once = try index.search("cat dog cat", options: options)
        #expect(once.termWeights == [1, 1])
        for hit in once.hits {
            let d = Self.documents[Int(hit.id)]
            let want = Self.lucene(qtf: ["cat": 1, "dog": 1], tf: d.tf, dl: d.dl, k1: Double(parameters.k1), b: Double(parameters.b))
            #expect(abs(Double(hit.score) - want) < 1e-5 * max(1, want))
        }
        options.queryTermFrequency = .count
        // The ranking changes: counting "cat" twice puts d1 (cat ×2) above d2 (dog ×3).
        let counted = try index.search("cat dog cat", options: options)
        #expect(counted.hits.map(\.id) == [0, 1, 2])
        #expect(once.hits.map(\.id) == [0, 2, 1])
    }

    @Test func explanationShowsTheQueryTermFrequency() throws {
        let index = try Self.corpus()
        let e = try #require(try index.explain(try MatchQuery.parse("cat dog cat"), ordinal: 0, options: .init(parameters: BM25Parameters(k1: 1.2, b: 0.75))))
        let cat = try #require(e.terms.first { $0.term == "cat" })
        #expect(cat.qtf == 2)
        #expect(abs(Double(cat.idf) - log(2)) < 1e-6, "idf is shown before the weight")
        #expect(e.terms.first { $0.term == "dog" }?.qtf == 1)
        let sum = e.terms.reduce(Float(0)) { $0 + $1.contribution }
        #expect(abs(sum - e.score) < 1e-5)
        let hit = try index.search("cat dog cat", options: .init(k: 4, parameters: BM25Parameters(k1: 1.2, b: 0.75))).hits.first { $0.id == 0 }
        #expect(abs((hit?.score ?? 0) - e.score) < 1e-6)
    }

    @Test func weightedTermClausesAddToTheirTerms() throws {
        let index = try Self.corpus()
        // `.term` clauses are analysed terms with a weight: RM3's expansion terms.
        let q = MatchQuery(clauses: [.init(.should, .word("cat"), weight: 0.5), .init(.should, .term("cat"), weight: 0.25),
                                     .init(.should, .term("bird"), weight: 0.1)])
        let terms = try index.queryTerms(q)
        #expect(terms == [WeightedTerm("cat", weight: 0.75), WeightedTerm("bird", weight: 0.1)])
        // In `distinct` mode the text counts once, explicit weights still add.
        let twice = MatchQuery(clauses: q.clauses + [.init(.should, .word("cat"), weight: 0.5)])
        #expect(try index.queryTerms(twice, options: .init(queryTermFrequency: .distinct)).first == WeightedTerm("cat", weight: 0.75))
        #expect(try index.queryTerms(twice).first == WeightedTerm("cat", weight: 1.25))
        #expect(throws: LexicalError.self) { try index.queryTerms(MatchQuery(clauses: [.init(.should, .term("cat"), weight: -1)])) }
    }
}

/// Pruned search equals the exhaustive oracle when terms repeat and carry weights: the bounds
/// of block-max WAND and MaxScore scale with each term's weight.
@Test(arguments: [MultiFieldRule.bm25f, .sumOfFields])
func prunedEqualsExhaustiveWithRepeatedAndWeightedTerms(rule: MultiFieldRule) throws {
    var rng = SplitMix64(seed: 2024)
    for round in 0..<propertyRounds {
        let vocabulary = [30, 200, 1000][round % 3]
        var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
        let docs = randomCorpus(&rng, documents: 1500, vocabulary: vocabulary)
        try index.add(Array(docs[0..<1000]))
        try index.add(Array(docs[1000...]))
        for _ in 0..<40 { index.delete(UInt32.random(in: 0..<1500, using: &rng)) }
        for q in 0..<40 {
            func word() -> String { "w\(Int(pow(Double.random(in: 0..<1, using: &rng), 1.5) * Double(vocabulary)))" }
            // Words, some repeated up to four times, and (every other query) weighted terms.
            var clauses: [MatchQuery.Clause] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let w = word()
                for _ in 0..<Int.random(in: 1...4, using: &rng) { clauses.append(.init(.should, .word(w))) }
            }
            if q % 2 == 1 {
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    clauses.append(.init(.should, .term(word()), weight: Float.random(in: 0.01...3, using: &rng)))
                }
            }
            if q % 5 == 4 { clauses.append(.init(.mustNot, .word(word()))) }
            clauses.shuffle(using: &rng)
            let query = MatchQuery(clauses: clauses)
            var options = LexicalSearchOptions(k: [1, 5, 10, 50][q % 4], rule: rule)
            options.parameters = q % 3 == 0 ? BM25Parameters(k1: 1.2, b: 0.75) : BM25Parameters()
            if q % 6 == 0 { options.fields = [FieldBoost("title", boost: 2), FieldBoost("text")] }
            options.queryTermFrequency = q % 7 == 3 ? .distinct : .count
            options.algorithm = .exhaustive
            let exact = try index.search(query, options: options)
            for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore] {
                options.algorithm = algorithm
                expectSameHits(try index.search(query, options: options), exact, "round \(round) query '\(query)' \(algorithm)")
            }
        }
    }
}
