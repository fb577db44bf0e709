import Foundation

/// Memory for tables that hot loops read at random (graph rows, score accumulators, length
/// norms). With 4 KiB pages nearly every random read of a table of megabytes costs a TLB miss
/// as well as a cache miss; a table of at least `minimumBytes` therefore starts on a 2 MiB
/// boundary and is marked for transparent huge pages (`MADV_HUGEPAGE`: this kernel's THP mode
/// is often `madvise`, where nothing else gets them). Freed by `deallocate`, as any pointer.
public enum HugePages {
    public static let size = 2 << 20

    /// Uninitialized memory for `count` values of `T`.
    public static func allocate<T>(_: T.Type, count: Int, minimumBytes: Int = 4 * size) -> UnsafeMutablePointer<T> {
        let bytes = count * MemoryLayout<T>.stride
        guard bytes >= minimumBytes, MemoryLayout<T>.alignment <= size else { return .allocate(capacity: max(count, 1)) }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, size, bytes) == 0, let raw else { return .allocate(capacity: count) }
        _ = madvise(raw, bytes / size * size, MADV_HUGEPAGE)
        return raw.bindMemory(to: T.self, capacity: count)
    }
}
