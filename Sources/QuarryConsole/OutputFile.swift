import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a command's output goes — standard output or a file (`export --output`, the REPL's
/// `.output`) — written so that nothing is lost without a word and nobody else's file is
/// replaced:
/// - A file that does not exist yet is written under a temporary name beside it and renamed
///   into place when closed, so it appears whole or not at all.
/// - A path that exists (a regular file, a symlink, a device, a FIFO, another owner's file) is
///   opened and written in place: its inode, owner, mode and links stay as they were.
/// - Every write is checked: a full disk (`/dev/full`), a closed pipe or an I/O error throws
///   `OutputFile.Failure`, which says which file and why (the command then exits non-zero).
public final class OutputFile {
    /// A write that failed: the file (or "standard output") and the system's reason.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let file: String
        public let reason: String
        public var description: String { "cannot write \(file): \(reason)" }

        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    /// The path written, nil for standard output.
    public let path: String?
    private let fd: Int32
    /// The temporary name, when the file is new and renamed into place on `close`.
    private let temporary: String?
    private var buffer: [UInt8] = []
    private var closed = false
    private static let flushBytes = 1 << 16

    /// Standard output.
    public static func standardOutput() -> OutputFile { OutputFile(fd: STDOUT_FILENO) }

    private init(fd: Int32) {
        self.fd = fd
        path = nil
        temporary = nil
    }

    /// Opens `path` for writing (see the type's notes); throws when it cannot be opened.
    public init(path: String) throws(Failure) {
        self.path = path
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) != S_IFDIR else { throw Failure(file: path, reason: "it is a folder") }
            // In place. O_TRUNC only for a regular file (a device or FIFO has nothing to cut).
            let flags = O_WRONLY | O_CLOEXEC | ((st.st_mode & S_IFMT) == S_IFREG ? O_TRUNC : 0)
            let fd = open(path, flags)
            guard fd >= 0 else { throw Failure(file: path, reason: Self.reason()) }
            self.fd = fd
            temporary = nil
        } else {
            var template = Array((path + ".tmp-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw Failure(file: path, reason: Self.reason()) }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            // mkstemp makes 0600; a new output file gets the usual 0666 less the umask.
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
            self.fd = fd
            temporary = String(cString: template)
        }
    }

    deinit {
        if !closed { try? close() }
    }

    /// What errors call this output.
    public var name: String { path ?? "standard output" }

    public func write(_ text: String) throws(Failure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws(Failure) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws(Failure) {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                let why = Self.reason()
                buffer.removeAll()
                throw Failure(file: name, reason: why)
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and (for a new file) renames it into place. On a failure a new file is
    /// removed, so a failed export leaves no half file behind.
    public func close() throws(Failure) {
        guard !closed else { return }
        closed = true
        do throws(Failure) {
            try flush()
            if temporary != nil, fsync(fd) != 0 { throw Failure(file: name, reason: Self.reason()) }
        } catch {
            if fd != STDOUT_FILENO { Glibc.close(fd) }
            if let temporary { unlink(temporary) }
            throw error
        }
        if fd != STDOUT_FILENO, Glibc.close(fd) != 0 {
            let why = Self.reason()
            if let temporary { unlink(temporary) }
            throw Failure(file: name, reason: why)
        }
        if let temporary, let path, rename(temporary, path) != 0 {
            let why = Self.reason()
            unlink(temporary)
            throw Failure(file: path, reason: why)
        }
    }

    /// Drops a new file without renaming it into place (an existing one keeps what was written).
    public func discard() {
        guard !closed else { return }
        closed = true
        buffer.removeAll()
        if fd != STDOUT_FILENO { Glibc.close(fd) }
        if let temporary { unlink(temporary) }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    /// Flushes C's standard output (what `print` wrote) and throws when any of it was lost,
    /// as after a write to a full disk: the command must then not exit with status 0.
    public static func flushStandardOutput() throws(Failure) {
        // fflush(nil) flushes every output stream (C's stdout is the one `print` fills) and
        // fails when any write of them fails, as every write to a full disk does.
        if fflush(nil) != 0 { throw Failure(file: "standard output", reason: reason()) }
    }
}
