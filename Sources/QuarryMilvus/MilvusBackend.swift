import Foundation
import QuarryEngine
import QuarryFilter
import SwiftProtobuf

/// Runs SEARCH statements on a Milvus deployment: MATCH as a BM25 search on the pushed
/// collection's `sparse` field, NEAR as an ANN search with `ef`, WHERE as the same filter in
/// Milvus's expression syntax, both with FUSE as a HybridSearch with RRFRanker / WeightedRanker.
/// The plan is the remote request as a node with its parameters and the client-measured time.
public final class MilvusBackend: SearchBackend, @unchecked Sendable {
    public let client: MilvusClient
    public var name: String { client.address.description }

    private struct Remote {
        var name: String
        var schema: Milvus_Proto_Schema_CollectionSchema
        var indexes: [String: MilvusClient.IndexInfo]
    }
    private var remotes: [String: Remote] = [:]
    private var ordinals: [String: [String: UInt32]] = [:]
    private let lock = NSLock()

    public init(address: MilvusAddress, connectTimeout: Double = 5) throws {
        client = try MilvusClient(address: address, connectTimeout: connectTimeout)
    }

    public func close() { client.close() }

    /// The remote collection a statement about `local` goes to.
    public func remoteName(for local: String) -> String { client.address.collection ?? local }

    // MARK: - SearchBackend

    public func plan(_ s: SearchStatement, workbench: Workbench) throws -> SearchResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let p = try prepare(s, workbench: workbench)
        return SearchResult(statement: s, plan: p.root(executed: nil), hits: [], planningMs: Self.ms(since: started), executionMs: 0)
    }

    public func search(_ s: SearchStatement, analyze: Bool, workbench: Workbench) throws -> SearchResult {
        let planned = DispatchTime.now().uptimeNanoseconds
        let p = try prepare(s, workbench: workbench)
        let planningMs = Self.ms(since: planned)
        let started = DispatchTime.now().uptimeNanoseconds
        let data: Milvus_Proto_Schema_SearchResultData
        switch p.request {
        case let .single(r, _): data = try client.search(r)
        case let .hybrid(r): data = try client.hybridSearch(r)
        }
        let ids: [String]
        switch data.ids.idField {
        case let .strID(a)?: ids = a.data
        case let .intID(a)?: ids = a.data.map(String.init)
        case nil: ids = []
        }
        let clientMs = Self.ms(since: started)
        // milvus-lite reports BM25 as a negative distance (best first); Milvus as a positive score.
        var scores = data.scores
        let negatedBM25: Bool
        if case .single(_, "bm25") = p.request, !scores.isEmpty, scores.allSatisfy({ $0 <= 0 }) {
            scores = scores.map { -$0 }
            negatedBM25 = true
        } else {
            negatedBM25 = false
        }
        let map = try ordinalMap(s.collection, workbench: workbench)
        var hits: [ResultHit] = []
        for (i, id) in ids.enumerated() where i >= s.offset {
            let score = i < scores.count ? scores[i] : 0
            var branches: [String: (rank: Int, score: Float)] = [:]
            if case let .single(_, branch) = p.request { branches[branch] = (i + 1, score) }
            hits.append(ResultHit(id: id, ordinal: map[id] ?? UInt32.max, rank: i + 1 - s.offset, score: Double(score), branches: branches, fusion: nil))
        }
        if hits.count > s.limit { hits.removeLast(hits.count - s.limit) }
        var recall: [String: PlanRecall] = [:]
        var root = p.root(executed: (clientMs, ids.count))
        if negatedBM25 { root.children[0].detail("Scores", "the server reports BM25 as negative distances; shown as positive scores") }
        // EXPLAIN ANALYZE of a dense search: recall against the embedded engine's exact answer.
        if analyze, s.match == nil, var near = s.near, workbench.settings.flag("recall", s.with) {
            near.index = "flat"
            var exact = s
            exact.near = near
            let t0 = DispatchTime.now().uptimeNanoseconds
            if let e = try? workbench.search(exact) {
                let want = e.hits.map(\.ordinal)
                let r = PlanRecall(k: s.limit, value: Measures.exactRecall(returned: hits.map(\.ordinal), exact: want, k: s.limit),
                                   oracle: "embedded FLAT", exactMs: Self.ms(since: t0), exact: want)
                recall["vector"] = r
                root.children[0].record(r)
            }
        }
        return SearchResult(statement: s, plan: root, hits: hits, planningMs: planningMs, executionMs: clientMs, exactRecall: recall)
    }

    // MARK: - Statement → request

    enum Request {
        case single(Milvus_Proto_Milvus_SearchRequest, branch: String)
        case hybrid(Milvus_Proto_Milvus_HybridSearchRequest)
    }

    struct Prepared {
        var request: Request
        var limitTitle: String
        var limit: Int
        var node: PlanNode

        func root(executed: (ms: Double, rows: Int)?) -> PlanNode {
            var root = PlanNode(limitTitle, estimatedRows: limit)
            var node = self.node
            if let executed {
                root.executed = true
                root.actualStartMs = executed.ms
                root.actualEndMs = executed.ms
                root.actualRows = min(executed.rows, limit)
                node.executed = true
                node.actualStartMs = 0
                node.actualEndMs = executed.ms
                node.actualRows = executed.rows
                node.detail("Client time", String(format: "%.3f ms (request, server, response, decode)", executed.ms))
                for i in node.children.indices { node.children[i].executed = true }
            }
            root.children = [node]
            return root
        }
    }

    func prepare(_ s: SearchStatement, workbench: Workbench) throws -> Prepared {
        guard s.match != nil || s.near != nil else {
            throw MilvusError.unsupportedStatement("a SEARCH on Milvus needs MATCH or NEAR (a WHERE alone is not a search)")
        }
        if !s.rankers.isEmpty {
            throw MilvusError.unsupportedStatement("RANK BY on Milvus: decay and boost rankers run in the embedded engine only (this client sends no function rerankers); drop RANK BY to compare the retrieval")
        }
        if s.grouping != nil {
            throw MilvusError.unsupportedStatement("GROUP BY on Milvus: Milvus groups by a scalar field (group_by_field), and the pushed collection keeps metadata in one JSON field; run the grouping on the embedded engine")
        }
        let local = try workbench.schema(s.collection)
        let layout = MilvusLayout(local: local)
        var nearQuery: (field: VectorFieldSchema, vector: [Float])?
        if let near = s.near { nearQuery = try workbench.nearQuery(near, collection: s.collection) }
        if s.match != nil { try client.requireBM25("MATCH (full-text search with a BM25 function)") }
        let remote = try remote(s.collection, local: local, needsBM25: s.match != nil, vectorField: nearQuery?.field, needsMetadata: s.filter != nil)

        var expr = ""
        if let f = s.filter {
            let query = try workbench.parseFilter(f.text, collection: s.collection)
            expr = try MilvusExpression.render(query.expr, fields: layout.filterFields)
        }
        let k = s.limit + s.offset
        let hybrid = s.match != nil && s.near != nil
        let window = hybrid ? max(workbench.settings.integer("window", s.with), k) : k

        var subs: [(request: Milvus_Proto_Milvus_SearchRequest, node: PlanNode, branch: String)] = []
        if let m = s.match {
            if m.expansion != nil || workbench.settings.flag("rm3", s.with) {
                throw MilvusError.unsupportedStatement("EXPAND rm3 on Milvus: pseudo-relevance feedback runs in the embedded engine only; drop EXPAND (or SET rm3 = off)")
            }
            if !m.fields.isEmpty && (Set(m.fields.map(\.field)) != Set(local.textFields) || m.fields.contains { $0.boost != 1 }) {
                throw MilvusError.unsupportedStatement("MATCH … IN on Milvus: the pushed collection has one BM25 field over all text fields (\(local.textFields.joined(separator: ", "))), without per-field boosts; drop the IN clause")
            }
            let sparseIndex = remote.indexes[MilvusLayout.sparseField]
            var r = searchRequest(remote.name, anns: MilvusLayout.sparseField, metric: sparseIndex?.metric.nonEmpty ?? "BM25", topk: window,
                                  params: .object([]), expr: expr)
            var ph = Milvus_Proto_Common_PlaceholderValue()
            ph.tag = "$0"
            ph.type = .varChar
            ph.values = [Data(m.text.utf8)]
            r.placeholderGroup = try placeholderGroup(ph)
            var node = PlanNode("BM25 Search on \(MilvusLayout.sparseField)  (function \(MilvusLayout.bm25Function) over \(MilvusLayout.bm25TextField))", estimatedRows: window)
            node.detail("Query text", m.text)
            node.detail("search_params", Self.describe(r.searchParams))
            if let i = sparseIndex { node.detail("Index", Self.describe(i)) }
            if s.with["k1"] != nil || s.with["b"] != nil || workbench.settings.all.contains(where: { ($0.name == "k1" || $0.name == "b") && !$0.isDefault }) {
                node.detail("Note", "Milvus fixes BM25 k1 and b when the index is built (see Index); k1/b of the statement are not sent")
            }
            if !expr.isEmpty { node.detail("expr", expr) }
            subs.append((r, node, "bm25"))
        }
        if let near = s.near, let nq = nearQuery {
            let field = nq.field, vector = nq.vector
            let index = remote.indexes[field.name]
            let ef = max(workbench.settings.integer("ef", s.with.merging(near.params, uniquingKeysWith: { $1 })), window)
            let metric = index?.metric.nonEmpty ?? MilvusLayout.metricName(field.metric)
            var params: [JSONMember] = []
            if index?.type.uppercased() ?? "HNSW" == "HNSW" { params.append(JSONMember("ef", .int(Int64(ef)))) }
            if near.params["nprobe"] != nil { params.append(JSONMember("nprobe", .int(Int64(workbench.settings.integer("nprobe", near.params))))) }
            // Range search: Milvus's own parameters, with its distances (squared L2; IP and cosine similarity).
            if let range = near.range {
                params.append(JSONMember("radius", .double(range.radius)))
                if let f = range.rangeFilter { params.append(JSONMember("range_filter", .double(f))) }
            }
            var r = searchRequest(remote.name, anns: field.name, metric: metric, topk: window, params: .object(params), expr: expr)
            var ph = Milvus_Proto_Common_PlaceholderValue()
            ph.tag = "$0"
            ph.type = .floatVector
            ph.values = [vector.withUnsafeBufferPointer { Data(buffer: $0) }]
            r.placeholderGroup = try placeholderGroup(ph)
            var node = PlanNode("ANN Search on \(field.name)  (\(index?.type ?? "index unknown"), \(metric), dim=\(field.dimension))", estimatedRows: window)
            node.detail("Query", Self.describe(near.target))
            node.detail("search_params", Self.describe(r.searchParams))
            if let i = index { node.detail("Index", Self.describe(i)) }
            if !expr.isEmpty { node.detail("expr", expr) }
            subs.append((r, node, "vector"))
        }

        let limitTitle = "Limit \(s.limit)" + (s.offset > 0 ? " Offset \(s.offset)" : "")
        if !hybrid, let only = subs.first {
            var node = PlanNode("Milvus Search on \(remote.name)  (\(client.address.endpoint))", estimatedRows: k)
            node.detail("Server", client.serverDescription)
            node.children = [only.node]
            return Prepared(request: .single(only.request, branch: only.branch), limitTitle: limitTitle, limit: s.limit, node: node)
        }
        // FUSE auto (or none) is the collection's tuned fusion on the embedded side too.
        let resolved = try workbench.resolveFusion(s.fusion, collection: s.collection, with: s.with)
        let spec = resolved.spec
        var rank: [Milvus_Proto_Common_KeyValuePair]
        let rankerText: String
        switch spec {
        case .auto:
            throw MilvusError.unsupportedStatement("FUSE auto was not resolved")
        case let .rrf(kk):
            let kText = kk == kk.rounded() ? JSONValue.int(Int64(kk)) : JSONValue.double(kk)
            rank = [kv("strategy", "rrf"), kv("params", JSONValue.object([JSONMember("k", kText)]).jsonText)]
            rankerText = "RRFRanker(k=\(kText.jsonText))"
        case let .weighted(weights, normalize):
            var w = weights
            if w.count == 1 { w.append(1 - w[0]) }
            rank = [kv("strategy", "weighted"),
                    kv("params", JSONValue.object([JSONMember("weights", .array(w.map { .double($0) })), JSONMember("norm_score", .bool(normalize != .none))]).jsonText)]
            rankerText = "WeightedRanker(\(w.map { String(format: "%g", $0) }.joined(separator: ", ")), norm_score=\(normalize != .none ? "True" : "False"))"
        }
        rank += [kv("limit", String(k)), kv("round_decimal", "-1"), kv("offset", "0")]
        var h = Milvus_Proto_Milvus_HybridSearchRequest()
        h.collectionName = remote.name
        h.requests = subs.map(\.request)
        h.rankParams = rank
        h.useDefaultConsistency = true
        var node = PlanNode("Milvus HybridSearch on \(remote.name)  (\(client.address.endpoint))", estimatedRows: k)
        node.detail("Server", client.serverDescription)
        node.detail("Ranker", rankerText + (normalizeNote(spec).map { "  — \($0)" } ?? ""))
        if s.fusion == nil || s.fusion == .auto { node.detail("Fusion", resolved.source) }
        node.detail("rank_params", Self.describe(rank))
        node.children = subs.map(\.node)
        return Prepared(request: .hybrid(h), limitTitle: limitTitle, limit: s.limit, node: node)
    }

    private func normalizeNote(_ spec: FusionSpec) -> String? {
        guard case let .weighted(_, n) = spec, n != .none else { return nil }
        return "Milvus normalizes each branch by its metric (arctan for BM25/IP), not by \(n.rawValue)"
    }

    private func searchRequest(_ collection: String, anns: String, metric: String, topk: Int, params: JSONValue, expr: String) -> Milvus_Proto_Milvus_SearchRequest {
        var r = Milvus_Proto_Milvus_SearchRequest()
        r.collectionName = collection
        r.dsl = expr
        r.dslType = .boolExprV1
        r.nq = 1
        r.useDefaultConsistency = true
        // As pymilvus sends them: one key per setting, `params` as a JSON object.
        r.searchParams = [
            kv("anns_field", anns), kv("topk", String(topk)), kv("metric_type", metric),
            kv("params", params.jsonText), kv("round_decimal", "-1"), kv("ignore_growing", "False"),
        ]
        return r
    }

    private func placeholderGroup(_ value: Milvus_Proto_Common_PlaceholderValue) throws -> Data {
        var g = Milvus_Proto_Common_PlaceholderGroup()
        g.placeholders = [value]
        return try g.serializedData()
    }

    // MARK: - Remote collection and ids

    private func remote(_ local: String, local schema: CollectionSchema, needsBM25: Bool, vectorField: VectorFieldSchema?, needsMetadata: Bool) throws -> Remote {
        let name = remoteName(for: local)
        lock.lock()
        let cached = remotes[name]
        lock.unlock()
        let r: Remote
        if let cached { r = cached } else {
            let described = try client.describeCollection(name)
            r = Remote(name: name, schema: described.schema, indexes: try client.describeIndexes(collection: name))
            lock.lock(); remotes[name] = r; lock.unlock()
        }
        let problems = MilvusLayout.problems(remote: r.schema, local: schema, needsBM25: needsBM25, vectorField: vectorField, needsMetadata: needsMetadata)
        if !problems.isEmpty {
            throw MilvusError.schemaMismatch(collection: name, problems: problems,
                                             hint: "push it again with: quarry push --collection \(local) --to \(MilvusAddress(host: client.address.host, port: client.address.port)) --as \(name) --replace")
        }
        return r
    }

    private func ordinalMap(_ collection: String, workbench: Workbench) throws -> [String: UInt32] {
        lock.lock()
        if let m = ordinals[collection] { lock.unlock(); return m }
        lock.unlock()
        var m: [String: UInt32] = [:]
        for (o, id) in try workbench.idMap(collection: collection).enumerated() { if let id { m[id] = UInt32(o) } }
        lock.lock(); ordinals[collection] = m; lock.unlock()
        return m
    }

    // MARK: - Words

    static func describe(_ params: [Milvus_Proto_Common_KeyValuePair]) -> String {
        params.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    static func describe(_ i: MilvusClient.IndexInfo) -> String {
        var params = i.params
        params["index_type"] = nil
        params["metric_type"] = nil
        var text = i.type
        if let p = params.removeValue(forKey: "params") { text += " " + p }
        if !params.isEmpty { text += " " + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }
        return text
    }

    static func describe(_ t: NearTarget) -> String {
        switch t {
        case let .text(s): return "text '\(s)' (embedded locally)"
        case let .document(id): return "vector of document '\(id)'"
        case let .vector(v): return "vector [\(v.count) dimensions]"
        }
    }

    static func ms(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6 }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
