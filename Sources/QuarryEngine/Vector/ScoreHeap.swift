import QuarryBase

/// A binary heap of (score, id) kept in reusable raw storage. `maxOnTop` puts the best
/// (highest score) at the root (a candidate queue); otherwise the worst is at the root (a
/// bounded result set).
struct ScoreHeap {
    struct Entry {
        var score: Float
        var id: UInt32
    }

    let storage: RawBuffer<Entry>
    let maxOnTop: Bool

    init(maxOnTop: Bool, capacity: Int = 64) {
        self.maxOnTop = maxOnTop
        storage = RawBuffer(capacity: capacity)
    }

    var count: Int { @inline(__always) get { storage.count } }
    var isEmpty: Bool { storage.count == 0 }
    var top: Entry { @inline(__always) get { storage.pointer[0] } }

    func removeAll() { storage.count = 0 }

    /// True when `a` belongs above `b`.
    @inline(__always)
    private func above(_ a: Entry, _ b: Entry) -> Bool {
        if a.score != b.score { return maxOnTop ? a.score > b.score : a.score < b.score }
        return maxOnTop ? a.id < b.id : a.id > b.id
    }

    @inline(__always)
    func push(_ score: Float, _ id: UInt32) {
        storage.reserve(storage.count + 1)
        let h = storage.pointer
        var c = storage.count
        storage.count += 1
        let e = Entry(score: score, id: id)
        while c > 0 {
            let p = (c &- 1) >> 1
            if above(e, h[p]) { h[c] = h[p]; c = p } else { break }
        }
        h[c] = e
    }

    @discardableResult
    @inline(__always)
    func pop() -> Entry {
        let h = storage.pointer
        let result = h[0]
        storage.count -= 1
        let n = storage.count
        guard n > 0 else { return result }
        let e = h[n]
        var p = 0
        while true {
            let l = 2 &* p &+ 1
            if l >= n { break }
            var c = l
            if l &+ 1 < n && above(h[l &+ 1], h[l]) { c = l &+ 1 }
            if above(h[c], e) { h[p] = h[c]; p = c } else { break }
        }
        h[p] = e
        return result
    }

    /// Empties a result heap (worst on top) into its entries, best first: the drain HNSW and
    /// IVF end their searches with.
    func drainBestFirst() -> [ScoredID] {
        var hits = [ScoredID](repeating: ScoredID(id: 0, score: 0), count: count)
        var j = count - 1
        while !isEmpty {
            let e = pop()
            hits[j] = ScoredID(id: e.id, score: e.score)
            j -= 1
        }
        return hits
    }
}

struct ScoredIDPair {
    var score: Float
    var id: UInt32
}
