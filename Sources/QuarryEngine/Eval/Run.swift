/// One retrieved document of a run with its score.
public struct RunEntry: Sendable, Equatable {
    public var document: String
    public var score: Double
    public init(document: String, score: Double) {
        self.document = document
        self.score = score
    }
}

/// A run: query id → retrieved documents with scores (trec_eval's "results").
///
/// The order of the entries as stored does not matter to the metrics: like trec_eval, they are
/// ranked by `trecOrder` (score descending, then document id descending). To have a given order
/// scored as it is, give scores that decrease along it (e.g. `count - rank`).
public struct Run: Sendable, Equatable {
    /// The run tag written in the last column of a TREC run file.
    public var tag: String
    /// Query ids in first-seen order.
    public private(set) var queryIDs: [String] = []
    /// Query id → entries, in the order they were given.
    public private(set) var results: [String: [RunEntry]] = [:]

    public init(tag: String = "quarry") { self.tag = tag }

    /// Sets (replaces) the results of one query.
    public mutating func set(query: String, results entries: [RunEntry]) {
        if results[query] == nil { queryIDs.append(query) }
        results[query] = entries
    }

    /// The results of one query, or nil when the run has none.
    public subscript(query: String) -> [RunEntry]? { results[query] }

    /// trec_eval's ranking of a query's results: score descending; equal scores by document id in
    /// descending byte order (trec_eval compares doc ids with `strcmp`).
    public static func trecOrder(_ entries: [RunEntry]) -> [RunEntry] {
        entries.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return b.document.utf8.lexicographicallyPrecedes(a.document.utf8)
        }
    }
}

// MARK: - TREC run files

extension Run {
    /// Parses a TREC run file: `qid Q0 docid rank score tag`, whitespace-separated. The rank column
    /// is ignored (trec_eval does too); the tag of the first line becomes the run's tag. A document
    /// repeated within a query is an error, as in trec_eval.
    public static func parse(_ text: String, file: String = "run") throws(EvalError) -> Run {
        var run = Run(tag: "")
        var seen: [String: Set<String>] = [:]
        for (number, line) in TextFile.lines(text) {
            let f = TextFile.fields(line)
            guard f.count == 6 else { throw .malformedRunLine(file: file, line: number, found: f.count) }
            guard let score = Double(f[4]) else { throw .badScore(file: file, line: number, text: String(f[4])) }
            let query = String(f[0]), document = String(f[2])
            guard seen[query, default: []].insert(document).inserted else {
                throw .duplicateDocument(file: file, line: number, query: query, document: document)
            }
            if run.queryIDs.isEmpty { run.tag = String(f[5]) }
            if run.results[query] == nil { run.queryIDs.append(query) }
            run.results[query, default: []].append(RunEntry(document: document, score: score))
        }
        if run.tag.isEmpty { run.tag = "quarry" }
        return run
    }

    /// Reads and parses a TREC run file (see `parse`).
    public static func load(path: String) throws(EvalError) -> Run {
        try parse(TextFile.read(path: path), file: TextFile.displayName(path))
    }

    /// The run as TREC text: queries in `queryIDs` order, each ranked by `trecOrder` with ranks
    /// from 1, scores in the shortest form that reads back as the same Double.
    public func trecText() -> String {
        var out = ""
        let tagText = tag.isEmpty ? "quarry" : tag
        for q in queryIDs {
            for (i, e) in Run.trecOrder(results[q] ?? []).enumerated() {
                out += "\(q) Q0 \(e.document) \(i + 1) \(e.score) \(tagText)\n"
            }
        }
        return out
    }

    /// Writes `trecText()` to a file.
    public func write(path: String) throws(EvalError) {
        try TextFile.write(trecText(), path: path)
    }
}
