import Foundation
import QuarryEval

/// Fusion of ranked branches (lexical, vector) into one ranking.
///
/// - RRF: Cormack, Clarke & Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and
///   individual Rank Learning Methods", SIGIR 2009: score(d) = Σ_branches 1 / (k + rank(d)),
///   ranks from 1; a document absent from a branch gets nothing from it. k = 60 by default.
/// - Weighted: Σ w_b · norm_b(score_b(d)) with each branch's scores (its window of hits)
///   normalized first; absent documents contribute 0. The normalizations:
///   - `minmax` (the default): (s − min) / (max − min), 1 when all scores are equal;
///   - `zscore`: (s − mean) / sd with the population sd, 0 when sd = 0;
///   - `dbsf`: Qdrant's distribution-based score fusion (Qdrant 1.11, `score_fusion.rs`):
///     min-max between mean − 3σ and mean + 3σ, σ the sample standard deviation (n − 1);
///     0.5 when there is one score or σ = 0. That is 0.5 + z/6: it orders a branch's hits as
///     z-score does, and differs in what a document absent from the branch gets (0, three
///     standard deviations below the mean, where z-score's 0 is the mean);
///   - `arctan`: 2/π · atan(s) (what Milvus's WeightedRanker does to BM25 and IP scores);
///   - `none`: the raw scores.
/// - Auto (`FusionSpec.auto`) is resolved by the planner into one of the above
///   (`Workbench.resolveFusion`); here it is RRF with k = 60.
/// Ties are broken by the document ordinal, as everywhere in the engine.
public enum Fusion {
    public struct Contribution: Sendable, Equatable {
        public var branch: Int
        public var rank: Int          // 1-based rank in the branch
        public var score: Float       // the branch's raw score
        public var fused: Double      // what this branch added to the fused score
    }

    public struct Hit: Sendable, Equatable {
        public var id: UInt32
        public var score: Double
        public var contributions: [Contribution]
    }

    public static func fuse(_ branches: [[ScoredID]], spec: FusionSpec) -> [Hit] {
        var table: [UInt32: Hit] = [:]
        switch spec {
        case .auto:
            return fuse(branches, spec: .rrf(k: 60))
        case let .rrf(k):
            for (b, hits) in branches.enumerated() {
                for (r, h) in hits.enumerated() {
                    let add = 1.0 / (k + Double(r + 1))
                    table[h.id, default: Hit(id: h.id, score: 0, contributions: [])].score += add
                    table[h.id]!.contributions.append(Contribution(branch: b, rank: r + 1, score: h.score, fused: add))
                }
            }
        case let .weighted(weights, normalize):
            for (b, hits) in branches.enumerated() {
                let w = b < weights.count ? weights[b] : 0
                let normalized = Self.normalize(hits.map { Double($0.score) }, normalize)
                for (r, h) in hits.enumerated() {
                    let add = w * normalized[r]
                    table[h.id, default: Hit(id: h.id, score: 0, contributions: [])].score += add
                    table[h.id]!.contributions.append(Contribution(branch: b, rank: r + 1, score: h.score, fused: add))
                }
            }
        }
        return table.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    public static func normalize(_ scores: [Double], _ method: Normalization) -> [Double] {
        guard !scores.isEmpty else { return [] }
        switch method {
        case .none: return scores
        case .minmax:
            let lo = scores.min()!, hi = scores.max()!
            return hi > lo ? scores.map { ($0 - lo) / (hi - lo) } : scores.map { _ in 1 }
        case .zscore:
            let mean = scores.reduce(0, +) / Double(scores.count)
            let sd = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scores.count)).squareRoot()
            return sd > 0 ? scores.map { ($0 - mean) / sd } : scores.map { _ in 0 }
        case .dbsf:
            guard scores.count > 1 else { return [0.5] }
            let mean = scores.reduce(0, +) / Double(scores.count)
            let sd = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scores.count - 1)).squareRoot()
            guard sd > 0 else { return scores.map { _ in 0.5 } }
            let lo = mean - 3 * sd, hi = mean + 3 * sd
            return scores.map { ($0 - lo) / (hi - lo) }
        case .arctan:
            return scores.map { 2 / Double.pi * atan($0) }
        }
    }

    /// The fusion arithmetic of one hit, e.g. `1/(60+3) + 1/(60+1) = 0.0323`.
    public static func arithmetic(_ hit: Hit, spec: FusionSpec) -> String {
        switch spec {
        case .auto:
            return arithmetic(hit, spec: .rrf(k: 60))
        case let .rrf(k):
            let kk = Bounds.integer(k, in: Int.min...Int.max).map(String.init) ?? String(k)
            return hit.contributions.map { "1/(\(kk)+\($0.rank))" }.joined(separator: " + ") + " = " + NumberText.fixedPadded(hit.score, decimals: 4)
        case let .weighted(weights, _):
            return hit.contributions.map { c in
                let w = c.branch < weights.count ? weights[c.branch] : 0
                return NumberText.fixedPadded(w, decimals: 2) + "×" + NumberText.fixedPadded(w != 0 ? c.fused / w : 0, decimals: 4)
            }.joined(separator: " + ") + " = " + NumberText.fixedPadded(hit.score, decimals: 4)
        }
    }
}
