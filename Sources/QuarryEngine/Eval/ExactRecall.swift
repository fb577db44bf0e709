/// Recall@k of an approximate answer against the exact one: the share of the exact top-k ids
/// that the approximate top-k returned (ann-benchmarks' and the peers' harness's definition:
/// `|returned[:k] ∩ exact[:k]| / k`).
///
/// When the exact answer has fewer than k ids (a selective filter, a small collection), the
/// denominator is that count, so returning everything there is recall 1. An empty exact answer
/// gives 1 (nothing was missed). Repeated ids in `returned` count once.
public func exactRecall<ID: Hashable>(returned: some Collection<ID>, exact: some Collection<ID>, k: Int) -> Double {
    let truth = Set(exact.prefix(k))
    guard !truth.isEmpty, k > 0 else { return 1 }
    var hits = Set<ID>()
    for id in returned.prefix(k) where truth.contains(id) { hits.insert(id) }
    return Double(hits.count) / Double(truth.count)
}

/// The mean of `exactRecall` over queries; `returned[i]` and `exact[i]` belong to query i.
/// Queries missing from `returned` (a shorter array) count 0. No queries give 1.
public func meanExactRecall<ID: Hashable>(returned: [[ID]], exact: [[ID]], k: Int) -> Double {
    guard !exact.isEmpty else { return 1 }
    var sum = 0.0
    for (i, truth) in exact.enumerated() {
        sum += i < returned.count ? exactRecall(returned: returned[i], exact: truth, k: k) : (truth.isEmpty ? 1 : 0)
    }
    return sum / Double(exact.count)
}
