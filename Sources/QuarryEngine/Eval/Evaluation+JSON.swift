import QuarryBase

// MARK: - Building from stored values

extension Evaluation {
    /// An evaluation from stored per-query values (e.g. a run read back from the database);
    /// means are recomputed over `queries`, a missing value counting 0.
    public init(metrics: [RelevanceMetric], queries: [String], perQuery: [String: [RelevanceMetric: Double]]) {
        var mean: [RelevanceMetric: Double] = [:]
        for m in metrics {
            let sum = queries.reduce(0.0) { $0 + (perQuery[$1]?[m] ?? 0) }
            mean[m] = queries.isEmpty ? 0 : sum / Double(queries.count)
        }
        self.init(metrics: metrics, queries: queries, perQuery: perQuery, mean: mean)
    }

    /// Metric name (`ndcg@10`, …) → mean, the shape `SweepRow.metrics` takes.
    public var meansByName: [String: Double] {
        var out: [String: Double] = [:]
        for (m, v) in mean { out[m.name] = v }
        return out
    }
}

// MARK: - JSON

extension Evaluation {
    /// `{"queries": n, "mean": {"ndcg@10": …}, "per_query": {"q1": {"ndcg@10": …}, …}}`, metrics in
    /// the evaluation's order, queries in `queries` order.
    public var json: JSONValue {
        func values(_ row: [RelevanceMetric: Double]) -> JSONValue {
            .object(metrics.map { JSONMember($0.name, .double(row[$0] ?? 0)) })
        }
        return .object([
            JSONMember("queries", .int(Int64(queries.count))),
            JSONMember("mean", values(mean)),
            JSONMember("per_query", .object(queries.map { JSONMember($0, values(perQuery[$0] ?? [:])) })),
        ])
    }

    /// Reads back what `json` wrote; metric names are checked as `RelevanceMetric.parse` does.
    public init(json: JSONValue) throws(EvalError) {
        guard case let .object(perQuery)? = json["per_query"], case let .object(means)? = json["mean"] else {
            throw .badEvaluationJSON(reason: "expected objects 'mean' and 'per_query'")
        }
        var metrics: [RelevanceMetric] = []
        for m in means { metrics.append(try RelevanceMetric.parse(m.key)) }
        var rows: [String: [RelevanceMetric: Double]] = [:]
        for q in perQuery {
            var row: [RelevanceMetric: Double] = [:]
            for m in metrics {
                guard let v = q.value[m.name]?.doubleValue else {
                    throw .badEvaluationJSON(reason: "query '\(q.key)' has no number for '\(m.name)'")
                }
                row[m] = v
            }
            rows[q.key] = row
        }
        self.init(metrics: metrics, queries: perQuery.map(\.key), perQuery: rows)
    }
}

extension RunComparison {
    /// `[{"metric", "baseline", "treatment", "delta", "t", "p_t", "p_randomization", "wins",
    /// "losses", "ties"}, …]`; `t` and `p_t` are null with fewer than 2 queries.
    public var json: JSONValue {
        .array(metrics.map { m in
            .object([
                JSONMember("metric", .string(m.metric.name)), JSONMember("baseline", .double(m.baselineMean)),
                JSONMember("treatment", .double(m.treatmentMean)), JSONMember("delta", .double(m.delta)),
                JSONMember("t", m.tTest.map { .double($0.t) } ?? .null),
                JSONMember("p_t", m.tTest.map { .double($0.pValue) } ?? .null),
                JSONMember("p_randomization", .double(m.randomizationP)),
                JSONMember("wins", .int(Int64(m.wins))), JSONMember("losses", .int(Int64(m.losses))),
                JSONMember("ties", .int(Int64(m.ties))),
            ])
        })
    }
}

extension SweepRow {
    /// `{"setting": {…}, "metrics": {…}, "p50_ms": …}`; metrics sorted by name.
    public var json: JSONValue {
        .object([
            JSONMember("setting", setting.json),
            JSONMember("metrics", .object(metrics.keys.sorted().map { JSONMember($0, .double(metrics[$0]!)) })),
            JSONMember("p50_ms", .double(p50Ms)),
        ])
    }
}
