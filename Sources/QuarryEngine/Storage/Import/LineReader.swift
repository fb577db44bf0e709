import CZlib
import Foundation

/// Reads a text file line by line, gzip-compressed or not (zlib's gzread passes plain files
/// through), counting lines from 1 and reporting how far into the file it is for progress bars.
final class LineReader {
    let path: String
    /// The name shown in error messages (the file name, not the whole path).
    let displayName: String
    private let file: gzFile
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    private var eof = false
    private(set) var lineNumber = 0
    let totalBytes: Int

    init(path: String) throws(StorageError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { throw .fileNotFound(path: path) }
        guard let f = gzopen(path, "rb") else { throw .fileNotFound(path: path) }
        file = f
        gzbuffer(f, 1 << 18)
        self.path = path
        displayName = (path as NSString).lastPathComponent
        totalBytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    deinit { gzclose(file) }

    /// Bytes of the underlying (possibly compressed) file consumed so far.
    var bytesRead: Int { Int(gzoffset(file)) }

    /// The next line without its line terminator (`\n` or `\r\n`), or nil at the end. A gzip
    /// stream is read to its end and every member's CRC and length are checked: a damaged or
    /// cut stream is an error at the line where the damage begins, never a quiet end.
    func next() throws(StorageError) -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
                var lineEnd = nl
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = buffer[start..<lineEnd]
                start = nl + 1
                lineNumber += 1
                return line
            }
            if eof {
                guard start < end else { return nil }
                var lineEnd = end
                if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = buffer[start..<lineEnd]
                start = end
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    private func fill() throws(StorageError) {
        if start > 0 {
            buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        let n = buffer.withUnsafeMutableBufferPointer { buf in
            gzread(file, buf.baseAddress! + end, UInt32(buf.count - end))
        }
        if n > 0 {
            end += Int(n)
            return
        }
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
        if n < 0 || (code != Z_OK && code != Z_STREAM_END) {
            // zlib reports a cut stream as "unexpected end of file" and a bad CRC as "incorrect data check".
            throw .damagedFile(file: displayName, line: lineNumber + 1, message: "the gzip data is damaged (\(message.isEmpty ? "error \(code)" : message))")
        }
        eof = true
    }
}

/// UTF-8 validation that says where the first bad byte is.
enum UTF8Check {
    /// nil when valid; else the 1-based column (in scalars) of the first invalid byte.
    static func firstInvalidColumn(_ bytes: ArraySlice<UInt8>) -> Int? {
        // Fast path: all ASCII.
        if !bytes.contains(where: { $0 >= 0x80 }) { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: column += 1
            case .emptyInput: return nil
            case .error: return column
            }
        }
    }
}
