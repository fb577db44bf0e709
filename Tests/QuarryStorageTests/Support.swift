import Foundation
import GRDB
@testable import QuarryStorage
import QuarryBase

/// A temporary folder removed when the value is deinitialised.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "quarry-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) -> String {
        let p = (path as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: data)
        return p
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// Every row of every table and the names and bytes of the segment files, as text: equal
/// dumps mean an unchanged database.
func dump(_ db: QuarryDatabase) throws -> String {
    var out = try db.read { d in
        var out = ""
        for table in ["meta", "collections", "records", "deleted", "segments", "indexes", "queries", "query_vectors", "qrels", "index_snapshots", "runs"] {
            out += "## \(table)\n"
            for row in try Row.fetchAll(d, sql: "SELECT * FROM \(table) ORDER BY 1, 2") { out += row.description + "\n" }
        }
        return out
    }
    out += "## files\n"
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: db.segmentFolder)) ?? []).sorted() {
        out += name + " " + String(describing: try? Data(contentsOf: URL(fileURLWithPath: db.segmentFolder + "/" + name)).hashValue) + "\n"
    }
    return out
}

func fbin(_ rows: [[Float]]) -> Data {
    VectorFile(count: rows.count, dimension: rows.first?.count ?? 0, values: rows.flatMap { $0 }).fbinData()
}

func gzip(_ data: Data, in dir: TempDir, name: String) -> String {
    let plain = dir.write(name + ".tmp", data)
    let out = dir.file(name)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "gzip -c '\(plain)' > '\(out)'"]
    try! p.run()
    p.waitUntilExit()
    return out
}
