import Foundation

/// One token of analyzed text: the indexed term, its position (stop words leave holes, as in
/// Lucene, so phrases keep their gaps) and its UTF-8 byte range in the input.
public struct Token: Sendable, Equatable, CustomStringConvertible {
    public var term: String
    public var position: Int
    /// UTF-8 byte offsets into the analyzed text: `start..<end`.
    public var start: Int
    public var end: Int

    public init(term: String, position: Int, start: Int, end: Int) {
        self.term = term
        self.position = position
        self.start = start
        self.end = end
    }

    public var byteRange: Range<Int> { start..<end }
    public var description: String { "\(term)@\(position)[\(start)..<\(end)]" }
}

/// Turns text into terms: tokenize, lower-case, fold, drop stop words, stem; CJK runs into
/// bigrams. Built from an `AnalyzerConfig`.
///
/// Not thread-safe (it owns a libstemmer instance): make one analyzer per thread or per task.
public final class Analyzer {
    public let config: AnalyzerConfig
    private let tokenizer: Tokenizer
    private let stemmer: SnowballStemmer?
    private let stopwords: Set<String>
    private let longestStopword: Int
    /// Words already stemmed, and their stems (at most `stemCacheLimit`, then started afresh).
    private var stems: [String: String] = [:]
    /// Lower-cased bytes of the current word.
    private let scratch: UnsafeMutablePointer<UInt8>
    private let scratchCapacity: Int

    public init(_ config: AnalyzerConfig) throws(AnalyzerError) {
        self.config = config
        tokenizer = Tokenizer(keepNumbers: config.keepNumbers, maxTokenLength: config.maxTokenLength)
        stemmer = try config.stemmer.map { name throws(AnalyzerError) in try SnowballStemmer(language: name) }
        stopwords = Set(config.stopwords)
        longestStopword = config.stopwords.map(\.utf8.count).max() ?? 0
        scratchCapacity = config.maxTokenLength * 5 + 8
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    /// The tokens of `text`, in order.
    public func analyze(_ text: String) -> [Token] {
        var out: [Token] = []
        forEachToken(text) { term, position, start, end in
            out.append(Token(term: term, position: position, start: start, end: end))
        }
        return out
    }

    /// Just the terms of `text`, in order.
    public func terms(_ text: String) -> [String] { analyze(text).map(\.term) }

    /// Lower-cases and folds a word as the analyzer does, without stop words or stemming
    /// (for prefix queries, which match the start of indexed terms).
    public func normalize(_ word: String) -> String {
        var parts: [String] = []
        tokenizer.scan(word) { span in
            self.withNormalized(span.bytes) { parts.append(String(decoding: $0, as: UTF8.self)) }
        }
        return parts.joined()
    }

    /// Calls `body(term, position, startByte, endByte)` for each kept token: the allocation-light
    /// path used by indexing.
    public func forEachToken(_ text: String, _ body: (String, Int, Int, Int) -> Void) {
        var position = 0
        tokenizer.scan(text) { span in
            switch span.kind {
            case .cjk:
                let chars = span.characters
                if config.cjkBigrams && chars.count > 1 {
                    for k in 0..<(chars.count - 1) {
                        let r = chars[k].lowerBound..<chars[k + 1].upperBound
                        let term = String(decoding: span.bytes[(r.lowerBound - span.start)..<(r.upperBound - span.start)], as: UTF8.self)
                        body(term, position, r.lowerBound, r.upperBound)
                        position += 1
                    }
                } else {
                    for r in chars {
                        let term = String(decoding: span.bytes[(r.lowerBound - span.start)..<(r.upperBound - span.start)], as: UTF8.self)
                        body(term, position, r.lowerBound, r.upperBound)
                        position += 1
                    }
                }
            case .word:
                defer { position += 1 }
                withNormalized(span.bytes) { normalized in
                    let word = String(decoding: normalized, as: UTF8.self)
                    if normalized.count <= longestStopword && stopwords.contains(word) { return }
                    body(stemmer.map { stem(word, normalized, $0) } ?? word, position, span.start, span.end)
                }
            }
        }
    }

    /// The stem of `word` (whose bytes are `bytes`), remembered: text repeats its words, and a
    /// dictionary lookup costs a fraction of a Snowball run.
    private func stem(_ word: String, _ bytes: UnsafeBufferPointer<UInt8>, _ stemmer: SnowballStemmer) -> String {
        if let s = stems[word] { return s }
        let s = stemmer.stem(bytes)
        if stems.count >= Self.stemCacheLimit { stems.removeAll(keepingCapacity: true) }
        stems[word] = s
        return s
    }

    private static let stemCacheLimit = 1 << 15

    /// Calls `body` with the lower-cased (and folded) bytes of a word span.
    private func withNormalized(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var ascii = true
        for (i, c) in bytes.enumerated() {
            if c >= 0x80 { ascii = false; break }
            scratch[i] = c &- 65 < 26 ? c + 32 : c
        }
        if ascii { body(UnsafeBufferPointer(start: scratch, count: bytes.count)); return }
        var word = String(decoding: bytes, as: UTF8.self).lowercased()
        if config.asciiFolding { word = Analyzer.foldToASCII(word) }
        var utf8 = Array(word.utf8)
        utf8.withUnsafeMutableBufferPointer { body(UnsafeBufferPointer($0)) }
    }

    /// Letters with diacritics to their base letters, and the Latin ligatures and special
    /// letters Lucene's `ASCIIFoldingFilter` maps (ß → ss, æ → ae, ø → o, ł → l, …).
    static func foldToASCII(_ word: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.value < 0x80 { out.append(scalar); continue }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            if let special = specialFolds[scalar] { out.append(contentsOf: special.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    private static let specialFolds: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d",
        "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ı": "i", "ĸ": "q", "ŀ": "l",
        "ŉ": "n", "ŋ": "n", "ſ": "s", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl",
    ]
}
