import Testing
@testable import QuarryEmbed

/// The tokenizer's rules on a small hand-made vocabulary (no model needed).
@Suite struct TokenizerTests {
    static let vocabulary: [String] = {
        var v = (0..<110).map { "[unused\($0)]" }
        v[0] = "[PAD]"; v[100] = "[UNK]"; v[101] = "[CLS]"; v[102] = "[SEP]"; v[103] = "[MASK]"
        v += ["un", "##aff", "##able", "the", "cafe", ",", "!", "$", "hello", "world", "σ", "ς", "中", "文",
              "zero", "##width", "i", "a", "##b", "€", "snake", "##case", "e", "x", "[", "]"]
        return v
    }()

    let tok: WordPieceTokenizer
    init() throws { tok = try WordPieceTokenizer(tokens: Self.vocabulary, maxLength: 8) }

    func pieces(_ text: String) -> [String] { tok.tokens(Array(tok.encode(text).dropFirst().dropLast())) }

    @Test func greedyLongestMatchWithContinuations() {
        #expect(pieces("unaffable") == ["un", "##aff", "##able"])
        #expect(pieces("UnAffable") == ["un", "##aff", "##able"])
    }

    @Test func aWordWithAnUnknownPartIsOneUnknown() {
        #expect(pieces("unaffablex") == ["[UNK]"])
        #expect(pieces("snake🐍case") == ["[UNK]"])
    }

    @Test func wordsOverOneHundredScalarsAreUnknown() {
        let long = String(repeating: "ab", count: 50)  // 100 scalars: "a" then "##b" … fails on "##a"
        #expect(pieces(long) == ["[UNK]"])
        #expect(pieces(String(repeating: "x", count: 101)) == ["[UNK]"])
    }

    @Test func punctuationSplitsButSymbolsStayGlued() {
        #expect(pieces("hello,world!") == ["hello", ",", "world", "!"])
        #expect(pieces("$hello") == ["$", "hello"])
        #expect(pieces("€") == ["€"])
        #expect(pieces("hello€") == ["[UNK]"])
    }

    @Test func accentsAreStrippedAfterDecompositionAndCaseIsFolded() {
        #expect(pieces("CAFÉ") == ["cafe"])
        #expect(pieces("cafe\u{301}") == ["cafe"])
        #expect(pieces("İ") == ["i"])
        #expect(pieces("Σ ς") == ["σ", "ς"])  // no final-sigma rule: each scalar maps alone
    }

    @Test func controlAndFormatCharactersVanishWhitespaceSplits() {
        #expect(pieces("zero\u{200B}width") == ["zero", "##width"])
        #expect(pieces("the\tcafe\nthe\r\u{00A0}cafe") == ["the", "cafe", "the", "cafe"])
        #expect(pieces("the\u{0}cafe\u{FFFD}") == ["[UNK]"])  // "thecafe" has no pieces
    }

    @Test func chineseIdeographsAreWordsOfTheirOwn() {
        #expect(pieces("中文the") == ["中", "文", "the"])
    }

    @Test func literalSpecialTokensAreCaseSensitive() {
        #expect(tok.encode("the [MASK] cafe") == [101, 113, 103, 114, 102])
        #expect(pieces("[mask]") == ["[", "[UNK]", "]"])
        #expect(tok.encode("[CLS][SEP]") == [101, 101, 102, 102])
    }

    @Test func truncationKeepsTheFirstPiecesAndWrapsThem() {
        let ids = tok.encode("the the the the the the the the the")
        #expect(ids.count == 8)
        #expect(ids.first == 101 && ids.last == 102)
        #expect(tok.encode("") == [101, 102])
        #expect(tok.encode(" \t\n") == [101, 102])
    }

    @Test func aVocabularyWithoutTheSpecialTokensIsRefused() {
        #expect(throws: EmbedError.badVocabulary(reason: "[PAD] is not token 0")) {
            _ = try WordPieceTokenizer(tokens: ["hello"])
        }
    }
}
