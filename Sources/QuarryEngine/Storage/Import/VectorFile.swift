import Foundation

/// Dense vectors from a file: `fbin` (int32 n, int32 d, then n·d float32, little-endian) or
/// NumPy `.npy` (float32, C order, 2-D). Row i belongs to record i of the import.
public struct VectorFile: Sendable {
    public let count: Int
    public let dimension: Int
    /// n·d values, row-major.
    public let values: [Float]

    public init(count: Int, dimension: Int, values: [Float]) {
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * dimension)..<((i + 1) * dimension)] }

    public static func read(path: String) throws(StorageError) -> VectorFile {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else { throw .fileNotFound(path: path) }
        if path.hasSuffix(".npy") { return try readNPY(data, name: name) }
        if path.hasSuffix(".fbin") || path.hasSuffix(".bin") { return try readFBin(data, name: name) }
        throw .badVectorFile(file: name, message: "unknown vector file type (expected .fbin or .npy)")
    }

    static func readFBin(_ data: Data, name: String) throws(StorageError) -> VectorFile {
        guard data.count >= 8 else { throw .badVectorFile(file: name, message: "too short for an fbin header (8 bytes)") }
        let n = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: Int32.self) }.littleEndian)
        let d = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }.littleEndian)
        guard n >= 0, d > 0 else { throw .badVectorFile(file: name, message: "bad fbin header (n = \(n), d = \(d))") }
        let expected = 8 + n * d * 4
        guard data.count == expected else {
            throw .badVectorFile(file: name, message: "fbin header says \(n) × \(d) (\(expected) bytes), file has \(data.count) bytes")
        }
        let values = data.withUnsafeBytes { raw in
            Array(UnsafeRawBufferPointer(rebasing: raw[8...]).bindMemory(to: Float.self))
        }
        return VectorFile(count: n, dimension: d, values: values)
    }

    static func readNPY(_ data: Data, name: String) throws(StorageError) -> VectorFile {
        let bytes = [UInt8](data.prefix(16))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw .badVectorFile(file: name, message: "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard data.count >= headerStart + headerLength else { throw .badVectorFile(file: name, message: "truncated .npy header") }
        let header = String(decoding: data[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else {
            throw .badVectorFile(file: name, message: "only float32 little-endian .npy is supported (header: \(header.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        guard header.contains("'fortran_order': False") else { throw .badVectorFile(file: name, message: "only C-order .npy is supported") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw .badVectorFile(file: name, message: "no shape in the .npy header")
        }
        let dims = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard dims.count == 2 else { throw .badVectorFile(file: name, message: "expected a 2-D array, found shape (\(header[open.upperBound..<close]))") }
        let (n, d) = (dims[0], dims[1])
        let bodyStart = headerStart + headerLength
        guard data.count - bodyStart == n * d * 4 else {
            throw .badVectorFile(file: name, message: "shape says \(n) × \(d), data has \(data.count - bodyStart) bytes")
        }
        let values = data.withUnsafeBytes { raw in
            Array(UnsafeRawBufferPointer(rebasing: raw[bodyStart...]).bindMemory(to: Float.self))
        }
        return VectorFile(count: n, dimension: d, values: values)
    }

    /// Writes fbin.
    public func fbinData() -> Data {
        var data = Data(capacity: 8 + values.count * 4)
        withUnsafeBytes(of: Int32(count).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: Int32(dimension).littleEndian) { data.append(contentsOf: $0) }
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
