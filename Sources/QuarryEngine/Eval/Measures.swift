import QuarryBase

/// The measures of one query's answer, each defined once, here, and returned as typed values:
/// against judgements (trec_eval's definitions, `RelevanceMetric`), against the exact answer
/// (recall of an approximate search), and against another system's answer (overlap and
/// rank-biased overlap). Evaluation, EXPLAIN ANALYZE, the TUI's columns and metrics and the
/// comparison with a remote backend all call these; a mean over queries is the mean of these.
public enum Measure: Hashable, Sendable, CustomStringConvertible {
    /// A relevance metric against the qrels (nDCG, MRR, recall, P, MAP).
    case relevance(RelevanceMetric)
    /// The share of the exact top-k that the answer's top-k holds.
    case exactRecall(k: Int)
    /// The share of one answer's top-k that another answer's top-k holds.
    case overlap(k: Int)
    /// Rank-biased overlap of two answers with persistence p, to depth k.
    case rankBiasedOverlap(p: Double, k: Int)
    /// The share of the answer's top-k that has a judgement, relevant or not (judged@k).
    case judged(k: Int)
    /// nDCG@k on the condensed list: unjudged documents removed before ranking (nDCG′).
    case condensedNDCG(k: Int)
    /// bpref: relevant documents ranked above judged non-relevant ones; unjudged ones ignored.
    case bpref

    /// `ndcg@10`, `recall@10 exact`, `overlap@10`, `rbo@10`.
    public var description: String {
        switch self {
        case let .relevance(m): return m.name
        case let .exactRecall(k): return "recall@\(k) exact"
        case let .overlap(k): return "overlap@\(k)"
        case let .rankBiasedOverlap(_, k): return "rbo@\(k)"
        case let .judged(k): return "judged@\(k)"
        case let .condensedNDCG(k): return "ndcg'@\(k)"
        case .bpref: return "bpref"
        }
    }
}

/// One measured value.
public struct Measurement: Sendable, Equatable {
    public var measure: Measure
    public var value: Double
    public init(_ measure: Measure, _ value: Double) {
        self.measure = measure
        self.value = value
    }
}

public enum Measures {
    // MARK: - Against judgements

    /// A relevance metric of one ranked answer (best first) against one query's judgements
    /// (document id → grade; grade ≤ 0 is not relevant). A document repeated in the ranking counts
    /// at its first rank. The definitions are trec_eval's (see `RelevanceMetric`).
    public static func relevance(_ metric: RelevanceMetric, ranking: some Sequence<String>, judgements: [String: Int]) -> Double {
        var seen = Set<String>()
        var grades: [Int] = []
        for id in ranking where seen.insert(id).inserted { grades.append(judgements[id] ?? 0) }
        let ideal = judgements.values.filter { $0 > 0 }.sorted(by: >)
        return RelevanceEvaluator.value(metric, grades: grades, ideal: ideal)
    }

    // MARK: - Incomplete judgements

    /// judged@k: the share of the answer's first k documents (fewer when it is shorter) that have
    /// a judgement of any grade. A metric beside a low judged@k counts unjudged documents as not
    /// relevant, so its rise or fall may be the judgements' gaps; 0 for an empty answer.
    public static func judged(_ ranking: some Sequence<String>, judgements: [String: Int], k: Int) -> Double {
        var seen = Set<String>()
        var count = 0, judged = 0
        for id in ranking where seen.insert(id).inserted {
            guard count < k else { break }
            count += 1
            if judgements[id] != nil { judged += 1 }
        }
        return count == 0 ? 0 : Double(judged) / Double(count)
    }

    /// nDCG′@k (Sakai, "Alternatives to Bpref", SIGIR 2007): nDCG@k of the condensed list, the
    /// answer with its unjudged documents removed, so gaps in the judgements neither reward nor
    /// punish a system. Same gains and ideal as `relevance(.ndcg)`.
    public static func condensedNDCG(_ ranking: some Sequence<String>, judgements: [String: Int], k: Int) -> Double {
        relevance(.ndcg(k: k), ranking: ranking.filter { judgements[$0] != nil }, judgements: judgements)
    }

    /// bpref (Buckley & Voorhees, "Retrieval Evaluation with Incomplete Information", SIGIR 2004),
    /// as trec_eval computes it: with R judged relevant and N judged non-relevant documents,
    /// `1/R · Σ over relevant retrieved r of (1 − min(n_r, R) / min(R, N))`, n_r the judged
    /// non-relevant documents ranked above r (a term is 1 when none are). Unjudged documents are
    /// skipped; 0 when nothing is relevant.
    public static func bpref(_ ranking: some Sequence<String>, judgements: [String: Int]) -> Double {
        let relevant = judgements.values.filter { $0 > 0 }.count
        let nonRelevant = judgements.count - relevant
        guard relevant > 0 else { return 0 }
        var seen = Set<String>()
        var above = 0
        var sum = 0.0
        for id in ranking where seen.insert(id).inserted {
            guard let grade = judgements[id] else { continue }
            if grade > 0 {
                sum += above > 0 ? 1 - Double(min(above, relevant)) / Double(min(relevant, nonRelevant)) : 1
            } else {
                above += 1
            }
        }
        return sum / Double(relevant)
    }

    // MARK: - Agreement between judges

    /// How disagreements weigh in `cohensKappa`.
    public enum KappaWeights: String, Sendable {
        /// Every disagreement counts fully (binary scales).
        case unweighted
        /// A disagreement of d grades on a scale of c grades counts d/(c−1) (graded scales).
        case linear
        /// … counts (d/(c−1))².
        case quadratic
    }

    /// Cohen's κ (Cohen 1960; weighted: Cohen 1968) of two judges' grades of the same items:
    /// `1 − Σ w·observed / Σ w·expected`, the expected table being the product of each judge's
    /// marginal shares. `pairs` are (grade of A, grade of B), grades in `0...maxGrade`. 1 is full
    /// agreement, 0 what chance gives; nil when there is nothing to compare or chance already
    /// agrees fully (one grade used by both judges throughout).
    public static func cohensKappa(_ pairs: [(Int, Int)], maxGrade: Int, weights: KappaWeights) -> Double? {
        let c = maxGrade + 1
        guard !pairs.isEmpty, c >= 2 else { return nil }
        var table = [[Double]](repeating: [Double](repeating: 0, count: c), count: c)
        for (a, b) in pairs {
            table[min(max(a, 0), maxGrade)][min(max(b, 0), maxGrade)] += 1
        }
        let n = Double(pairs.count)
        let rows = table.map { $0.reduce(0, +) / n }
        let columns = (0..<c).map { j in table.reduce(0) { $0 + $1[j] } / n }
        var observed = 0.0, expected = 0.0
        for i in 0..<c {
            for j in 0..<c where i != j {
                let d = Double(abs(i - j)) / Double(c - 1)
                let w: Double
                switch weights {
                case .unweighted: w = 1
                case .linear: w = d
                case .quadratic: w = d * d
                }
                observed += w * table[i][j] / n
                expected += w * rows[i] * columns[j]
            }
        }
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }

    // MARK: - Against the exact answer

    /// Recall@k of an approximate answer against the exact one: the share of the exact top-k ids
    /// that the approximate top-k returned (ann-benchmarks' and the peers' harness's definition:
    /// `|returned[:k] ∩ exact[:k]| / k`).
    ///
    /// When the exact answer has fewer than k ids (a selective filter, a small collection), the
    /// denominator is that count, so returning everything there is recall 1. An empty exact answer
    /// gives 1 (nothing was missed). Repeated ids in `returned` count once.
    public static func exactRecall<ID: Hashable>(returned: some Collection<ID>, exact: some Collection<ID>, k: Int) -> Double {
        let truth = Set(exact.prefix(k))
        guard !truth.isEmpty, k > 0 else { return 1 }
        var hits = Set<ID>()
        for id in returned.prefix(k) where truth.contains(id) { hits.insert(id) }
        return Double(hits.count) / Double(truth.count)
    }

    /// The mean of `exactRecall` over queries; `returned[i]` and `exact[i]` belong to query i.
    /// Queries missing from `returned` (a shorter array) count 0. No queries give 1.
    public static func meanExactRecall<ID: Hashable>(returned: [[ID]], exact: [[ID]], k: Int) -> Double {
        guard !exact.isEmpty else { return 1 }
        var sum = 0.0
        for (i, truth) in exact.enumerated() {
            sum += i < returned.count ? exactRecall(returned: returned[i], exact: truth, k: k) : (truth.isEmpty ? 1 : 0)
        }
        return sum / Double(exact.count)
    }

    // MARK: - Against another answer

    /// Overlap@k of two answers: the ids both top-k lists hold over the length of the longer
    /// list's top-k (k when both have k or more). Order within the top-k does not matter; two
    /// empty answers overlap fully (1), one empty answer not at all.
    public static func overlap<ID: Hashable>(_ a: some Collection<ID>, _ b: some Collection<ID>, k: Int) -> Double {
        let x = Set(a.prefix(k)), y = Set(b.prefix(k))
        let size = max(x.count, y.count)
        guard size > 0 else { return 1 }
        return Double(x.intersection(y).count) / Double(size)
    }

    /// Rank-biased overlap (Webber, Moffat & Zobel, "A Similarity Measure for Indefinite
    /// Rankings", TOIS 2010), extrapolated form RBO_ext (their eq. 32) to depth d:
    /// `X_d/d · p^d + (1−p)/p · Σ_{i=1..d} X_i/i · p^i`, X_i the ids both top-i lists share.
    /// A user who reads on with persistence p weighs the top ranks most (p = 0.9: the first 10
    /// ranks carry 86 % of the weight). d is k, or less when a list is shorter; 1 for identical
    /// rankings, 0 for disjoint ones, 1 for two empty ones.
    public static func rankBiasedOverlap<ID: Hashable>(_ a: [ID], _ b: [ID], p: Double = 0.9, k: Int) -> Double {
        let depth = min(k, a.count, b.count)
        guard depth > 0 else { return a.isEmpty && b.isEmpty ? 1 : 0 }
        var seenA = Set<ID>(), seenB = Set<ID>()
        var shared = 0
        var sum = 0.0
        var weight = 1.0
        for i in 0..<depth {
            let x = a[i], y = b[i]
            if x == y {
                if seenA.insert(x).inserted, seenB.insert(y).inserted { shared += 1 }
            } else {
                if seenA.insert(x).inserted, seenB.contains(x) { shared += 1 }
                if seenB.insert(y).inserted, seenA.contains(y) { shared += 1 }
            }
            weight *= p
            sum += Double(shared) / Double(i + 1) * weight
        }
        return Double(shared) / Double(depth) * weight + (1 - p) / p * sum
    }

    /// The value of `measure` for one answer, given what it is measured against: the query's
    /// judgements, the exact answer, or another system's answer. Nil when that is missing.
    public static func value(_ measure: Measure, ranking: [String], judgements: [String: Int]? = nil,
                             exact: [String]? = nil, other: [String]? = nil) -> Measurement? {
        switch measure {
        case let .relevance(m):
            return judgements.map { Measurement(measure, relevance(m, ranking: ranking, judgements: $0)) }
        case let .exactRecall(k):
            return exact.map { Measurement(measure, exactRecall(returned: ranking, exact: $0, k: k)) }
        case let .overlap(k):
            return other.map { Measurement(measure, overlap(ranking, $0, k: k)) }
        case let .rankBiasedOverlap(p, k):
            return other.map { Measurement(measure, rankBiasedOverlap(ranking, $0, p: p, k: k)) }
        case let .judged(k):
            return judgements.map { Measurement(measure, judged(ranking, judgements: $0, k: k)) }
        case let .condensedNDCG(k):
            return judgements.map { Measurement(measure, condensedNDCG(ranking, judgements: $0, k: k)) }
        case .bpref:
            return judgements.map { Measurement(measure, bpref(ranking, judgements: $0)) }
        }
    }
}
