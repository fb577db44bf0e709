import QuarryBase

extension HNSWIndex {
    static let header = SnapshotHeader(magic: "QVHN", version: 1)

    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: memoryBytes + 64)
        w.write(header: Self.header)
        w.write(metric.code)
        w.write(UInt32(dimension))
        w.write(UInt32(M))
        w.write(UInt32(efConstruction))
        w.write(seed)
        w.write(rng.state)
        w.write(Int32(maxLevel))
        w.write(entryPoint)
        w.write(array: levels.toArray())
        w.write(array: level0.toArray())
        w.write(array: upperOffset.toArray())
        w.write(array: upperLinks.toArray())
        w.write(array: vectors.data.toArray())
        w.write(blob: deleted.serialized())
        return w.bytes
    }

    static func load(_ r: inout ByteReader) throws -> HNSWIndex {
        try r.read(header: header)
        let metric = try readMetric(&r)
        let d = Int(try r.read(UInt32.self))
        let m = Int(try r.read(UInt32.self))
        let efc = Int(try r.read(UInt32.self))
        guard d > 0, m >= 2 else { throw BinaryError.corrupt("HNSW dimension \(d), M \(m)") }
        let seed = try r.read(UInt64.self)
        let state = try r.read(UInt64.self)
        let maxLevel = Int(try r.read(Int32.self))
        let entry = try r.read(UInt32.self)
        let index = HNSWIndex(dimension: d, metric: metric, M: m, efConstruction: efc, seed: seed)
        index.rng.state = state
        let levels: [UInt8] = try r.readArray()
        let level0: [UInt32] = try r.readArray()
        let offsets: [UInt32] = try r.readArray()
        let upper: [UInt32] = try r.readArray()
        let data = try r.readFloatArray()
        let n = levels.count
        guard data.count == n * d, level0.count == n * index.stride0, offsets.count == n,
              (n == 0 && maxLevel == -1) || (Int(entry) < n && maxLevel >= 0)
        else { throw BinaryError.corrupt("HNSW arrays disagree on the node count") }
        for i in 0..<n where Int(offsets[i]) + Int(levels[i]) * index.strideUpper > upper.count {
            throw BinaryError.corrupt("HNSW upper links of node \(i) out of range")
        }
        index.levels.append(contentsOf: levels)
        index.level0.append(contentsOf: level0)
        index.upperOffset.append(contentsOf: offsets)
        index.upperLinks.append(contentsOf: upper)
        data.withUnsafeBufferPointer { index.vectors.append($0, normalize: false) }
        try index.validateLinks()
        index.entryPoint = entry
        index.maxLevel = maxLevel
        index.tombstones.restore(from: try readBitmap(&r), count: n)
        index.visited.grow(to: n)
        return index
    }

    /// Every link count within bounds and every link a valid node, so a corrupt file cannot crash a search.
    func validateLinks() throws {
        let n = UInt32(count)
        for i in 0..<count {
            for l in 0...Int(levels[i]) {
                let p = links(UInt32(i), l)
                let c = Int(p[0])
                guard c <= (l == 0 ? maxM0 : M) else { throw BinaryError.corrupt("HNSW node \(i) has \(c) links") }
                for j in 0..<c where p[1 + j] >= n { throw BinaryError.corrupt("HNSW node \(i) links to \(p[1 + j])") }
            }
        }
    }
}
