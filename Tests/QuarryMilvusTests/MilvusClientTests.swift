import Foundation
import QuarryEngine
import QuarryFilter
import SwiftProtobuf
import Testing
@testable import QuarryMilvus

/// The parts of the Milvus client that need no server: addresses, the filter printer, the
/// pushed schema and its check, version gates and the wire encoding of the messages.
struct MilvusClientTests {
    @Test func addresses() throws {
        let a = try MilvusAddress(parsing: "milvus://127.0.0.1:19531")
        #expect(a.host == "127.0.0.1" && a.port == 19531 && a.collection == nil && a.endpoint == "127.0.0.1:19531")
        #expect(try MilvusAddress(parsing: "milvus://db.internal").port == 19530)
        let c = try MilvusAddress(parsing: "MILVUS://[::1]:1234/scifact_v2")
        #expect(c.host == "::1" && c.port == 1234 && c.collection == "scifact_v2" && c.description == "milvus://[::1]:1234/scifact_v2")
        for bad in ["http://x:1", "milvus://", "milvus://x:0", "milvus://x:70000", "milvus://x:port", "milvus://[::1"] {
            #expect(throws: MilvusError.badAddress(bad)) { try MilvusAddress(parsing: bad) }
        }
        #expect(MilvusError.badAddress("x").description == "bad Milvus address 'x' (expected milvus://HOST:PORT, e.g. milvus://127.0.0.1:19530)")
    }

    /// Both spellings of a filter print as the same Milvus expression.
    @Test(arguments: [
        ("metadata.year >= 2010", #"metadata["year"] >= 2010"#),
        ("metadata.section = 'utils' AND metadata.size < 5000", #"(metadata["section"] == "utils") and (metadata["size"] < 5000)"#),
        ("metadata.tags[0] = 'x' OR NOT metadata.ok = true", #"(metadata["tags"][0] == "x") or (not (metadata["ok"] == true))"#),
        ("metadata.group IN ('g1', 'g2')", #"(metadata["group"] == "g1" or metadata["group"] == "g2")"#),
        ("id IN ('a', 'b')", #"id in ["a", "b"]"#),
        ("json_contains(metadata.depends, 'libc6')", #"json_contains(metadata["depends"], "libc6")"#),
        ("json_contains_any(metadata.tags, ['a', 'b'])", #"json_contains_any(metadata["tags"], ["a", "b"])"#),
        ("array_length(metadata.tags) > 2", #"array_length(metadata["tags"]) > 2"#),
        ("metadata.name LIKE 'lib%'", #"metadata["name"] like "lib%""#),
        ("id != 'd9' and metadata.x = 'say \"hi\"'", #"(id != "d9") and (metadata["x"] == "say \"hi\"")"#),
        ("metadata.price * 2 <= 10.5", #"(metadata["price"] * 2) <= 10.5"#),
    ])
    func filterInMilvusSyntax(_ quarry: String, _ milvus: String) throws {
        let parsed = try FilterQuery.parse(quarry)
        let printed = try MilvusExpression.render(parsed.expr, fields: ["id", "title", "text"])
        #expect(printed == milvus)
    }

    /// Geometry filters are refused with a message naming the feature (a pushed collection has no GEOMETRY field).
    @Test func geometryFiltersAreRefusedByName() throws {
        let parsed = try FilterQuery.parse("metadata.population > 5 and ST_DWITHIN(location, 'POINT(-9.14 38.72)', 30000)")
        #expect(throws: MilvusError.unsupportedStatement("geometry filters (ST_DWITHIN) are not supported by the Milvus backend: pushed collections carry no GEOMETRY field; run it on the local engine")) {
            try MilvusExpression.render(parsed.expr, fields: ["id", "title", "text", "location"])
        }
    }

    @Test func filterFieldsMustExist() throws {
        let parsed = try FilterQuery.parse("color = 'red'")
        #expect(throws: MilvusError.self) { try MilvusExpression.render(parsed.expr, fields: ["id"]) }
    }

    @Test func versionsAndFeatures() {
        #expect(MilvusClient.milvusVersion("v2.5.4")! == (2, 5))
        #expect(MilvusClient.milvusVersion("2.6.0-rc1")! == (2, 6))
        #expect(MilvusClient.milvusVersion("milvus_lite-3.2.2") == nil)
        let e = MilvusError.unsupported(feature: "MATCH (full-text search with a BM25 function)", server: "Milvus v2.4.9 at h:1", needs: "Milvus 2.5 or later (BM25 functions)")
        #expect(e.description == "MATCH (full-text search with a BM25 function) needs Milvus 2.5 or later (BM25 functions); the server is Milvus v2.4.9 at h:1")
    }

    @Test func pushedSchemaAndItsCheck() throws {
        let local = CollectionSchema(name: "c", idField: "_id", textFields: ["title", "text"],
                                     vectorFields: [VectorFieldSchema(name: "embedding", dimension: 4, metric: .cosine, model: "external")])
        let schema = try MilvusLayout(local: local).schema(name: "c")
        #expect(schema.fields.map(\.name) == ["id", "title", "text", "bm25_text", "sparse", "embedding", "metadata"])
        #expect(schema.fields[0].isPrimaryKey && schema.fields[0].dataType == .varChar)
        #expect(schema.fields[3].typeParams.contains { $0.key == "enable_analyzer" && $0.value == "true" })
        #expect(schema.fields[4].dataType == .sparseFloatVector && schema.fields[4].isFunctionOutput)
        #expect(schema.fields[5].typeParams.map(\.value) == ["4"])
        #expect(schema.functions.count == 1 && schema.functions[0].type == .bm25 && schema.functions[0].inputFieldNames == ["bm25_text"])
        let ok = MilvusLayout.problems(remote: schema, local: local, needsBM25: true, vectorField: local.vectorFields[0], needsMetadata: true)
        #expect(ok.isEmpty)
        var other = local
        other.vectorFields[0].dimension = 8
        let bad = MilvusLayout.problems(remote: schema, local: other, needsBM25: true, vectorField: other.vectorFields[0], needsMetadata: true)
        #expect(bad == ["its field 'embedding' has dim 4, the local one 8"])
        var noBM25 = schema
        noBM25.functions = []
        #expect(MilvusLayout.problems(remote: noBM25, local: local, needsBM25: true, vectorField: nil, needsMetadata: false)
            == ["its field 'sparse' is not the output of a BM25 function"])
        let clash = CollectionSchema(name: "c", idField: "id", textFields: ["sparse"])
        #expect(throws: MilvusError.self) { try MilvusLayout(local: clash).schema(name: "c") }
    }

    /// Field numbers of the messages Milvus reads: the placeholder group of a search.
    @Test func wireEncoding() throws {
        var v = Milvus_Proto_Common_PlaceholderValue()
        v.tag = "$0"
        v.type = .floatVector
        v.values = [Data([0, 0, 128, 63])]   // 1.0 as float32, little-endian
        var g = Milvus_Proto_Common_PlaceholderGroup()
        g.placeholders = [v]
        let encoded: Data = try g.serializedData()
        let bytes = [UInt8](encoded)
        // placeholders (1, length-delimited) { tag (1) "$0", type (2) 101, values (3) [4 bytes] }
        #expect(bytes == [0x0A, 12, 0x0A, 2, 0x24, 0x30, 0x10, 101, 0x1A, 4, 0, 0, 128, 63])
        var r = Milvus_Proto_Milvus_SearchRequest()
        r.collectionName = "c"
        r.nq = 1
        let request: Data = try r.serializedData()
        #expect([UInt8](request) == [0x1A, 1, 0x63, 0x60, 1])   // collection_name (3), nq (12)
    }

    @Test func textIsCutAtCharacterBoundaries() {
        #expect("héllo".prefix(utf8Bytes: 2) == "h")
        #expect("héllo".prefix(utf8Bytes: 3) == "hé")
        #expect("abc".prefix(utf8Bytes: 10) == "abc")
    }
}
