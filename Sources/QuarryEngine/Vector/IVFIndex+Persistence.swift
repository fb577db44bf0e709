import QuarryBase

// MARK: - Segment (format 2: lists concatenated, read in place)

extension IVFIndex {
    static func kindCode(_ k: VectorIndexKind) -> UInt8 { k == .ivfFlat ? 0 : k == .ivfSQ8 ? 1 : 2 }

    static let segmentKind = "QVIV"
    static let segmentVersion: UInt32 = 2

    /// Writes centroids, quantizer ranges, every list's payload concatenated (with offsets),
    /// the location table and the refine codes. Float32 refine vectors are not copied: they are
    /// the field's vector chunk.
    func writeSegment(to w: SegmentWriter) throws(SegmentError) {
        var m = ByteWriter()
        m.write(Self.kindCode(kind))
        m.write(metric.code)
        m.write(UInt32(dimension))
        m.write(UInt32(nlist))
        m.write(UInt8(RefineType.allCases.firstIndex(of: refine)!))
        m.write(seed)
        m.write(UInt32(centroidCount))
        m.write(UInt64(count))
        m.write(sq8 != nil)
        m.write(refineSQ8 != nil)
        w.metadata = m.bytes
        try w.section("centroids", UnsafeBufferPointer(start: centroids.pointer, count: centroids.count))
        if let q = sq8 { try w.section("sq8_min", q.vmin); try w.section("sq8_scale", q.scale) }
        if let q = refineSQ8 { try w.section("refine_min", q.vmin); try w.section("refine_scale", q.scale) }
        var offsets: [UInt64] = [0]
        for list in lists { offsets.append(offsets.last! + UInt64(list.ids.count)) }
        try w.section("list_offsets", offsets)
        func concatenated<T: BitwiseCopyable>(_ name: String, _ part: (InvertedList) -> RawBuffer<T>) throws(SegmentError) {
            w.beginSection(name)
            for list in lists {
                let b = part(list)
                try w.write(UnsafeRawBufferPointer(start: b.pointer, count: b.count * MemoryLayout<T>.stride))
            }
            w.endSection()
        }
        try concatenated("ids") { $0.ids }
        try concatenated("floats") { $0.floats }
        try concatenated("bytes") { $0.bytes }
        try concatenated("words") { $0.words }
        try concatenated("factors") { $0.factors }
        try w.section("location", UnsafeBufferPointer(start: location.pointer, count: location.count))
        try w.section("refine_codes", UnsafeBufferPointer(start: refineCodes.pointer, count: refineCodes.count))
    }

    /// The index of `file`, read in place; `vectors` (the field's chunk) serves a float32 refine.
    static func open(_ file: SegmentFile, vectors: VectorChunk?) throws(SegmentError) -> IVFIndex {
        var r = ByteReader(file.metadata, what: file.name)
        func bad(_ why: String) -> SegmentError { .damaged(file.name, "IVF " + why) }
        do {
            let kc = try r.read(UInt8.self)
            guard kc <= 2 else { throw bad("kind \(kc)") }
            let kind: VectorIndexKind = [.ivfFlat, .ivfSQ8, .ivfRaBitQ][Int(kc)]
            guard let metric = VectorMetric(code: try r.read(UInt8.self)) else { throw bad("metric") }
            let d = Int(try r.read(UInt32.self)), nlist = Int(try r.read(UInt32.self))
            let rc = Int(try r.read(UInt8.self))
            let seed = try r.read(UInt64.self)
            let k = Int(try r.read(UInt32.self))
            let n = Int(clamping: try r.read(UInt64.self))  // refused below when above UInt32.max
            let hasSQ8 = try r.readBool(), hasRefineSQ8 = try r.readBool()
            guard d > 0, d <= 1 << 16, nlist > 0, k <= nlist, rc < RefineType.allCases.count, n <= Int(UInt32.max) else { throw bad("header") }
            let index = IVFIndex(kind: kind, dimension: d, metric: metric, nlist: nlist, refine: RefineType.allCases[rc], seed: seed)
            index.centroids.adopt(try file.array("centroids", as: Float.self, count: k * index.centroidDimension), owner: file)
            index.centroidCount = k
            // Searching subtracts centroids from queries and quantizes the residual: a NaN or an
            // infinity there is damage, reported now rather than met in a search.
            guard UnsafeBufferPointer(start: index.centroids.pointer, count: index.centroids.count).allSatisfy(\.isFinite) else { throw bad("centroids hold a NaN or an infinity") }
            if hasSQ8 { index.sq8 = SQ8(vmin: Array(try file.array("sq8_min", as: Float.self, count: d)), scale: Array(try file.array("sq8_scale", as: Float.self, count: d))) }
            if hasRefineSQ8 { index.refineSQ8 = SQ8(vmin: Array(try file.array("refine_min", as: Float.self, count: d)), scale: Array(try file.array("refine_scale", as: Float.self, count: d))) }
            for q in [index.sq8, index.refineSQ8].compactMap({ $0 }) where !(q.vmin + q.scale).allSatisfy(\.isFinite) {
                throw bad("8-bit quantizer bounds hold a NaN or an infinity")
            }
            guard (kind == .ivfSQ8) == hasSQ8, (index.refine == .sq8) == hasRefineSQ8 else { throw bad("quantizers disagree with the kind") }
            let offsets = try file.array("list_offsets", as: UInt64.self, count: k + 1)
            guard offsets[0] == 0, offsets[k] == UInt64(n) else { throw bad("list offsets") }
            for i in 0..<k where offsets[i] > offsets[i + 1] { throw bad("list offsets decrease") }
            let words = index.rabitq?.words ?? 0
            let per: (floats: Int, bytes: Int, words: Int, factors: Int) = switch kind {
            case .ivfFlat: (d, 0, 0, 0)
            case .ivfSQ8: (0, d, 0, 0)
            default: (0, 0, words, 3)
            }
            let ids = try file.array("ids", as: UInt32.self, count: n)
            let floats = try file.array("floats", as: Float.self, count: n * per.floats)
            let bytes = try file.array("bytes", as: UInt8.self, count: n * per.bytes)
            let wordData = try file.array("words", as: UInt64.self, count: n * per.words)
            let factors = try file.array("factors", as: Float.self, count: n * per.factors)
            func slice<T>(_ all: UnsafeBufferPointer<T>, _ i: Int, _ width: Int) -> UnsafeBufferPointer<T> {
                guard width > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
                return UnsafeBufferPointer(rebasing: all[(Int(offsets[i]) * width)..<(Int(offsets[i + 1]) * width)])
            }
            for i in 0..<k {
                let list = InvertedList()
                list.ids.adopt(slice(ids, i, 1), owner: file)
                list.floats.adopt(slice(floats, i, per.floats), owner: file)
                list.bytes.adopt(slice(bytes, i, per.bytes), owner: file)
                list.words.adopt(slice(wordData, i, per.words), owner: file)
                list.factors.adopt(slice(factors, i, per.factors), owner: file)
                index.lists.append(list)
            }
            index.location.adopt(try file.array("location", as: UInt64.self, count: n), owner: file)
            if index.refine == .sq8 {
                index.refineCodes.adopt(try file.array("refine_codes", as: UInt8.self, count: n * d), owner: file)
                file.adviseRandom(["refine_codes"])
            }
            if index.refine == .flat {
                guard let vectors, vectors.firstOrdinal == 0, vectors.count == n, vectors.dimension == d else {
                    throw bad("float32 refine needs the field's vectors of \(n) rows")
                }
                index.refineVectors = VectorStore(chunk: vectors)
                index.refineShared = true
                vectors.file.adviseRandom(["rows", "norms"])  // re-ranking reads a few hundred scattered rows
            }
            index.tombstones.grow(to: n)
            return index
        } catch let e as SegmentError {
            throw e
        } catch {
            throw bad("header is truncated")
        }
    }
}
