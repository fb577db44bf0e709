import QuarryConsole
import QuarryEngine

/// `.geo`: the geometry filters in one screen, and the geometry fields of the open database.
extension REPL {
    static let geoHelp = [
        "ST_DWITHIN(F, 'POINT(lon lat)', metres)   within metres of the point on the sphere (haversine)",
        "ST_INTERSECTS(F, 'WKT')                   F and the geometry share a point",
        "ST_CONTAINS(F, 'WKT') / ST_WITHIN(F, 'WKT')  F holds the geometry / lies inside it",
        "ST_EQUALS, ST_TOUCHES, ST_OVERLAPS, ST_CROSSES (F, 'WKT')  the other DE-9IM relations",
        "F is a geometry field (quarry import --geometry F); WKT is lon lat: 'POINT(-9.14 38.72)'.",
        "An R-Tree gives the candidates, GEOS checks each exactly: EXPLAIN shows both counts.",
        "Example: SEARCH places MATCH 'beach town' WHERE ST_DWITHIN(location, 'POINT(-9.14 38.72)', 40000) LIMIT 5;",
    ]

    func dotGeo(_ args: [String]) -> Bool {
        for line in Self.geoHelp { output.line(line) }
        do {
            let fields = try workbench.collections().filter { !$0.geometryFields.isEmpty }
                .map { "\($0.name): \($0.geometryFields.joined(separator: ", "))" }
            output.line(fields.isEmpty ? "No collection here has a geometry field." : "Geometry fields: " + fields.joined(separator: "; "))
            return true
        } catch { output.error(ErrorText.describe(error)); return false }
    }
}
