import Foundation
import GRDB
import QuarryBase

// MARK: - Query sets made in Quarry

extension QuarryDatabase {
    func querySetExists(_ db: Database, _ cid: Int64, _ name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM query_sets WHERE collection_id = ? AND name = ?", arguments: [cid, name]) ?? false
    }

    /// Adds queries to a set (created with `maxGrade` when new), in one transaction: every query
    /// or none. A query without an id gets the next free `qN`; an id already in the set is
    /// refused; a query without an id whose text the set already holds is skipped (so a file
    /// imported twice adds nothing). Returns the queries added.
    @discardableResult
    public func addQueries(collection: String, set: String, _ queries: [SetQuery], maxGrade: Int = 3) throws(StorageError) -> [SetQuery] {
        guard !set.isEmpty, !set.contains(where: { $0.isWhitespace }) else {
            throw .invalidArgument("a query set name is one word, not '\(set)'")
        }
        return try write { db in
            let cid = try collectionID(db, collection)
            if try !querySetExists(db, cid, set) {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM qrels WHERE collection_id = ? AND split = ?", arguments: [cid, set]) ?? false {
                    throw StorageError.invalidArgument("'\(set)' is an imported split of '\(collection)'; name the new set otherwise")
                }
                try db.execute(sql: "INSERT INTO query_sets (collection_id, name, max_grade) VALUES (?, ?, ?)", arguments: [cid, set, maxGrade])
            }
            var ids = Set(try String.fetchAll(db, sql: "SELECT query_id FROM set_queries WHERE collection_id = ? AND set_name = ?", arguments: [cid, set]))
            var texts = Set(try String.fetchAll(db, sql: "SELECT text FROM set_queries WHERE collection_id = ? AND set_name = ?", arguments: [cid, set]))
            var position = (try Int.fetchOne(db, sql: "SELECT max(position) FROM set_queries WHERE collection_id = ? AND set_name = ?", arguments: [cid, set]) ?? 0)
            var next = ids.count + 1
            var added: [SetQuery] = []
            for var q in queries {
                let text = q.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { throw StorageError.invalidArgument("a query needs text") }
                q.text = text
                if q.id.isEmpty && texts.contains(text) { continue }
                texts.insert(text)
                if let id = q.id.isEmpty ? nil : q.id {
                    guard !ids.contains(id) else { throw StorageError.invalidArgument("query id '\(id)' is already in set '\(set)'") }
                } else {
                    while ids.contains("q\(next)") { next += 1 }
                    q.id = "q\(next)"
                }
                ids.insert(q.id)
                position += 1
                let need = q.need.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
                q.need = need
                try db.execute(sql: "INSERT INTO set_queries (collection_id, set_name, query_id, position, text, need) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [cid, set, q.id, position, q.text, need])
                added.append(q)
            }
            return added
        }
    }

    /// The queries of a set made in Quarry, in the order they were added; nil when there is no such set.
    public func setQueries(collection: String, set: String) throws(StorageError) -> [SetQuery]? {
        try read { db in
            let cid = try collectionID(db, collection)
            guard try querySetExists(db, cid, set) else { return nil }
            return try Row.fetchAll(db, sql: "SELECT query_id, text, need FROM set_queries WHERE collection_id = ? AND set_name = ? ORDER BY position",
                                    arguments: [cid, set]).map { SetQuery(id: $0[0], text: $0[1], need: $0[2]) }
        }
    }

    /// The highest grade of a set's scale (3 for imported splits).
    public func maxGrade(collection: String, set: String) throws(StorageError) -> Int {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Int.fetchOne(db, sql: "SELECT max_grade FROM query_sets WHERE collection_id = ? AND name = ?", arguments: [cid, set]) ?? 3
        }
    }

    /// The sets of a collection: those made in Quarry, then the imported splits, by name.
    public func querySets(collection: String) throws(StorageError) -> [QuerySetInfo] {
        try read { db in
            let cid = try collectionID(db, collection)
            var out: [QuerySetInfo] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT s.name, s.max_grade, s.created_at,
                       (SELECT count(*) FROM set_queries q WHERE q.collection_id = s.collection_id AND q.set_name = s.name) AS queries,
                       (SELECT count(DISTINCT query_id || char(0) || doc_id) FROM judgments j WHERE j.collection_id = s.collection_id AND j.set_name = s.name) AS pairs
                FROM query_sets s WHERE s.collection_id = ? ORDER BY s.name
                """, arguments: [cid]) {
                out.append(QuerySetInfo(name: row["name"], kind: .made, queries: row["queries"], judgedPairs: row["pairs"],
                                        maxGrade: row["max_grade"], createdAt: row["created_at"]))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT split, count(DISTINCT query_id) AS queries, count(*) AS pairs FROM qrels WHERE collection_id = ? GROUP BY split ORDER BY split
                """, arguments: [cid]) {
                out.append(QuerySetInfo(name: row["split"], kind: .beir, queries: row["queries"], judgedPairs: row["pairs"], maxGrade: 3, createdAt: nil))
            }
            return out
        }
    }

    /// Whether `set` names a set made in Quarry or an imported split of the collection.
    public func hasQuerySet(collection: String, set: String) throws(StorageError) -> Bool {
        try read { db in
            let cid = try collectionID(db, collection)
            if try querySetExists(db, cid, set) { return true }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM qrels WHERE collection_id = ? AND split = ? LIMIT 1", arguments: [cid, set]) ?? false
        }
    }
}

// MARK: - Judgments

extension QuarryDatabase {
    static func judgment(from row: Row) -> Judgment {
        Judgment(queryID: row["query_id"], docID: row["doc_id"], grade: row["grade"],
                 source: JudgmentSource(text: row["source"]) ?? .imported, reason: row["reason"], judgedAt: row["judged_at"])
    }

    /// Stores one grade at once, in its own transaction (replacing that source's earlier grade of
    /// the pair); returns the grade it replaced, so a person can undo.
    @discardableResult
    public func putJudgment(collection: String, set: String, _ j: Judgment) throws(StorageError) -> Judgment? {
        try write { db in
            let cid = try collectionID(db, collection)
            let old = try Row.fetchOne(db, sql: """
                SELECT * FROM judgments WHERE collection_id = ? AND set_name = ? AND query_id = ? AND doc_id = ? AND source = ?
                """, arguments: [cid, set, j.queryID, j.docID, j.source.description]).map(Self.judgment(from:))
            try db.execute(sql: """
                INSERT OR REPLACE INTO judgments (collection_id, set_name, query_id, doc_id, source, grade, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [cid, set, j.queryID, j.docID, j.source.description, j.grade, j.reason])
            return old
        }
    }

    /// Stores many grades in one transaction (an import): all or none.
    public func putJudgments(collection: String, set: String, _ list: [Judgment]) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            let insert = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO judgments (collection_id, set_name, query_id, doc_id, source, grade, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for j in list { try insert.execute(arguments: [cid, set, j.queryID, j.docID, j.source.description, j.grade, j.reason]) }
        }
    }

    /// Removes one source's grade of a pair (undo); restores `previous` when given.
    public func removeJudgment(collection: String, set: String, queryID: String, docID: String, source: JudgmentSource,
                               restoring previous: Judgment? = nil) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "DELETE FROM judgments WHERE collection_id = ? AND set_name = ? AND query_id = ? AND doc_id = ? AND source = ?",
                           arguments: [cid, set, queryID, docID, source.description])
            if let p = previous {
                try db.execute(sql: """
                    INSERT INTO judgments (collection_id, set_name, query_id, doc_id, source, grade, reason, judged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [cid, set, p.queryID, p.docID, p.source.description, p.grade, p.reason, p.judgedAt])
            }
        }
    }

    /// Every grade of a set from every source, including an imported split's qrels (source
    /// `import`), by query, document and source.
    public func judgments(collection: String, set: String) throws(StorageError) -> [Judgment] {
        try read { db in
            let cid = try collectionID(db, collection)
            var out = try Row.fetchAll(db, sql: "SELECT * FROM judgments WHERE collection_id = ? AND set_name = ?", arguments: [cid, set])
                .map(Self.judgment(from:))
            let given = Set(out.filter { $0.source == .imported }.map { $0.queryID + "\u{0}" + $0.docID })
            for row in try Row.fetchAll(db, sql: "SELECT query_id, doc_id, grade FROM qrels WHERE collection_id = ? AND split = ?", arguments: [cid, set]) {
                let q: String = row[0], d: String = row[1]
                if given.contains(q + "\u{0}" + d) { continue }
                out.append(Judgment(queryID: q, docID: d, grade: row[2], source: .imported))
            }
            out.sort { ($0.queryID, $0.docID, $0.source.rank, $0.source.description) < ($1.queryID, $1.docID, $1.source.rank, $1.source.description) }
            return out
        }
    }

    /// The grade that counts for each judged pair of a set: a person's over an import's over a
    /// command's; among commands, the latest.
    public func effectiveQrels(collection: String, set: String) throws(StorageError) -> [Qrel] {
        var best: [String: Judgment] = [:]
        var order: [String] = []
        for j in try judgments(collection: collection, set: set) {
            let key = j.queryID + "\u{0}" + j.docID
            guard let old = best[key] else { best[key] = j; order.append(key); continue }
            if j.source.rank < old.source.rank || (j.source.rank == old.source.rank && j.judgedAt > old.judgedAt) { best[key] = j }
        }
        return order.map { best[$0]! }.map { Qrel(queryID: $0.queryID, docID: $0.docID, grade: $0.grade) }
    }
}

// MARK: - Tries

extension QuarryDatabase {
    /// Stores (or replaces) a try of a collection.
    public func saveTry(collection: String, _ t: StoredTry) throws(StorageError) {
        try write { db in
            let cid = try collectionID(db, collection)
            try db.execute(sql: "INSERT OR REPLACE INTO tries (collection_id, name, params, statement) VALUES (?, ?, ?, ?)",
                           arguments: [cid, t.name, t.params.jsonText, t.statement])
        }
    }

    /// The tries of a collection, oldest first.
    public func tries(collection: String) throws(StorageError) -> [StoredTry] {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Row.fetchAll(db, sql: "SELECT * FROM tries WHERE collection_id = ? ORDER BY created_at, name", arguments: [cid]).map { row in
                StoredTry(name: row["name"], params: (try? JSONParser.parse(row["params"] as String)) ?? .object([]),
                          statement: row["statement"], createdAt: row["created_at"])
            }
        }
    }

    /// One try by name, or an error with the nearest name.
    public func storedTry(collection: String, name: String) throws(StorageError) -> StoredTry {
        let all = try tries(collection: collection)
        if let t = all.first(where: { $0.name == name }) { return t }
        let near = Suggest.nearest(to: name, in: all.map(\.name))
        throw .invalidArgument("collection '\(collection)' has no try '\(name)'" + (near.map { "; did you mean '\($0)'?" } ?? " (quarry try list shows them)"))
    }
}
