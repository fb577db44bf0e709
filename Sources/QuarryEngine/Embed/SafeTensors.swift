#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QuarryBase

/// A `.safetensors` file mapped read-only into memory.
///
/// Format (huggingface/safetensors): an 8-byte little-endian header length `n`, `n` bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the
/// raw little-endian tensor data, offsets relative to the end of the header. Tensors are handed
/// out as pointers into the mapping: nothing is copied.
final class SafeTensorsFile: @unchecked Sendable {
    struct Entry {
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    private let base: UnsafeRawPointer
    private let length: Int
    private let dataStart: Int
    private(set) var entries: [String: Entry] = [:]
    /// Unaligned tensors copied out of the mapping, freed with the file.
    private var copies: [UnsafeMutableRawPointer] = []

    init(path: String) throws(EmbedError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .badWeights(reason: "cannot open (errno \(errno))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 8 else { throw .badWeights(reason: "file too short") }
        length = Int(st.st_size)
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .badWeights(reason: "cannot map the file (errno \(errno))")
        }
        base = UnsafeRawPointer(p)
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * i) }
        guard headerLength > 0, headerLength <= length - 8 else {
            munmap(UnsafeMutableRawPointer(mutating: base), length)
            throw .badWeights(reason: "header length \(headerLength) does not fit in \(length) bytes")
        }
        dataStart = 8 + headerLength
        let headerBytes = [UInt8](UnsafeRawBufferPointer(start: base + 8, count: headerLength))
        do {
            entries = try Self.parseHeader(headerBytes, dataLength: length - dataStart)
        } catch {
            munmap(UnsafeMutableRawPointer(mutating: base), length)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
        for p in copies { p.deallocate() }
    }

    private static func parseHeader(_ bytes: [UInt8], dataLength: Int) throws(EmbedError) -> [String: Entry] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw .badWeights(reason: "header is not JSON (\(error))")
        }
        guard case let .object(members) = json else { throw .badWeights(reason: "header is not a JSON object") }
        var out: [String: Entry] = [:]
        for m in members where m.key != "__metadata__" {
            guard let dtype = m.value["dtype"]?.stringValue,
                case let .array(shapeItems)? = m.value["shape"],
                case let .array(offsets)? = m.value["data_offsets"], offsets.count == 2,
                case let .int(b) = offsets[0], case let .int(e) = offsets[1]
            else { throw .badWeights(reason: "bad header entry for \(m.key)") }
            var shape: [Int] = []
            for item in shapeItems {
                guard case let .int(d) = item, d >= 0 else { throw .badWeights(reason: "bad shape for \(m.key)") }
                shape.append(Int(d))
            }
            guard b >= 0, b <= e, Int(e) <= dataLength else {
                throw .badWeights(reason: "data of \(m.key) lies outside the file")
            }
            out[m.key] = Entry(dtype: dtype, shape: shape, begin: Int(b), end: Int(e))
        }
        return out
    }

    /// The float32 tensor `name`, which must have exactly `shape`. Called while loading only
    /// (not thread-safe: an unaligned tensor is copied and remembered).
    func floats(_ name: String, shape: [Int]) throws(EmbedError) -> UnsafeBufferPointer<Float> {
        guard let e = entries[name] else { throw .badWeights(reason: "tensor \(name) is missing") }
        guard e.dtype == "F32" else { throw .badWeights(reason: "tensor \(name) is \(e.dtype), expected F32") }
        guard e.shape == shape else { throw .badWeights(reason: "tensor \(name) has shape \(e.shape), expected \(shape)") }
        let count = shape.reduce(1, *)
        guard e.end - e.begin == count * 4 else { throw .badWeights(reason: "tensor \(name) has \(e.end - e.begin) bytes") }
        let offset = dataStart + e.begin
        if offset % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: Float.self), count: count)
        }
        // The format pads the header so that data is aligned; a file that does not gets a copy.
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: count * 4))
        copies.append(UnsafeMutableRawPointer(copy.baseAddress!))
        return UnsafeBufferPointer(copy)
    }
}
