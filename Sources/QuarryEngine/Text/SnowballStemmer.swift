import CStemmer
import QuarryBase

/// A Snowball stemmer (Porter, "Snowball: A language for stemming algorithms", 2001) through
/// libstemmer, wrapped once: nothing else in Quarry imports `CStemmer`.
///
/// An `sb_stemmer` keeps its working buffer inside, so an instance is not thread-safe: each
/// `Analyzer` owns one, and an analyzer is used by one thread at a time.
final class SnowballStemmer {
    private let raw: OpaquePointer

    /// The algorithms this libstemmer provides (`english`, `porter`, `french`, …), sorted.
    static let languages: [String] = {
        var out: [String] = []
        guard var list = sb_stemmer_list() else { return out }
        while let name = list.pointee {
            out.append(String(cString: name))
            list += 1
        }
        return out.sorted()
    }()

    init(language: String) throws(AnalyzerError) {
        guard let s = sb_stemmer_new(language, "UTF_8") else {
            let valid = SnowballStemmer.languages
            throw .unknownStemmer(language: language, valid: valid, suggestion: Suggest.nearest(to: language, in: valid))
        }
        raw = s
    }

    deinit { sb_stemmer_delete(raw) }

    /// The stem of a lower-cased UTF-8 word.
    func stem(_ word: UnsafeBufferPointer<UInt8>) -> String {
        guard let out = sb_stemmer_stem(raw, word.baseAddress, Int32(word.count)) else {
            return String(decoding: word, as: UTF8.self)
        }
        let n = Int(sb_stemmer_length(raw))
        return String(decoding: UnsafeBufferPointer(start: out, count: n), as: UTF8.self)
    }
}
