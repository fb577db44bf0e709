import QuarryBase

extension IVFIndex {
    // MARK: - Search

    func searchCore(query q: UnsafePointer<Float>, k: Int, params: VectorSearchParams, allowed: Bitmap?,
                    counters: inout VectorSearchCounters) -> [ScoredID]
    {
        guard isTrained else { return [] }
        let nprobe = min(max(params.nprobe ?? Self.defaultNprobe, 1), centroidCount)
        let cd = centroidDimension
        // The query in centroid space (rotated for RaBitQ), then the lists to probe.
        let qc: UnsafePointer<Float>
        if let r = rabitq {
            r.rotate(q, into: rotated.pointer)
            qc = UnsafePointer(rotated.pointer)
        } else {
            qc = q
        }
        var probe = TopK(k: nprobe)
        if probeScores.count < centroidCount { probeScores = [Float](repeating: 0, count: centroidCount) }
        for c in 0..<centroidCount {
            let cp = centroids.pointer + c * cd
            // Probe by the metric's score to the centroid (L2 for cosine and l2, as trained).
            let s = metric == .ip ? Kernels.dot(qc, cp, cd) : -Kernels.l2Squared(qc, cp, cd)
            probeScores[c] = metric == .l2 ? s : Kernels.dot(qc, cp, cd)
            probe.push(id: UInt32(c), score: s)
        }
        counters.distanceComputations += centroidCount
        let probed = probe.sorted()
        counters.nodesVisited += probed.count
        let filtering = allowed != nil || tombstones.deletedCount > 0
        results.removeAll()
        if kind == .ivfRaBitQ {
            return searchRaBitQ(q, qc, probed, k: k, params: params, allowed: allowed, filtering: filtering, counters: &counters)
        }
        if kind == .ivfSQ8 { weightsBias = sq8!.prepare(q, metric: metric, into: weights.pointer) }
        let d = dimension
        let total = UInt32(count)
        for p in probed {
            let list = lists[Int(p.id)]
            let n = list.ids.count
            for j in 0..<n {
                let id = list.ids[j]
                if id >= total { continue }  // a damaged file: never scored
                if filtering && !passes(id, allowed) { continue }
                let s: Float
                if kind == .ivfFlat {
                    s = metric.score(q, list.floats.pointer + j &* d, d)
                } else if metric == .l2 {
                    s = -SQ8.l2(weights.pointer, sq8!.scale, list.bytes.pointer + j &* d, d)
                } else {
                    s = weightsBias + SQ8.dot(weights.pointer, list.bytes.pointer + j &* d, d)
                }
                counters.distanceComputations += 1
                keep(s, id, k)
            }
        }
        return drainResults()
    }

    @inline(__always)
    func passes(_ i: UInt32, _ allowed: Bitmap?) -> Bool {
        if tombstones.isDeleted(i) { return false }
        if let allowed { return allowed.contains(i) }
        return true
    }

    @inline(__always)
    func keep(_ s: Float, _ id: UInt32, _ k: Int) {
        if results.count < k {
            results.push(s, id)
        } else if s > results.top.score || (s == results.top.score && id < results.top.id) {
            results.pop()
            results.push(s, id)
        }
    }

    func drainResults() -> [ScoredID] { results.drainBestFirst() }

    /// Scans the probed lists with the RaBitQ estimator, keeps the best `refine_k` estimates, and
    /// re-ranks them on the refine vectors in order of estimate, skipping a candidate whose upper
    /// bound (estimate + error bound) cannot reach the current k-th exact score.
    func searchRaBitQ(_ q: UnsafePointer<Float>, _ qc: UnsafePointer<Float>, _ probed: [ScoredID], k: Int,
                      params: VectorSearchParams, allowed: Bitmap?, filtering: Bool,
                      counters: inout VectorSearchCounters) -> [ScoredID]
    {
        let r = rabitq!
        let refineK = refine == .none ? k : max(params.refineK ?? 10 * k, k)
        candidates.removeAll()
        candidateInfo.count = 0
        let l2 = metric == .l2
        let total = UInt32(count)
        for p in probed {
            let li = Int(p.id)
            let list = lists[li]
            let n = list.ids.count
            if n == 0 { continue }
            let qs = prepareList(qc, li)
            let centroidScore = probeScores[li]
            let f = list.factors.pointer
            for j in 0..<n {
                let id = list.ids[j]
                if id >= total { continue }  // a damaged file: never scored
                if filtering && !passes(id, allowed) { continue }
                let norm = f[3 &* j], dotXO = f[3 &* j &+ 1], rc = f[3 &* j &+ 2]
                let est = prepared!.dotCode(list.words.pointer + j &* r.words) / dotXO
                let scale = norm * qs
                let bound = r.errorBound(dotXO: dotXO) * scale
                let s: Float
                let margin: Float
                if l2 {
                    s = -(norm * norm + qs * qs - 2 * scale * est)
                    margin = 2 * bound
                } else {
                    s = centroidScore + rc + scale * est
                    margin = bound
                }
                counters.distanceComputations += 1
                if candidates.count >= refineK && s <= candidates.top.score { continue }
                let slot = UInt32(candidateInfo.count)
                candidateInfo.append(repeating: ScoredIDPair(score: margin, id: id), count: 1)
                candidates.push(s, slot)
                if candidates.count > refineK { candidates.pop() }
            }
        }
        // Best estimates first.
        var order = [(Float, UInt32)]()
        order.reserveCapacity(candidates.count)
        while !candidates.isEmpty { let e = candidates.pop(); order.append((e.score, e.id)) }
        order.reverse()
        if refine == .none {
            for (s, slot) in order.prefix(k) { keep(s, candidateInfo[Int(slot)].id, k) }
            return drainResults()
        }
        prepareExact(query: q)
        for (s, slot) in order {
            let info = candidateInfo[Int(slot)]
            if results.count >= k && s + info.score < results.top.score {
                counters.prunedByBound += 1
                continue
            }
            counters.refined += 1
            if refine == .flat { counters.fullVectorBytes += dimension * 4 }
            keep(exactScore(query: q, ordinal: info.id), info.id, k)
        }
        return drainResults()
    }

    /// Prepares the RaBitQ query for list `li` (residual to its centroid, 4-bit planes); returns ‖q − c‖.
    func prepareList(_ qc: UnsafePointer<Float>, _ li: Int) -> Float {
        let D = centroidDimension
        let c = centroids.pointer + li * D
        for j in 0..<D { residual.pointer[j] = qc[j] - c[j] }
        prepared!.prepare(residual: residual.pointer)
        return prepared!.queryNorm
    }

    // MARK: - Exact scores (exact scan and re-ranking)

    func prepareExact(query q: UnsafePointer<Float>) {
        if kind == .ivfSQ8 { weightsBias = sq8!.prepare(q, metric: metric, into: weights.pointer) }
        if let s = refineSQ8 { weightsBias = s.prepare(q, metric: metric, into: weights.pointer) }
        if kind == .ivfRaBitQ && refine == .none, let r = rabitq { r.rotate(q, into: rotated.pointer) }
    }

    func exactScore(query q: UnsafePointer<Float>, ordinal i: UInt32) -> Float {
        let d = dimension
        let loc = location[Int(i)]
        let li = Int(loc >> 32), slot = Int(loc & 0xFFFF_FFFF)
        guard li < lists.count, slot < lists[li].ids.count else { return -.infinity }  // a damaged file
        switch kind {
        case .ivfFlat:
            return metric.score(q, lists[li].floats.pointer + slot * d, d)
        case .ivfSQ8:
            let code = lists[li].bytes.pointer + slot * d
            return metric == .l2 ? -SQ8.l2(weights.pointer, sq8!.scale, code, d) : weightsBias + SQ8.dot(weights.pointer, code, d)
        default:
            switch refine {
            case .sq8:
                let code = refineCodes.pointer + Int(i) * d
                return metric == .l2 ? -SQ8.l2(weights.pointer, refineSQ8!.scale, code, d) : weightsBias + SQ8.dot(weights.pointer, code, d)
            case .flat:
                return metric.score(q, refineVectors!.row(Int(i)), d)
            case .none:
                return estimate(ordinal: i, list: li, slot: slot)
            }
        }
    }

    /// The RaBitQ estimate of one ordinal (refine = none); `rotated` holds the rotated query.
    func estimate(ordinal: UInt32, list li: Int, slot j: Int) -> Float {
        let r = rabitq!, D = r.paddedDimension
        let qc = UnsafePointer(rotated.pointer)
        let cp = centroids.pointer + li * D
        let cq = Kernels.dot(qc, cp, D)
        let qs = prepareList(qc, li)
        let list = lists[li]
        let f = list.factors.pointer
        let norm = f[3 * j], dotXO = f[3 * j + 1], rc = f[3 * j + 2]
        let est = prepared!.dotCode(list.words.pointer + j * r.words) / dotXO
        if metric == .l2 { return -(norm * norm + qs * qs - 2 * norm * qs * est) }
        return cq + rc + norm * qs * est
    }

    public func estimatedSearchCost(k: Int, params: VectorSearchParams) -> Double {
        let nprobe = min(max(params.nprobe ?? Self.defaultNprobe, 1), max(centroidCount, 1))
        return Double(centroidCount) + Double(count) * Double(nprobe) / Double(max(centroidCount, 1))
    }
}
