import QuarryBase

/// RFC 4180 CSV: a header row names the columns; fields may be quoted, with `""` for a quote and
/// line breaks inside quotes. Values are typed: integers and decimals become numbers, an empty
/// field is null, anything else a string.
final class CSVReader {
    private let lines: LineReader
    let header: [String]
    /// Line number where the current record started.
    private(set) var recordLine = 0

    init(_ lines: LineReader) throws(StorageError) {
        self.lines = lines
        guard let first = try CSVReader.readRecord(lines, startLine: &recordLine) else { throw .emptyFile(path: lines.path) }
        header = first.map { String(decoding: $0, as: UTF8.self) }
        if let dup = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw .malformedCSV(file: lines.displayName, line: 1, message: "duplicate column '\(dup)' in the header")
        }
    }

    /// The next record as a JSON object, or nil at the end.
    func next() throws(StorageError) -> JSONValue? {
        while true {
            guard let fields = try CSVReader.readRecord(lines, startLine: &recordLine) else { return nil }
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            guard fields.count == header.count else {
                throw .malformedCSV(file: lines.displayName, line: recordLine, message: "expected \(header.count) fields (as in the header), found \(fields.count)")
            }
            var members: [JSONMember] = []
            members.reserveCapacity(fields.count)
            for (name, raw) in zip(header, fields) { members.append(JSONMember(name, CSVReader.typed(raw))) }
            return .object(members)
        }
    }

    static func typed(_ raw: [UInt8]) -> JSONValue {
        if raw.isEmpty { return .null }
        let text = String(decoding: raw, as: UTF8.self)
        let numeric = raw.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }
        if numeric && raw.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
            if let i = Int64(text) { return .int(i) }
            if let d = Double(text), d.isFinite { return .double(d) }
        }
        return .string(text)
    }

    private static func readRecord(_ lines: LineReader, startLine: inout Int) throws(StorageError) -> [[UInt8]]? {
        guard var line = try lines.next() else { return nil }
        startLine = lines.lineNumber
        if let column = UTF8Check.firstInvalidColumn(line) { throw .invalidUTF8(file: lines.displayName, line: lines.lineNumber, column: column) }
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var i = line.startIndex
        var inQuotes = false
        var wasQuoted = false
        while true {
            if i == line.endIndex {
                if inQuotes {
                    guard let more = try lines.next() else {
                        throw .malformedCSV(file: lines.displayName, line: startLine, message: "unterminated quoted field")
                    }
                    if let column = UTF8Check.firstInvalidColumn(more) { throw .invalidUTF8(file: lines.displayName, line: lines.lineNumber, column: column) }
                    field.append(0x0A)
                    line = more
                    i = line.startIndex
                    continue
                }
                fields.append(field)
                return fields
            }
            let b = line[i]
            if inQuotes {
                if b == 0x22 {
                    if line.index(after: i) < line.endIndex && line[line.index(after: i)] == 0x22 {
                        field.append(0x22)
                        i = line.index(i, offsetBy: 2)
                        continue
                    }
                    inQuotes = false
                } else {
                    field.append(b)
                }
            } else if b == 0x2C {
                fields.append(field)
                field = []
                wasQuoted = false
            } else if b == 0x22 && field.isEmpty && !wasQuoted {
                inQuotes = true
                wasQuoted = true
            } else {
                field.append(b)
            }
            i = line.index(after: i)
        }
    }
}
