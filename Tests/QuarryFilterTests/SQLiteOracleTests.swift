import GRDB
import QuarryBase
import Testing

@testable import QuarryFilter

/// An independent oracle: each filter below is followed (indented) by the same predicate in
/// SQLite's SQL with `json_extract`, run by GRDB over the same records (`doc` is the record's
/// JSON text). The SQL spells out Quarry's semantics where SQLite's differ: type guards with
/// `json_type` (SQLite orders any number before any text), `IFNULL(…, 0)` under NOT
/// (SQLite's NOT is three-valued), and `case_sensitive_like`.
let sqliteFixture = #"""
metadata.section == "utils"
    json_extract(doc, '$.metadata.section') = 'utils'
metadata.section = 'libs'
    json_extract(doc, '$.metadata.section') = 'libs'
metadata["section"] != "utils"
    json_extract(doc, '$.metadata.section') <> 'utils'
metadata.section <> 'doc'
    json_extract(doc, '$.metadata.section') <> 'doc'
not metadata.section == "utils"
    NOT IFNULL(json_extract(doc, '$.metadata.section') = 'utils', 0)
metadata.section in ["utils", "games"]
    json_extract(doc, '$.metadata.section') IN ('utils', 'games')
metadata.section IN ('libs', 'doc', 'nothing')
    json_extract(doc, '$.metadata.section') IN ('libs', 'doc', 'nothing')
metadata.section not in ["utils", "games"]
    NOT IFNULL(json_extract(doc, '$.metadata.section') IN ('utils', 'games'), 0)
metadata.section is null
    json_extract(doc, '$.metadata.section') IS NULL
metadata.section is not null
    json_extract(doc, '$.metadata.section') IS NOT NULL
exists metadata.section
    json_type(doc, '$.metadata.section') IS NOT NULL
metadata.section like "u%"
    json_extract(doc, '$.metadata.section') LIKE 'u%'
metadata.section like "%s"
    json_extract(doc, '$.metadata.section') LIKE '%s'
metadata.section like "_e%"
    json_extract(doc, '$.metadata.section') LIKE '_e%'
metadata.section LIKE 'libs'
    json_extract(doc, '$.metadata.section') LIKE 'libs'
metadata.section not like "%e%"
    NOT IFNULL(json_extract(doc, '$.metadata.section') LIKE '%e%', 0)
metadata.section > "games"
    json_extract(doc, '$.metadata.section') > 'games'
metadata.section <= "devel"
    json_extract(doc, '$.metadata.section') <= 'devel'
metadata.section between "doc" and "libs"
    json_extract(doc, '$.metadata.section') BETWEEN 'doc' AND 'libs'
metadata.priority == "optional" && metadata.section == "utils"
    json_extract(doc, '$.metadata.priority') = 'optional' AND json_extract(doc, '$.metadata.section') = 'utils'
metadata.priority == "required" || metadata.section == "games"
    json_extract(doc, '$.metadata.priority') = 'required' OR json_extract(doc, '$.metadata.section') = 'games'
metadata.priority = 'extra' OR metadata.priority = 'important'
    json_extract(doc, '$.metadata.priority') IN ('extra', 'important')
metadata.size > 100
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 100
metadata.size >= 100
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') >= 100
metadata.size < 50
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') < 50
metadata.size <= 37
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') <= 37
metadata.size == 74
    json_extract(doc, '$.metadata.size') = 74
metadata.size = 19.5
    json_extract(doc, '$.metadata.size') = 19.5
metadata.size == 39.0
    json_extract(doc, '$.metadata.size') = 39.0
metadata.size != 74
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') <> 74
metadata.size == "big"
    json_extract(doc, '$.metadata.size') = 'big'
metadata.size != "big"
    json_type(doc, '$.metadata.size') = 'text' AND json_extract(doc, '$.metadata.size') <> 'big'
metadata.size > "a"
    json_type(doc, '$.metadata.size') = 'text' AND json_extract(doc, '$.metadata.size') > 'a'
metadata.size is null
    json_extract(doc, '$.metadata.size') IS NULL
exists metadata.size
    json_type(doc, '$.metadata.size') IS NOT NULL
exists(metadata.size) and metadata.size is null
    json_type(doc, '$.metadata.size') = 'null'
metadata.size between 100 and 300
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') BETWEEN 100 AND 300
metadata.size not between 100 and 300
    NOT IFNULL(json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') BETWEEN 100 AND 300, 0)
not (metadata.size > 100)
    NOT IFNULL(json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 100, 0)
!(metadata.size < 200)
    NOT IFNULL(json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') < 200, 0)
metadata.size in [0, 37, 74, 111, 19.5]
    json_extract(doc, '$.metadata.size') IN (0, 37, 74, 111, 19.5)
metadata.size in (1.0e2, 148)
    json_extract(doc, '$.metadata.size') IN (100.0, 148)
metadata.size not in [37, 74]
    NOT IFNULL(json_extract(doc, '$.metadata.size') IN (37, 74), 0)
metadata.size * 2 > 300
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') * 2 > 300
metadata.size + 10 <= 100
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') + 10 <= 100
metadata.size - 100 > 0
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') - 100 > 0
metadata.size % 2 == 0
    json_type(doc, '$.metadata.size') = 'integer' AND json_extract(doc, '$.metadata.size') % 2 = 0
metadata.size % 5 == 1
    json_type(doc, '$.metadata.size') = 'integer' AND json_extract(doc, '$.metadata.size') % 5 = 1
metadata.size / 100 == 2
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') / 100 = 2
metadata.size / 2 > 100.5
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') / 2 > 100.5
-metadata.size < -400
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND -json_extract(doc, '$.metadata.size') < -400
(metadata.size + 1) * 2 >= 600
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND (json_extract(doc, '$.metadata.size') + 1) * 2 >= 600
metadata.size + metadata.score > 200
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') + json_extract(doc, '$.metadata.score') > 200
100 < metadata.size
    json_type(doc, '$.metadata.size') IN ('integer', 'real') AND 100 < json_extract(doc, '$.metadata.size')
"libs" == metadata.section
    'libs' = json_extract(doc, '$.metadata.section')
metadata.score > 1.5
    json_extract(doc, '$.metadata.score') > 1.5
metadata.score == 1
    json_extract(doc, '$.metadata.score') = 1
metadata.score >= 0.5 and metadata.score < 1.25
    json_extract(doc, '$.metadata.score') >= 0.5 AND json_extract(doc, '$.metadata.score') < 1.25
metadata.score in [0, 2]
    json_extract(doc, '$.metadata.score') IN (0, 2)
metadata.essential == true
    json_type(doc, '$.metadata.essential') = 'true'
metadata.essential
    json_type(doc, '$.metadata.essential') = 'true'
metadata.essential == false
    json_type(doc, '$.metadata.essential') = 'false'
metadata.essential != true
    json_type(doc, '$.metadata.essential') = 'false'
not metadata.essential
    NOT IFNULL(json_type(doc, '$.metadata.essential') = 'true', 0)
metadata.essential is null
    json_extract(doc, '$.metadata.essential') IS NULL
metadata.essential == 1
    json_type(doc, '$.metadata.essential') IN ('integer', 'real') AND json_extract(doc, '$.metadata.essential') = 1
metadata.essential and metadata.section == "utils"
    json_type(doc, '$.metadata.essential') = 'true' AND json_extract(doc, '$.metadata.section') = 'utils'
json_contains(metadata.depends, "libc6")
    json_type(doc, '$.metadata.depends') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value = 'libc6')
array_contains(metadata.depends, 'perl')
    json_type(doc, '$.metadata.depends') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value = 'perl')
not json_contains(metadata.depends, "libc6")
    NOT IFNULL(json_type(doc, '$.metadata.depends') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value = 'libc6'), 0)
json_contains_any(metadata.depends, ["perl", "python3"])
    json_type(doc, '$.metadata.depends') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value IN ('perl', 'python3'))
json_contains_all(metadata.depends, ["libc6", "zlib1g"])
    json_type(doc, '$.metadata.depends') = 'array' AND (SELECT count(DISTINCT value) FROM json_each(doc, '$.metadata.depends') WHERE value IN ('libc6', 'zlib1g')) = 2
array_contains_all(metadata.depends, ["libc6", "libssl3", "zlib1g"])
    json_type(doc, '$.metadata.depends') = 'array' AND (SELECT count(DISTINCT value) FROM json_each(doc, '$.metadata.depends') WHERE value IN ('libc6', 'libssl3', 'zlib1g')) = 3
json_contains_all(metadata.depends, [])
    json_type(doc, '$.metadata.depends') = 'array'
json_contains_any(metadata.depends, [])
    0
json_contains(metadata.depends, "nothing")
    0
json_contains(metadata.nums, 2)
    json_type(doc, '$.metadata.nums') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.nums') WHERE value = 2)
json_contains(metadata.nums, 2.0)
    json_type(doc, '$.metadata.nums') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.nums') WHERE value = 2.0)
json_contains_any(metadata.nums, [3, 4])
    json_type(doc, '$.metadata.nums') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.nums') WHERE value IN (3, 4))
array_length(metadata.depends) == 0
    json_type(doc, '$.metadata.depends') = 'array' AND json_array_length(doc, '$.metadata.depends') = 0
array_length(metadata.depends) >= 3
    json_type(doc, '$.metadata.depends') = 'array' AND json_array_length(doc, '$.metadata.depends') >= 3
array_length(metadata.depends) < 2
    json_type(doc, '$.metadata.depends') = 'array' AND json_array_length(doc, '$.metadata.depends') < 2
array_length(metadata.nums) == 2
    json_type(doc, '$.metadata.nums') = 'array' AND json_array_length(doc, '$.metadata.nums') = 2
metadata.depends is null
    json_extract(doc, '$.metadata.depends') IS NULL
metadata.depends[0] == "libc6"
    json_extract(doc, '$.metadata.depends[0]') = 'libc6'
metadata.depends[1] like "lib%"
    json_extract(doc, '$.metadata.depends[1]') LIKE 'lib%'
metadata["depends"][0] != "libc6"
    json_type(doc, '$.metadata.depends[0]') = 'text' AND json_extract(doc, '$.metadata.depends[0]') <> 'libc6'
metadata.nums[0] == 1
    json_extract(doc, '$.metadata.nums[0]') = 1
metadata.nums[1] > metadata.nums[0]
    json_extract(doc, '$.metadata.nums[1]') > json_extract(doc, '$.metadata.nums[0]')
metadata.nums[5] is null
    json_extract(doc, '$.metadata.nums[5]') IS NULL
metadata.depends == ["libc6"]
    json_extract(doc, '$.metadata.depends') = '["libc6"]'
metadata.author.country == "DE"
    json_extract(doc, '$.metadata.author.country') = 'DE'
metadata["author"]["country"] in ["FR", "US"]
    json_extract(doc, '$.metadata.author.country') IN ('FR', 'US')
metadata.author.name like "%a%"
    json_extract(doc, '$.metadata.author.name') LIKE '%a%'
metadata.author.name >= "c"
    json_extract(doc, '$.metadata.author.name') >= 'c'
metadata.author is null
    json_extract(doc, '$.metadata.author') IS NULL
exists metadata.author.name and metadata.author.country != "US"
    json_type(doc, '$.metadata.author.name') IS NOT NULL AND json_extract(doc, '$.metadata.author.country') <> 'US'
metadata.author.name == metadata.title
    json_extract(doc, '$.metadata.author.name') = json_extract(doc, '$.metadata.title')
metadata.version > "1.3"
    json_extract(doc, '$.metadata.version') > '1.3'
metadata.version like "1.2.%"
    json_extract(doc, '$.metadata.version') LIKE '1.2.%'
metadata.version like "1._.1_"
    json_extract(doc, '$.metadata.version') LIKE '1._.1_'
metadata.version < "1.0.9"
    json_extract(doc, '$.metadata.version') < '1.0.9'
id == "p7"
    json_extract(doc, '$.id') = 'p7'
id in ["p1", "p2", "p30", "p99"]
    json_extract(doc, '$.id') IN ('p1', 'p2', 'p30', 'p99')
id like "p1%"
    json_extract(doc, '$.id') LIKE 'p1%'
title == "Grep"
    json_extract(doc, '$.title') = 'Grep'
title like "g%"
    json_extract(doc, '$.title') LIKE 'g%'
title > "m"
    json_extract(doc, '$.title') > 'm'
title like "%e%" and metadata.size > 200
    json_extract(doc, '$.title') LIKE '%e%' AND json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 200
metadata.missing is null
    1
metadata.missing == 1
    0
exists metadata.missing
    0
not metadata.missing == 1
    1
true
    1
false or metadata.section == "doc"
    json_extract(doc, '$.metadata.section') = 'doc'
metadata.section == null
    0
metadata.section != null
    0
(metadata.section == "utils" or metadata.section == "libs") and metadata.size > 100
    json_extract(doc, '$.metadata.section') IN ('utils', 'libs') AND json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 100
metadata.section == "utils" or metadata.section == "libs" and metadata.size > 100
    json_extract(doc, '$.metadata.section') = 'utils' OR (json_extract(doc, '$.metadata.section') = 'libs' AND json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 100)
NOT (metadata.section = 'utils' OR metadata.essential)
    NOT IFNULL(json_extract(doc, '$.metadata.section') = 'utils' OR json_type(doc, '$.metadata.essential') = 'true', 0)
not (not metadata.essential)
    json_type(doc, '$.metadata.essential') = 'true'
metadata.priority == "optional" and not json_contains(metadata.depends, "perl") and metadata.score <= 1
    json_extract(doc, '$.metadata.priority') = 'optional' AND NOT IFNULL(json_type(doc, '$.metadata.depends') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value = 'perl'), 0) AND json_extract(doc, '$.metadata.score') <= 1
metadata.size > 100 and metadata.size < 200 or metadata.section is null
    (json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 100 AND json_extract(doc, '$.metadata.size') < 200) OR json_extract(doc, '$.metadata.section') IS NULL
json_contains(metadata.depends, "python3") || array_length(metadata.depends) == 0
    json_type(doc, '$.metadata.depends') = 'array' AND (EXISTS (SELECT 1 FROM json_each(doc, '$.metadata.depends') WHERE value = 'python3') OR json_array_length(doc, '$.metadata.depends') = 0)
metadata.author.country == "FR" and metadata.essential == false and metadata.size between 0 and 250
    json_extract(doc, '$.metadata.author.country') = 'FR' AND json_type(doc, '$.metadata.essential') = 'false' AND json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') BETWEEN 0 AND 250
metadata.title like "%\%%"
    json_extract(doc, '$.metadata.title') LIKE '%\%%' ESCAPE '\'
metadata.title like "%\_%"
    json_extract(doc, '$.metadata.title') LIKE '%\_%' ESCAPE '\'
metadata.title == 'it''s'
    0
"""#

/// The records the fixture runs over: debian-like metadata with unstable types on purpose.
func sqliteFixtureRecords() -> [JSONValue] {
    let sections = ["utils", "libs", "devel", "games", "doc"]
    let priorities = ["optional", "important", "required", "extra"]
    let deps = ["libc6", "libssl3", "zlib1g", "python3", "perl"]
    let titles = ["grep", "Grep", "sed", "awk", "make", "perl", "zsh", "vim", "emacs", "less", "100%", "a_b"]
    let names = ["ann", "bob", "cat", "dan"]
    return (0..<60).map { i -> JSONValue in
        var m: [JSONMember] = []
        if i % 11 != 0 { m.append(JSONMember("section", .string(sections[i % 5]))) }
        m.append(JSONMember("priority", .string(priorities[i % 4])))
        if i % 19 == 0 { m.append(JSONMember("size", .null)) }
        else if i % 17 == 0 { m.append(JSONMember("size", "big")) }
        else if i % 13 == 0 { m.append(JSONMember("size", .double(Double(i) * 1.5))) }
        else { m.append(JSONMember("size", .int(Int64(i * 37 % 500)))) }
        if i % 7 != 0 { m.append(JSONMember("depends", .array(deps.indices.filter { (i >> $0) & 1 == 1 }.map { .string(deps[$0]) }))) }
        else if i % 14 == 0 { m.append(JSONMember("depends", "libc6")) }
        if i % 5 != 4 { m.append(JSONMember("essential", .bool(i % 3 == 0))) } else if i % 10 == 9 { m.append(JSONMember("essential", 1)) }
        m.append(JSONMember("score", .double(Double(i % 10) / 4)))
        if i % 9 != 0 { m.append(JSONMember("author", .object([JSONMember("name", .string(names[i % 4])), JSONMember("country", .string(["DE", "US", "FR"][i % 3]))]))) }
        m.append(JSONMember("version", .string("1.\(i % 6).\(i)")))
        m.append(JSONMember("nums", .array([.int(Int64(i % 3)), .int(Int64(i % 5))])))
        m.append(JSONMember("title", .string(i % 4 == 0 ? names[i / 4 % 4] : titles[i % titles.count])))
        return .object([JSONMember("id", .string("p\(i)")), JSONMember("title", .string(titles[i % titles.count])),
                        JSONMember("metadata", .object(m))])
    }
}

func sqliteFixtureCases() -> [(filter: String, sql: String)] {
    var out: [(String, String)] = []
    for line in sqliteFixture.split(separator: "\n") where !line.isEmpty {
        if line.hasPrefix("    ") { out[out.count - 1].1 = String(line.dropFirst(4)) } else { out.append((String(line), "")) }
    }
    return out
}

@Test func fixtureHasAtLeastOneHundredExpressions() {
    let cases = sqliteFixtureCases()
    #expect(cases.count >= 100)
    #expect(cases.allSatisfy { !$0.sql.isEmpty })
}

@Test func filtersAgreeWithSQLiteJSONExtract() throws {
    let records = sqliteFixtureRecords()
    let db = try DatabaseQueue()
    try db.write { db in
        try db.execute(sql: "PRAGMA case_sensitive_like = ON")
        try db.execute(sql: "CREATE TABLE docs (ord INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
        for (i, r) in records.enumerated() {
            try db.execute(sql: "INSERT INTO docs (ord, doc) VALUES (?, ?)", arguments: [i, r.jsonText])
        }
    }
    let index = PathIndex.build(count: records.count, options: PathIndexOptions(paths: [FilterPath("id"), FilterPath("title"), FilterPath("metadata", "size")])) { records[Int($0)] }
    let indexed = IndexedFilterExecutor(index: index) { records[Int($0)] }
    let oracle = ScanFilterExecutor(count: records.count) { records[Int($0)] }
    for (filter, sql) in sqliteFixtureCases() {
        let query = try FilterQuery.parse(filter, catalog: nil)
        let want = try db.read { db in
            try Int.fetchAll(db, sql: "SELECT ord FROM docs WHERE (\(sql)) ORDER BY ord").map(UInt32.init)
        }
        #expect(oracle.execute(query).matches.toArray() == want, "\(filter)  vs  \(sql)")
        #expect(indexed.execute(query).matches.toArray() == want, "indexed: \(filter)")
    }
}
