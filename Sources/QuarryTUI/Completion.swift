import QuarryEngine

/// Completion of the word before the query line's cursor: filter keywords and functions, the
/// collection's fields and the JSON paths of its metadata (from the workbench's catalog).
enum Completion {
    /// `WHERE`, the filter language's keywords and its functions, and the query line's other
    /// clauses with their words (`WITHIN`, `RANK BY decay(gauss, …)`, `GROUP BY … SIZE n STRICT`):
    /// the engine's vocabulary.
    static let keywords = ["WHERE", "WITHIN", "RANK", "GROUP", "BY", "SIZE", "STRICT"] + Vocabulary.filterKeywords + Vocabulary.filterFunctions
        + Vocabulary.rankers + Vocabulary.decayFunctions

    /// Characters that end a word for completion (a path's dots and brackets do not).
    static func isBoundary(_ c: Character) -> Bool { c == " " || c == "(" || c == "," || c == "=" || c == "<" || c == ">" || c == "!" }

    /// The completions of `word` among `words`: exact-case prefixes first, else case-insensitive
    /// ones (keywords are typed in any case); sorted, without duplicates.
    static func matches(_ word: String, among words: [String]) -> [String] {
        guard !word.isEmpty else { return [] }
        let exact = Set(words.filter { $0.hasPrefix(word) && $0 != word })
        if !exact.isEmpty { return exact.sorted() }
        let lower = word.lowercased()
        return Set(words.filter { $0.lowercased().hasPrefix(lower) && $0.lowercased() != lower }).sorted()
    }

    /// The longest common prefix of `words`.
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for w in words.dropFirst() {
            while !w.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
