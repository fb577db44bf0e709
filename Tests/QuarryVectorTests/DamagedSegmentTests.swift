import Foundation
import QuarryBase
import Testing
@testable import QuarryVector

/// Index segments whose numbers are damaged (found by the segment fuzz target): they are
/// refused when opened, and the search kernels never trap on what slips through.
@Suite struct DamagedSegmentTests {
    /// Writes `index` as a segment in a fresh folder and opens it again.
    func roundTrip(_ index: IVFIndex) throws -> SegmentFile {
        let folder = NSTemporaryDirectory() + "quarry-damaged-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let w = SegmentWriter(kind: IVFIndex.segmentKind, version: IVFIndex.segmentVersion) { "\(folder)/ivf.p\($0).qseg" }
        try index.writeSegment(to: w)
        let done = try w.finish()
        try done.publish()
        return try SegmentFile(paths: done.files.map(\.path), kind: IVFIndex.segmentKind, version: IVFIndex.segmentVersion, name: "test IVF")
    }

    @Test(arguments: ["ivf_flat", "ivf_sq8", "ivf_rabitq"])
    func nonFiniteCentroidsAreDamage(_ type: String) throws {
        let d = 8
        let data = clusteredData(n: 200, d: d, clusters: 4)
        let index = try #require(try VectorIndexes.make(type: type, dimension: d, metric: .l2, parameters: ["nlist": "4"]) as? IVFIndex)
        try index.build(data)
        _ = try IVFIndex.open(try roundTrip(index), vectors: nil)   // whole, it opens
        index.centroids.pointer[3] = .nan
        #expect(throws: SegmentError.self) { try IVFIndex.open(try roundTrip(index), vectors: nil) }
        index.centroids.pointer[3] = -.infinity
        #expect(throws: SegmentError.self) { try IVFIndex.open(try roundTrip(index), vectors: nil) }
    }

    /// RaBitQ's query quantizer maps every residual to a level in 0…15, NaN and infinity included
    /// (it used to trap converting NaN to Int).
    @Test func rabitqQueryQuantizerTakesAnyResidual() {
        for bad: Float in [.nan, .infinity, -.infinity, .greatestFiniteMagnitude] {
            var q = RaBitQQuery(words: 1, paddedDimension: 64)
            var residual = [Float](repeating: 1, count: 64)
            residual[5] = bad
            residual.withUnsafeMutableBufferPointer { q.prepare(residual: $0.baseAddress!) }
            #expect(q.sumQ >= 0 && q.sumQ <= 64 * 15)
        }
    }
}
