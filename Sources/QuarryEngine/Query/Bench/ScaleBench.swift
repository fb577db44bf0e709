import QuarryStorage
import Foundation
import QuarryEval
import QuarryVector

/// The in-process half of `quarry bench scale` (the CLI runs import, builds and the cold
/// first queries as separate processes, to time them and read their peak memory): the
/// synthetic data set, its exact ground truth, and warm latency and recall per setting.
public enum ScaleBench {
    public struct DataSet: Sendable {
        public var folder: String
        public var records: Int
        public var dimension: Int
        public var corpus: String { folder + "/corpus.jsonl" }
        public var vectors: String { folder + "/corpus.fbin" }
        public var queryVectors: String { folder + "/queries.fbin" }
        public var queryTexts: String { folder + "/queries.txt" }
        public var groundTruth: String { folder + "/groundtruth.ibin" }

        public init(folder: String, records: Int, dimension: Int) {
            self.folder = folder
            self.records = records
            self.dimension = dimension
        }
    }

    /// Writes the data set unless it is there: `records` synthetic JSONL records (Zipfian text,
    /// metadata) and low-rank vectors (`LowRankVectors`), and `queries` queries of both kinds
    /// drawn apart from the corpus. `progress(what, done, total)`.
    public static func prepare(_ data: DataSet, queries: Int, progress: @escaping (String, Int, Int) -> Void) throws {
        try FileManager.default.createDirectory(atPath: data.folder, withIntermediateDirectories: true)
        let fm = FileManager.default
        if !fm.fileExists(atPath: data.corpus) {
            progress("text", 0, data.records)
            try SyntheticCorpus(seed: 42).writeJSONL(count: data.records, to: data.corpus + ".part")
            try fm.moveItem(atPath: data.corpus + ".part", toPath: data.corpus)
        }
        let gen = LowRankVectors(dimension: data.dimension, seed: 42)
        if !fm.fileExists(atPath: data.vectors) {
            try gen.writeFbin(count: data.records, stream: 0, to: data.vectors + ".part") { progress("vectors", $0, data.records) }
            try fm.moveItem(atPath: data.vectors + ".part", toPath: data.vectors)
        }
        if !fm.fileExists(atPath: data.queryVectors) {
            try gen.writeFbin(count: queries, stream: 1, to: data.queryVectors)
        }
        if !fm.fileExists(atPath: data.queryTexts) {
            try SyntheticCorpus(seed: 42).queryTexts(count: queries).joined(separator: "\n").write(toFile: data.queryTexts, atomically: true, encoding: .utf8)
        }
    }

    /// The exact top-k ids of every query vector (inner product on the normalised rows), by
    /// sgemm over blocks of the mapped base; cached in the data set's folder as ibin.
    public static func groundTruth(_ data: DataSet, k: Int = 100, progress: (Int, Int) -> Void) throws -> [[UInt32]] {
        let q = try Fbin.read(path: data.queryVectors)
        let nq = q.vectors.count / q.dimension
        if let cached = try? Data(contentsOf: URL(fileURLWithPath: data.groundTruth)), cached.count == 8 + nq * k * 4 {
            return cached.withUnsafeBytes { raw in
                let ids = UnsafeRawBufferPointer(rebasing: raw[8...]).bindMemory(to: UInt32.self)
                return (0..<nq).map { Array(ids[($0 * k)..<(($0 + 1) * k)]) }
            }
        }
        let base = try Data(contentsOf: URL(fileURLWithPath: data.vectors), options: .alwaysMapped)
        let n = base.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 0, as: Int32.self)) }
        let d = q.dimension
        let truth: [[ScoredID]] = base.withUnsafeBytes { raw in
            let rows = UnsafeRawBufferPointer(rebasing: raw[8...]).bindMemory(to: Float.self)
            return ExactSearch.topK(base: rows.baseAddress!, count: n, queries: q.vectors, dimension: d, k: k, progress: progress)
        }
        var out = Data()
        for v in [Int32(nq), Int32(k)] { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for t in truth {
            var ids = t.map(\.id)
            ids += [UInt32](repeating: UInt32.max, count: k - ids.count)
            ids.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        try out.write(to: URL(fileURLWithPath: data.groundTruth))
        return truth.map { $0.map(\.id) }
    }

    /// Warm search of `queries` at each setting, one at a time on this thread: p50/p95 in ms,
    /// QPS and mean recall@10 against `truth` (ordinal = record number of the data set).
    public static func warmVectorSearch(_ wb: Workbench, collection: String, field: String, queries: [[Float]],
                                        truth: [[UInt32]], settings: [(String, Double)]) throws -> [JSONValue] {
        let fv = try wb.fieldVectors(collection: collection, field: field)
        func parameters(_ name: String, _ value: Double) -> VectorSearchParams {
            var params = VectorSearchParams()
            switch name {
            case "ef": params.ef = Int(value)
            case "nprobe": params.nprobe = Int(value)
            default: params.refineK = Int(value)
            }
            return params
        }
        // A build leaves its segment files out of the page cache (`FinishedSegment.publish`):
        // one untimed pass of every query at the widest setting reads in what the timed passes
        // touch, so what follows is warm-cache latency, not the disk's.
        if let (name, value) = settings.last {
            for q in queries { _ = try fv.search(query: q, k: 10, params: parameters(name, value), filter: .none) }
        }
        var rows: [JSONValue] = []
        for (name, value) in settings {
            let params = parameters(name, value)
            for q in queries.prefix(20) { _ = try fv.search(query: q, k: 10, params: params, filter: .none) }
            var latency = LatencyRecorder()
            var recall = 0.0
            let started = monotonicNanoseconds()
            var bytes = 0
            for (i, q) in queries.enumerated() {
                let t0 = monotonicNanoseconds()
                let r = try fv.search(query: q, k: 10, params: params, filter: .none)
                latency.record(nanoseconds: monotonicNanoseconds() - t0)
                let want = Set(truth[i].prefix(10))
                recall += Double(r.hits.filter { want.contains($0.id) }.count) / Double(max(1, want.count))
                bytes += r.counters.fullVectorBytes
            }
            let wall = Double(monotonicNanoseconds() - started) / 1e9
            let s = latency.summary(wallSeconds: wall)
            rows.append(.object([
                JSONMember("index", .string(fv.kind.rawValue)), JSONMember("setting", .object([JSONMember(name, .int(Int64(value)))])),
                JSONMember("p50_ms", .double(s.p50Ms)), JSONMember("p95_ms", .double(s.p95Ms)),
                JSONMember("qps", .double(Double(queries.count) / wall)),
                JSONMember("recall@10", .double(recall / Double(max(1, queries.count)))),
                JSONMember("full_vector_bytes_per_query", .double(Double(bytes) / Double(max(1, queries.count)))),
            ]))
        }
        return rows
    }

    /// Warm BM25 latency of the query texts (plain words, k = 10).
    public static func warmLexicalSearch(_ wb: Workbench, collection: String, queries: [String], k1: Float = 1.2, b: Float = 0.75) throws -> JSONValue {
        func request(_ text: String) -> LexicalRequest {
            var r = LexicalRequest(collection: collection, text: text)
            r.k = 10
            r.k1 = k1
            r.b = b
            r.plainText = true
            return r
        }
        for q in queries { _ = try wb.searchLexical(request(q)) }   // untimed: postings into the page cache
        var latency = LatencyRecorder()
        let started = monotonicNanoseconds()
        for q in queries { latency.record(nanoseconds: try wb.searchLexical(request(q)).nanoseconds) }
        let s = latency.summary(wallSeconds: Double(monotonicNanoseconds() - started) / 1e9)
        return .object([JSONMember("queries", .int(Int64(queries.count))), JSONMember("k1", .double(Double(k1))), JSONMember("b", .double(Double(b))),
                        JSONMember("p50_ms", .double(s.p50Ms)), JSONMember("p95_ms", .double(s.p95Ms))])
    }
}
