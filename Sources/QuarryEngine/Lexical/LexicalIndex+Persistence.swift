import QuarryBase
import QuarryText

/// Snapshot format (little-endian), version 1:
///
///     "QLEX" u32 version
///     analyzer: name, stemmer ("" = none), stop words, folding, CJK bigrams, numbers, max token length
///     fields: u32 count, names
///     u32 segment count, then per segment:
///         "QSEG" u32 version (1: varint postings, 2: bit-packed), u32 field count,
///         the segment's arrays (see `Segment`), tombstones (CRoaring portable bitmap blob)
///
/// Loading copies the arrays back: nothing is re-analyzed, and only varint postings are re-encoded.
extension LexicalIndex {
    static let header = SnapshotHeader(magic: "QLEX", version: 1)
    static let segmentHeader = SnapshotHeader(magic: "QSEG", version: 2)

    /// The version that says how a segment's postings are encoded (snapshot and segment file alike).
    static func version(of codec: Segment.Codec) -> UInt32 { codec == .packed ? 2 : 1 }
    static func codec(ofVersion version: UInt32) -> Segment.Codec { version >= 2 ? .packed : .varint }

    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: memoryBytes + 1024)
        w.write(header: Self.header)
        describe(into: &w)
        w.write(UInt32(segments.count))
        for (seg, del) in zip(segments, deleted) {
            w.write(header: SnapshotHeader(magic: Self.segmentHeader.magic, version: Self.version(of: seg.codec)))
            w.write(UInt32(seg.fieldCount))
            w.write(array: Array(seg.ordinals))
            w.write(array: Array(seg.lengths))
            w.write(blob: Array(seg.termBytes))
            w.write(array: Array(seg.termOffsets))
            w.write(array: Array(seg.termDocFreq))
            w.write(array: Array(seg.termFieldDocFreq))
            w.write(array: Array(seg.termBlockStart))
            w.write(array: Array(seg.blockLastDoc))
            w.write(array: Array(seg.blockDocOffset))
            w.write(array: Array(seg.blockPosOffset))
            w.write(array: Array(seg.blockMaxTf))
            w.write(array: Array(seg.blockMinLength))
            w.write(blob: Array(seg.postings))
            w.write(blob: Array(seg.positionData))
            w.write(blob: del.serialized())
        }
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(LexicalError) {
        do {
            var r = ByteReader(bytes, what: "lexical index")
            try r.read(header: Self.header)
            let name = try r.readString()
            let stemmer = try r.readString()
            var stopwords: [String] = []
            for _ in 0..<(try r.read(UInt32.self)) { stopwords.append(try r.readString()) }
            let config = AnalyzerConfig(name: name, stemmer: stemmer.isEmpty ? nil : stemmer, stopwords: stopwords,
                                        asciiFolding: try r.readBool(), cjkBigrams: try r.readBool(),
                                        keepNumbers: try r.readBool(), maxTokenLength: Int(try r.read(UInt32.self)))
            var fields: [String] = []
            for _ in 0..<(try r.read(UInt32.self)) { fields.append(try r.readString()) }
            var segments: [Segment] = []
            var deleted: [Bitmap] = []
            for _ in 0..<(try r.read(UInt32.self)) {
                let codec = Self.codec(ofVersion: try r.read(header: Self.segmentHeader))
                let fc = Int(try r.read(UInt32.self))
                guard fc == fields.count else { throw BinaryError.corrupt("segment has \(fc) fields, index has \(fields.count)") }
                let seg = Segment(
                    fieldCount: fc, codec: codec, ordinals: try r.readArray(), lengths: try r.readArray(), termBytes: try r.readBlob(),
                    termOffsets: try r.readArray(), termDocFreq: try r.readArray(), termFieldDocFreq: try r.readArray(),
                    termBlockStart: try r.readArray(), blockLastDoc: try r.readArray(), blockDocOffset: try r.readArray(),
                    blockPosOffset: try r.readArray(), blockMaxTf: try r.readArray(), blockMinLength: try r.readArray(),
                    postings: try r.readBlob(), positionData: try r.readBlob())
                guard seg.lengths.count == seg.ordinals.count * fc, seg.termOffsets.count == seg.termDocFreq.count + 1,
                      seg.termBlockStart.count == seg.termDocFreq.count + 1,
                      seg.blockMaxTf.count == seg.blockLastDoc.count * fc
                else { throw BinaryError.corrupt("lexical segment arrays disagree in size") }
                guard let del = Bitmap(serialized: try r.readBlob()) else { throw BinaryError.corrupt("bad tombstone bitmap") }
                // A varint segment (an older snapshot, read only to migrate it) is packed now.
                guard let packed = seg.codec == .packed ? seg : seg.reencoded(as: .packed) else {
                    throw BinaryError.corrupt("the postings of a segment do not decode")
                }
                segments.append(packed)
                deleted.append(del)
            }
            do { _ = try Analyzer(config) } catch { throw LexicalError.analyzer(error) }
            self.init(fields: fields, analyzer: config, segments: segments, deleted: deleted)
        } catch let e as BinaryError {
            throw .snapshot(e)
        } catch let e as LexicalError {
            throw e
        } catch {
            throw .snapshot(.corrupt("\(error)"))
        }
    }
}

// MARK: - Segment files (format 2: one file per segment, read in place)

extension LexicalIndex {
    public static let segmentKind = "QLXS"
    /// Version 3: bit-packed postings, and the lengths, block offsets and block bounds packed at
    /// the width of their largest value, the ordinals kept as their first when they are a run
    /// (`PackedColumn`, `Ordinals`); version 2 (bit-packed postings, those arrays as `UInt32`)
    /// and version 1 (varint postings) are read as they are.
    public static let segmentVersion: UInt32 = 3

    /// The segment file version segment `i` is written with: 3, or 1 for a segment of varint postings.
    public func segmentVersion(ofSegment i: Int) -> UInt32 { segments[i].codec == .packed ? Self.segmentVersion : 1 }

    /// The analyzer and fields, as every segment file of the index carries them.
    func describe(into w: inout ByteWriter) {
        w.write(analyzer.name)
        w.write(analyzer.stemmer ?? "")
        w.write(UInt32(analyzer.stopwords.count))
        for s in analyzer.stopwords { w.write(s) }
        w.write(analyzer.asciiFolding)
        w.write(analyzer.cjkBigrams)
        w.write(analyzer.keepNumbers)
        w.write(UInt32(analyzer.maxTokenLength))
        w.write(UInt32(fields.count))
        for f in fields { w.write(f) }
    }

    static func readDescription(_ r: inout ByteReader) throws -> (AnalyzerConfig, [String]) {
        let name = try r.readString()
        let stemmer = try r.readString()
        var stopwords: [String] = []
        let ns = try r.read(UInt32.self)
        guard ns <= 100_000 else { throw BinaryError.corrupt("\(ns) stop words") }
        for _ in 0..<ns { stopwords.append(try r.readString()) }
        let config = AnalyzerConfig(name: name, stemmer: stemmer.isEmpty ? nil : stemmer, stopwords: stopwords,
                                    asciiFolding: try r.readBool(), cjkBigrams: try r.readBool(),
                                    keepNumbers: try r.readBool(), maxTokenLength: Int(try r.read(UInt32.self)))
        var fields: [String] = []
        let nf = try r.read(UInt32.self)
        guard nf >= 1, nf <= 1024 else { throw BinaryError.corrupt("\(nf) fields") }
        for _ in 0..<nf { fields.append(try r.readString()) }
        return (config, fields)
    }

    /// The number of the segment `add` wrote last.
    public var lastSegment: Int { segments.count - 1 }

    /// The ordinals segment `i` holds: its smallest and one past its largest.
    public func ordinalRange(ofSegment i: Int) -> Range<UInt32> {
        let o = segments[i].ordinals
        return o.isEmpty ? 0..<0 : o[0]..<(o[o.count - 1] + 1)
    }

    /// Writes segment `i` (its arrays, statistics, and the index's analyzer and fields) in the
    /// layout of `w`'s version (`segmentVersion(ofSegment:)` is the one to write today).
    public func writeSegment(_ i: Int, to w: SegmentWriter) throws(SegmentError) {
        let seg = segments[i]
        var m = ByteWriter()
        describe(into: &m)
        m.write(UInt32(seg.fieldCount))
        m.write(UInt64(seg.documentCount))
        m.write(UInt64(seg.termCount))
        for t in seg.totalLengths { m.write(t) }
        for c in seg.fieldDocCounts { m.write(c) }
        // The writer's version says the layout: 3 packs the columns, 1 and 2 write them as UInt32.
        let packed = w.kindVersion >= 3
        if packed {
            m.write(seg.ordinals.isRun)
            m.write(seg.ordinals.base)
            for c in seg.packedColumns { m.write(UInt8(c.column.width)) }
        }
        w.metadata = m.bytes
        if packed {
            try w.section("ordinals", seg.ordinals.stored?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0))
            try w.section("lengths", seg.lengths.data.bytes)
        } else {
            try w.section("ordinals", Array(seg.ordinals))
            try w.section("lengths", Array(seg.lengths))
        }
        try w.section("term_bytes", seg.termBytes.bytes)
        try w.section("term_offsets", seg.termOffsets.bytes)
        try w.section("term_doc_freq", seg.termDocFreq.bytes)
        try w.section("term_field_doc_freq", seg.termFieldDocFreq.bytes)
        try w.section("term_block_start", seg.termBlockStart.bytes)
        try w.section("block_last_doc", seg.blockLastDoc.bytes)
        for c in seg.packedColumns where c.name != "lengths" {
            if packed { try w.section(c.name, c.column.data.bytes) } else { try w.section(c.name, Array(c.column)) }
        }
        try w.section("postings", seg.postings.bytes)
        try w.section("positions", seg.positionData.bytes)
    }

    /// An index over mapped segment files, read in place; `deleted` ordinals are tombstoned.
    /// Sizes are checked against each other here; offsets inside the postings are checked as
    /// they are decoded, so a damaged file gives an error, never a crash.
    public init(segmentFiles files: [SegmentFile], deleted: Bitmap) throws(LexicalError) {
        guard let first = files.first else { throw .snapshot(.corrupt("a BM25 index without segments")) }
        var description: (AnalyzerConfig, [String])?
        var segments: [Segment] = []
        do {
            for file in files {
                var r = ByteReader(file.metadata, what: file.name)
                let (config, fields) = try Self.readDescription(&r)
                if let d = description {
                    guard d.0 == config, d.1 == fields else { throw BinaryError.corrupt("\(file.name) was built with another analyzer or fields than \(first.name)") }
                } else {
                    description = (config, fields)
                }
                let fc = Int(try r.read(UInt32.self))
                let docs = Int(clamping: try r.read(UInt64.self)), terms = Int(clamping: try r.read(UInt64.self))
                guard fc == fields.count, docs <= Int(UInt32.max), terms <= Int(UInt32.max) else {
                    throw BinaryError.corrupt("\(file.name): \(fc) fields, \(docs) documents, \(terms) terms")
                }
                var totals: [UInt64] = [], counts: [UInt32] = []
                for _ in 0..<fc { totals.append(try r.read(UInt64.self)) }
                for _ in 0..<fc { counts.append(try r.read(UInt32.self)) }
                func col<T: BitwiseCopyable>(_ name: String, _ n: Int? = nil) throws -> Column<T> {
                    Column(mapped: try file.array(name, as: T.self, count: n), owner: file)
                }
                // Version 3 says how its columns are packed; older files hold them as UInt32 (width 32).
                let packed = file.kindVersion >= 3
                let ordinalsRun = packed ? try r.readBool() : false
                let ordinalsBase = packed ? try r.read(UInt32.self) : 0
                var widths: [String: Int] = [:]
                for name in Segment.packedColumnNames { widths[name] = packed ? Int(try r.read(UInt8.self)) : 32 }
                func packedCol(_ name: String, _ n: Int) throws -> PackedColumn {
                    let width = widths[name]!
                    guard let c = PackedColumn(data: try col(name), width: width, count: n) else {
                        throw BinaryError.corrupt("\(file.name): section \(name) does not hold \(n) values of \(width) bits")
                    }
                    return c
                }
                let ordinals: Ordinals
                if ordinalsRun {
                    guard Int(ordinalsBase) + docs <= Int(UInt32.max) + 1 else { throw BinaryError.corrupt("\(file.name): ordinals past 2^32") }
                    ordinals = Ordinals(base: ordinalsBase, count: docs)
                } else {
                    ordinals = Ordinals(stored: try col("ordinals", docs))
                }
                let termOffsets: Column<UInt32> = try col("term_offsets", terms + 1)
                let blockLastDoc: Column<UInt32> = try col("block_last_doc")
                let blocks = blockLastDoc.count
                let termBlockStart: Column<UInt32> = try col("term_block_start", terms + 1)
                let termBytes: Column<UInt8> = try col("term_bytes")
                let postings: Column<UInt8> = try col("postings")
                let positions: Column<UInt8> = try col("positions")
                let blockDocOffset = try packedCol("block_doc_offset", blocks)
                let blockPosOffset = try packedCol("block_pos_offset", blocks)
                // The bounds every lookup and cursor relies on (one value each, not the arrays).
                guard terms == 0 || (Int(termOffsets[terms]) <= termBytes.count && Int(termBlockStart[terms]) <= blocks),
                      blocks == 0 || (Int(blockDocOffset[blocks - 1]) <= postings.count && Int(blockPosOffset[blocks - 1]) <= positions.count)
                else { throw BinaryError.corrupt("\(file.name): offsets point past the data") }
                let seg = Segment(
                    fieldCount: fc, codec: Self.codec(ofVersion: file.kindVersion), ordinals: ordinals, lengths: try packedCol("lengths", docs * fc), termBytes: termBytes,
                    termOffsets: termOffsets, termDocFreq: try col("term_doc_freq", terms), termFieldDocFreq: try col("term_field_doc_freq", terms * fc),
                    termBlockStart: termBlockStart, blockLastDoc: blockLastDoc, blockDocOffset: blockDocOffset, blockPosOffset: blockPosOffset,
                    blockMaxTf: try packedCol("block_max_tf", blocks * fc), blockMinLength: try packedCol("block_min_length", blocks * fc),
                    postings: postings, positionData: positions, totalLengths: totals, fieldDocCounts: counts)
                seg.source = "\(file.name) (\(file.paths.map(SegmentFile.fileName).joined(separator: ", ")))"
                segments.append(seg)
            }
        } catch let e as SegmentError {
            throw .segment(e)
        } catch let e as BinaryError {
            throw .snapshot(e)
        } catch {
            throw .snapshot(.corrupt("\(error)"))
        }
        let (config, fields) = description!
        do { _ = try Analyzer(config) } catch { throw .analyzer(error) }
        var tombstones = segments.map { _ in Bitmap() }
        deleted.forEach { o in
            for (s, seg) in segments.enumerated() {
                if let local = seg.local(of: o) { tombstones[s].insert(UInt32(local)); break }
            }
            return true
        }
        self.init(fields: fields, analyzer: config, segments: segments, deleted: tombstones)
    }
}
