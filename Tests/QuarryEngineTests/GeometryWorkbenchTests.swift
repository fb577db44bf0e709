import Foundation
import QuarryBase
import QuarryStorage
import Testing
@testable import QuarryEngine

/// Geometry filters through the workbench: the R-Tree in the database, the plan, statements,
/// and records replaced by an upsert (whose old box stays in the R-Tree as a stale candidate).
@Suite struct GeometryWorkbenchTests {
    static var lisbon: String {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/places/lisbon.jsonl").path
    }

    /// The places of the fixture with their coordinates, read from the file (not the engine).
    static func places() throws -> [(id: String, lon: Double, lat: Double)] {
        try String(contentsOfFile: lisbon, encoding: .utf8).split(separator: "\n").map { line in
            let v = try JSONParser.parse(String(line))
            return (v["_id"]!.stringValue!, v["location"]!["lon"]!.doubleValue!, v["location"]!["lat"]!.doubleValue!)
        }
    }

    /// Great-circle distance by the spherical law of cosines (atan2 form), apart from the engine's haversine.
    static func metres(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
        let r = Double.pi / 180
        let p1 = lat1 * r, p2 = lat2 * r, dl = (lon2 - lon1) * r
        let a: Double = cos(p2) * sin(dl)
        let b: Double = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl)
        let x: Double = sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(dl)
        return atan2((a * a + b * b).squareRoot(), x) * 6_371_008.8
    }

    func workbench() throws -> (Workbench, String) {
        let dir = NSTemporaryDirectory() + "quarry-geo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let wb = try Workbench(path: dir + "/q.db")
        var o = ImportOptions(path: Self.lisbon, collection: "places")
        o.geometryFields = ["location"]
        try wb.importRecords(o)
        try wb.buildLexicalIndex(collection: "places")
        return (wb, dir)
    }

    func ids(_ wb: Workbench, _ filter: String) throws -> (Set<String>, String) {
        let r = try wb.filter(filter, collection: "places")
        var out = Set<String>()
        let rows = try wb.rows(collection: "places")
        r.matches.forEach { o in out.insert(rows[Int(o)]["id"]?.stringValue ?? "?"); return true }
        return (out, r.planText)
    }

    @Test func dwithinEqualsIndependentDistancesThroughTheRTree() throws {
        let (wb, dir) = try workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let places = try Self.places()
        for (lon, lat) in [(-9.14, 38.72), (-9.42, 38.70), (-8.9, 38.5)] {
            for radius in [2_000.0, 15_000, 40_000, 120_000] {
                let expected = Set(places.filter { Self.metres($0.lon, $0.lat, lon, lat) <= radius }.map(\.id))
                let (found, plan) = try ids(wb, "ST_DWITHIN(location, 'POINT(\(lon) \(lat))', \(Int(radius)))")
                #expect(found == expected, "\(lon) \(lat) \(radius)")
                #expect(plan.hasPrefix("R-Tree Scan on location  (R-Tree candidates "), "\(plan)")
            }
        }
    }

    @Test func upsertedPlacesMoveAndStatementsShowTheRTree() throws {
        let (wb, dir) = try workbench()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Cascais moves to Berlin: its old box stays in the R-Tree, its old record is deleted.
        let moved = dir + "/moved.jsonl"
        try "{\"_id\":\"2269594\",\"title\":\"Cascais\",\"text\":\"moved\",\"location\":\"POINT(13.40 52.52)\"}\n".write(toFile: moved, atomically: true, encoding: .utf8)
        var o = ImportOptions(path: moved, collection: "places")
        o.upsert = true
        try wb.importRecords(o)
        #expect(try !ids(wb, "ST_DWITHIN(location, 'POINT(-9.42147 38.69681)', 100)").0.contains("2269594"))
        #expect(try ids(wb, "ST_DWITHIN(location, 'POINT(13.4 52.52)', 100)").0 == ["2269594"])
        #expect(try ids(wb, "ST_WITHIN(location, 'POLYGON((13 52, 14 52, 14 53, 13 53, 13 52))')").0 == ["2269594"])

        guard case let .explain(r, _) = try wb.execute("EXPLAIN ANALYZE SEARCH places MATCH 'town' WHERE ST_DWITHIN(location, 'POINT(-9.14 38.72)', 20000) LIMIT 5") else {
            Issue.record("not an explain")
            return
        }
        let text = r.plan.render(analyze: true)
        #expect(text.contains("R-Tree Scan on location  (R-Tree candidates "), "\(text)")
        let places = try Self.places()
        for hit in r.hits {
            let p = try #require(places.first { $0.id == hit.id })
            #expect(Self.metres(p.lon, p.lat, -9.14, 38.72) <= 20_000, "\(hit.id)")
        }
        #expect(!r.hits.isEmpty)
        // A misspelt field gets "did you mean"; bad WKT gets line, column and caret.
        #expect(throws: (any Error).self) { try wb.filter("ST_DWITHIN(locaton, 'POINT(0 0)', 5)", collection: "places") }
        do {
            _ = try wb.filter("ST_INTERSECTS(location, 'POLYGON((0 0, 1 1))')", collection: "places")
            Issue.record("bad WKT parsed")
        } catch let e as FilterSyntaxError {
            #expect(e.column == 25)
            #expect(e.rendered.contains("^"))
        }
    }
}
