import QuarryBase

/// Every error the storage layer and the importers report, turned into words in one place.
///
/// Data errors name the file and line (`corpus.jsonl:1207: expected ',' or '}'`); database
/// errors name the file. The messages are part of the interface: tests compare them exactly.
public enum StorageError: Error, Equatable, Sendable {
    case fileNotFound(path: String)
    case unknownFileType(path: String)
    case emptyFile(path: String)
    case malformedJSON(file: String, line: Int, column: Int, message: String)
    case invalidUTF8(file: String, line: Int, column: Int)
    case notAnObject(file: String, line: Int, found: String)
    case missingID(file: String, line: Int, field: String)
    case badID(file: String, line: Int, field: String, found: String)
    case duplicateID(file: String, line: Int, id: String, firstLine: Int?)
    case malformedCSV(file: String, line: Int, message: String)
    /// A value of a geometry field (`--geometry NAME`) that is not a geometry.
    case badGeometry(file: String, line: Int, field: String, message: String)
    case damagedFile(file: String, line: Int, message: String)
    case vectorCount(file: String, expected: Int, found: Int, what: String)
    case vectorDimension(file: String, expected: Int, found: Int, field: String)
    case badVectorFile(file: String, message: String)
    case nonFiniteVector(file: String, row: Int, column: Int)
    case noTextFields(file: String, available: [String])
    case textFieldMissing(field: String, available: [String])
    case collectionExists(String)
    case noSuchCollection(String, suggestion: String?)
    case noSuchRecord(collection: String, id: String)
    case locked(path: String)
    /// A change asked of a database opened read-only (asked for, or its file or folder cannot be written).
    case readOnly(path: String)
    case newerFormat(path: String, found: Int, supported: Int)
    case notADatabase(path: String)
    case notQuarry(path: String, tables: [String])
    case sqlite(String)
    case invalidArgument(String)
    case interrupted
    /// A segment file is damaged, missing or unreadable.
    case segment(SegmentError)

    public var message: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file or directory"
        case let .unknownFileType(path):
            return "\(path): unknown file type (expected a BEIR folder, .jsonl, .jsonl.gz, .csv or .csv.gz)"
        case let .emptyFile(path):
            return "\(path): empty file (no records)"
        case let .malformedJSON(file, line, column, message):
            return "\(file):\(line):\(column): \(message)"
        case let .invalidUTF8(file, line, column):
            return "\(file):\(line):\(column): invalid UTF-8"
        case let .notAnObject(file, line, found):
            return "\(file):\(line): expected a JSON object, found \(found)"
        case let .missingID(file, line, field):
            return "\(file):\(line): missing id field '\(field)'"
        case let .badID(file, line, field, found):
            return "\(file):\(line): id field '\(field)' must be a string or an integer, found \(found)"
        case let .duplicateID(file, line, id, firstLine):
            if let firstLine { return "\(file):\(line): duplicate id '\(id)' (first at line \(firstLine)); use --upsert to replace" }
            return "\(file):\(line): duplicate id '\(id)' (already in the collection); use --upsert to replace"
        case let .malformedCSV(file, line, message):
            return "\(file):\(line): \(message)"
        case let .badGeometry(file, line, field, message):
            return "\(file):\(line): geometry field '\(field)': \(message)"
        case let .damagedFile(file, line, message):
            return "\(file):\(line): \(message); nothing was imported"
        case let .vectorCount(file, expected, found, what):
            return "\(file): expected \(expected) vectors (one per \(what)), found \(found)"
        case let .vectorDimension(file, expected, found, field):
            return "\(file): expected dimension \(expected) (vector field '\(field)'), found \(found)"
        case let .badVectorFile(file, message):
            return "\(file): \(message)"
        case let .nonFiniteVector(file, row, column):
            return "\(file):\(row): component \(column) is NaN or infinite; vectors must be finite numbers"
        case let .noTextFields(file, available):
            return "\(file): no text fields: name them with --text-fields (fields seen: \(available.joined(separator: ", ")))"
        case let .textFieldMissing(field, available):
            return "text field '\(field)' does not occur in the data (fields seen: \(available.joined(separator: ", ")))"
        case let .collectionExists(name):
            return "collection '\(name)' already exists"
        case let .noSuchCollection(name, suggestion):
            return "no collection named '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case let .noSuchRecord(collection, id):
            return "no record '\(id)' in collection '\(collection)'"
        case let .locked(path):
            return "\(path): database is locked by another process (try again when it has finished)"
        case let .readOnly(path):
            return "\(path): the database is open read-only, and this would change it (a file or folder that cannot be written is opened for reading: run the command where it can be written)"
        case let .newerFormat(path, found, supported):
            return "\(path): database format version \(found) is newer than this Quarry supports (\(supported)); upgrade Quarry"
        case let .notQuarry(path, tables):
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            return "\(path): an SQLite database that is not Quarry's (tables: \(shown)); it was left untouched — give another --db"
        case let .notADatabase(path):
            return "\(path): not a Quarry database (file is not SQLite or is damaged)"
        case let .sqlite(message):
            return "SQLite error: \(message)"
        case let .invalidArgument(message):
            return message
        case let .segment(error):
            return error.description
        case .interrupted:
            return "interrupted; nothing was changed"
        }
    }
}

extension StorageError: CustomStringConvertible {
    public var description: String { message }
}
