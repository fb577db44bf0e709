import Foundation
import GRDB
import Testing
@testable import QuarryStorage
import QuarryBase

/// `--geometry NAME`: values checked with file:line, kept as WKT, boxed in an R*Tree that
/// commits with the records.
@Suite struct GeometryImportTests {
    /// Places within 150 km of Lisbon, cut from Samples/places (Tests/Fixtures/README.md).
    static var lisbon: String {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/places/lisbon.jsonl").path
    }

    func importPlaces(_ dir: TempDir) throws -> QuarryDatabase {
        let db = try QuarryDatabase(path: dir.file("q.db"))
        var o = ImportOptions(path: Self.lisbon, collection: "places")
        o.geometryFields = ["location"]
        _ = try Importer(database: db, options: o).run()
        return db
    }

    @Test func pointsBecomeWKTAndTheirBoxesAnswerBoxQueries() throws {
        let dir = TempDir()
        let db = try importPlaces(dir)
        #expect(try db.collection(named: "places").geometryFields == ["location"])
        var points: [UInt32: (Double, Double)] = [:]
        try db.forEachRecord(collection: "places") { r in
            guard case let .string(wkt)? = r.row["location"] else { Issue.record("no location on \(r.id)"); return }
            #expect(wkt.hasPrefix("POINT("))
            #expect(r.metadata["location"] == nil)
            let p = try Geometry.parse(wkt).point!
            points[r.ordinal] = (p.lon, p.lat)
        }
        #expect(points.count == 87)
        // Boxes on a grid around Lisbon: the R*Tree returns at least every point inside (it may
        // return a point within float32 rounding of the edge), and nothing far outside.
        for (x0, y0) in [(-9.5, 38.5), (-9.3, 38.6), (-9.0, 38.8), (-8.0, 37.0), (-10.0, 39.0)] {
            let box = BoundingBox(minX: x0, minY: y0, maxX: x0 + 0.3, maxY: y0 + 0.25)
            let found = Set(try #require(try db.geometryCandidates(collection: "places", field: "location", boxes: [box])))
            let inside = Set(points.filter { box.intersects(BoundingBox(minX: $0.value.0, minY: $0.value.1, maxX: $0.value.0, maxY: $0.value.1)) }.keys)
            #expect(inside.isSubset(of: found), "\(box)")
            let slack = BoundingBox(minX: box.minX - 1e-4, minY: box.minY - 1e-4, maxX: box.maxX + 1e-4, maxY: box.maxY + 1e-4)
            for o in found { #expect(slack.intersects(BoundingBox(minX: points[o]!.0, minY: points[o]!.1, maxX: points[o]!.0, maxY: points[o]!.1))) }
            #expect(try db.geometryCandidateCount(collection: "places", field: "location", boxes: [box]) == found.count)
        }
        #expect(try db.geometryCandidates(collection: "places", field: "nope", boxes: []) == nil)
        // Dropping the collection drops its R*Tree.
        try db.drop(collection: "places")
        let tables = try db.read { d in try String.fetchAll(d, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'") }
        #expect(tables.isEmpty)
    }

    @Test func wktOfEveryKindAndLaterImportsAreBoxed() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let first = dir.write("a.jsonl", """
            {"_id":"a","title":"square","area":"POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))"}
            {"_id":"b","title":"road","area":"LINESTRING(5 5, 7 9)"}
            {"_id":"c","title":"nowhere","area":null}
            {"_id":"d","title":"no field"}

            """)
        var o = ImportOptions(path: first, collection: "shapes")
        o.geometryFields = ["area"]
        _ = try Importer(database: db, options: o).run()
        // A later import into the collection boxes its geometry without --geometry.
        let second = dir.write("b.jsonl", "{\"_id\":\"e\",\"title\":\"pin\",\"area\":{\"lat\":8,\"lon\":6}}\n")
        _ = try Importer(database: db, options: ImportOptions(path: second, collection: "shapes")).run()
        let all = BoundingBox(minX: -180, minY: -90, maxX: 180, maxY: 90)
        #expect(try db.geometryCandidates(collection: "shapes", field: "area", boxes: [all])?.sorted() == [0, 1, 4])
        #expect(try db.geometryCandidates(collection: "shapes", field: "area", boxes: [BoundingBox(minX: 6, minY: 6, maxX: 6.5, maxY: 7)])?.sorted() == [1])
        let e = try #require(try db.record(collection: "shapes", ordinal: 4))
        #expect(e.row["area"] == .string("POINT(6.0 8.0)") || e.row["area"] == .string("POINT(6 8)"))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var lines: String
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "bad WKT", lines: "{\"_id\":\"a\",\"title\":\"x\",\"location\":\"POINT(1 2)\"}\n{\"_id\":\"b\",\"title\":\"y\",\"location\":\"POINT(1)\"}\n",
             message: "g.jsonl:2: geometry field 'location': invalid WKT: Expected number but encountered ')'"),
        Case(name: "latitude out of range", lines: "{\"_id\":\"a\",\"title\":\"x\",\"location\":{\"lat\":91,\"lon\":0}}\n",
             message: "g.jsonl:1: geometry field 'location': coordinates out of range (longitude -180..180, latitude -90..90): x 0.0..0.0, y 91.0..91.0"),
        Case(name: "not a geometry", lines: "{\"_id\":\"a\",\"title\":\"x\",\"location\":[1,2]}\n",
             message: "g.jsonl:1: geometry field 'location': expected a WKT string or an object {\"lat\": …, \"lon\": …}, found array"),
        Case(name: "object with other keys", lines: "{\"_id\":\"a\",\"title\":\"x\",\"location\":{\"x\":1,\"y\":2}}\n",
             message: "g.jsonl:1: geometry field 'location': expected a WKT string or an object {\"lat\": …, \"lon\": …}, found an object with keys x, y"),
        Case(name: "unclosed ring", lines: "{\"_id\":\"a\",\"title\":\"x\",\"location\":\"POLYGON((0 0, 1 0, 1 1))\"}\n",
             message: "g.jsonl:1: geometry field 'location': invalid WKT: Points of LinearRing do not form a closed linestring"),
    ]

    /// Bad geometry: the message names file, line and field; the database is exactly as before.
    @Test(arguments: cases)
    func badGeometryGivesFileAndLineAndChangesNothing(c: Case) throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        let before = try dump(db)
        var o = ImportOptions(path: dir.write("g.jsonl", c.lines), collection: "g")
        o.geometryFields = ["location"]
        do {
            _ = try Importer(database: db, options: o).run()
            Issue.record("expected: \(c.message)")
        } catch {
            #expect(error.message == c.message)
        }
        #expect(try dump(db) == before)
        let tables = try db.read { d in try String.fetchAll(d, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'") }
        #expect(tables.isEmpty)
    }

    @Test func geometryFieldsAreDeclaredWhenTheCollectionIsMade() throws {
        let dir = TempDir()
        let db = try QuarryDatabase(path: dir.file("q.db"))
        _ = try Importer(database: db, options: ImportOptions(path: dir.write("a.jsonl", "{\"_id\":\"a\",\"title\":\"x\"}\n"), collection: "c")).run()
        let before = try dump(db)
        for (field, message) in [
            ("location", "--geometry location: collection 'c' already has records; declare geometry fields when it is created (or import into a new collection)"),
            ("title", "--geometry 'title': 'title' is a text field of 'c'"),
            ("a-b", "--geometry 'a-b': a geometry field's name is letters, digits and '_' (not id or metadata)"),
        ] {
            var o = ImportOptions(path: dir.write("b.jsonl", "{\"_id\":\"b\",\"title\":\"y\"}\n"), collection: "c")
            o.geometryFields = [field]
            #expect(throws: StorageError.invalidArgument(message)) { try Importer(database: db, options: o).run() }
        }
        #expect(try dump(db) == before)
    }
}
