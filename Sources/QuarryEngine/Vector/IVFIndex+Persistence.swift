import QuarryBase

extension IVFIndex {
    static let header = SnapshotHeader(magic: "QVIV", version: 1)

    static func kindCode(_ k: VectorIndexKind) -> UInt8 { k == .ivfFlat ? 0 : k == .ivfSQ8 ? 1 : 2 }

    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: memoryBytes + 256)
        w.write(header: Self.header)
        w.write(Self.kindCode(kind))
        w.write(metric.code)
        w.write(UInt32(dimension))
        w.write(UInt32(nlist))
        w.write(UInt8(RefineType.allCases.firstIndex(of: refine)!))
        w.write(seed)
        w.write(UInt32(centroidCount))
        w.write(array: centroids.toArray())
        for q in [sq8, refineSQ8] {
            w.write(q != nil)
            if let q { w.write(array: q.vmin); w.write(array: q.scale) }
        }
        for list in lists {
            w.write(array: list.ids.toArray())
            w.write(array: list.floats.toArray())
            w.write(array: list.bytes.toArray())
            w.write(array: list.words.toArray())
            w.write(array: list.factors.toArray())
        }
        w.write(array: location.toArray())
        w.write(array: refineCodes.toArray())
        w.write(array: refineVectors?.data.toArray() ?? [])
        w.write(blob: deleted.serialized())
        return w.bytes
    }

    static func load(_ r: inout ByteReader) throws -> IVFIndex {
        try r.read(header: header)
        let kc = try r.read(UInt8.self)
        guard kc <= 2 else { throw BinaryError.corrupt("unknown IVF kind \(kc)") }
        let kind: VectorIndexKind = [.ivfFlat, .ivfSQ8, .ivfRaBitQ][Int(kc)]
        let metric = try readMetric(&r)
        let d = Int(try r.read(UInt32.self))
        let nlist = Int(try r.read(UInt32.self))
        let rc = Int(try r.read(UInt8.self))
        guard d > 0, nlist > 0, rc < RefineType.allCases.count else { throw BinaryError.corrupt("IVF header") }
        let seed = try r.read(UInt64.self)
        let index = IVFIndex(kind: kind, dimension: d, metric: metric, nlist: nlist, refine: RefineType.allCases[rc], seed: seed)
        let k = Int(try r.read(UInt32.self))
        let c = try r.readFloatArray()
        guard c.count == k * index.centroidDimension else { throw BinaryError.corrupt("IVF centroids") }
        index.centroids.append(contentsOf: c)
        index.centroidCount = k
        var quantizers: [SQ8?] = []
        for _ in 0..<2 {
            if try r.readBool() {
                let vmin = try r.readFloatArray(), scale = try r.readFloatArray()
                guard vmin.count == d, scale.count == d else { throw BinaryError.corrupt("SQ8 ranges") }
                quantizers.append(SQ8(vmin: vmin, scale: scale))
            } else {
                quantizers.append(nil)
            }
        }
        index.sq8 = quantizers[0]
        index.refineSQ8 = quantizers[1]
        var total = 0
        for _ in 0..<k {
            let list = InvertedList()
            list.ids.append(contentsOf: try r.readArray(UInt32.self))
            list.floats.append(contentsOf: try r.readFloatArray())
            list.bytes.append(contentsOf: try r.readArray(UInt8.self))
            list.words.append(contentsOf: try r.readArray(UInt64.self))
            list.factors.append(contentsOf: try r.readFloatArray())
            let n = list.ids.count
            let ok: Bool
            switch kind {
            case .ivfFlat: ok = list.floats.count == n * d
            case .ivfSQ8: ok = list.bytes.count == n * d
            default: ok = list.words.count == n * index.rabitq!.words && list.factors.count == 3 * n
            }
            guard ok else { throw BinaryError.corrupt("IVF list sizes") }
            total += n
            index.lists.append(list)
        }
        let location: [UInt64] = try r.readArray()
        guard location.count == total else { throw BinaryError.corrupt("IVF location table") }
        for loc in location {
            let li = Int(loc >> 32), slot = Int(loc & 0xFFFF_FFFF)
            guard li < k, slot < index.lists[li].ids.count else { throw BinaryError.corrupt("IVF location out of range") }
        }
        index.location.append(contentsOf: location)
        for list in index.lists {
            for j in 0..<list.ids.count where Int(list.ids[j]) >= total { throw BinaryError.corrupt("IVF id out of range") }
        }
        let codes: [UInt8] = try r.readArray()
        let floats = try r.readFloatArray()
        if kind == .ivfRaBitQ {
            switch index.refine {
            case .sq8: guard codes.count == total * d, index.refineSQ8 != nil else { throw BinaryError.corrupt("refine codes") }
            case .flat: guard floats.count == total * d else { throw BinaryError.corrupt("refine vectors") }
            case .none: break
            }
        }
        index.refineCodes.append(contentsOf: codes)
        if index.refine == .flat {
            let store = VectorStore(dimension: d)
            floats.withUnsafeBufferPointer { store.append($0, normalize: false) }
            index.refineVectors = store
        }
        index.tombstones.restore(from: try readBitmap(&r), count: total)
        return index
    }
}
