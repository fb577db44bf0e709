import Foundation
import Testing
@testable import QuarryEngine

/// A workbench opened read-only (`quarry mcp` without `--allow-writes`): it searches, plans,
/// reads records and evaluates; whatever would change the file fails with words, and the
/// database and its segment files stay byte for byte as they were.
@Suite struct ReadOnlyTests {
    /// The database file and every segment file with their bytes.
    static func files(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? [] where !name.hasSuffix("-shm") && !name.hasSuffix("-wal") {
            var isDirectory: ObjCBool = false
            let path = dir + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[name] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }

    @Test func readsAndEvaluatesButChangesNothing() throws {
        let (writer, dir) = try Fixture.makeWithQuerySet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Records added after the BM25 index was built: a growing segment a writer would persist.
        var more = ImportOptions(path: dir + "/more.jsonl", collection: "papers")
        try "{\"_id\":\"late\",\"title\":\"vitamin bone\",\"text\":\"late record\",\"metadata\":{\"year\":2021}}\n"
            .write(toFile: more.path, atomically: true, encoding: .utf8)
        more.textFields = ["title", "text"]
        try writer.importRecords(more)
        let before = Self.files(dir)

        let wb = try Workbench(path: dir + "/q.db", readOnly: true)
        #expect(wb.isReadOnly)
        let result = try wb.execute("SEARCH papers MATCH 'vitamin bone' NEAR DOC 'd0' WHERE metadata.year >= 2005 LIMIT 5")
        guard case let .search(s) = result else { Issue.record("not a search: \(result)"); return }
        #expect(s.hits.count == 5)
        #expect(try wb.execute("SEARCH papers MATCH 'late' LIMIT 1").json["hits"]?[0]?["id"]?.stringValue == "late")
        _ = try wb.execute("EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd3' LIMIT 5")
        #expect(try wb.recordJSON(collection: "papers", id: "d1", vectors: true)["embedding"] != nil)
        var request = EvalRequest(collection: "papers")
        request.storeRun = false
        let report = try wb.evaluate(request)
        #expect(report.runID == nil)
        #expect(report.json["run_id"] == nil)

        // A write is refused with the database's name, and nothing of it stays.
        do {
            try wb.buildLexicalIndex(collection: "papers")
            Issue.record("a read-only workbench built an index")
        } catch let error as StorageError {
            #expect(ErrorText.describe(error) == dir + "/q.db: the database is open read-only, and this would change it (a file or folder that cannot be written is opened for reading: run the command where it can be written)")
        }
        #expect(Self.files(dir) == before)
    }

    @Test func aMissingDatabaseIsNotCreated() {
        let path = NSTemporaryDirectory() + "quarry-absent-" + UUID().uuidString + ".db"
        #expect(throws: StorageError.self) { try Workbench(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
