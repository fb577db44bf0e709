import QuarryBase

extension HNSWIndex {
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
        m.write(quantizer != nil)
        w.metadata = m.bytes
        if let q = quantizer {
            try w.section("sq_min", q.vmin)
            try w.section("sq_scale", q.scale)
            try w.section("codes", UnsafeBufferPointer(start: codes.pointer, count: codes.count))
        }
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
            let quantized = r.isAtEnd ? false : try r.readBool()
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
            index.upperLinks.adopt(try file.array("upper_links", as: UInt32.self, count: Int(clamping: upper)), owner: file)
            index.entryPoint = entry
            index.maxLevel = maxLevel
            if quantized {
                index.quantizer = SQ8(vmin: Array(try file.array("sq_min", as: Float.self, count: d)),
                                      scale: Array(try file.array("sq_scale", as: Float.self, count: d)))
                index.codes.adopt(try file.array("codes", as: UInt8.self, count: count * d), owner: file)
                index.wantsQuantizer = true
            }
            index.tombstones.grow(to: count)
            index.scratch.visited.grow(to: count)
            // A search reads a few thousand links and rows scattered over the files.
            file.adviseRandom(["level0", "upper_links", "codes"])
            vectors.file.adviseRandom(["rows", "norms"])
            return index
        } catch let e as SegmentError {
            throw e
        } catch {
            throw .damaged(file.name, "HNSW header is truncated")
        }
    }
}
