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

    /// Ordinal → id of a collection, cached per collection: looked up as hits need them (a
    /// query never reads every id), or read whole for a small collection.
    public func idMap(collection: String) throws -> RecordIDs {
        if let m = cache.ids[collection] { return m }
        let m = RecordIDs(database: database, collection: collection, count: try database.ordinalCount(collection: collection))
        cache.ids[collection] = m
        return m
    }

    /// The size of a collection's ordinal space (every ordinal ever given, deleted ones too).
    public func ordinalCount(collection: String) throws -> Int { try idMap(collection: collection).count }
}

/// The ids of a collection's ordinals, as a collection indexed by ordinal (nil: deleted).
///
/// Reading every id costs time in proportion to the collection, so ids are looked up for the
/// ordinals asked (and kept), which is what a query needs: the ids of its hits, in one read.
/// A collection of up to `wholeAtOnce` records is read whole at once; one of up to
/// `wholeLimit` once a process has asked for many (an evaluation over a query set).
public final class RecordIDs: RandomAccessCollection, @unchecked Sendable {
    public static let wholeLimit = 200_000
    /// Point lookups before a collection of at most `wholeLimit` records is read whole.
    static let lookupsBeforeWhole = 2_000
    /// A collection this small is read whole at its first lookup (a few milliseconds): its
    /// searches then never wait on SQLite for ids.
    static let wholeAtOnce = 20_000
    private var lookups = 0
    let database: QuarryDatabase
    let collection: String
    public let count: Int
    private let lock = NSLock()
    private var all: [String?]?
    private var some: [UInt32: String?] = [:]

    init(database: QuarryDatabase, collection: String, count: Int) {
        self.database = database
        self.collection = collection
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(ordinal: Int) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if all == nil { lookUp([UInt32(ordinal)]) }
        if let all { return ordinal < all.count ? all[ordinal] : nil }
        return some[UInt32(ordinal)] ?? nil
    }

    /// Looks up the ids of `ordinals` not known yet in one read, so that the subscripts that
    /// follow (the hits of one search) are answered from memory: one SQLite read per search
    /// instead of one per hit, until enough lookups make a small collection read whole.
    public func resolve(_ ordinals: [UInt32]) {
        lock.lock()
        defer { lock.unlock() }
        if all == nil { lookUp(ordinals) }
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
