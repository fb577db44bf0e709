import Foundation
import QuarryBase
import QuarryText

/// A BM25 inverted index over the named text fields of a collection: segments of postings with
/// block-max metadata, tombstones for deletes, and per-field statistics.
///
/// Documents are identified by their record ordinal (dense `UInt32` of the collection).
/// `add(_:)` writes each batch as a new segment (no rebuild); `delete(_:)` marks tombstones;
/// `merge()` rewrites all segments into one, dropping deleted documents. Statistics (N, df,
/// avgdl) count the documents of all segments, deleted ones included until a merge, as Lucene
/// does. A value type: copies share the immutable segments.
///
/// Search is in `LexicalIndex+Search.swift`, persistence in `LexicalIndex+Persistence.swift`.
public struct LexicalIndex: Sendable {
    /// The indexed text fields, in the order documents give their texts.
    public let fields: [String]
    /// The analyzer of documents and queries, stored with the index.
    public let analyzer: AnalyzerConfig
    var segments: [Segment]
    /// Per segment: tombstones of local document numbers.
    var deleted: [Bitmap]
    /// Analyzers kept between calls (each is used by one thread at a time).
    let analyzers = AnalyzerPool()

    public init(fields: [String], analyzer: AnalyzerConfig = .english) throws(LexicalError) {
        guard !fields.isEmpty else { throw .noFields }
        for (i, f) in fields.enumerated() where fields[..<i].contains(f) { throw .duplicateField(f) }
        do { _ = try Analyzer(analyzer) } catch { throw .analyzer(error) }
        self.fields = fields
        self.analyzer = analyzer
        segments = []
        deleted = []
    }

    init(fields: [String], analyzer: AnalyzerConfig, segments: [Segment], deleted: [Bitmap]) {
        self.fields = fields
        self.analyzer = analyzer
        self.segments = segments
        self.deleted = deleted
    }

    func makeAnalyzer() -> Analyzer {
        // The configuration was checked when the index was made.
        guard let a = try? Analyzer(analyzer) else { preconditionFailure("analyzer \(analyzer.name) was valid at creation") }
        return a
    }

    // MARK: - Writing

    /// Indexes a batch of records as one new segment. `fields[f]` is the text of `self.fields[f]`
    /// (nil when absent). An ordinal that is already live is an error (delete it first).
    public mutating func add(_ documents: [(ordinal: UInt32, fields: [String?])]) throws(LexicalError) {
        guard !documents.isEmpty else { return }
        let sorted = documents.sorted { $0.ordinal < $1.ordinal }
        for (i, d) in sorted.enumerated() {
            guard d.fields.count == fields.count else {
                throw .fieldCountMismatch(ordinal: d.ordinal, expected: fields.count, found: d.fields.count)
            }
            if (i > 0 && sorted[i - 1].ordinal == d.ordinal) || contains(d.ordinal) { throw .duplicateOrdinal(d.ordinal) }
        }
        var builder = SegmentBuilder(fieldCount: fields.count)
        for batch in analyzeInParallel(sorted) { builder.add(batch) }
        segments.append(builder.finish())
        deleted.append(Bitmap())
    }

    /// Analyzes documents on up to 4 threads (one analyzer each) when there are many.
    private func analyzeInParallel(_ documents: [(ordinal: UInt32, fields: [String?])]) -> [AnalyzedBatch] {
        let threads = documents.count < 2_000 ? 1 : min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
        let chunk = (documents.count + threads - 1) / threads
        let results = UnsafeMutableBufferPointer<AnalyzedBatch>.allocate(capacity: threads)
        defer { results.deallocate() }
        let out = SendablePointer(base: results.baseAddress!)
        let config = analyzer
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            let slice = documents[min(documents.count, i * chunk)..<min(documents.count, (i + 1) * chunk)]
            // Valid: the configuration was checked when the index was made.
            let a = (try? Analyzer(config))!
            (out.base + i).initialize(to: AnalyzedBatch(documents: slice, analyzer: a))
        }
        let batches = Array(results)
        _ = results.baseAddress!.deinitialize(count: threads)
        return batches
    }

    /// Marks a record deleted (a tombstone in its segment). Returns false when it is not live.
    @discardableResult
    public mutating func delete(_ ordinal: UInt32) -> Bool {
        for s in segments.indices {
            if let local = segments[s].local(of: ordinal), !deleted[s].contains(UInt32(local)) {
                deleted[s].insert(UInt32(local))
                return true
            }
        }
        return false
    }

    /// True when the record is indexed and not deleted.
    public func contains(_ ordinal: UInt32) -> Bool { locate(ordinal) != nil }

    /// The segment and local number of a live record.
    func locate(_ ordinal: UInt32) -> (segment: Int, local: Int)? {
        for s in segments.indices {
            if let local = segments[s].local(of: ordinal), !deleted[s].contains(UInt32(local)) { return (s, local) }
        }
        return nil
    }

    /// Rewrites all segments into one, dropping deleted documents (Lucene's forced merge).
    /// Scores change only through the statistics, which stop counting deleted documents.
    public mutating func merge() {
        guard segments.count > 1 || deleted.contains(where: { !$0.isEmpty }) else { return }
        let fc = fields.count
        var live: [(ordinal: UInt32, segment: Int, local: Int)] = []
        for (s, seg) in segments.enumerated() {
            for local in 0..<seg.documentCount where !deleted[s].contains(UInt32(local)) {
                live.append((seg.ordinals[local], s, local))
            }
        }
        live.sort { $0.ordinal < $1.ordinal }
        var builder = SegmentBuilder(fieldCount: fc)
        var newLocal = segments.map { [Int32](repeating: -1, count: $0.documentCount) }
        for d in live {
            let seg = segments[d.segment]
            let l = builder.addDocument(ordinal: d.ordinal, lengths: seg.lengths[(d.local * fc)..<((d.local + 1) * fc)])
            newLocal[d.segment][d.local] = Int32(l)
        }
        for (s, seg) in segments.enumerated() {
            for t in 0..<seg.termCount {
                let term = seg.term(at: t)
                for p in seg.allPostings(of: t) {
                    let l = newLocal[s][Int(p.doc)]
                    if l >= 0 { builder.addPosting(term: term, doc: UInt32(l), tfs: p.tfs, positions: p.positions) }
                }
            }
        }
        segments = builder.documentCount == 0 ? [] : [builder.finish()]
        deleted = segments.map { _ in Bitmap() }
    }

    // MARK: - Statistics (for the planner and EXPLAIN)

    public var segmentCount: Int { segments.count }
    /// Documents in all segments, deleted ones included until a merge (BM25's N counts them).
    public var documentCount: Int { segments.reduce(0) { $0 + $1.documentCount } }
    /// Documents not deleted.
    public var liveDocumentCount: Int { documentCount - deleted.reduce(0) { $0 + $1.count } }

    /// The live record ordinals, ascending.
    public var liveOrdinals: Bitmap {
        var out = Bitmap()
        for (s, seg) in segments.enumerated() {
            for local in 0..<seg.documentCount where !deleted[s].contains(UInt32(local)) { out.insert(seg.ordinals[local]) }
        }
        return out
    }

    /// The index of a field name, or an error naming the valid fields.
    public func fieldIndex(_ name: String) throws(LexicalError) -> Int {
        if let i = fields.firstIndex(of: name) { return i }
        throw .unknownField(name: name, valid: fields, suggestion: Suggest.nearest(to: name, in: fields))
    }

    /// Per-field statistics: documents where the field is not empty (N of BM25), total and
    /// average length in tokens.
    public struct FieldStatistics: Sendable, Equatable {
        public var field: String
        public var documentCount: Int
        public var totalLength: UInt64
        public var averageLength: Double
    }

    public func statistics(field: String) throws(LexicalError) -> FieldStatistics {
        let f = try fieldIndex(field)
        let n = segments.reduce(0) { $0 + Int($1.fieldDocCounts[f]) }
        let total = segments.reduce(UInt64(0)) { $0 + $1.totalLengths[f] }
        return FieldStatistics(field: field, documentCount: n, totalLength: total, averageLength: n == 0 ? 0 : Double(total) / Double(n))
    }

    /// Documents containing an indexed (already analyzed) term: in `field`, or in any field when nil.
    public func documentFrequency(of term: String, field: String? = nil) throws(LexicalError) -> Int {
        let f = try field.map { name throws(LexicalError) in try fieldIndex(name) }
        var n = 0
        for seg in segments {
            guard let t = seg.lookup(term) else { continue }
            n += Int(f.map { seg.termFieldDocFreq[t * seg.fieldCount + $0] } ?? seg.termDocFreq[t])
        }
        return n
    }

    /// The terms of `text` as this index's analyzer makes them (what a query looks up).
    public func analyze(_ text: String) -> [Token] {
        let a = analyzers.take() ?? makeAnalyzer()
        defer { analyzers.put(a) }
        return a.analyze(text)
    }

    /// Distinct terms over all segments.
    public var termCount: Int {
        if segments.count == 1 { return segments[0].termCount }
        var set = Set<String>()
        for seg in segments { for t in 0..<seg.termCount { set.insert(seg.term(at: t)) } }
        return set.count
    }

    /// Postings stored (document-term pairs) over all segments.
    public var postingCount: Int { segments.reduce(0) { $0 + $1.termDocFreq.reduce(0) { $0 + Int($1) } } }

    /// Bytes held in memory by the segments and tombstones.
    public var memoryBytes: Int {
        segments.reduce(0) { $0 + $1.memoryBytes } + deleted.reduce(0) { $0 + $1.memoryBytes }
    }
}

/// A few idle analyzers, so queries do not rebuild a stemmer and a stop-word set each time.
final class AnalyzerPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Analyzer] = []

    func take() -> Analyzer? {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast()
    }

    func put(_ analyzer: Analyzer) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < 8 { idle.append(analyzer) }
    }
}

/// A pointer handed to worker threads that each write their own slot.
private struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
