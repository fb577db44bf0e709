import QuarryBase

/// The headline numbers of one evaluation, with JSON keys that scripts rely on:
/// `ndcg@10`, `mrr@10`, `recall@100`, `p@10`, `map`, `queries`,
/// `latency_ms` {`p50`, `p95`, `p99`, `max`} and `qps`. A value that was not measured is `null`;
/// the keys are always present, in this order.
public struct EvalSummary: Sendable, Equatable {
    public var ndcg10: Double?
    public var mrr10: Double?
    public var recall100: Double?
    public var p10: Double?
    public var map: Double?
    public var queries: Int
    public var latency: LatencySummary?

    public init(ndcg10: Double?, mrr10: Double?, recall100: Double?, p10: Double?, map: Double?, queries: Int, latency: LatencySummary?) {
        self.ndcg10 = ndcg10
        self.mrr10 = mrr10
        self.recall100 = recall100
        self.p10 = p10
        self.map = map
        self.queries = queries
        self.latency = latency
    }

    /// The summary of an evaluation (its means of the standard metrics, where evaluated).
    public init(evaluation: Evaluation, latency: LatencySummary? = nil) {
        self.init(
            ndcg10: evaluation.mean[.ndcg(k: 10)], mrr10: evaluation.mean[.mrr(k: 10)],
            recall100: evaluation.mean[.recall(k: 100)], p10: evaluation.mean[.precision(k: 10)],
            map: evaluation.mean[.map], queries: evaluation.queries.count, latency: latency)
    }

    /// The record as JSON, keys in the documented order.
    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { .double($0) } ?? .null }
        let latencyJSON: JSONValue = latency.map {
            .object([JSONMember("p50", .double($0.p50Ms)), JSONMember("p95", .double($0.p95Ms)),
                     JSONMember("p99", .double($0.p99Ms)), JSONMember("max", .double($0.maxMs))])
        } ?? .null
        return .object([
            JSONMember("ndcg@10", number(ndcg10)), JSONMember("mrr@10", number(mrr10)),
            JSONMember("recall@100", number(recall100)), JSONMember("p@10", number(p10)),
            JSONMember("map", number(map)), JSONMember("queries", .int(Int64(queries))),
            JSONMember("latency_ms", latencyJSON), JSONMember("qps", number(latency?.qps)),
        ])
    }

    /// trec_eval-style text: one `name<TAB>all<TAB>value` line per figure (name padded to 22, as trec_eval), values to 4 decimals
    /// (latency in ms to 3), unmeasured figures left out.
    public var text: String {
        var lines: [String] = []
        func add(_ name: String, _ v: Double?, _ decimals: Int = 4) {
            guard let v else { return }
            lines.append(name.padding(to: 22) + "\tall\t" + NumberText.fixedPadded(v, decimals: decimals))
        }
        add("ndcg@10", ndcg10); add("mrr@10", mrr10); add("recall@100", recall100); add("p@10", p10); add("map", map)
        lines.append("queries".padding(to: 22) + "\tall\t\(queries)")
        if let l = latency {
            add("latency_p50_ms", l.p50Ms, 3); add("latency_p95_ms", l.p95Ms, 3)
            add("latency_p99_ms", l.p99Ms, 3); add("latency_max_ms", l.maxMs, 3); add("qps", l.qps, 1)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
