import Testing
@testable import QuarryEngine

@Suite struct StatementParserTests {
    @Test func parsesAHybridSearch() throws {
        let s = try StatementParser.parse("""
            search debian -- the metadata-rich sample
              MATCH 'regular expression "search tool"' IN description^2, name
              NEAR  'find text in many files' USING hnsw(ef = 64)
              WHERE metadata.section = 'utils' AND json_contains(metadata.depends, 'libc6')
              FUSE rrf(k = 60)
              LIMIT 10;
            """)
        guard case let .search(q) = s else { Issue.record("not a search"); return }
        #expect(q.collection == "debian")
        #expect(q.match == MatchClause(text: "regular expression \"search tool\"", fields: [MatchField(field: "description", boost: 2), MatchField(field: "name")]))
        #expect(q.near == NearClause(target: .text("find text in many files"), field: nil, index: "hnsw", params: ["ef": .number(64)]))
        #expect(q.filter?.text == "metadata.section = 'utils' AND json_contains(metadata.depends, 'libc6')")
        #expect(q.filter?.location.line == 4)
        #expect(q.fusion == .rrf(k: 60))
        #expect(q.limit == 10)
    }

    @Test func parsesTheOtherStatements() throws {
        #expect(try StatementParser.parse("EXPLAIN ANALYZE SEARCH c NEAR DOC '4983' LIMIT 5") == {
            var s = SearchStatement(collection: "c")
            s.near = NearClause(target: .document("4983"), field: nil, index: nil, params: [:])
            s.limit = 5
            s.source = "SEARCH c NEAR DOC '4983' LIMIT 5"
            s.statementText = "EXPLAIN ANALYZE SEARCH c NEAR DOC '4983' LIMIT 5"
            return .explain(s, analyze: true)
        }())
        #expect(try StatementParser.parse("set ef = 128;") == .set(name: "ef", value: .number(128)))
        #expect(try StatementParser.parse("RESET ALL") == .reset(name: nil))
        #expect(try StatementParser.parse("SHOW SETTINGS;") == .show(name: nil))
        guard case let .search(v) = try StatementParser.parse("SEARCH c NEAR [0.5, -1, 2e-1] IN emb FUSE weighted(0.3) NORMALIZE zscore WITH (k1 = 1.2, b = 0.75)") else {
            Issue.record("not a search"); return
        }
        #expect(v.near?.target == .vector([0.5, -1, 0.2]) && v.near?.field == "emb")
        #expect(v.fusion == .weighted(weights: [0.3, 0.7], normalize: .zscore))
        #expect(v.with == ["k1": .number(1.2), "b": .number(0.75)])
        guard case let .compare(a, b) = try StatementParser.parse("COMPARE (SEARCH c MATCH 'x' WHERE (a > 1)) WITH (SEARCH c NEAR 'x');") else {
            Issue.record("not a compare"); return
        }
        #expect(a.filter?.text == "(a > 1)" && b.near != nil)
    }

    @Test(arguments: [
        ("SEARCH scifact MATCH cancer", "line 1, column 22: expected the text to MATCH (a quoted string), found 'cancer'\n  SEARCH scifact MATCH cancer\n                       ^"),
        ("SEARCH scifact\n  MATCH 'x' LIMIT ten", "line 2, column 19: expected a LIMIT count (a whole number), found 'ten'\n    MATCH 'x' LIMIT ten\n                    ^"),
        ("SEARCH s MATCH 'x' FUSE rrrf", "line 1, column 25: unknown fusion 'rrrf'; did you mean rrf?\n  SEARCH s MATCH 'x' FUSE rrrf\n                          ^"),
        ("SEARCH s LIMIT 3", "line 1, column 17: expected MATCH, NEAR or WHERE, found end of statement\n  SEARCH s LIMIT 3\n                  ^"),
        ("SEARCH s MATCH 'unclosed", "line 1, column 16: unterminated string\n  SEARCH s MATCH 'unclosed\n                 ^"),
        ("FIND s", "line 1, column 1: expected SEARCH, EXPLAIN, COMPARE, SET, RESET or SHOW, found 'FIND'\n  FIND s\n  ^"),
        ("SEARCH s MATCH 'a' MATCH 'b'", "line 1, column 20: MATCH given twice\n  SEARCH s MATCH 'a' MATCH 'b'\n                     ^"),
    ])
    func errorsHaveLineColumnAndCaret(input: String, rendered: String) {
        do {
            _ = try StatementParser.parse(input)
            Issue.record("expected an error")
        } catch {
            #expect(error.rendered == rendered)
        }
    }

    @Test func parsesExpandAndFuseAuto() throws {
        guard case let .search(a) = try StatementParser.parse("SEARCH c MATCH 'x y' IN title^2, text EXPAND rm3 NEAR 'x' FUSE auto LIMIT 5") else {
            Issue.record("not a search"); return
        }
        #expect(a.match?.expansion == QueryExpansion(method: .rm3, params: [:]))
        #expect(a.match?.fields.map(\.field) == ["title", "text"])
        #expect(a.fusion == .auto && a.limit == 5)
        guard case let .search(b) = try StatementParser.parse("SEARCH c MATCH 'x' expand RM3(fb_docs = 5, original_query_weight = 0.7) FUSE weighted(0.2) NORMALIZE dbsf") else {
            Issue.record("not a search"); return
        }
        #expect(b.match?.expansion?.params == ["fb_docs": .number(5), "original_query_weight": .number(0.7)])
        #expect(b.fusion == .weighted(weights: [0.2, 0.8], normalize: .dbsf))
        guard case let .search(c) = try StatementParser.parse("SEARCH c MATCH 'x' EXPAND rm3() LIMIT 1") else { return }
        #expect(c.match?.expansion?.params == [:])
    }

    @Test(arguments: [
        ("SEARCH s MATCH 'x' EXPAND rm4", "line 1, column 27: unknown expansion 'rm4'; did you mean rm3?\n  SEARCH s MATCH 'x' EXPAND rm4\n                            ^"),
        ("SEARCH s MATCH 'x' EXPAND rm3(fb_doc = 3)", "line 1, column 31: unknown rm3 parameter 'fb_doc'; did you mean fb_docs? (parameters: fb_docs, fb_terms, original_query_weight)\n  SEARCH s MATCH 'x' EXPAND rm3(fb_doc = 3)\n                                ^"),
        ("SEARCH s MATCH 'x' EXPAND", "line 1, column 26: expected an expansion method (rm3), found end of statement\n  SEARCH s MATCH 'x' EXPAND\n                           ^"),
        ("SEARCH s MATCH 'x' NEAR 'x' FUSE weighted(0.5) NORMALIZE dbfs", "line 1, column 58: unknown normalization 'dbfs'; did you mean dbsf? (expected minmax, zscore, dbsf, arctan or none)\n  SEARCH s MATCH 'x' NEAR 'x' FUSE weighted(0.5) NORMALIZE dbfs\n                                                           ^"),
        ("SEARCH s MATCH 'x' FUSE autoo", "line 1, column 25: unknown fusion 'autoo'; did you mean auto?\n  SEARCH s MATCH 'x' FUSE autoo\n                          ^"),
    ])
    func expansionAndFusionErrors(input: String, rendered: String) {
        do {
            _ = try StatementParser.parse(input)
            Issue.record("expected an error")
        } catch {
            #expect(error.rendered == rendered)
        }
    }

    @Test func rrfArithmeticAndWeightedFusion() {
        let lexical = [ScoredID(id: 1, score: 10), ScoredID(id: 2, score: 5), ScoredID(id: 3, score: 0)]
        let vector = [ScoredID(id: 3, score: 0.9), ScoredID(id: 1, score: 0.8)]
        let rrf = Fusion.fuse([lexical, vector], spec: .rrf(k: 60))
        #expect(rrf.map(\.id) == [1, 3, 2])
        #expect(abs(rrf[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
        #expect(Fusion.arithmetic(rrf[1], spec: .rrf(k: 60)) == "1/(60+3) + 1/(60+1) = 0.0323")
        let w = Fusion.fuse([lexical, vector], spec: .weighted(weights: [0.5, 0.5], normalize: .minmax))
        // lexical minmax: 1, 0.5, 0; vector minmax: 1 (id 3), 0 (id 1)
        #expect(w.map(\.id) == [1, 3, 2])
        #expect(w.map(\.score) == [0.5, 0.5, 0.25])
    }
}
