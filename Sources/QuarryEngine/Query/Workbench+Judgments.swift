import Foundation
import QuarryEval
import QuarryStorage

/// Query sets people make and the judgments people and commands give: the engine side of
/// `quarry queries`, `quarry qrels`, `quarry judgments`, the TUI's grading keys and the REPL's
/// `.queries`. Every grade is stored at once, in its own transaction, with its source and time.
extension Workbench {
    // MARK: - Query sets

    /// Adds queries to a set of the collection (made when new; `maxGrade` 1 makes it binary).
    @discardableResult
    public func addQueries(collection: String, set: String, _ queries: [SetQuery], maxGrade: Int = 3) throws -> [SetQuery] {
        guard maxGrade == 1 || maxGrade == 3 else { throw EngineError.badParameter("a scale is 0-1 (binary) or 0-3 (graded), not 0-\(maxGrade)") }
        return try database.addQueries(collection: collection, set: set, queries, maxGrade: maxGrade)
    }

    /// Reads queries from a file (one per line, JSON lines or CSV; see `QueryFile`) into a set:
    /// all of them or, on an error (file:line), none.
    @discardableResult
    public func importQueries(path: String, collection: String, set: String, maxGrade: Int = 3) throws -> [SetQuery] {
        try addQueries(collection: collection, set: set, try QueryFile.read(path: path), maxGrade: maxGrade)
    }

    /// The query sets of a collection: made ones, then imported splits.
    public func querySets(collection: String) throws -> [QuerySetInfo] { try database.querySets(collection: collection) }

    /// The queries of a set — made in Quarry, or an imported split's judged queries with their
    /// text — or an error naming the sets there are.
    public func setQueries(collection: String, set: String) throws -> [SetQuery] {
        if let made = try database.setQueries(collection: collection, set: set) { return made }
        let judged = Set(try database.qrels(collection: collection, split: set).map(\.queryID))
        guard !judged.isEmpty else { throw try noSuchSet(collection: collection, set: set) }
        return try database.queries(collection: collection).filter { judged.contains($0.id) }.map { SetQuery(id: $0.id, text: $0.text) }
    }

    func noSuchSet(collection: String, set: String) throws -> EngineError {
        let names = try database.querySets(collection: collection).map(\.name)
        if let near = Suggest.nearest(to: set, in: names) {
            return .badParameter("collection '\(collection)' has no query set '\(set)'; did you mean '\(near)'?")
        }
        return .badParameter("collection '\(collection)' has no query set '\(set)'"
            + (names.isEmpty ? " (make one with quarry queries add --collection \(collection) --set \(set) 'text')" : " (sets: \(names.joined(separator: ", ")))"))
    }

    /// The highest grade of a set's scale: 3 (0–3) or 1 (binary).
    public func maxGrade(collection: String, set: String) throws -> Int { try database.maxGrade(collection: collection, set: set) }

    // MARK: - Grades

    /// Stores one grade at once (checked against the set's scale, the set's queries and the
    /// collection's records); returns the grade of the same source it replaced, for `undoGrade`.
    @discardableResult
    public func grade(collection: String, set: String, queryID: String, docID: String, grade: Int,
                      source: JudgmentSource = .human, reason: String? = nil) throws -> Judgment? {
        let top = try maxGrade(collection: collection, set: set)
        guard (0...top).contains(grade) else { throw EngineError.badParameter("grade \(grade) is off the scale of set '\(set)' (0-\(top))") }
        guard try setQueries(collection: collection, set: set).contains(where: { $0.id == queryID }) else {
            throw EngineError.badParameter("query set '\(set)' has no query '\(queryID)'")
        }
        guard try database.ordinal(collection: collection, id: docID) != nil else { throw StorageError.noSuchRecord(collection: collection, id: docID) }
        return try database.putJudgment(collection: collection, set: set,
                                        Judgment(queryID: queryID, docID: docID, grade: grade, source: source, reason: reason))
    }

    /// Takes back a grade: removes `source`'s grade of the pair and restores the one it replaced.
    public func undoGrade(collection: String, set: String, queryID: String, docID: String, source: JudgmentSource = .human,
                          restoring previous: Judgment?) throws {
        try database.removeJudgment(collection: collection, set: set, queryID: queryID, docID: docID, source: source, restoring: previous)
    }

    /// Every grade of a set from every source.
    public func judgments(collection: String, set: String) throws -> [Judgment] { try database.judgments(collection: collection, set: set) }

    /// The grade that counts per pair (a person's over an import's over a command's): query id →
    /// document id → grade.
    public func effectiveJudgments(collection: String, set: String) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for q in try database.effectiveQrels(collection: collection, set: set) { out[q.queryID, default: [:]][q.docID] = q.grade }
        return out
    }

    // MARK: - Qrels in and out

    /// The grades that count, as TREC qrels: `query-id 0 doc-id grade`, one pair a line, queries
    /// in the set's order, documents by id.
    public func exportQrels(collection: String, set: String) throws -> String {
        let order = try setQueries(collection: collection, set: set).map(\.id)
        let grades = try effectiveJudgments(collection: collection, set: set)
        var lines: [String] = []
        let known = Set(order)
        for q in order + grades.keys.filter({ !known.contains($0) }).sorted() {
            for (doc, g) in (grades[q] ?? [:]).sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                lines.append("\(q) 0 \(doc) \(g)")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// What `importQrels` read.
    public struct QrelsImport: Sendable {
        /// `trec` or `srw` (an OpenSearch Search Relevance Workbench judgment list).
        public var format: String
        public var judgments: Int
        public var queries: Int
        /// Queries the set did not have: added (SRW names queries by text) or only judged (TREC ids).
        public var newQueries: [String]
    }

    /// Reads judgments into a set with source `import`, in one transaction: TREC qrels
    /// (`query-id 0 doc-id grade`, or BEIR's TSV) or an OpenSearch SRW judgment list
    /// (`{"judgmentRatings": [{"query": text, "ratings": [{"docId", "rating"}]}]}`), whose queries
    /// are matched to the set's by text and added when new. A set that does not exist is made.
    public func importQrels(path: String, collection: String, set: String) throws -> QrelsImport {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else { throw StorageError.fileNotFound(path: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw EngineError.badParameter("\(name): not UTF-8") }
        let existing = try database.setQueries(collection: collection, set: set)
        if existing == nil, try !database.hasQuerySet(collection: collection, set: set) {
            try database.addQueries(collection: collection, set: set, [])
        }
        var list: [Judgment] = []
        var newQueries: [String] = []
        let format: String
        if text.drop(while: { $0.isWhitespace }).first == "{" || text.drop(while: { $0.isWhitespace }).first == "[" {
            format = "srw"
            let value: JSONValue
            do { value = try JSONParser.parse(text) } catch { throw EngineError.badParameter("\(name): \(error)") }
            var ratingList = value["judgmentRatings"]
            if case .array = value { ratingList = value }
            guard case let .array(entries)? = ratingList else {
                throw EngineError.badParameter("\(name): expected an OpenSearch judgment list with \"judgmentRatings\"")
            }
            var byText: [String: String] = [:]
            for q in try setQueries(collection: collection, set: set) { byText[q.text] = q.id }
            var add: [SetQuery] = []
            for (i, entry) in entries.enumerated() {
                guard let query = entry["query"]?.stringValue, case let .array(ratings)? = entry["ratings"] else {
                    throw EngineError.badParameter("\(name): judgmentRatings[\(i)] has no \"query\" text and \"ratings\" array")
                }
                let id: String
                if let known = byText[query] { id = known } else {
                    guard existing != nil else { throw EngineError.badParameter("\(name): query '\(query)' is not in the imported split '\(set)'") }
                    add.append(SetQuery(id: "", text: query))
                    id = "\u{0}\(add.count - 1)"
                    byText[query] = id
                }
                for (j, r) in ratings.enumerated() {
                    guard let doc = r["docId"]?.stringValue ?? r["docId"]?.jsonText, !doc.isEmpty else {
                        throw EngineError.badParameter("\(name): judgmentRatings[\(i)].ratings[\(j)] has no \"docId\"")
                    }
                    let rating = r["rating"].flatMap { $0.doubleValue ?? $0.stringValue.flatMap(Double.init) }
                    guard let rating, rating.isFinite, abs(rating) < 1e6 else {
                        throw EngineError.badParameter("\(name): judgmentRatings[\(i)].ratings[\(j)] has no numeric \"rating\"")
                    }
                    list.append(Judgment(queryID: id, docID: doc, grade: Int(rating.rounded()), source: .imported))
                }
            }
            if !add.isEmpty {
                let added = try database.addQueries(collection: collection, set: set, add)
                for k in list.indices where list[k].queryID.hasPrefix("\u{0}") {
                    list[k].queryID = added[Int(list[k].queryID.dropFirst())!].id
                }
                newQueries = added.map(\.id)
            }
        } else {
            format = "trec"
            let qrels = try Qrels.parse(text, file: name)
            for q in qrels.queryIDs {
                for (doc, g) in qrels[q] ?? [:] { list.append(Judgment(queryID: q, docID: doc, grade: g, source: .imported)) }
            }
            let known = Set(try setQueries(collection: collection, set: set).map(\.id))
            newQueries = qrels.queryIDs.filter { !known.contains($0) }
        }
        guard !list.isEmpty else { throw EngineError.badParameter("\(name): no judgments") }
        try database.putJudgments(collection: collection, set: set, list)
        return QrelsImport(format: format, judgments: list.count, queries: Set(list.map(\.queryID)).count, newQueries: newQueries)
    }

    // MARK: - Agreement

    /// How far two sources agree on the pairs both judged.
    public struct SourceAgreement: Sendable {
        public var a: JudgmentSource
        public var b: JudgmentSource
        /// Pairs both judged.
        public var pairs: Int
        /// Share of those pairs with the same grade.
        public var exact: Double
        /// Cohen's κ: unweighted on a binary scale, linearly weighted on a graded one; nil when
        /// chance already agrees fully.
        public var kappa: Double?
        public var weights: Measures.KappaWeights
    }

    /// Agreement between every two sources of a set's grades on the pairs both judged
    /// (`quarry judgments --agreement`), sources in rank order (human, import, commands).
    public func agreement(collection: String, set: String) throws -> [SourceAgreement] {
        let top = try maxGrade(collection: collection, set: set)
        var bySource: [JudgmentSource: [String: Int]] = [:]
        for j in try judgments(collection: collection, set: set) { bySource[j.source, default: [:]][j.queryID + "\u{0}" + j.docID] = j.grade }
        let sources = bySource.keys.sorted { ($0.rank, $0.description) < ($1.rank, $1.description) }
        let weights: Measures.KappaWeights = top == 1 ? .unweighted : .linear
        var out: [SourceAgreement] = []
        for i in sources.indices {
            for k in sources.indices where k > i {
                let x = bySource[sources[i]]!, y = bySource[sources[k]]!
                let pairs = x.keys.filter { y[$0] != nil }.sorted().map { (x[$0]!, y[$0]!) }
                guard !pairs.isEmpty else { continue }
                let same = pairs.filter { $0.0 == $0.1 }.count
                let scale = max(top, pairs.map { max($0.0, $0.1) }.max() ?? 0)
                out.append(SourceAgreement(a: sources[i], b: sources[k], pairs: pairs.count, exact: Double(same) / Double(pairs.count),
                                           kappa: Measures.cohensKappa(pairs, maxGrade: scale, weights: weights), weights: weights))
            }
        }
        return out
    }
}
