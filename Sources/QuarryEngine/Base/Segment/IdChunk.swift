/// The record ids of a range of ordinals, as a segment (kind `QIDS`): section `bytes` holds the
/// ids' UTF-8 back to back, section `offsets` `count + 1` offsets into it (32-bit while the
/// bytes fit, else 64-bit: the metadata says which), so ordinal `firstOrdinal + i` has the id
/// `bytes[offsets[i] ..< offsets[i + 1]]` — Lucene's stored fields, for the one field every hit
/// shows. An import writes one beside the records it inserts, so a search names its hits from
/// the mapping instead of a SQLite read per search (which costs a disk read per hit once the
/// database file has left the page cache).
///
/// Ordinals are never reused, so an ordinal's id never changes; a deleted record keeps its id
/// here (the `deleted` table says which ordinals are gone), and an ordinal the import skipped
/// has an empty id, which `id(_:)` answers as unknown.
public final class IdChunk: @unchecked Sendable {
    public static let kind = "QIDS"
    public static let version: UInt32 = 1

    public let file: SegmentFile
    public let firstOrdinal: UInt32
    public let count: Int
    /// One of the two, by the metadata's offset width.
    let offsets32: UnsafeBufferPointer<UInt32>?
    let offsets64: UnsafeBufferPointer<UInt64>?
    let bytes: UnsafeRawBufferPointer

    public init(file: SegmentFile) throws(SegmentError) {
        self.file = file
        var r = ByteReader(file.metadata, what: file.name)
        let width: UInt8
        do {
            firstOrdinal = try r.read(UInt32.self)
            count = Int(clamping: try r.read(UInt64.self))  // a damaged count is refused below, not trapped
            width = try r.read(UInt8.self)
        } catch { throw .damaged(file.name, "id chunk metadata is truncated") }
        guard count <= Int(UInt32.max) - Int(firstOrdinal), width == 4 || width == 8 else {
            throw .damaged(file.name, "id chunk of \(count) ids from ordinal \(firstOrdinal), offsets of \(width) bytes")
        }
        offsets32 = width == 4 ? try file.array("offsets", as: UInt32.self, count: count + 1) : nil
        offsets64 = width == 8 ? try file.array("offsets", as: UInt64.self, count: count + 1) : nil
        bytes = try file.bytes("bytes")
    }

    public var ordinals: Range<UInt32> { firstOrdinal..<(firstOrdinal + UInt32(count)) }

    /// Whether `id(ordinal)` answers (without decoding the id).
    public func hasID(_ ordinal: UInt32) -> Bool { range(ordinal) != nil }

    /// Where the id of `ordinal` lies in `bytes`, when it is there and not empty.
    @inline(__always)
    private func range(_ ordinal: UInt32) -> Range<Int>? {
        guard ordinal >= firstOrdinal else { return nil }
        let i = Int(ordinal &- firstOrdinal)
        guard i < count else { return nil }
        let start: UInt64, end: UInt64
        if let o = offsets32 {
            (start, end) = (UInt64(o[i]), UInt64(o[i &+ 1]))
        } else {
            (start, end) = (offsets64![i], offsets64![i &+ 1])
        }
        guard start < end, end <= UInt64(bytes.count) else { return nil }
        return Int(start)..<Int(end)
    }

    /// The id of `ordinal`; nil outside the chunk, for an empty id, or where the offsets are
    /// damaged (each lookup checks the two it reads, so opening a chunk reads none of them).
    public func id(_ ordinal: UInt32) -> String? {
        range(ordinal).map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }
}

/// Streams ids into a `QIDS` segment, one per ordinal from `firstOrdinal`.
public final class IdChunkWriter {
    let writer: SegmentWriter
    public let firstOrdinal: UInt32
    private var offsets: [UInt64] = [0]
    private var written: UInt64 = 0

    public init(writer: SegmentWriter, firstOrdinal: UInt32) {
        self.writer = writer
        self.firstOrdinal = firstOrdinal
        writer.beginSection("bytes", alignment: 8)
    }

    public var count: Int { offsets.count - 1 }

    /// Appends the next ordinal's id (empty: an ordinal without one).
    public func append(_ id: String) throws(SegmentError) {
        var id = id
        let n = id.utf8.count
        var failure: SegmentError?
        id.withUTF8 { b in
            do throws(SegmentError) { try writer.write(UnsafeRawBufferPointer(b)) } catch { failure = error }
        }
        if let failure { throw failure }
        written += UInt64(n)
        offsets.append(written)
    }

    public func finish() throws(SegmentError) -> FinishedSegment {
        writer.endSection()
        let narrow = written <= UInt64(UInt32.max)
        if narrow {
            try writer.section("offsets", offsets.map { UInt32(truncatingIfNeeded: $0) })
        } else {
            try writer.section("offsets", offsets)
        }
        var m = ByteWriter()
        m.write(firstOrdinal)
        m.write(UInt64(count))
        m.write(UInt8(narrow ? 4 : 8))
        writer.metadata = m.bytes
        return try writer.finish()
    }

    public func abort() { writer.abort() }
}
