import QuarryBase

/// A spatial condition, Milvus's `ST_*` operators: `ST_CONTAINS(location, 'POLYGON((…))')`,
/// `ST_DWITHIN(location, 'POINT(-9.14 38.72)', 30000)`.
///
/// Semantics (one more paragraph of `FilterSemantics`):
/// - The first argument is a path (a geometry field declared with `quarry import --geometry NAME`
///   is the top-level path `NAME`); its value is a WKT string or a `{"lat": …, "lon": …}` object.
///   A record whose value is missing, null or not a geometry matches no `ST_*` condition.
/// - `ST_<REL>(A, B)` is GEOS's DE-9IM predicate with the record's geometry as A and the literal
///   as B: `contains`, `intersects`, `within`, `equals`, `touches`, `overlaps`, `crosses`. They are
///   planar, in degrees (as Milvus's, and PostGIS's on `geometry`).
/// - `ST_DWITHIN(A, 'POINT(lon lat)', metres)` is true when A is within `metres` of the point on
///   the sphere (`Geometry.distanceMetres`: haversine, exact for points). The point must be a
///   POINT, the distance a number ≥ 0.
public struct GeoCondition: Equatable, Sendable, CustomStringConvertible {
    public enum Operator: Equatable, Sendable {
        case relation(GeoRelation)
        case dwithin(metres: Double)
    }

    public var op: Operator
    public var path: FilterPath
    /// The literal as written.
    public var wkt: String
    /// The literal, parsed.
    public let query: Geometry

    public init(op: Operator, path: FilterPath, wkt: String, query: Geometry) {
        self.op = op
        self.path = path
        self.wkt = wkt
        self.query = query
    }

    public static func == (a: GeoCondition, b: GeoCondition) -> Bool { a.op == b.op && a.path == b.path && a.wkt == b.wkt }

    /// The operator's name as written in plans: `st_dwithin`.
    public var name: String {
        switch op {
        case let .relation(r): return "st_" + r.rawValue
        case .dwithin: return "st_dwithin"
        }
    }

    public var description: String {
        let literal = FilterExpr.literalText(.string(wkt))
        switch op {
        case .relation: return "\(name)(\(path), \(literal))"
        case let .dwithin(m):
            let metres = m == m.rounded() && abs(m) < 1e15 ? String(Int64(m)) : JSONValue.format(m)
            return "\(name)(\(path), \(literal), \(metres))"
        }
    }

    /// The operator names the filter language knows (lower case; any case is accepted).
    public static let names = GeoRelation.allCases.map { "st_" + $0.rawValue } + ["st_dwithin"]

    /// True when the record's geometry at `path` satisfies the condition.
    public func matches(_ record: JSONValue) -> Bool {
        guard let value = path.resolve(in: record), value != .null,
              let (geometry, _) = try? Geometry.from(json: value) else { return false }
        return matches(geometry)
    }

    /// The exact predicate on a record's geometry.
    public func matches(_ geometry: Geometry) -> Bool {
        switch op {
        case let .relation(r): return geometry.satisfies(r, query)
        case let .dwithin(metres):
            guard let p = query.point else { return false }
            return geometry.distanceMetres(to: p, pointGeometry: query) <= metres
        }
    }

    /// Boxes that every matching geometry's bounding box intersects: the R-Tree's query. Every
    /// relation but `dwithin` needs a common point with the literal, so its envelope; `dwithin`
    /// needs a point within the radius, so the spherical cap's bounding coordinates.
    public var searchBoxes: [BoundingBox] {
        switch op {
        case .relation: return [query.envelope]
        case let .dwithin(metres):
            guard let p = query.point else { return [] }
            return GeoDistance.boxes(lon: p.lon, lat: p.lat, metres: metres)
        }
    }
}

/// Where geometry filters get their candidates: an R-Tree over the bounding boxes of a
/// geometry field. Answers nil for a path it does not cover (the filter then scans).
public protocol GeometryIndex {
    /// True when the index holds the boxes of the geometry at `path`.
    func covers(_ path: FilterPath) -> Bool
    /// Ordinals whose bounding box at `path` intersects one of `boxes` (a superset of the
    /// matches; the exact predicate runs on each).
    func candidates(path: FilterPath, boxes: [BoundingBox]) -> Bitmap?
    /// How many ordinals `candidates` would return, without building them (for EXPLAIN).
    func candidateCount(path: FilterPath, boxes: [BoundingBox]) -> Int?
}

// MARK: - Lowering

extension Lowering {
    /// `ST_<REL>(path, 'WKT')` or `ST_DWITHIN(path, 'POINT(lon lat)', metres)`; nil when `name`
    /// is not a spatial operator.
    func geoCondition(_ name: String, _ args: [Node], at location: SourceLocation) throws(FilterError) -> FilterExpr? {
        let lower = name.lowercased()
        guard GeoCondition.names.contains(lower) else { return nil }
        let relation = GeoRelation(rawValue: String(lower.dropFirst(3)))
        let usage = relation == nil ? "3 arguments (geometry field, 'POINT(lon lat)', metres)" : "2 arguments (geometry field, 'WKT')"
        guard args.count == (relation == nil ? 3 : 2) else {
            throw .wrongArguments(function: lower, usage: usage, found: args.count, at: location)
        }
        guard case let .path(path) = args[0].syntax else {
            throw .unexpected(found: args[0].text, expected: "a geometry field as the first argument of \(lower)", at: args[0].location)
        }
        _ = try value(args[0])  // an unknown path gets "did you mean"
        guard case let .literal(.string(wkt)) = args[1].syntax else {
            throw .notALiteral(context: "the geometry of \(lower)", found: args[1].text + " (expected a WKT string such as 'POINT(13.40 52.52)')", at: args[1].location)
        }
        let query: Geometry
        do { query = try Geometry.parse(wkt) } catch {
            throw .invalidGeometry(error.message, at: args[1].location)
        }
        if let relation {
            return .geo(GeoCondition(op: .relation(relation), path: path, wkt: wkt, query: query))
        }
        guard query.point != nil else {
            throw .invalidGeometry("st_dwithin measures from a POINT, found a \(query.typeName)", at: args[1].location)
        }
        let metres: Double
        switch args[2].syntax {
        case let .literal(.int(i)) where i >= 0: metres = Double(i)
        case let .literal(.double(d)) where d >= 0 && d.isFinite: metres = d
        default:
            throw .notALiteral(context: "the distance of st_dwithin", found: args[2].text + " (expected metres, a number >= 0)", at: args[2].location)
        }
        return .geo(GeoCondition(op: .dwithin(metres: metres), path: path, wkt: wkt, query: query))
    }
}
