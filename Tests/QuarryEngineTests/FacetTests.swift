import Foundation
import Testing
@testable import QuarryEngine

/// Facets of the metadata (the TUI's facet browser): counts against the records, and filters
/// made from a value or a bin that select exactly the records counted.
@Suite struct FacetTests {
    @Test func summariesCountWhatTheRecordsHold() throws {
        let (wb, dir) = try Fixture.make(records: 400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try wb.facets(collection: "papers")
        #expect(report.records == 400 && report.sampled == 400)
        #expect(report.facets.map(\.path) == ["metadata.section", "metadata.topic", "metadata.year"])

        let topic = try #require(report.facets.first { $0.path == "metadata.topic" })
        #expect(topic.records == 400 && topic.distinct == 4)
        #expect(topic.types == [FacetSummary.TypeCount(name: "number", count: 400)])
        #expect(topic.top.map(\.count) == [100, 100, 100, 100], "the fixture has topic = i % 4")
        #expect(topic.top.map(\.value) == [.int(0), .int(1), .int(2), .int(3)], "ties ordered by value")
        let h = try #require(topic.histogram)
        #expect(h.min == 0 && h.max == 3 && h.counts.reduce(0, +) == 400 && !h.logarithmic)

        let section = try #require(report.facets.first { $0.path == "metadata.section" })
        #expect(section.types.map(\.name) == ["string"] && section.histogram == nil && section.distinct == 4)
        #expect(section.top.map(\.count).reduce(0, +) == 400)
    }

    @Test func filtersFromValuesAndBinsSelectWhatWasCounted() throws {
        let (wb, dir) = try Fixture.make(records: 400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try wb.facets(collection: "papers")
        for f in report.facets {
            for v in f.top {
                let filter = try #require(f.filter(equalTo: v.value))
                #expect(try wb.filter(filter, collection: "papers").count == v.count, "\(filter)")
            }
            guard let h = f.histogram else { continue }
            for b in h.counts.indices {
                let filter = try #require(f.filter(bin: b))
                #expect(try wb.filter(filter, collection: "papers").count == h.counts[b], "\(filter)")
            }
        }
        let section = try #require(report.facets.first { $0.path == "metadata.section" })
        #expect(section.filter(equalTo: .string("utils")) == "metadata.section = 'utils'")
    }

    @Test func sampleLimitStopsEarly() throws {
        let (wb, dir) = try Fixture.make(records: 400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try wb.facets(collection: "papers", sampleLimit: 50)
        #expect(report.records == 400 && report.sampled == 50)
        #expect(report.facets.allSatisfy { $0.records == 50 })
    }

    @Test func filterTextForArraysQuotesAndNulls() {
        let tags = FacetSummary(path: "metadata.tags[]", records: 1, types: [], top: [], distinct: 1, histogram: nil)
        #expect(tags.filter(equalTo: .string("it's")) == "json_contains(metadata.tags, 'it''s')")
        let nested = FacetSummary(path: "metadata.authors[].name", records: 1, types: [], top: [], distinct: 1, histogram: nil)
        #expect(nested.filter(equalTo: .string("x")) == nil, "no filter names an element's member")
        let year = FacetSummary(path: "metadata.year", records: 1, types: [], top: [], distinct: 1, histogram: nil)
        #expect(year.filter(equalTo: .null) == "metadata.year is null")
        #expect(year.filter(equalTo: .bool(true)) == "metadata.year = true")
    }

    @Test func logarithmicBinsForWideRanges() {
        let h = FacetSummary.Histogram(min: 1, max: 10_000, counts: [0, 0, 0, 0], logarithmic: true)
        for (i, (lo, hi)) in [(1.0, 10.0), (10, 100), (100, 1000), (1000, 10_000)].enumerated() {
            let b = h.bounds(i)
            #expect(abs(b.lower - lo) < 1e-9 * hi && abs(b.upper - hi) < 1e-9 * hi, "bin \(i): \(b)")
        }
        #expect(h.bin(5) == 0 && h.bin(50) == 1 && h.bin(10_000) == 3)
    }

    /// The type labels completion and `.schema` show, from the facets.
    @Test func typedPathsLabelTypesAndArrayElements() throws {
        let dir = NSTemporaryDirectory() + "quarry-facets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            {"_id": "a", "title": "x", "metadata": {"year": 2020, "tags": ["a"], "who": null}}
            {"_id": "b", "title": "y", "metadata": {"year": 2021.5, "tags": [], "who": "x"}}
            """.write(toFile: dir + "/c.jsonl", atomically: true, encoding: .utf8)
        let wb = try Workbench(path: dir + "/q.db")
        try wb.importRecords(ImportOptions(path: dir + "/c.jsonl", collection: "c"))
        let list = Dictionary(try wb.facets(collection: "c").typedPaths.map { ($0.path, $0.type) }, uniquingKeysWith: { a, _ in a })
        #expect(list["metadata.year"] == "number")
        #expect(list["metadata.tags"] == "array<string>")
        #expect(list["metadata.who"] == "string|null")
    }
}
