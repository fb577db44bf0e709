import QuarryBase

/// Builds indexes from a type name and a parameter dictionary (as `quarry index --type T --M ..`
/// or Milvus's `index_params`), and loads any index snapshot by its magic.
public enum VectorIndexes {
    /// Parameter names each type accepts (Milvus's spellings; `efConstruction` and
    /// `ef-construction` are accepted for `ef_construction`).
    public static let knownParameters: [VectorIndexKind: [String]] = [
        .flat: [],
        .hnsw: ["M", "ef_construction", "seed"],
        .hnswSQ: ["M", "ef_construction", "seed", "sq_type", "refine", "refine_type"],
        .ivfFlat: ["nlist", "seed"],
        .ivfSQ8: ["nlist", "seed"],
        .ivfRaBitQ: ["nlist", "refine", "refine_type", "seed"],
    ]

    static func canonical(_ name: String) -> String {
        switch name.lowercased().replacingOccurrences(of: "-", with: "_") {
        case "m": return "M"
        case "efconstruction", "ef_construction": return "ef_construction"
        case "refinetype", "refine_type": return "refine_type"
        case let other: return other
        }
    }

    /// The index type named `type` (case-insensitive); an unknown name is refused with the nearest one.
    public static func kind(named type: String) throws(VectorIndexError) -> VectorIndexKind {
        guard let kind = VectorIndexKind(name: type) else {
            throw .unknownIndexType(type, suggestion: Suggest.nearest(to: type, in: VectorIndexKind.allCases.map(\.rawValue)))
        }
        return kind
    }

    /// Makes an empty index. `type` is case-insensitive (`flat`, `hnsw`, `ivf_flat`, `ivf_sq8`,
    /// `ivf_rabitq`); `parameters` values are strings as typed on a command line.
    public static func make(type: String, dimension: Int, metric: VectorMetric = .cosine,
                            parameters: [String: String] = [:]) throws -> any VectorIndex
    {
        let kind = try Self.kind(named: type)
        guard dimension > 0 else { throw VectorIndexError.invalidParameter(name: "dimension", value: "\(dimension)", expected: "a positive integer") }
        let known = knownParameters[kind]!
        var p: [String: String] = [:]
        for (name, value) in parameters {
            let c = canonical(name)
            guard known.contains(c) else {
                throw VectorIndexError.unknownParameter(name: name, indexType: kind.rawValue, suggestion: Suggest.nearest(to: name, in: known))
            }
            p[c] = value
        }
        /// A whole number within its range (Milvus's: M 2–2048, nlist 1–65536), so a typo
        /// cannot size an allocation.
        func int(_ name: String, _ def: Int, min lo: Int, max hi: Int = 65_536) throws -> Int {
            guard let s = p[name] else { return def }
            guard let v = Int(s), (lo...hi).contains(v) else {
                throw VectorIndexError.invalidParameter(name: name, value: s, expected: "an integer from \(lo) to \(hi)")
            }
            return v
        }
        let seed = UInt64(try int("seed", 100, min: 0, max: Int.max))
        switch kind {
        case .flat:
            return FlatIndex(dimension: dimension, metric: metric)
        case .hnsw, .hnswSQ:
            let h = HNSWIndex(dimension: dimension, metric: metric, M: try int("M", 16, min: 2, max: 2_048),
                              efConstruction: try int("ef_construction", 200, min: 1), seed: seed)
            if kind == .hnswSQ {
                // Milvus's HNSW_SQ names: 8-bit codes, re-ranked on the float32 rows.
                if let t = p["sq_type"], t.lowercased() != "sq8" {
                    throw VectorIndexError.invalidParameter(name: "sq_type", value: t, expected: "sq8")
                }
                if let r = p["refine"], !["true", "1"].contains(r.lowercased()) {
                    throw VectorIndexError.invalidParameter(name: "refine", value: r, expected: "true (HNSW_SQ always re-ranks on the float32 rows)")
                }
                if let t = p["refine_type"], !["fp32", "flat"].contains(t.lowercased()) {
                    throw VectorIndexError.invalidParameter(name: "refine_type", value: t, expected: "fp32")
                }
                h.wantsQuantizer = true
            }
            return h
        case .ivfFlat, .ivfSQ8:
            return IVFIndex(kind: kind, dimension: dimension, metric: metric, nlist: try int("nlist", 128, min: 1), seed: seed)
        case .ivfRaBitQ:
            var refine = RefineType.sq8
            if let r = p["refine"] {
                switch r.lowercased() {
                case "true", "1": break
                case "false", "0": refine = .none
                default: throw VectorIndexError.invalidParameter(name: "refine", value: r, expected: "true or false")
                }
            }
            if let t = p["refine_type"], refine != .none {
                switch t.lowercased() {
                case "sq8": refine = .sq8
                case "flat", "fp32": refine = .flat
                case "none": refine = .none
                default: throw VectorIndexError.invalidParameter(name: "refine_type", value: t, expected: "sq8, fp32 or none")
                }
            }
            return IVFIndex(kind: kind, dimension: dimension, metric: metric, nlist: try int("nlist", 128, min: 1),
                            refine: refine, seed: seed)
        }
    }
}
