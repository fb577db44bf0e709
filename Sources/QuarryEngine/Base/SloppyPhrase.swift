/// The ordered, sloppy phrase test shared by the index and the oracle: the query's terms at
/// increasing positions whose gaps differ from the query's own gaps by at most `slop` in total.
public enum SloppyPhrase {
    public static func matches(query: [(term: String, position: Int)], positions: (String) -> [UInt32], slop: Int) -> Bool {
        guard let first = query.first else { return false }
        // best[j]: the least total slop of a chain ending at positions of the current term.
        var previous = positions(first.term).map { (position: Int($0), cost: 0) }
        for i in 1..<max(1, query.count) where i < query.count {
            let gap = query[i].position - query[i - 1].position
            var next: [(position: Int, cost: Int)] = []
            for p in positions(query[i].term) {
                let p = Int(p)
                var best = Int.max
                for c in previous where c.position < p {
                    let cost = c.cost + abs((p - c.position) - gap)
                    if cost < best { best = cost }
                }
                if best <= slop { next.append((p, best)) }
            }
            if next.isEmpty { return false }
            previous = next
        }
        return !previous.isEmpty
    }
}
