import Foundation
import GRDB
import QuarryBase

/// A segment as the catalog names it (table `segments`): bulk data — vectors and every index —
/// lives in segment files in the folder beside the database (`quarry.db` → `quarry.db.segments/`),
/// and only these rows say which files are current.
public struct SegmentEntry: Sendable, Equatable {
    /// What the segment belongs to: `vectors:FIELD` (a field's vector chunks), `vector:FIELD`
    /// (its ANN index), `bm25` (lexical segments), `paths` (the JSON path index).
    public var owner: String
    /// Order within the owner (chunks by ordinal, lexical segments by age).
    public var seq: Int
    /// The content's kind (`QVEC`, `QVHN`, …).
    public var kind: String
    /// File names of the parts, in order, inside the segment folder.
    public var files: [String]
    public var bytes: Int
    /// The record ordinals the segment covers, where that applies.
    public var firstOrdinal: Int?
    public var rows: Int?

    public init(owner: String, seq: Int, kind: String, files: [String], bytes: Int, firstOrdinal: Int? = nil, rows: Int? = nil) {
        self.owner = owner
        self.seq = seq
        self.kind = kind
        self.files = files
        self.bytes = bytes
        self.firstOrdinal = firstOrdinal
        self.rows = rows
    }
}

/// What one catalog transaction does to segments: adds finished segments, removes old ones.
/// Removed files are deleted after the commit; added ones are published (renamed into place)
/// inside the transaction, so a crash leaves either the old catalog (and orphans the next
/// writer removes) or the new one.
public struct SegmentChanges {
    public struct Addition {
        public var owner: String
        public var seq: Int
        public var segment: FinishedSegment
        public var kind: String
        public var firstOrdinal: Int?
        public var rows: Int?

        public init(owner: String, seq: Int, segment: FinishedSegment, kind: String, firstOrdinal: Int? = nil, rows: Int? = nil) {
            self.owner = owner
            self.seq = seq
            self.segment = segment
            self.kind = kind
            self.firstOrdinal = firstOrdinal
            self.rows = rows
        }
    }

    public var additions: [Addition] = []
    /// Owners whose every segment is removed (re-indexing).
    public var removeOwners: [String] = []
    /// Single segments removed (chunks merged into a new one).
    public var removeEntries: [(owner: String, seq: Int)] = []

    public init() {}
}

extension QuarryDatabase {
    /// The folder of this database's segment files.
    public var segmentFolder: String { Self.segmentFolder(for: path) }
    static func segmentFolder(for path: String) -> String { path + ".segments" }

    /// The largest part file new segments are split at (`QUARRY_SEGMENT_PART_LIMIT` bytes when
    /// set: tests lower it so the multi-file paths run on small data).
    public static var partLimit: Int {
        if let s = ProcessInfo.processInfo.environment["QUARRY_SEGMENT_PART_LIMIT"], let n = Int(s), n >= SegmentFormat.alignment { return n }
        return SegmentFormat.defaultPartLimit
    }

    static func entry(from row: Row) -> SegmentEntry {
        let files = (try? JSONParser.parse(row["files"] as String)).flatMap { v -> [String]? in
            guard case let .array(items) = v else { return nil }
            return items.compactMap(\.stringValue)
        } ?? []
        return SegmentEntry(owner: row["owner"], seq: row["seq"], kind: row["kind"], files: files, bytes: row["bytes"],
                            firstOrdinal: row["first_ordinal"], rows: row["row_count"])
    }

    /// The catalog's segments of a collection, of one owner or of all, by owner and sequence.
    public func segments(collection: String, owner: String? = nil) throws(StorageError) -> [SegmentEntry] {
        try read { db in
            let cid = try collectionID(db, collection)
            return try Row.fetchAll(db, sql: """
                SELECT * FROM segments WHERE collection_id = ? AND (?2 IS NULL OR owner = ?2) ORDER BY owner, seq
                """, arguments: [cid, owner]).map(Self.entry(from:))
        }
    }

    /// The full paths of a segment's part files.
    public func paths(of entry: SegmentEntry) -> [String] { entry.files.map { segmentFolder + "/" + $0 } }

    /// Maps a segment (checking its headers), naming it `name` in errors.
    public func open(_ entry: SegmentEntry, kind: String, version: UInt32, name: String) throws(StorageError) -> SegmentFile {
        do { return try SegmentFile(paths: paths(of: entry), kind: kind, version: version, name: name) } catch { throw .segment(error) }
    }

    /// A writer for a new segment of `owner` in `collection`, with fresh file names.
    public func segmentWriter(collection: String, owner: String, kind: String, version: UInt32) throws(StorageError) -> SegmentWriter {
        if isReadOnly { throw .readOnly(path: path) }
        let folder = segmentFolder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .invalidArgument("\(folder): cannot create the segment folder (\(error.localizedDescription))")
        }
        var rng = SystemRandomNumberGenerator()
        let token = String(rng.next() as UInt64, radix: 16)
        let base = "\(Self.slug(collection))-\(Self.slug(owner))-\(token)"
        return SegmentWriter(kind: kind, version: version, partLimit: Self.partLimit) { "\(folder)/\(base).p\($0).\(SegmentFormat.fileExtension)" }
    }

    static func slug(_ s: String) -> String {
        String(s.unicodeScalars.map { ($0.properties.isAlphabetic || ("0"..."9").contains($0)) && $0.isASCII ? Character($0) : "_" }.prefix(40))
    }

    // MARK: - Committing

    /// Applies `changes` and `body` in one write transaction (holding the write lock from its
    /// start): publishes the added segments, updates the catalog, commits, then deletes the
    /// files of removed segments. On any error the added files are removed and nothing changes.
    public func commit<T>(collection: String, _ changes: SegmentChanges, _ body: (Database) throws -> T) throws(StorageError) -> T {
        var published: [String] = []
        var removed: [String] = []
        do {
            var result: T?
            try queue.inTransaction(.immediate) { db in
                let cid = try collectionID(db, collection)
                removed = try Self.apply(changes, db: db, collectionID: cid, folder: segmentFolder, published: &published)
                result = try body(db)
                return .commit
            }
            for f in removed { unlink(segmentFolder + "/" + f) }
            return result!
        } catch {
            for p in published { unlink(p) }
            for a in changes.additions { a.segment.discard() }
            throw Self.translate(error, path: path)
        }
    }

    /// The catalog side of `commit`, for callers already inside a transaction (an import).
    /// Returns the file names of removed segments, to delete after the commit.
    static func apply(_ changes: SegmentChanges, db: Database, collectionID cid: Int64, folder: String,
                      published: inout [String]) throws -> [String] {
        var removed: [String] = []
        for owner in changes.removeOwners {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM segments WHERE collection_id = ? AND owner = ?", arguments: [cid, owner]) {
                removed.append(contentsOf: entry(from: row).files)
            }
            try db.execute(sql: "DELETE FROM segments WHERE collection_id = ? AND owner = ?", arguments: [cid, owner])
        }
        for (owner, seq) in changes.removeEntries {
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM segments WHERE collection_id = ? AND owner = ? AND seq = ?", arguments: [cid, owner, seq]) {
                removed.append(contentsOf: entry(from: row).files)
            }
            try db.execute(sql: "DELETE FROM segments WHERE collection_id = ? AND owner = ? AND seq = ?", arguments: [cid, owner, seq])
        }
        for a in changes.additions {
            try a.segment.publish()
            published.append(contentsOf: a.segment.files.map(\.path))
            let names = a.segment.files.map { SegmentFile.fileName($0.path) }
            try db.execute(sql: """
                INSERT INTO segments (collection_id, owner, seq, kind, files, bytes, first_ordinal, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [cid, a.owner, a.seq, a.kind, JSONValue.array(names.map { .string($0) }).jsonText,
                                 a.segment.totalBytes, a.firstOrdinal, a.rows])
        }
        return removed
    }

    /// The next free sequence number of an owner's segments.
    public func nextSegmentSeq(collection: String, owner: String) throws(StorageError) -> Int {
        try read { db in
            let cid = try collectionID(db, collection)
            return (try Int.fetchOne(db, sql: "SELECT max(seq) FROM segments WHERE collection_id = ? AND owner = ?", arguments: [cid, owner]) ?? -1) + 1
        }
    }

    // MARK: - Cleaning

    /// Removes files no catalog row names: segments of an interrupted write (published before
    /// a commit that never happened) and temporary files no live writer holds. Runs in a write
    /// transaction, so no other process is publishing meanwhile. Returns the names removed.
    @discardableResult
    public func removeOrphanSegments() throws(StorageError) -> [String] {
        let folder = segmentFolder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        func catalogNames(_ db: Database) throws -> Set<String> {
            var named = Set<String>()
            for row in try Row.fetchAll(db, sql: "SELECT files FROM segments") {
                if case let .array(items)? = try? JSONParser.parse(row[0] as String) {
                    for case let .string(f) in items { named.insert(f) }
                }
            }
            return named
        }
        // A read first: usually nothing is left over, and then no write lock is taken.
        let named = try read { db in try catalogNames(db) }
        let candidates = names.filter {
            ($0.hasSuffix("." + SegmentFormat.fileExtension) && !named.contains($0))
                || ($0.hasSuffix(".tmp") && SegmentFiles.isAbandoned(folder + "/" + $0))
        }
        guard !candidates.isEmpty else { return [] }
        var removed: [String] = []
        do {
            try queue.inTransaction(.immediate) { db in
                let named = try catalogNames(db)
                for name in candidates {
                    let path = folder + "/" + name
                    if name.hasSuffix("." + SegmentFormat.fileExtension) && !named.contains(name) {
                        unlink(path)
                        removed.append(name)
                    } else if name.hasSuffix(".tmp") && SegmentFiles.isAbandoned(path) {
                        unlink(path)
                        removed.append(name)
                    }
                }
                return .commit
            }
        } catch {
            // Busy (another writer) or read-only: the next writer cleans up.
            return []
        }
        if !removed.isEmpty { SegmentFiles.syncFolder(folder) }
        return removed
    }
}
