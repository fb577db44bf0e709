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

    /// Opens (and creates, unless `mustExist`) the database at `path`.
    /// - Parameter busyTimeout: how long to wait for another process's lock before failing.
    public init(path: String, mustExist: Bool = false, busyTimeout: TimeInterval = 2) throws(StorageError) {
        self.path = path
        if mustExist && !FileManager.default.fileExists(atPath: path) { throw .fileNotFound(path: path) }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB: bulk imports touch many pages
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.translate(error, path: path)
        }
        try checkFormatAndMigrate()
        try removeOrphanSegments()
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
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path)
            case .SQLITE_CANTOPEN: return .invalidArgument("\(path): cannot open the database file")
            case .SQLITE_INTERRUPT: return .interrupted
            default: return .sqlite(error.message ?? "\(error.resultCode)")
            }
        }
        return .sqlite(String(describing: error))
    }
}
