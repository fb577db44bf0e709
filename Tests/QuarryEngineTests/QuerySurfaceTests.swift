import Foundation
import Testing
@testable import QuarryEngine
@testable import QuarryFilter

/// Milvus 2.6's query surface beside its oracles: range search against the exact band, grouping
/// against a grouped exact answer, TEXT_MATCH / PHRASE_MATCH against a scan of the analysed text
/// and against the words themselves, rankers against their formulas.
@Suite(.serialized) struct QuerySurfaceTests {
    static func search(_ wb: Workbench, _ text: String) throws -> SearchResult {
        switch try wb.execute(text) {
        case let .search(r), let .explain(r, _): return r
        default: throw EngineError.badParameter("not a search")
        }
    }

    /// Every record's exact score against record `id`'s vector (cosine: dot of normalised rows).
    static func exactScores(_ wb: Workbench, near id: String) throws -> [(ordinal: UInt32, score: Float)] {
        let vectors = try wb.fieldVectors(collection: "papers", field: "embedding")
        let q = try wb.queryVector(.document(id), collection: "papers", field: "embedding")
        var out: [(ordinal: UInt32, score: Float)] = []
        for o in 0..<UInt32(vectors.count) {
            guard let row = vectors.row(o) else { continue }
            out.append((o, zip(row, q).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
        }
        return out.sorted { $0.score != $1.score ? $0.score > $1.score : $0.ordinal < $1.ordinal }
    }

    @Test func rangeSearchGivesTheExactBandOnFlatAndMeasuresHNSWAgainstIt() throws {
        let (wb, dir) = try Fixture.make(records: 400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ids = try wb.idMap(collection: "papers")
        let all = try Self.exactScores(wb, near: "d5")
        for (radius, filter) in [(0.95, nil), (0.9, 0.97), (0.5, 0.8), (0.99, 0.995)] as [(Double, Double?)] {
            let band = all.filter { h in Double(h.score) > radius && (filter.map { Double(h.score) <= $0 } ?? true) }
            let within = "WITHIN \(radius)" + (filter.map { " AND \($0)" } ?? "")
            let flat = try Self.search(wb, "SEARCH papers NEAR DOC 'd5' USING flat \(within) LIMIT 20")
            // Scores tie at float precision: compare the scores, then the ids where scores differ.
            #expect(flat.hits.count == min(20, band.count))
            for (h, want) in zip(flat.hits, band) { #expect(abs(h.score - Double(want.score)) < 1e-5) }
            #expect(flat.hits.allSatisfy { h in h.score > radius - 1e-6 && (filter.map { h.score <= $0 + 1e-6 } ?? true) })
            let hnsw = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd5' \(within) LIMIT 20")
            #expect(hnsw.hits.allSatisfy { h in h.score > radius && (filter.map { h.score <= $0 } ?? true) })
            if !band.isEmpty { #expect((hnsw.recall["vector"] ?? 0) >= 0.8) }
            _ = ids
        }
        // The band must not be empty for the metric, and it is named in Milvus's words.
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers NEAR DOC 'd5' WITHIN 0.9 AND 0.8") }
        let plan = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd5' WITHIN 0.9 AND 0.99 LIMIT 5")
        #expect(plan.plan.render(analyze: true).contains("0.9 < similarity ≤ 0.99"))
    }

    @Test func rangeSearchOnL2KeepsSmallDistancesAsMilvusDoes() {
        // L2: range_filter ≤ d < radius on the squared distance (Quarry's score is −d).
        let r = VectorRange(radius: 4, rangeFilter: 1)
        #expect(r.contains(score: -2, lowerIsCloser: true))
        #expect(!r.contains(score: -4, lowerIsCloser: true) && r.contains(score: -1, lowerIsCloser: true))
        #expect(!r.contains(score: -0.5, lowerIsCloser: true))
        #expect(r.isBeyond(score: -4, lowerIsCloser: true) && !r.isBeyond(score: -3.9, lowerIsCloser: true))
        #expect(throws: EngineError.self) { try VectorRange(radius: 1, rangeFilter: 4).check(lowerIsCloser: true) }
        // IP / cosine: radius < s ≤ range_filter.
        let ip = VectorRange(radius: 0.25, rangeFilter: 0.75)
        #expect(ip.contains(score: 0.75, lowerIsCloser: false) && !ip.contains(score: 0.25, lowerIsCloser: false))
    }

    @Test func groupingMatchesAGroupedExactAnswer() throws {
        let (wb, dir) = try Fixture.make(records: 400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ids = try wb.idMap(collection: "papers")
        let rows = try wb.rows(collection: "papers")
        let all = try Self.exactScores(wb, near: "d7")
        for (limit, size, strict) in [(3, 2, false), (4, 3, true), (2, 5, false), (4, 1, false)] {
            // The oracle: walk a prefix of the exact ranking, keep the first `limit` sections,
            // `size` each. STRICT reads until every group is full (the whole ranking will do);
            // without it, the prefix is the first window of LIMIT × SIZE · 4^i giving `limit` groups.
            func grouped(_ prefix: ArraySlice<(ordinal: UInt32, score: Float)>) -> (hits: [String], groups: Int) {
                var order: [String] = []
                var members: [String: [UInt32]] = [:]
                for h in prefix {
                    let section = rows[Int(h.ordinal)]["metadata"]?["section"]?.stringValue ?? ""
                    if members[section] == nil { guard order.count < limit else { continue }; order.append(section) }
                    if members[section, default: []].count < size { members[section, default: []].append(h.ordinal) }
                }
                return (order.flatMap { members[$0]! }.map { ids[Int($0)]! }, order.count)
            }
            var window = limit * size
            while !strict && grouped(all.prefix(window)).groups < limit && window < all.count { window *= 4 }
            let want = grouped(strict ? all[...] : all.prefix(window)).hits
            let r = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd7' USING flat GROUP BY metadata.section SIZE \(size)\(strict ? " STRICT" : "") LIMIT \(limit)")
            #expect(r.hits.map(\.id) == want, "limit \(limit) size \(size)")
            #expect(Set(r.hits.compactMap { $0.group?.stringValue }).count == limit)
            let text = r.plan.render(analyze: true)
            #expect(text.contains("Group By metadata.section") && text.contains("Widening"))
        }
        // A strict group of 5 over four sections widens the window until each is filled.
        let strict = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers MATCH 'vitamin bone' GROUP BY metadata.section SIZE 20 STRICT LIMIT 4")
        let counts = Dictionary(grouping: strict.hits, by: { $0.group?.stringValue ?? "" }).mapValues(\.count)
        #expect(counts.count == 4 && counts.values.allSatisfy { $0 == 20 })
        #expect(strict.plan.render(analyze: true).contains("→"))
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers MATCH 'x' GROUP BY metadata.section SIZE 0") }
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers WHERE metadata.year > 2000 GROUP BY metadata.section") }
    }

    @Test func textAndPhraseMatchAgreeWithTheScanAndWithTheWords() throws {
        let (wb, dir) = try Fixture.make(records: 300)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = try wb.rows(collection: "papers")
        let n = rows.count
        let oracle = ScanFilterExecutor(count: n) { rows[Int($0)] }
        var rng = SyntheticCorpus.RNG(seed: 11)
        let words = Fixture.words
        for _ in 0..<40 {
            let a = words[Int(rng.next() % UInt64(words.count))], b = words[Int(rng.next() % UInt64(words.count))]
            let slop = Int(rng.next() % 3)
            for text in ["text_match(text, '\(a) \(b)')", "phrase_match(text, '\(a) \(b)', \(slop))", "TEXT_MATCH(title, '\(a)') and not phrase_match(text, '\(a) \(b)')"] {
                let query = try wb.executableFilter(text, collection: "papers")
                let indexed = try wb.filter(query, collection: "papers").matches
                #expect(indexed == oracle.execute(query.expr, within: nil).matches, "\(text)")
                // Against the words themselves (the fixture's words are stemmed apart, none a stop word).
                var expected: [UInt32] = []
                for o in 0..<n {
                    let tokens = (rows[o]["text"]?.stringValue ?? "").split(separator: " ").map(String.init)
                    let title = (rows[o]["title"]?.stringValue ?? "").split(separator: " ").map(String.init)
                    let pa = tokens.indices.filter { tokens[$0] == a }, pb = tokens.indices.filter { tokens[$0] == b }
                    let phrase = pa.contains { i in pb.contains { j in j > i && j - i - 1 <= slop } }
                    let exact = pa.contains { i in pb.contains { j in j == i + 1 } }
                    let ok: Bool
                    if text.hasPrefix("text_match") { ok = !pa.isEmpty || !pb.isEmpty }
                    else if text.hasPrefix("phrase") { ok = a == b ? tokens.indices.contains { i in tokens[i] == a && tokens.indices.contains { j in j > i && tokens[j] == a && j - i - 1 <= slop } } : phrase }
                    else { ok = title.contains(a) && !(a == b ? tokens.indices.contains { i in i + 1 < tokens.count && tokens[i] == a && tokens[i + 1] == a } : exact) }
                    if ok { expected.append(UInt32(o)) }
                }
                #expect(indexed == Bitmap(expected), "\(text)")
            }
        }
        // With vector search, in the plan.
        let r = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd1' WHERE text_match(text, 'insulin') LIMIT 5")
        #expect(r.plan.render(analyze: true).contains("Text Match"))
        // What it needs is said.
        #expect(throws: (any Error).self) { try wb.execute("SEARCH papers WHERE text_match(abstract, 'x')") }
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers WHERE phrase_match(text, 'a b', -1)") }
    }

    @Test func arrayOperatorsTakeBothSpellings() throws {
        let docs: [JSONValue] = [
            try JSONParser.parse(#"{"metadata":{"tags":["a","b"]}}"#), try JSONParser.parse(#"{"metadata":{"tags":["c"]}}"#),
            try JSONParser.parse(#"{"metadata":{"tags":[]}}"#), try JSONParser.parse(#"{"metadata":{}}"#),
        ]
        let scan = ScanFilterExecutor(count: docs.count) { docs[Int($0)] }
        for (lower, want) in [("array_contains(metadata.tags, 'a')", [0]), ("array_contains_all(metadata.tags, ['a', 'b'])", [0]),
                              ("array_contains_any(metadata.tags, ['b', 'c'])", [0, 1]), ("array_length(metadata.tags) < 1", [2])] as [(String, [UInt32])] {
            let upper = lower.replacingOccurrences(of: "array_contains_all", with: "ARRAY_CONTAINS_ALL").replacingOccurrences(of: "array_contains_any", with: "ARRAY_CONTAINS_ANY")
                .replacingOccurrences(of: "array_contains(", with: "ARRAY_CONTAINS(").replacingOccurrences(of: "array_length", with: "ARRAY_LENGTH")
            for spelling in [lower, upper] {
                let q = try FilterQuery.parse(spelling)
                #expect(scan.execute(q).matches == Bitmap(want), "\(spelling)")
            }
        }
    }

    @Test func rankersFollowTheirFormulas() throws {
        // At |v − origin| = offset + scale each function gives `decay`; at the origin 1.
        for f in DecaySpec.Function.allCases {
            let d = DecaySpec(function: f, path: "metadata.year", origin: 2010, scale: 4, offset: 1, decay: 0.3)
            #expect(abs(d.factor(2015) - 0.3) < 1e-12 && abs(d.factor(2005) - 0.3) < 1e-12)
            #expect(d.factor(2010) == 1 && d.factor(2011) == 1)
        }
        let linear = DecaySpec(function: .linear, path: "p", origin: 0, scale: 10, decay: 0.5)
        #expect(linear.factor(25) == 0)
        // Dates decay in days: 30 days from the origin, with scale 30, give `decay`.
        #expect(DecaySpec.days("1970-01-11") == 10 && DecaySpec.days("1970-01-02T12:00:00Z") == 1.5 && DecaySpec.days("June") == nil)
        guard case let .search(dated) = try StatementParser.parse("SEARCH c MATCH 'x' RANK BY decay(exp, metadata.published, origin => '2024-06-01', scale => 30)"),
              case let .decay(d)? = dated.rankers.first else { Issue.record("no decay"); return }
        #expect(abs(d.factor(DecaySpec.number(.string("2024-07-01"))!) - 0.5) < 1e-12)
        #expect(throws: QueryError.self) { try StatementParser.parse("SEARCH c MATCH 'x' RANK BY decay(exp, metadata.published, origin => 'soon', scale => 30)") }

        let (wb, dir) = try Fixture.make(records: 200)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = try wb.rows(collection: "papers")
        let plain = try Self.search(wb, "SEARCH papers NEAR DOC 'd3' USING flat LIMIT 100")
        let before = Dictionary(uniqueKeysWithValues: plain.hits.map { ($0.ordinal, $0.score) })
        let r = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers NEAR DOC 'd3' USING flat RANK BY decay(gauss, metadata.year, origin => 2010, scale => 3), boost(filter => 'metadata.section == \"games\"', weight => 1.5) LIMIT 10")
        let sigma2 = -9 / (2 * log(0.5))
        var expected: [(UInt32, Double)] = []
        for (o, s) in before {
            let year = Double(rows[Int(o)]["metadata"]?["year"]?.doubleValue ?? 0)
            let games = rows[Int(o)]["metadata"]?["section"]?.stringValue == "games"
            expected.append((o, s * exp(-(year - 2010) * (year - 2010) / (2 * sigma2)) * (games ? 1.5 : 1)))
        }
        expected.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        #expect(r.hits.count == 10)
        for (h, want) in zip(r.hits, expected) { #expect(abs(h.score - want.1) < 1e-9) }
        #expect(r.hits.allSatisfy { $0.rankers.count == 2 && $0.rankers[0].ranker == "decay(gauss, metadata.year)" })
        #expect(r.plan.render(analyze: true).contains("Rank  (decay(gauss, metadata.year"))
        let json = StatementResult.search(r).json.jsonText
        #expect(json.contains("\"rankers\"") && json.contains("\"score_before\""))
        // ON vector: the vector branch is re-ordered before fusion; its ranks in the fused hits are
        // the re-ordered ones (the window's scores × 3 for games, sorted).
        let window = 100
        let vectorOnly = try Self.search(wb, "SEARCH papers NEAR DOC 'd3' USING flat LIMIT \(window)")
        let boosted = vectorOnly.hits.map { h in (h.ordinal, h.score * (rows[Int(h.ordinal)]["metadata"]?["section"]?.stringValue == "games" ? 3 : 1)) }
            .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }.map(\.element.0)
        let hybrid = try Self.search(wb, "EXPLAIN ANALYZE SEARCH papers MATCH 'vitamin bone' NEAR DOC 'd3' USING flat RANK BY boost(filter => 'metadata.section == \"games\"', weight => 3) ON vector FUSE rrf(k = 60) LIMIT 10")
        for h in hybrid.hits {
            if let v = h.branches["vector"] { #expect(boosted.firstIndex(of: h.ordinal).map { $0 + 1 } == v.rank) }
        }
        #expect(hybrid.plan.render(analyze: true).contains("ON vector"))
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers MATCH 'x' RANK BY boost(filter => 'metadata.year > 1', weight => 2) ON vector") }
        // Parameters are checked where they are written.
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers MATCH 'x' RANK BY decay(gauss, metadata.year, origin => 1, scale => 0)") }
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers MATCH 'x' RANK BY decay(gaus, metadata.year, origin => 1, scale => 2)") }
        #expect(throws: QueryError.self) { try wb.execute("SEARCH papers MATCH 'x' RANK BY bost(filter => 'a', weight => 1)") }
    }

    @Test func theNewClausesParseAndKeyNamedPathsStayInWhere() throws {
        guard case let .search(s) = try StatementParser.parse("SEARCH c NEAR 'x' USING hnsw(ef = 64) WITHIN 0.2 AND 0.9 WHERE metadata.group == 1 and metadata.rank > 2 RANK BY decay(exp, metadata.year, origin = 2020, scale = 2) GROUP BY metadata[\"a b\"] SIZE 3 STRICT LIMIT 5") else {
            Issue.record("not a search"); return
        }
        #expect(s.near?.range == VectorRange(radius: 0.2, rangeFilter: 0.9))
        #expect(s.filter?.text == "metadata.group == 1 and metadata.rank > 2")
        #expect(s.grouping == GroupBySpec(path: "metadata[\"a b\"]", size: 3, strict: true))
        #expect(s.rankers == [.decay(DecaySpec(function: .exp, path: "metadata.year", origin: 2020, scale: 2))])
        do { _ = try StatementParser.parse("SEARCH c MATCH 'x' GROUP BY metadata.a SIZE 1e9"); Issue.record("no error") } catch {
            #expect(error.rendered.contains("column 43") || error.message.contains("SIZE"))
        }
    }
}
