import Foundation
import QuarryBase
import QuarryText

/// A MATCH query bound to an index: analyzed terms, their weights, and the boolean constraints.
///
/// Terms are numbered with the scored ones first (`0..<scoredCount`, the canonical order in
/// which every algorithm sums contributions, so scores agree to the bit), then the terms that
/// only appear in excluded clauses. Each scored term has a weight (its qtf, see `MatchQuery`)
/// that the scorer folds into its idf, so every bound scales with it.
struct BoundQuery {
    enum ConstraintKind {
        /// Any of these terms.
        case anyOf([Int])
        /// All terms at these offsets from a start position, in one field.
        case phrase([(term: Int, offset: UInt32)])
    }

    struct Constraint {
        var occur: MatchQuery.Occur
        var kind: ConstraintKind
    }

    var terms: [String] = []
    /// Per scored term: its weight in the query (qtf, or the weight query expansion gave it).
    var weights: [Float] = []
    /// Per segment, per term: the term's id in the segment's dictionary.
    var segmentTermIDs: [[Int?]] = []
    var scoredCount = 0
    var constraints: [Constraint] = []
    /// False when matching is just "contains a scored term" (only optional words and prefixes).
    var needsCheck = false
    var hasMust = false
    /// A required clause has no indexed term: nothing matches.
    var matchesNothing = false
    var scorer: QueryScorer
    /// The queried fields (boost > 0).
    var queriedFields: [Int]

    /// Whether a document matches, given whether it holds each term (in a queried field) and
    /// the positions of a term in a field.
    func matches(has: (Int) -> Bool, positions: (Int, Int) -> [UInt32]) -> Bool {
        func satisfied(_ c: Constraint) -> Bool {
            switch c.kind {
            case let .anyOf(ts):
                return ts.contains(where: has)
            case let .phrase(parts):
                guard parts.allSatisfy({ has($0.term) }) else { return false }
                for f in queriedFields {
                    let lists = parts.map { positions($0.term, f) }
                    guard let first = lists.first, !first.isEmpty else { continue }
                    let sets = lists.dropFirst().map(Set.init)
                    for p in first {
                        var ok = true
                        for (i, s) in sets.enumerated() where !s.contains(p + parts[i + 1].offset - parts[0].offset) {
                            ok = false
                            break
                        }
                        if ok { return true }
                    }
                }
                return false
            }
        }
        var anyShould = false
        for c in constraints {
            switch c.occur {
            case .must: if !satisfied(c) { return false }
            case .mustNot: if satisfied(c) { return false }
            case .should: if !hasMust && !anyShould && satisfied(c) { anyShould = true }
            }
        }
        return hasMust || anyShould
    }
}

extension LexicalIndex {
    /// Runs of optional words joined into one, so the analyzer runs once per run: whitespace
    /// separates tokens anyway, and every token of a word is an optional term in order, so the
    /// terms (and their order, which fixes the order of the score's sum) are the same.
    static func coalescingWords(_ clauses: [MatchQuery.Clause]) -> [MatchQuery.Clause] {
        var out: [MatchQuery.Clause] = []
        out.reserveCapacity(clauses.count)
        var i = 0
        while i < clauses.count {
            guard clauses[i].occur == .should, case let .word(first) = clauses[i].kind else {
                out.append(clauses[i])
                i += 1
                continue
            }
            var run = first
            let weight = clauses[i].weight
            i += 1
            while i < clauses.count, clauses[i].occur == .should, clauses[i].weight == weight, case let .word(w) = clauses[i].kind {
                run += " "
                run += w
                i += 1
            }
            out.append(MatchQuery.Clause(.should, .word(run), weight: weight))
        }
        return out
    }

    /// Binds a parsed query to this index's statistics under the given options.
    func bind(_ query: MatchQuery, _ options: LexicalSearchOptions) throws(LexicalError) -> BoundQuery {
        let p = options.parameters
        for c in query.clauses where !(c.weight >= 0 && c.weight.isFinite) {
            throw .invalidParameter(name: "weight", value: c.weight, expected: "a clause weight ≥ 0")
        }
        guard p.k1 >= 0, p.k1.isFinite else { throw .invalidParameter(name: "k1", value: p.k1, expected: "k1 ≥ 0") }
        guard p.b >= 0, p.b <= 1 else { throw .invalidParameter(name: "b", value: p.b, expected: "0 ≤ b ≤ 1") }
        let fc = fields.count
        var boosts = [Float](repeating: 0, count: fc)
        for fb in options.fields ?? fields.map({ FieldBoost($0) }) {
            boosts[try fieldIndex(fb.field)] = fb.boost
        }
        let queried = (0..<fc).filter { boosts[$0] > 0 }
        let analyzer = analyzers.take() ?? makeAnalyzer()
        defer { analyzers.put(analyzer) }

        // Terms and constraints, scored clauses first.
        var terms: [String] = []
        var termIndex: [String: Int] = [:]
        var weights: [Float] = []
        /// The index of term `t`; in a scored clause it also adds `weight` to the term's weight
        /// (`fromText`: an occurrence in the query text, which `.distinct` counts once).
        func index(_ t: String, weight: Float?, fromText: Bool = true) -> Int {
            let i: Int
            if let known = termIndex[t] {
                i = known
            } else {
                terms.append(t)
                weights.append(0)
                i = terms.count - 1
                termIndex[t] = i
            }
            if let weight, i < weights.count {
                if fromText && options.queryTermFrequency == .distinct {
                    weights[i] = max(weights[i], weight)
                } else {
                    weights[i] += weight
                }
            }
            return i
        }
        var constraints: [BoundQuery.Constraint] = []
        var matchesNothing = false
        func add(_ clause: MatchQuery.Clause) {
            let weight: Float? = clause.occur == .mustNot ? nil : clause.weight
            switch clause.kind {
            case let .word(text), let .phrase(text):
                let tokens = analyzer.analyze(text)
                if tokens.isEmpty { return }
                if case .phrase = clause.kind, tokens.count > 1 {
                    let parts = tokens.map { (term: index($0.term, weight: weight), offset: UInt32($0.position - tokens[0].position)) }
                    constraints.append(.init(occur: clause.occur, kind: .phrase(parts)))
                } else {
                    for t in tokens { constraints.append(.init(occur: clause.occur, kind: .anyOf([index(t.term, weight: weight)]))) }
                }
            case let .prefix(text):
                let expansions = expand(prefix: analyzer.normalize(text), limit: options.maxExpansions)
                if expansions.isEmpty {
                    if clause.occur == .must { matchesNothing = true }
                    return
                }
                constraints.append(.init(occur: clause.occur, kind: .anyOf(expansions.map { index($0, weight: weight) })))
            case let .term(term):
                guard !term.isEmpty else { return }
                constraints.append(.init(occur: clause.occur, kind: .anyOf([index(term, weight: weight, fromText: false)])))
            }
        }
        let clauses = Self.coalescingWords(query.clauses)
        for clause in clauses where clause.occur != .mustNot { add(clause) }
        let scoredCount = terms.count
        for clause in clauses where clause.occur == .mustNot { add(clause) }
        weights = Array(weights.prefix(scoredCount))
        let hasMust = constraints.contains { $0.occur == .must }
        let needsCheck = hasMust || constraints.contains {
            if $0.occur == .mustNot { return true }
            if case .phrase = $0.kind { return true }
            return false
        }

        let segmentTermIDs = segments.map { seg in terms.map { seg.lookup($0) } }

        // Statistics of the scored terms.
        var fieldN = [Float](repeating: 0, count: fc), avgdl = [Float](repeating: 0, count: fc)
        for f in 0..<fc {
            let n = segments.reduce(0) { $0 + Int($1.fieldDocCounts[f]) }
            let total = segments.reduce(UInt64(0)) { $0 + $1.totalLengths[f] }
            fieldN[f] = Float(n)
            avgdl[f] = n == 0 ? 1 : Float(Double(total) / Double(n))
        }
        var idf = [Float](repeating: 0, count: scoredCount)
        var fieldIdf = [Float](repeating: 0, count: scoredCount * fc)
        func bm25idf(_ n: Float, _ df: Float) -> Float { Float(log(1 + (Double(n) - Double(df) + 0.5) / (Double(df) + 0.5))) }
        // Counts are never negative, so the maxima over the queried fields start at 0 (none queried: 0).
        var maxN: Float = 0
        for f in queried { maxN = max(maxN, fieldN[f]) }
        var df = [Float](repeating: 0, count: fc)
        for t in 0..<scoredCount {
            for f in 0..<fc { df[f] = 0 }
            for (s, seg) in segments.enumerated() {
                guard let id = segmentTermIDs[s][t] else { continue }
                for f in 0..<fc { df[f] += Float(seg.termFieldDocFreq[id * fc + f]) }
            }
            var maxDF: Float = 0
            for f in queried { maxDF = max(maxDF, df[f]) }
            idf[t] = maxDF > 0 ? bm25idf(maxN, maxDF) : 0
            for f in queried where df[f] > 0 { fieldIdf[t * fc + f] = boosts[f] * bm25idf(fieldN[f], df[f]) }
        }
        let combined = queried.reduce(Float(0)) { $0 + boosts[$1] * avgdl[$1] }
        let scorer = QueryScorer(rule: options.rule, k1: p.k1, b: p.b, fieldCount: fc, boosts: boosts, avgdl: avgdl,
                                 combinedAvgdl: combined > 0 ? combined : 1, weights: weights, idf: idf, fieldIdf: fieldIdf)
        return BoundQuery(terms: terms, weights: weights, segmentTermIDs: segmentTermIDs, scoredCount: scoredCount, constraints: constraints, needsCheck: needsCheck,
                          hasMust: hasMust, matchesNothing: matchesNothing, scorer: scorer, queriedFields: queried)
    }

    /// The indexed terms starting with `prefix`, the most frequent first, at most `limit`.
    func expand(prefix: String, limit: Int) -> [String] {
        guard !prefix.isEmpty else { return [] }
        var df: [String: Int] = [:]
        for seg in segments {
            for t in seg.terms(withPrefix: prefix) { df[seg.term(at: t), default: 0] += Int(seg.termDocFreq[t]) }
        }
        return df.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map(\.key)
    }
}
