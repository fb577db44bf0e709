import QuarryBase

/// How vectors of a field are compared.
public enum Metric: String, Sendable, CaseIterable, Codable {
    case cosine, ip, l2
}

/// A dense vector field of a collection.
public struct VectorFieldSchema: Sendable, Equatable {
    public var name: String
    public var dimension: Int
    public var metric: Metric
    /// The model that made the vectors, e.g. `all-MiniLM-L6-v2`, or `external` for imported files.
    public var model: String

    public init(name: String, dimension: Int, metric: Metric, model: String) {
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.model = model
    }

    var json: JSONValue {
        .object([JSONMember("name", .string(name)), JSONMember("dim", .int(Int64(dimension))),
                 JSONMember("metric", .string(metric.rawValue)), JSONMember("model", .string(model))])
    }

    init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, case let .int(dim)? = json["dim"],
              let metric = json["metric"]?.stringValue.flatMap(Metric.init(rawValue:)) else { return nil }
        self.init(name: name, dimension: Int(dim), metric: metric, model: json["model"]?.stringValue ?? "external")
    }
}

/// A collection's schema: its id field, the text fields analysed for BM25, its vector fields.
/// Every other top-level field of an imported record lives in the record's JSON metadata.
public struct CollectionSchema: Sendable, Equatable {
    public var name: String
    public var idField: String
    public var textFields: [String]
    public var vectorFields: [VectorFieldSchema]
    /// Geometry fields (`quarry import --geometry NAME`): top-level fields holding WKT, with an
    /// R-Tree over their bounding boxes (Database+Geometry.swift).
    public var geometryFields: [String]

    public init(name: String, idField: String, textFields: [String], vectorFields: [VectorFieldSchema] = [], geometryFields: [String] = []) {
        self.name = name
        self.idField = idField
        self.textFields = textFields
        self.vectorFields = vectorFields
        self.geometryFields = geometryFields
    }

    public func vectorField(_ name: String) -> VectorFieldSchema? { vectorFields.first { $0.name == name } }
}

/// One stored record: its id, its ordinal (dense position used by indexes), text fields and metadata.
public struct Record: Sendable, Equatable {
    public var ordinal: UInt32
    public var id: String
    /// Text field name → text, in schema order (a missing field is absent).
    public var fields: [JSONMember]
    /// The JSON metadata document (an object).
    public var metadata: JSONValue

    public init(ordinal: UInt32, id: String, fields: [JSONMember], metadata: JSONValue) {
        self.ordinal = ordinal
        self.id = id
        self.fields = fields
        self.metadata = metadata
    }

    public func text(_ field: String) -> String? { fields.first { $0.key == field }?.value.stringValue }

    /// The record as the filter language sees it: `{"id":…, <text fields>…, "metadata": {…}}`.
    public var row: JSONValue {
        .object([JSONMember("id", .string(id))] + fields + [JSONMember("metadata", metadata)])
    }
}

/// A query of a collection's query set.
public struct StoredQuery: Sendable, Equatable {
    public var id: String
    public var text: String
    public var metadata: JSONValue
    public init(id: String, text: String, metadata: JSONValue = .object([])) {
        self.id = id
        self.text = text
        self.metadata = metadata
    }
}

/// A relevance judgement: query, document, grade.
public struct Qrel: Sendable, Equatable {
    public var queryID: String
    public var docID: String
    public var grade: Int
    public init(queryID: String, docID: String, grade: Int) {
        self.queryID = queryID
        self.docID = docID
        self.grade = grade
    }
}

/// Sizes of a collection, for `quarry collections`.
public struct CollectionSummary: Sendable {
    public var schema: CollectionSchema
    public var records: Int
    public var queries: Int
    public var splits: [String: Int]
    public var bytes: Int
    public var indexes: [IndexSnapshotInfo]
}

/// A persisted index: its name, kind, parameters and size. The data itself starts with magic + version.
public struct IndexSnapshotInfo: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var field: String
    public var params: JSONValue
    public var bytes: Int
    public var builtAt: String
    /// Bytes the index keeps in memory to search (graph, codes, lists; the rows scored on every
    /// search), filled in by the engine; full-precision rows read only to re-rank stay on disk.
    public var residentBytes: Int?
    /// What the engine keeps about the index beside its parameters (records covered, the vector
    /// chunk it was built over).
    public var state: JSONValue

    public init(name: String, kind: String, field: String, params: JSONValue, bytes: Int, builtAt: String, residentBytes: Int? = nil,
                state: JSONValue = .object([])) {
        self.name = name
        self.kind = kind
        self.field = field
        self.params = params
        self.bytes = bytes
        self.builtAt = builtAt
        self.residentBytes = residentBytes
        self.state = state
    }
}
