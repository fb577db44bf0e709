import Foundation
import QuarryBase
import QuarryText
import Testing
@testable import QuarryLexical

/// Random documents over a Zipf-ish vocabulary, so some terms span many blocks.
func randomCorpus(_ rng: inout SplitMix64, documents: Int, vocabulary: Int) -> [(ordinal: UInt32, fields: [String?])] {
    func word(_ rng: inout SplitMix64) -> String {
        let r = Double.random(in: 0..<1, using: &rng)
        return "w\(Int(pow(r, 2.5) * Double(vocabulary)))"
    }
    return (0..<documents).map { d in
        let title = (0..<Int.random(in: 0...4, using: &rng)).map { _ in word(&rng) }.joined(separator: " ")
        let text = (0..<Int.random(in: 1...40, using: &rng)).map { _ in word(&rng) }.joined(separator: " ")
        return (UInt32(d), [title.isEmpty ? nil : title, text])
    }
}

func randomQuery(_ rng: inout SplitMix64, vocabulary: Int, operators: Bool) -> String {
    (0..<Int.random(in: 1...6, using: &rng)).map { _ in
        let w = "w\(Int(pow(Double.random(in: 0..<1, using: &rng), 1.5) * Double(vocabulary)))"
        guard operators else { return w }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return "+" + w
        case 1: return "-" + w
        case 2: return "\"\(w) w\(Int.random(in: 0..<8, using: &rng))\""
        case 3: return "w\(Int.random(in: 1..<9, using: &rng))*"
        default: return w
        }
    }.joined(separator: " ")
}

func expectSameHits(_ a: LexicalSearchResult, _ b: LexicalSearchResult, _ context: String) {
    #expect(a.hits.map(\.id) == b.hits.map(\.id), "\(context)")
    for (x, y) in zip(a.hits, b.hits) { #expect(abs(x.score - y.score) <= 1e-5 * max(1, abs(y.score)), "\(context)") }
}

#if DEBUG
let propertyRounds = 2  // debug builds are ~30x slower; release runs every round
#else
let propertyRounds = 6
#endif

@Test(arguments: [MultiFieldRule.bm25f, .sumOfFields])
func prunedEqualsExhaustive(rule: MultiFieldRule) throws {
    var rng = SplitMix64(seed: 42)
    for round in 0..<propertyRounds {
        let vocabulary = [30, 200, 1000][round % 3]
        var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
        let docs = randomCorpus(&rng, documents: 1500, vocabulary: vocabulary)
        // Several segments and some tombstones.
        try index.add(Array(docs[0..<900]))
        try index.add(Array(docs[900..<1400]))
        try index.add(Array(docs[1400...]))
        if round == 5 { index.merge() }
        for _ in 0..<60 { index.delete(UInt32.random(in: 0..<1500, using: &rng)) }
        for q in 0..<40 {
            let text = randomQuery(&rng, vocabulary: vocabulary, operators: q % 2 == 1)
            var options = LexicalSearchOptions(k: [1, 5, 10, 50][q % 4], rule: rule)
            options.parameters = q % 3 == 0 ? BM25Parameters(k1: 1.2, b: 0.75) : BM25Parameters()
            if q % 5 == 0 { options.fields = [FieldBoost("title", boost: 2), FieldBoost("text")] }
            if q % 7 == 0 { options.fields = [FieldBoost("text")] }
            if q % 4 == 1 { options.allowed = Bitmap((0..<1500).filter { _ in Bool.random(using: &rng) }.map(UInt32.init)) }
            options.algorithm = .exhaustive
            let exact = try index.search(text, options: options)
            for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore, .auto] {
                options.algorithm = algorithm
                let fast = try index.search(text, options: options)
                expectSameHits(fast, exact, "round \(round) query '\(text)' \(algorithm) k=\(options.k)")
            }
        }
    }
}

@Test func pruningSkipsWork() throws {
    // "common" is in every document, "rare" in ten: once the top-3 holds "rare" documents,
    // "common" alone cannot compete, and its blocks without "rare" are never decoded.
    var index = try LexicalIndex(fields: ["text"], analyzer: .standard)
    let rare: (Int) -> Bool = { $0 < 3 || $0 % 800 == 0 }
    try index.add((0..<6400).map { d in (UInt32(d), [rare(d) ? "common rare filler" : "common filler words here"]) })
    let exact = try index.search("common rare", options: .init(k: 3, algorithm: .exhaustive))
    let bmw = try index.search("common rare", options: .init(k: 3, algorithm: .blockMaxWAND))
    let ms = try index.search("common rare", options: .init(k: 3, algorithm: .maxScore))
    expectSameHits(bmw, exact, "bmw")
    expectSameHits(ms, exact, "maxscore")
    #expect(exact.hits.map(\.id) == [0, 1, 2])
    #expect(exact.counters.postingsScored == 6400 + 10)
    #expect(bmw.counters.postingsScored < 100)
    #expect(ms.counters.postingsScored < 100)
    #expect(bmw.counters.blocksSkipped > 30)
}

/// Without deletes or filters the exhaustive scorer offers only the documents it listed as they
/// scored when the postings are under an eighth of the segment's documents (else it scans its
/// accumulator), on an accumulator the segment keeps zeroed between searches: the same hits as
/// the pruned algorithms, query after query, for rare and for frequent terms.
@Test func exhaustiveListedSelectionMatchesPruned() throws {
    var rng = SplitMix64(seed: 17)
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    try index.add(randomCorpus(&rng, documents: 3000, vocabulary: 400))
    for q in 0..<120 {
        // Rare words (few documents: listed) and common ones (most documents: scanned), mixed.
        let text = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
            q % 3 == 0 ? "w\(Int.random(in: 0..<4, using: &rng))" : "w\(Int.random(in: 100..<400, using: &rng))"
        }.joined(separator: " ")
        var options = LexicalSearchOptions(k: [1, 10, 100][q % 3])
        options.algorithm = .exhaustive
        let exact = try index.search(text, options: options)
        for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore] {
            options.algorithm = algorithm
            expectSameHits(try index.search(text, options: options), exact, "query \(q) '\(text)' \(algorithm)")
        }
    }
}

/// In a segment of at least `ExhaustiveScorer.windowedFrom` documents, sparse postings are
/// accumulated a window at a time: the same hits, with the same score bits, as the whole-segment
/// accumulator (which a filter that allows everything selects) and as MaxScore and block-max
/// WAND — for rare terms whose blocks span many windows, terms that share windows, windows no
/// term touches, and for frequent terms (which keep the whole-segment accumulator).
@Test func windowedAccumulationMatchesTheWholeAccumulator() throws {
    var rng = SplitMix64(seed: 99)
    let n = ExhaustiveScorer.windowedFrom + 9_000
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    // Rare words r0…r599 (a few hundred documents each), and frequent f0…f9.
    try index.add((0..<n).map { d in
        let rare = (0..<Int.random(in: 1...3, using: &rng)).map { _ in "r\(Int.random(in: 0..<600, using: &rng))" }
        let title = Bool.random(using: &rng) ? "f\(Int.random(in: 0..<10, using: &rng))" : nil
        return (UInt32(d), [title, (rare + ["f\(d % 10)"]).joined(separator: " ")])
    })
    let everything = Bitmap((0..<UInt32(n)).map { $0 })
    for q in 0..<40 {
        var words = (0..<Int.random(in: 1...6, using: &rng)).map { _ in "r\(Int.random(in: 0..<600, using: &rng))" }
        if q % 8 == 0 { words.append("f\(q % 10)") }
        let text = words.joined(separator: " ")
        var options = LexicalSearchOptions(k: [1, 10, 100][q % 3])
        options.parameters = q % 2 == 0 ? BM25Parameters(k1: 1.2, b: 0.75) : BM25Parameters()
        if q % 5 == 0 { options.fields = [FieldBoost("title", boost: 2), FieldBoost("text")] }
        options.algorithm = .exhaustive
        let windowed = try index.search(text, options: options)
        #expect(!windowed.hits.isEmpty)
        options.allowed = everything
        let whole = try index.search(text, options: options)
        #expect(windowed.hits.map(\.id) == whole.hits.map(\.id), "query \(q) '\(text)'")
        #expect(windowed.hits.map(\.score) == whole.hits.map(\.score), "query \(q) '\(text)': the same bits")
        #expect(windowed.counters.postingsScored == whole.counters.postingsScored)
        options.allowed = nil
        for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore] {
            options.algorithm = algorithm
            expectSameHits(try index.search(text, options: options), windowed, "query \(q) '\(text)' \(algorithm)")
        }
    }
}
