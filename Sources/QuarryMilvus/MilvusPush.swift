import Foundation
import QuarryEngine

/// `quarry push`: a local collection copied into a new Milvus collection, ready for the same
/// statements — schema (see `MilvusLayout`), indexes, load, batched insert, count check.
public struct PushRequest: Sendable {
    public var collection: String
    /// The Milvus collection's name (default: the local name).
    public var remoteName: String?
    /// Drop a remote collection of that name first.
    public var replace = false
    public var batchSize = 256
    /// BM25 parameters of the sparse index (fixed at build time in Milvus); Quarry's defaults.
    public var k1: Double = 0.9
    public var b: Double = 0.4
    /// `analyzer_params` of the text fields (JSON), by default Milvus's English analyzer.
    public var analyzerParams = MilvusLayout.englishAnalyzer

    public init(collection: String) { self.collection = collection }
}

public struct PushReport: Sendable {
    public var collection: String
    public var remoteName: String
    public var address: String
    public var server: String
    public var rows: Int
    public var remoteCount: Int
    /// field → (index type, parameters as `name=value` text).
    public var indexes: [(field: String, type: String, params: String)]
    public var truncatedTexts: Int
    public var seconds: Double
    public var notes: [String]

    public var json: JSONValue {
        .object([
            JSONMember("collection", .string(collection)), JSONMember("remote_collection", .string(remoteName)),
            JSONMember("address", .string(address)), JSONMember("server_version", .string(server)),
            JSONMember("rows", .int(Int64(rows))), JSONMember("remote_count", .int(Int64(remoteCount))),
            JSONMember("indexes", .array(indexes.map { .object([JSONMember("field", .string($0.field)), JSONMember("type", .string($0.type)), JSONMember("params", .string($0.params))]) })),
            JSONMember("truncated_texts", .int(Int64(truncatedTexts))),
            JSONMember("seconds", .double((seconds * 1000).rounded() / 1000)),
            JSONMember("notes", .array(notes.map { .string($0) })),
        ])
    }
}

extension MilvusClient {
    /// Pushes a collection; `progress(done, total)` is called after each batch.
    public func push(_ request: PushRequest, from workbench: Workbench,
                     progress: (Int, Int) -> Void = { _, _ in }) throws -> PushReport {
        let started = Date()
        let local = try workbench.schema(request.collection)
        let name = request.remoteName ?? request.collection
        guard MilvusLayout.isMilvusName(name) else {
            throw MilvusError.badData("'\(name)' is not a valid Milvus collection name (letters, digits and _, not starting with a digit); choose one with --as")
        }
        try requireBM25("quarry push (a BM25 function into a sparse field)")
        let layout = MilvusLayout(local: local)
        let schema = try layout.schema(name: name, analyzerParams: request.analyzerParams)
        var notes: [String] = []

        // What to send: every live record, and each vector field's vectors by ordinal.
        let records = try workbench.records(collection: request.collection)
        guard !records.isEmpty else { throw MilvusError.badData("collection '\(request.collection)' is empty; nothing to push") }
        var vectors: [(field: VectorFieldSchema, byOrdinal: [UInt32: Int], flat: [Float])] = []
        for v in local.vectorFields {
            let (ordinals, flat, _) = try workbench.storedVectors(collection: request.collection, field: v.name)
            var byOrdinal: [UInt32: Int] = [:]
            for (i, o) in ordinals.enumerated() { byOrdinal[o] = i }
            if let missing = records.first(where: { byOrdinal[$0.ordinal] == nil }) {
                throw MilvusError.badData("record '\(missing.id)' has no vector in '\(v.name)'; Milvus needs one for every row (embed or import the vectors first)")
            }
            vectors.append((v, byOrdinal, flat))
        }
        if let long = records.first(where: { $0.id.utf8.count > MilvusLayout.maxIDBytes }) {
            throw MilvusError.badData("record id '\(long.id.prefix(40))…' is longer than Milvus's \(MilvusLayout.maxIDBytes)-byte VARCHAR primary key")
        }

        // Indexes: BM25 as Milvus's sparse inverted index; HNSW with the local index's parameters.
        let localIndexes = try workbench.indexes(collection: request.collection)
        var indexSpecs: [(field: String, type: String, metric: String, params: [(String, JSONValue)])] = [
            (MilvusLayout.sparseField, "SPARSE_INVERTED_INDEX", "BM25",
             [("bm25_k1", .double(request.k1)), ("bm25_b", .double(request.b))]),
        ]
        for v in local.vectorFields {
            var m = 16, efc = 200
            if let info = localIndexes.first(where: { $0.name == "vector:\(v.name)" }), info.kind == "hnsw" {
                if let s = info.params["M"]?.stringValue, let n = Int(s) { m = n }
                if let s = info.params["ef_construction"]?.stringValue, let n = Int(s) { efc = n }
            } else {
                notes.append("'\(v.name)' has no local HNSW index; Milvus's HNSW uses M=16, efConstruction=200")
            }
            indexSpecs.append((v.name, "HNSW", MilvusLayout.metricName(v.metric), [("M", .int(Int64(m))), ("efConstruction", .int(Int64(efc)))]))
        }

        if try hasCollection(name) {
            guard request.replace else { throw MilvusError.alreadyExists(name: name, address: address.endpoint) }
            try dropCollection(name)
        }
        try createCollection(schema)
        var truncated = 0
        func fill() throws -> (Int, Int) {
            for spec in indexSpecs {
                try createIndex(collection: name, field: spec.field, indexName: "\(spec.field)_idx", type: spec.type, metric: spec.metric, params: spec.params)
            }
            try load(name)

            func text(_ s: String) -> String {
                let cut = s.prefix(utf8Bytes: MilvusLayout.maxTextBytes)
                if cut.utf8.count < s.utf8.count { truncated += 1 }
                return cut
            }
            var inserted = 0
            var start = 0
            let batch = max(1, request.batchSize)
            progress(0, records.count)
            while start < records.count {
                let slice = records[start..<min(start + batch, records.count)]
                var columns: [Milvus_Proto_Schema_FieldData] = []
                columns.append(Self.varchar(MilvusLayout.idField, slice.map(\.id)))
                for t in local.textFields { columns.append(Self.varchar(t, slice.map { text($0.text(t) ?? "") })) }
                columns.append(Self.varchar(MilvusLayout.bm25TextField, slice.map { r in
                    text(local.textFields.compactMap { r.text($0) }.filter { !$0.isEmpty }.joined(separator: "\n"))
                }))
                for (field, byOrdinal, flat) in vectors {
                    var fd = Milvus_Proto_Schema_FieldData()
                    fd.type = .floatVector
                    fd.fieldName = field.name
                    var data: [Float] = []
                    data.reserveCapacity(slice.count * field.dimension)
                    for r in slice {
                        let i = byOrdinal[r.ordinal]! * field.dimension
                        data.append(contentsOf: flat[i..<(i + field.dimension)])
                    }
                    fd.vectors.dim = Int64(field.dimension)
                    fd.vectors.floatVector.data = data
                    columns.append(fd)
                }
                var meta = Milvus_Proto_Schema_FieldData()
                meta.type = .json
                meta.fieldName = MilvusLayout.metadataField
                meta.scalars.jsonData.data = slice.map { r in
                    if case .object = r.metadata { return Data(r.metadata.jsonText.utf8) }
                    return Data("{}".utf8)
                }
                columns.append(meta)
                let n = try insert(collection: name, columns: columns, rows: slice.count)
                guard n == slice.count else {
                    throw MilvusError.badData("Milvus took \(n) of \(slice.count) rows of a batch (rows \(start + 1)–\(start + slice.count))")
                }
                inserted += n
                start += slice.count
                progress(inserted, records.count)
            }
            try flush(name)
            let remoteCount = try count(name)
            guard remoteCount == records.count else {
                throw MilvusError.countMismatch(collection: name, expected: records.count, got: remoteCount)
            }
            return (inserted, remoteCount)
        }
        // A push that fails half-way leaves no half-made collection behind.
        let inserted: Int, remoteCount: Int
        do {
            (inserted, remoteCount) = try fill()
        } catch {
            try? dropCollection(name)
            throw error
        }
        if truncated > 0 { notes.append("\(truncated) texts were longer than \(MilvusLayout.maxTextBytes) bytes and were cut") }
        let shown: [(field: String, type: String, params: String)] = indexSpecs.map { spec in
            (spec.field, spec.type, (["metric_type=\(spec.metric)"] + spec.params.map { "\($0.0)=\($0.1.stringValue ?? $0.1.jsonText)" }).joined(separator: ", "))
        }
        return PushReport(collection: request.collection, remoteName: name, address: address.description, server: serverVersion,
                          rows: inserted, remoteCount: remoteCount, indexes: shown, truncatedTexts: truncated,
                          seconds: Date().timeIntervalSince(started), notes: notes)
    }

    static func varchar(_ name: String, _ values: [String]) -> Milvus_Proto_Schema_FieldData {
        var fd = Milvus_Proto_Schema_FieldData()
        fd.type = .varChar
        fd.fieldName = name
        fd.scalars.stringData.data = values
        return fd
    }
}
