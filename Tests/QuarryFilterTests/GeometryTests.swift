import Foundation
import QuarryBase
import Testing

@testable import QuarryFilter

// MARK: - Oracles written apart from the engine

/// The great-circle distance by the spherical law of cosines in its numerically stable form
/// (Vincenty's formula for the sphere): an independent computation of what `haversine` returns.
func sphericalDistance(lon1: Double, lat1: Double, lon2: Double, lat2: Double) -> Double {
    let r = Double.pi / 180
    let p1 = lat1 * r, p2 = lat2 * r, dl = (lon2 - lon1) * r
    let a: Double = cos(p2) * sin(dl)
    let b: Double = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl)
    let y: Double = (a * a + b * b).squareRoot()
    let x: Double = sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(dl)
    return atan2(y, x) * 6_371_008.8
}

/// A stand-in R-Tree for tests: the envelope of every record's geometry, searched by brute force.
struct BoxList: GeometryIndex {
    let path: FilterPath
    let boxes: [BoundingBox?]

    init(path: FilterPath, records: [JSONValue]) {
        self.path = path
        boxes = records.map { r in (path.resolve(in: r)).flatMap { try? Geometry.from(json: $0).0.envelope } }
    }

    func covers(_ p: FilterPath) -> Bool { p == path }

    func candidates(path p: FilterPath, boxes search: [BoundingBox]) -> Bitmap? {
        guard p == path else { return nil }
        return Bitmap(boxes.indices.filter { i in boxes[i].map { b in search.contains { $0.intersects(b) } } ?? false }.map(UInt32.init))
    }

    func candidateCount(path p: FilterPath, boxes search: [BoundingBox]) -> Int? { candidates(path: p, boxes: search)?.count }
}

func record(_ i: Int, _ location: JSONValue?) -> JSONValue {
    var m = [JSONMember("id", .string("p\(i)"))]
    if let location { m.append(JSONMember("location", location)) }
    m.append(JSONMember("metadata", .object([JSONMember("n", .int(Int64(i)))])))
    return .object(m)
}

func executors(_ records: [JSONValue]) -> (IndexedFilterExecutor, ScanFilterExecutor) {
    let row: (UInt32) -> JSONValue = { records[Int($0)] }
    let index = PathIndex.build(count: records.count, record: row)
    return (IndexedFilterExecutor(index: index, geometry: BoxList(path: FilterPath("location"), records: records), record: row),
            ScanFilterExecutor(count: records.count, record: row))
}

// MARK: - Distances

@Test func haversineAgreesWithAnIndependentFormulaAndKnownDistances() {
    // Berlin to Paris, and a quarter of the equator, by hand: π/2 · R.
    let berlinParis = GeoDistance.haversine(lon1: 13.40, lat1: 52.52, lon2: 2.35, lat2: 48.86)
    #expect(abs(berlinParis - 877_000) < 3_000)
    #expect(abs(GeoDistance.haversine(lon1: 0, lat1: 0, lon2: 90, lat2: 0) - Double.pi / 2 * 6_371_008.8) < 1e-6)
    #expect(abs(GeoDistance.haversine(lon1: 179.5, lat1: 0, lon2: -179.5, lat2: 0) - Double.pi / 180 * 6_371_008.8) < 1e-6)
    var rng = SplitMix64(seed: 7)
    for _ in 0..<2_000 {
        let a = (Double.random(in: -180...180, using: &rng), Double.random(in: -90...90, using: &rng))
        let b = (Double.random(in: -180...180, using: &rng), Double.random(in: -90...90, using: &rng))
        let h = GeoDistance.haversine(lon1: a.0, lat1: a.1, lon2: b.0, lat2: b.1)
        #expect(abs(h - sphericalDistance(lon1: a.0, lat1: a.1, lon2: b.0, lat2: b.1)) < 0.01)
    }
}

/// The boxes of a radius hold every point within it: near the poles, across the antimeridian,
/// and for radii from metres to half the Earth.
@Test func dwithinBoxesHoldEveryPointWithinTheRadius() {
    var rng = SplitMix64(seed: 11)
    for trial in 0..<400 {
        let lat = trial % 4 == 0 ? Double.random(in: 80...90, using: &rng) * (trial % 8 == 0 ? 1 : -1) : Double.random(in: -89...89, using: &rng)
        let lon = trial % 3 == 0 ? (Bool.random(using: &rng) ? 179.9 : -179.9) : Double.random(in: -180...180, using: &rng)
        let metres = [50.0, 5_000, 200_000, 3_000_000, 15_000_000][trial % 5]
        let boxes = GeoDistance.boxes(lon: lon, lat: lat, metres: metres)
        for _ in 0..<50 {
            // A point at a random bearing and a random distance up to the radius (direct geodesic on the sphere).
            let d = Double.random(in: 0...1, using: &rng) * metres / 6_371_008.8
            let bearing = Double.random(in: 0..<(2 * Double.pi), using: &rng)
            let p1 = lat * Double.pi / 180, l1 = lon * Double.pi / 180
            let p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(bearing))
            var l2 = (l1 + atan2(sin(bearing) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2))) * 180 / Double.pi
            l2 = (l2 + 540).truncatingRemainder(dividingBy: 360) - 180
            let point = BoundingBox(minX: l2, minY: p2 * 180 / Double.pi, maxX: l2, maxY: p2 * 180 / Double.pi)
            #expect(boxes.contains { $0.intersects(point) }, "lon \(lon) lat \(lat) r \(metres): \(l2) \(p2 * 180 / Double.pi) outside \(boxes)")
        }
    }
}

/// ST_DWITHIN with the R-Tree equals the haversine distances computed independently, and the scan.
@Test func dwithinMatchesIndependentDistancesAndTheScan() throws {
    var rng = SplitMix64(seed: 3)
    var records: [JSONValue] = []
    var points: [(Double, Double)?] = []
    for i in 0..<3_000 {
        // Clusters near the antimeridian and the poles besides uniform points; some records have none.
        let lon: Double, lat: Double
        switch i % 5 {
        case 0: lon = Double.random(in: 178...180, using: &rng) * (Bool.random(using: &rng) ? 1 : -1); lat = Double.random(in: -10...10, using: &rng)
        case 1: lon = Double.random(in: -180...180, using: &rng); lat = Double.random(in: 85...90, using: &rng)
        default: lon = Double.random(in: -180...180, using: &rng); lat = Double.random(in: -90...90, using: &rng)
        }
        if i % 17 == 0 { records.append(record(i, nil)); points.append(nil); continue }
        let value: JSONValue = i % 2 == 0 ? .string("POINT(\(lon) \(lat))") : .object([JSONMember("lat", .double(lat)), JSONMember("lon", .double(lon))])
        records.append(record(i, value))
        points.append((lon, lat))
    }
    let (indexed, scan) = executors(records)
    let centres: [(Double, Double)] = [(179.9, 0), (-179.95, 5), (0, 89.9), (45, -89), (13.4, 52.52), (-9.14, 38.72)]
    for (k, c) in centres.enumerated() {
        for metres in [1_000.0, 150_000, 900_000, 4_000_000] {
            let text = "st_DWithin(location, 'POINT(\(c.0) \(c.1))', \(Int(metres)))"
            let q = try FilterQuery.parse(text)
            let fast = indexed.execute(q)
            let expected = Bitmap(points.indices.filter { i in
                guard let p = points[i] else { return false }
                return sphericalDistance(lon1: p.0, lat1: p.1, lon2: c.0, lat2: c.1) <= metres
            }.map(UInt32.init))
            #expect(fast.matches == expected, "\(text)")
            #expect(fast.matches == scan.execute(q).matches, "\(text)")
            #expect(fast.plan.operation == "R-Tree Scan", "\(k)")
        }
    }
}

// MARK: - Predicates against hand-computed geometry

/// An axis-aligned rectangle on an integer grid, where every relation is computed by hand.
struct Rect {
    var x0: Int, y0: Int, x1: Int, y1: Int
    var wkt: String { "POLYGON((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1), \(x0) \(y0)))" }

    func intersects(_ o: Rect) -> Bool { x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1 }
    func interiorsMeet(_ o: Rect) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    func covers(_ o: Rect) -> Bool { x0 <= o.x0 && o.x1 <= x1 && y0 <= o.y0 && o.y1 <= y1 }

    func relation(_ r: GeoRelation, _ o: Rect) -> Bool {
        switch r {
        case .intersects: return intersects(o)
        case .contains: return covers(o)
        case .within: return o.covers(self)
        case .equals: return covers(o) && o.covers(self)
        case .touches: return intersects(o) && !interiorsMeet(o)
        case .overlaps: return interiorsMeet(o) && !covers(o) && !o.covers(self)
        case .crosses: return false  // two areas never cross
        }
    }

    /// A point (px, py) as the record's geometry against this rectangle as the query.
    static func pointRelation(_ r: GeoRelation, _ px: Int, _ py: Int, _ q: Rect) -> Bool {
        let inside = q.x0 < px && px < q.x1 && q.y0 < py && py < q.y1
        let onBoundary = q.intersects(Rect(x0: px, y0: py, x1: px, y1: py)) && !inside
        switch r {
        case .intersects: return inside || onBoundary
        case .within: return inside
        case .touches: return onBoundary
        case .contains, .equals, .overlaps, .crosses: return false
        }
    }
}

@Test func relationsAgreeWithHandComputedRectanglesAndPointsAndTheScan() throws {
    var rng = SplitMix64(seed: 5)
    func rect() -> Rect {
        let x0 = Int.random(in: -8...6, using: &rng), y0 = Int.random(in: -8...6, using: &rng)
        return Rect(x0: x0, y0: y0, x1: x0 + Int.random(in: 1...5, using: &rng), y1: y0 + Int.random(in: 1...5, using: &rng))
    }
    var shapes: [Rect] = []
    var pts: [(Int, Int)] = []
    var records: [JSONValue] = []
    for i in 0..<600 {
        if i % 2 == 0 {
            let r = rect()
            shapes.append(r)
            records.append(record(i, .string(r.wkt)))
        } else {
            let p = (Int.random(in: -9...12, using: &rng), Int.random(in: -9...12, using: &rng))
            pts.append(p)
            records.append(record(i, .string("POINT(\(p.0) \(p.1))")))
        }
    }
    let (indexed, scan) = executors(records)
    for _ in 0..<40 {
        let q = rect()
        for relation in GeoRelation.allCases {
            let text = "ST_\(relation.rawValue.uppercased())(location, '\(q.wkt)')"
            let query = try FilterQuery.parse(text)
            var expected: [UInt32] = []
            var s = 0, p = 0
            for i in 0..<records.count {
                if i % 2 == 0 {
                    if shapes[s].relation(relation, q) { expected.append(UInt32(i)) }
                    s += 1
                } else {
                    if Rect.pointRelation(relation, pts[p].0, pts[p].1, q) { expected.append(UInt32(i)) }
                    p += 1
                }
            }
            let fast = indexed.execute(query)
            #expect(fast.matches == Bitmap(expected), "\(text)")
            #expect(fast.matches == scan.execute(query).matches, "\(text)")
        }
    }
}

/// Lines: crossing and touching, by hand.
@Test func linesCrossAndTouchAsDrawn() throws {
    let records = [record(0, .string("LINESTRING(0 0, 10 10)")), record(1, .string("LINESTRING(0 10, 4 6)")),
                   record(2, .string("LINESTRING(20 20, 30 30)")), record(3, .string("POINT(5 5)"))]
    let (indexed, _) = executors(records)
    func ids(_ text: String) throws -> [UInt32] { indexed.execute(try FilterQuery.parse(text)).matches.toArray() }
    #expect(try ids("ST_CROSSES(location, 'LINESTRING(0 10, 10 0)')") == [0])
    #expect(try ids("ST_TOUCHES(location, 'LINESTRING(4 6, 10 0)')") == [1])
    #expect(try ids("ST_INTERSECTS(location, 'LINESTRING(0 10, 10 0)')") == [0, 1, 3])
    #expect(try ids("ST_EQUALS(location, 'POINT(5 5)')") == [3])
    #expect(try ids("ST_CONTAINS(location, 'POINT(5 5)')") == [0, 3])
}

// MARK: - Plans, composition and errors

@Test func rtreeScanShowsCandidatesAndRunsFirstInAnAnd() throws {
    let records = (0..<200).map { i in record(i, .string("POINT(\(i % 20) \(i / 20))")) }
    let (indexed, scan) = executors(records)
    let q = try FilterQuery.parse("metadata.n >= 0 and ST_WITHIN(location, 'POLYGON((0.5 0.5, 3.5 0.5, 3.5 2.5, 0.5 2.5, 0.5 0.5))')")
    let r = indexed.execute(q)
    #expect(r.count == 6)
    #expect(r.matches == scan.execute(q).matches)
    let text = r.plan.renderText()
    #expect(text.contains("R-Tree Scan on location  (R-Tree candidates 6 → exact predicate)"), "\(text)")
    #expect(r.plan.children.first?.operation == "R-Tree Scan", "\(text)")
    #expect(indexed.explain(q.expr).renderText(analyzed: false).contains("R-Tree candidates 6 → exact predicate"))
    // Not, or: the complement and the union, as the scan.
    for t in ["not ST_WITHIN(location, 'POLYGON((0 0, 5 0, 5 5, 0 5, 0 0))')",
              "ST_DWITHIN(location, 'POINT(0 0)', 200000) or metadata.n == 199"] {
        let q = try FilterQuery.parse(t)
        #expect(indexed.execute(q).matches == scan.execute(q).matches, "\(t)")
    }
}

@Test func geometryFilterErrorsSayWhere() {
    let cases: [(String, String)] = [
        ("ST_WITHIN(location, 'POLYGON((0 0, 1 0, 1 1))')",
         "line 1, column 21: invalid WKT: Points of LinearRing do not form a closed linestring\n  ST_WITHIN(location, 'POLYGON((0 0, 1 0, 1 1))')\n                      ^"),
        ("st_contains(location, 'POINT(1)')", "line 1, column 23: invalid WKT: Expected number but encountered ')'"),
        ("ST_DWITHIN(location, 'POLYGON((0 0, 1 0, 1 1, 0 0))', 10)", "line 1, column 22: st_dwithin measures from a POINT, found a POLYGON"),
        ("ST_DWITHIN(location, 'POINT(0 0)', -1)", "line 1, column 36: the distance of st_dwithin must be a literal, found -1 (expected metres, a number >= 0)"),
        ("ST_DWITHIN(location, 'POINT(0 0)')", "line 1, column 1: st_dwithin takes 3 arguments (geometry field, 'POINT(lon lat)', metres), found 2 arguments"),
        ("ST_WITHIN(location, 5)", "line 1, column 21: the geometry of st_within must be a literal, found 5 (expected a WKT string such as 'POINT(13.40 52.52)')"),
        ("ST_WITHIN(location, 'POINT(200 0)')", "line 1, column 21: coordinates out of range (longitude -180..180, latitude -90..90): x 200.0..200.0, y 0.0..0.0"),
        ("ST_WITHIN('x', 'POINT(0 0)')", "line 1, column 11: expected a geometry field as the first argument of st_within, found \"x\""),
        ("ST_WITHN(location, 'POINT(0 0)')", "line 1, column 1: unknown function ST_WITHN; did you mean st_within?"),
    ]
    for (source, expected) in cases {
        do {
            _ = try FilterQuery.parse(source)
            Issue.record("\(source) parsed")
        } catch {
            let text = expected.contains("\n") ? error.rendered(source: source) : error.description
            #expect(text.hasPrefix(expected), "\(source)")
        }
    }
}

@Test func geometryValuesFromJSON() throws {
    let (g, wkt) = try Geometry.from(json: .object([JSONMember("lat", .double(38.72)), JSONMember("lon", .double(-9.14))]))
    #expect(wkt == "POINT(-9.14 38.72)")
    #expect(g.point?.lon == -9.14 && g.point?.lat == 38.72)
    #expect(throws: GeometryError.notAGeometry(found: "int")) { try Geometry.from(json: .int(3)) }
    #expect(throws: GeometryError.empty) { try Geometry.parse("POINT EMPTY") }
    // Records whose value is not a geometry match nothing, as a missing value.
    let records = [record(0, .string("not wkt")), record(1, .int(4)), record(2, nil), record(3, .string("POINT(0 0)"))]
    let (_, scan) = executors(records)
    #expect(scan.execute(try FilterQuery.parse("ST_DWITHIN(location, 'POINT(0 0)', 1)")).matches.toArray() == [3])
    #expect(scan.execute(try FilterQuery.parse("not ST_DWITHIN(location, 'POINT(0 0)', 1)")).matches.toArray() == [0, 1, 2])
}
