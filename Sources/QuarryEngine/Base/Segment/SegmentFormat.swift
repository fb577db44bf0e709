import CZlib

/// The on-disk container every bulk structure of Quarry is written in: vector columns, HNSW
/// graphs, IVF lists, BM25 segments, JSON path indexes (as Lucene's segment files, Lance's
/// fragments, Milvus's sealed segments).
///
/// A **segment** is one logical byte stream — its *body* — made of named, aligned sections
/// and a directory, stored in one or more **part files** so that no file grows past a size
/// limit. Each part file is
///
///     [0, A)        header page: container magic "QSEG", container version, content magic and
///                   version (e.g. "QVHN" 1), segment id, part index and count, where this part's
///                   body sits in the logical body, its length and CRC-32, the directory's
///                   place and CRC-32, and the CRC-32 of the header itself
///     [A, A + len)  this part's slice of the body
///
/// with A the alignment (4096, a page). Every part but the last holds a multiple of A bytes of
/// body, so the parts can be mapped side by side into one contiguous address range: sections
/// are read in place, never decoded. Opening checks the headers and the directory only (a few
/// hundred bytes whatever the size); the bodies' checksums are checked by `verify()`
/// (`quarry check`) and whenever a body is read whole.
///
/// The directory (at the end of the body) lists `(name, offset, length)` of every section and
/// a small metadata blob the content type defines (its parameters, counts).
public enum SegmentFormat {
    public static let magic: [UInt8] = Array("QSEG".utf8)
    public static let version: UInt32 = 1
    /// Size of a part's header page and the alignment of part bodies.
    public static let alignment = 4096
    /// Bytes of the header that carry fields (the rest of the page is zero).
    static let headerFieldBytes = 128
    /// Default largest part file: bigger segments are split (lowered by tests).
    public static let defaultPartLimit = 1 << 34  // 16 GiB

    /// The file name suffix of finished part files.
    public static let fileExtension = "qseg"

    /// CRC-32 (zlib's, the polynomial of gzip and PNG), continued from `crc`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = UInt(crc)
        var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        while left > 0, let q = p {
            let n = min(left, 1 << 30)
            c = CZlib.crc32(c, q, UInt32(n))
            p = q + n
            left -= n
        }
        return UInt32(truncatingIfNeeded: c)
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32($0) } }
}

/// What a part header says (see `SegmentFormat`).
struct PartHeader: Equatable {
    var kind: String
    var kindVersion: UInt32
    var segmentID: UInt64
    var part: UInt32
    var partCount: UInt32
    var bodyOffset: UInt64
    var bodyLength: UInt64
    var totalLength: UInt64
    var alignment: UInt32
    var bodyCRC: UInt32
    var directoryOffset: UInt64
    var directoryLength: UInt64
    var directoryCRC: UInt32

    init(kind: String, kindVersion: UInt32, segmentID: UInt64, part: UInt32, partCount: UInt32, bodyOffset: UInt64,
         bodyLength: UInt64, totalLength: UInt64, alignment: UInt32, bodyCRC: UInt32, directoryOffset: UInt64,
         directoryLength: UInt64, directoryCRC: UInt32) {
        self.kind = kind
        self.kindVersion = kindVersion
        self.segmentID = segmentID
        self.part = part
        self.partCount = partCount
        self.bodyOffset = bodyOffset
        self.bodyLength = bodyLength
        self.totalLength = totalLength
        self.alignment = alignment
        self.bodyCRC = bodyCRC
        self.directoryOffset = directoryOffset
        self.directoryLength = directoryLength
        self.directoryCRC = directoryCRC
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: SegmentFormat.headerFieldBytes)
        w.write(raw: SegmentFormat.magic)
        w.write(SegmentFormat.version)
        w.write(raw: Array(kind.utf8))
        w.write(kindVersion)
        w.write(segmentID)
        w.write(part)
        w.write(partCount)
        w.write(bodyOffset)
        w.write(bodyLength)
        w.write(totalLength)
        w.write(alignment)
        w.write(bodyCRC)
        w.write(directoryOffset)
        w.write(directoryLength)
        w.write(directoryCRC)
        var bytes = w.bytes
        bytes.append(contentsOf: [UInt8](repeating: 0, count: SegmentFormat.headerFieldBytes - 4 - bytes.count))
        let crc = SegmentFormat.crc32(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Parses and checks a header's fields; `what` names the file in errors.
    init(decoding bytes: [UInt8], what: String) throws(SegmentError) {
        guard bytes.count >= SegmentFormat.headerFieldBytes else { throw .damaged(what, "shorter than its header") }
        guard Array(bytes[0..<4]) == SegmentFormat.magic else { throw .damaged(what, "not a Quarry segment file (bad magic)") }
        let stored = bytes[(SegmentFormat.headerFieldBytes - 4)..<SegmentFormat.headerFieldBytes]
            .withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian
        let computed = SegmentFormat.crc32(Array(bytes[0..<(SegmentFormat.headerFieldBytes - 4)]))
        guard stored == computed else { throw .damaged(what, "header checksum mismatch") }
        var r = ByteReader(Array(bytes[4..<SegmentFormat.headerFieldBytes]), what: what)
        do {
            let containerVersion = try r.read(UInt32.self)
            guard containerVersion <= SegmentFormat.version else { throw SegmentError.newerFormat(what, containerVersion) }
            var kindBytes: [UInt8] = []
            for _ in 0..<4 { kindBytes.append(try r.read(UInt8.self)) }
            kind = String(decoding: kindBytes, as: UTF8.self)
            kindVersion = try r.read()
            segmentID = try r.read()
            part = try r.read()
            partCount = try r.read()
            bodyOffset = try r.read()
            bodyLength = try r.read()
            totalLength = try r.read()
            alignment = try r.read()
            bodyCRC = try r.read()
            directoryOffset = try r.read()
            directoryLength = try r.read()
            directoryCRC = try r.read()
        } catch let e as SegmentError {
            throw e
        } catch {
            throw .damaged(what, "header is truncated")
        }
        guard alignment >= 4096, alignment & (alignment - 1) == 0, alignment <= 1 << 20 else {
            throw .damaged(what, "alignment \(alignment) is not a power of two between 4096 and 1 MiB")
        }
        guard partCount >= 1, part < partCount else { throw .damaged(what, "part \(part) of \(partCount)") }
        guard bodyOffset <= totalLength, bodyLength <= totalLength - bodyOffset else {
            throw .damaged(what, "body [\(bodyOffset), +\(bodyLength)) lies outside the segment's \(totalLength) bytes")
        }
        guard directoryOffset <= totalLength, directoryLength <= totalLength - directoryOffset, directoryLength <= 1 << 30 else {
            throw .damaged(what, "directory lies outside the segment")
        }
    }
}

/// Errors of writing, opening and checking segment files.
public enum SegmentError: Error, Equatable, CustomStringConvertible {
    /// The file's bytes are not what was written: `what` names the file, `reason` what is wrong.
    case damaged(String, String)
    case newerFormat(String, UInt32)
    case wrongKind(String, expected: String, found: String)
    case missing(String)
    case io(String, String)

    public var description: String {
        switch self {
        case let .damaged(what, reason): return "\(what) is damaged: \(reason)"
        case let .newerFormat(what, version): return "\(what) has segment format \(version), newer than this Quarry reads; upgrade Quarry"
        case let .wrongKind(what, expected, found): return "\(what) holds a '\(found)' segment, not '\(expected)'"
        case let .missing(what): return "\(what) is missing"
        case let .io(what, reason): return "\(what): \(reason)"
        }
    }
}
