import Foundation
import QuarryEval

/// Fusion of ranked branches (lexical, vector) into one ranking.
///
/// - RRF: Cormack, Clarke & Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and
///   individual Rank Learning Methods", SIGIR 2009: score(d) = Σ_branches 1 / (k + rank(d)),
///   ranks from 1; a document absent from a branch gets nothing from it. k = 60 by default.
/// - Weighted: Σ w_b · norm_b(score_b(d)) with the branch's scores normalized first
///   (min-max to [0, 1] by default, or z-score, or arctan squashing 2/π·atan(x), or none);
///   absent documents contribute 0.
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
        case .arctan:
            return scores.map { 2 / Double.pi * atan($0) }
        }
    }

    /// The fusion arithmetic of one hit, e.g. `1/(60+3) + 1/(60+1) = 0.0323`.
    public static func arithmetic(_ hit: Hit, spec: FusionSpec) -> String {
        switch spec {
        case let .rrf(k):
            let kk = k == k.rounded() ? String(Int(k)) : String(k)
            return hit.contributions.map { "1/(\(kk)+\($0.rank))" }.joined(separator: " + ") + " = " + NumberText.fixedPadded(hit.score, decimals: 4)
        case let .weighted(weights, _):
            return hit.contributions.map { c in
                let w = c.branch < weights.count ? weights[c.branch] : 0
                return NumberText.fixedPadded(w, decimals: 2) + "×" + NumberText.fixedPadded(w != 0 ? c.fused / w : 0, decimals: 4)
            }.joined(separator: " + ") + " = " + NumberText.fixedPadded(hit.score, decimals: 4)
        }
    }
}
