import Foundation
import QuarryEmbed
import QuarryEval
import QuarryStorage
import QuarryVector

/// Vector indexes: one approximate index per vector field (snapshot `vector:FIELD`), and the
/// exact FLAT oracle built in memory from the stored vectors, behind the same protocol.
extension Workbench {
    static func vectorSnapshotName(_ field: String) -> String { "vector:\(field)" }

    public struct VectorBuildReport: Sendable {
        public var field: String
        public var type: String
        public var vectors: Int
        public var parameters: [(name: String, value: String)]
        public var memoryBytes: Int
        public var snapshotBytes: Int
        public var seconds: Double
    }

    /// The stored vectors of a field laid out by ordinal (0..<maxOrdinal+1); ordinals without a
    /// vector (deleted records) are zero rows, returned as `missing` to be tombstoned.
    func denseVectors(collection: String, field: String) throws -> (flat: [Float], dimension: Int, metric: VectorMetric, missing: [UInt32]) {
        let schema = try schema(collection)
        guard let vf = schema.vectorField(field) else {
            throw EngineError.badParameter("collection '\(collection)' has no vector field '\(field)'"
                + (schema.vectorFields.isEmpty ? " (import vectors with --vectors FILE, or embed the text with quarry embed --collection \(collection))"
                    : " (vector fields: \(schema.vectorFields.map(\.name).joined(separator: ", ")))"))
        }
        let stored = try database.vectors(collection: collection, field: field)
        let n = try idMap(collection: collection).count
        let d = stored.dimension
        var flat = [Float](repeating: 0, count: n * d)
        var present = [Bool](repeating: false, count: n)
        for (i, o) in stored.ordinals.enumerated() where Int(o) < n {
            flat.replaceSubrange(Int(o) * d..<(Int(o) + 1) * d, with: stored.flat[i * d..<(i + 1) * d])
            present[Int(o)] = true
        }
        let missing = present.indices.filter { !present[$0] }.map { UInt32($0) }
        return (flat, d, VectorMetric(name: vf.metric.rawValue) ?? .cosine, missing)
    }

    @discardableResult
    public func buildVectorIndex(collection: String, field: String, type: String, parameters: [String: String]) throws -> VectorBuildReport {
        let started = Date()
        let (flat, d, metric, missing) = try denseVectors(collection: collection, field: field)
        let index = try VectorIndexes.make(type: type, dimension: d, metric: metric, parameters: parameters)
        try index.build(flat)
        for o in missing { try index.delete(o) }
        let bytes = index.serialized()
        try database.saveIndex(collection: collection, name: Self.vectorSnapshotName(field), kind: index.kind.rawValue, field: field,
                               params: .object(index.parameters.map { JSONMember($0.name, .string($0.value)) }), data: bytes)
        cache.vectors["\(collection)/\(field)"] = index
        return VectorBuildReport(field: field, type: index.kind.rawValue, vectors: index.count - index.deletedCount, parameters: index.parameters,
                                 memoryBytes: index.memoryBytes, snapshotBytes: bytes.count, seconds: Date().timeIntervalSince(started))
    }

    /// The field's approximate index (loaded from its snapshot), or nil when none was built.
    func vectorIndex(collection: String, field: String) throws -> (any VectorIndex)? {
        let key = "\(collection)/\(field)"
        if let v = cache.vectors[key] { return v }
        guard let (_, data) = try database.loadIndex(collection: collection, name: Self.vectorSnapshotName(field)) else { return nil }
        let index = try VectorIndexes.load(data)
        // Records deleted since the build are tombstoned; records added since need a rebuild.
        let ids = try idMap(collection: collection)
        for o in 0..<min(index.count, ids.count) where ids[o] == nil && !index.deleted.contains(UInt32(o)) { try index.delete(UInt32(o)) }
        if ids.count > index.count {
            throw EngineError.badParameter("the \(index.kind.rawValue) index of '\(field)' predates \(ids.count - index.count) new records; rebuild it with: quarry index --collection \(collection) --vector \(field) --type \(index.kind.rawValue)")
        }
        cache.vectors[key] = index
        return index
    }

    /// The exact oracle: FLAT over the stored vectors.
    func flatIndex(collection: String, field: String) throws -> any VectorIndex {
        let key = "\(collection)/\(field)"
        if let v = cache.flats[key] { return v }
        let (flat, d, metric, missing) = try denseVectors(collection: collection, field: field)
        let index = try VectorIndexes.make(type: "flat", dimension: d, metric: metric)
        try index.build(flat)
        for o in missing { try index.delete(o) }
        cache.flats[key] = index
        return index
    }

    func defaultVectorField(_ collection: String) throws -> String {
        let schema = try schema(collection)
        guard let f = schema.vectorFields.first else {
            throw EngineError.badParameter("collection '\(collection)' has no vector field (import vectors with --vectors FILE, or embed the text)")
        }
        return f.name
    }

    /// The query vector of a NEAR target.
    func queryVector(_ target: NearTarget, collection: String, field: String) throws -> [Float] {
        let schema = try schema(collection)
        let vf = schema.vectorField(field)!
        switch target {
        case let .vector(v):
            guard v.count == vf.dimension else {
                throw EngineError.badParameter("the query vector has \(v.count) dimensions; field '\(field)' has \(vf.dimension)")
            }
            return v
        case let .document(id):
            let record = try database.record(collection: collection, id: id)
            guard let v = try database.vector(collection: collection, field: field, ordinal: record.ordinal) else {
                throw EngineError.badParameter("record '\(id)' has no vector in field '\(field)'")
            }
            return v
        case let .text(text):
            return try embedQuery(text, field: vf)
        }
    }
}

/// The vector branch of a plan.
struct VectorPlan {
    var node: PlanNode
    var collection: String
    var field: String
    var query: [Float]
    var k: Int
    var params: VectorSearchParams
    var strategy: FilterStrategy?
    var exactOnly: Bool
}

extension Workbench {
    func planVectorBranch(_ s: SearchStatement, near: NearClause, window: Int, filterEstimate: Double?) throws -> VectorPlan {
        let field = try near.field ?? defaultVectorField(s.collection)
        let query = try queryVector(near.target, collection: s.collection, field: field)
        let overrides = s.with.merging(near.params, uniquingKeysWith: { $1 })
        let ef = Int(settings.number("ef", overrides)), nprobe = Int(settings.number("nprobe", overrides))
        let refineK = Int(settings.number("refine_k", overrides))
        let params = VectorSearchParams(ef: ef, nprobe: nprobe, refineK: refineK)
        let wantsFlat = near.index == "flat"
        let index = wantsFlat ? nil : try vectorIndex(collection: s.collection, field: field)
        if let requested = near.index, !wantsFlat, let index, requested != index.kind.rawValue {
            throw EngineError.badParameter("field '\(field)' has a \(index.kind.rawValue) index, not \(requested); build it with: quarry index --collection \(s.collection) --vector \(field) --type \(requested)")
        }
        if near.index != nil && !wantsFlat && index == nil {
            throw EngineError.noIndex(collection: s.collection, kind: near.index!.uppercased(), hint: "quarry index --collection \(s.collection) --vector \(field) --type \(near.index!)")
        }
        let kind = index?.kind.rawValue ?? "flat"
        var strategy: FilterStrategy?
        switch settings.string("filter_strategy", overrides) {
        case "in_graph", "in_index": strategy = .inIndex
        case "exact_scan": strategy = .exactScan
        case "post_filter": strategy = .postFilter
        case "auto": strategy = nil
        case let other: throw EngineError.badParameter("unknown filter_strategy '\(other)' (expected auto, in_graph, exact_scan or post_filter)")
        }
        let title = index == nil ? "Exact Scan (FLAT) on \(field)" : "\(kind.uppercased()) Scan on \(field)"
        var node = PlanNode(title, estimatedRows: window)
        var p: [String] = ["k=\(window)"]
        if kind == "hnsw" { p.append("ef=\(max(ef, window))") }
        if kind.hasPrefix("ivf") { p.append("nprobe=\(nprobe)") }
        if kind == "ivf_rabitq" { p.append("refine_k=\(refineK)") }
        p.append(try schema(s.collection).vectorField(field)!.metric.rawValue)
        node.detail("Parameters", p.joined(separator: ", "))
        if let est = filterEstimate, let index {
            let n = try idMap(collection: s.collection).count
            let picked = strategy.map { ($0, "forced by SET filter_strategy") }
                ?? FilterPlanner.pick(index: index, allowedCount: Int(est * Double(n)), k: window, params: params)
            node.detail("Filter strategy", "\(picked.0.rawValue) — \(picked.1) (estimated)")
        }
        return VectorPlan(node: node, collection: s.collection, field: field, query: query, k: window, params: params,
                          strategy: strategy, exactOnly: index == nil)
    }

    func runVectorBranch(_ plan: VectorPlan, allowed: Bitmap?, filterNode: PlanNode?, clock: () -> Double, analyze: Bool) throws -> BranchOutcome {
        let flat = try flatIndex(collection: plan.collection, field: plan.field)
        let index = plan.exactOnly ? flat : try vectorIndex(collection: plan.collection, field: plan.field)!
        let filter = allowed.map { VectorFilter(allowed: $0, strategy: plan.strategy) } ?? .none
        var node = plan.node
        node.removeDetails("Filter strategy")
        let t0 = clock()
        let result = try index.search(query: plan.query, k: plan.k, params: plan.params, filter: filter)
        let t1 = clock()
        if let s = result.strategy { node.detail("Filter strategy", "\(s.rawValue) — \(result.reason ?? "")") }
        node.record(PlanCounters(distanceComputations: result.counters.distanceComputations, nodesVisited: result.counters.nodesVisited,
                                        hops: result.counters.hops, refined: result.counters.refined))
        node.executed = true
        node.actualStartMs = t0
        node.actualEndMs = t1
        node.actualRows = result.hits.count
        var recall: PlanRecall?
        if analyze && !plan.exactOnly && settings.flag("recall") {
            let exactFilter = allowed.map { VectorFilter(allowed: $0, strategy: .exactScan) } ?? .none
            let (exact, ns) = try measure { try flat.search(query: plan.query, k: plan.k, params: .init(), filter: exactFilter) }
            let k = min(10, exact.hits.count)
            let want = exact.hits.prefix(k).map(\.id)
            recall = PlanRecall(k: k, value: Measures.exactRecall(returned: result.hits.map(\.id), exact: want, k: k), oracle: "exact branch",
                                exactMs: Double(ns) / 1e6, oracleWork: exact.counters.distanceComputations, oracleWorkUnit: "distances", exact: want)
            node.record(recall!)
        }
        if let filterNode { node.children.append(filterNode) }
        return BranchOutcome(name: "vector", hits: result.hits, node: node, recall: recall)
    }

    /// Embeds query text for a field; the field's vectors must come from the built-in model.
    func embedQuery(_ text: String, field: VectorFieldSchema) throws -> [Float] {
        guard field.model == Embedder.modelName, field.dimension == Embedder.dimension else {
            throw EngineError.unsupported("field '\(field.name)' holds vectors of model '\(field.model)' (\(field.dimension) dimensions); "
                + "a query embedded by \(Embedder.modelName) (\(Embedder.dimension)) cannot be compared with them — use NEAR DOC 'id' or NEAR [vector]")
        }
        do { return try embedder().embed(text) } catch let e as EmbedError { throw EngineError.unsupported(e.description) }
    }

    /// The built-in embedder, loaded once (the weights are memory-mapped).
    public func embedder() throws -> Embedder {
        if let e = cache.embedder { return e }
        let e = try Embedder.loadDefault()
        cache.embedder = e
        return e
    }

    /// The built-in model as an import's embedder (`quarry import --embed`): the vectors are made
    /// inside the import's transaction. `progress(what, done, total)` follows each batch.
    public static func importEmbedding(batchSize: Int = 32, progress: @escaping @Sendable (_ what: String, _ done: Int, _ total: Int) -> Void) throws -> ImportEmbedding {
        let embedder = try Embedder.loadDefault()
        return ImportEmbedding(model: Embedder.modelName, dimension: Embedder.dimension) { texts, what in
            embedder.embedFlat(texts, batchSize: batchSize) { done, total in progress(what, done, total) }
        }
    }

    /// Embeds the text fields of every record (title + " " + text, as sentence-transformers
    /// users do for BEIR) and the collection's queries into `field`, then stores them.
    public func embedCollection(_ collection: String, field: String = "embedding", batchSize: Int = 32,
                                progress: (_ done: Int, _ total: Int) throws -> Void) throws -> (records: Int, queries: Int) {
        let embedder = try embedder()
        let (ordinals, texts) = try embeddingTexts(collection: collection)
        let queries = try database.queries(collection: collection)
        let total = texts.count + queries.count
        let flat = try embedder.embedFlat(texts, batchSize: batchSize) { done, _ in try progress(done, total) }
        let queryVectors = try embedder.embed(queries.map(\.text), batchSize: batchSize) { done, _ in try progress(texts.count + done, total) }
        let vf = VectorFieldSchema(name: field, dimension: Embedder.dimension, metric: .cosine, model: Embedder.modelName)
        try database.putVectors(collection: collection, field: vf, ordinals: ordinals, flat: flat)
        if !queries.isEmpty {
            try database.putQueryVectors(collection: collection, field: field, vectors: Dictionary(uniqueKeysWithValues: zip(queries.map(\.id), queryVectors)))
        }
        invalidate()
        return (texts.count, queries.count)
    }
}

/// `quarry bench vectors`: every index type over a grid of search settings on fbin files.
public enum VectorBench {
    public static func run(fbin: String, queries: String?, types: [String]?, maxQueries: Int) throws -> JSONValue {
        let base = try Fbin.read(path: fbin)
        var q: [Float]? = nil
        if let queries {
            let f = try Fbin.read(path: queries)
            guard f.dimension == base.dimension else {
                throw EngineError.badParameter("\(queries): dimension \(f.dimension), but \(fbin) has \(base.dimension)")
            }
            q = Array(f.vectors.prefix(maxQueries * f.dimension))
        }
        var configuration = VectorBenchmark.Configuration()
        if let types {
            configuration.indexes = configuration.indexes.filter { c in types.contains { $0.lowercased() == c.type.lowercased() } }
        }
        return try VectorBenchmark.run(base: base.vectors, queries: q, dimension: base.dimension, configuration: configuration).json
    }
}
