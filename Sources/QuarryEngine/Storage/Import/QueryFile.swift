import Foundation
import QuarryBase

/// Reads the queries of a set a person wrote (`quarry queries import FILE`), in one of three
/// forms, chosen by the file's name and first line:
/// - JSON lines (`.jsonl`, `.json`, or a first line that starts with `{`): `{"text": …}` (or
///   `"query"`), with an optional `"id"` (`"_id"`, `"query_id"`) and `"need"`;
/// - CSV (`.csv`): a header with a `query` or `text` column, optional `id` and `need` columns;
/// - anything else: one query per line, blank lines skipped.
/// Errors name the file and line; gzip-compressed files are read as they are.
public enum QueryFile {
    public static func read(path: String) throws(StorageError) -> [SetQuery] {
        let lower = path.lowercased().replacingOccurrences(of: ".gz", with: "")
        if lower.hasSuffix(".csv") { return try csv(path) }
        let probe = try LineReader(path: path)
        var json = lower.hasSuffix(".jsonl") || lower.hasSuffix(".json")
        while !json, let line = try probe.next() {
            guard let first = line.first(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            json = first == UInt8(ascii: "{")
            break
        }
        return json ? try jsonLines(path) : try plain(path)
    }

    static func plain(_ path: String) throws(StorageError) -> [SetQuery] {
        let lines = try LineReader(path: path)
        var out: [SetQuery] = []
        while let line = try lines.next() {
            if let column = UTF8Check.firstInvalidColumn(line) { throw .invalidUTF8(file: lines.displayName, line: lines.lineNumber, column: column) }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { out.append(SetQuery(id: "", text: text)) }
        }
        guard !out.isEmpty else { throw .emptyFile(path: path) }
        return out
    }

    static func jsonLines(_ path: String) throws(StorageError) -> [SetQuery] {
        let lines = try LineReader(path: path)
        let file = lines.displayName
        var out: [SetQuery] = []
        var firstLine: [String: Int] = [:]
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if let column = UTF8Check.firstInvalidColumn(line) { throw .invalidUTF8(file: file, line: lines.lineNumber, column: column) }
            let value: JSONValue
            do { value = try JSONParser.parse(bytes: Array(line)) } catch {
                throw .malformedJSON(file: file, line: lines.lineNumber, column: error.column, message: error.message)
            }
            guard case .object = value else { throw .notAnObject(file: file, line: lines.lineNumber, found: value.typeName) }
            out.append(try query(value, file: file, line: lines.lineNumber, firstLine: &firstLine))
        }
        guard !out.isEmpty else { throw .emptyFile(path: path) }
        return out
    }

    static func csv(_ path: String) throws(StorageError) -> [SetQuery] {
        let lines = try LineReader(path: path)
        let reader = try CSVReader(lines)
        guard reader.header.contains("query") || reader.header.contains("text") else {
            throw .malformedCSV(file: lines.displayName, line: 1, message: "no 'query' or 'text' column in the header (\(reader.header.joined(separator: ", ")))")
        }
        var out: [SetQuery] = []
        var firstLine: [String: Int] = [:]
        while let row = try reader.next() {
            out.append(try query(row, file: lines.displayName, line: reader.recordLine, firstLine: &firstLine))
        }
        guard !out.isEmpty else { throw .emptyFile(path: path) }
        return out
    }

    /// One query from an object of a JSON line or a CSV row.
    static func query(_ value: JSONValue, file: String, line: Int, firstLine: inout [String: Int]) throws(StorageError) -> SetQuery {
        guard let text = (value["text"] ?? value["query"])?.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw .invalidArgument("\(file):\(line): the query has no \"text\" (or \"query\")")
        }
        var id = ""
        switch value["id"] ?? value["_id"] ?? value["query_id"] {
        case let .string(s)?: id = s
        case let .int(i)?: id = String(i)
        case nil, .null?: break
        case let other?: throw .badID(file: file, line: line, field: "id", found: other.typeName)
        }
        if !id.isEmpty {
            if let first = firstLine[id] { throw .duplicateID(file: file, line: line, id: id, firstLine: first) }
            firstLine[id] = line
        }
        return SetQuery(id: id, text: text, need: value["need"]?.stringValue)
    }
}
