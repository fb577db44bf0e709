import Foundation
import QuarryLexical
import QuarryStorage

/// One BM25 search as the `search` command and the evaluation run it.
public struct LexicalRequest: Sendable {
    public var collection: String
    public var text: String
    public var k = 10
    /// `title^2,text`; nil: every indexed field with boost 1.
    public var fields: String?
    public var k1: Float = 0.9
    public var b: Float = 0.4
    /// auto, bmw, maxscore or exhaustive.
    public var algorithm = "auto"
    public var allowed: Bitmap?
    /// Take the text as plain words (query sets), not as search-box syntax with +, -, "…" and *.
    public var plainText = false
    /// count (a term the query repeats weighs its count) or distinct (`SET bm25_query_tf`).
    public var queryTermFrequency = "count"
    /// RM3 pseudo-relevance feedback before the search; nil: none.
    public var rm3: RM3Parameters?

    public init(collection: String, text: String) {
        self.collection = collection
        self.text = text
    }
}

/// A hit with the record's id and the branch's score.
public struct SearchHit: Sendable {
    public var ordinal: UInt32
    public var id: String
    public var score: Float
    public var rank: Int
}

public struct LexicalResponse: Sendable {
    public var hits: [SearchHit]
    public var terms: [String]
    /// Per term of `terms`: its weight (qtf, or its RM3 weight).
    public var termWeights: [Float] = []
    /// What RM3 did (feedback documents, expansion terms and weights), when it ran.
    public var expansion: RM3Expansion?
    /// The RM3 first pass and feedback analysis, included in `nanoseconds`.
    public var feedbackNanoseconds: UInt64 = 0
    public var algorithm: String
    public var postingsScored: Int
    public var blocksSkipped: Int
    public var documentsEvaluated: Int
    public var nanoseconds: UInt64
}

extension Workbench {
    func lexicalOptions(_ r: LexicalRequest) throws -> LexicalSearchOptions {
        guard let algorithm = PruningAlgorithm(rawValue: r.algorithm.lowercased()) else {
            throw EngineError.badParameter("unknown BM25 algorithm '\(r.algorithm)' (expected auto, bmw, maxscore or exhaustive)")
        }
        guard let qtf = QueryTermFrequency(rawValue: r.queryTermFrequency.lowercased()) else {
            throw EngineError.badParameter("unknown bm25_query_tf '\(r.queryTermFrequency)' (expected count or distinct)")
        }
        var o = LexicalSearchOptions(k: r.k, parameters: BM25Parameters(k1: r.k1, b: r.b), algorithm: algorithm, allowed: r.allowed,
                                     queryTermFrequency: qtf)
        if let f = r.fields { o.fields = try FieldBoost.parseList(f) }
        return o
    }

    /// The request's text as a query: plain words, or MATCH syntax.
    func matchQuery(_ r: LexicalRequest) throws -> MatchQuery {
        if r.plainText { return MatchQuery.plain(r.text) }
        do { return try MatchQuery.parse(r.text) } catch { throw LexicalError.parse(error) }
    }

    /// Runs a BM25 search (after RM3 feedback when asked); hits carry the records' ids.
    public func searchLexical(_ r: LexicalRequest) throws -> LexicalResponse {
        let index = try lexicalIndex(collection: r.collection)
        let options = try lexicalOptions(r)
        let start = DispatchTime.now().uptimeNanoseconds
        var query = try matchQuery(r)
        var expansion: RM3Expansion?
        if let rm3 = r.rm3 {
            let expanded = try expandRM3(query, index: index, options: options, parameters: rm3, collection: r.collection)
            query = expanded.query
            expansion = expanded.expansion
        }
        let feedbackDone = DispatchTime.now().uptimeNanoseconds
        let result: LexicalSearchResult
        do {
            result = try index.search(query, options: options)
        } catch {
            // Damage a search ran into inside a body (opening checks headers only).
            guard case let .segment(e) = error else { throw error }
            throw EngineError.damaged(what: "the BM25 index of '\(r.collection)'", reason: e.description,
                                      rebuild: "quarry index --collection \(r.collection) --text \(index.fields.joined(separator: ","))")
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let ids = try idMap(collection: r.collection)
        ids.resolve(result.hits.map(\.id))
        var response = LexicalResponse(
            hits: result.hits.enumerated().map { SearchHit(ordinal: $1.id, id: ids[Int($1.id)] ?? "?", score: $1.score, rank: $0 + 1) },
            terms: result.terms, algorithm: result.algorithm.rawValue, postingsScored: result.counters.postingsScored,
            blocksSkipped: result.counters.blocksSkipped, documentsEvaluated: result.counters.documentsEvaluated, nanoseconds: elapsed)
        response.termWeights = result.termWeights
        response.expansion = expansion
        response.feedbackNanoseconds = feedbackDone - start
        return response
    }

    /// The BM25 explanation of a hit, as lines of text: per term and field, every number of the
    /// formula (with the term's weight, `qtf=2`, when it is not 1; RM3 weights when it ran).
    public func explainLexical(_ r: LexicalRequest, ordinal: UInt32) throws -> [String] {
        let index = try lexicalIndex(collection: r.collection)
        let options = try lexicalOptions(r)
        var query = try matchQuery(r)
        if let rm3 = r.rm3 { query = try expandRM3(query, index: index, options: options, parameters: rm3, collection: r.collection).query }
        guard let e = try index.explain(query, ordinal: ordinal, options: options) else { return ["no match"] }
        var lines = [String(format: "score %.4f = sum of %d term(s)  (%@, k1=%.2f, b=%.2f, N=%d)", e.score, e.terms.count, e.rule.rawValue, e.k1, e.b, e.documentCount)]
        for t in e.terms {
            let weight = t.qtf == 1 ? "" : "  " + (t.qtf == t.qtf.rounded() ? "qtf=\(Int(t.qtf))" : String(format: "weight=%.4f", t.qtf))
            lines.append(String(format: "  %.4f  %@%@  idf=%.4f (df=%d)  tf=%.2f  dl=%.1f  avgdl=%.1f", t.contribution, t.term, weight, t.idf, t.df, t.tf, t.dl, t.avgdl))
            for f in t.fields where f.tf > 0 {
                lines.append(String(format: "          %@^%@: tf=%d dl=%d avgdl=%.1f df=%d → %.4f", f.field, JSONValue.format(Double(f.boost)), f.tf, f.dl, f.avgdl, f.df, f.contribution))
            }
        }
        return lines
    }

    /// Ordinal → id of a collection, cached per collection: from its id chunks (mapped), the
    /// rest looked up as hits need them (a query never reads every id), or read whole for a
    /// small collection. A writable workbench first writes a chunk for a long run of ordinals
    /// no chunk covers (a database imported before id chunks), once.
    public func idMap(collection: String) throws -> RecordIDs {
        if let m = cache.ids[collection] { return m }
        let count = try database.ordinalCount(collection: collection)
        var chunks = try idChunks(collection: collection)
        let covered = chunks.map { Int($0.firstOrdinal) + $0.count }.max() ?? 0
        if !database.isReadOnly && count - covered >= RecordIDs.chunkFrom, let chunk = try? writeIdChunk(collection: collection, ordinals: covered..<count) {
            chunk.file.preload()
            chunks.append(chunk)
        }
        let m = RecordIDs(database: database, collection: collection, count: count, chunks: chunks,
                          deleted: chunks.isEmpty ? Bitmap() : try deletedOrdinals(collection: collection))
        cache.ids[collection] = m
        return m
    }

    /// The collection's id chunks, opened (by first ordinal) and preloaded as the BM25 segments
    /// are: a hit's id is then never a disk read. A chunk that does not open is left out (the
    /// records hold every id; `quarry check` names the chunk).
    private func idChunks(collection: String) throws -> [IdChunk] {
        try database.segments(collection: collection, owner: QuarryDatabase.idsOwner).compactMap { e in
            guard let file = try? database.open(e, kind: IdChunk.kind, version: IdChunk.version, name: "the ids of '\(collection)'"),
                  let chunk = try? IdChunk(file: file)
            else { return nil }
            file.preload()
            return chunk
        }.sorted { $0.firstOrdinal < $1.firstOrdinal }
    }

    /// Writes and names an id chunk of `ordinals` from the records (an ordinal without one, a
    /// deleted record's, gets an empty id).
    private func writeIdChunk(collection: String, ordinals: Range<Int>) throws -> IdChunk {
        let writer = IdChunkWriter(writer: try database.segmentWriter(collection: collection, owner: QuarryDatabase.idsOwner, kind: IdChunk.kind,
                                                                      version: IdChunk.version), firstOrdinal: UInt32(ordinals.lowerBound))
        var changes = SegmentChanges()
        do {
            var next = ordinals.lowerBound
            try database.forEachID(collection: collection, ordinals: ordinals) { ordinal, id throws(SegmentError) in
                while next < Int(ordinal) { try writer.append(""); next += 1 }
                try writer.append(id)
                next += 1
            }
            while next < ordinals.upperBound { try writer.append(""); next += 1 }
            changes.additions = [.init(owner: QuarryDatabase.idsOwner, seq: try database.nextSegmentSeq(collection: collection, owner: QuarryDatabase.idsOwner),
                                       segment: try writer.finish(), kind: IdChunk.kind, firstOrdinal: ordinals.lowerBound, rows: ordinals.count)]
        } catch {
            writer.abort()
            throw error
        }
        try database.commit(collection: collection, changes) { _ in }
        guard let entry = try database.segments(collection: collection, owner: QuarryDatabase.idsOwner).first(where: { $0.seq == changes.additions[0].seq })
        else { throw EngineError.badParameter("the id chunk of '\(collection)' was not named") }
        return try IdChunk(file: try database.open(entry, kind: IdChunk.kind, version: IdChunk.version, name: "the ids of '\(collection)'"))
    }

    /// The size of a collection's ordinal space (every ordinal ever given, deleted ones too).
    public func ordinalCount(collection: String) throws -> Int { try idMap(collection: collection).count }
}

/// The ids of a collection's ordinals, as a collection indexed by ordinal (nil: deleted).
///
/// Most come from the collection's id chunks (`IdChunk`, mapped: a hit's id is a few loads),
/// with the deleted ordinals answered nil. The ordinals no chunk covers are looked up in SQLite
/// as they are asked for (and kept), which is what a query needs: the ids of its hits, in one
/// read. A collection of up to `wholeAtOnce` records is then read whole at once; one of up to
/// `wholeLimit` once a process has asked for many (an evaluation over a query set).
public final class RecordIDs: RandomAccessCollection, @unchecked Sendable {
    public static let wholeLimit = 200_000
    /// Point lookups before a collection of at most `wholeLimit` records is read whole.
    static let lookupsBeforeWhole = 2_000
    /// A collection this small is read whole at its first lookup (a few milliseconds): its
    /// searches then never wait on SQLite for ids.
    static let wholeAtOnce = 20_000
    /// Ordinals past the last id chunk from which `Workbench.idMap` writes one for them.
    static let chunkFrom = 4_096
    private var lookups = 0
    let database: QuarryDatabase
    let collection: String
    public let count: Int
    /// By first ordinal; immutable, so read without the lock.
    private let chunks: [IdChunk]
    private let deleted: Bitmap
    private let lock = NSLock()
    private var all: [String?]?
    private var some: [UInt32: String?] = [:]

    init(database: QuarryDatabase, collection: String, count: Int, chunks: [IdChunk] = [], deleted: Bitmap = Bitmap()) {
        self.database = database
        self.collection = collection
        self.count = count
        self.chunks = chunks
        self.deleted = deleted
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(ordinal: Int) -> String? {
        if let found = fromChunk(UInt32(truncatingIfNeeded: ordinal)) { return found }
        lock.lock()
        defer { lock.unlock() }
        if all == nil { lookUp([UInt32(ordinal)]) }
        if let all { return ordinal < all.count ? all[ordinal] : nil }
        return some[UInt32(ordinal)] ?? nil
    }

    /// The answer of the id chunks: `.some(nil)` for a deleted ordinal, nil where no chunk
    /// covers the ordinal or its id is empty (SQLite answers then).
    @inline(__always)
    private func fromChunk(_ ordinal: UInt32) -> String?? {
        guard let chunk = chunk(of: ordinal), let id = chunk.id(ordinal) else { return nil }
        return deleted.contains(ordinal) ? .some(nil) : id
    }

    /// The chunk whose range holds `ordinal`, if any.
    @inline(__always)
    private func chunk(of ordinal: UInt32) -> IdChunk? {
        guard !chunks.isEmpty, Int(ordinal) < count else { return nil }
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid].firstOrdinal <= ordinal { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? chunks[lo - 1] : nil
    }

    /// Looks up the ids of `ordinals` not known yet in one read, so that the subscripts that
    /// follow (the hits of one search) are answered from memory: one SQLite read per search
    /// instead of one per hit, until enough lookups make a small collection read whole.
    public func resolve(_ ordinals: [UInt32]) {
        let missing = chunks.isEmpty ? ordinals : ordinals.filter { chunk(of: $0)?.hasID($0) != true }
        guard !missing.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if all == nil { lookUp(missing) }
    }

    /// The lookup behind `resolve` and the subscript (with the lock held): the ordinals not
    /// known yet in one read, or every id once `readsWhole`.
    private func lookUp(_ ordinals: [UInt32]) {
        let missing = ordinals.filter { some[$0] == nil }
        guard !missing.isEmpty else { return }
        lookups += missing.count
        if readsWhole {
            loadAll()
            return
        }
        guard let found = try? database.ids(collection: collection, ordinals: missing) else { return }
        if some.count > 1_000_000 { some.removeAll() }
        for o in missing { some[o] = .some(found[o]) }
    }

    /// Whether the next lookup reads every id instead (with the lock held).
    private var readsWhole: Bool {
        count <= Self.wholeAtOnce || (lookups > Self.lookupsBeforeWhole && count <= Self.wholeLimit)
    }

    /// Reads every id (for commands that walk the whole collection).
    public func makeIterator() -> IndexingIterator<[String?]> {
        lock.lock()
        defer { lock.unlock() }
        if all == nil { loadAll() }
        return all!.makeIterator()
    }

    private func loadAll() {
        var ids = (try? database.idMap(collection: collection).ids) ?? []
        if ids.count < count { ids += [String?](repeating: nil, count: count - ids.count) }
        all = ids
    }
}
