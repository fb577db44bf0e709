import Foundation
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
        return RTreeGeometryIndex(database: database, collection: collection, fields: Set(fields), rows: try rows(collection: collection))
    }

    /// The R-Tree steps of a filter's plan as details of the statement's filter node (the first
    /// line of the plan is already its `Plan` detail): `R-Tree: on location (R-Tree candidates
    /// 73 → exact predicate) (est … rows=66) (actual … rows=72)`.
    static func rtreeDetails(_ planText: String, into node: inout PlanNode) {
        for (i, line) in planText.split(separator: "\n").enumerated() {
            guard let r = line.range(of: "R-Tree Scan") else { continue }
            if i == 0 && node.details.contains(where: { $0.label == "Plan" }) { continue }
            node.detail("R-Tree", String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
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
    /// The rows the exact predicate reads: the candidates are fetched alone when they are few.
    var rows: RecordRows? = nil

    func covers(_ path: FilterPath) -> Bool { field(path) != nil }

    private func field(_ path: FilterPath) -> String? {
        guard path.components.count == 1, case let .key(f) = path.components[0], fields.contains(f) else { return nil }
        return f
    }

    func candidates(path: FilterPath, boxes: [BoundingBox]) -> Bitmap? {
        guard let f = field(path), let ordinals = try? database.geometryCandidates(collection: collection, field: f, boxes: boxes) else { return nil }
        rows?.prefetch(ordinals)
        return Bitmap(ordinals)
    }

    func candidateCount(path: FilterPath, boxes: [BoundingBox]) -> Int? {
        guard let f = field(path) else { return nil }
        return (try? database.geometryCandidateCount(collection: collection, field: f, boxes: boxes)) ?? nil
    }
}
