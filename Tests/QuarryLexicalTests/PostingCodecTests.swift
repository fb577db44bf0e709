import Foundation
import QuarryBase
import Testing
@testable import QuarryLexical

/// Bit-packed posting blocks against the values packed and against the varint codec they
/// replaced (segments of format version 1 are still read as they are).
@Test func bitPackingRoundTripsEveryWidth() {
    var rng = SplitMix64(seed: 7)
    for width in 0...32 {
        for count in [1, 2, 7, 8, 9, 63, 127, 128] {
            let top: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
            var values = (0..<count).map { _ in UInt32(UInt64.random(in: 0...top, using: &rng)) }
            if width > 0 { values[Int.random(in: 0..<count, using: &rng)] = UInt32(top) }
            #expect(BitPacking.width(values) == width)
            var bytes: [UInt8] = []
            BitPacking.pack(values, width: width, to: &bytes)
            #expect(bytes.count == BitPacking.bytes(count: count, width: width))
            bytes += [UInt8](repeating: 0xFF, count: BitPacking.padding)  // what follows must not leak in
            // Into consecutive slots (vector shifts up to 16 bits) and into every third slot, as
            // the cursor's interleaved tfs are written (with room for the values up to the next
            // multiple of 8, which are written too).
            for step in [1, 3] {
                var out = [UInt32](repeating: 0xDEAD, count: (count + 7) / 8 * 8 * step + 1)
                bytes.withUnsafeBytes { raw in
                    out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, count: count, width: width, into: $0.baseAddress!, stride: step) }
                }
                #expect(stride(from: 0, to: count * step, by: step).map { out[$0] } == values, "width \(width) count \(count) stride \(step)")
                #expect(out.last == 0xDEAD)
                if step > 1 { #expect(stride(from: 1, to: out.count, by: step).allSatisfy { out[$0] == 0xDEAD }) }
            }
        }
    }
}

/// The same index with every segment's postings and positions varint-coded: every decoded block and position list, every
/// algorithm's hits and scores, and the snapshot (which packs a varint segment it reads) agree.
@Test func varintAndPackedSegmentsReadAlike() throws {
    var rng = SplitMix64(seed: 11)
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    let docs = randomCorpus(&rng, documents: 1200, vocabulary: 300)
    try index.add(Array(docs[0..<700]))
    try index.add(Array(docs[700...]))
    for _ in 0..<40 { index.delete(UInt32.random(in: 0..<1200, using: &rng)) }
    let varint = index.segments.compactMap { $0.reencoded(as: .varint) }
    #expect(varint.count == index.segments.count)
    #expect(varint.allSatisfy { $0.codec == .varint })
    #expect(zip(varint, index.segments).allSatisfy { $0.postings.count > $1.postings.count })
    let old = LexicalIndex(fields: index.fields, analyzer: index.analyzer, segments: varint, deleted: index.deleted)
    for (a, b) in zip(index.segments, varint) {
        for term in 0..<a.termCount {
            #expect(a.allPostings(of: term).map(\.doc) == b.allPostings(of: term).map(\.doc))
            #expect(a.allPostings(of: term).map(\.tfs) == b.allPostings(of: term).map(\.tfs))
            #expect(a.allPostings(of: term).map(\.positions) == b.allPostings(of: term).map(\.positions))
        }
    }
    for q in 0..<40 {
        let text = randomQuery(&rng, vocabulary: 300, operators: q % 2 == 1)
        for algorithm in [PruningAlgorithm.exhaustive, .blockMaxWAND, .maxScore] {
            var options = LexicalSearchOptions(k: [1, 10, 50][q % 3])
            options.algorithm = algorithm
            if q % 4 == 0 { options.fields = [FieldBoost("title", boost: 2), FieldBoost("text")] }
            let packed = try index.search(text, options: options), coded = try old.search(text, options: options)
            #expect(packed.hits.map(\.id) == coded.hits.map(\.id), "'\(text)' \(algorithm)")
            #expect(packed.hits.map(\.score) == coded.hits.map(\.score), "'\(text)' \(algorithm)")
        }
    }
    let loaded = try LexicalIndex(serialized: old.serialized())
    #expect(loaded.segments.allSatisfy { $0.codec == .packed })
    #expect(loaded.serialized() == index.serialized())
}

/// Damage inside a packed block (a width above 32, a delta that moves the block off its last
/// document) is reported, never read past: the block decodes to nothing.
@Test func damagedPackedBlocksDecodeToNothing() throws {
    var rng = SplitMix64(seed: 3)
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    try index.add(randomCorpus(&rng, documents: 600, vocabulary: 50))
    let seg = index.segments[0]
    let term = try #require((0..<seg.termCount).max { seg.termDocFreq[$0] < seg.termDocFreq[$1] })
    let k = seg.blocks(of: term).lowerBound
    // A width of 33, then one bit of the first delta flipped.
    for (byte, value) in [(0, UInt8(33)), (1 + seg.fieldCount, seg.postings[Int(seg.blockDocOffset[k]) + 1 + seg.fieldCount] ^ 1)] {
        var bytes = Array(seg.postings)
        bytes[Int(seg.blockDocOffset[k]) + byte] = value
        let damaged = replacing(seg, postings: Column(bytes))
        var docs = [UInt32](repeating: 0, count: Segment.blockSize), tfs = [UInt32](repeating: 0, count: Segment.blockSize * seg.fieldCount)
        #expect(damaged.decode(term: term, block: k, docs: &docs, tfs: &tfs) == 0)
        #expect(damaged.damage.reason != nil)
    }
}

/// Segment files: a packed segment is written as content version 3 (its lengths, block offsets
/// and bounds packed at their width, its ordinals as the first of their run), a varint one as
/// version 1 (the files of the first segment format); files of every version — 2, bit-packed
/// postings with those arrays as UInt32, written here as an older Quarry wrote them — read back
/// in their codec with equal hits, whether the ordinals are a run or not.
@Test func segmentFilesOfEveryVersionOpen() throws {
    var rng = SplitMix64(seed: 5)
    let corpus = randomCorpus(&rng, documents: 500, vocabulary: 100)
    // The same documents at ordinals with gaps (as after deletes and a merge).
    let spread = corpus.map { (ordinal: $0.ordinal * 3 + 7, fields: $0.fields) }
    for documents in [corpus, spread] {
        var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
        try index.add(documents)
        #expect(index.segments[0].ordinals.isRun == (documents.first!.ordinal == 0))
        let varint = try #require(index.segments[0].reencoded(as: .varint))
        let old = LexicalIndex(fields: index.fields, analyzer: index.analyzer, segments: [varint], deleted: index.deleted)
        #expect(index.segmentVersion(ofSegment: 0) == 3 && old.segmentVersion(ofSegment: 0) == 1)
        let folder = NSTemporaryDirectory() + "quarry-codec-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, source, version) in [("packed", index, UInt32(3)), ("packed2", index, UInt32(2)), ("varint", old, UInt32(1))] {
            let w = SegmentWriter(kind: LexicalIndex.segmentKind, version: version) { "\(folder)/\(name).p\($0).qseg" }
            try source.writeSegment(0, to: w)
            let done = try w.finish()
            try done.publish()
            let file = try SegmentFile(paths: done.files.map(\.path), kind: LexicalIndex.segmentKind, version: LexicalIndex.segmentVersion, name: name)
            let read = try LexicalIndex(segmentFiles: [file], deleted: Bitmap())
            let seg = read.segments[0], built = index.segments[0]
            #expect(seg.codec == (version >= 2 ? .packed : .varint))
            #expect(Array(seg.ordinals) == Array(built.ordinals) && Array(seg.lengths) == Array(built.lengths))
            #expect(Array(seg.blockMaxTf) == Array(built.blockMaxTf) && Array(seg.blockMinLength) == Array(built.blockMinLength))
            #expect(seg.lengths.width == (version >= 3 ? built.lengths.width : 32))
            for q in ["w1 w2", "w3", "w0 w7 w9", "\"w1 w2\""] {
                #expect(try read.search(q, options: LexicalSearchOptions(k: 10)).hits.map(\.id) == index.search(q, options: LexicalSearchOptions(k: 10)).hits.map(\.id))
            }
        }
    }
}

/// A packed column reads back every value at every width, near its end too (where a column
/// of width 32 from an older file has no padding to load past).
@Test func packedColumnsReadEveryValue() throws {
    var rng = SplitMix64(seed: 11)
    for width in 0...32 {
        let values = (0..<(37 + width)).map { _ in width == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) >> UInt32(32 - width) }
        let packed = PackedColumn(values)
        #expect(Array(packed) == values)
        #expect(packed.width <= width)
        var bytes: [UInt8] = []
        BitPacking.pack(values, width: width, to: &bytes)
        let unpadded = try #require(PackedColumn(data: Column(bytes), width: width, count: values.count))
        #expect(Array(unpadded) == values)
        #expect(PackedColumn(data: Column(Array(bytes.dropLast())), width: width, count: values.count) == nil || width == 0)
        // Runs read eight at a time, with and without padding after them.
        for column in [packed, unpadded] {
            for start in stride(from: 0, to: values.count, by: 8) {
                let n = values.count - start
                var out = [UInt32](repeating: 0, count: (n + 7) & ~7)
                column.read(from: start, count: n, into: &out)
                #expect(Array(out[0..<n]) == Array(values[start...]), "width \(width), from \(start)")
            }
        }
    }
    #expect(Array(Ordinals([4, 5, 6])) == [4, 5, 6] && Ordinals([4, 5, 6]).isRun)
    #expect(Array(Ordinals([4, 6, 7])) == [4, 6, 7] && !Ordinals([4, 6, 7]).isRun)
}

/// A packed positions block whose width byte is past 32, or whose run would end past the data,
/// gives no positions and a report.
@Test func damagedPackedPositionsReadNothing() throws {
    var rng = SplitMix64(seed: 9)
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    try index.add(randomCorpus(&rng, documents: 300, vocabulary: 40))
    let seg = index.segments[0]
    let term = try #require((0..<seg.termCount).max { seg.termDocFreq[$0] < seg.termDocFreq[$1] })
    let k = seg.blocks(of: term).lowerBound
    var docs = [UInt32](repeating: 0, count: Segment.blockSize), tfs = [UInt32](repeating: 0, count: Segment.blockSize * seg.fieldCount)
    let n = seg.decode(term: term, block: k, docs: &docs, tfs: &tfs)
    let field = (0..<seg.fieldCount).first { tfs[(n - 1) * seg.fieldCount + $0] > 0 }!
    #expect(!seg.positions(block: k, index: n - 1, field: field, tfs: tfs).isEmpty)
    // A width past 32, a run cut short, and width 0 under a list of several positions (a tf
    // a damaged file could make billions: it must not size an allocation).
    var many = tfs
    many[(n - 1) * seg.fieldCount + field] = 3_000_000_000
    for damage in 0..<3 {
        var bytes = Array(seg.positionData)
        switch damage {
        case 0: bytes[Int(seg.blockPosOffset[k])] = 40
        case 1: bytes = Array(bytes.prefix(Int(seg.blockPosOffset[k]) + 2))
        default: bytes[Int(seg.blockPosOffset[k])] = 0
        }
        let damaged = replacing(seg, positions: Column(bytes))
        #expect(damaged.positions(block: k, index: n - 1, field: field, tfs: damage == 2 ? many : tfs).isEmpty)
        #expect(damaged.damage.reason != nil)
    }
}

/// `seg` with its postings or positions bytes replaced (the damage tests' segments).
func replacing(_ seg: Segment, postings: Column<UInt8>? = nil, positions: Column<UInt8>? = nil) -> Segment {
    Segment(fieldCount: seg.fieldCount, codec: seg.codec, ordinals: seg.ordinals, lengths: seg.lengths, termBytes: seg.termBytes,
            termOffsets: seg.termOffsets, termDocFreq: seg.termDocFreq, termFieldDocFreq: seg.termFieldDocFreq,
            termBlockStart: seg.termBlockStart, blockLastDoc: seg.blockLastDoc, blockDocOffset: seg.blockDocOffset,
            blockPosOffset: seg.blockPosOffset, blockMaxTf: seg.blockMaxTf, blockMinLength: seg.blockMinLength,
            postings: postings ?? seg.postings, positionData: positions ?? seg.positionData,
            totalLengths: seg.totalLengths, fieldDocCounts: seg.fieldDocCounts)
}

/// Patched runs (PFOR): a run whose few large values would widen every value keeps them apart,
/// and reads back equal, at every stride; a run of one width stays plain; a patched run whose
/// head or exception index says what no written run holds does not read.
@Test func patchedRunsReadBackAndRefuseDamage() throws {
    var rng = SplitMix64(seed: 21)
    let runs: [[UInt32]] = [
        (0..<128).map { _ in UInt32(rng.next() % 16) },                                    // one width: plain
        (0..<128).map { i in i % 40 == 3 ? 70_000 : UInt32(rng.next() % 8) },               // a few long gaps
        (0..<128).map { i in i == 5 || i == 90 ? 2 : 0 },                                   // a field seldom mentioned
        (0..<37).map { i in i == 36 ? UInt32.max : 1 },                                     // the widest exception
    ]
    for (r, values) in runs.enumerated() {
        let plan = BitPacking.plan(values)
        #expect((plan.widthByte & BitPacking.patched != 0) == (r != 0), "run \(r)")
        var bytes: [UInt8] = []
        BitPacking.pack(values, widthByte: plan.widthByte, exceptionWidth: plan.exceptionWidth, to: &bytes)
        #expect(bytes.count < BitPacking.bytes(count: values.count, width: BitPacking.width(values)) || r == 0)
        let size = bytes.count
        bytes += [UInt8](repeating: 0, count: BitPacking.padding)
        for stride in [1, 3] {
            var out = [UInt32](repeating: 0, count: ((values.count + 7) & ~7) * stride)
            let read = bytes.withUnsafeBytes { b in
                BitPacking.runBytes(b.baseAddress!, widthByte: plan.widthByte, count: values.count) == size
                    && BitPacking.unpackRun(b.baseAddress!, widthByte: plan.widthByte, count: values.count, into: &out, stride: stride)
            }
            #expect(read && (0..<values.count).map { out[$0 * stride] } == values, "run \(r), stride \(stride)")
        }
        guard r != 0 else { continue }
        // No exceptions, more exceptions than values, and an index past the run.
        let e = Int(bytes[0]), w = Int(plan.widthByte & ~BitPacking.patched)
        for (at, value) in [(0, UInt8(0)), (0, UInt8(values.count + 1)), (2 + BitPacking.bytes(count: values.count, width: w) + e - 1, UInt8(200))] {
            var damaged = bytes
            damaged[at] = value
            var out = [UInt32](repeating: 0, count: 256)
            let read = damaged.withUnsafeBytes { b in
                BitPacking.runBytes(b.baseAddress!, widthByte: plan.widthByte, count: values.count) != nil
                    && BitPacking.unpackRun(b.baseAddress!, widthByte: plan.widthByte, count: values.count, into: &out, stride: 1)
            }
            #expect(!read, "run \(r), byte \(at) = \(value)")
        }
    }
}

/// A block of positions where a few first positions are far wider than the rest (a term at the
/// start of most documents and deep in a long one) is patched — its exceptions' indices a byte
/// each in a block of at most 256 positions, two bytes past that — and every list of it reads
/// back as the varint segment's, at any document of the block; phrases across it still match.
@Test(arguments: [60, 200]) func patchedPositionsReadWhereTheyLie(documentCount: Int) throws {
    let filler = (0..<700).map { "f\($0 % 50)" }.joined(separator: " ")
    let documents: [(ordinal: UInt32, fields: [String?])] = (0..<documentCount).map { d in
        let text = d == 37 ? filler + " alpha beta alpha" : "alpha beta gamma alpha delta alpha"
        return (UInt32(d), [nil, text])
    }
    var index = try LexicalIndex(fields: ["title", "text"], analyzer: .standard)
    try index.add(documents)
    let seg = index.segments[0]
    let alpha = try #require(seg.lookup("alpha"))
    let first = Int(seg.blockPosOffset[seg.blocks(of: alpha).lowerBound])
    #expect(seg.positionData[first] & BitPacking.patched != 0)
    // 3 positions a document: 180 in the first block of 60 documents, 384 in one of 128.
    #expect((seg.positionData[first + 3] & Segment.narrowIndices != 0) == (documentCount == 60))
    let varint = try #require(seg.reencoded(as: .varint))
    #expect(seg.allPostings(of: alpha).map(\.positions) == varint.allPostings(of: alpha).map(\.positions))
    #expect(seg.allPostings(of: alpha).first { $0.doc == 37 }?.positions[1] == [700, 702])
    let hits = try index.search("\"alpha beta\"", options: LexicalSearchOptions(k: 300)).hits
    #expect(hits.count == documentCount)
}
