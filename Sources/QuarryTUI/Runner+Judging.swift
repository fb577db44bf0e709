import Foundation
import QuarryEngine

/// Where a grade of the query on screen goes: a set and, when known, the query's id there.
struct GradeTarget: Sendable, Equatable {
    var set: String
    var text: String
    /// The id in the set (a query-set query); nil: found by text, or added when new.
    var queryID: String?
}

/// The stored grades of one query of a set: the grade that counts per document.
struct QueryGrades: Sendable {
    var set: String
    var queryID: String
    var text: String
    var need: String?
    var grades: [String: Int]
    var maxGrade: Int
    /// A set made in Quarry (grades shown as 0–3 and `·`), or an imported split (✓ as before).
    var made: Bool
}

/// A grade given in the TUI, kept so `u` can take it back (restoring the one it replaced).
struct GradeUndo: Sendable {
    var set: String
    var queryID: String
    var text: String
    var docID: String
    var previous: Judgment?
}

/// The pool of a query, with each document's content, for judge mode.
struct JudgePool: Sendable {
    var grades: QueryGrades
    var depth: Int
    var entries: [(entry: PoolEntry, document: DocumentContent)]
    var notes: [String]
}

/// Grading on the engine queue: every grade is stored at once through the workbench, and the
/// grades of the query are read back from the store, so what the screen shows is what is stored.
extension Runner {
    /// The query of `target` in its set: by id, else by text; added to the set when `create`.
    private func resolve(_ target: GradeTarget, create: Bool) throws -> SetQuery? {
        let queries = (try? workbench.setQueries(collection: collection, set: target.set)) ?? []
        if let id = target.queryID, let q = queries.first(where: { $0.id == id }) { return q }
        if let q = queries.first(where: { $0.text == target.text }) { return q }
        guard create else { return nil }
        return try workbench.addQueries(collection: collection, set: target.set, [SetQuery(id: "", text: target.text)]).first
    }

    private func grades(_ target: GradeTarget, query q: SetQuery) throws -> QueryGrades {
        QueryGrades(set: target.set, queryID: q.id, text: target.text, need: q.need,
                    grades: try workbench.effectiveJudgments(collection: collection, set: target.set)[q.id] ?? [:],
                    maxGrade: try workbench.maxGrade(collection: collection, set: target.set),
                    made: try workbench.querySets(collection: collection).contains { $0.name == target.set && $0.kind == .made })
    }

    /// Posts the stored grades of the query, when it is in the set.
    func loadGrades(_ target: GradeTarget) {
        queue.async { [self] in
            guard let q = try? resolve(target, create: false), let g = try? grades(target, query: q) else { return }
            inbox.post(.grades(g, undo: nil))
        }
    }

    /// Adds the query line's text to the set (the `a` key).
    func addToSet(_ target: GradeTarget) {
        queue.async { [self] in
            do {
                let existing = try resolve(target, create: false)
                let q = try existing ?? resolve(target, create: true)
                guard let q else { return }
                inbox.post(.queryAdded(set: target.set, query: q, isNew: existing == nil))
                inbox.post(.grades(try grades(target, query: q), undo: nil))
            } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// Stores a person's grade of `docID` for the query (added to the set when new).
    func grade(_ target: GradeTarget, docID: String, grade: Int) {
        queue.async { [self] in
            do {
                guard let q = try resolve(target, create: true) else { return }
                let previous = try workbench.grade(collection: collection, set: target.set, queryID: q.id, docID: docID, grade: grade)
                let undo = GradeUndo(set: target.set, queryID: q.id, text: target.text, docID: docID, previous: previous)
                inbox.post(.grades(try grades(target, query: q), undo: undo))
            } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// Takes back a grade given in this session.
    func undo(_ u: GradeUndo) {
        queue.async { [self] in
            do {
                try workbench.undoGrade(collection: collection, set: u.set, queryID: u.queryID, docID: u.docID, restoring: u.previous)
                let target = GradeTarget(set: u.set, text: u.text, queryID: u.queryID)
                guard let q = try resolve(target, create: false) else { return }
                inbox.post(.grades(try grades(target, query: q), undo: nil))
            } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// The pool of the query (the union of the top-`depth` of the three runs) with each
    /// document's content, for judge mode; the query joins the set.
    func pool(_ target: GradeTarget, depth: Int, params: Params) {
        queue.async { [self] in
            do {
                guard let q = try resolve(target, create: true) else { return }
                let pool = try workbench.pool(collection: collection, text: target.text, depth: depth, parameters: params.values)
                var entries: [(entry: PoolEntry, document: DocumentContent)] = []
                for e in pool.entries { entries.append((e, try document(ordinal: e.ordinal, query: target.text, params: params))) }
                inbox.post(.pool(JudgePool(grades: try grades(target, query: q), depth: depth, entries: entries, notes: pool.notes)))
            } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// Saves the parameters pane's values as a try (`t`): as `name`, or (nil) `tN` after the tries there are.
    func saveTry(params: Params, name: String? = nil) {
        queue.async { [self] in
            do {
                let names = Set(try workbench.tries(collection: collection).map(\.name))
                var n = names.count + 1
                while names.contains("t\(n)") { n += 1 }
                let saved = name ?? "t\(n)"
                try workbench.saveTry(collection: collection, name: saved, parameters: params.values)
                let shown = params.values.given.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                inbox.post(.note("saved try \(saved)" + (shown.isEmpty ? " (defaults)" : ": " + shown) + "; T compares the last two; quarry try compare \(saved) OTHER --set SET"))
            } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }
}

/// A one-line prompt in the status line (`t` asks for a try's name): typed characters,
/// Backspace, Enter submits, Esc cancels.
struct LinePrompt {
    enum Outcome: Equatable { case editing, submit(String), cancel }
    var label: String
    var text = ""

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .submit(text.trimmingCharacters(in: .whitespaces))
        case .escape: return .cancel
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .ctrl("u"): text = ""
        case let .char(c) where !c.isNewline: text.append(c)
        default: break
        }
        return .editing
    }

    var line: String { label + text }
}
