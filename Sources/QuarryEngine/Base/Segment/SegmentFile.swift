import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One segment mapped read-only into memory (see `SegmentFormat`): its part files side by
/// side in one contiguous address range, so its sections are read in place.
///
/// Opening reads each part's header page and the directory — never the body — and checks
/// them: magic, versions, header and directory checksums, that the parts belong together and
/// that every size and offset fits the files' lengths. So a damaged or truncated file is
/// reported at open, naming the file; damage inside a body is found by `verify()`.
///
/// The mapping lives as long as the object: whatever reads its sections keeps it alive.
public final class SegmentFile: @unchecked Sendable {
    public let kind: String
    public let kindVersion: UInt32
    /// The part files, in order.
    public let paths: [String]
    /// The whole logical body, mapped.
    public let body: UnsafeRawBufferPointer
    public let metadata: [UInt8]
    public let sections: [String: Range<Int>]
    /// What errors call this segment ("the HNSW index of field embedding").
    public let name: String

    private let parts: [PartHeader]
    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int

    /// The files' total size on disk.
    public var fileBytes: Int { parts.reduce(0) { $0 + SegmentFormat.alignment + Int($1.bodyLength) } }

    /// Opens and maps `paths` (the parts in order), checking headers and directory.
    /// - Parameters:
    ///   - kind: the content magic expected (`QVHN` …) and the newest version this build reads.
    ///   - name: how errors name the segment.
    public init(paths: [String], kind expectedKind: String, version supported: UInt32, name: String) throws(SegmentError) {
        guard !paths.isEmpty else { throw .missing(name) }
        self.paths = paths
        self.name = name
        var headers: [PartHeader] = []
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for (i, path) in paths.enumerated() {
            let what = "\(name) (\(Self.fileName(path)))"
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                if errno == ENOENT { throw .missing("\(what)") }
                throw .io(path, String(cString: strerror(errno)))
            }
            fds.append(fd)
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw .io(path, String(cString: strerror(errno))) }
            var page = [UInt8](repeating: 0, count: SegmentFormat.headerFieldBytes)
            let n = page.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            guard n == SegmentFormat.headerFieldBytes else { throw .damaged(what, "shorter than its header") }
            let h = try PartHeader(decoding: page, what: what)
            guard h.kind == expectedKind else { throw .wrongKind(what, expected: expectedKind, found: h.kind) }
            guard h.kindVersion <= supported else { throw .newerFormat(what, h.kindVersion) }
            guard Int(h.part) == i, Int(h.partCount) == paths.count else {
                throw .damaged(what, "is part \(h.part + 1) of \(h.partCount), expected part \(i + 1) of \(paths.count)")
            }
            if let first = headers.first {
                guard h.segmentID == first.segmentID, h.totalLength == first.totalLength, h.alignment == first.alignment,
                      h.directoryOffset == first.directoryOffset, h.directoryCRC == first.directoryCRC
                else { throw .damaged(what, "does not belong with \(Self.fileName(paths[0]))") }
            }
            let expectedOffset = headers.last.map { $0.bodyOffset + $0.bodyLength } ?? 0
            guard h.bodyOffset == expectedOffset else { throw .damaged(what, "body starts at \(h.bodyOffset), expected \(expectedOffset)") }
            if i < paths.count - 1 {
                guard h.bodyLength % UInt64(h.alignment) == 0, h.bodyLength > 0 else { throw .damaged(what, "a middle part's body is not whole pages") }
            } else {
                guard h.bodyOffset + h.bodyLength == h.totalLength else { throw .damaged(what, "the parts end before the segment does") }
            }
            let expectedSize = Int64(h.alignment) + Int64(h.bodyLength)
            guard Int64(st.st_size) == expectedSize else {
                throw .damaged(what, "is \(st.st_size) bytes, its header says \(expectedSize) (truncated or overwritten)")
            }
            headers.append(h)
        }
        parts = headers
        let first = headers[0]
        kind = first.kind
        kindVersion = headers.map(\.kindVersion).max() ?? first.kindVersion
        let total = Int(first.totalLength)

        // Map the bodies side by side: reserve the range, then map each part into its place.
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard Int(first.alignment) % pageSize == 0 else {
            throw .io(name, "written with \(first.alignment)-byte alignment, which this machine's \(pageSize)-byte pages cannot map")
        }
        let length = max(pageSize, (total + pageSize - 1) / pageSize * pageSize)
        guard let reserved = mmap(nil, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              reserved != MAP_FAILED
        else { throw .io(name, "cannot reserve \(length) bytes of address space: \(String(cString: strerror(errno)))") }
        for (i, h) in headers.enumerated() where h.bodyLength > 0 {
            let at = reserved + Int(h.bodyOffset)
            let m = mmap(at, Int(h.bodyLength), PROT_READ, MAP_SHARED | MAP_FIXED, fds[i], off_t(h.alignment))
            guard m == at else {
                let reason = String(cString: strerror(errno))
                munmap(reserved, length)
                throw .io(paths[i], "cannot map: \(reason)")
            }
        }
        mapping = reserved
        mappingLength = length
        body = UnsafeRawBufferPointer(start: reserved, count: total)

        // The directory: checked against its checksum before anything reads it.
        let d0 = Int(first.directoryOffset), dn = Int(first.directoryLength)
        let dir = UnsafeRawBufferPointer(rebasing: body[d0..<(d0 + dn)])
        guard SegmentFormat.crc32(dir) == first.directoryCRC else {
            munmap(reserved, length)
            throw .damaged(name + " (\(Self.fileName(paths.last!)))", "directory checksum mismatch")
        }
        var r = ByteReader(Array(dir), what: name)
        var found: [String: Range<Int>] = [:]
        do {
            let count = try r.read(UInt32.self)
            for _ in 0..<count {
                let s = try r.readString()
                let o = try r.read(UInt64.self), n = try r.read(UInt64.self)
                guard o <= UInt64(d0), n <= UInt64(d0) - o else { throw SegmentError.damaged(name, "section '\(s)' lies outside the body") }
                found[s] = Int(o)..<Int(o + n)
            }
            metadata = try r.readBlob()
        } catch let e as SegmentError {
            munmap(reserved, length)
            throw e
        } catch {
            munmap(reserved, length)
            throw .damaged(name, "directory is truncated")
        }
        sections = found
    }

    deinit { if let mapping { munmap(mapping, mappingLength) } }

    /// Maps the body's pages ahead of the reads, on a thread of its own, as Elasticsearch's
    /// `index.store.preload` does: the first searches after an open then find the pages they
    /// read already mapped, instead of each taking a page fault per page (which at a million
    /// documents costs a first query more than its scoring). The thread holds the segment until it
    /// is done. A body larger than a quarter of the machine's memory is left to the page faults.
    public func preload() {
        guard mapping != nil, mappingLength <= Self.preloadLimit else { return }
        Thread.detachNewThread { [self] in
            // MADV_POPULATE_READ (Linux 5.14): fault the range in, reading what is not cached yet.
            if madvise(mapping, mappingLength, 22) != 0 {
                // An older kernel: touch one byte a page.
                var sum: UInt8 = 0
                for page in stride(from: 0, to: body.count, by: Int(sysconf(Int32(_SC_PAGESIZE)))) { sum &+= body[page] }
                withExtendedLifetime(sum) {}
            }
            withExtendedLifetime(self) {}
        }
    }

    /// The largest body `preload` maps ahead: a quarter of the physical memory.
    static let preloadLimit = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE))) / 4

    /// The last component of a path.
    public static func fileName(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    // MARK: - Sections

    public func has(_ section: String) -> Bool { sections[section] != nil }

    /// A section's bytes, in place.
    public func bytes(_ section: String) throws(SegmentError) -> UnsafeRawBufferPointer {
        guard let r = sections[section] else { throw .damaged(name, "has no section '\(section)'") }
        return UnsafeRawBufferPointer(rebasing: body[r])
    }

    /// A section as an array of trivial values, in place; its length must be a whole number of
    /// them (and `count` of them, when given), its start aligned for them.
    public func array<T: BitwiseCopyable>(_ section: String, as: T.Type = T.self, count: Int? = nil) throws(SegmentError) -> UnsafeBufferPointer<T> {
        let b = try bytes(section)
        let size = MemoryLayout<T>.stride
        guard b.count % size == 0 else { throw .damaged(name, "section '\(section)' is not a whole number of \(size)-byte values") }
        if let count, b.count / size != count {
            throw .damaged(name, "section '\(section)' holds \(b.count / size) values, expected \(count)")
        }
        guard b.count == 0 || Int(bitPattern: b.baseAddress!) % MemoryLayout<T>.alignment == 0 else {
            throw .damaged(name, "section '\(section)' is misaligned")
        }
        guard let base = b.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: b.count / size)
    }

    // MARK: - Checking

    /// Reads every body through and compares its checksum (what `quarry check` runs).
    public func verify() throws(SegmentError) {
        for (i, h) in parts.enumerated() {
            let slice = UnsafeRawBufferPointer(rebasing: body[Int(h.bodyOffset)..<Int(h.bodyOffset + h.bodyLength)])
            let sum = SegmentFormat.crc32(slice)
            if let base = slice.baseAddress, slice.count > 0 { _ = madvise(UnsafeMutableRawPointer(mutating: base), slice.count, MADV_DONTNEED) }
            SegmentFiles.releaseCache(path: paths[i])
            guard sum == h.bodyCRC else {
                throw .damaged("\(name) (\(Self.fileName(paths[i])))", "body checksum mismatch")
            }
        }
    }

    /// Tells the kernel that `sections` are read at random (graph links, vector rows), so a
    /// page fault there reads that page, not a readahead window. With the cache released after
    /// writes and whole reads (`releaseCache()`), a query then maps the pages it touches and
    /// not the large folios around them: on recent kernels a fault maps a whole cached folio
    /// (up to 2 MiB), so 3,000 random 1.5 KB rows of a 1.5 GB file written by `write()` count
    /// 1.45 GB in RSS, and 16 MB once the file's cache holds single pages.
    public func adviseRandom(_ names: [String]) {
        guard mapping != nil else { return }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        for r in names.compactMap({ sections[$0] }) where !r.isEmpty {
            let start = r.lowerBound / pageSize * pageSize
            let end = min(mappingLength, (r.upperBound + pageSize - 1) / pageSize * pageSize)
            _ = madvise(UnsafeMutableRawPointer(mutating: body.baseAddress!) + start, end - start, MADV_RANDOM)
        }
    }

    /// Drops this segment's pages from the page cache where no process maps them (they are
    /// clean: segment files are written once and fsynced), after a write or a whole read
    /// filled it with large folios, so later random readers bring back only what they touch.
    /// This process's own mapping is let go of first (the kernel keeps pages a process maps);
    /// reads after this fault the pages in again.
    public func releaseCache() {
        if let mapping { _ = madvise(mapping, mappingLength, MADV_DONTNEED) }
        for path in paths { SegmentFiles.releaseCache(path: path) }
    }

    /// Tells the kernel the whole body will be read soon (a build or a full scan).
    public func willNeed() {
        if let mapping { _ = madvise(mapping, mappingLength, MADV_WILLNEED) }
    }

    /// Bytes of `range` (of the body) in memory now (`mincore`).
    public func residentBytes(of range: Range<Int>? = nil) -> Int {
        guard let mapping else { return 0 }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let r = range ?? 0..<body.count
        guard !r.isEmpty else { return 0 }
        let start = r.lowerBound / pageSize * pageSize
        let end = min(mappingLength, (r.upperBound + pageSize - 1) / pageSize * pageSize)
        let pages = (end - start) / pageSize
        var vec = [UInt8](repeating: 0, count: pages)
        guard vec.withUnsafeMutableBufferPointer({ mincore(mapping + start, end - start, $0.baseAddress) }) == 0 else { return 0 }
        return vec.reduce(0) { $0 + Int($1 & 1) } * pageSize
    }

    /// The resident bytes of the named sections.
    public func residentBytes(sections names: [String]) -> Int {
        names.compactMap { sections[$0] }.reduce(0) { $0 + residentBytes(of: $1) }
    }
}
