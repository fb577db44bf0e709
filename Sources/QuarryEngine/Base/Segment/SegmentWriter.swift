#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one segment (see `SegmentFormat`) as part files, streaming: sections are appended
/// in order, each aligned, and nothing is held in memory but a small buffer.
///
/// Files are written under temporary names (`….tmp`), locked (so a cleaner in another process
/// can tell a live writer's files from a dead one's) and fsynced by `finish()`. Making them
/// visible is the caller's: `FinishedSegment.publish()` renames them and fsyncs the folder,
/// which `SegmentStore` does inside the catalog transaction that names them.
public final class SegmentWriter {
    public let kind: String
    public let kindVersion: UInt32
    /// The small blob the content type defines (its parameters and counts), read back with the directory.
    public var metadata: [UInt8] = []

    private let path: (Int) -> String
    private let partLimit: Int
    private let alignment = SegmentFormat.alignment
    private let segmentID: UInt64
    private var parts: [Part] = []
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    /// Logical bytes written so far (flushed or buffered).
    public private(set) var offset = 0
    private var sections: [(name: String, offset: Int, length: Int)] = []
    private var open: (name: String, start: Int)?
    private var finished = false

    final class Part {
        let fd: Int32
        let temporary: String
        let final: String
        let bodyOffset: Int
        var bodyLength = 0
        var crc: UInt32 = 0
        init(fd: Int32, temporary: String, final: String, bodyOffset: Int) {
            self.fd = fd
            self.temporary = temporary
            self.final = final
            self.bodyOffset = bodyOffset
        }
    }

    /// - Parameters:
    ///   - kind: 4 ASCII bytes naming the content (`QVEC`, `QVHN`, …) and its format version.
    ///   - path: the final path of part `i` (the writer adds `.tmp` until published).
    ///   - partLimit: the largest body a part file holds, rounded down to whole pages.
    public init(kind: String, version: UInt32, partLimit: Int = SegmentFormat.defaultPartLimit,
                path: @escaping (Int) -> String) {
        precondition(kind.utf8.count == 4, "a segment kind is 4 ASCII bytes")
        self.kind = kind
        self.kindVersion = version
        self.path = path
        self.partLimit = max(alignment, partLimit / alignment * alignment)
        var rng = SystemRandomNumberGenerator()
        segmentID = rng.next()
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { if !finished { abort() } }

    // MARK: - Sections

    /// Starts a section at the next multiple of `alignment` bytes.
    public func beginSection(_ name: String, alignment: Int = 64) {
        precondition(open == nil, "section '\(open!.name)' is still open")
        pad(to: alignment)
        open = (name, offset)
    }

    public func endSection() {
        guard let o = open else { preconditionFailure("no open section") }
        sections.append((o.name, o.start, offset - o.start))
        open = nil
    }

    /// A whole section from raw bytes.
    public func section(_ name: String, _ bytes: UnsafeRawBufferPointer, alignment: Int = 64) throws(SegmentError) {
        beginSection(name, alignment: alignment)
        try write(bytes)
        endSection()
    }

    /// A whole section from an array of trivial values (stored as their little-endian memory).
    public func section<T: BitwiseCopyable>(_ name: String, _ values: [T], alignment: Int = 64) throws(SegmentError) {
        beginSection(name, alignment: alignment)
        try withBytes(values) { b throws(SegmentError) in try write(b) }
        endSection()
    }

    public func section<T: BitwiseCopyable>(_ name: String, _ values: UnsafeBufferPointer<T>, alignment: Int = 64) throws(SegmentError) {
        try section(name, UnsafeRawBufferPointer(values), alignment: alignment)
    }

    // MARK: - Bytes

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SegmentError) {
        guard bytes.count > 0 else { return }
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try emit(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    public func write(_ bytes: [UInt8]) throws(SegmentError) {
        try withBytes(bytes) { b throws(SegmentError) in try write(b) }
    }

    private func pad(to alignment: Int) {
        let rem = offset % alignment
        guard rem != 0 else { return }
        let n = alignment - rem
        buffer.append(contentsOf: repeatElement(0, count: n))
        offset += n
    }

    private func flush() throws(SegmentError) {
        guard !buffer.isEmpty else { return }
        try withBytes(buffer) { b throws(SegmentError) in try emit(b) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes body bytes into the current part, starting new parts at the limit.
    private func emit(_ bytes: UnsafeRawBufferPointer) throws(SegmentError) {
        var done = 0
        while done < bytes.count {
            if parts.isEmpty || parts[parts.count - 1].bodyLength == partLimit { try startPart() }
            let part = parts[parts.count - 1]
            let n = min(bytes.count - done, partLimit - part.bodyLength)
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[done..<(done + n)])
            try writeFully(part.fd, chunk, at: alignment + part.bodyLength, path: part.temporary)
            part.crc = SegmentFormat.crc32(chunk, continuing: part.crc)
            part.bodyLength += n
            done += n
        }
    }

    private func startPart() throws(SegmentError) {
        let final = path(parts.count)
        let temporary = final + ".tmp"
        let fd = Glibc.open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(temporary, String(cString: strerror(errno))) }
        _ = flock(fd, LOCK_EX | LOCK_NB)
        let bodyOffset = parts.last.map { $0.bodyOffset + $0.bodyLength } ?? 0
        parts.append(Part(fd: fd, temporary: temporary, final: final, bodyOffset: bodyOffset))
    }

    // MARK: - Finishing

    /// Writes the directory and the headers and fsyncs every part. The files stay under their
    /// temporary names, locked, until `publish()` (or `discard()`).
    public func finish() throws(SegmentError) -> FinishedSegment {
        precondition(open == nil, "section '\(open!.name)' is still open")
        var dir = ByteWriter()
        dir.write(UInt32(sections.count))
        for s in sections {
            dir.write(s.name)
            dir.write(UInt64(s.offset))
            dir.write(UInt64(s.length))
        }
        dir.write(blob: metadata)
        pad(to: 8)
        let directoryOffset = offset
        try write(dir.bytes)
        try flush()
        let directoryCRC = SegmentFormat.crc32(dir.bytes)
        for (i, part) in parts.enumerated() {
            let header = PartHeader(
                kind: kind, kindVersion: kindVersion, segmentID: segmentID, part: UInt32(i), partCount: UInt32(parts.count),
                bodyOffset: UInt64(part.bodyOffset), bodyLength: UInt64(part.bodyLength), totalLength: UInt64(offset),
                alignment: UInt32(alignment), bodyCRC: part.crc, directoryOffset: UInt64(directoryOffset),
                directoryLength: UInt64(dir.bytes.count), directoryCRC: directoryCRC)
            var page = header.encoded()
            page.append(contentsOf: [UInt8](repeating: 0, count: alignment - page.count))
            try withBytes(page) { b throws(SegmentError) in try writeFully(part.fd, b, at: 0, path: part.temporary) }
            guard fsync(part.fd) == 0 else { throw .io(part.temporary, String(cString: strerror(errno))) }
        }
        finished = true
        let result = FinishedSegment(parts: parts.map { ($0.fd, $0.temporary, $0.final, alignment + $0.bodyLength) }, bodyBytes: offset)
        parts = []
        return result
    }

    /// Removes whatever was written (an error or an interruption before `finish`).
    public func abort() {
        for p in parts {
            unlink(p.temporary)
            close(p.fd)
        }
        parts = []
        finished = true
    }
}

/// The part files of a finished segment, still under temporary names and locked.
public final class FinishedSegment: @unchecked Sendable {
    public struct File: Sendable {
        /// The final path, and the file's size in bytes.
        public var path: String
        public var bytes: Int
    }

    private var fds: [Int32]
    private let temporaries: [String]
    public let files: [File]
    /// The logical body's length.
    public let bodyBytes: Int
    private var published = false

    init(parts: [(fd: Int32, temporary: String, final: String, bytes: Int)], bodyBytes: Int) {
        fds = parts.map(\.fd)
        temporaries = parts.map(\.temporary)
        files = parts.map { File(path: $0.final, bytes: $0.bytes) }
        self.bodyBytes = bodyBytes
    }

    deinit { if !published { discard() } }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

    /// The part files under their temporary names: a segment can be mapped (and built upon)
    /// before it is published, and its mapping stays valid across the rename.
    public var temporaryPaths: [String] { temporaries }

    /// Renames every part to its final name and fsyncs the folders, then releases the files.
    public func publish() throws(SegmentError) {
        var folders: Set<String> = []
        for (t, f) in zip(temporaries, files) {
            guard rename(t, f.path) == 0 else { throw .io(f.path, String(cString: strerror(errno))) }
            folders.insert(SegmentFiles.folder(of: f.path))
        }
        for folder in folders { SegmentFiles.syncFolder(folder) }
        // Written and fsynced: the cache holds the bodies in large folios, which would make a
        // later random reader's RSS count whole folios (see `SegmentFile.adviseRandom`).
        for fd in fds { SegmentFiles.releaseCache(fd: fd) }
        published = true
        release()
    }

    /// Removes the temporary files.
    public func discard() {
        for t in temporaries { unlink(t) }
        published = true
        release()
    }

    private func release() {
        for fd in fds { close(fd) }
        fds = []
    }
}

/// File-system helpers for segment folders.
public enum SegmentFiles {
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Drops a file's clean, unmapped pages from the page cache.
    public static func releaseCache(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        releaseCache(fd: fd)
        close(fd)
    }

    static func releaseCache(fd: Int32) {
        #if canImport(Glibc)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        #endif
    }

    /// fsyncs a folder so renames and unlinks in it are durable.
    public static func syncFolder(_ folder: String) {
        let fd = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// True when a temporary file is not held by a live writer (its lock can be taken).
    public static func isAbandoned(_ path: String) -> Bool {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }
}

func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(SegmentError) {
    var done = 0
    while done < bytes.count {
        let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        if n < 0 {
            if errno == EINTR { continue }
            throw .io(path, String(cString: strerror(errno)))
        }
        done += n
    }
}

/// `Array.withUnsafeBytes` for a body that throws `SegmentError` (the array's method rethrows
/// untyped errors).
@inline(__always)
func withBytes<T>(_ array: [T], _ body: (UnsafeRawBufferPointer) throws(SegmentError) -> Void) throws(SegmentError) {
    var failure: SegmentError?
    array.withUnsafeBytes { b in
        do throws(SegmentError) { try body(b) } catch { failure = error }
    }
    if let failure { throw failure }
}
