import CPrefetch
import QuarryBase

extension HNSWIndex {
    // MARK: - Search (algorithms 2 and 5)

    /// Greedy descent (ef = 1) through the upper layers, from `top` down to `target`.
    @inline(__always)
    func greedy<S: HNSWScorer>(_ scorer: S, from cur: inout UInt32, score curScore: inout Float, downTo target: Int, top: Int,
                               counters: inout VectorSearchCounters, scratch: HNSWScratch, locks: NodeLocks?)
    {
        var distances = 0, hops = 0
        var level = top
        let nodes = levels.count
        let neighbours = scratch.batchBuffer.pointer
        while level >= target {
            var changed = true
            while changed {
                changed = false
                locks?.lock(cur)
                guard let p = checkedLinks(cur, level) else { locks?.unlock(cur); break }
                let n = min(Int(p[0]), M)
                for j in 0..<n { neighbours[j] = p[1 &+ j] }
                locks?.unlock(cur)
                for j in 0..<n {
                    let e = neighbours[j]
                    if UInt(e) >= UInt(nodes) { continue }  // damaged file: never followed
                    let s = scorer.score(e)
                    distances &+= 1
                    if s > curScore {
                        curScore = s
                        cur = e
                        changed = true
                    }
                }
                if changed { hops &+= 1 }
            }
            level -= 1
        }
        counters.distanceComputations += distances
        counters.hops += hops
    }

    /// Best-first search of one layer; leaves up to `ef` results in `scratch.results` (worst on
    /// top). With `filtering`, nodes that are deleted or not allowed are walked through but not
    /// kept (hnswlib's filtered search), and the search goes on until `ef` kept nodes are found.
    /// With `locks` (a parallel build), each node's links are copied under its lock.
    func searchLayer<S: HNSWScorer>(_ scorer: S, entry: UInt32, entryScore: Float, ef: Int, level: Int,
                                    allowed: Bitmap?, filtering: Bool, counters: inout VectorSearchCounters,
                                    scratch: HNSWScratch, locks: NodeLocks? = nil)
    {
        let visited = scratch.visited, candidates = scratch.candidates, results = scratch.results
        visited.reset()
        candidates.removeAll()
        results.removeAll()
        _ = visited.insert(entry)
        var lowerBound = -Float.infinity
        if !filtering || passes(entry, allowed) {
            results.push(entryScore, entry)
            lowerBound = entryScore
        }
        candidates.push(entryScore, entry)
        var distances = 0, expanded = 0
        let stride = level == 0 ? stride0 : 0
        let batch = scratch.batchBuffer.pointer
        let nodes = levels.count
        let maxLinks = level == 0 ? maxM0 : M
        while !candidates.isEmpty {
            let c = candidates.top
            if c.score < lowerBound && (results.count >= ef || !filtering) { break }
            candidates.pop()
            // The next node to expand is most likely the best one left: ask for its list now.
            if level == 0 && !candidates.isEmpty { quarry_prefetch(level0.pointer + Int(candidates.top.id) &* stride) }
            expanded &+= 1
            locks?.lock(c.id)
            guard let p = level == 0 ? level0.pointer + Int(c.id) &* stride : checkedLinks(c.id, level) else {
                locks?.unlock(c.id)
                continue
            }
            let n = min(Int(p[0]), maxLinks)
            // Gather the unvisited neighbours, asking for each one's row, then score them four at a
            // time. An id past the node count (a damaged file) is never followed.
            var m = 0
            for j in 0..<n {
                let e = p[1 &+ j]
                if UInt(e) < UInt(nodes) && visited.insert(e) { batch[m] = e; m &+= 1; scorer.prefetch(e) }
            }
            locks?.unlock(c.id)
            distances &+= m
            var j = 0
            while j < m {
                var s4: SIMD4<Float>
                let left = m &- j
                let e0 = batch[j]
                let e1 = left > 1 ? batch[j &+ 1] : e0
                let e2 = left > 2 ? batch[j &+ 2] : e0
                let e3 = left > 3 ? batch[j &+ 3] : e0
                s4 = scorer.score4(e0, e1, e2, e3)
                for t in 0..<min(4, left) {
                    let e = batch[j &+ t]
                    let s = s4[t]
                    if results.count < ef || s > lowerBound {
                        candidates.push(s, e)
                        if !filtering || passes(e, allowed) {
                            results.push(s, e)
                            if results.count > ef { results.pop() }
                            lowerBound = results.top.score
                        }
                    }
                }
                j &+= 4
            }
        }
        counters.distanceComputations += distances
        counters.nodesVisited += expanded
        counters.hops += expanded
    }

    @inline(__always)
    func passes(_ i: UInt32, _ allowed: Bitmap?) -> Bool {
        if tombstones.isDeleted(i) { return false }
        if let allowed { return allowed.contains(i) }
        return true
    }

    func searchCore(query q: UnsafePointer<Float>, k: Int, params: VectorSearchParams, allowed: Bitmap?,
                    counters: inout VectorSearchCounters) -> [ScoredID]
    {
        guard maxLevel >= 0 else { return [] }
        let ef = max(params.ef ?? Self.defaultEf, k)
        let filtering = allowed != nil || tombstones.deletedCount > 0
        guard let sq = quantizer else {
            search(floatScorer(q), ef: ef, allowed: allowed, filtering: filtering, counters: &counters)
            return drain(k)
        }
        // HNSW_SQ: the walk scores the codes; the best `refine_k` of its `ef` results are
        // re-ranked on the float32 rows (read from the mapped vector file).
        let w = scratch.sqWeights(dimension)
        let bias = sq.prepare(q, metric: metric, into: w)
        sq.scale.withUnsafeBufferPointer { scale in
            let scorer = SQ8Scorer(w: w, bias: bias, scale: scale.baseAddress!, codes: Rows(base: codes.pointer, d: dimension), l2: metric == .l2)
            search(scorer, ef: ef, allowed: allowed, filtering: filtering, counters: &counters)
        }
        let results = scratch.results
        let refineK = max(k, min(params.refineK ?? ef, results.count))
        while results.count > refineK { results.pop() }
        var top = TopK(k: k)
        let exact = floatScorer(q)
        while !results.isEmpty {
            let e = results.pop()
            top.push(id: e.id, score: exact.score(e.id))
        }
        counters.refined += refineK
        counters.fullVectorBytes += refineK * dimension * 4
        counters.distanceComputations += refineK
        return top.sorted()
    }

    /// Greedy descent through the upper layers, then the best-first search of layer 0; leaves
    /// up to `ef` results in the scratch's result heap.
    @inline(__always)
    func search<S: HNSWScorer>(_ scorer: S, ef: Int, allowed: Bitmap?, filtering: Bool, counters: inout VectorSearchCounters) {
        var cur = entryPoint
        var curScore = scorer.score(cur)
        counters.distanceComputations += 1
        if maxLevel > 0 { greedy(scorer, from: &cur, score: &curScore, downTo: 1, top: maxLevel, counters: &counters, scratch: scratch, locks: nil) }
        searchLayer(scorer, entry: cur, entryScore: curScore, ef: ef, level: 0, allowed: allowed,
                    filtering: filtering, counters: &counters, scratch: scratch)
    }

    /// The best k of the result heap, best first.
    func drain(_ k: Int) -> [ScoredID] {
        let results = scratch.results
        while results.count > k { results.pop() }
        return results.drainBestFirst()
    }

    @inline(__always)
    func floatScorer(_ q: UnsafePointer<Float>) -> FloatScorer {
        FloatScorer(q: q, rows: Rows(base: UnsafePointer(vectors.data.pointer) - Int(vectors.base) &* dimension, d: dimension), l2: metric == .l2)
    }

    func exactScore(query: UnsafePointer<Float>, ordinal i: UInt32) -> Float { score(query, i) }

    public func estimatedSearchCost(k: Int, params: VectorSearchParams) -> Double {
        Double(max(params.ef ?? Self.defaultEf, k) * M)
    }
}
