extension StatementResult {
    /// The contract of `quarry query --json`: "hits" (id, score, rank, each branch's rank and score;
    /// "group" under GROUP BY, "rankers" under RANK BY), "plan", "timing_ms".
    public var json: JSONValue {
        func hitsJSON(_ s: SearchResult) -> JSONValue {
            .array(s.hits.map { h in
                var m = [JSONMember("rank", .int(Int64(h.rank))), JSONMember("id", .string(h.id)), JSONMember("score", .double(h.score))]
                for (name, v) in h.branches.sorted(by: { $0.key < $1.key }) {
                    m.append(JSONMember(name, .object([JSONMember("rank", .int(Int64(v.rank))), JSONMember("score", .double(Double(v.score)))])))
                }
                if let f = h.fusion { m.append(JSONMember("fusion", .string(f))) }
                if let g = h.group { m.append(JSONMember("group", g)) }
                if !h.rankers.isEmpty {
                    m.append(JSONMember("rankers", .array(h.rankers.map { e in
                        .object([JSONMember("ranker", .string(e.ranker)), JSONMember("input", .string(e.input)), JSONMember("factor", .double(e.factor)),
                                 JSONMember("score_before", .double(e.scoreBefore)), JSONMember("score", .double(e.score))])
                    })))
                }
                return .object(m)
            })
        }
        func searchJSON(_ s: SearchResult, analyze: Bool) -> JSONValue {
            var m = [JSONMember("hits", hitsJSON(s)), JSONMember("plan", s.plan.json(analyze: analyze)),
                     JSONMember("timing_ms", .object([JSONMember("planning", .double(s.planningMs)), JSONMember("execution", .double(s.executionMs))]))]
            if !s.terms.isEmpty { m.append(JSONMember("terms", .array(s.terms.map { .string($0) }))) }
            if !s.recall.isEmpty { m.append(JSONMember("recall", .object(s.recall.sorted { $0.key < $1.key }.map { JSONMember($0.key, .double($0.value)) }))) }
            return .object(m)
        }
        switch self {
        case let .search(s): return searchJSON(s, analyze: true)
        case let .explain(s, analyze): return searchJSON(s, analyze: analyze)
        case let .compare(a, b): return .object([JSONMember("left", searchJSON(a, analyze: true)), JSONMember("right", searchJSON(b, analyze: true))])
        case let .message(m): return .object([JSONMember("message", .string(m))])
        case let .settings(rows):
            return .object(rows.map { JSONMember($0.name, .string($0.value)) })
        }
    }
}
