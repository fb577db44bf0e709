/// One metric of two runs compared query by query (baseline A, treatment B).
public struct MetricComparison: Sendable, Equatable {
    public var metric: RelevanceMetric
    public var baselineMean: Double
    public var treatmentMean: Double
    /// `treatmentMean − baselineMean`.
    public var delta: Double
    /// Paired t-test on the per-query values; nil with fewer than 2 queries.
    public var tTest: PairedTTest?
    /// Two-sided p-value of the paired randomization test.
    public var randomizationP: Double
    /// Queries where B scores higher than A, lower, and the same (within 1e-9).
    public var wins: Int
    public var losses: Int
    public var ties: Int
    /// The queries behind `wins` and `losses`, with their per-query delta, largest change first
    /// (equal changes by query id), so a report can show the biggest moves.
    public var moves: [QueryDelta]
}

/// The change of one query's value from baseline to treatment.
public struct QueryDelta: Sendable, Equatable {
    public var query: String
    public var delta: Double
}

/// Compares two evaluations of the same query set: metric deltas, a paired t-test and a paired
/// randomization test per metric, and per-query wins, losses and ties (as ranx's `compare`).
///
/// The queries compared are those of the baseline that the treatment also evaluated, in the
/// baseline's order; the metrics are those both evaluated, in the baseline's order.
public struct RunComparison: Sendable, Equatable {
    public var queries: [String]
    public var metrics: [MetricComparison]

    /// Tolerance under which two per-query values count as a tie.
    public static let tieTolerance = 1e-9

    public init(baseline: Evaluation, treatment: Evaluation, permutations: Int = 10_000, seed: UInt64 = 42) {
        let inTreatment = Set(treatment.queries)
        queries = baseline.queries.filter { inTreatment.contains($0) }
        let shared = baseline.metrics.filter { treatment.metrics.contains($0) }
        var out: [MetricComparison] = []
        for m in shared {
            let a = queries.map { baseline.perQuery[$0]?[m] ?? 0 }
            let b = queries.map { treatment.perQuery[$0]?[m] ?? 0 }
            var wins = 0, losses = 0, ties = 0
            var moves: [QueryDelta] = []
            for i in queries.indices {
                let d = b[i] - a[i]
                if abs(d) <= Self.tieTolerance { ties += 1; continue }
                if d > 0 { wins += 1 } else { losses += 1 }
                moves.append(QueryDelta(query: queries[i], delta: d))
            }
            moves.sort { abs($0.delta) != abs($1.delta) ? abs($0.delta) > abs($1.delta) : $0.query.utf8.lexicographicallyPrecedes($1.query.utf8) }
            let meanA = a.isEmpty ? 0 : a.reduce(0, +) / Double(a.count)
            let meanB = b.isEmpty ? 0 : b.reduce(0, +) / Double(b.count)
            out.append(MetricComparison(
                metric: m, baselineMean: meanA, treatmentMean: meanB, delta: meanB - meanA,
                tTest: pairedTTest(baseline: a, treatment: b),
                randomizationP: pairedRandomizationTest(baseline: a, treatment: b, permutations: permutations, seed: seed),
                wins: wins, losses: losses, ties: ties, moves: moves))
        }
        metrics = out
    }
}
