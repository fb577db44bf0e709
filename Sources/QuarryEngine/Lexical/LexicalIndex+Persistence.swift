import QuarryBase
import QuarryText

/// Snapshot format (little-endian), version 1:
///
///     "QLEX" u32 version
///     analyzer: name, stemmer ("" = none), stop words, folding, CJK bigrams, numbers, max token length
///     fields: u32 count, names
///     u32 segment count, then per segment:
///         "QSEG" u32 version, u32 field count, the segment's arrays (see `Segment`),
///         tombstones (CRoaring portable bitmap blob)
///
/// Loading copies the arrays back: nothing is re-analyzed or re-encoded.
extension LexicalIndex {
    static let header = SnapshotHeader(magic: "QLEX", version: 1)
    static let segmentHeader = SnapshotHeader(magic: "QSEG", version: 1)

    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: memoryBytes + 1024)
        w.write(header: Self.header)
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
        w.write(UInt32(segments.count))
        for (seg, del) in zip(segments, deleted) {
            w.write(header: Self.segmentHeader)
            w.write(UInt32(seg.fieldCount))
            w.write(array: seg.ordinals)
            w.write(array: seg.lengths)
            w.write(blob: seg.termBytes)
            w.write(array: seg.termOffsets)
            w.write(array: seg.termDocFreq)
            w.write(array: seg.termFieldDocFreq)
            w.write(array: seg.termBlockStart)
            w.write(array: seg.blockLastDoc)
            w.write(array: seg.blockDocOffset)
            w.write(array: seg.blockPosOffset)
            w.write(array: seg.blockMaxTf)
            w.write(array: seg.blockMinLength)
            w.write(blob: seg.postings)
            w.write(blob: seg.positionData)
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
                try r.read(header: Self.segmentHeader)
                let fc = Int(try r.read(UInt32.self))
                guard fc == fields.count else { throw BinaryError.corrupt("segment has \(fc) fields, index has \(fields.count)") }
                let seg = Segment(
                    fieldCount: fc, ordinals: try r.readArray(), lengths: try r.readArray(), termBytes: try r.readBlob(),
                    termOffsets: try r.readArray(), termDocFreq: try r.readArray(), termFieldDocFreq: try r.readArray(),
                    termBlockStart: try r.readArray(), blockLastDoc: try r.readArray(), blockDocOffset: try r.readArray(),
                    blockPosOffset: try r.readArray(), blockMaxTf: try r.readArray(), blockMinLength: try r.readArray(),
                    postings: try r.readBlob(), positionData: try r.readBlob())
                guard seg.lengths.count == seg.ordinals.count * fc, seg.termOffsets.count == seg.termDocFreq.count + 1,
                      seg.termBlockStart.count == seg.termDocFreq.count + 1,
                      seg.blockMaxTf.count == seg.blockLastDoc.count * fc
                else { throw BinaryError.corrupt("lexical segment arrays disagree in size") }
                guard let del = Bitmap(serialized: try r.readBlob()) else { throw BinaryError.corrupt("bad tombstone bitmap") }
                segments.append(seg)
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
