import COpenBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BERT encoder of all-MiniLM-L6-v2 with sentence-transformers' pooling, in float32.
///
/// - Transformer encoder: Vaswani et al. 2017, "Attention Is All You Need" (scaled dot-product
///   attention, post-LayerNorm residual blocks), as configured by Devlin et al. 2019, "BERT";
///   the 6-layer, 384-wide student of Wang et al. 2020, "MiniLM: Deep Self-Attention
///   Distillation for Task-Agnostic Compression of Pre-Trained Transformers".
/// - GELU: Hendrycks & Gimpel 2016, the exact erf form (the tanh approximation is off by 2e-4).
/// - LayerNorm: Ba et al. 2016, biased variance, eps 1e-12.
/// - Sentence embedding: Reimers & Gurevych 2019, "Sentence-BERT": mean over the tokens of the
///   sequence ([CLS] and [SEP] included), then L2 normalisation.
///
/// Batches are packed, not padded: the tokens of all sequences of a batch are the rows of one
/// [N, 384] matrix, so every linear layer is one `cblas_sgemm` over exactly N rows (or, for the
/// few rows of a short query, one pass of `PanelGemm` over pre-packed weights), and the
/// attention runs per sequence and head over that sequence's own T×T scores. This is the
/// masked attention of a padded batch with the padding taken out: a token attends only to the
/// tokens of its own sequence, and pooling sees only real tokens.
struct BertEncoder: Sendable {
    let weights: BertWeights
    var config: BertConfig { weights.config }

    /// Embeds `sequences` (token ids with [CLS]/[SEP], each at most 512 long) and writes one
    /// L2-normalised vector of `config.hidden` floats per sequence to `out`, in order.
    func embed(_ sequences: [[Int32]], into out: UnsafeMutablePointer<Float>) {
        let h = config.hidden
        let lengths = sequences.map(\.count)
        let n = lengths.reduce(0, +)
        guard n > 0 else { return }
        let maxT = lengths.max() ?? 0
        precondition(maxT <= config.positions, "sequence longer than \(config.positions) positions")

        let x = Buffer(n * h)
        let qkv = Buffer(n * 3 * h)
        let context = Buffer(n * h)
        let sum = Buffer(n * h)
        let inner = Buffer(n * config.intermediate)
        let scores = Buffer(maxT * maxT)

        withExtendedLifetime((x, qkv, context, sum, inner, scores)) {
            embedTokens(sequences, into: x.p)
            for layer in weights.layers {
                attentionBlock(layer, lengths: lengths, rows: n, x: x.p, qkv: qkv.p, context: context.p,
                               sum: sum.p, scores: scores.p)
                feedForwardBlock(layer, rows: n, x: x.p, inner: inner.p, sum: sum.p)
            }
            meanPool(lengths: lengths, x: x.p, out: out)
        }
    }

    // MARK: - Stages

    /// x[t] = LayerNorm(word[id] + position[t] + tokenType[0]).
    private func embedTokens(_ sequences: [[Int32]], into x: UnsafeMutablePointer<Float>) {
        let h = config.hidden
        let word = weights.wordEmbeddings.baseAddress!
        let position = weights.positionEmbeddings.baseAddress!
        let type0 = weights.tokenTypeEmbeddings.baseAddress!
        var row = 0
        for ids in sequences {
            for (t, id) in ids.enumerated() {
                let dst = x + row * h
                let w = word + Int(id) * h
                let p = position + t * h
                for j in 0..<h { dst[j] = (w[j] + p[j]) + type0[j] }
                layerNorm(dst, gain: weights.embeddingNormGain, bias: weights.embeddingNormBias)
                row += 1
            }
        }
    }

    /// x = LayerNorm(x + Attention(x)·W_Oᵀ + b_O), with 12 heads of 32 and scale 1/√32.
    private func attentionBlock(
        _ layer: BertLayerWeights, lengths: [Int], rows n: Int, x: UnsafeMutablePointer<Float>,
        qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
        sum: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
    ) {
        let h = config.hidden
        let d = config.headDimension
        let scale = 1 / Float(d).squareRoot()
        linear(x, rows: n, weight: layer.qkv, bias: layer.qkvBias.p, into: qkv)
        var offset = 0
        for t in lengths {
            for head in 0..<config.heads {
                let q = qkv + offset * 3 * h + head * d
                let k = q + h
                let v = q + 2 * h
                gemm(transposeB: true, m: t, n: t, k: d, alpha: scale, a: q, lda: 3 * h, b: k, ldb: 3 * h,
                     beta: 0, c: scores, ldc: t)
                for r in 0..<t { VectorMath.softmax(scores + r * t, count: t) }
                gemm(transposeB: false, m: t, n: d, k: t, alpha: 1, a: scores, lda: t, b: v, ldb: 3 * h,
                     beta: 0, c: context + offset * h + head * d, ldc: h)
            }
            offset += t
        }
        linear(context, rows: n, weight: layer.attentionOut, bias: layer.attentionOutBias.baseAddress!, into: sum)
        addAndNormalize(sum, into: x, rows: n, gain: layer.attentionNormGain, bias: layer.attentionNormBias)
    }

    /// x = LayerNorm(x + GELU(x·W_1ᵀ + b_1)·W_2ᵀ + b_2).
    private func feedForwardBlock(
        _ layer: BertLayerWeights, rows n: Int, x: UnsafeMutablePointer<Float>,
        inner: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>
    ) {
        let m = config.intermediate
        linear(x, rows: n, weight: layer.intermediate, bias: layer.intermediateBias.baseAddress!, into: inner)
        VectorMath.gelu(inner, count: n * m)
        linear(inner, rows: n, weight: layer.output, bias: layer.outputBias.baseAddress!, into: sum)
        addAndNormalize(sum, into: x, rows: n, gain: layer.outputNormGain, bias: layer.outputNormBias)
    }

    /// Mean of each sequence's rows, then L2 normalisation (eps 1e-12 as `F.normalize`).
    private func meanPool(lengths: [Int], x: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let h = config.hidden
        var acc = [Double](repeating: 0, count: h)
        var row = 0
        for (s, t) in lengths.enumerated() {
            for j in 0..<h { acc[j] = 0 }
            for r in row..<(row + t) {
                let src = x + r * h
                for j in 0..<h { acc[j] += Double(src[j]) }
            }
            row += t
            var norm = 0.0
            for j in 0..<h {
                acc[j] /= Double(max(t, 1))
                norm += acc[j] * acc[j]
            }
            let inv = 1 / max(norm.squareRoot(), 1e-12)
            let dst = out + s * h
            for j in 0..<h { dst[j] = Float(acc[j] * inv) }
        }
    }

    // MARK: - Kernels

    /// y = x·W + b for `rows` rows; W is the transposed [inputs, outputs] weight.
    private func linear(
        _ x: UnsafePointer<Float>, rows: Int, weight: Matrix, bias: UnsafePointer<Float>,
        into y: UnsafeMutablePointer<Float>
    ) {
        let inputs = weight.rows
        let outputs = weight.columns
        for r in 0..<rows { (y + r * outputs).update(from: bias, count: outputs) }
        if rows <= PanelGemm.smallBatchRows, let panels = weight.panels {
            PanelGemm.multiplyAdd(rows: rows, inputs: inputs, columns: outputs, x: x, panels: panels, y: y)
        } else {
            gemm(transposeB: false, m: rows, n: outputs, k: inputs, alpha: 1, a: x, lda: inputs, b: weight.p,
                 ldb: outputs, beta: 1, c: y, ldc: outputs)
        }
    }

    /// x[r] = LayerNorm(x[r] + s[r]) for every row.
    private func addAndNormalize(
        _ s: UnsafeMutablePointer<Float>, into x: UnsafeMutablePointer<Float>, rows: Int,
        gain: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>
    ) {
        let h = config.hidden
        for i in 0..<(rows * h) { x[i] += s[i] }
        for r in 0..<rows { layerNorm(x + r * h, gain: gain, bias: bias) }
    }

    @inline(__always)
    private func layerNorm(_ v: UnsafeMutablePointer<Float>, gain: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>) {
        let h = config.hidden
        var mean: Float = 0
        for j in 0..<h { mean += v[j] }
        mean /= Float(h)
        var variance: Float = 0
        for j in 0..<h {
            let c = v[j] - mean
            variance += c * c
        }
        variance /= Float(h)
        let inv = 1 / (variance + config.layerNormEpsilon).squareRoot()
        for j in 0..<h { v[j] = (v[j] - mean) * inv * gain[j] + bias[j] }
    }

}

/// C = alpha·A·op(B) + beta·C, row-major, through OpenBLAS.
@inline(__always)
func gemm(
    transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    quarry_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Scratch memory for one forward pass: uninitialised floats, freed with the object.
final class Buffer {
    let p: UnsafeMutablePointer<Float>
    init(_ count: Int) { p = .allocate(capacity: max(count, 1)) }
    deinit { p.deallocate() }
}
