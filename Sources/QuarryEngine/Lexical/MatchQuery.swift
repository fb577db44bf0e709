import QuarryBase

/// The text of a MATCH, as people write it in search boxes:
///
/// - `word` — scored by BM25; any word may match;
/// - `"quoted phrase"` — the words at consecutive positions of one field;
/// - `+word`, `+"phrase"` — required; `-word`, `-"phrase"` — excluded;
/// - `prefix*` — any indexed term starting with the (lower-cased, unstemmed) prefix.
///
/// Matching follows Lucene's boolean rules: every required clause must match, no excluded
/// clause may match, and when nothing is required at least one of the other clauses must match.
///
/// The score is Σ over the query's terms of weight × the term's BM25 contribution to the
/// document (phrases score through their words, prefixes through their expansions; excluded
/// clauses do not score). A term's weight is its query-term frequency (qtf): each scored
/// occurrence adds its clause's weight (1 for what people type), as Lucene's
/// `BooleanQuery.rewrite` sums the boosts of duplicate clauses and Anserini's
/// `BagOfWordsQueryGenerator` boosts a term by its count. `QueryTermFrequency.distinct` weighs
/// each distinct term of the text once instead (tantivy's behaviour).
public struct MatchQuery: Sendable, Equatable, CustomStringConvertible {
    public enum Occur: Sendable, Equatable { case should, must, mustNot }

    public enum Kind: Sendable, Equatable {
        case word(String)
        case phrase(String)
        case prefix(String)
        /// A term as the index stores it (already analysed, not analysed again): what query
        /// expansion (RM3) adds. Not written by people; `description` shows it as `[term]`.
        case term(String)
    }

    public struct Clause: Sendable, Equatable {
        public var occur: Occur
        public var kind: Kind
        /// Multiplies the BM25 contribution of every term of the clause (Lucene's boost).
        public var weight: Float
        public init(_ occur: Occur, _ kind: Kind, weight: Float = 1) {
            self.occur = occur
            self.kind = kind
            self.weight = weight
        }
    }

    public var clauses: [Clause]

    public init(clauses: [Clause]) { self.clauses = clauses }

    /// Query text written back in the syntax it was parsed from.
    public var description: String {
        clauses.map { c -> String in
            let sign = c.occur == .must ? "+" : c.occur == .mustNot ? "-" : ""
            let weight = c.weight == 1 ? "" : "^" + JSONValue.format(Double(c.weight))
            switch c.kind {
            case let .word(w): return sign + w + weight
            case let .phrase(p): return sign + "\"" + p + "\"" + weight
            case let .prefix(p): return sign + p + "*" + weight
            case let .term(t): return sign + "[" + t + "]" + weight
            }
        }.joined(separator: " ")
    }

    /// Every whitespace-separated word of `text` as an optional word, with no operators: for
    /// natural-language query sets (`quarry eval`), whose quotes and dashes are not syntax.
    public static func words(_ text: String) -> MatchQuery {
        // ASCII text (most query sets) splits on its six whitespace bytes; `Character.isWhitespace`
        // looks up Unicode properties per character, a tenth of a short query's time.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            let parts = text.utf8.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) })
            return MatchQuery(clauses: parts.map { Clause(.should, .word(String(Substring($0)))) })
        }
        return MatchQuery(clauses: text.split(whereSeparator: \.isWhitespace).map { Clause(.should, .word(String($0))) })
    }

    /// `words(text)` as bind sees it: one clause of the whole text when it is ASCII (a run of
    /// optional words is analysed as one text, and ASCII whitespace separates tokens as it
    /// separates words), so a query set's text is not split only to be joined again.
    public static func plain(_ text: String) -> MatchQuery {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return words(text) }
        return MatchQuery(clauses: text.utf8.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) ? [] : [Clause(.should, .word(text))])
    }

    /// Parses MATCH text; errors name the 1-based column (in characters) and what was expected.
    public static func parse(_ text: String) throws(MatchParseError) -> MatchQuery {
        let chars = Array(text)
        var i = 0
        var clauses: [Clause] = []
        while i < chars.count {
            if chars[i].isWhitespace { i += 1; continue }
            var occur = Occur.should
            let signColumn = i + 1
            if chars[i] == "+" || chars[i] == "-" {
                occur = chars[i] == "+" ? .must : .mustNot
                i += 1
                // A sign needs a word or a phrase after it; another sign (`++`, `+-`) is an error
                // as a lone sign is, not a word that analyses to nothing.
                guard i < chars.count, !chars[i].isWhitespace, chars[i] != "+", chars[i] != "-" else {
                    throw MatchParseError(column: i + 1, message: "expected a word or a quoted phrase after '\(chars[signColumn - 1])'")
                }
            }
            if chars[i] == "\"" {
                let open = i
                i += 1
                var phrase = ""
                while i < chars.count, chars[i] != "\"" { phrase.append(chars[i]); i += 1 }
                guard i < chars.count else {
                    throw MatchParseError(column: chars.count + 1, message: "expected '\"' to close the phrase opened at column \(open + 1)")
                }
                i += 1
                guard !phrase.allSatisfy(\.isWhitespace) else {
                    throw MatchParseError(column: open + 1, message: "expected words inside the quotes")
                }
                clauses.append(Clause(occur, .phrase(phrase)))
                continue
            }
            let start = i
            var word = ""
            while i < chars.count, !chars[i].isWhitespace, chars[i] != "\"" { word.append(chars[i]); i += 1 }
            if let star = word.firstIndex(of: "*") {
                let column = start + word.distance(from: word.startIndex, to: star) + 1
                guard star == word.index(before: word.endIndex) else {
                    throw MatchParseError(column: column + 1, message: "expected a space after '*' (a prefix ends with '*')")
                }
                guard star != word.startIndex else {
                    throw MatchParseError(column: column, message: "expected letters before '*'")
                }
                clauses.append(Clause(occur, .prefix(String(word.dropLast()))))
            } else {
                clauses.append(Clause(occur, .word(word)))
            }
        }
        return MatchQuery(clauses: clauses)
    }
}

/// How repeated terms of the query text weigh (`SET bm25_query_tf`).
public enum QueryTermFrequency: String, Sendable, CaseIterable {
    /// A term weighs its count in the analysed query (Lucene, Anserini, bm25s): the default.
    case count
    /// Every distinct term weighs 1, however often the text repeats it (tantivy; Quarry before
    /// it counted). Weights given by query expansion still add.
    case distinct
}

/// A MATCH text that does not parse: where (1-based column) and what was expected.
public struct MatchParseError: Error, Equatable, CustomStringConvertible {
    public let column: Int
    public let message: String
    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }
    public var description: String { "column \(column): \(message)" }
}
