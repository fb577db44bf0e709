import Foundation
import QuarryFilter
import QuarryLexical
import QuarryVector

/// Format 1 kept each index as one blob in the SQLite file (and could not store one above
/// 1 GB). The storage migration moves the vectors into segment files; the indexes are
/// converted here, the first time a writer opens the database, with the readers of format 1.
extension Workbench {
    func migrateLegacyIndexes() throws(StorageError) {
        let legacy = try database.legacySnapshotNames()
        guard !legacy.isEmpty else { return }
        for (collection, name) in legacy {
            do {
                try migrateLegacyIndex(collection: collection, name: name)
            } catch {
                // An index that cannot be converted is dropped: rebuilding it gives it back.
                try database.dropLegacySnapshot(collection: collection, name: name)
            }
        }
        invalidate()
    }

    private func migrateLegacyIndex(collection: String, name: String) throws {
        guard let (info, data) = try database.legacySnapshot(collection: collection, name: name) else { return }
        switch info.kind {
        case "bm25":
            let index = try LexicalIndex(serialized: data)
            var changes = SegmentChanges()
            for i in 0..<index.segmentCount {
                let done = try writeLexicalSegment(index, i, collection: collection)
                let range = index.ordinalRange(ofSegment: i)
                changes.additions.append(.init(owner: Self.lexicalSnapshotName, seq: i, segment: done, kind: LexicalIndex.segmentKind,
                                               firstOrdinal: Int(range.lowerBound), rows: Int(range.count)))
            }
            // Records a format-1 index had not seen are found as a growing segment at the next open.
            let covered = (0..<index.segmentCount).map { Int(index.ordinalRange(ofSegment: $0).upperBound) }.max() ?? 0
            try database.saveIndex(collection: collection, name: name, kind: "bm25", field: info.field,
                                   params: lexicalParams(index), state: lexicalState(coveredUntil: covered), changes: changes)
        case "json_path":
            // Rebuilt from the records: quick, and the new one is read from a segment file.
            try database.dropLegacySnapshot(collection: collection, name: name)
            cache.paths[collection] = nil
            let requested: [String] = {
                guard case let .array(items)? = info.params["requested"] else { return [] }
                return items.compactMap(\.stringValue)
            }()
            try buildPathIndex(collection: collection, extraPaths: requested)
        default:
            // A vector index: rebuilt over the field's vectors (now a chunk file) with its parameters.
            guard name.hasPrefix("vector:") else { return }
            let field = String(name.dropFirst("vector:".count))
            var parameters: [String: String] = [:]
            if case let .object(members) = info.params {
                for m in members where m.key != "metric" { parameters[m.key] = m.value.stringValue }
            }
            try buildVectorIndex(collection: collection, field: field, type: info.kind, parameters: parameters)
        }
    }
}
