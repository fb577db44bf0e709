import QuarryBase

/// The index types, named as in Milvus (parsed case-insensitively).
public enum VectorIndexKind: String, Sendable, CaseIterable, Equatable {
    case flat
    case hnsw
    /// HNSW walked on 8-bit codes held in memory, re-ranked on the float32 rows (Milvus's HNSW_SQ).
    case hnswSQ = "hnsw_sq"
    case ivfFlat = "ivf_flat"
    case ivfSQ8 = "ivf_sq8"
    case ivfRaBitQ = "ivf_rabitq"

    public init?(name: String) { self.init(rawValue: name.lowercased()) }
    /// Milvus's spelling (`IVF_RABITQ`).
    public var milvusName: String { rawValue.uppercased() }
}

/// Search-time parameters. Each index reads the ones it knows and ignores the rest.
public struct VectorSearchParams: Sendable, Equatable {
    /// HNSW: size of the dynamic candidate list at layer 0 (raised to at least k). Default 64.
    public var ef: Int?
    /// IVF: number of lists probed. Default 8 (Milvus's default), clamped to nlist.
    public var nprobe: Int?
    /// IVF_RABITQ: how many of the best candidates by the 1-bit estimate are re-ranked on the
    /// refine vectors (a count, at least k). Default 10·k. HNSW_SQ: how many of the walk's
    /// `ef` results are re-ranked on the float32 rows. Default: all of them.
    public var refineK: Int?

    public init(ef: Int? = nil, nprobe: Int? = nil, refineK: Int? = nil) {
        self.ef = ef
        self.nprobe = nprobe
        self.refineK = refineK
    }
}

/// How a filtered search uses its allowed set.
public enum FilterStrategy: String, Sendable, CaseIterable, Equatable {
    /// Search the index with the set: HNSW walks through filtered-out nodes and returns only
    /// allowed ones; IVF scans its probed lists and skips the others.
    case inIndex = "in_index"
    /// Score every allowed id exactly (on the vectors the index holds) — exact and fast when few ids are allowed.
    case exactScan = "exact_scan"
    /// Search without the set for k·overFetch/fraction hits, then keep the allowed ones.
    case postFilter = "post_filter"
}

/// The filter of a search: none, or an allowed set of ordinals with a strategy
/// (nil = let `FilterPlanner` pick one).
public struct VectorFilter: Sendable {
    public var allowed: Bitmap?
    public var strategy: FilterStrategy?
    /// Post-filter over-fetch factor on top of 1/fraction.
    public var overFetch: Double

    public init(allowed: Bitmap? = nil, strategy: FilterStrategy? = nil, overFetch: Double = 2) {
        self.allowed = allowed
        self.strategy = strategy
        self.overFetch = overFetch
    }

    public static let none = VectorFilter()
}

/// Work done by one search, counted by the operator itself (for EXPLAIN ANALYZE).
public struct VectorSearchCounters: Sendable, Equatable {
    /// Full-precision or quantized distance evaluations (RaBitQ estimates count here too).
    public var distanceComputations = 0
    /// HNSW: nodes expanded at layer 0; IVF: inverted lists scanned; exact scan: ids scored.
    public var nodesVisited = 0
    /// HNSW: greedy moves on the upper layers plus expansions at layer 0.
    public var hops = 0
    /// IVF_RABITQ: candidates re-ranked on the refine vectors, and those skipped by the error bound.
    public var refined = 0
    public var prunedByBound = 0
    /// Bytes of full-precision vectors read to re-rank (tiered search: codes in memory, the
    /// float32 rows in the mapped vector file).
    public var fullVectorBytes = 0

    public init() {}
}

/// The answer of a search: hits best first (higher score is better, see `VectorMetric`) and counters.
public struct VectorSearchResult: Sendable {
    public var hits: [ScoredID]
    public var counters: VectorSearchCounters
    /// The strategy that ran when a filter was given; nil without a filter.
    public var strategy: FilterStrategy?
    /// Why that strategy (from `FilterPlanner`, or "chosen by the caller").
    public var reason: String?

    public init(hits: [ScoredID], counters: VectorSearchCounters, strategy: FilterStrategy? = nil, reason: String? = nil) {
        self.hits = hits
        self.counters = counters
        self.strategy = strategy
        self.reason = reason
    }
}

/// One protocol for every vector index (FLAT, HNSW, IVF_FLAT, IVF_SQ8, IVF_RABITQ).
///
/// Records are UInt32 ordinals, dense from 0: `build` takes n×d floats (row i = ordinal i),
/// `insert` appends more rows with the next ordinals, `delete` leaves a tombstone (the ordinal is
/// never returned again; the space is kept). Scores are higher-is-better (see `VectorMetric`).
/// An index keeps per-query scratch (visited list, heaps) to avoid allocating, so one index
/// serves one search at a time; use one copy (`load(serialized())`) per thread.
public protocol VectorIndex: AnyObject {
    var kind: VectorIndexKind { get }
    var metric: VectorMetric { get }
    var dimension: Int { get }
    /// Ordinals held, deleted ones included.
    var count: Int { get }
    /// Tombstoned ordinals, and how many.
    var deleted: Bitmap { get }
    var deletedCount: Int { get }
    /// The build parameters, with defaults filled in (for EXPLAIN and `SHOW INDEX`).
    var parameters: [(name: String, value: String)] { get }

    /// Builds from n×d floats (ordinals 0..<n); the index must be empty.
    func build(_ vectors: [Float]) throws
    /// Appends rows with ordinals count..<count+m and returns that range.
    @discardableResult func insert(_ vectors: [Float]) throws -> Range<UInt32>
    func delete(_ ordinal: UInt32) throws

    func search(query: [Float], k: Int, params: VectorSearchParams, filter: VectorFilter) throws -> VectorSearchResult

    /// Distance computations one unfiltered search is expected to cost (for `FilterPlanner`).
    func estimatedSearchCost(k: Int, params: VectorSearchParams) -> Double

    /// Bytes held in memory for search (vectors or codes, graph or lists, centroids, rotation).
    var memoryBytes: Int { get }
}

extension VectorIndex {
    public func search(query: [Float], k: Int, params: VectorSearchParams = .init()) throws -> VectorSearchResult {
        try search(query: query, k: k, params: params, filter: .none)
    }

    /// The build of an index that trains nothing (FLAT, HNSW): inserting into an empty index.
    func buildByInserting(_ vectors: [Float]) throws {
        guard count == 0 else { throw VectorIndexError.notEmpty }
        try insert(vectors)
    }
}

/// Errors of building, searching and loading vector indexes.
public enum VectorIndexError: Error, Equatable, CustomStringConvertible {
    case unknownIndexType(String, suggestion: String?)
    case unknownParameter(name: String, indexType: String, suggestion: String?)
    case invalidParameter(name: String, value: String, expected: String)
    case unknownMetric(String)
    case dimensionMismatch(expected: Int, found: Int)
    case notMultipleOfDimension(count: Int, dimension: Int)
    case notEmpty
    case ordinalOutOfRange(UInt32, count: Int)
    case invalidK(Int)
    case badFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownIndexType(name, suggestion):
            let known = VectorIndexKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown index type '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (known: \(known))"
        case let .unknownParameter(name, type, suggestion):
            return "unknown parameter '\(name)' for index type \(type)" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case let .invalidParameter(name, value, expected):
            return "invalid value '\(value)' for parameter '\(name)': expected \(expected)"
        case let .unknownMetric(name):
            return "unknown metric '\(name)' (known: cosine, ip, l2)"
        case let .dimensionMismatch(expected, found):
            return "vector has dimension \(found), the index expects \(expected)"
        case let .notMultipleOfDimension(count, dimension):
            return "\(count) floats are not a whole number of \(dimension)-dimensional vectors"
        case .notEmpty:
            return "build needs an empty index; use insert to add vectors"
        case let .ordinalOutOfRange(ordinal, count):
            return "ordinal \(ordinal) is out of range (the index holds \(count))"
        case let .invalidK(k):
            return "k must be at least 1 (got \(k))"
        case let .badFile(path, reason):
            return "cannot read vectors from \(path): \(reason)"
        }
    }
}
