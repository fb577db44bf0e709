import QuarryFilter

/// The words of the query language, in one place: what completion offers (the REPL's statement
/// completer and the TUI's query line) and what the parser treats as keywords.
public enum Vocabulary {
    public static let statementKeywords = ["SEARCH", "EXPLAIN", "COMPARE", "SET", "RESET", "SHOW"]
    /// Keywords that start a clause of SEARCH (and so end a WHERE expression).
    public static let clauseKeywords = ["MATCH", "NEAR", "WHERE", "FUSE", "RANK", "GROUP", "LIMIT", "OFFSET", "WITH"]
    /// Keywords inside clauses: `NEAR … WITHIN r AND f`, `GROUP BY p SIZE n STRICT`, `RANK BY`.
    public static let innerKeywords = ["IN", "USING", "DOC", "WITHIN", "AND", "BY", "SIZE", "STRICT", "EXPAND", "NORMALIZE"]
    /// Rankers of `RANK BY`, and the decay functions.
    public static let rankers = ["decay", "boost"]
    public static let decayFunctions = DecaySpec.Function.allCases.map(\.rawValue)
    /// The filter language's keywords (`exists` is with the functions).
    public static let filterKeywords = FilterVocabulary.keywords.filter { $0 != "exists" }.map { $0.uppercased() }
    /// The filter language's functions: `json_contains`, `array_length`, `exists`, …
    public static let filterFunctions = FilterVocabulary.functions
    /// Vector index types, as `USING` names them.
    public static let indexTypes = ["hnsw", "flat", "ivf_flat", "ivf_sq8", "ivf_rabitq"]
    public static let fusions = ["rrf", "weighted", "auto"]
    public static let normalizations = Normalization.allCases.map(\.rawValue)
}
