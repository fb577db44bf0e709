import Foundation
import GRDB
import Testing
@testable import QuarryStorage
import QuarryBase

/// Files that are damaged or not ours: gzip streams are checked to their end, vector files'
/// headers against their sizes, NaN is refused, and someone else's SQLite file stays untouched.
@Suite struct FileIntegrityTests {
    /// `lines` JSONL records, gzip-compressed by the system's gzip (one member).
    static func gzipped(_ dir: TempDir, _ name: String, first: Int, count: Int) throws -> Data {
        let plain = dir.write(name, (first..<(first + count)).map { "{\"_id\":\"g\($0)\",\"title\":\"t\($0)\",\"text\":\"x\"}" }.joined(separator: "\n") + "\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c -n '\(plain)' > '\(plain).gz'"]
        try p.run()
        p.waitUntilExit()
        return try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
    }

    @Test func damagedGzipIsAnErrorAndChangesNothing() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        _ = try Importer(database: db, options: ImportOptions(path: dir.write("seed.jsonl", "{\"_id\":\"s\",\"title\":\"a\",\"text\":\"b\"}\n"), collection: "c")).run()
        let before = try dump(db)
        let one = try Self.gzipped(dir, "a.jsonl", first: 0, count: 100)
        let two = try Self.gzipped(dir, "b.jsonl", first: 100, count: 100)
        var badCRC = one
        badCRC[badCRC.count - 6] ^= 0x55
        let cases: [(String, Data)] = [
            ("cut trailer", one.prefix(one.count - 4)),
            ("bad CRC", badCRC),
            ("second member cut", one + two.prefix(two.count / 2)),
            ("cut in the middle", one.prefix(one.count / 2)),
        ]
        for (name, data) in cases {
            let path = dir.write("\(name.replacingOccurrences(of: " ", with: "-")).jsonl.gz", data)
            do {
                _ = try Importer(database: db, options: ImportOptions(path: path, collection: "c")).run()
                Issue.record("\(name): imported without an error")
            } catch {
                #expect(error.message.contains("the gzip data is damaged"), "\(name): \(error.message)")
                #expect(error.message.contains(".jsonl.gz:"), "\(name): \(error.message)")
            }
            #expect(try dump(db) == before, "\(name)")
        }
        // Two whole members are one valid file.
        let whole = dir.write("both.jsonl.gz", one + two)
        #expect(try Importer(database: db, options: ImportOptions(path: whole, collection: "c")).run().records == 200)
    }

    @Test func vectorFileHeadersAreCheckedAgainstTheirSize() throws {
        let dir = TempDir()
        func fbinHeader(_ n: Int32, _ d: Int32) -> Data {
            var data = Data()
            for v in [n, d] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
            return data + Data(count: 64)
        }
        let huge = dir.write("huge.fbin", fbinHeader(Int32.max, Int32.max))
        #expect(throws: StorageError.self) { try VectorFile.read(path: huge) }
        func npy(_ shape: String) -> Data {
            var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape)), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
            withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            return data + Data(header.utf8) + Data(count: 80)
        }
        for shape in ["4611686018427387904, 2", "10, 0", "99999999999999999999999, 4", "5"] {
            let path = dir.write("s.npy", npy(shape))
            do {
                _ = try VectorFile.read(path: path)
                Issue.record("shape (\(shape)) was accepted")
            } catch {
                #expect(error.message.hasPrefix("s.npy: "), "\(error.message)")
            }
        }
        // Found by the npy fuzz target: a version-2 magic cut before its 4-byte header length
        // trapped on an index out of range; versions other than 1–3 were read as version 2.
        for bytes in [[0x93] + Array("NUMPY".utf8) + [2, 0, 0x93, 0], [0x93] + Array("NUMPY".utf8) + [9, 0, 10, 0, 0, 0]] {
            #expect(throws: StorageError.self) { try VectorFile.decode(Data(bytes), name: "cut.npy") }
        }
        // NaN and infinity are refused at import, naming the row.
        let db = try QuarryDatabase(path: dir.file("q.db"))
        var o = ImportOptions(path: dir.write("v.jsonl", "{\"_id\":\"a\",\"title\":\"x\"}\n{\"_id\":\"b\",\"title\":\"y\"}\n"), collection: "c")
        o.vectors = dir.write("v.fbin", fbin([[1, 2], [3, .nan]]))
        #expect(throws: StorageError.nonFiniteVector(file: "v.fbin", row: 2, column: 2)) { try Importer(database: db, options: o).run() }
        o.vectors = dir.write("w.fbin", fbin([[.infinity, 2], [3, 4]]))
        #expect(throws: StorageError.nonFiniteVector(file: "w.fbin", row: 1, column: 1)) { try Importer(database: db, options: o).run() }
    }

    @Test func someoneElsesSQLiteFileIsLeftUntouched() throws {
        let dir = TempDir()
        let path = dir.file("theirs.db")
        let q = try DatabaseQueue(path: path)
        try q.write { try $0.execute(sql: "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada')") }
        try q.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StorageError.notQuarry(path: path, tables: ["people"])) { try QuarryDatabase(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        // An empty file becomes a Quarry database.
        FileManager.default.createFile(atPath: dir.file("empty.db"), contents: Data())
        _ = try QuarryDatabase(path: dir.file("empty.db"))
    }
}
