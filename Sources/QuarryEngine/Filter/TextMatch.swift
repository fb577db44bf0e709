import QuarryBase

/// `TEXT_MATCH(field, 'words')` and `PHRASE_MATCH(field, 'words', slop)`: Milvus's keyword and
/// phrase match, as filter conditions (no scoring).
///
/// - TEXT_MATCH is true for a record whose field holds **any** of the analysed terms of the
///   words (the analyzer of the collection's BM25 index: the same tokens, stop words and stems).
/// - PHRASE_MATCH is true when the field holds **all** the terms in the words' order, at
///   positions whose gaps differ from the words' own by at most `slop` in total (0: the exact
///   phrase, stop words keeping their places). `phrase_match(text, 'vitamin bone', 1)` matches
///   "vitamin d bone" but not "bone vitamin".
///
/// Both need a BM25 index over the field (`quarry index --text FIELD`): the indexed executor
/// answers from its postings and positions, the scan oracle by analysing the record's text with
/// the index's analyzer. The workbench binds both (`binding`) before a filter runs; an unbound
/// condition matches nothing.
public struct TextMatch: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var text: String
    /// nil: TEXT_MATCH; a number: PHRASE_MATCH with that slop.
    public var slop: Int?
    public var binding: TextMatchBinding?

    public init(field: String, text: String, slop: Int? = nil) {
        self.field = field
        self.text = text
        self.slop = slop
    }

    public static func == (a: TextMatch, b: TextMatch) -> Bool { a.field == b.field && a.text == b.text && a.slop == b.slop }

    public var description: String {
        let quoted = FilterExpr.literalText(.string(text))
        if let slop { return "phrase_match(\(field), \(quoted), \(slop))" }
        return "text_match(\(field), \(quoted))"
    }

    /// The most a slop may be.
    public static let slopRange = 0...1_000

    /// True when `record`'s field holds the words (the oracle's reading: the text analysed).
    func matches(_ record: JSONValue) -> Bool {
        guard let binding, case let .string(fieldText)? = FilterPath(field).resolve(in: record) else { return false }
        let query = binding.analyze(text)
        guard !query.isEmpty else { return false }
        let document = binding.analyze(fieldText)
        guard let slop else {
            let terms = Set(query.map(\.term))
            return document.contains { terms.contains($0.term) }
        }
        var positions: [String: [UInt32]] = [:]
        for t in document { positions[t.term, default: []].append(UInt32(t.position)) }
        return SloppyPhrase.matches(query: query, positions: { positions[$0] ?? [] }, slop: slop)
    }
}

/// What a text match is answered with: the records the BM25 index's postings give, and the
/// index's analyzer for the scan oracle.
public final class TextMatchBinding: @unchecked Sendable {
    public let matches: Bitmap
    public let analyze: (String) -> [(term: String, position: Int)]
    /// `BM25 index postings of 'text'`, for plans.
    public let source: String

    public init(matches: Bitmap, source: String, analyze: @escaping (String) -> [(term: String, position: Int)]) {
        self.matches = matches
        self.source = source
        self.analyze = analyze
    }
}
