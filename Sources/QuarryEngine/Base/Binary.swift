/// Little-endian binary writing and reading for persisted structures.
///
/// Every persisted structure (index snapshots, path indexes, model metadata) starts with a
/// `SnapshotHeader`: a 4-byte magic naming the structure and a format version, so a reader
/// can say "this is not an HNSW index" or "written by a newer Quarry" instead of guessing.

public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(_ value: Float) { write(value.bitPattern) }
    public mutating func write(_ value: Double) { write(value.bitPattern) }
    public mutating func write(_ value: Bool) { write(UInt8(value ? 1 : 0)) }
    /// A length-prefixed UTF-8 string.
    public mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    /// A length-prefixed byte blob.
    public mutating func write(blob: [UInt8]) {
        write(UInt64(blob.count))
        bytes.append(contentsOf: blob)
    }
    /// A length-prefixed array of fixed-width values, copied as raw little-endian memory.
    public mutating func write<T: FixedWidthInteger>(array: [T]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }  // x86-64 and arm64 are little-endian
    }
    public mutating func write(array: [Float]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
    public mutating func write(raw: [UInt8]) { bytes.append(contentsOf: raw) }
    public mutating func write(header: SnapshotHeader) {
        bytes.append(contentsOf: Array(header.magic.utf8))
        write(header.version)
    }
}

/// Errors of reading a persisted structure.
public enum BinaryError: Error, Equatable, CustomStringConvertible {
    case truncated(what: String, offset: Int)
    case badMagic(expected: String, found: String)
    case newerVersion(what: String, found: UInt32, supported: UInt32)
    case corrupt(String)

    public var description: String {
        switch self {
        case let .truncated(what, offset):
            return "\(what) is truncated at byte \(offset)"
        case let .badMagic(expected, found):
            return "not a \(expected) snapshot (magic \(found.debugDescription))"
        case let .newerVersion(what, found, supported):
            return "\(what) has format version \(found), newer than this Quarry reads (\(supported)); upgrade Quarry"
        case let .corrupt(message):
            return "corrupt snapshot: \(message)"
        }
    }
}

public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset = 0
    /// Names the structure in error messages.
    public var what: String

    public init(_ bytes: [UInt8], what: String = "snapshot") {
        self.bytes = bytes
        self.what = what
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    private mutating func need(_ n: Int) throws {
        guard n >= 0, offset + n <= bytes.count else { throw BinaryError.truncated(what: what, offset: offset) }
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        try need(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { dst in
            bytes.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<offset + MemoryLayout<T>.size]))
            }
        }
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }
    public mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
    public mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }
    public mutating func readString() throws -> String {
        let n = Int(try read(UInt32.self))
        try need(n)
        defer { offset += n }
        return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
    }
    public mutating func readBlob() throws -> [UInt8] {
        let n = try readCount()
        try need(n)
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    public mutating func readArray<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type = T.self) throws -> [T] { try readElements(T.self) }
    public mutating func readFloatArray() throws -> [Float] { try readElements(Float.self) }

    /// A count, then that many fixed-size elements copied as they are stored.
    private mutating func readElements<T: BitwiseCopyable>(_: T.Type) throws -> [T] {
        let n = try readCount()
        let size = n * MemoryLayout<T>.size
        try need(size)
        // An empty array is the runtime's shared empty storage: initialising it with capacity 0
        // writes its count, a race (harmless, but ThreadSanitizer's) between decoding threads.
        guard n > 0 else { return [] }
        let out = [T](unsafeUninitializedCapacity: n) { buf, initialized in
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<offset + size]))
            }
            initialized = n
        }
        offset += size
        return out
    }
    private mutating func readCount() throws -> Int {
        let n = try read(UInt64.self)
        guard n <= UInt64(bytes.count) * 8 else { throw BinaryError.corrupt("\(what): length \(n) exceeds the data") }
        return Int(n)
    }

    /// Reads and checks a header: the magic must match and the version must be one this build reads.
    @discardableResult
    public mutating func read(header expected: SnapshotHeader) throws -> UInt32 {
        try need(4)
        let magic = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
        guard magic == expected.magic else { throw BinaryError.badMagic(expected: expected.magic, found: magic) }
        offset += 4
        let version: UInt32 = try read()
        guard version <= expected.version else {
            throw BinaryError.newerVersion(what: what, found: version, supported: expected.version)
        }
        return version
    }
}

/// The first bytes of every persisted structure: 4 ASCII bytes of magic and a format version.
public struct SnapshotHeader: Sendable, Equatable {
    public let magic: String
    public let version: UInt32

    public init(magic: String, version: UInt32) {
        precondition(magic.utf8.count == 4, "magic is 4 ASCII bytes")
        self.magic = magic
        self.version = version
    }
}
