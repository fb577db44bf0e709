import QuarryBase

/// What an analyzer does to text, as data: stored with each BM25 index so that queries are
/// analyzed exactly as the documents were.
///
/// The pipeline is Lucene's (`StandardTokenizer` → lower-case → optional ASCII folding →
/// stop words → Snowball stemming), with Lucene's `CJKAnalyzer` bigrams for Han, Hiragana,
/// Katakana and Hangul when `cjkBigrams` is on. Make one from a name with
/// `AnalyzerConfig.named(_:)`:
///
/// | name        | tokens                  | stop words          | stemming          |
/// |-------------|-------------------------|---------------------|-------------------|
/// | `english`   | letters and digits      | Lucene's 33 English | Snowball English  |
/// | `standard`  | letters and digits      | none                | none              |
/// | `simple`    | letters only            | none                | none              |
/// | `cjk`       | CJK bigrams + words     | Lucene's 33 English | none              |
/// | `french`, … | letters and digits      | none                | Snowball language |
public struct AnalyzerConfig: Sendable, Equatable, Hashable, Codable {
    /// The name it was made from (`english`, `cjk`, …) or a custom name.
    public var name: String
    /// A libstemmer algorithm (`english`, `french`, `porter`, …), or nil for no stemming.
    public var stemmer: String?
    /// Words removed after lower-casing (and folding); their positions stay as holes, as in Lucene.
    public var stopwords: [String]
    /// Folds accented Latin letters to ASCII (`crème` → `creme`), like Lucene's `ASCIIFoldingFilter`.
    public var asciiFolding: Bool
    /// Runs of CJK characters become overlapping bigrams (a lone character stays a unigram);
    /// off, each CJK character is its own token (as `StandardTokenizer` does for Han).
    public var cjkBigrams: Bool
    /// Keep tokens made of digits (`2010`, `3.5`); off, only letters make tokens (Lucene `SimpleAnalyzer`).
    public var keepNumbers: Bool
    /// Longer tokens are split at this many Unicode scalars (Lucene's `maxTokenLength`, 255).
    public var maxTokenLength: Int

    public init(name: String, stemmer: String? = nil, stopwords: [String] = [], asciiFolding: Bool = false,
                cjkBigrams: Bool = false, keepNumbers: Bool = true, maxTokenLength: Int = 255) {
        self.name = name
        self.stemmer = stemmer
        self.stopwords = stopwords
        self.asciiFolding = asciiFolding
        self.cjkBigrams = cjkBigrams
        self.keepNumbers = keepNumbers
        self.maxTokenLength = max(1, maxTokenLength)
    }

    /// Lucene's English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`), 33 words.
    public static let luceneEnglishStopwords: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "will", "with",
    ]

    /// The default analyzer of a BM25 index.
    public static let english = AnalyzerConfig(name: "english", stemmer: "english", stopwords: luceneEnglishStopwords)
    public static let standard = AnalyzerConfig(name: "standard")
    public static let simple = AnalyzerConfig(name: "simple", keepNumbers: false)
    public static let cjk = AnalyzerConfig(name: "cjk", stopwords: luceneEnglishStopwords, cjkBigrams: true)

    /// Every name `named(_:)` accepts: the fixed analyzers, then one per Snowball language.
    public static var names: [String] {
        var out = ["english", "standard", "simple", "cjk"]
        for language in SnowballStemmer.languages where !out.contains(language) { out.append(language) }
        return out
    }

    /// The analyzer called `name` (case-insensitive); unknown names throw with the valid names
    /// and the closest one.
    public static func named(_ name: String) throws(AnalyzerError) -> AnalyzerConfig {
        let key = name.lowercased()
        switch key {
        case "english": return .english
        case "standard": return .standard
        case "simple": return .simple
        case "cjk": return .cjk
        default:
            if SnowballStemmer.languages.contains(key) { return AnalyzerConfig(name: key, stemmer: key) }
            let valid = names
            throw .unknownAnalyzer(name: name, valid: valid, suggestion: Suggest.nearest(to: key, in: valid))
        }
    }
}

/// Errors of making an analyzer.
public enum AnalyzerError: Error, Equatable, CustomStringConvertible {
    case unknownAnalyzer(name: String, valid: [String], suggestion: String?)
    case unknownStemmer(language: String, valid: [String], suggestion: String?)

    public var description: String {
        switch self {
        case let .unknownAnalyzer(name, valid, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "unknown analyzer '\(name)'\(hint); valid analyzers: \(valid.joined(separator: ", "))"
        case let .unknownStemmer(language, valid, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "no Snowball stemmer for '\(language)'\(hint); languages: \(valid.joined(separator: ", "))"
        }
    }
}
