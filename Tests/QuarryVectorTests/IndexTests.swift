import Foundation
import QuarryBase
import Testing
@testable import QuarryVector

/// Shared clustered data and indexes (built once; the suite is serialized because an index
/// keeps per-query scratch).
enum Fixture {
    static let d = 32
    static let n = 2000
    static let clusters = 20
    static let data = clusteredData(n: n, d: d, clusters: clusters)
    static let queryCount = 60
    static let queries = rows(clusteredData(n: queryCount, d: d, clusters: clusters, seed: 99), d: d, 0..<queryCount)
    static let truth = ExactSearch.topK(base: data, queries: queries.flatMap { $0 }, dimension: d, k: 10, metric: .cosine)

    /// Type, build parameters, search setting, and the recall@10 bound the index must meet.
    static let cases: [(type: String, build: [String: String], search: VectorSearchParams, bound: Double)] = [
        ("flat", [:], .init(), 1.0),
        ("hnsw", [:], .init(ef: 64), 0.95),
        ("ivf_flat", ["nlist": "32"], .init(nprobe: 8), 0.95),
        ("ivf_sq8", ["nlist": "32"], .init(nprobe: 8), 0.93),
        ("ivf_rabitq", ["nlist": "32"], .init(nprobe: 8, refineK: 100), 0.93),
        ("ivf_rabitq", ["nlist": "32", "refine_type": "fp32"], .init(nprobe: 8, refineK: 100), 0.95),
        ("hnsw_sq", [:], .init(ef: 64), 0.95),
    ]

    nonisolated(unsafe) static let built: [any VectorIndex] = cases.map { c in
        let index = try! VectorIndexes.make(type: c.type, dimension: d, parameters: c.build)
        try! index.build(data)
        return index
    }
}

@Suite(.serialized) struct IndexTests {
    @Test func recallAgainstFlatAboveBounds() throws {
        for (c, index) in zip(Fixture.cases, Fixture.built) {
            let found = try Fixture.queries.map { try index.search(query: $0, k: 10, params: c.search).hits }
            let r = recall(found, Fixture.truth)
            #expect(r >= c.bound, "\(c.type) \(c.build): recall@10 \(r) < \(c.bound)")
        }
    }

    /// Every type written to a segment file over a vector chunk and opened again (read in
    /// place) answers as the index built over that chunk; a truncated segment is refused.
    @Test func segmentRoundTripGivesIdenticalResults() throws {
        let folder = NSTemporaryDirectory() + "quarry-vectest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = VectorChunkWriter(writer: SegmentWriter(kind: VectorChunk.kind, version: VectorChunk.version) { "\(folder)/rows.p\($0).qseg" },
                                     dimension: Fixture.d, firstOrdinal: 0, normalize: true)
        try Fixture.data.withUnsafeBufferPointer { b in
            for i in 0..<Fixture.n { try rows.append(b.baseAddress! + i * Fixture.d) }
        }
        let written = try rows.finish()
        try written.publish()
        let chunk = try VectorChunk(file: SegmentFile(paths: written.files.map(\.path), kind: VectorChunk.kind, version: VectorChunk.version, name: "rows"))
        for (i, c) in Fixture.cases.enumerated() {
            let built = try VectorSegments.build(type: c.type, parameters: c.build, chunk: chunk, metric: .cosine, threads: 1)
            let opened: any VectorIndex
            if let (kind, version) = VectorSegments.segmentKind(of: built.kind) {
                let w = SegmentWriter(kind: kind, version: version) { "\(folder)/index\(i).p\($0).qseg" }
                try VectorSegments.write(built, to: w)
                let done = try w.finish()
                try done.publish()
                let paths = done.files.map(\.path)
                opened = try VectorSegments.open(kind: built.kind, file: SegmentFile(paths: paths, kind: kind, version: version, name: c.type),
                                                 chunk: chunk, metric: .cosine, deleted: Bitmap())
                // A cut copy (not the mapped file itself: reading past a mapped file's end is SIGBUS).
                let cut = "\(folder)/cut\(i).p0.qseg"
                let bytes = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
                try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
                #expect(throws: SegmentError.self) { try SegmentFile(paths: [cut], kind: kind, version: version, name: c.type) }
            } else {
                opened = try VectorSegments.open(kind: built.kind, file: nil, chunk: chunk, metric: .cosine, deleted: Bitmap())
            }
            #expect(opened.kind == built.kind && opened.count == built.count)
            for q in Fixture.queries.prefix(10) {
                let a = try built.search(query: q, k: 10, params: c.search).hits
                let b = try opened.search(query: q, k: 10, params: c.search).hits
                #expect(a == b, "\(c.type)")
            }
        }
    }

    @Test func filteredResultsContainOnlyAllowedIds() throws {
        var rng = SplitMix64(seed: 5)
        let allowed = Bitmap((0..<UInt32(Fixture.n)).filter { _ in rng.next() % 5 == 0 })
        for (c, index) in zip(Fixture.cases, Fixture.built) {
            for strategy in FilterStrategy.allCases {
                let filter = VectorFilter(allowed: allowed, strategy: strategy)
                for q in Fixture.queries.prefix(10) {
                    let r = try index.search(query: q, k: 10, params: c.search, filter: filter)
                    #expect(r.strategy == strategy)
                    #expect(r.hits.allSatisfy { allowed.contains($0.id) }, "\(c.type) \(strategy)")
                    #expect(r.hits.count == 10 || strategy != .exactScan)
                }
            }
        }
    }

    /// Filtered recall against the exact answer over the same filter, with the picked strategy,
    /// for random sets and sets correlated with the clusters, at 0.1 %, 1 %, 10 % and 50 %.
    @Test func filteredRecallWithPickedStrategy() throws {
        let flat = Fixture.built[0]
        let clusterOf = clusterLabels()
        for fraction in [0.001, 0.01, 0.1, 0.5] {
            for correlated in [false, true] {
                let allowed = allowedSet(fraction: fraction, correlated: correlated, clusterOf: clusterOf)
                let filter = VectorFilter(allowed: allowed)
                let truth = try Fixture.queries.map { try flat.search(query: $0, k: 10, params: .init(), filter: filter).hits }
                for (c, index) in zip(Fixture.cases, Fixture.built).dropFirst() {
                    let found = try Fixture.queries.map { try index.search(query: $0, k: 10, params: c.search, filter: filter).hits }
                    let r = recall(found, truth)
                    #expect(r >= 0.95, "\(c.type) fraction \(fraction) correlated \(correlated): recall \(r)")
                }
            }
        }
    }

    /// HNSW searching the graph with the set keeps its recall at 10 % and 50 % with a larger ef.
    @Test func hnswInGraphFilteredRecall() throws {
        let flat = Fixture.built[0], hnsw = Fixture.built[1]
        let clusterOf = clusterLabels()
        for fraction in [0.1, 0.5] {
            let allowed = allowedSet(fraction: fraction, correlated: false, clusterOf: clusterOf)
            let truth = try Fixture.queries.map { try flat.search(query: $0, k: 10, params: .init(), filter: .init(allowed: allowed)).hits }
            let found = try Fixture.queries.map {
                try hnsw.search(query: $0, k: 10, params: .init(ef: 128), filter: .init(allowed: allowed, strategy: .inIndex)).hits
            }
            #expect(recall(found, truth) >= 0.95, "fraction \(fraction): \(recall(found, truth))")
        }
    }

    @Test func plannerPicksAndSaysWhy() {
        let low = FilterPlanner.pick(kind: .hnsw, allowedCount: 100, total: 1_000_000, estimatedIndexCost: 1024)
        #expect(low.strategy == .exactScan)
        #expect(low.reason == "100 allowed ids (0.01 %) cost fewer distances exactly than the hnsw search (~10240000)")
        let high = FilterPlanner.pick(kind: .hnsw, allowedCount: 500_000, total: 1_000_000, estimatedIndexCost: 1024)
        #expect(high.strategy == .inIndex)
        #expect(high.reason == "50.0 % allowed: searching hnsw with the set (~2048 distances) beats scanning 500000 ids")
        #expect(FilterPlanner.pick(kind: .flat, allowedCount: 10, total: 10, estimatedIndexCost: 10).strategy == .exactScan)
        let hnsw = Fixture.built[1]
        #expect(hnsw.estimatedSearchCost(k: 10, params: .init(ef: 64)) == 1024)
        #expect(FilterPlanner.pick(index: hnsw, allowedCount: 1500, k: 10).strategy == .inIndex)
        #expect(FilterPlanner.pick(index: hnsw, allowedCount: 200, k: 10).strategy == .exactScan)
    }

    func clusterLabels() -> [Int] {
        // Nearest of the first 20 k-means-free labels: the generator's cluster is not kept, so use FLAT neighbours of 20 seeds.
        let centres = (0..<Fixture.clusters).map { Array(Fixture.data[($0 * 97 % Fixture.n) * Fixture.d..<($0 * 97 % Fixture.n + 1) * Fixture.d]) }
        return rows(Fixture.data, d: Fixture.d, 0..<Fixture.n).map { v in
            centres.indices.max { VectorMath.score(v, centres[$0], metric: .cosine) < VectorMath.score(v, centres[$1], metric: .cosine) }!
        }
    }

    func allowedSet(fraction: Double, correlated: Bool, clusterOf: [Int]) -> Bitmap {
        let want = max(1, Int(Double(Fixture.n) * fraction))
        var rng = SplitMix64(seed: UInt64(fraction * 1e6) + (correlated ? 1 : 0))
        var ids = Array(0..<UInt32(Fixture.n))
        ids.shuffle(using: &rng)
        if correlated { ids.sort { clusterOf[Int($0)] < clusterOf[Int($1)] } }  // whole clusters first
        return Bitmap(ids.prefix(want))
    }
}

@Suite struct MutationTests {
    @Test(arguments: ["hnsw", "hnsw_sq", "ivf_flat", "ivf_rabitq", "flat"])
    func incrementalInsertAndDelete(type: String) throws {
        let d = Fixture.d
        let index = try VectorIndexes.make(type: type, dimension: d, parameters: type.hasPrefix("ivf") ? ["nlist": "32"] : [:])
        try index.build(Array(Fixture.data.prefix(1000 * d)))
        let range = try index.insert(Array(Fixture.data.dropFirst(1000 * d)))
        #expect(range == 1000..<2000 && index.count == 2000)
        let params = VectorSearchParams(ef: 64, nprobe: 8, refineK: 100)
        let found = try Fixture.queries.map { try index.search(query: $0, k: 10, params: params).hits }
        #expect(recall(found, Fixture.truth) >= 0.9)
        // Delete every query's current best hit: it must never come back.
        var gone = Set<UInt32>()
        for hits in found { if let h = hits.first { try index.delete(h.id); gone.insert(h.id) } }
        #expect(index.deleted.count == gone.count)
        for q in Fixture.queries {
            let hits = try index.search(query: q, k: 10, params: params).hits
            #expect(hits.allSatisfy { !gone.contains($0.id) } && hits.count == 10)
        }
        #expect(throws: VectorIndexError.ordinalOutOfRange(5000, count: 2000)) { try index.delete(5000) }
        #expect(index.deleted == Bitmap(Array(gone)))
    }
}

@Suite struct BenchmarkFunctionTests {
    @Test func smallRunReturnsRows() throws {
        let d = 16
        let base = clusteredData(n: 400, d: d, clusters: 8)
        let queries = clusteredData(n: 20, d: d, clusters: 8, seed: 3)
        let config = VectorBenchmark.Configuration(
            indexes: [("flat", [:]), ("hnsw", ["M": "8", "ef_construction": "40"]), ("ivf_rabitq", ["nlist": "8"])],
            efs: [10, 40], nprobes: [2, 8], refineKs: [40], warmup: 2)
        let report = try VectorBenchmark.run(base: base, queries: queries, dimension: d, configuration: config)
        #expect(report.rows.count == 1 + 2 + 2)
        #expect(report.rows[0].recall == 1)
        #expect(report.rows.allSatisfy { $0.qps > 0 && $0.indexBytes > 0 && $0.recall >= 0 && $0.recall <= 1 })
        #expect(report.json["results"]?[1]?["search_params"]?["ef"] == .string("10"))
    }
}

@Suite(.serialized) struct ControlTests {
    /// A negative control: the clustered data is not trivial, so the recall bounds above can fail.
    @Test func coarseSettingsLoseRecall() throws {
        let ivf = Fixture.built[2]
        let found = try Fixture.queries.map { try ivf.search(query: $0, k: 10, params: .init(nprobe: 1)).hits }
        let r = recall(found, Fixture.truth)
        let rabitqNoRefine = try VectorIndexes.make(type: "ivf_rabitq", dimension: Fixture.d, parameters: ["nlist": "32", "refine": "false"])
        try rabitqNoRefine.build(Fixture.data)
        let raw = try Fixture.queries.map { try rabitqNoRefine.search(query: $0, k: 10, params: .init(nprobe: 8)).hits }
        let r2 = recall(raw, Fixture.truth)
        #expect(r < 0.9 && r2 < 0.9, "ivf_flat nprobe 1: \(r); ivf_rabitq without refine: \(r2)")
        #expect(r2 > 0.3, "the 1-bit estimate alone still ranks: \(r2)")
    }
}
