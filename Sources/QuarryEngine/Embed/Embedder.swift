import COpenBLAS
import Foundation

/// Quarry's built-in text embedder: sentence-transformers/all-MiniLM-L6-v2, computed in Swift
/// (WordPiece tokenizer + BERT encoder on OpenBLAS), offline, giving the vectors that
/// `SentenceTransformer("all-MiniLM-L6-v2").encode(texts)` gives (within 1e-5).
///
/// Load it once and share it: it is immutable after loading and safe to use from several
/// threads (each call allocates its own scratch memory).
///
///     let embedder = try Embedder.loadDefault()          // finds the files of `make model`
///     let vectors = embedder.embed(["microRNA cancer"])  // [[Float]], 384 floats each, unit length
///
/// Tuning: `batchSize` trades memory for throughput (32 is a good default; each batch holds its
/// texts sorted by token count so that similar lengths go together); `Embedder.threadCount`
/// sets OpenBLAS's threads for the matrix products (1 is best for single short queries).
public final class Embedder: @unchecked Sendable {
    /// The name a collection records for vectors made by this embedder.
    public static let modelName = ModelFiles.modelName
    /// Number of floats in each embedding.
    public static let dimension = 384

    public var modelName: String { Self.modelName }
    public var dimension: Int { Self.dimension }
    /// Where the model was loaded from.
    public let files: ModelFiles
    /// The model's tokenizer (max 256 pieces with [CLS] and [SEP]).
    public let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder

    /// Loads the model from `modelDirectory` (which must hold model.safetensors and vocab.txt
    /// with their official sizes). Throws an `EmbedError` whose text says how to fetch the model.
    public init(modelDirectory: String) throws(EmbedError) {
        let files = ModelFiles(directory: modelDirectory)
        try files.checkPresent()
        self.files = files
        self.tokenizer = try WordPieceTokenizer(vocabularyFile: files.vocabularyPath, maxLength: 256)
        let weights = try BertWeights(file: SafeTensorsFile(path: files.weightsPath))
        self.encoder = BertEncoder(weights: weights)
    }

    /// Loads the model from `ModelFiles.defaultDirectory()` ($QUARRY_MODEL_DIR, else the XDG cache).
    public static func loadDefault() throws(EmbedError) -> Embedder {
        try Embedder(modelDirectory: ModelFiles.defaultDirectory())
    }

    /// Threads an embedding call uses (process-wide; all cores by default). Several batches are
    /// spread over this many threads, each running OpenBLAS single-threaded — the attention's
    /// small per-head products and the element-wise kernels then run in parallel too; a single
    /// batch (a query) uses OpenBLAS's own threads instead.
    public static var threadCount: Int {
        get { Int(quarry_openblas_get_num_threads()) }
        set { quarry_openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    // MARK: - Embedding

    /// One unit-length vector of `dimension` floats for `text`.
    public func embed(_ text: String) -> [Float] {
        embedFlat([text], batchSize: 1, progress: { _, _ in })
    }

    /// One vector per text, in the order of `texts`.
    public func embed(_ texts: [String], batchSize: Int = 32) -> [[Float]] {
        embed(texts, batchSize: batchSize, progress: { _, _ in })
    }

    /// One vector per text, in the order of `texts`.
    ///
    /// `progress(done, total)` is called after each batch; throw from it to stop early (the
    /// error is passed on and nothing is returned).
    public func embed(
        _ texts: [String], batchSize: Int = 32,
        progress: (_ done: Int, _ total: Int) throws -> Void
    ) rethrows -> [[Float]] {
        let flat = try embedFlat(texts, batchSize: batchSize, progress: progress)
        let d = dimension
        return (0..<texts.count).map { Array(flat[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// The vectors of `texts` as one row-major array of `texts.count × dimension` floats (the
    /// layout of an fbin file's body).
    public func embedFlat(_ texts: [String], batchSize: Int = 32) -> [Float] {
        embedFlat(texts, batchSize: batchSize, progress: { _, _ in })
    }

    /// `embedFlat(_:batchSize:)` with `progress(done, total)` called after each batch; throw
    /// from it to stop early.
    public func embedFlat(
        _ texts: [String], batchSize: Int = 32,
        progress: (_ done: Int, _ total: Int) throws -> Void
    ) rethrows -> [Float] {
        let ids = texts.map { tokenizer.encode($0) }
        return try embedFlat(tokenIDs: ids, batchSize: batchSize, progress: progress)
    }

    /// The vectors of already tokenized sequences (from `tokenizer.encode`), on `threads`
    /// threads (default `Embedder.threadCount`).
    public func embedFlat(
        tokenIDs ids: [[Int32]], batchSize: Int = 32, threads: Int? = nil,
        progress: (_ done: Int, _ total: Int) throws -> Void
    ) rethrows -> [Float] {
        let d = dimension
        var out = [Float](repeating: 0, count: ids.count * d)
        // Longest first: batches hold sequences of similar length, and the slowest come first
        // so that a progress bar's rate settles early rather than late.
        let order = ids.indices.sorted { (ids[$0].count, $1) > (ids[$1].count, $0) }
        let size = max(1, batchSize)
        let batches = stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
        let threads = min(threads ?? Self.threadCount, batches.count)
        if threads > 1 {
            try embedInParallel(ids, batches: batches, threads: threads, into: &out, progress: progress)
            return out
        }
        var done = 0
        var pooled = [Float](repeating: 0, count: size * d)
        for batch in batches {
            pooled.withUnsafeMutableBufferPointer { p in
                encoder.embed(batch.map { ids[$0] }, into: p.baseAddress!)
            }
            out.withUnsafeMutableBufferPointer { o in
                for (k, i) in batch.enumerated() {
                    for j in 0..<d { o[i * d + j] = pooled[k * d + j] }
                }
            }
            done += batch.count
            try progress(done, ids.count)
        }
        return out
    }

    /// Batches taken in turn by `threads` threads, each with single-threaded OpenBLAS; each
    /// writes its rows of `out` (disjoint) and `progress` runs on the calling thread as batches
    /// finish. When `progress` throws, the threads stop after their current batch.
    private func embedInParallel(
        _ ids: [[Int32]], batches: [[Int]], threads: Int, into out: inout [Float],
        progress: (_ done: Int, _ total: Int) throws -> Void
    ) rethrows {
        final class State: @unchecked Sendable {
            let lock = NSCondition()
            var next = 0
            var finished: [Int] = []   // sizes of the batches done, in the order they finished
            var running: Int
            var stop = false
            init(running: Int) { self.running = running }
        }
        let d = dimension
        let state = State(running: threads)
        let saved = Self.threadCount
        Self.threadCount = 1
        defer { Self.threadCount = saved }
        let encoder = self.encoder
        let maxBatch = batches.map(\.count).max() ?? 0
        // The threads write here (rows are disjoint); copied into `out` once all have stopped.
        nonisolated(unsafe) let base = UnsafeMutablePointer<Float>.allocate(capacity: max(1, ids.count * d))
        defer { base.deallocate() }
        for _ in 0..<threads {
            Thread.detachNewThread {
                let pooled = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxBatch * d))
                defer {
                    pooled.deallocate()
                    state.lock.lock(); state.running -= 1; state.lock.broadcast(); state.lock.unlock()
                }
                while true {
                    state.lock.lock()
                    let b = state.next
                    state.next += 1
                    let stop = state.stop
                    state.lock.unlock()
                    guard !stop, b < batches.count else { return }
                    let batch = batches[b]
                    encoder.embed(batch.map { ids[$0] }, into: pooled)
                    for (k, i) in batch.enumerated() { (base + i * d).update(from: pooled + k * d, count: d) }
                    state.lock.lock(); state.finished.append(batch.count); state.lock.broadcast(); state.lock.unlock()
                }
            }
        }
        // Report each batch as it finishes; wait for every thread before returning or throwing.
        var reported = 0, done = 0
        while true {
            state.lock.lock()
            while state.finished.count == reported && state.running > 0 { state.lock.wait() }
            let finished = state.finished, running = state.running
            state.lock.unlock()
            for size in finished[reported...] {
                reported += 1
                done += size
                do { try progress(done, ids.count) } catch {
                    state.lock.lock(); state.stop = true
                    while state.running > 0 { state.lock.wait() }
                    state.lock.unlock()
                    throw error
                }
            }
            if running == 0 && finished.count == reported { break }
        }
        out.withUnsafeMutableBufferPointer { o in o.baseAddress!.update(from: base, count: ids.count * d) }
    }
}
