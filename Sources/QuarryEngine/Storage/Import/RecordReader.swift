import QuarryBase

/// The records of a JSONL or CSV corpus (gzip-compressed or not), one JSON value per record
/// with the line it starts on: the one reader `import` and the importers' fuzz target share.
/// Blank JSONL lines are skipped; bad UTF-8 and malformed JSON are errors at file:line:column.
public final class RecordReader {
    /// The lines underneath (for progress).
    let lines: LineReader
    private let csv: CSVReader?
    /// The file name errors show.
    public var file: String { lines.displayName }

    /// Opens `path`; `csv` reads RFC 4180 CSV with a header row, otherwise one JSON value a line.
    public init(path: String, csv: Bool) throws(StorageError) {
        lines = try LineReader(path: path)
        self.csv = csv ? try CSVReader(lines) : nil
    }

    /// The next record and its line, or nil at the end.
    public func next() throws(StorageError) -> (value: JSONValue, line: Int)? {
        if let csv {
            guard let v = try csv.next() else { return nil }
            return (v, lines.lineNumber)
        }
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if let column = UTF8Check.firstInvalidColumn(line) { throw .invalidUTF8(file: file, line: lines.lineNumber, column: column) }
            do {
                return (try JSONParser.parse(bytes: Array(line)), lines.lineNumber)
            } catch {
                throw .malformedJSON(file: file, line: lines.lineNumber, column: error.column, message: error.message)
            }
        }
        return nil
    }
}
