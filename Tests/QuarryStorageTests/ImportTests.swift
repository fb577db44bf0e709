import Foundation
import Testing
@testable import QuarryStorage
import QuarryBase

let jsonlCorpus = """
{"_id": "d1", "title": "Alpha", "text": "first text", "year": 2001, "score": 1.5, "tags": ["a", "b"], "meta": {"k": null}}
{"_id": "d2", "title": "Béta", "text": "second", "year": 2002, "metadata": {"source": "x"}}

{"_id": 3, "title": "Gamma", "text": "third 第三", "flag": true}
"""

@Suite struct ImportRoundTripTests {
    @Test func jsonlKeepsTypesAndMetadata() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let path = dir.write("c.jsonl", jsonlCorpus)
        let s = try Importer(database: db, options: ImportOptions(path: path, collection: "c")).run()
        #expect(s.records == 3 && s.created && s.format == "jsonl")
        let schema = try db.collection(named: "c")
        #expect(schema.idField == "_id" && schema.textFields == ["title", "text"])
        let r1 = try db.record(collection: "c", id: "d1")
        #expect(r1.text("title") == "Alpha")
        #expect(r1.metadata == .object([JSONMember("year", 2001), JSONMember("score", 1.5), JSONMember("tags", ["a", "b"]),
                                        JSONMember("meta", .object([JSONMember("k", nil)]))]))
        #expect(try db.record(collection: "c", id: "d2").metadata == .object([JSONMember("year", 2002), JSONMember("source", "x")]))
        #expect(try db.record(collection: "c", id: "3").text("text") == "third 第三")
        #expect(try db.records(collection: "c").map(\.ordinal) == [0, 1, 2])
    }

    /// The ids of a search's hits come from one statement: present ordinals answer, deleted and
    /// unknown ones are absent, and a lookup by collection name in between (which prepares a
    /// statement of its own) changes nothing.
    @Test func idsOfSomeOrdinalsInOneRead() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        _ = try Importer(database: db, options: ImportOptions(path: dir.write("c.jsonl", jsonlCorpus), collection: "c")).run()
        #expect(try db.ids(collection: "c", ordinals: [2, 0]) == [0: "d1", 2: "3"])
        #expect(try db.delete(collection: "c", ids: ["d1"]).isEmpty)
        _ = try db.collection(named: "c")
        #expect(try db.ids(collection: "c", ordinals: [0, 1, 2, 7]) == [1: "d2", 2: "3"])
        #expect(try db.ids(collection: "c", ordinals: []) == [:])
        #expect(throws: StorageError.self) { try db.ids(collection: "nope", ordinals: [0]) }
    }

    @Test func gzipJSONLAndCSVAreRead() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let gz = gzip(Data(jsonlCorpus.utf8), in: dir, name: "c.jsonl.gz")
        #expect(try Importer(database: db, options: ImportOptions(path: gz, collection: "g")).run().records == 3)
        let csv = "id,name,price,count,note\n1,\"Widget, large\",9.5,3,\n2,\"Quote \"\"q\"\"\",10,0,\"multi\nline\"\n"
        var o = ImportOptions(path: dir.write("p.csv", csv), collection: "p")
        o.textFields = ["name", "note"]
        #expect(try Importer(database: db, options: o).run().records == 2)
        let p1 = try db.record(collection: "p", id: "1")
        #expect(p1.text("name") == "Widget, large")
        #expect(p1.metadata == .object([JSONMember("price", 9.5), JSONMember("count", 3)]))
        let p2 = try db.record(collection: "p", id: "2")
        #expect(p2.text("name") == "Quote \"q\"" && p2.text("note") == "multi\nline")
        var ogz = ImportOptions(path: gzip(Data(csv.utf8), in: dir, name: "p.csv.gz"), collection: "pgz")
        ogz.textFields = ["name", "note"]
        #expect(try Importer(database: db, options: ogz).run().records == 2)
        #expect(try db.records(collection: "pgz").map(\.metadata) == db.records(collection: "p").map(\.metadata))
    }

    @Test func beirFolderLandsRecordsQueriesQrelsAndVectors() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        dir.write("beir/corpus.jsonl", "{\"_id\":\"a\",\"title\":\"t\",\"text\":\"x\",\"metadata\":{}}\n{\"_id\":\"b\",\"title\":\"u\",\"text\":\"y\",\"metadata\":{\"n\":1}}\n")
        dir.write("beir/queries.jsonl", "{\"_id\":\"q1\",\"text\":\"what\",\"metadata\":{}}\n{\"_id\":\"q2\",\"text\":\"why\"}\n")
        dir.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t2\n")
        dir.write("beir/qrels/train.tsv", "query-id\tcorpus-id\tscore\nq1\tb\t1\n")
        let vec = dir.write("v.fbin", fbin([[1, 0], [0, 1]]))
        let qvec = dir.write("qv.fbin", fbin([[0.5, 0.5], [1, 1]]))
        var o = ImportOptions(path: dir.file("beir"), collection: "b")
        o.vectors = vec
        o.queryVectors = qvec
        let s = try Importer(database: db, options: o).run()
        #expect(s.format == "beir" && s.records == 2 && s.queries == 2 && s.qrels == ["test": 2, "train": 1] && s.vectors == 2)
        #expect(try db.splits(collection: "b") == ["test", "train"])
        #expect(try db.qrels(collection: "b", split: "test") == [Qrel(queryID: "q1", docID: "a", grade: 1), Qrel(queryID: "q2", docID: "b", grade: 2)])
        #expect(try db.queries(collection: "b").map(\.text) == ["what", "why"])
        let v = try db.vectors(collection: "b", field: "embedding")
        #expect(v.ordinals == [0, 1] && v.flat == [1, 0, 0, 1] && v.dimension == 2)
        #expect(try db.queryVectors(collection: "b", field: "embedding")["q2"] == [1, 1])
    }

    @Test func npyVectorsAreRead() throws {
        let dir = TempDir()
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: header.utf8)
        [Float](arrayLiteral: 1, 2, 3, 4, 5, 6).withUnsafeBytes { data.append(contentsOf: $0) }
        let v = try VectorFile.read(path: dir.write("v.npy", data))
        #expect(v.count == 2 && v.dimension == 3 && Array(v.row(1)) == [4, 5, 6])
    }

    @Test func upsertReplacesAndDuplicatesFailWithoutIt() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let path = dir.write("c.jsonl", jsonlCorpus)
        _ = try Importer(database: db, options: ImportOptions(path: path, collection: "c")).run()
        let again = dir.write("d.jsonl", "{\"_id\": \"d1\", \"title\": \"Alpha 2\", \"text\": \"new\"}\n")
        #expect(throws: StorageError.duplicateID(file: "d.jsonl", line: 1, id: "d1", firstLine: nil)) {
            try Importer(database: db, options: ImportOptions(path: again, collection: "c")).run()
        }
        var o = ImportOptions(path: again, collection: "c")
        o.upsert = true
        let s = try Importer(database: db, options: o).run()
        #expect(s.replaced == 1)
        #expect(try db.record(collection: "c", id: "d1").text("title") == "Alpha 2")
        #expect(try db.records(collection: "c").count == 3)
    }

    @Test func deleteAndDrop() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        _ = try Importer(database: db, options: ImportOptions(path: dir.write("c.jsonl", jsonlCorpus), collection: "c")).run()
        #expect(try db.delete(collection: "c", ids: ["d1", "nope"]) == ["nope"])
        #expect(try db.records(collection: "c").map(\.id) == ["d2", "3"])
        try db.drop(collection: "c")
        #expect(throws: StorageError.noSuchCollection("c", suggestion: nil)) { try db.collection(named: "c") }
    }
}
