import Foundation
import QuarryBase

/// Vectors of one dimension, row after row (row i = ordinal `base + i`), held in memory or
/// read in place from a mapped vector chunk.
final class VectorStore {
    let dimension: Int
    let data: RawBuffer<Float>
    /// The ordinal of the first row (a chunk of a field's vectors starts anywhere).
    let base: UInt32

    init(dimension: Int) {
        self.dimension = dimension
        data = RawBuffer(capacity: dimension * 16)
        base = 0
    }

    /// The rows of a mapped chunk, in place (they are stored normalised for cosine fields).
    init(chunk: VectorChunk) {
        dimension = chunk.dimension
        data = RawBuffer(mapped: UnsafeBufferPointer(start: chunk.rows, count: chunk.count * chunk.dimension), owner: chunk)
        base = chunk.firstOrdinal
    }

    /// Rows held (ordinals base..<base + count).
    var count: Int { data.count / dimension }

    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Float> { data.pointer + (i &- Int(base)) &* dimension }

    /// Appends rows; normalises them when `normalize` (cosine).
    func append(_ vectors: UnsafeBufferPointer<Float>, normalize: Bool) {
        let first = count
        data.append(contentsOf: vectors)
        if normalize {
            for i in first..<count { Kernels.normalize(data.pointer + i * dimension, dimension) }
        }
    }

    var bytes: Int { data.bytes }
}
