import Foundation
import QuarryFilter
import QuarryStorage

// The JSON of the data commands — `quarry collections/get/import/index --json` — in one place, so
// every front end (the CLI, `quarry mcp`) gives the same keys. They are contracts: keep them.

extension CollectionSummary {
    /// One element of `quarry collections --json`.
    public var json: JSONValue {
        .object([
            JSONMember("name", .string(schema.name)),
            JSONMember("records", .int(Int64(records))),
            JSONMember("id_field", .string(schema.idField)),
            JSONMember("text_fields", .array(schema.textFields.map { .string($0) })),
            JSONMember("vector_fields", .array(schema.vectorFields.map {
                .object([JSONMember("name", .string($0.name)), JSONMember("dim", .int(Int64($0.dimension))),
                         JSONMember("metric", .string($0.metric.rawValue)), JSONMember("model", .string($0.model))])
            })),
            JSONMember("queries", .int(Int64(queries))),
            JSONMember("splits", .object(splits.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int(Int64($0.value))) })),
            JSONMember("indexes", .array(indexes.map {
                .object([JSONMember("name", .string($0.name)), JSONMember("kind", .string($0.kind)), JSONMember("field", .string($0.field)),
                         JSONMember("params", $0.params), JSONMember("bytes", .int(Int64($0.bytes))),
                         JSONMember("resident_bytes", $0.residentBytes.map { .int(Int64($0)) } ?? .null)])
            })),
            JSONMember("bytes", .int(Int64(bytes))),
        ])
    }
}

extension Record {
    /// A record in the shape it was imported: id field, text fields, metadata object (`quarry
    /// export` writes one a line; `quarry get --json` adds the vectors).
    public func json(schema: CollectionSchema) -> JSONValue {
        .object([JSONMember(schema.idField, .string(id))] + fields + [JSONMember("metadata", metadata)])
    }
}

extension Workbench {
    /// `quarry get --json`: the record as imported, with each vector field's vector when
    /// `vectors` (an array of numbers under the field's name).
    public func recordJSON(collection: String, id: String, vectors: Bool = true) throws -> JSONValue {
        let schema = try schema(collection)
        let record = try record(collection: collection, id: id)
        guard vectors, case var .object(members) = record.json(schema: schema) else { return record.json(schema: schema) }
        for vf in schema.vectorFields {
            if let v = try vector(collection: collection, field: vf.name, ordinal: record.ordinal) {
                members.append(JSONMember(vf.name, .array(v.map { .double(Double($0)) })))
            }
        }
        return .object(members)
    }
}

extension ImportSummary {
    /// `quarry import --json`.
    public func json(collection: String) -> JSONValue {
        .object([
            JSONMember("collection", .string(collection)), JSONMember("format", .string(format)),
            JSONMember("created", .bool(created)), JSONMember("records", .int(Int64(records))),
            JSONMember("replaced", .int(Int64(replaced))), JSONMember("queries", .int(Int64(queries))),
            JSONMember("qrels", .object(qrels.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int(Int64($0.value))) })),
            JSONMember("vectors", .int(Int64(vectors))), JSONMember("query_vectors", .int(Int64(queryVectors))),
            JSONMember("seconds", .double(seconds)),
        ])
    }
}

extension Workbench.LexicalBuildReport {
    /// `quarry index --text … --json`.
    public func json(collection: String) -> JSONValue {
        .object([
            JSONMember("index", "bm25"), JSONMember("collection", .string(collection)),
            JSONMember("fields", .array(fields.map { .string($0) })), JSONMember("analyzer", .string(analyzer)),
            JSONMember("documents", .int(Int64(documents))), JSONMember("terms", .int(Int64(terms))),
            JSONMember("postings", .int(Int64(postings))), JSONMember("bytes", .int(Int64(bytes))),
            JSONMember("seconds", .double(seconds)),
        ])
    }
}

extension Workbench.VectorBuildReport {
    /// `quarry index --vector … --json`.
    public func json(collection: String) -> JSONValue {
        .object([
            JSONMember("index", .string(type)), JSONMember("collection", .string(collection)), JSONMember("field", .string(field)),
            JSONMember("vectors", .int(Int64(vectors))),
            JSONMember("parameters", .object(parameters.map { JSONMember($0.name, .string($0.value)) })),
            JSONMember("memory_bytes", .int(Int64(memoryBytes))), JSONMember("bytes", .int(Int64(snapshotBytes))),
            JSONMember("seconds", .double(seconds)),
        ])
    }
}

extension PathIndex {
    /// `quarry index --json-path … --json`.
    public func json(collection: String) -> JSONValue {
        .object([JSONMember("index", "json_path"), JSONMember("collection", .string(collection)),
                 JSONMember("paths", .array(indexedPaths.map { .string($0.description) }))])
    }
}
