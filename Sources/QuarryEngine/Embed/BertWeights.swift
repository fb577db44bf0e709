/// The parameters of the all-MiniLM-L6-v2 BERT encoder, read from `model.safetensors`.
///
/// Hyper-parameters are those of the model's config.json (hidden 384, 6 layers, 12 heads,
/// intermediate 1536, 512 positions, LayerNorm eps 1e-12). Linear weights are stored
/// [out, in] as in PyTorch (y = x·Wᵀ + b). The embedding tables (47 MB of the 91) and the
/// vectors stay in the file mapping, uncopied. The linear weights (42 MB) are transposed once
/// at load into [in, out] matrices, the query/key/value ones fused into one [384, 1152] matrix
/// so that a single GEMM computes all three; where `PanelGemm` is on, each is also kept packed
/// in its panels (another 42 MB) for the few rows of a short query, the latency that matters.
struct BertConfig: Sendable {
    var hidden = 384
    var layers = 6
    var heads = 12
    var intermediate = 1536
    var vocabulary = 30522
    var positions = 512
    var layerNormEpsilon: Float = 1e-12
    var headDimension: Int { hidden / heads }
}

struct BertLayerWeights: @unchecked Sendable {
    /// [384, 1152]: columns 0..<384 query, 384..<768 key, 768..<1152 value.
    var qkv: Matrix
    var qkvBias: Matrix
    /// [384, 384]
    var attentionOut: Matrix
    var attentionOutBias: UnsafeBufferPointer<Float>
    var attentionNormGain: UnsafeBufferPointer<Float>
    var attentionNormBias: UnsafeBufferPointer<Float>
    /// [384, 1536]
    var intermediate: Matrix
    var intermediateBias: UnsafeBufferPointer<Float>
    /// [1536, 384]
    var output: Matrix
    var outputBias: UnsafeBufferPointer<Float>
    var outputNormGain: UnsafeBufferPointer<Float>
    var outputNormBias: UnsafeBufferPointer<Float>
}

/// Floats owned by the model (freed with it), row-major `rows × columns`.
final class Matrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let p: UnsafeMutablePointer<Float>
    /// The same floats in `PanelGemm`'s 16-column panels, for the few rows of short queries
    /// (linear weights only; set once at load, before the model is shared).
    private(set) var panels: UnsafeRawPointer?

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        p = .allocate(capacity: max(1, rows * columns))
        p.initialize(repeating: 0, count: rows * columns)
    }

    deinit {
        p.deallocate()
        panels?.deallocate()
    }

    /// The transposes of `parts` ([out_i, in] each) side by side: an [in, Σ out_i] matrix.
    static func transposedConcatenation(_ parts: [UnsafeBufferPointer<Float>], outs: [Int], input: Int) -> Matrix {
        let total = outs.reduce(0, +)
        let m = Matrix(rows: input, columns: total)
        var column = 0
        for (w, out) in zip(parts, outs) {
            for o in 0..<out {
                for i in 0..<input { m.p[i * total + column + o] = w[o * input + i] }
            }
            column += out
        }
        if PanelGemm.smallBatchRows > 0, total % PanelGemm.width == 0 {
            m.panels = UnsafeRawPointer(PanelGemm.pack(m.p, rows: input, columns: total))
        }
        return m
    }

    /// One row holding `parts` one after the other (biases of fused projections).
    static func concatenation(_ parts: [UnsafeBufferPointer<Float>]) -> Matrix {
        let m = Matrix(rows: 1, columns: parts.map(\.count).reduce(0, +))
        var k = 0
        for part in parts {
            for v in part { m.p[k] = v; k += 1 }
        }
        return m
    }
}

struct BertWeights: @unchecked Sendable {
    let config: BertConfig
    /// Keeps the mapping alive as long as the pointers below are used.
    let file: SafeTensorsFile
    let wordEmbeddings: UnsafeBufferPointer<Float>
    let positionEmbeddings: UnsafeBufferPointer<Float>
    let tokenTypeEmbeddings: UnsafeBufferPointer<Float>
    let embeddingNormGain: UnsafeBufferPointer<Float>
    let embeddingNormBias: UnsafeBufferPointer<Float>
    let layers: [BertLayerWeights]

    init(file: SafeTensorsFile, config: BertConfig = BertConfig()) throws(EmbedError) {
        self.config = config
        self.file = file
        let h = config.hidden
        // Checkpoints saved from BertModel have no prefix; those from BertForX start with "bert.".
        let prefix = file.entries["embeddings.word_embeddings.weight"] == nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws(EmbedError) -> UnsafeBufferPointer<Float> {
            try file.floats(prefix + name, shape: shape)
        }
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [config.vocabulary, h])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [config.positions, h])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [2, h])
        embeddingNormGain = try t("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try t("embeddings.LayerNorm.bias", [h])
        var layers: [BertLayerWeights] = []
        for l in 0..<config.layers {
            let p = "encoder.layer.\(l)."
            let h3 = [h, h, h]
            let q = try t(p + "attention.self.query.weight", [h, h])
            let k = try t(p + "attention.self.key.weight", [h, h])
            let v = try t(p + "attention.self.value.weight", [h, h])
            let qkvBias = Matrix.concatenation([
                try t(p + "attention.self.query.bias", [h]), try t(p + "attention.self.key.bias", [h]),
                try t(p + "attention.self.value.bias", [h]),
            ])
            let m = config.intermediate
            layers.append(
                BertLayerWeights(
                    qkv: .transposedConcatenation([q, k, v], outs: h3, input: h),
                    qkvBias: qkvBias,
                    attentionOut: .transposedConcatenation(
                        [try t(p + "attention.output.dense.weight", [h, h])], outs: [h], input: h),
                    attentionOutBias: try t(p + "attention.output.dense.bias", [h]),
                    attentionNormGain: try t(p + "attention.output.LayerNorm.weight", [h]),
                    attentionNormBias: try t(p + "attention.output.LayerNorm.bias", [h]),
                    intermediate: .transposedConcatenation(
                        [try t(p + "intermediate.dense.weight", [m, h])], outs: [m], input: h),
                    intermediateBias: try t(p + "intermediate.dense.bias", [m]),
                    output: .transposedConcatenation([try t(p + "output.dense.weight", [h, m])], outs: [h], input: m),
                    outputBias: try t(p + "output.dense.bias", [h]),
                    outputNormGain: try t(p + "output.LayerNorm.weight", [h]),
                    outputNormBias: try t(p + "output.LayerNorm.bias", [h])))
        }
        self.layers = layers
    }
}
