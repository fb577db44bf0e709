import Foundation
import GRDB
import Testing
@testable import QuarryStorage
import QuarryBase

/// Every bad input gives its exact message and leaves the database exactly as before.
@Suite struct ImportErrorTests {
    /// A database holding one collection, to prove that failed imports change nothing.
    func seeded(_ dir: TempDir) throws -> QuarryDatabase {
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let seed = dir.write("seed.jsonl", "{\"_id\":\"s1\",\"title\":\"seed\",\"text\":\"kept\"}\n")
        var o = ImportOptions(path: seed, collection: "c")
        o.vectors = dir.write("seed.fbin", fbin([[1, 2, 3]]))
        _ = try Importer(database: db, options: o).run()
        return db
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var content: [UInt8]
        var collection = "c"
        var vectors: [[Float]]?
        var message: String
        var testDescription: String { name }
    }

    static let good = "{\"_id\":\"a\",\"title\":\"x\",\"text\":\"y\"}\n{\"_id\":\"b\",\"title\":\"x\",\"text\":\"y\"}\n"

    static let cases: [Case] = [
        Case(name: "malformed JSON", file: "corpus.jsonl",
             content: Array((good + "{\"_id\":\"c\" \"title\":\"x\"}\n").utf8),
             message: "corpus.jsonl:3:12: expected ',' or '}', found '\"'"),
        Case(name: "invalid UTF-8", file: "bad.jsonl",
             content: Array("{\"_id\":\"a\",\"title\":\"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8),
             message: "bad.jsonl:1:21: invalid UTF-8"),
        Case(name: "missing id", file: "m.jsonl", content: Array("{\"_id\":\"a\",\"title\":\"x\"}\n{\"title\":\"y\"}\n".utf8),
             message: "m.jsonl:2: missing id field '_id'"),
        Case(name: "duplicate id in file", file: "d.jsonl", content: Array((good + "{\"_id\":\"a\",\"title\":\"z\"}\n").utf8),
             message: "d.jsonl:3: duplicate id 'a' (first at line 1); use --upsert to replace"),
        Case(name: "duplicate id in collection", file: "d2.jsonl", content: Array("{\"_id\":\"s1\",\"title\":\"z\"}\n".utf8),
             message: "d2.jsonl:1: duplicate id 's1' (already in the collection); use --upsert to replace"),
        Case(name: "not an object", file: "n.jsonl", content: Array("[1, 2]\n".utf8),
             message: "n.jsonl:1: expected a JSON object, found array"),
        Case(name: "vector count", file: "v.jsonl", content: Array(good.utf8), collection: "fresh", vectors: [[1, 2, 3]],
             message: "v.fbin: expected 2 vectors (one per record), found 1"),
        Case(name: "vector dimension", file: "v.jsonl", content: Array(good.utf8), vectors: [[1, 2], [3, 4]],
             message: "v.fbin: expected dimension 3 (vector field 'embedding'), found 2"),
        Case(name: "unknown file type", file: "data.parquet", content: [1, 2, 3],
             message: "@/data.parquet: unknown file type (expected a BEIR folder, .jsonl, .jsonl.gz, .csv or .csv.gz)"),
        Case(name: "empty file", file: "empty.jsonl", content: [],
             message: "@/empty.jsonl: empty file (no records)"),
        Case(name: "blank lines only", file: "blank.jsonl", content: Array("\n  \n".utf8),
             message: "@/blank.jsonl: empty file (no records)"),
        Case(name: "CSV field count", file: "t.csv", content: Array("id,title\n1,a\n2,b,c\n".utf8), collection: "fresh",
             message: "t.csv:3: expected 2 fields (as in the header), found 3"),
        Case(name: "CSV unterminated quote", file: "q.csv", content: Array("id,title\n1,\"open\n".utf8), collection: "fresh",
             message: "q.csv:2: unterminated quoted field"),
        Case(name: "text field missing", file: "tf.jsonl", content: Array("{\"_id\":\"a\",\"name\":\"x\"}\n".utf8), collection: "fresh",
             message: "tf.jsonl: no text fields: name them with --text-fields (fields seen: _id, name)"),
    ]

    @Test(arguments: cases)
    func badInputGivesItsMessageAndChangesNothing(c: Case) throws {
        let dir = TempDir()
        let db = try seeded(dir)
        let before = try dump(db)
        let path = dir.write(c.file, Data(c.content))
        var o = ImportOptions(path: path, collection: c.collection)
        if let v = c.vectors { o.vectors = dir.write("v.fbin", fbin(v)) }
        do {
            _ = try Importer(database: db, options: o).run()
            Issue.record("expected an error: \(c.message)")
        } catch {
            #expect(error.message == c.message.replacingOccurrences(of: "@", with: dir.path))
        }
        #expect(try dump(db) == before)
    }

    @Test func missingPathSaysSo() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        let before = try dump(db)
        #expect(throws: StorageError.fileNotFound(path: dir.file("nope"))) {
            try Importer(database: db, options: ImportOptions(path: dir.file("nope"), collection: "c")).run()
        }
        #expect(try dump(db) == before)
    }

    @Test func lockedDatabaseFailsFastWithAClearMessage() throws {
        let dir = TempDir()
        _ = try seeded(dir)
        // Another connection holds the write lock until the test is done.
        let holder = try DatabaseQueue(path: dir.file("q.db"))
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? holder.write { db in
                try db.execute(sql: "DELETE FROM records WHERE doc_id = 'none'; INSERT INTO meta VALUES ('lock', 'x')")
                locked.signal()
                release.wait()
                throw CancellationError()  // roll back
            }
            done.signal()
        }
        locked.wait()
        defer { release.signal(); done.wait() }
        let db = try QuarryDatabase(path: dir.file("q.db"), busyTimeout: 0.2)
        let path = dir.write("x.jsonl", Self.good)
        #expect(throws: StorageError.locked(path: dir.file("q.db"))) {
            try Importer(database: db, options: ImportOptions(path: path, collection: "c")).run()
        }
    }

    @Test func newerFormatIsRefused() throws {
        let dir = TempDir()
        _ = try seeded(dir)
        let raw = try DatabaseQueue(path: dir.file("q.db"))
        try raw.write { db in try db.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'format_version'") }
        #expect(throws: StorageError.newerFormat(path: dir.file("q.db"), found: 99, supported: QuarryDatabase.formatVersion)) {
            try QuarryDatabase(path: dir.file("q.db"))
        }
    }

    @Test func notADatabaseIsRefused() throws {
        let dir = TempDir()
        let path = dir.write("junk.db", String(repeating: "not sqlite at all ", count: 100))
        #expect(throws: StorageError.notADatabase(path: path)) { try QuarryDatabase(path: path) }
    }

    @Test func noSuchCollectionSuggests() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        _ = db
        #expect(throws: StorageError.noSuchCollection("cc", suggestion: "c")) { try db.collection(named: "cc") }
        #expect(StorageError.noSuchCollection("scifcat", suggestion: "scifact").message == "no collection named 'scifcat'; did you mean 'scifact'?")
    }
}
