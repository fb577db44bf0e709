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
        index.scratch.visited.grow(to: n)
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

// MARK: - Segment (format 2: the graph in a segment file, the vectors in the field's chunk)

extension HNSWIndex {
    static let segmentKind = "QVHN"
    static let segmentVersion: UInt32 = 2

    /// Writes the graph (not the vectors: they stay in the field's vector chunk).
    func writeSegment(to w: SegmentWriter) throws(SegmentError) {
        var m = ByteWriter()
        m.write(metric.code)
        m.write(UInt32(dimension))
        m.write(UInt32(M))
        m.write(UInt32(efConstruction))
        m.write(seed)
        m.write(rng.state)
        m.write(Int32(maxLevel))
        m.write(entryPoint)
        m.write(UInt64(levels.count))
        m.write(UInt64(upperLinks.count))
        w.metadata = m.bytes
        try w.section("levels", UnsafeBufferPointer(start: levels.pointer, count: levels.count))
        try w.section("level0", UnsafeBufferPointer(start: level0.pointer, count: level0.count))
        try w.section("upper_offset", UnsafeBufferPointer(start: upperOffset.pointer, count: upperOffset.count))
        try w.section("upper_links", UnsafeBufferPointer(start: upperLinks.pointer, count: upperLinks.count))
    }

    /// The graph of `file` over the rows of `vectors`, both read in place. Only sizes are
    /// checked here (nothing is read through); links are bounds-checked as searches follow them.
    static func open(_ file: SegmentFile, vectors: VectorChunk) throws(SegmentError) -> HNSWIndex {
        var r = ByteReader(file.metadata, what: file.name)
        do {
            guard let metric = VectorMetric(code: try r.read(UInt8.self)) else { throw SegmentError.damaged(file.name, "unknown metric") }
            let d = Int(try r.read(UInt32.self)), m = Int(try r.read(UInt32.self)), efc = Int(try r.read(UInt32.self))
            let seed = try r.read(UInt64.self), state = try r.read(UInt64.self)
            let maxLevel = Int(try r.read(Int32.self))
            let entry = try r.read(UInt32.self)
            let n = try r.read(UInt64.self), upper = try r.read(UInt64.self)
            guard d == vectors.dimension, m >= 2, m <= 1024, efc >= 1, maxLevel >= -1, maxLevel <= 64,
                  n == UInt64(vectors.count), vectors.firstOrdinal == 0, (n == 0) == (maxLevel == -1), n == 0 || UInt64(entry) < n
            else { throw SegmentError.damaged(file.name, "HNSW header disagrees with its vectors (\(n) nodes of dimension \(d) over \(vectors.count) rows of \(vectors.dimension))") }
            let store = VectorStore(chunk: vectors)
            let index = HNSWIndex(dimension: d, metric: metric, M: m, efConstruction: efc, seed: seed, vectors: store)
            index.rng.state = state
            let count = Int(n)
            index.levels.adopt(try file.array("levels", as: UInt8.self, count: count), owner: file)
            index.level0.adopt(try file.array("level0", as: UInt32.self, count: count * index.stride0), owner: file)
            index.upperOffset.adopt(try file.array("upper_offset", as: UInt32.self, count: count), owner: file)
            index.upperLinks.adopt(try file.array("upper_links", as: UInt32.self, count: Int(upper)), owner: file)
            index.entryPoint = entry
            index.maxLevel = maxLevel
            index.tombstones.grow(to: count)
            index.scratch.visited.grow(to: count)
            return index
        } catch let e as SegmentError {
            throw e
        } catch {
            throw .damaged(file.name, "HNSW header is truncated")
        }
    }
}
