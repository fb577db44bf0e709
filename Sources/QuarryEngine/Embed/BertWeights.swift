/// The parameters of the all-MiniLM-L6-v2 BERT encoder, read from `model.safetensors`.
///
/// Hyper-parameters are those of the model's config.json (hidden 384, 6 layers, 12 heads,
/// intermediate 1536, 512 positions, LayerNorm eps 1e-12). Linear weights are stored
/// [out, in] as in PyTorch (y = x·Wᵀ + b). The large tensors (word embeddings, feed-forward
/// weights) stay in the file mapping; only the query/key/value projections of each layer are
/// copied once into one fused [1152, 384] matrix so that a single GEMM computes all three.
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
    /// Query, key and value weights stacked: rows 0..<384 query, 384..<768 key, 768..<1152 value.
    var qkvWeight: [Float]
    var qkvBias: [Float]
    var attentionOutWeight: UnsafeBufferPointer<Float>
    var attentionOutBias: UnsafeBufferPointer<Float>
    var attentionNormGain: UnsafeBufferPointer<Float>
    var attentionNormBias: UnsafeBufferPointer<Float>
    var intermediateWeight: UnsafeBufferPointer<Float>
    var intermediateBias: UnsafeBufferPointer<Float>
    var outputWeight: UnsafeBufferPointer<Float>
    var outputBias: UnsafeBufferPointer<Float>
    var outputNormGain: UnsafeBufferPointer<Float>
    var outputNormBias: UnsafeBufferPointer<Float>
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
            var qkvWeight: [Float] = []
            var qkvBias: [Float] = []
            qkvWeight.reserveCapacity(3 * h * h)
            for part in ["query", "key", "value"] {
                qkvWeight.append(contentsOf: try t(p + "attention.self.\(part).weight", [h, h]))
                qkvBias.append(contentsOf: try t(p + "attention.self.\(part).bias", [h]))
            }
            layers.append(
                BertLayerWeights(
                    qkvWeight: qkvWeight, qkvBias: qkvBias,
                    attentionOutWeight: try t(p + "attention.output.dense.weight", [h, h]),
                    attentionOutBias: try t(p + "attention.output.dense.bias", [h]),
                    attentionNormGain: try t(p + "attention.output.LayerNorm.weight", [h]),
                    attentionNormBias: try t(p + "attention.output.LayerNorm.bias", [h]),
                    intermediateWeight: try t(p + "intermediate.dense.weight", [config.intermediate, h]),
                    intermediateBias: try t(p + "intermediate.dense.bias", [config.intermediate]),
                    outputWeight: try t(p + "output.dense.weight", [h, config.intermediate]),
                    outputBias: try t(p + "output.dense.bias", [h]),
                    outputNormGain: try t(p + "output.LayerNorm.weight", [h]),
                    outputNormBias: try t(p + "output.LayerNorm.bias", [h])))
        }
        self.layers = layers
    }
}
