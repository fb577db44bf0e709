import Foundation
import QuarryBase
#if canImport(Glibc)
import Glibc
#endif

/// What one thread needs to search or insert into an HNSW graph without allocating: a visited
/// list, the two heaps, and small buffers.
final class HNSWScratch {
    let visited = VisitedList(capacity: 0)
    let candidates = ScoreHeap(maxOnTop: true)
    let results = ScoreHeap(maxOnTop: false)
    var selectScratch: [ScoredIDPair] = []
    let batchBuffer: RawBuffer<UInt32>

    init(M: Int) { batchBuffer = RawBuffer(capacity: 2 * M + 1) }

    /// HNSW_SQ's prepared query (`dimension` floats), allocated once.
    private let weights = RawBuffer<Float>()
    func sqWeights(_ dimension: Int) -> UnsafeMutablePointer<Float> {
        if weights.count < dimension { weights.append(repeating: 0, count: dimension - weights.count) }
        return weights.pointer
    }
}

/// Locks for a parallel build, as hnswlib's `link_list_locks_` and its global lock: a node's
/// links are read and written under its lock (striped: 65,536 mutexes serve any node count),
/// the entry point under the global one. Locks are never nested, so they cannot deadlock.
final class NodeLocks: @unchecked Sendable {
    private let stripes: UnsafeMutablePointer<pthread_mutex_t>
    private let mask: Int
    private let global: UnsafeMutablePointer<pthread_mutex_t>

    init(stripes count: Int = 1 << 16) {
        precondition(count > 0 && count & (count - 1) == 0)
        stripes = .allocate(capacity: count)
        for i in 0..<count { pthread_mutex_init(stripes + i, nil) }
        mask = count - 1
        global = .allocate(capacity: 1)
        pthread_mutex_init(global, nil)
    }

    deinit {
        for i in 0...mask { pthread_mutex_destroy(stripes + i) }
        stripes.deallocate()
        pthread_mutex_destroy(global)
        global.deallocate()
    }

    @inline(__always) func lock(_ node: UInt32) { pthread_mutex_lock(stripes + (Int(node) & mask)) }
    @inline(__always) func unlock(_ node: UInt32) { pthread_mutex_unlock(stripes + (Int(node) & mask)) }
    func lockGlobal() { pthread_mutex_lock(global) }
    func unlockGlobal() { pthread_mutex_unlock(global) }
}

extension HNSWIndex {
    /// Builds the graph over every row of the store it was made with (a mapped chunk is read in
    /// place: the vectors are not copied) on `threads` threads.
    ///
    /// Levels are drawn first, in ordinal order from the seed (so each node gets the level a
    /// one-thread build gives it), and all link storage is allocated before any thread starts.
    /// Then the threads take nodes in ordinal order from a shared counter and link them under
    /// per-node locks (hnswlib's scheme). The graph differs from a one-thread build's in the
    /// order links were made, not in quality: recall is the same within noise.
    func buildOverStoredRows(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                             progress: ((Int, Int) -> Void)? = nil) throws {
        guard levels.count == 0 else { throw VectorIndexError.notEmpty }
        let n = vectors.count
        tombstones.grow(to: n)
        scratch.visited.grow(to: n)
        guard n > 0 else { return }
        // Storage for every node, laid out as the one-thread build lays it out.
        levels.reserve(n)
        upperOffset.reserve(n)
        var upper = 0
        for _ in 0..<n {
            let level = randomLevel()
            levels.append(repeating: UInt8(level), count: 1)
            upperOffset.append(repeating: UInt32(upper), count: 1)
            upper += level * strideUpper
        }
        level0.append(repeating: 0, count: n * stride0)
        upperLinks.append(repeating: 0, count: upper)

        defer { encodeNewRows() }
        let workers = max(1, min(threads, n / 1000 + 1))
        guard workers > 1 else {
            for i in 0..<n {
                link(UInt32(i), scratch: scratch, locks: nil)
                if i % 4096 == 0 { progress?(i, n) }
            }
            progress?(n, n)
            return
        }
        let locks = NodeLocks()
        link(0, scratch: scratch, locks: locks)
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 1
            var done = 1
        }
        let shared = Shared()
        let scratches = (0..<workers).map { _ -> HNSWScratch in
            let s = HNSWScratch(M: M)
            s.visited.grow(to: n)
            return s
        }
        nonisolated(unsafe) let index = self
        nonisolated(unsafe) let report = progress
        nonisolated(unsafe) let perThread = scratches
        let batch = 64
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let scratch = perThread[w]
            while true {
                shared.lock.lock()
                let start = shared.next
                shared.next += batch
                shared.lock.unlock()
                if start >= n { break }
                for i in start..<min(n, start + batch) { index.link(UInt32(i), scratch: scratch, locks: locks) }
                if w == 0, let report {
                    shared.lock.lock()
                    let at = min(shared.next, n)
                    shared.lock.unlock()
                    report(at, n)
                }
            }
        }
        progress?(n, n)
    }
}
