import Foundation
import QuarryEmbed
import QuarryEval
import QuarryStorage
import QuarryVector

/// Vector indexes: one approximate index per vector field (catalog row `vector:FIELD`, its
/// segment beside the field's vector chunks), and the exact FLAT oracle over the chunks
/// themselves, behind the same protocol. Everything is read in place from mapped files.
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

    func vectorField(_ collection: String, _ field: String) throws -> VectorFieldSchema {
        let schema = try schema(collection)
        guard let vf = schema.vectorField(field) else {
            throw EngineError.badParameter("collection '\(collection)' has no vector field '\(field)'"
                + (schema.vectorFields.isEmpty ? " (import vectors with --vectors FILE, or embed the text with quarry embed --collection \(collection))"
                    : " (vector fields: \(schema.vectorFields.map(\.name).joined(separator: ", ")))"))
        }
        return vf
    }

    func openChunks(collection: String, field: String) throws -> (entries: [SegmentEntry], chunks: [VectorChunk]) {
        let entries = try database.vectorChunks(collection: collection, field: field)
        let chunks = try entries.map { e in
            do {
                return try VectorChunk(file: try database.open(e, kind: VectorChunk.kind, version: VectorChunk.version,
                                                               name: "the vectors of '\(field)' in '\(collection)'"))
            } catch let error as SegmentError { throw StorageError.segment(error) }
        }
        return (entries, chunks)
    }

    /// The sealed chunk an index is built over: the field's vectors as one chunk from ordinal 0.
    /// When imports left several chunks, they are merged into a new one that is not yet
    /// published: the caller commits it with the index, in one transaction, so a kill at any
    /// moment leaves the old chunks and the old index as they were.
    struct SealedChunk {
        var chunk: VectorChunk
        /// The file name the catalog will know the chunk by.
        var fileName: String
        /// The merged chunk to publish with the index, and the catalog changes that swap it in.
        var pending: FinishedSegment?
        var rows: Int
    }

    func sealVectors(collection: String, field: String) throws -> SealedChunk {
        let vf = try vectorField(collection, field)
        let (entries, chunks) = try openChunks(collection: collection, field: field)
        guard !chunks.isEmpty else {
            throw EngineError.badParameter("field '\(field)' of '\(collection)' holds no vectors yet")
        }
        if chunks.count == 1 && chunks[0].firstOrdinal == 0 {
            return SealedChunk(chunk: chunks[0], fileName: entries[0].files.first ?? "", pending: nil, rows: chunks[0].count)
        }
        let end = chunks.map { Int($0.firstOrdinal) + $0.count }.max()!
        // Rows are copied as stored (already normalised for a cosine field), with their lengths.
        let writer = VectorChunkWriter(writer: try database.segmentWriter(collection: collection, owner: "vectors:\(field)", kind: VectorChunk.kind, version: VectorChunk.version),
                                       dimension: vf.dimension, firstOrdinal: 0, normalize: vf.metric == .cosine)
        var c = 0
        do {
            for o in 0..<UInt32(end) {
                while c < chunks.count && chunks[c].ordinals.upperBound <= o { c += 1 }
                if c < chunks.count && chunks[c].ordinals.contains(o) && !chunks[c].isMissing(o) {
                    let ch = chunks[c]
                    try writer.appendStored(ch.row(o), length: ch.norms.map { $0[Int(o - ch.firstOrdinal)] } ?? 1)
                } else {
                    try writer.appendMissing()
                }
            }
            let done = try writer.finish()
            let file = try SegmentFile(paths: done.temporaryPaths, kind: VectorChunk.kind, version: VectorChunk.version,
                                       name: "the vectors of '\(field)' in '\(collection)'")
            return SealedChunk(chunk: try VectorChunk(file: file), fileName: SegmentFile.fileName(done.files[0].path), pending: done, rows: end)
        } catch {
            writer.abort()
            throw StorageError.segment(error)
        }
    }

    /// Builds the field's ANN index over its sealed vectors (merging imported chunks first) and
    /// saves the merged chunk, the index's segment and its catalog row in one transaction.
    /// `progress(done, total)` follows the build.
    @discardableResult
    public func buildVectorIndex(collection: String, field: String, type: String, parameters: [String: String],
                                 threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> VectorBuildReport {
        let started = Date()
        let vf = try vectorField(collection, field)
        let metric = VectorMetric(name: vf.metric.rawValue) ?? .cosine
        let sealed = try sealVectors(collection: collection, field: field)
        let index = try VectorSegments.build(type: type, parameters: parameters, chunk: sealed.chunk, metric: metric,
                                             threads: threads, progress: progress)
        let name = Self.vectorSnapshotName(field)
        var changes = SegmentChanges()
        changes.removeOwners = [name]
        if let pending = sealed.pending {
            changes.removeOwners.append("vectors:\(field)")
            changes.additions.append(.init(owner: "vectors:\(field)", seq: 0, segment: pending, kind: VectorChunk.kind, firstOrdinal: 0, rows: sealed.rows))
        }
        var segmentBytes = 0
        if let (kind, version) = VectorSegments.segmentKind(of: index.kind) {
            let writer = try database.segmentWriter(collection: collection, owner: name, kind: kind, version: version)
            do {
                try VectorSegments.write(index, to: writer)
            } catch {
                writer.abort()
                throw StorageError.segment(error)
            }
            let done: FinishedSegment
            do { done = try writer.finish() } catch { throw StorageError.segment(error) }
            segmentBytes = done.totalBytes
            changes.additions.append(.init(owner: name, seq: 0, segment: done, kind: kind, firstOrdinal: 0, rows: index.count))
        }
        let params = index.parameters.map { JSONMember($0.name, .string($0.value)) }
        try database.saveIndex(collection: collection, name: name, kind: index.kind.rawValue, field: field, params: .object(params),
                               state: .object([JSONMember("chunk", .string(sealed.fileName))]), changes: changes)
        // The build read every row: let queries bring back only the pages they touch.
        sealed.chunk.file.releaseCache()
        invalidate()
        let live = index.count - index.deletedCount
        return VectorBuildReport(field: field, type: index.kind.rawValue, vectors: live, parameters: index.parameters,
                                 memoryBytes: VectorSegments.residentBytes(index), snapshotBytes: segmentBytes,
                                 seconds: Date().timeIntervalSince(started))
    }

    /// The field's vectors: mapped chunks, its sealed index (when one was built over the current
    /// chunk), and FLAT over the growing chunks. Loaded once per workbench.
    func fieldVectors(collection: String, field: String) throws -> FieldVectors {
        let key = "\(collection)/\(field)"
        if let v = cache.vectors[key] { return v }
        let vf = try vectorField(collection, field)
        let metric = VectorMetric(name: vf.metric.rawValue) ?? .cosine
        let (entries, chunks) = try openChunks(collection: collection, field: field)
        let deleted = try deletedOrdinals(collection: collection)
        var sealed: (any VectorIndex)?
        if let (info, segments) = try database.index(collection: collection, name: Self.vectorSnapshotName(field)) {
            guard let kind = VectorIndexKind(name: info.kind) else {
                throw EngineError.badParameter("the index of '\(field)' has an unknown kind '\(info.kind)'; rebuild it with: quarry index --collection \(collection) --vector \(field) --type hnsw")
            }
            let rebuild = "quarry index --collection \(collection) --vector \(field) --type \(kind.rawValue)"
            guard let first = entries.first, let chunk = chunks.first, first.files.first == info.state["chunk"]?.stringValue else {
                throw EngineError.badParameter("the \(kind.rawValue) index of '\(field)' was built over vectors that have since been replaced; rebuild it with: \(rebuild)")
            }
            do {
                let file = try segments.first.map { e in
                    try database.open(e, kind: e.kind, version: VectorSegments.segmentKind(of: kind)?.version ?? 1,
                                      name: "the \(kind.rawValue) index of '\(field)' in '\(collection)'")
                }
                sealed = try VectorSegments.open(kind: kind, file: file, chunk: chunk, metric: metric, deleted: deleted)
            } catch let e as SegmentError {
                throw EngineError.damaged(what: "the \(kind.rawValue) index of '\(field)' in '\(collection)'", reason: e.description, rebuild: rebuild)
            } catch let e as StorageError {
                throw EngineError.damaged(what: "the \(kind.rawValue) index of '\(field)' in '\(collection)'", reason: e.description, rebuild: rebuild)
            }
        }
        let v = FieldVectors(field: vf, chunks: chunks, sealed: sealed, deleted: deleted)
        cache.vectors[key] = v
        return v
    }

    /// The field's approximate index, or nil when none was built.
    func vectorIndex(collection: String, field: String) throws -> (any VectorIndex)? {
        try fieldVectors(collection: collection, field: field).sealed
    }

    /// The ordinals deleted from a collection (tombstones for every index), cached.
    func deletedOrdinals(collection: String) throws -> Bitmap {
        if let d = cache.deleted[collection] { return d }
        let d = try database.deletedOrdinals(collection: collection)
        cache.deleted[collection] = d
        return d
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
            guard let ordinal = try database.ordinal(collection: collection, id: id) else {
                throw StorageError.noSuchRecord(collection: collection, id: id)
            }
            guard let v = try fieldVectors(collection: collection, field: field).row(ordinal) else {
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
    /// EXPLAIN ANALYZE compares the branch with the exact answer (the `recall` setting, or WITH).
    var measuresRecall: Bool
    /// `WITHIN radius [AND range_filter]`: only hits in the band, searched wider until k are found.
    var range: VectorRange?
    var lowerIsCloser: Bool { metric == .l2 }
    var metric: VectorMetric = .cosine
}

extension Workbench {
    func planVectorBranch(_ s: SearchStatement, near: NearClause, window: Int, filterEstimate: Double?) throws -> VectorPlan {
        let field = try near.field ?? defaultVectorField(s.collection)
        let query = try queryVector(near.target, collection: s.collection, field: field)
        let overrides = s.with.merging(near.params, uniquingKeysWith: { $1 })
        let ef = settings.integer("ef", overrides), nprobe = settings.integer("nprobe", overrides)
        let refineK = settings.integer("refine_k", overrides)
        let params = VectorSearchParams(ef: ef, nprobe: nprobe, refineK: refineK)
        let wantsFlat = near.index == "flat"
        let vectors = try fieldVectors(collection: s.collection, field: field)
        let index = wantsFlat ? nil : vectors.sealed
        if let requested = near.index, !wantsFlat, let index, requested != index.kind.rawValue {
            throw s.located(EngineError.badParameter("field '\(field)' has a \(index.kind.rawValue) index, not \(requested); build it with: quarry index --collection \(s.collection) --vector \(field) --type \(requested)"), at: "near.index")
        }
        if near.index != nil && !wantsFlat && index == nil {
            throw s.located(EngineError.noIndex(collection: s.collection, kind: near.index!.uppercased(), hint: "quarry index --collection \(s.collection) --vector \(field) --type \(near.index!)"), at: "near.index")
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
        if kind.hasPrefix("hnsw") { p.append("ef=\(max(ef, window))") }
        if kind == "hnsw_sq" { p.append("refine_k=\(max(refineK, window))") }
        if kind.hasPrefix("ivf") { p.append("nprobe=\(nprobe)") }
        if kind == "ivf_rabitq" { p.append("refine_k=\(refineK)") }
        p.append(try schema(s.collection).vectorField(field)!.metric.rawValue)
        node.detail("Parameters", p.joined(separator: ", "))
        if index != nil && vectors.growingRows > 0 {
            node.detail("Segments", "sealed \(NumberText.grouped(vectors.sealedRows)) rows (\(kind.uppercased())) + growing \(NumberText.grouped(vectors.growingRows)) rows in \(vectors.growing.count) chunk(s) (exact scan), merged by score")
        }
        if let est = filterEstimate, let index {
            let n = try ordinalCount(collection: s.collection)
            let picked = strategy.map { ($0, "forced by SET filter_strategy") }
                ?? FilterPlanner.pick(kind: index.kind, allowedCount: Int(est * Double(n)), total: max(1, index.count - index.deletedCount),
                                      estimatedIndexCost: index.estimatedSearchCost(k: window, params: params))
            node.detail("Filter strategy", "\(picked.0.rawValue) — \(picked.1) (estimated)")
        }
        if let range = near.range {
            try s.located("near.radius") { try range.check(lowerIsCloser: vectors.metric == .l2) }
            node.detail("Range", range.text(lowerIsCloser: vectors.metric == .l2) + (vectors.metric == .l2 ? " (squared L2, as Milvus reports it)" : ""))
        }
        return VectorPlan(node: node, collection: s.collection, field: field, query: query, k: window, params: params,
                          strategy: strategy, exactOnly: index == nil, measuresRecall: settings.flag("recall", overrides),
                          range: near.range, metric: vectors.metric)
    }

    func runVectorBranch(_ plan: VectorPlan, allowed: Bitmap?, filterNode: PlanNode?, clock: () -> Double, analyze: Bool) throws -> BranchOutcome {
        let vectors = try fieldVectors(collection: plan.collection, field: plan.field)
        let filter = allowed.map { VectorFilter(allowed: $0, strategy: plan.strategy) } ?? .none
        var node = plan.node
        node.removeDetails("Filter strategy")
        let t0 = clock()
        let ranged = try Self.ranged(plan) { k in
            plan.exactOnly
                ? try vectors.exactSearch(query: plan.query, k: k, allowed: allowed)
                : try vectors.search(query: plan.query, k: k, params: plan.params, filter: filter)
        }
        let result = ranged.result
        let t1 = clock()
        if let range = plan.range {
            node.detail("Range search", "\(result.hits.count) hits with \(range.text(lowerIsCloser: plan.lowerIsCloser)); searched k=\(ranged.ks.map(String.init).joined(separator: " → "))"
                + (ranged.ks.count > 1 ? " (widened \(ranged.ks.count - 1)× to find \(plan.k) in the band)" : ""))
        }
        if let s = result.strategy { node.detail("Filter strategy", "\(s.rawValue) — \(result.reason ?? "")") }
        node.record(PlanCounters(distanceComputations: result.counters.distanceComputations, nodesVisited: result.counters.nodesVisited,
                                 hops: result.counters.hops, refined: result.counters.refined,
                                 fullVectorBytes: result.counters.fullVectorBytes > 0 ? result.counters.fullVectorBytes : nil))
        if result.counters.fullVectorBytes > 0 {
            node.detail("Full vectors read", "\(NumberText.grouped(result.counters.fullVectorBytes)) bytes (\(result.counters.refined) rows re-ranked from the vector file)")
        }
        node.executed = true
        node.actualStartMs = t0
        node.actualEndMs = t1
        node.actualRows = result.hits.count
        var recall: PlanRecall?
        if analyze && !plan.exactOnly && plan.measuresRecall {
            let (exact, ns) = try measure { try exactAnswer(vectors, plan: plan, allowed: allowed) }
            let k = min(10, exact.hits.count)
            let want = exact.hits.prefix(k).map(\.id)
            recall = PlanRecall(k: k, value: Measures.exactRecall(returned: result.hits.map(\.id), exact: want, k: k), oracle: "exact branch",
                                exactMs: Double(ns) / 1e6, oracleWork: exact.counters.distanceComputations, oracleWorkUnit: "distances", exact: want)
            node.record(recall!)
        }
        if let filterNode { node.children.append(filterNode) }
        return BranchOutcome(name: "vector", hits: result.hits, node: node, recall: recall)
    }

    /// A vector search, kept to the hits in the plan's range when it has one: searched with k,
    /// then 4k, 16k, … until k hits are in the band, the search gives fewer than asked, or its
    /// last hit lies beyond the radius (every later one would too). Without a range, one search.
    static func ranged(_ plan: VectorPlan, search: (Int) throws -> VectorSearchResult) throws -> (result: VectorSearchResult, ks: [Int]) {
        guard let range = plan.range else { return (try search(plan.k), [plan.k]) }
        var k = plan.k
        var ks: [Int] = []
        while true {
            ks.append(k)
            var r = try search(k)
            let inBand = r.hits.filter { range.contains(score: $0.score, lowerIsCloser: plan.lowerIsCloser) }
            let done = inBand.count >= plan.k || r.hits.count < k || k >= Parameters.maxResults
                || r.hits.last.map { range.isBeyond(score: $0.score, lowerIsCloser: plan.lowerIsCloser) } == true
            if done {
                r.hits = Array(inBand.prefix(plan.k))
                return (r, ks)
            }
            k = min(k * 4, Parameters.maxResults)
        }
    }

    /// The exact answer of a vector branch, computed once per query, k, filter and range (cached
    /// until the collection changes).
    func exactAnswer(_ vectors: FieldVectors, plan: VectorPlan, allowed: Bitmap?) throws -> VectorSearchResult {
        let key = ExactKey(collection: plan.collection, field: plan.field, k: plan.k, query: plan.query.map(\.bitPattern),
                           filter: allowed?.serialized(), range: plan.range)
        if let hit = cache.exact[key] { return hit }
        let exact = try Self.ranged(plan) { k in try vectors.exactSearch(query: plan.query, k: k, allowed: allowed) }.result
        if cache.exact.count > 10_000 { cache.exact.removeAll() }
        cache.exact[key] = exact
        return exact
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
            // Any index type, each once, in the order given; an unknown name is refused with the nearest one.
            var seen: Set<VectorIndexKind> = []
            configuration.indexes = try types.compactMap { name in
                let kind = try VectorIndexes.kind(named: name)
                return seen.insert(kind).inserted ? (kind.rawValue, [:]) : nil
            }
        }
        return try VectorBenchmark.run(base: base.vectors, queries: q, dimension: base.dimension, configuration: configuration).json
    }
}
