import QuarryBase
import Testing

@testable import QuarryFilter

let errorCatalog = PathCatalog(["id", "title", "metadata", "metadata.year", "metadata.section", "metadata.tags", "metadata.tags[]",
                                "metadata.author", "metadata.author.name"])

/// Filter text → the exact message (`line L, column C: …`).
let errorTable: [(String, String)] = [
    ("", "line 1, column 1: expected a condition, found end of input"),
    ("metadata.year >", "line 1, column 16: expected a value, found end of input"),
    ("metadata.year > 2000 )", "line 1, column 22: expected no ')' here: the parentheses do not balance, found ')'"),
    ("(metadata.year > 2000", "line 1, column 22: expected ')', found end of input"),
    ("metadata.year > 2000 metadata.section", "line 1, column 22: expected 'and', 'or' or the end of the filter, found the name 'metadata'"),
    ("metadata.section == 'utils", "line 1, column 21: unterminated string: add the closing quote"),
    ("metadata.section == 'a\\qb'", "line 1, column 23: invalid escape '\\q' in a string (use \\\\, \\', \\\", \\n, \\t, \\r or \\uXXXX)"),
    ("metadata.year > 12abc", "line 1, column 17: invalid number 12abc"),
    ("metadata.year > 2000 ; drop", "line 1, column 22: unexpected character ';'"),
    ("json_contain(metadata.tags, 'a')", "line 1, column 1: unknown function json_contain; did you mean json_contains?"),
    ("arary_length(metadata.tags) > 1", "line 1, column 1: unknown function arary_length; did you mean array_length?"),
    ("frobnicate(metadata.tags)", "line 1, column 1: unknown function frobnicate"),
    ("json_contains(metadata.tags)", "line 1, column 1: json_contains takes 2 arguments (path, value), found 1 argument"),
    ("json_contains_any(metadata.tags, 'a')", "line 1, column 34: the second argument of json_contains_any must be a literal, found \"a\" (expected a list [..])"),
    ("array_length(metadata.tags, 1) > 0", "line 1, column 1: array_length takes 1 argument (path), found 2 arguments"),
    ("metadata.yaer > 2000", "line 1, column 1: no record has the path metadata.yaer; did you mean metadata.year?"),
    ("metadata.author.nmae == 'x'", "line 1, column 1: no record has the path metadata.author.nmae; did you mean metadata.author.name?"),
    ("metadata.colour == 'red'", "line 1, column 1: no record has the path metadata.colour"),
    ("json_contains(metadata.tgas, 'a')", "line 1, column 15: no record has the path metadata.tgas; did you mean metadata.tags?"),
    ("metadata.year + 1", "line 1, column 1: expected a condition, found the value metadata.year + 1"),
    ("(metadata.year > 1) + 2 > 3", "line 1, column 1: expected a value, found the condition (metadata.year > 1)"),
    ("metadata.year in [1, metadata.year]", "line 1, column 22: each element of an 'in' list must be a literal, found metadata.year"),
    ("metadata.section like metadata.section", "line 1, column 23: the pattern of 'like' must be a literal, found metadata.section"),
    ("metadata.year in 2000", "line 1, column 18: expected a list after 'in', as [..] or (..), found the number 2000"),
    ("metadata.year not 2000", "line 1, column 19: expected 'in', 'like' or 'between' after 'not', found the number 2000"),
    ("metadata.year between 1 or 2", "line 1, column 25: expected 'and' in 'between … and …', found 'or'"),
    ("metadata.year is 5", "line 1, column 18: expected 'null' or 'not null', found the number 5"),
    ("metadata[1.5] == 1", "line 1, column 10: expected a quoted key or an array index in '[ ]', found the number 1.5"),
    ("metadata. == 1", "line 1, column 11: expected a key name after '.', found '=='"),
    ("metadata.year > 2000 and", "line 1, column 25: expected a value, found end of input"),
    ("exists 5", "line 1, column 8: expected a path after 'exists', found 5"),
    ("metadata.year >\n  and metadata.section == 'x'", "line 2, column 3: expected a value, found 'and'"),
    ("metadata.tags in [1, 2", "line 1, column 23: expected ',' or ']', found end of input"),
]

@Test func errorMessagesAreExact() {
    for (filter, message) in errorTable {
        do {
            let q = try FilterQuery.parse(filter, catalog: errorCatalog)
            Issue.record("parsed \(filter.debugDescription) as \(q)")
        } catch {
            #expect(error.description == message, "\(filter.debugDescription)")
        }
    }
}

@Test func errorsRenderWithACaretUnderTheSpot() throws {
    let source = "metadata.year > 2000\n  and metadata.yaer < 2010"
    #expect(throws: FilterError.self) { try FilterQuery.parse(source, catalog: errorCatalog) }
    do {
        _ = try FilterQuery.parse(source, catalog: errorCatalog)
    } catch {
        #expect(error.rendered(source: source) == """
            line 2, column 7: no record has the path metadata.yaer; did you mean metadata.year?
                and metadata.yaer < 2010
                    ^
            """)
    }
}

@Test func bothSpellingsParseToTheSameFilter() throws {
    let pairs: [(String, String)] = [
        ("metadata.section == \"utils\" && metadata.year >= 2010", "metadata.section = 'utils' AND metadata.year >= 2010"),
        ("metadata[\"author\"][\"name\"] != 'x' || !(metadata.year < 5)", "metadata.author.name <> 'x' OR NOT metadata.year < 5"),
        ("metadata.year in [1, 2.5, -3]", "metadata.year IN (1, 2.5, -3)"),
        ("metadata.year >= 1 and metadata.year <= 9", "metadata.year BETWEEN 1 AND 9"),
        ("not (metadata.year in [1])", "metadata.year NOT IN (1)"),
        ("not (metadata.tags is null)", "metadata.tags IS NOT NULL"),
        ("metadata.tags[0] == 'a'", "metadata[\"tags\"][0] = \"a\""),
        ("json_contains(metadata.tags, 'a')", "ARRAY_CONTAINS(metadata.tags, 'a')"),
        ("exists metadata.year", "EXISTS(metadata.year)"),
        ("metadata.year == true", "metadata.year = TRUE"),
    ]
    for (milvus, sql) in pairs {
        #expect(try FilterQuery.parse(milvus).expr == FilterQuery.parse(sql).expr, "\(milvus) vs \(sql)")
    }
    #expect(try FilterQuery.parse("metadata.year * 2 + 1 > 3 % 2").expr
        == .compare(.arith(.add, .arith(.mul, .path(FilterPath("metadata", "year")), .literal(2)), .literal(1)), .gt,
                    .arith(.mod, .literal(3), .literal(2))))
    #expect(try FilterQuery.parse("title == 'it''s' and id == \"\\u00e9\\n\"").expr
        == .and([.compare(.path(FilterPath("title")), .eq, .literal("it's")), .compare(.path(FilterPath("id")), .eq, .literal("é\n"))]))
}

@Test func semanticsAsDocumented() throws {
    let r: JSONValue = .object([JSONMember("metadata", .object([
        JSONMember("i", 2), JSONMember("f", 2.0), JSONMember("s", "2"), JSONMember("n", .null), JSONMember("b", true),
        JSONMember("e", "é"), JSONMember("d", "e\u{301}"), JSONMember("a", [1, "x"]),
    ]))])
    func m(_ f: String) throws -> Bool { FilterSemantics.matches(try FilterQuery.parse(f).expr, r) }
    #expect(try m("metadata.i == metadata.f"))          // ints and floats compare numerically
    #expect(try !m("metadata.i == metadata.s"))         // another type: false
    #expect(try !m("metadata.i != metadata.s"))         // ... also for !=
    #expect(try m("metadata.missing is null") && m("metadata.n is null"))
    #expect(try m("exists metadata.n") && !m("exists metadata.missing"))
    #expect(try !m("metadata.missing == 1") && !m("metadata.missing != 1"))
    #expect(try m("not (metadata.missing == 1)"))       // NOT is the complement
    #expect(try m("metadata.missing not in [1]"))
    #expect(try !m("metadata.e == metadata.d"))          // code points, not canonical equivalence
    #expect(try m("metadata.d < metadata.e"))            // "e" (U+0065) < "é" (U+00E9)
    #expect(try !m("metadata.b > false") && m("metadata.b"))
    #expect(try m("metadata.i / 3 == 0") && m("metadata.f / 4 == 0.5"))
    #expect(try !m("metadata.i / 0 == 0") && !m("not (metadata.i / 0 == 0)") == false)
    #expect(try m("metadata.a == [1, 'x']") && m("json_contains(metadata.a, 1.0)") && m("array_length(metadata.a) == 2"))
    #expect(try m("metadata.s like '_'") && !m("metadata.i like '%'"))
}

@Test func explainRendersLikePostgres() throws {
    var docs: [JSONValue] = []
    for i in 0..<100 {
        docs.append(.object([JSONMember("title", .string("t\(i)")), JSONMember("metadata", .object([
            JSONMember("year", .int(Int64(2000 + i % 20))), JSONMember("section", .string(["utils", "libs"][i % 2])),
        ]))]))
    }
    let x = IndexedFilterExecutor(index: PathIndex.build(count: docs.count) { docs[Int($0)] }) { docs[Int($0)] }
    let q = try FilterQuery.parse("metadata.section == 'utils' and metadata.year >= 2015 and title like '%6'")
    let result = x.execute(q)
    #expect(result.count == 5)
    #expect(result.plan.renderText() == """
        Bitmap And  (est sel=0.0125 rows=1) (actual sel=0.0500 rows=5)
          ->  Path Index Scan on metadata.year  (range [2015, +inf))  (est sel=0.2500 rows=25) (actual sel=0.2500 rows=25)
                Filter: metadata.year >= 2015
          ->  Path Index Scan on metadata.section  (value "utils")  (est sel=0.5000 rows=50) (actual sel=0.1000 rows=10)
                Filter: metadata.section == "utils"
          ->  Row Scan  (est sel=0.1000 rows=10) (actual sel=0.0500 rows=5)
                Filter: title like "%6"
                Rows examined: 10
        """)
    let empty = x.execute(try FilterQuery.parse("metadata.year > 3000 and title like '%6'"))
    #expect(empty.plan.renderText().hasSuffix("->  Row Scan  (est sel=0.1000 rows=10) (never executed)\n        Filter: title like \"%6\""))
    #expect(x.explain(q.expr).renderText(analyzed: false).hasPrefix("Bitmap And  (est sel=0.0125 rows=1)\n"))
}
