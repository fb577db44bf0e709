import QuarryBase
import QuarryFilter
import QuarryStorage

/// Geometry filters: the R-Trees of a collection's geometry fields, as the filter executor's
/// `GeometryIndex` (the boxes live in SQLite's R*Tree tables, Database+Geometry.swift).
extension Workbench {
    /// The collection's R-Trees, or nil when it has no geometry field.
    func geometryIndex(collection: String) throws -> (any GeometryIndex)? {
        let fields = try database.collection(named: collection).geometryFields
        guard !fields.isEmpty else { return nil }
        return RTreeGeometryIndex(database: database, collection: collection, fields: Set(fields))
    }

    /// The executor of a collection's filters: its path index, its R-Trees and its rows.
    func filterExecutor(collection: String) throws -> IndexedFilterExecutor {
        let index = try pathIndex(collection: collection)
        let rows = try rows(collection: collection)
        return IndexedFilterExecutor(index: index, geometry: try geometryIndex(collection: collection)) { rows[Int($0)] }
    }
}

/// A geometry field's R*Tree, read with one SQL query per search box.
struct RTreeGeometryIndex: GeometryIndex {
    let database: QuarryDatabase
    let collection: String
    let fields: Set<String>

    func covers(_ path: FilterPath) -> Bool { field(path) != nil }

    private func field(_ path: FilterPath) -> String? {
        guard path.components.count == 1, case let .key(f) = path.components[0], fields.contains(f) else { return nil }
        return f
    }

    func candidates(path: FilterPath, boxes: [BoundingBox]) -> Bitmap? {
        guard let f = field(path), let ordinals = try? database.geometryCandidates(collection: collection, field: f, boxes: boxes) else { return nil }
        return Bitmap(ordinals)
    }

    func candidateCount(path: FilterPath, boxes: [BoundingBox]) -> Int? {
        guard let f = field(path) else { return nil }
        return (try? database.geometryCandidateCount(collection: collection, field: f, boxes: boxes)) ?? nil
    }
}
