import Foundation

/// Dense vectors from a file: `fbin` (int32 n, int32 d, then n·d float32, little-endian) or
/// NumPy `.npy` (float32, C order, 2-D). Row i belongs to record i of the import.
public struct VectorFile: @unchecked Sendable {
    public let count: Int
    public let dimension: Int
    /// The file's bytes (memory-mapped when read from disk) and where the rows start.
    let data: Data
    let bodyOffset: Int

    public init(count: Int, dimension: Int, values: [Float]) {
        self.count = count
        self.dimension = dimension
        data = values.withUnsafeBytes { Data($0) }
        bodyOffset = 0
    }

    init(count: Int, dimension: Int, data: Data, bodyOffset: Int) {
        self.count = count
        self.dimension = dimension
        self.data = data
        self.bodyOffset = bodyOffset
    }

    /// n·d values, row-major (a copy; for small files and tests).
    public var values: [Float] { withRows { Array($0) } }

    public func row(_ i: Int) -> [Float] { withRows { Array($0[(i * dimension)..<((i + 1) * dimension)]) } }

    /// Calls `body` with the rows in place (n·d floats).
    public func withRows<T>(_ body: (UnsafeBufferPointer<Float>) throws -> T) rethrows -> T {
        try data.withUnsafeBytes { raw in
            let body0 = UnsafeRawBufferPointer(rebasing: raw[bodyOffset..<(bodyOffset + count * dimension * 4)])
            if let base = body0.baseAddress, Int(bitPattern: base) % 4 == 0 {
                return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count * dimension))
            }
            let copy = [Float](unsafeUninitializedCapacity: count * dimension) { buf, n in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: body0)
                n = count * dimension
            }
            return try copy.withUnsafeBufferPointer(body)
        }
    }

    /// The first row (1-based) holding NaN or ±infinity, and the value's column, or nil.
    public func firstNonFinite() -> (row: Int, column: Int)? {
        withRows { v in
            for i in 0..<v.count where !v[i].isFinite { return (i / dimension + 1, i % dimension + 1) }
            return nil
        }
    }

    public static func read(path: String) throws(StorageError) -> VectorFile {
        let name = (path as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw .badVectorFile(file: name, message: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, name: name)
    }

    /// The vectors of a file's bytes, its type told by `name`'s suffix (`.npy`, `.fbin`, `.bin`).
    /// Every size in a header is checked against the bytes there are before anything is read.
    public static func decode(_ data: Data, name: String) throws(StorageError) -> VectorFile {
        if name.hasSuffix(".npy") { return try readNPY(data, name: name) }
        if name.hasSuffix(".fbin") || name.hasSuffix(".bin") { return try readFBin(data, name: name) }
        throw .badVectorFile(file: name, message: "unknown vector file type (expected .fbin or .npy)")
    }

    /// The body size of n × d float32, or nil when it does not fit in memory's address range.
    static func bodyBytes(_ n: Int, _ d: Int) -> Int? {
        let (rows, o1) = n.multipliedReportingOverflow(by: d)
        let (bytes, o2) = rows.multipliedReportingOverflow(by: 4)
        return o1 || o2 ? nil : bytes
    }

    static func readFBin(_ data: Data, name: String) throws(StorageError) -> VectorFile {
        guard data.count >= 8 else { throw .badVectorFile(file: name, message: "too short for an fbin header (8 bytes)") }
        let n = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: Int32.self) }.littleEndian)
        let d = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }.littleEndian)
        guard n >= 0, d > 0 else { throw .badVectorFile(file: name, message: "bad fbin header (n = \(n), d = \(d))") }
        guard let body = bodyBytes(n, d), body == data.count - 8 else {
            throw .badVectorFile(file: name, message: "fbin header says \(n) × \(d) (\(bodyBytes(n, d).map { "\($0 + 8) bytes" } ?? "more bytes than can exist")), file has \(data.count) bytes")
        }
        return VectorFile(count: n, dimension: d, data: data, bodyOffset: 8)
    }

    static func readNPY(_ data: Data, name: String) throws(StorageError) -> VectorFile {
        let bytes = [UInt8](data.prefix(16))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw .badVectorFile(file: name, message: "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw .badVectorFile(file: name, message: ".npy format version \(major) is not one of 1, 2, 3") }
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw .badVectorFile(file: name, message: "truncated .npy header") }
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
        let shape = header[open.upperBound..<close]
        let parts = shape.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dims = parts.compactMap { Int($0) }
        guard dims.count == 2, parts.count == 2 else {
            throw .badVectorFile(file: name, message: "expected a 2-D array of at most \(Int.max) rows, found shape (\(shape))")
        }
        let (n, d) = (dims[0], dims[1])
        guard n >= 0, d > 0 else { throw .badVectorFile(file: name, message: "shape (\(n), \(d)) has no dimensions to search") }
        let bodyStart = headerStart + headerLength
        guard let body = bodyBytes(n, d), data.count - bodyStart == body else {
            throw .badVectorFile(file: name, message: "shape says \(n) × \(d), data has \(data.count - bodyStart) bytes")
        }
        return VectorFile(count: n, dimension: d, data: data, bodyOffset: bodyStart)
    }

    /// Writes fbin.
    public func fbinData() -> Data {
        var data = Data(capacity: 8 + count * dimension * 4)
        withUnsafeBytes(of: Int32(count).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: Int32(dimension).littleEndian) { data.append(contentsOf: $0) }
        withRows { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        return data
    }
}
