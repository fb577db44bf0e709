import Foundation
import GRDB
import QuarryBase

/// A Quarry database: one SQLite file in WAL mode holding collections, their records,
/// vectors, query sets, qrels, index snapshots and evaluation runs.
///
/// The schema is created and upgraded by versioned migrations (`Database+Migrations.swift`).
/// A file written by a newer Quarry (a higher `format_version` in the `meta` table) is refused.
/// Every statement that changes data runs in one transaction, so a crash or a kill leaves the
/// file as it was before the last committed statement.
public final class QuarryDatabase: @unchecked Sendable {
    /// The format this build writes and the newest it reads.
    public static let formatVersion = 2

    public let path: String
    let queue: DatabaseQueue
    /// Opened read-only: SQLite refuses every write, and opening neither migrates nor removes
    /// orphan segment files (a writer's next open does).
    public let isReadOnly: Bool

    /// Opens (and creates, unless `mustExist`) the database at `path`.
    /// - Parameter busyTimeout: how long to wait for another process's lock before failing.
    /// - Parameter readOnly: open an existing database for reading only (`quarry mcp` without
    ///   `--allow-writes`); a file that needs a migration first is refused.
    public init(path: String, mustExist: Bool = false, busyTimeout: TimeInterval = 2, readOnly: Bool = false) throws(StorageError) {
        self.path = path
        isReadOnly = readOnly
        if (mustExist || readOnly) && !FileManager.default.fileExists(atPath: path) { throw .fileNotFound(path: path) }
        // Someone else's SQLite file is refused before anything (even the journal mode) touches it.
        if let tables = try Self.foreignTables(path) { throw .notQuarry(path: path, tables: tables) }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        config.prepareDatabase { db in
            if !readOnly {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB: bulk imports touch many pages
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.translate(error, path: path)
        }
        try checkFormatAndMigrate()
        if !readOnly { try removeOrphanSegments() }
    }

    /// The tables of an existing SQLite file that is not a Quarry database (nil for a Quarry
    /// database, an empty file or none), read through a read-only connection.
    static func foreignTables(_ path: String) throws(StorageError) -> [String]? {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        guard size > 0 else { return nil }
        var config = Configuration()
        config.readonly = true
        do {
            let q = try DatabaseQueue(path: path, configuration: config)
            defer { try? q.close() }
            let names = try q.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
            if names.isEmpty || (names.contains("meta") && names.contains("collections")) { return nil }
            return names
        } catch {
            throw translate(error, path: path)
        }
    }

    private func checkFormatAndMigrate() throws(StorageError) {
        do {
            let found: Int? = try queue.read { db in
                guard try db.tableExists("meta") else { return nil }
                return try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'")
            }
            if let found, found > Self.formatVersion {
                throw StorageError.newerFormat(path: path, found: found, supported: Self.formatVersion)
            }
            if isReadOnly {
                let current = try queue.read { try Self.migrator(segmentFolder: segmentFolder).hasCompletedMigrations($0) }
                if !current { throw StorageError.invalidArgument("\(path): written by an older Quarry; open it once for writing (any quarry command) to upgrade it") }
                return
            }
            try Self.migrator(segmentFolder: segmentFolder).migrate(queue)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    // MARK: - Access

    /// Runs `body` in one write transaction; any error rolls everything back.
    public func write<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.write(body) } catch { throw Self.translate(error, path: path) }
    }

    public func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.read(body) } catch { throw Self.translate(error, path: path) }
    }

    /// Runs `PRAGMA integrity_check`; "ok" when the file is sound.
    public func integrityCheck() throws(StorageError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// Turns any error into a StorageError with words people understand.
    static func translate(_ error: any Error, path: String) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
            case .SQLITE_READONLY: return .readOnly(path: path)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path)
            case .SQLITE_CANTOPEN: return .invalidArgument("\(path): cannot open the database file")
            case .SQLITE_INTERRUPT: return .interrupted
            default: return .sqlite(error.message ?? "\(error.resultCode)")
            }
        }
        return .sqlite(String(describing: error))
    }
}
