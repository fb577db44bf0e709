import CSQLite
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
    /// Opened read-only — asked for (`quarry mcp` without `--allow-writes`), or the file or its
    /// folder cannot be written: every read works, a change is refused with
    /// `StorageError.readOnly`, and opening neither migrates nor removes orphan segment files.
    public let isReadOnly: Bool

    /// Opens (and creates, unless `mustExist`) the database at `path`. An existing database whose
    /// file or folder cannot be written (someone else's, a read-only mount) is opened read-only:
    /// nothing is migrated, cleaned or locked for writing, and reads work.
    /// - Parameter busyTimeout: how long to wait for another process's lock before failing.
    /// - Parameter readOnly: open an existing database for reading only (`quarry mcp` without
    ///   `--allow-writes`); a file that needs a migration first is refused.
    public init(path: String, mustExist: Bool = false, busyTimeout: TimeInterval = 2, readOnly: Bool = false) throws(StorageError) {
        self.path = path
        if (mustExist || readOnly) && !FileManager.default.fileExists(atPath: path) { throw .fileNotFound(path: path) }
        // Someone else's SQLite file is refused before anything (even the journal mode) touches it.
        if let tables = try Self.foreignTables(path) { throw .notQuarry(path: path, tables: tables) }
        let exists = FileManager.default.fileExists(atPath: path)
        isReadOnly = readOnly || exists && (access(path, W_OK) != 0 || !Self.folderIsWritable(path))
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        let opensReadOnly = isReadOnly
        config.readonly = opensReadOnly
        config.prepareDatabase { db in
            if !opensReadOnly {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB: bulk imports touch many pages
        }
        do {
            queue = try DatabaseQueue(path: opensReadOnly ? Self.readOnlyPath(path) : path, configuration: config)
        } catch {
            throw Self.translate(error, path: path)
        }
        try checkFormatAndMigrate()
        if !isReadOnly { try removeOrphanSegments() }
    }

    /// SQLite reads `file:` URIs once this ran before its first connection (see CSQLite's shim).
    private static let enableURIs: Void = { _ = quarry_sqlite_enable_uri() }()

    /// What a read-only connection opens: the path, or — for a WAL database in a folder that
    /// cannot be written, where SQLite could not create the -shm it shares — the database as an
    /// immutable `file:` URI (nobody can be writing it where we cannot).
    static func readOnlyPath(_ path: String) -> String {
        enableURIs
        let immutable = !folderIsWritable(path) && !FileManager.default.fileExists(atPath: path + "-shm")
        return immutable ? "file:\(uriPath(path))?immutable=1" : path
    }

    /// Whether this process may create files beside `path` (SQLite's -wal and -shm, segments).
    static func folderIsWritable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return access(folder.isEmpty ? "." : folder, W_OK) == 0
    }

    /// `path` as the path part of a `file:` URI.
    static func uriPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? absolute
    }

    /// The tables of an existing SQLite file that is not a Quarry database (nil for a Quarry
    /// database, an empty file or none), read through a read-only connection.
    static func foreignTables(_ path: String) throws(StorageError) -> [String]? {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        guard size > 0 else { return nil }
        var config = Configuration()
        config.readonly = true
        do {
            let q = try DatabaseQueue(path: readOnlyPath(path), configuration: config)
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
            let migrator = Self.migrator(segmentFolder: segmentFolder)
            if isReadOnly {
                guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
                    throw StorageError.invalidArgument("\(path): this database needs upgrading to format \(Self.formatVersion), and it is read-only here; open it once where it can be written")
                }
                return
            }
            try migrator.migrate(queue)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    // MARK: - Access

    /// Runs `body` in one write transaction; any error rolls everything back.
    public func write<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        if isReadOnly { throw .readOnly(path: path) }
        do { return try queue.write(body) } catch { throw Self.translate(error, path: path) }
    }

    public func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.read(body) } catch { throw Self.translate(error, path: path) }
    }

    /// One statement's read, outside a transaction (SQLite reads a consistent snapshot per
    /// statement). For point lookups on every search: `read` opens a transaction, and preparing
    /// its BEGIN and COMMIT (GRDB sets its authorizer as it prepares) expires every cached
    /// statement, which SQLite then parses and plans again at its next step.
    public func readStatement<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.inDatabase(body) } catch { throw Self.translate(error, path: path) }
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
