import Foundation
import QuarryBase

/// A visited set with generation counters (hnswlib's `VisitedList`): clearing is one increment,
/// with a real reset only when the 16-bit generation wraps.
final class VisitedList {
    private let marks: RawBuffer<UInt16>
    @exclusivity(unchecked) private var generation: UInt16 = 1

    init(capacity: Int) {
        marks = RawBuffer(capacity: capacity)
        marks.append(repeating: 0, count: capacity)
    }

    func grow(to n: Int) {
        if n > marks.count { marks.append(repeating: 0, count: n - marks.count) }
    }

    /// Starts a new search.
    @inline(__always)
    func reset() {
        generation &+= 1
        if generation == 0 {
            marks.pointer.update(repeating: 0, count: marks.count)
            generation = 1
        }
    }

    /// Marks `i`; returns true if it was not yet visited in this search.
    @inline(__always)
    func insert(_ i: UInt32) -> Bool {
        let p = marks.pointer + Int(i)
        if p.pointee == generation { return false }
        p.pointee = generation
        return true
    }

    var bytes: Int { marks.bytes }
}
