import Foundation
import Testing
@testable import QuarryEngine

/// Numbers and names from people that once trapped the process, corrupted memory or lost their
/// location (issue 22, defects 1, 2, 3 and 13): each is now an error with line, column and a
/// caret, checked against the parameter registry's ranges and `Parameters.maxResults`.
@Suite struct CheckedInputTests {
    static func parseError(_ text: String) -> QueryError? {
        do { _ = try StatementParser.parse(text); return nil } catch { return error }
    }

    @Test(arguments: [
        ("SEARCH s MATCH 'a' LIMIT 99999999999999999999", 26, "LIMIT must be a whole number from 1 to 100000, not 1e+20"),
        ("SEARCH s MATCH 'a' LIMIT 9223372036854775807", 26, "LIMIT must be a whole number from 1 to 100000, not 9.223372036854776e+18"),
        ("SEARCH s MATCH 'a' LIMIT 4294967296", 26, "LIMIT must be a whole number from 1 to 100000, not 4294967296"),
        ("SEARCH s MATCH 'a' LIMIT 4611686018427387903", 26, "LIMIT must be a whole number from 1 to 100000, not 4.611686018427388e+18"),
        ("SEARCH s MATCH 'a' LIMIT 0", 26, "LIMIT must be a whole number from 1 to 100000, not 0"),
        ("SEARCH s MATCH 'a' LIMIT 2.5", 26, "LIMIT must be a whole number from 1 to 100000, not 2.5"),
        ("SEARCH s MATCH 'a' LIMIT 9e18 OFFSET 9e18", 26, "LIMIT must be a whole number from 1 to 100000, not 9e+18"),
        ("SEARCH s MATCH 'a' LIMIT 10 OFFSET 9e18", 36, "OFFSET must be a whole number from 0 to 99999, not 9e+18"),
        ("SEARCH s MATCH 'a' LIMIT 100 OFFSET 99950", 37, "OFFSET + LIMIT must be at most 100000 (the most hits one search ranks), not 99950 + 100"),
        ("SEARCH s MATCH 'a' WITH (ef = 1e30)", 31, "ef must be between 1 and 4096, not 1e+30"),
        ("SEARCH s MATCH 'a' WITH (window = 1e30)", 35, "window must be between 1 and 100000, not 1e+30"),
        ("SEARCH s MATCH 'a' WITH (ef = -1e400)", 31, "number '-1e400' is out of range (beyond ±1.8e308)"),
        ("SEARCH s MATCH 'a' WITH (eff = 64)", 26, "unknown setting 'eff'; did you mean 'ef'? (SHOW lists them)"),
        ("SEARCH s MATCH 'a' NEAR 'b' FUSE rrf(k = 1e30)", 42, "rrf_k must be between 1 and 1000, not 1e+30"),
        ("SEARCH s MATCH 'a' NEAR 'b' FUSE weighted(0.2, 7)", 48, "weight must be between 0 and 1, not 7"),
        ("SEARCH s NEAR 'b' USING hnsw(ef = 0)", 35, "ef must be between 1 and 4096, not 0"),
        ("SEARCH s NEAR [1e400, 1]", 16, "number '1e400' is out of range (beyond ±1.8e308)"),
        ("SEARCH s MATCH 'a' EXPAND rm3(fb_docs = 1e30)", 41, "rm3_fb_docs must be between 1 and 1000, not 1e+30"),
        ("SEARCH s MATCH 'a' IN title^2, text^1e300", 32, "the boost of 'text' must be between 0 and 1000, not 1e+300"),
        ("SET ef = 1e30", 10, "ef must be between 1 and 4096, not 1e+30"),
        ("SET eff = 3", 5, "unknown setting 'eff'; did you mean 'ef'? (SHOW lists them)"),
        ("RESET eff", 7, "unknown setting 'eff'; did you mean 'ef'? (SHOW lists them)"),
        ("SHOW eff", 6, "unknown setting 'eff'; did you mean 'ef'? (SHOW lists them)"),
    ])
    func numbersOutOfRangeAreErrorsAtTheNumber(statement: String, column: Int, message: String) {
        let e = Self.parseError(statement)
        #expect(e?.message == message)
        #expect(e?.location?.line == 1 && e?.location?.column == column, "\(e?.rendered ?? "no error")")
    }

    @Test func theErrorIsDrawnWithACaret() {
        #expect(Self.parseError("SEARCH s MATCH 'a'\n  LIMIT 99999999999999999999")?.rendered == """
            line 2, column 9: LIMIT must be a whole number from 1 to 100000, not 1e+20
                LIMIT 99999999999999999999
                      ^
            """)
    }

    @Test func scriptPiecesKnowWhereTheyStartAndPlaceTheirErrors() {
        let script = "SET k1 = 1; SHOW k1;\n\n  -- c\n  SEARCH s\n MATCH 'a' LIMIT 0"
        let pieces = StatementScript.pieces(script)
        #expect(pieces == [StatementScript.Piece(text: "SET k1 = 1;", line: 1, column: 1), StatementScript.Piece(text: "SHOW k1;", line: 1, column: 13),
                           StatementScript.Piece(text: "-- c\n  SEARCH s\n MATCH 'a' LIMIT 0", line: 3, column: 3)])
        #expect(StatementScript.split(script) == pieces.map(\.text))
        guard let e = Self.parseError(pieces[2].text) else { Issue.record("no error"); return }
        #expect(e.placed(at: pieces[2], in: script).rendered == """
            line 5, column 18: LIMIT must be a whole number from 1 to 100000, not 0
               MATCH 'a' LIMIT 0
                               ^
            """)
        let first = StatementScript.Piece(text: "SHOW k1", line: 1, column: 13)
        let located = QueryError("x", at: SourceLocation(line: 1, column: 6, offset: 5), in: "SHOW k1")
        #expect(located.placed(at: first, in: script).location == SourceLocation(line: 1, column: 18, offset: 5))
    }

    @Test func theLargestWindowStillParses() throws {
        guard case let .search(s) = try StatementParser.parse("SEARCH s MATCH 'a' LIMIT 100 OFFSET 99900") else { Issue.record("no search"); return }
        #expect(s.limit == 100 && s.offset == 99_900)
    }

    @Test func aDeepWhereIsAnErrorOfTheStatementParser() {
        let deep = "SEARCH s WHERE " + String(repeating: "(", count: 2_000) + "a = 1" + String(repeating: ")", count: 2_000) + ";"
        let e = Self.parseError(deep)
        #expect(e?.message == "in WHERE: nested deeper than 256")
        #expect(e?.location?.column == 16 + 256)
    }

    @Test func statementsBuiltWithoutTextAreCheckedByTheWorkbench() throws {
        let (wb, dir) = try Fixture.make(records: 40)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = SearchStatement(collection: "papers")
        s.match = MatchClause(text: "bone")
        s.limit = 4_611_686_018_427_387_903
        #expect(throws: EngineError.badParameter("LIMIT must be a whole number from 1 to 100000, not 4.611686018427388e+18")) { try wb.search(s) }
        s.limit = 10
        s.offset = Int.max
        #expect(throws: EngineError.badParameter("OFFSET must be a whole number from 0 to 99999, not 9.223372036854776e+18")) { try wb.search(s) }
        s.offset = 0
        s.near = NearClause(target: .document("d1"))
        s.with = ["window": .number(1e30)]
        #expect(throws: EngineError.badParameter("window must be between 1 and 100000, not 1e+30")) { try wb.search(s) }
        s.with = ["ef": .number(-.infinity)]
        #expect(throws: EngineError.badParameter("ef must be between 1 and 4096, not -inf")) { try wb.search(s) }
        s.with = [:]
        s.fusion = .rrf(k: 1e30)
        #expect(throws: EngineError.badParameter("rrf_k must be between 1 and 1000, not 1e+30")) { try wb.search(s) }
        s.fusion = .rrf(k: 60)
        #expect(try wb.search(s).hits.count == 10)
    }

    /// Errors found after parsing point at the part of the statement they are about.
    @Test(arguments: [
        ("SEARCH nosuch MATCH 'bone'", 1, 8, "no collection named 'nosuch'"),
        ("SEARCH papers\n  MATCH 'bone' IN titel", 2, 19, "'titel' is not a text field of 'papers' (text fields: title, text); did you mean 'title'?"),
        ("SEARCH papers NEAR DOC 'd1' IN embeding", 1, 32, "collection 'papers' has no vector field 'embeding'"),
        ("SEARCH papers NEAR DOC 'nope' LIMIT 3", 1, 24, "no record 'nope'"),
        ("SEARCH papers MATCH '++'", 1, 23, "in MATCH: expected a word or a quoted phrase after '+'"),
        ("SEARCH papers MATCH '+'", 1, 23, "in MATCH: expected a word or a quoted phrase after '+'"),
        ("SEARCH papers MATCH 'it''s \"open'", 1, 33, "in MATCH: expected '\"' to close the phrase opened at column 6"),
    ])
    func semanticErrorsCarryTheirLocation(statement: String, line: Int, column: Int, message: String) throws {
        let (wb, dir) = try Fixture.make(records: 40)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try wb.execute(statement)
            Issue.record("expected an error")
        } catch let e as QueryError {
            #expect(e.message.hasPrefix(message), "\(e.rendered)")
            #expect(e.location?.line == line && e.location?.column == column, "\(e.rendered)")
        } catch {
            Issue.record("not located: \(ErrorText.describe(error))")
        }
    }
}
