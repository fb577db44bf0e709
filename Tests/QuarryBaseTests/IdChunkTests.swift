import Foundation
import Testing
@testable import QuarryBase

/// Id chunks read back every id written (any UTF-8, empty ones as unknown), nothing outside
/// their ordinals, and offsets that do not fit answer nil rather than reading past the data.
@Suite struct IdChunkTests {
    @Test func idsReadBackAndNothingOutsideTheChunk() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ids = ["d0", "", "naïve-東京-🙂", String(repeating: "x", count: 3000), "last"]
        let w = IdChunkWriter(writer: SegmentWriter(kind: IdChunk.kind, version: IdChunk.version) { "\(folder)/ids.p\($0).qseg" }, firstOrdinal: 40)
        for id in ids { try w.append(id) }
        #expect(w.count == ids.count)
        let done = try w.finish()
        try done.publish()
        let chunk = try IdChunk(file: try SegmentFile(paths: done.files.map(\.path), kind: IdChunk.kind, version: IdChunk.version, name: "ids"))
        #expect(chunk.ordinals == 40..<45)
        #expect((40..<45).map { chunk.id($0) } == ["d0", nil, ids[2], ids[3], "last"])
        #expect(chunk.id(39) == nil && chunk.id(45) == nil && chunk.id(0) == nil && chunk.id(.max) == nil)
    }

    @Test func offsetsThatDoNotFitAnswerNil() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let w = SegmentWriter(kind: IdChunk.kind, version: IdChunk.version) { "\(folder)/bad.p\($0).qseg" }
        try w.section("bytes", Array("abcde".utf8), alignment: 8)
        try w.section("offsets", [UInt64(0), 5, 3, 100, .max])
        var m = ByteWriter()
        m.write(UInt32(0))
        m.write(UInt64(4))
        m.write(UInt8(8))
        w.metadata = m.bytes
        let done = try w.finish()
        try done.publish()
        let file = try SegmentFile(paths: done.files.map(\.path), kind: IdChunk.kind, version: IdChunk.version, name: "ids")
        let chunk = try IdChunk(file: file)
        #expect(chunk.id(0) == "abcde")
        #expect(chunk.id(1) == nil)  // ends before it starts
        #expect(chunk.id(2) == nil)  // ends past the bytes
        #expect(chunk.id(3) == nil)
        // A count the offsets do not have, one past the ordinal space, or an offset width that
        // is neither 4 nor 8 bytes is refused at open.
        for (count, width) in [(UInt64(5), UInt8(8)), (UInt64(UInt32.max), UInt8(8)), (UInt64(4), UInt8(2)), (UInt64(4), UInt8(4))] {
            let v = SegmentWriter(kind: IdChunk.kind, version: IdChunk.version) { "\(folder)/bad\(count)-\(width).p\($0).qseg" }
            try v.section("bytes", Array("abcde".utf8), alignment: 8)
            try v.section("offsets", [UInt64(0), 5, 3, 100, .max])
            var n = ByteWriter()
            n.write(UInt32(1))
            n.write(count)
            n.write(width)
            v.metadata = n.bytes
            let d = try v.finish()
            try d.publish()
            #expect(throws: SegmentError.self) {
                try IdChunk(file: try SegmentFile(paths: d.files.map(\.path), kind: IdChunk.kind, version: IdChunk.version, name: "ids"))
            }
        }
    }
}
