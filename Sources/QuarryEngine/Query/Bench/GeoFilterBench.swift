import Foundation
import QuarryBase
import QuarryFilter
import QuarryStorage

/// The geometry part of `quarry bench filter`: `ST_DWITHIN` on the places sample (GeoNames
/// cities, imported with `--geometry location` into a fresh database), answered by the R-Tree
/// (SQLite's R*Tree candidates, then the exact haversine predicate on each) against the row scan
/// that applies the exact predicate to every record (the oracle). The radius of each row is the
/// distance from Berlin within which the target fraction of the places lies, so the selectivity
/// is what the row says. Both sides read records from memory; the timings are medians.
public enum GeoFilterBench {
    public static let centre = (lon: 13.40, lat: 52.52)

    public static func run(places: String, repeats: Int, selectivities: [Double] = [0.001, 0.01, 0.1]) throws -> JSONValue {
        let dir = NSTemporaryDirectory() + "quarry-bench-geo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try QuarryDatabase(path: dir + "/places.db")
        var options = ImportOptions(path: places, collection: "places")
        options.geometryFields = ["location"]
        let imported = try Importer(database: db, options: options).run()
        var rows: [JSONValue] = []
        try db.forEachRecord(collection: "places") { rows.append($0.row) }
        let count = rows.count
        let row: (UInt32) -> JSONValue = { rows[Int($0)] }
        let index = PathIndex.build(count: count, record: row)
        let rtree = RTreeGeometryIndex(database: db, collection: "places", fields: ["location"])
        let indexed = IndexedFilterExecutor(index: index, geometry: rtree, record: row)
        let scan = ScanFilterExecutor(count: count, record: row)

        let distances = rows.compactMap { r -> Double? in
            guard case let .string(wkt)? = r["location"], let p = try? Geometry.parse(wkt).point else { return nil }
            return GeoDistance.haversine(lon1: p.lon, lat1: p.lat, lon2: centre.lon, lat2: centre.lat)
        }.sorted()
        var out: [JSONValue] = []
        for s in selectivities {
            let target = max(1, Int(Double(count) * s))
            // Halfway between the target-th and the next place: rounding cannot move either across.
            let k = min(distances.count - 1, target - 1)
            let metres = ((distances[k] + distances[min(distances.count - 1, k + 1)]) / 2).rounded()
            let text = "ST_DWITHIN(location, 'POINT(\(JSONValue.format(centre.lon)) \(JSONValue.format(centre.lat)))', \(Int(metres)))"
            let q = try FilterQuery.parse(text, catalog: index.catalog)
            var fast: FilterResult?
            var fastTimes: [Double] = []
            for _ in 0..<max(1, repeats) { fastTimes.append(FilterBenchmark.milliseconds { fast = indexed.execute(q) }) }
            var slow: FilterResult?
            var slowTimes: [Double] = []
            for _ in 0..<max(1, repeats / 2) { slowTimes.append(FilterBenchmark.milliseconds { slow = scan.execute(q) }) }
            let fastMs = FilterBenchmark.median(fastTimes), slowMs = FilterBenchmark.median(slowTimes)
            let matches = fast?.count ?? 0
            let selectivity = Double(matches) / Double(max(1, count))
            var m: [JSONMember] = [JSONMember("target_selectivity", .double(s)), JSONMember("filter", .string(text))]
            m.append(JSONMember("matches", .int(Int64(matches))))
            m.append(JSONMember("actual_selectivity", .double(selectivity)))
            m.append(JSONMember("rtree_candidates", .int(Int64(fast?.plan.rowsExamined ?? 0))))
            m.append(JSONMember("indexed_ms", .double(fastMs)))
            m.append(JSONMember("scan_ms", .double(slowMs)))
            m.append(JSONMember("speedup", .double(fastMs > 0 ? slowMs / fastMs : 0)))
            m.append(JSONMember("agrees_with_scan", .bool(fast?.matches == slow?.matches)))
            m.append(JSONMember("plan", .string(fast?.plan.renderText() ?? "")))
            out.append(.object(m))
        }
        return .object([
            JSONMember("records", .int(Int64(count))), JSONMember("source", .string((places as NSString).lastPathComponent)),
            JSONMember("import_s", .double(imported.seconds)), JSONMember("rows", .array(out)),
        ])
    }
}
