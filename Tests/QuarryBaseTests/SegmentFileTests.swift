import Foundation
import Testing
@testable import QuarryBase

/// A fresh empty folder per test.
func temporaryFolder(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "quarry-segtest-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct SegmentFileTests {
    /// Writes sections `a` (floats), `b` (bytes) and metadata, publishes, returns the paths.
    func write(in folder: String, partLimit: Int = SegmentFormat.defaultPartLimit, floats: [Float], bytes: [UInt8]) throws -> [String] {
        let w = SegmentWriter(kind: "TEST", version: 2, partLimit: partLimit) { "\(folder)/seg.p\($0).qseg" }
        w.metadata = Array("hello".utf8)
        try w.section("a", floats)
        try w.section("b", bytes, alignment: 1)
        let done = try w.finish()
        #expect(done.files.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
        try done.publish()
        return done.files.map(\.path)
    }

    @Test func roundTripsSectionsInPlace() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let floats = (0..<1000).map { Float($0) * 0.5 }
        let bytes: [UInt8] = Array(0..<77)
        let paths = try write(in: folder, floats: floats, bytes: bytes)
        #expect(paths.count == 1)
        let s = try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "test segment")
        #expect(Array(try s.array("a", as: Float.self)) == floats)
        #expect(Array(try s.bytes("b")) == bytes)
        #expect(s.metadata == Array("hello".utf8))
        #expect(s.kindVersion == 2)
        try s.verify()
        #expect(throws: SegmentError.self) { try s.array("a", as: Float.self, count: 999) }
        #expect(throws: SegmentError.self) { try s.bytes("missing") }
    }

    /// Sections over several part files (a low part limit): the paths and what they hold.
    func multiPart(in folder: String) throws -> (paths: [String], floats: [Float], bytes: [UInt8]) {
        let floats = (0..<10_000).map { Float($0) }
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        return (try write(in: folder, partLimit: 8192, floats: floats, bytes: bytes), floats, bytes)
    }

    /// A low part limit splits the body over several files, mapped back as one range.
    @Test func splitsIntoPartsAndMapsThemContiguously() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (paths, floats, bytes) = try multiPart(in: folder)
        #expect(paths.count > 5)
        let s = try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "test segment")
        #expect(Array(try s.array("a", as: Float.self)) == floats)
        #expect(Array(try s.bytes("b")) == bytes)
        try s.verify()
        // Parts out of order or missing are refused.
        #expect(throws: SegmentError.self) { try SegmentFile(paths: Array(paths.reversed()), kind: "TEST", version: 2, name: "x") }
        #expect(throws: SegmentError.self) { try SegmentFile(paths: Array(paths.dropLast()), kind: "TEST", version: 2, name: "x") }
    }

    /// Preloading maps the pages on a thread of its own: the sections read the same during and
    /// after it, and a segment dropped right after asking stays mapped until the thread is done.
    @Test func preloadLeavesTheSectionsAsTheyAre() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (paths, floats, bytes) = try multiPart(in: folder)
        let s = try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "test segment")
        s.preload()
        #expect(Array(try s.array("a", as: Float.self)) == floats)
        #expect(Array(try s.bytes("b")) == bytes)
        for _ in 0..<20 { try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "dropped").preload() }
        Thread.sleep(forTimeInterval: 0.05)
        try s.verify()
    }

    @Test func refusesOtherKindsAndNewerVersions() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let paths = try write(in: folder, floats: [1, 2], bytes: [3])
        #expect(throws: SegmentError.wrongKind("x (seg.p0.qseg)", expected: "QVHN", found: "TEST")) {
            try SegmentFile(paths: paths, kind: "QVHN", version: 1, name: "x")
        }
        #expect(throws: SegmentError.newerFormat("x (seg.p0.qseg)", 2)) {
            try SegmentFile(paths: paths, kind: "TEST", version: 1, name: "x")
        }
    }

    /// Every flipped byte of the header page's fields or of the directory is caught at open;
    /// one in a section's body is caught by `verify()`.
    @Test func findsFlippedBytes() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let floats = (0..<300).map { Float($0) }
        let paths = try write(in: folder, floats: floats, bytes: Array(0..<50))
        let original = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        let bodyStart = SegmentFormat.alignment
        for position in [0, 5, 9, 20, 40, 60, 70, 100, 125, bodyStart + 17, original.count - 3] {
            var damaged = original
            damaged[position] ^= 0x40
            try damaged.write(to: URL(fileURLWithPath: paths[0]))
            let found = Self.damage(paths)
            #expect(found?.description.contains("seg.p0.qseg") == true, "byte \(position): \(String(describing: found))")
        }
        // Truncated.
        try original.prefix(original.count - 1).write(to: URL(fileURLWithPath: paths[0]))
        #expect(throws: SegmentError.self) { try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "x") }
        try Data().write(to: URL(fileURLWithPath: paths[0]))
        #expect(throws: SegmentError.self) { try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "x") }
    }

    /// The error opening and verifying a segment gives, or nil when it is sound.
    static func damage(_ paths: [String]) -> SegmentError? {
        do {
            let s = try SegmentFile(paths: paths, kind: "TEST", version: 2, name: "test segment")
            try s.verify()
            return nil
        } catch {
            return error
        }
    }

    @Test func abortAndDiscardLeaveNothing() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let w = SegmentWriter(kind: "TEST", version: 1, partLimit: 4096) { "\(folder)/a.p\($0).qseg" }
        try w.section("a", [UInt8](repeating: 1, count: 10_000))
        w.abort()
        let w2 = SegmentWriter(kind: "TEST", version: 1) { "\(folder)/b.p\($0).qseg" }
        try w2.section("a", [UInt8](repeating: 1, count: 100))
        let done = try w2.finish()
        // While the writer holds its files, a cleaner must not take them for abandoned.
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(temporaries.count == 1)
        #expect(!SegmentFiles.isAbandoned(folder + "/" + temporaries[0]))
        done.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
