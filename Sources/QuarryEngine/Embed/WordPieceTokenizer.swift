#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WordPiece tokenizer of BERT uncased, identical to what sentence-transformers gives for
/// all-MiniLM-L6-v2 (Hugging Face `tokenizers` with the model's `tokenizer.json`, truncation at
/// the model's max_seq_length of 256, no padding).
///
/// WordPiece: Wu et al. 2016, "Google's Neural Machine Translation System" (§4.1), as used by
/// Devlin et al. 2019 (BERT): greedy longest-match-first over the vocabulary, continuation
/// pieces prefixed with "##"; when any part of a word has no piece, the whole word is [UNK];
/// words over 100 scalars are [UNK].
///
/// Pipeline of `encode`: literal special tokens ("[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]",
/// case-sensitive) are cut out of the raw text first; every other stretch goes through
/// `BertText.normalize`, `BertText.preTokenize` and WordPiece; the first `maxLength - 2`
/// pieces are kept and wrapped in [CLS] … [SEP].
public struct WordPieceTokenizer: Sendable {
    public static let padID: Int32 = 0
    public static let unknownID: Int32 = 100
    public static let clsID: Int32 = 101
    public static let sepID: Int32 = 102
    public static let maskID: Int32 = 103
    static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// Word pieces per sequence, [CLS] and [SEP] included (sentence_bert_config.json: 256).
    public let maxLength: Int
    /// Words longer than this many scalars become [UNK].
    public let maxWordScalars = 100

    private let vocabulary: [String: Int32]
    private let pieces: [String]
    /// Longest vocabulary entry in scalars ("##" not counted): longer candidates cannot match.
    private let longestPiece: Int
    private let specialScalars: [[Unicode.Scalar]]
    private let specialIDs: [Int32]

    /// Reads `vocab.txt`: one token a line, the line number is the id.
    public init(vocabularyFile path: String, maxLength: Int = 256) throws(EmbedError) {
        guard let f = fopen(path, "rb") else {
            throw .badVocabulary(reason: "cannot open (errno \(errno))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines, maxLength: maxLength)
    }

    /// A tokenizer over `tokens` (id = index), which must hold the five special tokens.
    public init(tokens: [String], maxLength: Int = 256) throws(EmbedError) {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(tokens.count)
        var longest = 1
        for (i, t) in tokens.enumerated() where vocabulary[t] == nil {
            vocabulary[t] = Int32(i)
            let n = t.unicodeScalars.count - (t.hasPrefix("##") ? 2 : 0)
            longest = max(longest, n)
        }
        let expected: [(String, Int32)] = [
            ("[PAD]", Self.padID), ("[UNK]", Self.unknownID), ("[CLS]", Self.clsID),
            ("[SEP]", Self.sepID), ("[MASK]", Self.maskID),
        ]
        for (token, id) in expected where vocabulary[token] != id {
            throw .badVocabulary(reason: "\(token) is not token \(id)")
        }
        self.vocabulary = vocabulary
        self.pieces = tokens
        self.longestPiece = longest
        self.maxLength = maxLength
        self.specialScalars = Self.specialTokens.map { Array($0.unicodeScalars) }
        self.specialIDs = Self.specialTokens.map { vocabulary[$0]! }
    }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { pieces.count }

    /// Token ids as the model sees them: [CLS], at most `maxLength - 2` pieces, [SEP].
    public func encode(_ text: String) -> [Int32] {
        var ids = pieceIDs(text, limit: maxLength - 2)
        ids.insert(Self.clsID, at: 0)
        ids.append(Self.sepID)
        return ids
    }

    /// The word pieces of `ids`, for debugging and EXPLAIN output.
    public func tokens(_ ids: [Int32]) -> [String] {
        ids.map { pieces.indices.contains(Int($0)) ? pieces[Int($0)] : "[UNK]" }
    }

    /// The id of `token` in the vocabulary.
    public func id(of token: String) -> Int32? { vocabulary[token] }

    // MARK: - Pipeline

    /// The pieces of `text` without [CLS]/[SEP], stopping once `limit` pieces are known.
    func pieceIDs(_ text: String, limit: Int = .max) -> [Int32] {
        var ids: [Int32] = []
        var pending: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count && ids.count < limit {
            if scalars[i] == "[", let k = specialAt(scalars, i) {
                appendText(pending, to: &ids, limit: limit)
                pending.removeAll(keepingCapacity: true)
                if ids.count < limit { ids.append(specialIDs[k]) }
                i += specialScalars[k].count
            } else {
                pending.append(scalars[i])
                i += 1
            }
        }
        appendText(pending, to: &ids, limit: limit)
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        return ids
    }

    private func specialAt(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        outer: for (k, sp) in specialScalars.enumerated() where i + sp.count <= s.count {
            for j in 0..<sp.count where s[i + j] != sp[j] { continue outer }
            return k
        }
        return nil
    }

    private func appendText(_ text: [Unicode.Scalar], to ids: inout [Int32], limit: Int) {
        guard !text.isEmpty, ids.count < limit else { return }
        let normalized = BertText.normalize(text)
        for word in BertText.preTokenize(normalized) {
            if ids.count >= limit { return }
            wordPiece(normalized[word], into: &ids)
        }
    }

    /// Greedy longest-match-first WordPiece of one word.
    func wordPiece(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32]) {
        let n = word.count
        if n > maxWordScalars {
            ids.append(Self.unknownID)
            return
        }
        let base = word.startIndex
        let mark = ids.count
        var start = 0
        while start < n {
            var end = min(n, start + longestPiece)
            var found: Int32?
            while start < end {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: word[(base + start)..<(base + end)])
                if let id = vocabulary[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeLast(ids.count - mark)
                ids.append(Self.unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
