import CGEOS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A geometry parsed from Well-Known Text by GEOS (the only Swift file that calls `GEOS*_r`).
///
/// Coordinates are longitude (x) and latitude (y) in degrees, as WKT and Milvus write them:
/// `POINT(13.40 52.52)` is Berlin. The spatial predicates are GEOS's, which follow the DE-9IM
/// model of the OGC Simple Features specification (Egenhofer & Herring, "Categorizing binary
/// topological relations between regions, lines, and points in geographic databases", 1990;
/// OGC 06-103r4). They are planar in degrees; only `ST_DWITHIN` measures on the sphere
/// (`GeoDistance`).
///
/// A geometry is immutable once made and read by several threads; GEOS contexts are per thread
/// (CGEOS's shim), so no lock is needed.
public final class Geometry: @unchecked Sendable, CustomStringConvertible {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { GEOSGeom_destroy_r(quarry_geos_context(), handle) }

    /// Parses WKT (`POINT(lon lat)`, `LINESTRING(…)`, `POLYGON((…))`, `MULTI…`, `GEOMETRYCOLLECTION(…)`).
    /// Empty geometries and coordinates outside longitude −180…180 / latitude −90…90 are refused.
    public static func parse(_ wkt: String) throws(GeometryError) -> Geometry {
        let ctx = quarry_geos_context()
        _ = quarry_geos_take_message()
        guard let g = GEOSWKTReader_read_r(ctx, quarry_geos_reader(), wkt) else {
            throw .invalidWKT(message: Self.cleaned(String(cString: quarry_geos_take_message())))
        }
        let geometry = Geometry(handle: g)
        guard GEOSisEmpty_r(ctx, g) == 0 else { throw .empty }
        let box = geometry.envelope
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else {
            throw .outOfRange(box)
        }
        return geometry
    }

    /// A point at `lon`, `lat` (checked like `parse`).
    public static func point(lon: Double, lat: Double) throws(GeometryError) -> Geometry {
        guard lon.isFinite, lat.isFinite else { throw .invalidWKT(message: "coordinates must be finite numbers") }
        return try parse("POINT(\(JSONValue.format(lon)) \(JSONValue.format(lat)))")
    }

    /// GEOS says `ParseException: Expected word but encountered number: '1'`; the class name
    /// tells people nothing.
    static func cleaned(_ message: String) -> String {
        var m = Substring(message)
        for prefix in ["ParseException: ", "IllegalArgumentException: "] where m.hasPrefix(prefix) { m = m.dropFirst(prefix.count) }
        while let last = m.last, last == " " || last == "\n" { m = m.dropLast() }
        return m.isEmpty ? "not Well-Known Text" : String(m)
    }

    /// The bounding box (GEOS's envelope).
    public var envelope: BoundingBox {
        let ctx = quarry_geos_context()
        var a = 0.0, b = 0.0, c = 0.0, d = 0.0
        _ = GEOSGeom_getXMin_r(ctx, handle, &a)
        _ = GEOSGeom_getXMax_r(ctx, handle, &b)
        _ = GEOSGeom_getYMin_r(ctx, handle, &c)
        _ = GEOSGeom_getYMax_r(ctx, handle, &d)
        return BoundingBox(minX: a, minY: c, maxX: b, maxY: d)
    }

    /// The coordinates when the geometry is a single point.
    public var point: (lon: Double, lat: Double)? {
        let ctx = quarry_geos_context()
        guard GEOSGeomTypeId_r(ctx, handle) == Int32(GEOS_POINT.rawValue) else { return nil }
        var x = 0.0, y = 0.0
        guard GEOSGeomGetX_r(ctx, handle, &x) == 1, GEOSGeomGetY_r(ctx, handle, &y) == 1 else { return nil }
        return (x, y)
    }

    /// The geometry's type name in WKT's spelling: `POINT`, `POLYGON`, ….
    public var typeName: String {
        guard let p = GEOSGeomType_r(quarry_geos_context(), handle) else { return "GEOMETRY" }
        defer { GEOSFree_r(quarry_geos_context(), p) }
        return String(cString: p).uppercased()
    }

    /// WKT as GEOS writes it (trimmed trailing zeros).
    public var description: String {
        let ctx = quarry_geos_context()
        guard let w = GEOSWKTWriter_create_r(ctx) else { return typeName }
        defer { GEOSWKTWriter_destroy_r(ctx, w) }
        GEOSWKTWriter_setTrim_r(ctx, w, 1)
        guard let p = GEOSWKTWriter_write_r(ctx, w, handle) else { return typeName }
        defer { GEOSFree_r(ctx, p) }
        return String(cString: p)
    }

    /// `relation(self, other)`: self is the field's geometry (Milvus's A), other the query's (B).
    public func satisfies(_ relation: GeoRelation, _ other: Geometry) -> Bool {
        let ctx = quarry_geos_context()
        let r: CChar
        switch relation {
        case .contains: r = GEOSContains_r(ctx, handle, other.handle)
        case .intersects: r = GEOSIntersects_r(ctx, handle, other.handle)
        case .within: r = GEOSWithin_r(ctx, handle, other.handle)
        case .equals: r = GEOSEquals_r(ctx, handle, other.handle)
        case .touches: r = GEOSTouches_r(ctx, handle, other.handle)
        case .overlaps: r = GEOSOverlaps_r(ctx, handle, other.handle)
        case .crosses: r = GEOSCrosses_r(ctx, handle, other.handle)
        }
        return r == 1  // 2 is GEOS's exception: no match
    }

    /// The great-circle distance in metres from `point` to the nearest point of this geometry.
    /// Exact (haversine) when this geometry is a point. Otherwise 0 when it covers the point in
    /// the longitude/latitude plane, else the haversine distance to the nearest point GEOS finds
    /// in that plane: an upper bound of the spherical distance, so `ST_DWITHIN` never matches a
    /// geometry farther than its radius (it may miss a long line whose planar-nearest point is
    /// not its spherical-nearest one).
    public func distanceMetres(to point: (lon: Double, lat: Double), pointGeometry: Geometry) -> Double {
        if let p = self.point { return GeoDistance.haversine(lon1: p.lon, lat1: p.lat, lon2: point.lon, lat2: point.lat) }
        let ctx = quarry_geos_context()
        if GEOSIntersects_r(ctx, handle, pointGeometry.handle) == 1 { return 0 }
        guard let seq = GEOSNearestPoints_r(ctx, handle, pointGeometry.handle) else { return .infinity }
        defer { GEOSCoordSeq_destroy_r(ctx, seq) }
        var x = 0.0, y = 0.0
        guard GEOSCoordSeq_getXY_r(ctx, seq, 0, &x, &y) == 1 else { return .infinity }
        return GeoDistance.haversine(lon1: x, lat1: y, lon2: point.lon, lat2: point.lat)
    }
}

/// Milvus's spatial relations, `ST_<NAME>(field, 'WKT')`: the field's geometry is the first operand.
public enum GeoRelation: String, Sendable, CaseIterable {
    case contains, intersects, within, equals, touches, overlaps, crosses
}

/// Why a geometry was refused. Turned into words in `message`.
public enum GeometryError: Error, Equatable, Sendable {
    case invalidWKT(message: String)
    case empty
    case outOfRange(BoundingBox)
    /// A JSON value that is neither a WKT string nor a `{"lat": …, "lon": …}` object.
    case notAGeometry(found: String)

    public var message: String {
        switch self {
        case let .invalidWKT(m): return "invalid WKT: \(m)"
        case .empty: return "an empty geometry has no location"
        case let .outOfRange(b):
            return "coordinates out of range (longitude -180..180, latitude -90..90): x \(JSONValue.format(b.minX))..\(JSONValue.format(b.maxX)), y \(JSONValue.format(b.minY))..\(JSONValue.format(b.maxY))"
        case let .notAGeometry(found):
            return "expected a WKT string or an object {\"lat\": …, \"lon\": …}, found \(found)"
        }
    }
}

extension Geometry {
    /// The geometry a record's JSON value holds: a WKT string, or a point as `{"lat", "lon"}`.
    /// Returns the geometry and its WKT (the string as given, or `POINT(lon lat)`).
    public static func from(json value: JSONValue) throws(GeometryError) -> (Geometry, String) {
        switch value {
        case let .string(s):
            return (try parse(s), s)
        case let .object(members):
            let lat = members.first { $0.key == "lat" }?.value.doubleValue
            let lon = (members.first { $0.key == "lon" } ?? members.first { $0.key == "lng" })?.value.doubleValue
            guard let lat, let lon, members.count == 2 else { throw .notAGeometry(found: "an object with keys \(members.map(\.key).joined(separator: ", "))") }
            let wkt = "POINT(\(JSONValue.format(lon)) \(JSONValue.format(lat)))"
            return (try parse(wkt), wkt)
        default:
            throw .notAGeometry(found: value.typeName)
        }
    }
}

/// An axis-aligned box in degrees: x is longitude, y latitude.
public struct BoundingBox: Equatable, Sendable, CustomStringConvertible {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public func intersects(_ o: BoundingBox) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }

    public var description: String {
        func f(_ x: Double) -> String { JSONValue.format((x * 1e5).rounded() / 1e5) }
        return "lon \(f(minX))..\(f(maxX)), lat \(f(minY))..\(f(maxY))"
    }
}

/// Distances on the sphere, for `ST_DWITHIN` (metres).
public enum GeoDistance {
    /// The mean radius of the Earth, metres (IUGG: R₁ = (2a + b) / 3 of WGS 84).
    public static let earthRadius = 6_371_008.8

    /// The haversine great-circle distance (Sinnott, "Virtues of the Haversine", Sky and
    /// Telescope 68(2), 1984), in metres, between two longitude/latitude points in degrees.
    public static func haversine(lon1: Double, lat1: Double, lon2: Double, lat2: Double) -> Double {
        let r = Double.pi / 180
        let dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadius * asin(min(1, h.squareRoot()))
    }

    /// Boxes (one, or two across the antimeridian) that hold every point within `metres` of
    /// (`lon`, `lat`): the bounding coordinates of a spherical cap (J. P. Matuschek, "Finding
    /// Points Within a Distance of a Latitude/Longitude Using Bounding Coordinates", 2010). A
    /// cap that reaches a pole spans every longitude; a cap wider than the Earth is the world.
    public static func boxes(lon: Double, lat: Double, metres: Double) -> [BoundingBox] {
        let r = Double.pi / 180
        let angular = max(0, metres) / earthRadius  // radians
        // A little slack so that rounding never drops a point on the circle.
        let slack = 1e-9
        let dLat = angular / r + slack
        let minLat = lat - dLat, maxLat = lat + dLat
        if angular >= Double.pi || minLat <= -90 || maxLat >= 90 {
            return [BoundingBox(minX: -180, minY: max(-90, minLat), maxX: 180, maxY: min(90, maxLat))]
        }
        let dLon = asin(min(1, sin(angular) / cos(lat * r))) / r + slack
        let minLon = lon - dLon, maxLon = lon + dLon
        if minLon < -180 {
            return [BoundingBox(minX: minLon + 360, minY: minLat, maxX: 180, maxY: maxLat),
                    BoundingBox(minX: -180, minY: minLat, maxX: maxLon, maxY: maxLat)]
        }
        if maxLon > 180 {
            return [BoundingBox(minX: minLon, minY: minLat, maxX: 180, maxY: maxLat),
                    BoundingBox(minX: -180, minY: minLat, maxX: maxLon - 360, maxY: maxLat)]
        }
        return [BoundingBox(minX: minLon, minY: minLat, maxX: maxLon, maxY: maxLat)]
    }
}
