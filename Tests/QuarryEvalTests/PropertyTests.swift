#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QuarryBase
import Testing
@testable import QuarryEval

/// The fast paths against plain oracles over random inputs (fixed seeds, so failures reproduce).
@Suite struct PropertyTests {
    /// nDCG@k, P@k, recall@k, MRR and MAP written the long way: rank by sorting on (−score, docid
    /// descending) per position, then the textbook formulas.
    static func oracle(_ metric: RelevanceMetric, judged: [String: Int], results: [RunEntry]) -> Double {
        var ranked: [RunEntry] = []
        var pool = results
        while !pool.isEmpty {  // selection of the best remaining entry, ties by the larger docid
            var best = 0
            for i in pool.indices.dropFirst() {
                let (a, b) = (pool[i], pool[best])
                if a.score > b.score || (a.score == b.score && Array(a.document.utf8).lexicographicallyPrecedes(Array(b.document.utf8)) == false && a.document != b.document) {
                    best = i
                }
            }
            ranked.append(pool.remove(at: best))
        }
        let rel = ranked.map { judged[$0.document] ?? 0 }
        let nRel = judged.values.filter { $0 > 0 }.count
        func gainSum(_ g: [Int]) -> Double { g.enumerated().reduce(0) { $0 + ($1.element > 0 ? Double($1.element) / (log(Double($1.offset + 2)) / log(2)) : 0) } }
        switch metric {
        case let .ndcg(k):
            let cut = k ?? rel.count + nRel
            let ideal = gainSum(Array(judged.values.filter { $0 > 0 }.sorted(by: >).prefix(cut)))
            return ideal == 0 ? 0 : gainSum(Array(rel.prefix(cut))) / ideal
        case let .mrr(k):
            guard let i = rel.prefix(k ?? rel.count).firstIndex(where: { $0 > 0 }) else { return 0 }
            return 1 / Double(i + 1)
        case let .recall(k): return nRel == 0 ? 0 : Double(rel.prefix(k).filter { $0 > 0 }.count) / Double(nRel)
        case let .precision(k): return Double(rel.prefix(k).filter { $0 > 0 }.count) / Double(k)
        case .map:
            guard nRel > 0 else { return 0 }
            var s = 0.0
            for i in rel.indices where rel[i] > 0 { s += Double(rel[...i].filter { $0 > 0 }.count) / Double(i + 1) }
            return s / Double(nRel)
        }
    }

    @Test func metricsAgreeWithTheOracleOnRandomRunsWithTies() {
        var rng = SplitMix64(seed: 7)
        let metrics: [RelevanceMetric] = [.ndcg(k: 5), .ndcg(k: nil), .mrr(k: 3), .mrr(k: nil), .recall(k: 5), .precision(k: 5), .map]
        for _ in 0..<200 {
            var judged: [String: Int] = [:]
            for d in 0..<12 where Int.random(in: 0..<3, using: &rng) == 0 { judged["d\(d)"] = Int.random(in: -1...3, using: &rng) }
            var qrels = Qrels()
            for (d, g) in judged { qrels.set(query: "q", document: d, relevance: g) }
            let results = (0..<12).filter { _ in Bool.random(using: &rng) }
                .map { RunEntry(document: "d\($0)", score: Double(Int.random(in: 0..<4, using: &rng))) }
            let got = RelevanceEvaluator(qrels: qrels, metrics: metrics).evaluate(query: "q", results: results.shuffled(using: &rng))
            for (m, v) in zip(metrics, got) {
                let want = Self.oracle(m, judged: judged, results: results)
                #expect(abs(v - want) < 1e-12, "\(m): \(v) vs \(want) for \(judged) \(results)")
            }
        }
    }

    @Test func frontierIsExactlyTheUndominatedRows() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<200 {
            let rows = (0..<Int.random(in: 1...12, using: &rng)).map { i in
                SweepRow(setting: SweepSetting([.init(name: "i", value: .int(i))]),
                         metrics: ["m": Double(Int.random(in: 0..<5, using: &rng)) / 4],
                         p50Ms: Double(Int.random(in: 1...5, using: &rng)))
            }
            func dominated(_ i: Int) -> Bool {
                rows.indices.contains { j in
                    let (a, b) = (rows[j], rows[i])
                    let noWorse = a.metrics["m"]! >= b.metrics["m"]! && a.p50Ms <= b.p50Ms
                    let equal = a.metrics["m"]! == b.metrics["m"]! && a.p50Ms == b.p50Ms
                    return noWorse && (!equal || j < i)
                }
            }
            let frontier = paretoFrontier(rows, metric: "m")
            #expect(Set(frontier) == Set(rows.indices.filter { !dominated($0) }))
            #expect(frontier.map { rows[$0].p50Ms } == frontier.map { rows[$0].p50Ms }.sorted())
            // tune's pick for any reachable target lies on the frontier.
            let target = Double(Int.random(in: 0..<5, using: &rng)) / 4
            if let d = tune(rows, target: .atLeast(metric: "m", value: target)), d.met {
                #expect(frontier.contains(d.index))
                #expect(!rows.contains { $0.metrics["m"]! >= target && $0.p50Ms < d.row.p50Ms })
            }
        }
    }
}
