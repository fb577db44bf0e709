/// Relevance judgments: query id → document id → grade (trec_eval's "qrels").
///
/// Grades are integers; a grade ≤ 0 means judged not relevant (trec_eval's default
/// `relevance_level` of 1). Queries keep the order in which they were first seen, so reports
/// list them as the file does.
public struct Qrels: Sendable, Equatable {
    /// Query ids in first-seen order.
    public private(set) var queryIDs: [String] = []
    /// Query id → document id → grade.
    public private(set) var judgments: [String: [String: Int]] = [:]

    public init() {}

    /// Judgments from a dictionary; queries are ordered by id (byte order).
    public init(_ judgments: [String: [String: Int]]) {
        self.judgments = judgments
        self.queryIDs = judgments.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Sets one judgment; a repeated (query, document) keeps the last grade.
    public mutating func set(query: String, document: String, relevance: Int) {
        if judgments[query] == nil { queryIDs.append(query) }
        judgments[query, default: [:]][document] = relevance
    }

    /// The judgments of one query, or nil when the query is not judged.
    public subscript(query: String) -> [String: Int]? { judgments[query] }

    /// Number of documents judged relevant (grade > 0) for `query`.
    public func relevantCount(query: String) -> Int {
        judgments[query]?.values.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } ?? 0
    }

    /// Queries with at least one relevant document, in order: the queries a mean is taken over.
    public var queriesWithRelevant: [String] { queryIDs.filter { relevantCount(query: $0) > 0 } }

    /// A copy restricted to the given queries (e.g. a tuning or held-out split), in this order.
    public func restricted(to queries: some Sequence<String>) -> Qrels {
        var out = Qrels()
        for q in queries {
            guard let j = judgments[q], out.judgments[q] == nil else { continue }
            out.queryIDs.append(q)
            out.judgments[q] = j
        }
        return out
    }
}

// MARK: - Loading

extension Qrels {
    /// Parses TREC qrels (`qid 0 docid rel`, whitespace-separated) or BEIR's TSV
    /// (`query-id corpus-id score`, tab-separated, with or without its header line). The format is
    /// decided line by line from the column count: 4 columns are TREC, 3 are BEIR. `file` names the
    /// source in error messages.
    public static func parse(_ text: String, file: String = "qrels") throws(EvalError) -> Qrels {
        var qrels = Qrels()
        var first = true
        for (number, line) in TextFile.lines(text) {
            let f = TextFile.fields(line)
            defer { first = false }
            if first && f.count == 3 && Int(f[2]) == nil && Double(f[2]) == nil { continue }  // BEIR header
            let query: Substring, document: Substring, grade: Substring
            switch f.count {
            case 4: (query, document, grade) = (f[0], f[2], f[3])
            case 3: (query, document, grade) = (f[0], f[1], f[2])
            default: throw .malformedQrelsLine(file: file, line: number, found: f.count)
            }
            guard let rel = parseGrade(grade) else { throw .badRelevance(file: file, line: number, text: String(grade)) }
            qrels.set(query: String(query), document: String(document), relevance: rel)
        }
        return qrels
    }

    /// Reads and parses a qrels file (see `parse`); errors name the file by its last path component.
    public static func load(path: String) throws(EvalError) -> Qrels {
        try parse(TextFile.read(path: path), file: TextFile.displayName(path))
    }

    /// Integers, and integral decimals such as `1.0` (some BEIR exports write those).
    private static func parseGrade(_ s: Substring) -> Int? {
        if let i = Int(s) { return i }
        if let d = Double(s), d.rounded() == d, abs(d) < 1e9 { return Int(d) }
        return nil
    }
}
