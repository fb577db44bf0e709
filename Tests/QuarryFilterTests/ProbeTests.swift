import GRDB
import QuarryBase
import Testing

@testable import QuarryFilter

/// `exists p` and `p is [not] null` are how people ask whether a path exists: on a path that no
/// record has they answer (no record, every record), with the collection's catalog as the REPL
/// and the TUI parse filters. Each probe is followed by the same question in SQLite's SQL, over
/// the same records; comparisons on such a path keep their error and its "did you mean".
let probeFixture = #"""
exists metadata["k"]
    json_type(doc, '$.metadata.k') IS NOT NULL
metadata["k"] is null
    json_extract(doc, '$.metadata.k') IS NULL
metadata["k"] is not null
    json_extract(doc, '$.metadata.k') IS NOT NULL
not exists metadata["k"]
    json_type(doc, '$.metadata.k') IS NULL
exists metadata.nothing.deeper
    json_type(doc, '$.metadata.nothing.deeper') IS NOT NULL
metadata.nothing.deeper is null
    json_extract(doc, '$.metadata.nothing.deeper') IS NULL
exists metadata["odd key"]
    json_type(doc, '$.metadata."odd key"') IS NOT NULL
metadata["odd key"] is null
    json_extract(doc, '$.metadata."odd key"') IS NULL
exists metadata.author.email
    json_type(doc, '$.metadata.author.email') IS NOT NULL
metadata.author.email is null
    json_extract(doc, '$.metadata.author.email') IS NULL
exists(metadata.k)
    json_type(doc, '$.metadata.k') IS NOT NULL
exists metadata.nums[7]
    json_type(doc, '$.metadata.nums[7]') IS NOT NULL
metadata.nums[7] is null
    json_extract(doc, '$.metadata.nums[7]') IS NULL
exists nowhere
    json_type(doc, '$.nowhere') IS NOT NULL
exists metadata["k"] or metadata.section == "utils"
    json_type(doc, '$.metadata.k') IS NOT NULL OR json_extract(doc, '$.metadata.section') = 'utils'
metadata["k"] is null and metadata.size > 300
    json_extract(doc, '$.metadata.k') IS NULL AND json_type(doc, '$.metadata.size') IN ('integer', 'real') AND json_extract(doc, '$.metadata.size') > 300
exists metadata.section and exists metadata["k"]
    json_type(doc, '$.metadata.section') IS NOT NULL AND json_type(doc, '$.metadata.k') IS NOT NULL
exists metadata.section
    json_type(doc, '$.metadata.section') IS NOT NULL
metadata.section is null
    json_extract(doc, '$.metadata.section') IS NULL
"""#

@Suite struct ProbeTests {
    static func cases() -> [(filter: String, sql: String)] {
        var out: [(String, String)] = []
        for line in probeFixture.split(separator: "\n") where !line.isEmpty {
            if line.hasPrefix("    ") { out[out.count - 1].1 = String(line.dropFirst(4)) } else { out.append((String(line), "")) }
        }
        return out
    }

    @Test func probesOnMissingPathsCountAsSQLiteDoes() throws {
        let records = sqliteFixtureRecords()
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE docs (ord INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
            for (i, r) in records.enumerated() { try db.execute(sql: "INSERT INTO docs (ord, doc) VALUES (?, ?)", arguments: [i, r.jsonText]) }
        }
        let index = PathIndex.build(count: records.count, options: PathIndexOptions()) { records[Int($0)] }
        for missing in ["metadata.k", "metadata.nothing.deeper", "metadata.author.email", "nowhere"] {
            #expect(!index.catalog.contains(FilterPath(dotted: missing)!), "\(missing) is missing from every record")
        }
        let indexed = IndexedFilterExecutor(index: index) { records[Int($0)] }
        let scan = ScanFilterExecutor(count: records.count) { records[Int($0)] }
        let cases = Self.cases()
        #expect(cases.count >= 18 && cases.allSatisfy { !$0.sql.isEmpty })
        for (filter, sql) in cases {
            let query = try FilterQuery.parse(filter, catalog: index.catalog)
            let want = try db.read { db in try Int.fetchAll(db, sql: "SELECT ord FROM docs WHERE (\(sql)) ORDER BY ord").map(UInt32.init) }
            let count = try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM docs WHERE (\(sql))") }
            #expect(indexed.execute(query).matches.toArray() == want, "indexed: \(filter)")
            #expect(scan.execute(query).matches.toArray() == want, "scan: \(filter)")
            #expect(indexed.execute(query).matches.count == count, "\(filter)")
        }
        // The answers people ask for: no record, every record.
        #expect(indexed.execute(try FilterQuery.parse(#"exists metadata["k"]"#, catalog: index.catalog)).matches.count == 0)
        #expect(indexed.execute(try FilterQuery.parse(#"metadata["k"] is null"#, catalog: index.catalog)).matches.count == records.count)
        // The index answers the probe without reading a record.
        let plan = indexed.execute(try FilterQuery.parse(#"metadata["k"] is null"#, catalog: index.catalog)).plan.renderText()
        #expect(plan.contains("no record has the path"), "\(plan)")
    }

    @Test(arguments: [
        (#"metadata["k"] == 1"#, "line 1, column 1: no record has the path metadata.k; did you mean metadata?"),
        ("metadata.sectoin == 'utils'", "line 1, column 1: no record has the path metadata.sectoin; did you mean metadata.section?"),
        ("metadata.sectoin is null and metadata.sectoin > 'a'", "line 1, column 30: no record has the path metadata.sectoin; did you mean metadata.section?"),
        ("array_length(metadata.tagz) > 1", "line 1, column 14: no record has the path metadata.tagz"),
        ("metadata.k + 1 is null", "line 1, column 1: no record has the path metadata.k; did you mean metadata?"),
    ])
    func comparisonsOnUnknownPathsKeepTheirError(filter: String, message: String) {
        let records = sqliteFixtureRecords()
        let index = PathIndex.build(count: records.count, options: PathIndexOptions()) { records[Int($0)] }
        do {
            _ = try FilterQuery.parse(filter, catalog: index.catalog)
            Issue.record("expected an error for \(filter)")
        } catch {
            #expect(error.description == message)
        }
    }
}
