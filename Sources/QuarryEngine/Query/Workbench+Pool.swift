import Foundation
import QuarryStorage

/// One document of a query's pool, with where each run ranked it.
public struct PoolEntry: Sendable, Equatable {
    public var docID: String
    public var ordinal: UInt32
    /// Run name (`lexical`, `vector`, `hybrid`) → 1-based rank in that run's top-k.
    public var ranks: [String: Int]
    /// The best rank any run gave it.
    public var bestRank: Int { ranks.values.min() ?? Int.max }
}

/// The pool of one query: what is worth judging.
public struct Pool: Sendable {
    public var query: String
    public var depth: Int
    public var entries: [PoolEntry]
    /// The runs that answered, in order.
    public var runs: [String]
    /// Why a run is missing (no vector field, no embedder, no index …).
    public var notes: [String]
}

extension Workbench {
    /// The pool of `text`: the union of the top-`depth` documents of the lexical, vector and
    /// hybrid runs (TREC-style pooling, Voorhees & Harman, "TREC: Experiment and Evaluation in
    /// Information Retrieval", 2005), with the session's settings and `parameters` over them.
    /// A run the collection cannot answer (no vector field, no embedder) is left out with a note;
    /// documents come best rank first, then those more runs found, then by id.
    public func pool(collection: String, text: String, depth: Int = 10, parameters: ParameterValues = ParameterValues()) throws -> Pool {
        guard (1...Parameters.maxResults).contains(depth) else {
            throw EngineError.badParameter("pool depth must be 1 to \(Parameters.maxResults), not \(depth)")
        }
        let values = settings.changed.merging(parameters)
        let with = values.statementOverrides
        var lexical = SearchStatement(collection: collection)
        lexical.match = MatchClause(text: text, plain: true)
        lexical.limit = depth
        lexical.with = with
        var statements: [(String, SearchStatement)] = [("lexical", lexical)]
        var notes: [String] = []
        if try schema(collection).vectorFields.isEmpty {
            notes.append("no vector field: the pool is the lexical run's")
        } else {
            var vector = SearchStatement(collection: collection)
            vector.near = NearClause(target: .text(text))
            vector.limit = depth
            vector.with = with
            var hybrid = lexical
            hybrid.near = vector.near
            hybrid.fusion = values.fusion
            statements += [("vector", vector), ("hybrid", hybrid)]
        }
        var entries: [String: PoolEntry] = [:]
        var runs: [String] = []
        var firstError: Error?
        for (name, s) in statements {
            let result: SearchResult
            do { result = try search(s) } catch {
                firstError = firstError ?? error
                notes.append("\(name): \(ErrorText.headline(error))")
                continue
            }
            runs.append(name)
            for (i, h) in result.hits.prefix(depth).enumerated() {
                entries[h.id, default: PoolEntry(docID: h.id, ordinal: h.ordinal, ranks: [:])].ranks[name] = i + 1
            }
        }
        if runs.isEmpty, let firstError { throw firstError }
        let ordered = entries.values.sorted {
            ($0.bestRank, -$0.ranks.count) != ($1.bestRank, -$1.ranks.count)
                ? ($0.bestRank, -$0.ranks.count) < ($1.bestRank, -$1.ranks.count)
                : $0.docID.utf8.lexicographicallyPrecedes($1.docID.utf8)
        }
        return Pool(query: text, depth: depth, entries: ordered, runs: runs, notes: notes)
    }
}
