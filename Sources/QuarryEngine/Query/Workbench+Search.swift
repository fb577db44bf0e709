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
        var o = LexicalSearchOptions(k: r.k, parameters: BM25Parameters(k1: r.k1, b: r.b), algorithm: algorithm, allowed: r.allowed)
        if let f = r.fields { o.fields = try FieldBoost.parseList(f) }
        return o
    }

    /// Runs a BM25 search; hits carry the records' ids.
    public func searchLexical(_ r: LexicalRequest) throws -> LexicalResponse {
        let index = try lexicalIndex(collection: r.collection)
        let options = try lexicalOptions(r)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = r.plainText
            ? try index.search(MatchQuery.words(r.text), options: options)
            : try index.search(r.text, options: options)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let ids = try idMap(collection: r.collection)
        return LexicalResponse(
            hits: result.hits.enumerated().map { SearchHit(ordinal: $1.id, id: ids[Int($1.id)] ?? "?", score: $1.score, rank: $0 + 1) },
            terms: result.terms, algorithm: result.algorithm.rawValue, postingsScored: result.counters.postingsScored,
            blocksSkipped: result.counters.blocksSkipped, documentsEvaluated: result.counters.documentsEvaluated, nanoseconds: elapsed)
    }

    /// The BM25 explanation of a hit, as lines of text: per term and field, every number of the formula.
    public func explainLexical(_ r: LexicalRequest, ordinal: UInt32) throws -> [String] {
        let index = try lexicalIndex(collection: r.collection)
        let query: MatchQuery
        do { query = try MatchQuery.parse(r.text) } catch { throw LexicalError.parse(error) }
        guard let e = try index.explain(query, ordinal: ordinal, options: try lexicalOptions(r)) else { return ["no match"] }
        var lines = [String(format: "score %.4f = sum of %d term(s)  (%@, k1=%.2f, b=%.2f, N=%d)", e.score, e.terms.count, e.rule.rawValue, e.k1, e.b, e.documentCount)]
        for t in e.terms {
            lines.append(String(format: "  %.4f  %@  idf=%.4f (df=%d)  tf=%.2f  dl=%.1f  avgdl=%.1f", t.contribution, t.term, t.idf, t.df, t.tf, t.dl, t.avgdl))
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
/// Reading every id costs time in proportion to the collection, so ids are looked up one
/// ordinal at a time (and kept), which is what a query needs: the ids of its hits. Once a
/// process has asked for many (an evaluation over a query set), a collection of up to
/// `wholeLimit` records is read whole.
public final class RecordIDs: RandomAccessCollection, @unchecked Sendable {
    public static let wholeLimit = 200_000
    /// Point lookups before a small collection is read whole.
    static let lookupsBeforeWhole = 2_000
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
        if let all { return ordinal < all.count ? all[ordinal] : nil }
        if let known = some[UInt32(ordinal)] { return known }
        lookups += 1
        if lookups > Self.lookupsBeforeWhole && count <= Self.wholeLimit {
            loadAll()
            return ordinal < all!.count ? all![ordinal] : nil
        }
        let found = (try? database.ids(collection: collection, ordinals: [UInt32(ordinal)]))?[UInt32(ordinal)]
        if some.count > 1_000_000 { some.removeAll() }
        some[UInt32(ordinal)] = found
        return found
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
