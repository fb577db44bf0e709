import Foundation

/// The text side of BERT uncased, scalar by scalar: the `BertNormalizer` and
/// `BertPreTokenizer` of Hugging Face `tokenizers` (the ones sentence-transformers runs for
/// all-MiniLM-L6-v2), after Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional
/// Transformers for Language Understanding", §A.2 / the original `tokenization.py`.
///
/// Everything works on Unicode scalars, never on grapheme clusters: "e\u{301}" is two scalars
/// (the accent is then stripped), a flag is two regional indicators.
enum BertText {
    // MARK: - Character classes

    /// Control or format characters that the normalizer drops: categories Cc, Cf, Co and Cs,
    /// except tab, LF and CR (which are whitespace).
    @inline(__always)
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 0x09 || v == 0x0A || v == 0x0D { return false }
        if v < 0x20 || v == 0x7F { return true }
        if v < 0x80 { return false }
        switch s.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Unicode White_Space (plus tab, LF, CR), as Rust's `char::is_whitespace`.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// CJK ideographs that the normalizer surrounds with spaces (the exact ranges of
    /// `tokenizers`' bert normalizer; note 0x2B920, not 0x2B820 as in the Python slow tokenizer).
    @inline(__always)
    static func isChineseChar(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
            || (0x2B740...0x2B81F).contains(v) || (0x2B920...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// ASCII punctuation (including `$+<=>^`|~`) or a Unicode P* category. Symbols such as €, ©
    /// and emoji are not punctuation and stay glued to their word.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        if v < 0x80 { return false }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    // MARK: - Normalizer

    /// BertNormalizer with clean_text, handle_chinese_chars, strip_accents and lowercase, in
    /// that order: (1) drop U+0000, U+FFFD and control/format characters, map whitespace to a
    /// space; (2) spaces around CJK ideographs; (3) NFD and drop nonspacing marks (Mn);
    /// (4) lowercase each scalar with its full, context-free mapping (no final-sigma rule).
    static func normalize(_ text: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.underestimatedCount + 8)
        var allASCII = true
        for s in text {
            let v = s.value
            if v == 0 || v == 0xFFFD || isControl(s) { continue }
            if isWhitespace(s) {
                cleaned.append(" ")
            } else if v >= 0x80 && isChineseChar(v) {
                allASCII = false
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                if v >= 0x80 { allASCII = false }
                cleaned.append(s)
            }
        }
        if allASCII {
            for i in cleaned.indices where (0x41...0x5A).contains(cleaned[i].value) {
                cleaned[i] = Unicode.Scalar(cleaned[i].value + 0x20)!
            }
            return cleaned
        }
        var s = String()
        s.unicodeScalars.append(contentsOf: cleaned)
        let decomposed = s.decomposedStringWithCanonicalMapping
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(cleaned.count)
        for c in decomposed.unicodeScalars {
            if c.value < 0x80 {
                out.append((0x41...0x5A).contains(c.value) ? Unicode.Scalar(c.value + 0x20)! : c)
                continue
            }
            let p = c.properties
            if p.generalCategory == .nonspacingMark { continue }
            if p.changesWhenLowercased {
                out.append(contentsOf: p.lowercaseMapping.unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: - Pre-tokenizer

    /// BertPreTokenizer: split on whitespace (dropped) and around each punctuation scalar (kept
    /// as a word of its own). Returns the words as ranges of `scalars`.
    static func preTokenize(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var start = -1
        for (i, s) in scalars.enumerated() {
            if isWhitespace(s) {
                if start >= 0 { words.append(start..<i); start = -1 }
            } else if isPunctuation(s) {
                if start >= 0 { words.append(start..<i); start = -1 }
                words.append(i..<(i + 1))
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { words.append(start..<scalars.count) }
        return words
    }
}
