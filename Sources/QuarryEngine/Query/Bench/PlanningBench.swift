import Foundation
import QuarryStorage

/// `quarry bench planning`: planning time, and what EXPLAIN ANALYZE adds to execution when it
/// does not compute recall, over a collection's queries in the statement shapes people use.
public enum PlanningBench {
    public static func run(_ wb: Workbench, collection: String, queries limit: Int) throws -> JSONValue {
        let queries = Array(try wb.database.queries(collection: collection).prefix(limit))
        guard !queries.isEmpty else { throw EngineError.badParameter("collection '\(collection)' has no queries") }
        let schema = try wb.schema(collection)
        var shapes: [(String, (StoredQuery) -> SearchStatement)] = [("bm25", { q in
            var s = SearchStatement(collection: collection)
            s.match = MatchClause(text: q.text, plain: true)
            return s
        })]
        if let vf = schema.vectorFields.first, let qv = try? wb.database.queryVectors(collection: collection, field: vf.name), !qv.isEmpty {
            shapes.append(("vector", { q in
                var s = SearchStatement(collection: collection)
                s.near = NearClause(target: .vector(qv[q.id] ?? []), field: vf.name)
                return s
            }))
            shapes.append(("hybrid", { q in
                var s = SearchStatement(collection: collection)
                s.match = MatchClause(text: q.text, plain: true)
                s.near = NearClause(target: .vector(qv[q.id] ?? []), field: vf.name)
                return s
            }))
        }
        let saved = wb.settings
        try wb.settings.set("recall", .bool(false))
        defer { wb.settings = saved }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        var rows: [JSONValue] = []
        for (name, make) in shapes {
            var planning: [Double] = [], plain: [Double] = [], analyzed: [Double] = []
            for q in queries { _ = try wb.search(make(q)) }  // warm-up
            // Alternate which mode runs first, so cache warmth does not favour one of them.
            for round in 0..<4 {
                for q in queries {
                    let s = make(q)
                    let first = try wb.search(s, analyze: round % 2 == 1)
                    let second = try wb.search(s, analyze: round % 2 == 0)
                    let (a, b) = round % 2 == 1 ? (second, first) : (first, second)
                    planning.append(a.planningMs)
                    plain.append(a.executionMs)
                    analyzed.append(b.executionMs)
                }
            }
            let overhead = (median(analyzed) - median(plain)) / median(plain)
            rows.append(.object([
                JSONMember("statement", .string(name)), JSONMember("queries", .int(Int64(queries.count))),
                JSONMember("planning_ms_p50", .double(median(planning))),
                JSONMember("execution_ms_p50", .double(median(plain))),
                JSONMember("explain_analyze_execution_ms_p50", .double(median(analyzed))),
                JSONMember("explain_analyze_overhead", .double(overhead)),
            ]))
        }
        return .object([JSONMember("collection", .string(collection)), JSONMember("rows", .array(rows))])
    }
}
