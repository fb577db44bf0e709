import Foundation
import QuarryEval
import QuarryVector

/// `quarry bench filtered`: filtered vector search on fbin vectors (an HNSW index and its FLAT
/// oracle). For allowed fractions of 0.1 %, 1 %, 10 % and 50 % — drawn at random, or as one
/// neighbourhood (the ids nearest one record, as a correlated metadata filter would give) — the
/// strategy the filter planner picks, with its latency and recall@10 against the exact filtered
/// answer, beside in-graph HNSW alone at ef 64 and 256.
public enum FilteredVectorBench {
    public static func run(fbin: String, queries queriesPath: String?, maxQueries: Int = 300) throws -> JSONValue {
        let base = try Fbin.read(path: fbin)
        let d = base.dimension, n = base.count
        var queries: [[Float]]
        if let queriesPath {
            let q = try Fbin.read(path: queriesPath)
            guard q.dimension == d else { throw EngineError.badParameter("\(queriesPath): dimension \(q.dimension), but \(fbin) has \(d)") }
            queries = (0..<min(q.count, maxQueries)).map { Array(q.vectors[$0 * d..<($0 + 1) * d]) }
        } else {
            queries = stride(from: 0, to: n, by: max(1, n / maxQueries)).prefix(maxQueries).map { Array(base.vectors[$0 * d..<($0 + 1) * d]) }
        }
        let hnsw = HNSWIndex(dimension: d, metric: .ip)
        try hnsw.build(base.vectors)
        let flat = FlatIndex(dimension: d, metric: .ip)
        try flat.build(base.vectors)
        let anchor = Array(base.vectors[0..<d])
        var scored: [(id: UInt32, score: Float)] = []
        for i in 0..<n {
            let row = Array(base.vectors[(i * d)..<((i + 1) * d)])
            scored.append((UInt32(i), VectorMath.score(anchor, row, metric: .ip)))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        let nearAnchor = scored.map(\.id)
        var rows: [JSONValue] = []
        for fraction in [0.001, 0.01, 0.1, 0.5] {
            for correlated in [false, true] {
                let want = max(1, Int(Double(n) * fraction))
                var rng = SplitMix64(seed: 42)
                let ids: [UInt32] = correlated ? Array(nearAnchor.prefix(want)) : Array((0..<UInt32(n)).shuffled(using: &rng).prefix(want))
                let allowed = Bitmap(ids)
                let truth = try queries.map { try flat.search(query: $0, k: 10, params: .init(), filter: .init(allowed: allowed, strategy: .exactScan)).hits.map(\.id) }
                func measure(_ filter: VectorFilter, ef: Int) throws -> (recall: Double, msPerQuery: Double, last: VectorSearchResult?) {
                    var found: [[UInt32]] = []
                    var last: VectorSearchResult?
                    let start = monotonicNanoseconds()
                    for q in queries {
                        let r = try hnsw.search(query: q, k: 10, params: .init(ef: ef), filter: filter)
                        found.append(r.hits.map(\.id))
                        last = r
                    }
                    let ms = Double(monotonicNanoseconds() - start) / 1e6 / Double(max(1, queries.count))
                    return (Measures.meanExactRecall(returned: found, exact: truth, k: 10), ms, last)
                }
                let picked = try measure(.init(allowed: allowed), ef: 64)
                let g64 = try measure(.init(allowed: allowed, strategy: .inIndex), ef: 64)
                let g256 = try measure(.init(allowed: allowed, strategy: .inIndex), ef: 256)
                rows.append(.object([
                    JSONMember("fraction", .double(fraction)), JSONMember("set", .string(correlated ? "correlated" : "random")),
                    JSONMember("picked", .string(picked.last?.strategy?.rawValue ?? "")), JSONMember("reason", .string(picked.last?.reason ?? "")),
                    JSONMember("picked_ms", .double(picked.msPerQuery)), JSONMember("picked_recall@10", .double(picked.recall)),
                    JSONMember("in_graph_ef64_recall@10", .double(g64.recall)), JSONMember("in_graph_ef64_ms", .double(g64.msPerQuery)),
                    JSONMember("in_graph_ef256_recall@10", .double(g256.recall)), JSONMember("in_graph_ef256_ms", .double(g256.msPerQuery)),
                ]))
            }
        }
        return .object([JSONMember("benchmark", "filtered_vectors"), JSONMember("n", .int(Int64(n))), JSONMember("d", .int(Int64(d))),
                         JSONMember("queries", .int(Int64(queries.count))), JSONMember("rows", .array(rows))])
    }
}
