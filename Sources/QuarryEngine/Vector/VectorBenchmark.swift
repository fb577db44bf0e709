import Foundation
import QuarryBase

/// `quarry bench vectors`: per index and search setting, build time, index bytes,
/// single-threaded QPS and recall@k against FLAT (the share of the exact top-k ids returned,
/// averaged over queries — the peers' definition). Returns data; the CLI prints it.
public enum VectorBenchmark {
    public struct Configuration: Sendable {
        /// (type name, build parameters) pairs; defaults: flat, hnsw, ivf_flat, ivf_sq8, ivf_rabitq.
        public var indexes: [(type: String, parameters: [String: String])]
        public var metric: VectorMetric
        public var k: Int
        public var efs: [Int]
        public var nprobes: [Int]
        /// IVF_RABITQ re-ranking depths (counts, at least k).
        public var refineKs: [Int]
        /// Queries run untimed before each setting.
        public var warmup: Int

        public init(indexes: [(type: String, parameters: [String: String])]? = nil, metric: VectorMetric = .ip,
                    k: Int = 10, efs: [Int] = [10, 20, 40, 80, 160, 320], nprobes: [Int] = [1, 2, 4, 8, 16, 32, 64],
                    refineKs: [Int] = [20, 50, 100, 200], warmup: Int = 20)
        {
            self.indexes = indexes ?? ["flat", "hnsw", "ivf_flat", "ivf_sq8", "ivf_rabitq"].map { ($0, [:]) }
            self.metric = metric
            self.k = k
            self.efs = efs
            self.nprobes = nprobes
            self.refineKs = refineKs
            self.warmup = warmup
        }
    }

    public struct Row: Sendable {
        public var index: String
        /// The build parameters with defaults filled in.
        public var buildParameters: [(name: String, value: String)]
        /// The search setting, e.g. [("ef", "80")] or [("nprobe", "16"), ("refine_k", "100")].
        public var setting: [(name: String, value: String)]
        public var buildSeconds: Double
        public var indexBytes: Int
        /// Index bytes over the float32 vectors (n·d·4).
        public var memoryRatio: Double
        /// Queries per second of wall time, one query at a time on one thread.
        public var qps: Double
        /// Queries per second of this thread's CPU time (steadier on a shared machine).
        public var qpsCPU: Double
        public var recall: Double
        public var meanDistanceComputations: Double
    }

    public struct Report: Sendable {
        public var count: Int
        public var dimension: Int
        public var queries: Int
        public var k: Int
        public var metric: VectorMetric
        public var groundTruthSeconds: Double
        public var rows: [Row]
        /// The process's peak resident memory at the end (base vectors, indexes, ground truth).
        public var peakResidentBytes: Int

        /// The report as JSON (keys in a fixed order).
        public var json: JSONValue {
            .object([
                JSONMember("n", .int(Int64(count))), JSONMember("d", .int(Int64(dimension))),
                JSONMember("queries", .int(Int64(queries))), JSONMember("k", .int(Int64(k))),
                JSONMember("metric", .string(metric.rawValue)),
                JSONMember("ground_truth_s", .double(groundTruthSeconds)),
                JSONMember("rss_peak_mb", .double(Double(peakResidentBytes) / 1_048_576)),
                JSONMember("results", .array(rows.map { row in
                    .object([
                        JSONMember("index", .string(row.index)),
                        JSONMember("build_params", .object(row.buildParameters.map { JSONMember($0.name, .string($0.value)) })),
                        JSONMember("search_params", .object(row.setting.map { JSONMember($0.name, .string($0.value)) })),
                        JSONMember("build_s", .double(row.buildSeconds)),
                        JSONMember("index_bytes", .int(Int64(row.indexBytes))),
                        JSONMember("memory_ratio", .double(row.memoryRatio)),
                        JSONMember("qps", .double(row.qps)),
                        JSONMember("qps_cpu", .double(row.qpsCPU)),
                        JSONMember("recall@\(k)", .double(row.recall)),
                        JSONMember("distances_per_query", .double(row.meanDistanceComputations)),
                    ])
                })),
            ])
        }
    }

    /// Runs the benchmark. `queries` defaults to the first 1,000 base rows when nil.
    public static func run(base: [Float], queries: [Float]?, dimension d: Int,
                           configuration c: Configuration = .init()) throws -> Report
    {
        guard d > 0, base.count % d == 0, base.count > 0 else {
            throw VectorIndexError.notMultipleOfDimension(count: base.count, dimension: d)
        }
        let queryData = queries ?? Array(base.prefix(min(base.count / d, 1000) * d))
        guard queryData.count % d == 0 else { throw VectorIndexError.dimensionMismatch(expected: d, found: queryData.count % d) }
        let n = base.count / d, nq = queryData.count / d
        let t0 = Date()
        let truth = ExactSearch.topK(base: base, queries: queryData, dimension: d, k: c.k, metric: c.metric)
        let gtSeconds = Date().timeIntervalSince(t0)
        let qs = (0..<nq).map { Array(queryData[$0 * d..<($0 + 1) * d]) }
        let floatBytes = Double(n * d * 4)
        var rows: [Row] = []
        for (type, parameters) in c.indexes {
            let index = try VectorIndexes.make(type: type, dimension: d, metric: c.metric, parameters: parameters)
            let tb = Date()
            try index.build(base)
            let buildSeconds = Date().timeIntervalSince(tb)
            var settings: [VectorSearchParams] = []
            switch index.kind {
            case .flat: settings = [.init()]
            case .hnsw, .hnswSQ: settings = c.efs.map { .init(ef: $0) }
            case .ivfFlat, .ivfSQ8: settings = c.nprobes.map { .init(nprobe: $0) }
            case .ivfRaBitQ: settings = c.nprobes.flatMap { np in c.refineKs.map { .init(nprobe: np, refineK: $0) } }
            }
            for p in settings {
                for q in qs.prefix(c.warmup) { _ = try index.search(query: q, k: c.k, params: p) }
                var found: [[ScoredID]] = []
                found.reserveCapacity(nq)
                var distances = 0
                let ts = Date(), cs = threadCPUTime()
                for q in qs {
                    let r = try index.search(query: q, k: c.k, params: p)
                    distances += r.counters.distanceComputations
                    found.append(r.hits)
                }
                let seconds = Date().timeIntervalSince(ts), cpuSeconds = threadCPUTime() - cs
                var setting: [(name: String, value: String)] = []
                if let ef = p.ef { setting.append(("ef", "\(ef)")) }
                if let np = p.nprobe { setting.append(("nprobe", "\(np)")) }
                if let rk = p.refineK { setting.append(("refine_k", "\(rk)")) }
                rows.append(Row(index: index.kind.rawValue, buildParameters: index.parameters, setting: setting,
                                buildSeconds: buildSeconds, indexBytes: index.memoryBytes,
                                memoryRatio: Double(index.memoryBytes) / floatBytes,
                                qps: Double(nq) / max(seconds, 1e-9), qpsCPU: Double(nq) / max(cpuSeconds, 1e-9), recall: recallAt(c.k, found, truth),
                                meanDistanceComputations: Double(distances) / Double(max(nq, 1))))
            }
        }
        return Report(count: n, dimension: d, queries: nq, k: c.k, metric: c.metric, groundTruthSeconds: gtSeconds,
                      rows: rows, peakResidentBytes: peakResidentBytes())
    }

    /// Mean share of the exact top-k ids found.
    public static func recallAt(_ k: Int, _ found: [[ScoredID]], _ truth: [[ScoredID]]) -> Double {
        var total = 0.0
        for (f, t) in zip(found, truth) {
            let exact = Set(t.prefix(k).map(\.id))
            if exact.isEmpty { total += 1; continue }
            total += Double(f.prefix(k).filter { exact.contains($0.id) }.count) / Double(exact.count)
        }
        return total / Double(max(truth.count, 1))
    }
}

/// The peak resident set of this process in bytes (`getrusage`; kilobytes on Linux, bytes on
/// Darwin).
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
    #endif
}

/// CPU time of the calling thread in seconds.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
