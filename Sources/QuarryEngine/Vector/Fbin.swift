import Foundation

/// The fbin format: int32 n, int32 d, then n·d float32, all little-endian (big-ann-benchmarks).
public enum Fbin {
    public static func read(path: String) throws -> (vectors: [Float], count: Int, dimension: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VectorIndexError.badFile(path: path, reason: "the file cannot be opened")
        }
        return try decode([UInt8](data), path: path)
    }

    public static func decode(_ bytes: [UInt8], path: String = "fbin") throws -> (vectors: [Float], count: Int, dimension: Int) {
        guard bytes.count >= 8 else { throw VectorIndexError.badFile(path: path, reason: "shorter than the 8-byte header") }
        func int32(at o: Int) -> Int {
            Int(Int32(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24))
        }
        let n = int32(at: 0), d = int32(at: 4)
        guard n >= 0, d > 0 else { throw VectorIndexError.badFile(path: path, reason: "header says n=\(n), d=\(d)") }
        let expected = 8 + n * d * 4
        guard bytes.count == expected else {
            throw VectorIndexError.badFile(path: path, reason: "expected \(expected) bytes for \(n)×\(d), found \(bytes.count)")
        }
        let floats = n == 0 ? [] : [Float](unsafeUninitializedCapacity: n * d) { buf, initialized in
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[8..<expected]))
            }
            initialized = n * d
        }
        return (floats, n, d)
    }

    public static func encode(_ vectors: [Float], dimension: Int) -> [UInt8] {
        precondition(dimension > 0 && vectors.count % dimension == 0)
        var out = [UInt8]()
        out.reserveCapacity(8 + vectors.count * 4)
        withUnsafeBytes(of: Int32(vectors.count / dimension).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: Int32(dimension).littleEndian) { out.append(contentsOf: $0) }
        vectors.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }

    public static func write(_ vectors: [Float], dimension: Int, path: String) throws {
        try Data(encode(vectors, dimension: dimension)).write(to: URL(fileURLWithPath: path))
    }
}
