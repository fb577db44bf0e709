/// A bounded top-k collector: keeps the k best (id, score) pairs seen so far.
///
/// "Best" is the highest score; ties are broken by the smaller id, so every index and its
/// exact oracle agree on the order of equal scores. For distances, push the negated distance
/// or use `TopK(k:, smallerIsBetter: true)`.
public struct ScoredID: Sendable, Equatable {
    public var id: UInt32
    public var score: Float
    public init(id: UInt32, score: Float) {
        self.id = id
        self.score = score
    }
}

public struct TopK {
    public let k: Int
    public let smallerIsBetter: Bool
    /// A binary heap whose root is the worst kept element.
    private var heap: [ScoredID] = []

    public init(k: Int, smallerIsBetter: Bool = false) {
        self.k = k
        self.smallerIsBetter = smallerIsBetter
        heap.reserveCapacity(k)
    }

    public var count: Int { heap.count }
    public var isFull: Bool { heap.count >= k }

    /// The score an element must beat to enter (the worst kept), or nil while not full.
    public var threshold: Float? { isFull ? heap.first?.score : nil }

    /// True when `a` ranks before `b`.
    @inline(__always)
    public func better(_ a: ScoredID, _ b: ScoredID) -> Bool {
        if a.score != b.score { return smallerIsBetter ? a.score < b.score : a.score > b.score }
        return a.id < b.id
    }

    /// Offers an element; returns true when it was kept.
    @discardableResult
    public mutating func push(id: UInt32, score: Float) -> Bool {
        let e = ScoredID(id: id, score: score)
        guard k > 0 else { return false }
        if heap.count < k {
            heap.append(e)
            siftUp(heap.count - 1)
            return true
        }
        guard better(e, heap[0]) else { return false }
        heap[0] = e
        siftDown(0)
        return true
    }

    /// The kept elements, best first.
    public func sorted() -> [ScoredID] { heap.sorted(by: better) }

    private mutating func siftUp(_ start: Int) {
        var c = start
        while c > 0 {
            let p = (c - 1) / 2
            // Root holds the worst: parent must be worse than child.
            if better(heap[p], heap[c]) { heap.swapAt(p, c); c = p } else { return }
        }
    }

    private mutating func siftDown(_ start: Int) {
        var p = start
        let n = heap.count
        while true {
            let l = 2 * p + 1, r = l + 1
            var worst = p
            if l < n && better(heap[worst], heap[l]) { worst = l }
            if r < n && better(heap[worst], heap[r]) { worst = r }
            if worst == p { return }
            heap.swapAt(p, worst)
            p = worst
        }
    }
}
