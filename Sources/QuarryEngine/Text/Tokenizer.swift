/// Splits UTF-8 text into word spans, in the spirit of Lucene's `StandardTokenizer` (Unicode
/// UAX #29 word boundaries), simplified to the cases that matter for search:
///
/// - a token is a run of letters and digits (with combining marks);
/// - an apostrophe between letters stays inside (`don't`, `o’neil` → `o'neil`);
/// - a dot or comma between digits stays inside (`3.14`, `1,000`);
/// - an underscore between letters or digits stays inside (`snake_case`);
/// - dotted single-letter abbreviations lose their dots (`U.S.A.` → `USA`, `e.g.` → `eg`),
///   as Lucene's `ClassicFilter` does;
/// - a run of Han, Hiragana, Katakana or Hangul is a separate CJK span, cut into bigrams or
///   unigrams by the analyzer;
/// - full-width ASCII letters and digits read as ASCII (Lucene's `CJKWidthFilter`);
/// - a token longer than `maxTokenLength` scalars is split, as Lucene does.
///
/// Offsets are UTF-8 byte offsets into the input, so a UI can highlight matches.
struct Tokenizer {
    enum Kind { case word, cjk }

    struct Span {
        var kind: Kind
        /// The token's bytes with abbreviation dots removed and `’` written as `'` (valid
        /// only during the callback).
        var bytes: UnsafeBufferPointer<UInt8>
        var start: Int
        var end: Int
        /// For CJK spans: the byte ranges of each character.
        var characters: [Range<Int>]
    }

    enum CharClass: Equatable { case letter, digit, mark, cjk, apostrophe, dot, comma, underscore, other }

    let keepNumbers: Bool
    let maxTokenLength: Int

    /// Decodes the scalar at `i` (the bytes are valid UTF-8): its value and byte length.
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3) }
        return ((b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
    }

    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0xF900...0xFAFF,  // Han
             0x3040...0x309F,  // Hiragana
             0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F,  // Katakana (and half-width)
             0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F:  // Hangul
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func classify(_ v: UInt32) -> CharClass {
        if v < 0x80 {
            switch UInt8(v) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
            case UInt8(ascii: "'"): return .apostrophe
            case UInt8(ascii: "."): return .dot
            case UInt8(ascii: ","): return .comma
            case UInt8(ascii: "_"): return .underscore
            default: return .other
            }
        }
        if v == 0x2019 || v == 0x02BC { return .apostrophe }
        if isCJK(v) { return .cjk }
        if (0xFF10...0xFF19).contains(v) { return .digit }
        if (0xFF21...0xFF3A).contains(v) || (0xFF41...0xFF5A).contains(v) { return .letter }
        guard let scalar = Unicode.Scalar(v) else { return .other }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber: return .digit
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        default: return .other
        }
    }

    /// Appends the scalar's bytes at `out[count...]`, writing full-width ASCII as ASCII.
    @inline(__always)
    static func append(_ v: UInt32, from b: UnsafeBufferPointer<UInt8>, at i: Int, length: Int,
                       to out: UnsafeMutablePointer<UInt8>, count: inout Int) {
        if v >= 0xFF01 && v <= 0xFF5E {
            out[count] = UInt8(v - 0xFF01 + 0x21)
            count += 1
        } else {
            for k in 0..<length { out[count + k] = b[i + k] }
            count += length
        }
    }

    /// Calls `body` for each span, in order.
    func scan(_ text: String, _ body: (Span) -> Void) {
        var text = text
        text.withUTF8 { scan(bytes: $0, body) }
    }

    func scan(bytes b: UnsafeBufferPointer<UInt8>, _ body: (Span) -> Void) {
        let n = b.count
        var i = 0
        // A token holds at most maxTokenLength scalars (4 bytes each) and as many joiners.
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: maxTokenLength * 5 + 8)
        defer { buffer.deallocate() }
        var used = 0
        var span = Span(kind: .word, bytes: UnsafeBufferPointer(start: buffer, count: 0), start: 0, end: 0, characters: [])
        func isWordStart(_ c: CharClass) -> Bool { c == .letter || (keepNumbers && c == .digit) }
        func classAt(_ j: Int) -> CharClass? {
            guard j < n else { return nil }
            let (v, _) = Tokenizer.decode(b, j)
            let c = Tokenizer.classify(v)
            return (c == .digit && !keepNumbers) ? .other : c
        }
        while i < n {
            let (v, len) = Tokenizer.decode(b, i)
            var c = Tokenizer.classify(v)
            if c == .digit && !keepNumbers { c = .other }
            if c == .cjk {
                span.kind = .cjk
                span.start = i
                span.characters.removeAll(keepingCapacity: true)
                var j = i
                while j < n {
                    let (w, l) = Tokenizer.decode(b, j)
                    guard Tokenizer.isCJK(w) else { break }
                    span.characters.append(j..<(j + l))
                    j += l
                }
                span.end = j
                span.bytes = UnsafeBufferPointer(rebasing: b[i..<j])
                body(span)
                i = j
                continue
            }
            guard isWordStart(c) else { i += len; continue }
            // A word: letters, digits and marks, with joiners between them.
            span.kind = .word
            span.start = i
            used = 0
            var scalars = 0
            var segment = 0  // scalars since the token start or the last abbreviation dot
            var previous = c
            var j = i
            var end = i
            while j < n {
                let (w, l) = Tokenizer.decode(b, j)
                var cw = Tokenizer.classify(w)
                if cw == .digit && !keepNumbers { cw = .other }
                if cw == .letter || cw == .digit || (cw == .mark && scalars > 0) {
                    if scalars == maxTokenLength {
                        span.end = end
                        span.bytes = UnsafeBufferPointer(start: buffer, count: used)
                        body(span)
                        span.start = j
                        used = 0
                        scalars = 0
                        segment = 0
                    }
                    Tokenizer.append(w, from: b, at: j, length: l, to: buffer, count: &used)
                    scalars += 1
                    segment += 1
                    if cw != .mark { previous = cw }
                    j += l
                    end = j
                    continue
                }
                let next = classAt(j + l)
                var joined = false
                switch cw {
                case .apostrophe where previous == .letter && next == .letter:
                    buffer[used] = UInt8(ascii: "'")
                    used += 1
                    joined = true
                case .dot where previous == .digit && next == .digit,
                     .comma where previous == .digit && next == .digit:
                    buffer[used] = UInt8(w)
                    used += 1
                    joined = true
                case .dot where previous == .letter && segment == 1 && next == .letter:
                    // U.S.A.: single letters separated by dots; the dot is dropped.
                    let (nw, nl) = Tokenizer.decode(b, j + l)
                    _ = nw
                    let after = classAt(j + l + nl)
                    if after == nil || after == .dot || (after != .letter && after != .digit && after != .mark) {
                        joined = true
                        segment = 0
                    }
                case .underscore where (previous == .letter || previous == .digit) && (next == .letter || next == .digit):
                    buffer[used] = UInt8(ascii: "_")
                    used += 1
                    joined = true
                default:
                    break
                }
                guard joined else { break }
                j += l
            }
            span.end = end
            span.bytes = UnsafeBufferPointer(start: buffer, count: used)
            body(span)
            i = max(end, i + len)
        }
    }
}
