import Foundation
import QuarryBase
import QuarryText
import Testing
@testable import QuarryLexical

func smallIndex(_ analyzer: AnalyzerConfig = .english) throws -> LexicalIndex {
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: analyzer)
    try index.add([
        (0, ["Vitamin D", "Vitamin D deficiency raises the fracture risk"]),
        (1, [nil, "Risk of fracture with vitamin supplements"]),
        (2, ["D vitamin", "Unrelated words about bones"]),
        (3, ["Microbiology", "microRNA and microbes in cancer"]),
    ])
    return index
}

func ids(_ index: LexicalIndex, _ text: String, _ options: LexicalSearchOptions = .init()) throws -> [UInt32] {
    var results: [[UInt32]] = []
    for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore, .exhaustive] {
        var o = options
        o.algorithm = algorithm
        results.append(try index.search(text, options: o).hits.map(\.id))
    }
    #expect(results[0] == results[1] && results[1] == results[2], "algorithms disagree on \(text)")
    return results[0]
}

@Test func matchSyntaxSemantics() throws {
    let index = try smallIndex()
    #expect(Set(try ids(index, "fracture")) == [0, 1])
    #expect(try ids(index, "\"vitamin d\"") == [0])
    #expect(Set(try ids(index, "\"d vitamin\"")) == [2])
    #expect(try ids(index, "+fracture -supplements") == [0])
    #expect(try ids(index, "vitamin -fracture") == [2])
    #expect(Set(try ids(index, "micro*")) == [3])
    #expect(Set(try ids(index, "vitam* bones")) == [0, 1, 2])
    #expect(try ids(index, "-vitamin").isEmpty)
    #expect(try ids(index, "+nothere vitamin").isEmpty)
    #expect(try ids(index, "+zzz* vitamin").isEmpty)
    #expect(try ids(index, "the of").isEmpty)
    // Field restriction: "microbiology" is only in a title.
    #expect(try ids(index, "microbiology", .init(fields: [FieldBoost("text")])).isEmpty)
    #expect(try ids(index, "microbiology", .init(fields: [FieldBoost("title")])) == [3])
    // Filter pushdown.
    #expect(try ids(index, "vitamin", .init(allowed: Bitmap([1, 3]))) == [1])
}

@Test func parseErrors() throws {
    let cases: [(String, String)] = [
        ("a \"open phrase", "column 15: expected '\"' to close the phrase opened at column 3"),
        ("a + b", "column 4: expected a word or a quoted phrase after '+'"),
        ("x -", "column 4: expected a word or a quoted phrase after '-'"),
        ("mi*cro", "column 4: expected a space after '*' (a prefix ends with '*')"),
        ("a *", "column 3: expected letters before '*'"),
        ("\"  \"", "column 1: expected words inside the quotes"),
    ]
    for (text, message) in cases {
        do {
            _ = try MatchQuery.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.description == message)
        }
    }
    #expect(try MatchQuery.parse(" +a  -\"b c\" d* e ").description == "+a -\"b c\" d* e")
    #expect(MatchQuery.words("a \"b -c*").clauses == [.init(.should, .word("a")), .init(.should, .word("\"b")), .init(.should, .word("-c*"))])
}

@Test func errorMessages() throws {
    let index = try smallIndex()
    let table: [(() throws -> Void, String)] = [
        ({ _ = try index.search("x", options: .init(fields: [FieldBoost("txt")])) },
         "unknown text field 'txt' (did you mean 'text'?); indexed fields: title, text"),
        ({ _ = try FieldBoost.parseList("title^x,text") },
         "bad field list 'title^x,text': expected fields separated by commas, each with an optional ^boost (e.g. title^2,text)"),
        ({ _ = try index.search("x", options: .init(parameters: .init(k1: 0.9, b: 1.5))) },
         "b = 1.5 is out of range: expected 0 ≤ b ≤ 1"),
        ({ _ = try index.search("a \"b") }, "MATCH query: column 5: expected '\"' to close the phrase opened at column 3"),
        // A sign after a sign is the error a lone sign is (it once matched nothing, silently).
        ({ _ = try index.search("++") }, "MATCH query: column 2: expected a word or a quoted phrase after '+'"),
        ({ _ = try index.search("+") }, "MATCH query: column 2: expected a word or a quoted phrase after '+'"),
        ({ _ = try index.search("a -+b") }, "MATCH query: column 4: expected a word or a quoted phrase after '-'"),
        ({ var i = index; try i.add([(2, ["x", "y"])]) }, "record 2 is already indexed; delete it first to re-index it"),
        ({ var i = index; try i.add([(9, ["x"])]) }, "record 9 has 1 text fields; the index has 2"),
        ({ _ = try LexicalIndex(serialized: [1, 2, 3, 4, 0, 0, 0, 0]) }, "not a QLEX snapshot (magic \"\\u{01}\\u{02}\\u{03}\\u{04}\")"),
        ({ _ = try LexicalIndex(serialized: Array(index.serialized().prefix(40))) }, "lexical index is truncated at byte 39"),
    ]
    for (body, message) in table {
        do {
            try body()
            Issue.record("no error, expected: \(message)")
        } catch let error as LexicalError {
            #expect(error.description == message)
        }
    }
    #expect(try FieldBoost.parseList("title^2, text") == [FieldBoost("title", boost: 2), FieldBoost("text")])
}

@Test(arguments: [MultiFieldRule.bm25f, .sumOfFields])
func explanationsAddUp(rule: MultiFieldRule) throws {
    let index = try smallIndex()
    let options = LexicalSearchOptions(k: 10, parameters: .init(k1: 1.2, b: 0.75),
                                       fields: [FieldBoost("title", boost: 2), FieldBoost("text")], rule: rule)
    let query = try MatchQuery.parse("vitamin d fracture risk")
    let result = try index.search(query, options: options)
    #expect(result.hits.count == 3)
    for hit in result.hits {
        let e = try #require(try index.explain(query, ordinal: hit.id, options: options))
        #expect(abs(e.score - hit.score) <= 1e-5 * hit.score)
        #expect(abs(e.terms.reduce(0) { $0 + $1.contribution } - e.score) <= 1e-5 * e.score)
        for t in e.terms {
            #expect(abs(t.fields.reduce(0) { $0 + $1.contribution } - t.contribution) <= 1e-5 * t.contribution)
        }
        #expect(e.k1 == 1.2 && e.b == 0.75)
    }
    #expect(try index.explain(query, ordinal: 3, options: options) == nil)
}

@Test func explanationValuesByHand() throws {
    // One field, so bm25f and sumOfFields agree and the numbers can be checked by hand.
    var index = try LexicalIndex(fields: ["text"], analyzer: .standard)
    try index.add([(0, ["apple banana apple"]), (1, ["banana"]), (2, ["cherry"])])
    let e = try #require(try index.explain(MatchQuery.parse("apple"), ordinal: 0))
    let idf = Float(Foundation.log(1.0 + 2.5 / 1.5))
    let avgdl: Float = 5.0 / 3
    let norm: Float = 0.9 * (0.6 + 0.4 * 3 / avgdl)
    let expected: Float = idf * 2 * 1.9 / (2 + norm)
    #expect(abs(e.score - expected) < 1e-6)
    #expect(e.terms.count == 1 && e.terms[0].df == 1 && abs(e.terms[0].idf - idf) < 1e-7)
    let f = e.terms[0].fields[0]
    #expect(f.tf == 2 && f.dl == 3 && abs(f.avgdl - avgdl) < 1e-6 && f.boost == 1)
    #expect(e.documentCount == 3)
    let hit = try index.search("apple").hits
    #expect(hit.count == 1 && abs(hit[0].score - expected) < 1e-6)
}

@Test func segmentsDeletesMergeAndSnapshots() throws {
    var index = try smallIndex()
    try index.add([(4, [nil, "fracture healing in vitamin rich diets"])])
    #expect(index.segmentCount == 2)
    #expect(Set(try ids(index, "fracture")) == [0, 1, 4])
    let first = index.delete(1)
    let second = index.delete(1)
    #expect(first && !second)
    #expect(Set(try ids(index, "fracture")) == [0, 4])
    #expect(index.documentCount == 5 && index.liveDocumentCount == 4)
    // Re-index a deleted record into a new segment.
    try index.add([(1, [nil, "fracture again"])])
    #expect(Set(try ids(index, "fracture")) == [0, 1, 4])

    // Snapshot round trip keeps answers and scores bit for bit.
    let bytes = index.serialized()
    #expect(Array(bytes.prefix(4)) == Array("QLEX".utf8))
    let loaded = try LexicalIndex(serialized: bytes)
    #expect(loaded.fields == index.fields && loaded.analyzer == index.analyzer && loaded.segmentCount == 3)
    #expect(try loaded.search("fracture vitamin").hits == index.search("fracture vitamin").hits)
    #expect(loaded.serialized() == bytes)

    // Merge: one segment, no tombstones, same hits (scores move with the statistics).
    var merged = index
    merged.merge()
    #expect(merged.segmentCount == 1 && merged.documentCount == 5 && merged.liveDocumentCount == 5)
    #expect(Set(try merged.search("fracture").hits.map(\.id)) == [0, 1, 4])
    #expect(try merged.search("\"fracture again\"").hits.map(\.id) == [1])
    // A merged index equals one built from scratch with the same live records.
    var fresh = try LexicalIndex(fields: ["title", "text"], analyzer: .english)
    try fresh.add([
        (0, ["Vitamin D", "Vitamin D deficiency raises the fracture risk"]),
        (1, [nil, "fracture again"]),
        (2, ["D vitamin", "Unrelated words about bones"]),
        (3, ["Microbiology", "microRNA and microbes in cancer"]),
        (4, [nil, "fracture healing in vitamin rich diets"]),
    ])
    #expect(merged.serialized() == fresh.serialized())
}

@Test func statistics() throws {
    let index = try smallIndex()
    #expect(try index.documentFrequency(of: "vitamin") == 3)
    #expect(try index.documentFrequency(of: "vitamin", field: "title") == 2)
    #expect(try index.documentFrequency(of: "nothing") == 0)
    let title = try index.statistics(field: "title")
    #expect(title.documentCount == 3 && title.totalLength == 5)
    #expect(index.termCount > 10 && index.memoryBytes > 0)
    #expect(index.analyze("The Vitamins").map(\.term) == ["vitamin"])
    let r = try index.search("vitamin")
    #expect(r.terms == ["vitamin"] && r.counters.segments == 1 && r.counters.documentsEvaluated == 3)
    #expect(r.algorithm == .exhaustive)  // auto on a tiny index
}

/// `MatchQuery.words` splits ASCII text on bytes like `Character.isWhitespace` does, and a run of
/// optional words analysed as one text gives the terms of the words analysed one by one, in order
/// (bind relies on both to analyse a query set's text once).
@Test func wordRunsAnalyseLikeSingleWords() throws {
    let analyzer = try Analyzer(.english)
    var rng = SystemRandomNumberGenerator()
    let pieces = ["Vitamin", "D", "don't", "U.S.A.", "covid-19", "東京大学", "の", "研究", "naïve", "3.14", "the", "",
                  " ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "  ", "x_y", "Ünïcode", "\u{00A0}", "co-operate", "'quoted'"]
    for _ in 0..<500 {
        let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
            .joined(separator: Bool.random(using: &rng) ? " " : "")
        let query = MatchQuery.words(text)
        let expected = text.split(whereSeparator: \.isWhitespace).map { MatchQuery.Clause(.should, .word(String($0))) }
        #expect(query.clauses == expected, "words of \(text.debugDescription)")
        let one = LexicalIndex.coalescingWords(query.clauses)
        #expect(one.count <= 1)
        let together = one.flatMap { c -> [String] in
            guard case let .word(w) = c.kind else { return [] }
            return analyzer.terms(w)
        }
        let apart = query.clauses.flatMap { c -> [String] in
            guard case let .word(w) = c.kind else { return [] }
            return analyzer.terms(w)
        }
        #expect(together == apart, "terms of \(text.debugDescription)")
        let plain = MatchQuery.plain(text).clauses.flatMap { c -> [String] in
            guard case let .word(w) = c.kind else { return [] }
            return analyzer.terms(w)
        }
        #expect(plain == apart, "terms of plain \(text.debugDescription)")
    }
    let mixed = try MatchQuery.parse("a b +c d \"e f\" g -h i j")
    #expect(LexicalIndex.coalescingWords(mixed.clauses).map { MatchQuery(clauses: [$0]).description } == ["a b", "+c", "d", "\"e f\"", "g", "-h", "i j"])
}
