import Dispatch
import Foundation
import QuarryEngine
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

typealias MilvusService = Milvus_Proto_Milvus_MilvusService.Client<HTTP2ClientTransport.Posix>

/// A connection to one Milvus deployment over its gRPC protocol (the `MilvusService` of the proxy).
///
/// Calls are synchronous for the command-line and REPL callers: each runs as a task and the
/// caller waits for it, never longer than the call's deadline plus a small grace, so a server
/// that stops answering gives a clear error rather than a hang. `close()` stops the connection;
/// call it on every path (it is also called on deinit).
public final class MilvusClient: @unchecked Sendable {
    public let address: MilvusAddress
    /// What the server said of its version at connect time, e.g. `v2.5.4` or `milvus_lite-3.2.2`.
    public private(set) var serverVersion = ""
    /// Deadline of ordinary calls (search, describe, insert) in seconds.
    public var callTimeout: Double = 60

    private let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    private let service: MilvusService
    private let runner: Task<Void, Never>
    private let finished: DispatchSemaphore
    private var closed = false
    private let lock = NSLock()

    /// Connects and asks the server's version, failing within `connectTimeout` seconds when
    /// nothing answers at the address.
    public init(address: MilvusAddress, connectTimeout: Double = 5) throws(MilvusError) {
        self.address = address
        let target: any ResolvableTarget
        if address.host.split(separator: ".").count == 4, address.host.allSatisfy({ $0.isNumber || $0 == "." }) {
            target = ResolvableTargets.IPv4.ipv4(address: address.host, port: address.port)
        } else if address.host.contains(":") {
            target = ResolvableTargets.IPv6.ipv6(address: address.host, port: address.port)
        } else {
            target = ResolvableTargets.DNS.dns(host: address.host, port: address.port)
        }
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: .plaintext,
                config: .defaults { config in
                    config.backoff = .init(initial: .milliseconds(100), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
                })
        } catch {
            throw .badAddress(address.description)
        }
        let grpc = GRPCClient(transport: transport)
        self.grpc = grpc
        service = MilvusService(wrapping: grpc)
        let finished = DispatchSemaphore(value: 0)
        self.finished = finished
        runner = Task {
            try? await grpc.runConnections()
            finished.signal()
        }
        do {
            let response = try call("GetVersion", timeout: connectTimeout) { s, o in
                try await s.getVersion(Milvus_Proto_Milvus_GetVersionRequest(), options: o)
            }
            serverVersion = response.version
        } catch {
            close()
            switch error {
            case .timeout, .rpc:
                throw .unreachable(address: address.endpoint, seconds: connectTimeout, detail: "")
            default:
                throw error
            }
        }
    }

    deinit { close() }

    /// Stops the connection and waits (briefly) for it to wind down.
    public func close() {
        lock.lock()
        let wasClosed = closed
        closed = true
        lock.unlock()
        guard !wasClosed else { return }
        grpc.beginGracefulShutdown()
        if finished.wait(timeout: .now() + 2) == .timedOut { runner.cancel() }
    }

    // MARK: - Calls

    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// Runs one RPC and waits for it: at most `timeout` seconds (the call's deadline) plus 2.
    func call<T: Sendable>(_ name: String, timeout: Double? = nil,
                           _ body: @escaping @Sendable (MilvusService, CallOptions) async throws -> T) throws(MilvusError) -> T {
        let seconds = timeout ?? callTimeout
        var options = CallOptions.defaults
        options.timeout = .milliseconds(Int64(seconds * 1000))
        options.maxRequestMessageBytes = 512 << 20
        options.maxResponseMessageBytes = 512 << 20
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let service = self.service
        let task = Task {
            do { outcome.result = .success(try await body(service, options)) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        if done.wait(timeout: .now() + seconds + 2) == .timedOut {
            task.cancel()
            throw .timeout(address: address.endpoint, call: name, seconds: seconds)
        }
        switch outcome.result! {
        case let .success(value): return value
        case let .failure(error): throw translate(error, call: name, seconds: seconds)
        }
    }

    private func translate(_ error: any Error, call: String, seconds: Double) -> MilvusError {
        if let e = error as? MilvusError { return e }
        if let e = error as? RPCError {
            switch e.code {
            case .deadlineExceeded: return .timeout(address: address.endpoint, call: call, seconds: seconds)
            case .unavailable: return .unreachable(address: address.endpoint, seconds: seconds, detail: e.message)
            case .unimplemented:
                return .unsupported(feature: "the \(call) call", server: serverDescription, needs: "a Milvus that implements it (2.5 or later)")
            default: return .rpc(call: call, message: "\(e.code): \(e.message)")
            }
        }
        return .rpc(call: call, message: String(describing: error))
    }

    /// `Milvus v2.5.4 at 127.0.0.1:19530`.
    public var serverDescription: String {
        let v = serverVersion.isEmpty ? "an unknown version" : serverVersion
        return "Milvus \(v) at \(address.endpoint)"
    }

    /// Throws unless the status says success (`code` 0, or the older `error_code` Success).
    func check(_ status: Milvus_Proto_Common_Status, _ call: String) throws(MilvusError) {
        let legacy = Int32(status.errorCode.rawValue)
        guard status.code != 0 || legacy != 0 else { return }
        throw .server(call: call, code: status.code != 0 ? status.code : legacy, reason: status.reason.isEmpty ? status.detail : status.reason)
    }

    // MARK: - Version and features

    /// The (major, minor) of a Milvus version string (`v2.5.4`, `2.6.0-rc1`); nil for others
    /// (milvus-lite, which reports `milvus_lite-3.x` and serves 2.5's features).
    public static func milvusVersion(_ text: String) -> (major: Int, minor: Int)? {
        var t = Substring(text)
        if t.hasPrefix("v") || t.hasPrefix("V") { t = t.dropFirst() }
        let parts = t.split(whereSeparator: { $0 == "." || $0 == "-" })
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }

    /// True when the server is known to lack BM25 functions (Milvus before 2.5).
    public var lacksBM25: Bool {
        guard let v = Self.milvusVersion(serverVersion) else { return false }
        return v.major < 2 || (v.major == 2 && v.minor < 5)
    }

    /// Throws `unsupported` when the server is older than 2.5 (BM25 functions, full-text search).
    public func requireBM25(_ feature: String) throws(MilvusError) {
        if lacksBM25 { throw .unsupported(feature: feature, server: serverDescription, needs: "Milvus 2.5 or later (BM25 functions)") }
    }

    // MARK: - Collections

    public func hasCollection(_ name: String) throws(MilvusError) -> Bool {
        var r = Milvus_Proto_Milvus_HasCollectionRequest()
        r.collectionName = name
        let response = try call("HasCollection") { [r] s, o in try await s.hasCollection(r, options: o) }
        try check(response.status, "HasCollection")
        return response.value
    }

    func describeCollection(_ name: String) throws(MilvusError) -> Milvus_Proto_Milvus_DescribeCollectionResponse {
        guard try hasCollection(name) else {
            throw .missingCollection(name: name, address: address.endpoint, hint: "push it with: quarry push --collection LOCAL --to \(MilvusAddress(host: address.host, port: address.port)) --as \(name)")
        }
        var r = Milvus_Proto_Milvus_DescribeCollectionRequest()
        r.collectionName = name
        let response = try call("DescribeCollection") { [r] s, o in try await s.describeCollection(r, options: o) }
        try check(response.status, "DescribeCollection")
        return response
    }

    func createCollection(_ schema: Milvus_Proto_Schema_CollectionSchema) throws(MilvusError) {
        var r = Milvus_Proto_Milvus_CreateCollectionRequest()
        r.collectionName = schema.name
        do { r.schema = try schema.serializedData() } catch { throw .badData("cannot encode the schema: \(error)") }
        r.shardsNum = 1
        r.consistencyLevel = .strong
        let status = try call("CreateCollection") { [r] s, o in try await s.createCollection(r, options: o) }
        try check(status, "CreateCollection")
    }

    public func dropCollection(_ name: String) throws(MilvusError) {
        var r = Milvus_Proto_Milvus_DropCollectionRequest()
        r.collectionName = name
        let status = try call("DropCollection") { [r] s, o in try await s.dropCollection(r, options: o) }
        try check(status, "DropCollection")
    }

    /// Builds an index: `params` go as Milvus's `params` JSON object (as pymilvus sends them).
    func createIndex(collection: String, field: String, indexName: String, type: String, metric: String, params: [(String, JSONValue)]) throws(MilvusError) {
        var r = Milvus_Proto_Milvus_CreateIndexRequest()
        r.collectionName = collection
        r.fieldName = field
        r.indexName = indexName
        r.extraParams = [
            kv("index_type", type), kv("metric_type", metric),
            kv("params", JSONValue.object(params.map { JSONMember($0.0, $0.1) }).jsonText),
        ]
        let status = try call("CreateIndex") { [r] s, o in try await s.createIndex(r, options: o) }
        try check(status, "CreateIndex")
    }

    /// The collection's indexes: field → (index type, metric type, every parameter as text).
    func describeIndexes(collection: String) throws(MilvusError) -> [String: IndexInfo] {
        var r = Milvus_Proto_Milvus_DescribeIndexRequest()
        r.collectionName = collection
        let response = try call("DescribeIndex") { [r] s, o in try await s.describeIndex(r, options: o) }
        // A collection without indexes answers with an error status ("index not found").
        if response.status.code != 0 || response.status.errorCode != .success { return [:] }
        var out: [String: IndexInfo] = [:]
        for d in response.indexDescriptions {
            var params: [String: String] = [:]
            for p in d.params { params[p.key] = p.value }
            out[d.fieldName] = IndexInfo(name: d.indexName, type: params["index_type"] ?? "", metric: params["metric_type"] ?? "", params: params)
        }
        return out
    }

    struct IndexInfo: Sendable {
        var name: String
        var type: String
        var metric: String
        var params: [String: String]
    }

    /// Loads the collection into memory and waits until Milvus says it is loaded.
    func load(_ collection: String, timeout: Double = 300) throws(MilvusError) {
        var r = Milvus_Proto_Milvus_LoadCollectionRequest()
        r.collectionName = collection
        r.replicaNumber = 1
        let status = try call("LoadCollection", timeout: timeout) { [r] s, o in try await s.loadCollection(r, options: o) }
        try check(status, "LoadCollection")
        var q = Milvus_Proto_Milvus_GetLoadStateRequest()
        q.collectionName = collection
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let response = try call("GetLoadState") { [q] s, o in try await s.getLoadState(q, options: o) }
            try check(response.status, "GetLoadState")
            if response.state == .loaded { return }
            if Date() > deadline { throw .timeout(address: address.endpoint, call: "LoadCollection", seconds: timeout) }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Inserts one batch (columns of equal length); returns how many rows Milvus took.
    func insert(collection: String, columns: [Milvus_Proto_Schema_FieldData], rows: Int) throws(MilvusError) -> Int {
        var r = Milvus_Proto_Milvus_InsertRequest()
        r.collectionName = collection
        r.fieldsData = columns
        r.numRows = UInt32(rows)
        let response = try call("Insert") { [r] s, o in try await s.insert(r, options: o) }
        try check(response.status, "Insert")
        return Int(response.insertCnt)
    }

    func flush(_ collection: String) throws(MilvusError) {
        var r = Milvus_Proto_Milvus_FlushRequest()
        r.collectionNames = [collection]
        let response = try call("Flush", timeout: 300) { [r] s, o in try await s.flush(r, options: o) }
        try check(response.status, "Flush")
    }

    /// `count(*)` of the collection, with strong consistency (what a search would see now).
    public func count(_ collection: String) throws(MilvusError) -> Int {
        var r = Milvus_Proto_Milvus_QueryRequest()
        r.collectionName = collection
        r.expr = ""
        r.outputFields = ["count(*)"]
        r.consistencyLevel = .strong
        let response = try call("Query") { [r] s, o in try await s.query(r, options: o) }
        try check(response.status, "Query count(*)")
        for f in response.fieldsData where f.fieldName == "count(*)" {
            if case let .longData(a)? = f.scalars.data, let n = a.data.first { return Int(n) }
        }
        throw .badData("Milvus answered count(*) without a count")
    }

    func search(_ r: Milvus_Proto_Milvus_SearchRequest) throws(MilvusError) -> Milvus_Proto_Schema_SearchResultData {
        let response = try call("Search") { [r] s, o in try await s.search(r, options: o) }
        try check(response.status, "Search")
        return response.results
    }

    func hybridSearch(_ r: Milvus_Proto_Milvus_HybridSearchRequest) throws(MilvusError) -> Milvus_Proto_Schema_SearchResultData {
        let response = try call("HybridSearch") { [r] s, o in try await s.hybridSearch(r, options: o) }
        try check(response.status, "HybridSearch")
        return response.results
    }
}

func kv(_ key: String, _ value: String) -> Milvus_Proto_Common_KeyValuePair {
    var p = Milvus_Proto_Common_KeyValuePair()
    p.key = key
    p.value = value
    return p
}
