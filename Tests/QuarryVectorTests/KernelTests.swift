import QuarryBase
import Testing
@testable import QuarryVector

@Suite struct KernelTests {
    @Test(arguments: [1, 7, 8, 31, 32, 33, 64, 100, 384])
    func simdKernelsMatchScalar(d: Int) {
        var rng = SplitMix64(seed: UInt64(d))
        let a = (0..<d).map { _ in rng.gaussian() }, b = (0..<d).map { _ in rng.gaussian() }
        let dot = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { Kernels.dot(pa.baseAddress!, $0.baseAddress!, d) } }
        let l2 = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { Kernels.l2Squared(pa.baseAddress!, $0.baseAddress!, d) } }
        var naiveL2: Float = 0
        for i in 0..<d { naiveL2 += (a[i] - b[i]) * (a[i] - b[i]) }
        #expect(abs(dot - Kernels.dotScalar(a, b)) <= 1e-4 * Float(d))
        #expect(abs(l2 - naiveL2) <= 1e-4 * Float(d))
        for l2Metric in [false, true] {
            let s4 = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    Kernels.score4(pa.baseAddress!, pb.baseAddress!, pa.baseAddress!, pb.baseAddress!, pb.baseAddress!, d, l2: l2Metric)
                }
            }
            let expectB = l2Metric ? -naiveL2 : dot
            let expectA = l2Metric ? 0 : Kernels.dotScalar(a, a)
            #expect(abs(s4[0] - expectB) <= 1e-3 * Float(d) && abs(s4[1] - expectA) <= 1e-3 * Float(d))
        }
    }

    @Test func scoresAreHigherIsBetter() {
        #expect(VectorMath.score([1, 0], [1, 0], metric: .l2) == 0)
        #expect(VectorMath.score([1, 0], [3, 0], metric: .l2) == -4)
        #expect(VectorMath.score([1, 2], [3, 4], metric: .ip) == 11)
        #expect(abs(VectorMath.score([2, 0], [0, 5], metric: .cosine)) < 1e-6)
        #expect(abs(VectorMath.score([2, 0], [7, 0], metric: .cosine) - 1) < 1e-6)
    }

    @Test func walshHadamardRotationIsOrthogonal() {
        let r = RaBitQ(dimension: 40, seed: 3)
        #expect(r.paddedDimension == 64)
        var rng = SplitMix64(seed: 5)
        let a = (0..<40).map { _ in rng.gaussian() }, b = (0..<40).map { _ in rng.gaussian() }
        var ra = [Float](repeating: 0, count: 64), rb = ra
        a.withUnsafeBufferPointer { r.rotate($0.baseAddress!, into: &ra) }
        b.withUnsafeBufferPointer { r.rotate($0.baseAddress!, into: &rb) }
        #expect(abs(Kernels.dotScalar(ra, rb) - Kernels.dotScalar(a, b)) < 1e-3)
        #expect(abs(Kernels.dotScalar(ra, ra) - Kernels.dotScalar(a, a)) < 1e-3)
    }

    @Test func fbinRoundTripAndErrors() throws {
        let v: [Float] = [1, 2, 3, 4, 5, 6]
        let bytes = Fbin.encode(v, dimension: 3)
        let back = try Fbin.decode(bytes)
        #expect(back.vectors == v && back.count == 2 && back.dimension == 3)
        #expect(throws: VectorIndexError.badFile(path: "x.fbin", reason: "expected 32 bytes for 2×3, found 31")) {
            try Fbin.decode(Array(bytes.dropLast()), path: "x.fbin")
        }
    }
}

@Suite struct FlatTests {
    @Test(arguments: VectorMetric.allCases)
    func flatEqualsNaive(metric: VectorMetric) throws {
        let d = 24, n = 500
        let data = clusteredData(n: n, d: d, clusters: 5, seed: 11)
        let queries = clusteredData(n: 20, d: d, clusters: 5, seed: 12)
        let flat = FlatIndex(dimension: d, metric: metric)
        try flat.build(data)
        let all = rows(data, d: d, 0..<n)
        let batch = ExactSearch.topK(base: data, queries: queries, dimension: d, k: 10, metric: metric)
        for (qi, q) in rows(queries, d: d, 0..<20).enumerated() {
            let naive = all.enumerated().map { ScoredID(id: UInt32($0.offset), score: VectorMath.score(q, $0.element, metric: metric)) }
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(10)
            let hits = try flat.search(query: q, k: 10).hits
            #expect(hits.map(\.id) == naive.map(\.id))
            for (h, e) in zip(hits, naive) { #expect(abs(h.score - e.score) < 1e-4) }
            #expect(Set(batch[qi].map(\.id)) == Set(naive.map(\.id)))
        }
    }

    @Test func errorsAreWords() throws {
        let flat = FlatIndex(dimension: 4)
        #expect(throws: VectorIndexError.dimensionMismatch(expected: 4, found: 3)) { try flat.search(query: [1, 2, 3], k: 1) }
        #expect(throws: VectorIndexError.notMultipleOfDimension(count: 5, dimension: 4)) { try flat.insert([1, 2, 3, 4, 5]) }
        #expect(throws: VectorIndexError.invalidK(0)) { try flat.search(query: [1, 2, 3, 4], k: 0) }
        let messages: [(VectorIndexError, String)] = [
            (.unknownIndexType("hnws", suggestion: "hnsw"), "unknown index type 'hnws'; did you mean 'hnsw'? (known: flat, hnsw, hnsw_sq, ivf_flat, ivf_sq8, ivf_rabitq)"),
            (.unknownParameter(name: "nlst", indexType: "ivf_flat", suggestion: "nlist"), "unknown parameter 'nlst' for index type ivf_flat; did you mean 'nlist'?"),
            (.invalidParameter(name: "M", value: "x", expected: "an integer ≥ 2"), "invalid value 'x' for parameter 'M': expected an integer ≥ 2"),
            (.dimensionMismatch(expected: 384, found: 3), "vector has dimension 3, the index expects 384"),
            (.ordinalOutOfRange(9, count: 3), "ordinal 9 is out of range (the index holds 3)"),
        ]
        for (e, text) in messages { #expect(e.description == text) }
    }

    @Test func factoryNamesAndErrors() throws {
        for name in ["FLAT", "hnsw", "Ivf_Flat", "IVF_SQ8", "ivf_rabitq"] {
            let index = try VectorIndexes.make(type: name, dimension: 8)
            #expect(index.kind.rawValue == name.lowercased())
        }
        #expect(throws: VectorIndexError.unknownIndexType("hnws", suggestion: "hnsw")) { try VectorIndexes.make(type: "hnws", dimension: 8) }
        #expect(throws: VectorIndexError.unknownParameter(name: "nlst", indexType: "ivf_flat", suggestion: "nlist")) {
            try VectorIndexes.make(type: "ivf_flat", dimension: 8, parameters: ["nlst": "4"])
        }
        #expect(throws: VectorIndexError.invalidParameter(name: "M", value: "1", expected: "an integer from 2 to 2048")) {
            try VectorIndexes.make(type: "hnsw", dimension: 8, parameters: ["m": "1"])
        }
        // A huge value is refused before it sizes an allocation (issue 22).
        #expect(throws: VectorIndexError.invalidParameter(name: "M", value: "4611686018427387903", expected: "an integer from 2 to 2048")) {
            try VectorIndexes.make(type: "hnsw", dimension: 8, parameters: ["M": "4611686018427387903"])
        }
        #expect(throws: VectorIndexError.invalidParameter(name: "nlist", value: "1e30", expected: "an integer from 1 to 65536")) {
            try VectorIndexes.make(type: "ivf_flat", dimension: 8, parameters: ["nlist": "1e30"])
        }
        let h = try VectorIndexes.make(type: "hnsw", dimension: 8, parameters: ["M": "8", "efConstruction": "50"]) as! HNSWIndex
        #expect(h.M == 8 && h.efConstruction == 50)
    }
}

/// OpenBLAS's fallback to its generic kernels is corrected only on processors with AVX2 and FMA,
/// and never against the user's own OPENBLAS_CORETYPE.
@Test func blasCoreTypeIsForcedOnlyOnAFallback() {
    let modern: Set<Substring> = ["sse2", "avx", "avx2", "fma", "avx512f"]
    #expect(BLAS.coreTypeToForce(coreName: "Prescott", cpuFlags: modern, environment: nil) == "Haswell")
    #expect(BLAS.coreTypeToForce(coreName: "Haswell", cpuFlags: modern, environment: nil) == nil)
    #expect(BLAS.coreTypeToForce(coreName: "SkylakeX", cpuFlags: modern, environment: nil) == nil)
    #expect(BLAS.coreTypeToForce(coreName: "Prescott", cpuFlags: ["sse2", "sse3"], environment: nil) == nil)
    #expect(BLAS.coreTypeToForce(coreName: "Prescott", cpuFlags: modern, environment: "Prescott") == nil)
    #expect(!BLAS.coreName.isEmpty)
}

/// Buffers large enough for huge pages (8 MiB and more) are allocated on a 2 MiB boundary; they
/// must hold, grow and copy like any other.
@Suite struct RawBufferTests {
    @Test func largeBuffersSitOnHugePageBoundariesAndKeepTheirValues() {
        let buffer = RawBuffer<Float>(capacity: 3 << 20)  // 12 MiB
        #expect(UInt(bitPattern: buffer.pointer) % UInt(2 << 20) == 0)
        buffer.append(contentsOf: (0..<(3 << 20)).map(Float.init))
        buffer.append(repeating: -1, count: 1 << 20)  // grows: a new, larger aligned block, values moved
        #expect(UInt(bitPattern: buffer.pointer) % UInt(2 << 20) == 0)
        #expect(buffer.count == 4 << 20 && buffer[0] == 0 && buffer[(3 << 20) - 1] == Float((3 << 20) - 1) && buffer[(4 << 20) - 1] == -1)
        let small = RawBuffer<UInt32>(capacity: 16)
        small.append(contentsOf: [1, 2, 3])
        #expect(small.toArray() == [1, 2, 3])
    }
}
