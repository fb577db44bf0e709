import Foundation
import QuarryEngine

/// Grading from the screen: `a` adds the query line to the active set, `0`–`3` grade the
/// selected hit, `u` takes the last grade back, `J` walks the query's pool. The grades shown and
/// the metrics recomputed come from the store (`QueryGrades`), through the engine's measures.
extension Workspace {
    /// Where a grade of the query on screen goes: the query-set query's split, else the active set.
    var gradeTarget: GradeTarget? {
        let text = outcome?.query ?? Self.split(lastQuery).query
        guard !text.isEmpty else { return nil }
        if let entry = currentSetEntry, let split = querySetName, entry.query.text == text {
            return GradeTarget(set: split, text: text, queryID: entry.query.id)
        }
        return GradeTarget(set: activeSet, text: text, queryID: nil)
    }

    /// `a`: the query line's text joins the active set.
    func addQueryToSet() {
        let text = Self.split(lastQuery).query
        guard !text.isEmpty else { status = "type a query first, then a adds it to set '\(activeSet)'"; statusIsError = true; return }
        runner.addToSet(GradeTarget(set: activeSet, text: text, queryID: nil))
    }

    /// `0`–`3` on a hit: a person's grade, stored at once.
    func grade(_ hit: Hit, _ value: Int) {
        guard let target = gradeTarget, outcome != nil else { status = "run a query first"; statusIsError = true; return }
        let top = grades?.maxGrade ?? 3
        guard value <= top else { status = "set '\(target.set)' grades 0-\(top)"; statusIsError = true; return }
        runner.grade(target, docID: hit.id, grade: value)
    }

    /// `u`: the last grade of this session taken back.
    func undoGrade() {
        guard let u = undoStack.popLast() else { status = "nothing to undo"; statusIsError = false; return }
        runner.undo(u)
        status = "undone: \(u.docID) for \(u.queryID)"
        statusIsError = false
    }

    /// `J`: judge mode over the query's pool (loaded on the engine queue).
    func startJudgeMode() {
        guard let target = gradeTarget, outcome != nil else { status = "run a query first, then J judges its pool"; statusIsError = true; return }
        runner.pool(target, depth: poolDepth, params: params)
        status = "pooling the top \(poolDepth) of each column…"
        statusIsError = false
    }

    /// Applies stored grades to the columns on screen: each hit's grade mark and each column's
    /// nDCG@10 and judged@10 (the engine's `Measures`).
    func apply(_ g: QueryGrades) {
        grades = g
        guard var o = outcome, o.query == g.text else { return }
        for b in o.branches.indices where o.branches[b].error == nil {
            for i in o.branches[b].hits.indices {
                let id = o.branches[b].hits[i].id
                // An imported split keeps its ✓ marks; a made set shows each grade and the gaps.
                o.branches[b].hits[i].grade = g.made ? g.grades[id] : nil
                o.branches[b].hits[i].unjudged = g.made && g.grades[id] == nil
                o.branches[b].hits[i].relevant = (g.grades[id] ?? 0) > 0
            }
            let ids = o.branches[b].hits.map(\.id)
            o.branches[b].ndcg = g.grades.isEmpty ? nil : Measures.relevance(.ndcg(k: 10), ranking: ids, judgements: g.grades)
            o.branches[b].judged = Measures.judged(ids, judgements: g.grades, k: 10)
            if g.grades.values.contains(where: { $0 > 0 }) {
                o.branches[b].recallQrels = Measures.relevance(.recall(k: 10), ranking: ids, judgements: g.grades)
            }
        }
        outcome = o
    }

    /// Grades the judge overlay's current document.
    func gradeInJudgeMode(docID: String, _ value: Int) {
        guard let p = judgePool else { return }
        guard value <= p.grades.maxGrade else { status = "set '\(p.grades.set)' grades 0-\(p.grades.maxGrade)"; statusIsError = true; return }
        runner.grade(GradeTarget(set: p.grades.set, text: p.grades.text, queryID: p.grades.queryID), docID: docID, grade: value)
    }
}
