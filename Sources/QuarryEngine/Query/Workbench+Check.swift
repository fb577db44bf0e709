import QuarryStorage
import Foundation
import QuarryEval
import QuarryLexical
import QuarryVector

/// `quarry check`: Quarry's CheckIndex (as Lucene's). Reads everything through: SQLite's
/// integrity check, every segment file's headers and checksums, and that the catalog, the
/// files and the records agree on their counts.
public struct CheckReport: Sendable {
    public struct Finding: Sendable {
        /// What was checked ("the HNSW index of 'embedding' in 'scifact'").
        public var what: String
        public var ok: Bool
        public var detail: String
    }

    public var findings: [Finding] = []
    public var ok: Bool { findings.allSatisfy(\.ok) }

    public var json: JSONValue {
        .object([JSONMember("ok", .bool(ok)), JSONMember("checks", .array(findings.map {
            .object([JSONMember("what", .string($0.what)), JSONMember("ok", .bool($0.ok)), JSONMember("detail", .string($0.detail))])
        }))])
    }
}

extension Workbench {
    /// Checks the database, or one collection of it. `progress(what)` names each step.
    public func check(collection only: String? = nil, progress: (String) -> Void = { _ in }) throws -> CheckReport {
        var report = CheckReport()
        if only == nil {
            progress("SQLite integrity check")
            let result = try database.integrityCheck()
            report.findings.append(.init(what: "the SQLite file", ok: result == "ok", detail: result == "ok" ? "integrity_check: ok" : result))
        }
        let names = try only.map { [try database.collection(named: $0).name] } ?? database.collections().map(\.name)
        for name in names {
            let count = try database.ordinalCount(collection: name)
            let deleted = try database.deletedOrdinals(collection: name).count
            for entry in try database.segments(collection: name) {
                let what = "\(entry.owner) of '\(name)' (\(entry.files.joined(separator: ", ")))"
                progress("checking \(what)")
                do {
                    let version: UInt32 = entry.kind == VectorChunk.kind ? VectorChunk.version
                        : entry.kind == LexicalIndex.segmentKind ? LexicalIndex.segmentVersion
                        : entry.kind == IdChunk.kind ? IdChunk.version : 2
                    let file = try database.open(entry, kind: entry.kind, version: version, name: what)
                    try file.verify()
                    var detail = "\(NumberText.grouped(file.fileBytes)) bytes, checksums match"
                    if entry.kind == VectorChunk.kind {
                        let chunk = try VectorChunk(file: file)
                        guard Int(chunk.firstOrdinal) + chunk.count <= count else {
                            throw SegmentError.damaged(what, "holds ordinals up to \(Int(chunk.firstOrdinal) + chunk.count), the collection \(count)")
                        }
                        detail += ", \(NumberText.grouped(chunk.count)) rows from ordinal \(chunk.firstOrdinal)"
                    }
                    if entry.kind == IdChunk.kind {
                        let chunk = try IdChunk(file: file)
                        guard Int(chunk.firstOrdinal) + chunk.count <= count else {
                            throw SegmentError.damaged(what, "holds ordinals up to \(Int(chunk.firstOrdinal) + chunk.count), the collection \(count)")
                        }
                        // Every live record of the range has its id there.
                        var differ = 0, first: (UInt32, String)?
                        try database.forEachID(collection: name, ordinals: Int(chunk.firstOrdinal)..<(Int(chunk.firstOrdinal) + chunk.count)) { o, id in
                            if chunk.id(o) != id { differ += 1; first = first ?? (o, id) }
                        }
                        if let (o, id) = first {
                            throw SegmentError.damaged(what, "\(differ) id(s) differ from the records' (ordinal \(o) is '\(id)', the chunk says '\(chunk.id(o) ?? "")')")
                        }
                        detail += ", \(NumberText.grouped(chunk.count)) ids from ordinal \(chunk.firstOrdinal), as the records say"
                    }
                    report.findings.append(.init(what: what, ok: true, detail: detail))
                } catch {
                    report.findings.append(.init(what: what, ok: false, detail: "\(error)"))
                }
            }
            // Every index opens and agrees with the records.
            invalidate()
            for info in try database.indexes(collection: name) {
                let what = "the \(info.kind) index '\(info.name)' of '\(name)'"
                progress("opening \(what)")
                do {
                    if info.name == Self.lexicalSnapshotName {
                        let index = try lexicalIndex(collection: name)
                        let live = count - deleted
                        guard index.liveDocumentCount == live else {
                            throw EngineError.badParameter("indexes \(index.liveDocumentCount) live documents, the collection has \(live)")
                        }
                        report.findings.append(.init(what: what, ok: true, detail: "\(NumberText.grouped(index.liveDocumentCount)) documents in \(index.segmentCount) segment(s)"))
                    } else if info.name.hasPrefix("vector:") {
                        let v = try fieldVectors(collection: name, field: info.field)
                        report.findings.append(.init(what: what, ok: true, detail: "\(NumberText.grouped(v.sealedRows)) sealed rows, \(NumberText.grouped(v.growingRows)) growing"))
                    } else {
                        _ = try pathIndex(collection: name)
                        report.findings.append(.init(what: what, ok: true, detail: "opens"))
                    }
                } catch {
                    report.findings.append(.init(what: what, ok: false, detail: "\(error)"))
                }
            }
        }
        return report
    }
}
