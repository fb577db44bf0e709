/// "Did you mean" by edit distance, for names people type: collections, fields, functions, paths.
public enum Suggest {
    /// The candidate nearest to `word` (Levenshtein over Unicode scalars, case-insensitive; ties
    /// go to the first) when it is near enough to be a typo: at most `limit` edits — by default
    /// 2, or a third of the word for long words — and fewer edits than the word has characters.
    /// The one rule of every "did you mean".
    public static func nearest(to word: String, in candidates: [String], limit: Int? = nil) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        let limit = limit ?? max(2, w.count / 3)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased().unicodeScalars))
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (name, d) = best, d <= limit, d < max(w.count, 1) else { return nil }
        return name
    }

    /// Levenshtein distance over Unicode scalars: the one edit distance of every "did you mean".
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    public static func distance<C: Equatable>(_ a: [C], _ b: [C]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
