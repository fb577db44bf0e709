import Foundation
import QuarryBase
import QuarryVector

/// The segment target: a fuzzed segment file is opened as Quarry opens one — header, directory,
/// sections, body checksum — then as what its kind says (a vector chunk, an id chunk, an HNSW
/// graph or IVF lists over a fixed chunk of 64 rows), and an index that opens is searched (an
/// id chunk: every id read).
///
/// Before opening, the directory, body and header checksums are recomputed over the mutated
/// bytes: a flipped byte would otherwise stop at "checksum mismatch" (which the header and
/// directory checks are there to catch) and never reach the structural checks behind them.
enum FuzzSegments {
    static let dimension = 8
    static let rows = 64

    /// The fixed chunk every fuzzed index is opened over.
    static let chunk: VectorChunk? = {
        let base = FuzzTarget.scratchPath(".chunk")
        let w = SegmentWriter(kind: VectorChunk.kind, version: VectorChunk.version) { "\(base).p\($0).qseg" }
        let c = VectorChunkWriter(writer: w, dimension: dimension, firstOrdinal: 0, normalize: false)
        var rng = SplitMix64(seed: 7)
        do {
            for _ in 0..<rows { try c.append((0..<dimension).map { _ in Float(rng.unit()) }) }
            let done = try c.finish()
            try done.publish()
            return try VectorChunk(file: SegmentFile(paths: done.files.map(\.path), kind: VectorChunk.kind, version: VectorChunk.version, name: "fuzz chunk"))
        } catch {
            return nil
        }
    }()

    static func run(_ data: [UInt8]) { _ = opens(withChecksums(data)) }

    /// Opens `bytes` as a segment of the kind its header names and uses it; true when it
    /// opened as that kind (a chunk, or an index of some kind and metric).
    static func opens(_ bytes: [UInt8]) -> Bool {
        FuzzTarget.withScratchFile(".qseg", bytes) { open($0, bytes) }
    }

    private static func open(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard let chunk else { return false }
        let kind = bytes.count >= 12 ? String(decoding: bytes[8..<12], as: UTF8.self) : "QVEC"
        guard kind.utf8.count == 4,
              let file = try? SegmentFile(paths: [path], kind: kind, version: .max, name: "fuzzed segment")
        else { return false }
        guard (try? file.verify()) != nil else { return false }
        for name in file.sections.keys { _ = try? file.bytes(name) }
        var opened = false
        switch kind {
        case VectorChunk.kind:
            guard let c = try? VectorChunk(file: file) else { return false }
            opened = true
            if c.count > 0 {
                _ = c.original(c.firstOrdinal + UInt32(c.count - 1))
                _ = c.isMissing(c.firstOrdinal)
            }
        case IdChunk.kind:
            guard let c = try? IdChunk(file: file) else { return false }
            opened = true
            for o in c.ordinals.prefix(4096) { _ = c.id(o) }
        default:
            for k in VectorIndexKind.allCases where VectorSegments.segmentKind(of: k)?.kind == kind {
                for metric in VectorMetric.allCases {
                    guard let index = try? VectorSegments.open(kind: k, file: file, chunk: chunk, metric: metric, deleted: Bitmap()) else { continue }
                    opened = true
                    let query = (0..<dimension).map { Float($0) / Float(dimension) }
                    _ = try? index.search(query: query, k: 5, params: VectorSearchParams(ef: 16, nprobe: 4, refineK: 20))
                }
            }
        }
        return opened
    }

    /// `data` with its directory, body (single part) and header checksums made to match.
    static func withChecksums(_ data: [UInt8]) -> [UInt8] {
        let a = SegmentFormat.alignment
        guard data.count >= a, data.starts(with: SegmentFormat.magic) else { return data }
        var b = data
        func u64(_ at: Int) -> UInt64 { b[at..<(at + 8)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian }
        func put(_ v: UInt32, at: Int) { withUnsafeBytes(of: v.littleEndian) { b.replaceSubrange(at..<(at + 4), with: $0) } }
        let body = b[a...]
        let (dirOffset, dirLength) = (u64(64), u64(72))
        if dirOffset <= UInt64(body.count), dirLength <= UInt64(body.count) - dirOffset {
            let dir = Array(body.dropFirst(Int(dirOffset)).prefix(Int(dirLength)))
            put(SegmentFormat.crc32(dir), at: 80)
        }
        put(SegmentFormat.crc32(Array(body)), at: 60)
        put(SegmentFormat.crc32(Array(b[0..<124])), at: 124)
        return b
    }

    /// Seed segments: the fixed chunk, an id chunk, and an HNSW graph and each IVF kind built over
    /// the fixed chunk.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        guard let chunk else { return [] }
        var out: [(String, [UInt8])] = [("chunk", try Data(contentsOf: URL(fileURLWithPath: chunk.file.paths[0])).map { $0 })]
        let idBase = FuzzTarget.scratchPath(".ids")
        let ids = IdChunkWriter(writer: SegmentWriter(kind: IdChunk.kind, version: IdChunk.version) { "\(idBase).p\($0).qseg" }, firstOrdinal: 3)
        for id in ["d0", "", "naïve", "doc-0003", String(repeating: "z", count: 40)] { try ids.append(id) }
        let idsDone = try ids.finish()
        try idsDone.publish()
        out.append(("ids", try Data(contentsOf: URL(fileURLWithPath: idsDone.files[0].path)).map { $0 }))
        for f in idsDone.files { unlink(f.path) }
        let builds: [(String, String, [String: String])] = [
            ("hnsw", "hnsw", ["M": "4", "ef_construction": "16", "seed": "1"]),
            ("hnsw_sq", "hnsw_sq", ["M": "4", "ef_construction": "16", "seed": "1"]),
            ("ivf_flat", "ivf_flat", ["nlist": "4"]),
            ("ivf_sq8", "ivf_sq8", ["nlist": "4"]),
            ("ivf_rabitq", "ivf_rabitq", ["nlist": "4"]),
        ]
        for (name, type, parameters) in builds {
            let index = try VectorSegments.build(type: type, parameters: parameters, chunk: chunk, metric: .l2, threads: 1)
            guard let (kind, version) = VectorSegments.segmentKind(of: index.kind) else { continue }
            let base = FuzzTarget.scratchPath("." + name)
            let w = SegmentWriter(kind: kind, version: version) { "\(base).p\($0).qseg" }
            try VectorSegments.write(index, to: w)
            let done = try w.finish()
            try done.publish()
            out.append((name, try Data(contentsOf: URL(fileURLWithPath: done.files[0].path)).map { $0 }))
            for f in done.files { unlink(f.path) }
        }
        return out
    }
}
