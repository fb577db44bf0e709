#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which queries a mean is taken over.
public enum QueryAveraging: Sendable, Equatable {
    /// Every query of the qrels with at least one relevant document; a query the run has no results
    /// for counts 0 (trec_eval `-c`, and the peers' harness). Quarry's default.
    case judgedQueries
    /// The queries present in both the qrels and the run (trec_eval without `-c`, pytrec_eval).
    case runAndQrels
}

/// The metric values of one evaluation, per query and mean.
public struct Evaluation: Sendable, Equatable {
    /// The metrics evaluated, in the order asked for.
    public let metrics: [RelevanceMetric]
    /// The queries the mean is over, in qrels order.
    public let queries: [String]
    /// Query id → metric → value, for every query in `queries`.
    public let perQuery: [String: [RelevanceMetric: Double]]
    /// Metric → mean over `queries` (0 when there are none).
    public let mean: [RelevanceMetric: Double]

    /// The values of one metric, aligned with `queries`.
    public func values(_ metric: RelevanceMetric) -> [Double] {
        queries.map { perQuery[$0]?[metric] ?? 0 }
    }
}

/// Scores runs against qrels with trec_eval's definitions (see `RelevanceMetric`).
///
/// Ranking as trec_eval: the stored order and rank column are ignored, results are ranked by
/// score descending and equal scores by document id descending (`Run.trecOrder`). Documents the
/// qrels do not judge count as not relevant.
public struct RelevanceEvaluator: Sendable {
    public let qrels: Qrels
    public let metrics: [RelevanceMetric]
    public let averaging: QueryAveraging

    public init(qrels: Qrels, metrics: [RelevanceMetric] = RelevanceMetric.standard, averaging: QueryAveraging = .judgedQueries) {
        self.qrels = qrels
        self.metrics = metrics
        self.averaging = averaging
    }

    /// Evaluates a whole run: per-query values and their means.
    public func evaluate(_ run: Run) -> Evaluation {
        let queries: [String]
        switch averaging {
        case .judgedQueries: queries = qrels.queriesWithRelevant
        case .runAndQrels: queries = qrels.queryIDs.filter { run.results[$0] != nil }
        }
        var perQuery: [String: [RelevanceMetric: Double]] = [:]
        var sums = [Double](repeating: 0, count: metrics.count)
        for q in queries {
            let values = evaluate(query: q, results: run.results[q] ?? [])
            var row: [RelevanceMetric: Double] = [:]
            for (i, m) in metrics.enumerated() {
                row[m] = values[i]
                sums[i] += values[i]
            }
            perQuery[q] = row
        }
        var mean: [RelevanceMetric: Double] = [:]
        for (i, m) in metrics.enumerated() { mean[m] = queries.isEmpty ? 0 : sums[i] / Double(queries.count) }
        return Evaluation(metrics: metrics, queries: queries, perQuery: perQuery, mean: mean)
    }

    /// The values of `metrics` for one query's results (any order; ranked by `Run.trecOrder`),
    /// each by `Measures.relevance`.
    public func evaluate(query: String, results: [RunEntry]) -> [Double] {
        let judged = qrels[query] ?? [:]
        let ranking = Run.trecOrder(results).map(\.document)
        return metrics.map { Measures.relevance($0, ranking: ranking, judgements: judged) }
    }

    /// One metric over a ranked list of grades, given the ideal (all relevant grades, descending):
    /// the one definition of each relevance metric.
    static func value(_ metric: RelevanceMetric, grades: [Int], ideal: [Int]) -> Double {
        let relevant = ideal.count
        switch metric {
        case let .ndcg(k):
            let cut = k ?? Int.max
            let idcg = dcg(ideal.prefix(cut))
            return idcg > 0 ? dcg(grades.prefix(cut)) / idcg : 0
        case let .mrr(k):
            for (i, g) in grades.prefix(k ?? Int.max).enumerated() where g > 0 { return 1 / Double(i + 1) }
            return 0
        case let .recall(k):
            guard relevant > 0 else { return 0 }
            return Double(grades.prefix(k).count { $0 > 0 }) / Double(relevant)
        case let .precision(k):
            return Double(grades.prefix(k).count { $0 > 0 }) / Double(k)
        case .map:
            guard relevant > 0 else { return 0 }
            var found = 0
            var sum = 0.0
            for (i, g) in grades.enumerated() where g > 0 {
                found += 1
                sum += Double(found) / Double(i + 1)
            }
            return sum / Double(relevant)
        }
    }

    /// Discounted cumulative gain with linear gain and log2(rank + 1) discount (trec_eval).
    static func dcg(_ grades: ArraySlice<Int>) -> Double {
        var sum = 0.0
        for (i, g) in grades.enumerated() where g > 0 {
            sum += Double(g) / log2(Double(i + 2))
        }
        return sum
    }
}
