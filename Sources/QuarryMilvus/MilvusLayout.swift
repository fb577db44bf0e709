import QuarryEngine

/// How a Quarry collection is laid out in Milvus by `quarry push` — the one place that names
/// the remote fields, so push, the schema check and the searches agree:
///
/// | field | Milvus type | from |
/// |---|---|---|
/// | `id` | VARCHAR primary key (max 512 bytes) | the record's id |
/// | each text field, e.g. `title`, `text` | VARCHAR, `enable_analyzer` | the record's text |
/// | `bm25_text` | VARCHAR, `enable_analyzer` (English: lowercase, stemmer, stop words) | the text fields joined by newlines |
/// | `sparse` | SPARSE_FLOAT_VECTOR, output of the BM25 function `bm25` over `bm25_text` | Milvus |
/// | each vector field, e.g. `embedding` | FLOAT_VECTOR (dim) | the stored vectors |
/// | `metadata` | JSON | the record's metadata |
///
/// MATCH searches `sparse` (metric BM25, index SPARSE_INVERTED_INDEX); NEAR searches the vector
/// field (HNSW with the local index's M and ef_construction); WHERE filters `metadata` and `id`.
public struct MilvusLayout: Sendable {
    public static let idField = "id"
    public static let bm25TextField = "bm25_text"
    public static let sparseField = "sparse"
    public static let metadataField = "metadata"
    public static let bm25Function = "bm25"
    /// Milvus's largest VARCHAR; longer texts are cut at a character boundary.
    public static let maxTextBytes = 65_535
    public static let maxIDBytes = 512

    public var local: CollectionSchema

    public init(local: CollectionSchema) { self.local = local }

    /// Scalar fields a filter can name besides `metadata`.
    public var filterFields: Set<String> { Set([Self.idField] + local.textFields) }

    public static func metricName(_ m: Metric) -> String {
        switch m {
        case .cosine: return "COSINE"
        case .ip: return "IP"
        case .l2: return "L2"
        }
    }

    /// Milvus's `english` analyzer spelled out (standard tokenizer, lowercase, English Snowball
    /// stemmer, English stop words): milvus-lite refuses the `{"type": "english"}` shorthand.
    public static let englishAnalyzer = #"{"tokenizer":"standard","filter":["lowercase",{"type":"stemmer","language":"english"},{"type":"stop","stop_words":["_english_"]}]}"#

    /// The Milvus schema `quarry push` creates; `analyzerParams` is the JSON of Milvus's `analyzer_params`.
    func schema(name: String, analyzerParams: String = MilvusLayout.englishAnalyzer) throws(MilvusError) -> Milvus_Proto_Schema_CollectionSchema {
        let reserved: Set<String> = [Self.idField, Self.bm25TextField, Self.sparseField, Self.metadataField]
        for f in local.textFields + local.vectorFields.map(\.name) {
            guard Self.isMilvusName(f) else {
                throw .badData("field '\(f)' is not a valid Milvus field name (letters, digits and _, not starting with a digit)")
            }
            guard !reserved.contains(f) else {
                throw .badData("field '\(f)' collides with a field Quarry adds in Milvus (\(reserved.sorted().joined(separator: ", ")))")
            }
        }
        var s = Milvus_Proto_Schema_CollectionSchema()
        s.name = name
        s.description_p = "pushed by quarry from collection '\(local.name)'"
        s.enableDynamicField = false
        var id = Milvus_Proto_Schema_FieldSchema()
        id.name = Self.idField
        id.isPrimaryKey = true
        id.dataType = .varChar
        id.typeParams = [kv("max_length", String(Self.maxIDBytes))]
        s.fields.append(id)
        for t in local.textFields + [Self.bm25TextField] {
            var f = Milvus_Proto_Schema_FieldSchema()
            f.name = t
            f.dataType = .varChar
            f.typeParams = [kv("max_length", String(Self.maxTextBytes)), kv("enable_analyzer", "true"), kv("analyzer_params", analyzerParams)]
            s.fields.append(f)
        }
        var sparse = Milvus_Proto_Schema_FieldSchema()
        sparse.name = Self.sparseField
        sparse.dataType = .sparseFloatVector
        sparse.isFunctionOutput = true
        s.fields.append(sparse)
        for v in local.vectorFields {
            var f = Milvus_Proto_Schema_FieldSchema()
            f.name = v.name
            f.dataType = .floatVector
            f.typeParams = [kv("dim", String(v.dimension))]
            s.fields.append(f)
        }
        var meta = Milvus_Proto_Schema_FieldSchema()
        meta.name = Self.metadataField
        meta.dataType = .json
        s.fields.append(meta)
        var bm25 = Milvus_Proto_Schema_FunctionSchema()
        bm25.name = Self.bm25Function
        bm25.type = .bm25
        bm25.inputFieldNames = [Self.bm25TextField]
        bm25.outputFieldNames = [Self.sparseField]
        s.functions = [bm25]
        return s
    }

    static func isMilvusName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// What a remote collection must have to serve a statement: the fields it reads, of the
    /// right types. Problems are listed in words, empty when it matches.
    static func problems(remote: Milvus_Proto_Schema_CollectionSchema, local: CollectionSchema,
                         needsBM25: Bool, vectorField: VectorFieldSchema?, needsMetadata: Bool) -> [String] {
        var out: [String] = []
        let fields = Dictionary(remote.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if let pk = remote.fields.first(where: \.isPrimaryKey) {
            if pk.name != idField || pk.dataType != .varChar {
                out.append("its primary key is '\(pk.name)' (\(pk.dataType)), expected VARCHAR '\(idField)'")
            }
        }
        if needsBM25 {
            if fields[sparseField]?.dataType != .sparseFloatVector {
                out.append("it has no SPARSE_FLOAT_VECTOR field '\(sparseField)'")
            } else if !remote.functions.contains(where: { $0.type == .bm25 && $0.outputFieldNames.contains(sparseField) }) {
                out.append("its field '\(sparseField)' is not the output of a BM25 function")
            }
        }
        if let v = vectorField {
            if let f = fields[v.name] {
                let dim = f.typeParams.first { $0.key == "dim" }.flatMap { Int($0.value) }
                if f.dataType != .floatVector { out.append("its field '\(v.name)' is \(f.dataType), expected FLOAT_VECTOR") }
                else if let dim, dim != v.dimension { out.append("its field '\(v.name)' has dim \(dim), the local one \(v.dimension)") }
            } else {
                out.append("it has no vector field '\(v.name)'")
            }
        }
        if needsMetadata, fields[metadataField]?.dataType != .json {
            out.append("it has no JSON field '\(metadataField)'")
        }
        return out
    }
}

extension String {
    /// The longest prefix of at most `bytes` UTF-8 bytes that ends on a character boundary.
    func prefix(utf8Bytes bytes: Int) -> String {
        guard utf8.count > bytes else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        while end > utf8.startIndex, !(String.Index(end, within: self) != nil) { end = utf8.index(before: end) }
        return String(self[..<end])
    }
}
