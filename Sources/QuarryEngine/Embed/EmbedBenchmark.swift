import QuarryBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `quarry bench embed` reports: the speed of the built-in embedder on this machine.
public struct EmbedBenchmarkReport: Sendable, Equatable {
    public struct PassageRate: Sendable, Equatable {
        public var threads: Int
        public var passagesPerSecond: Double
        public var tokensPerSecond: Double
        /// Process CPU seconds per passage (all threads).
        public var cpuSecondsPerPassage: Double
    }

    public struct CorpusTiming: Sendable, Equatable {
        public var documents: Int
        public var tokens: Int
        public var threads: Int
        public var seconds: Double
        public var cpuSeconds: Double
        public var documentsPerSecond: Double { seconds > 0 ? Double(documents) / seconds : 0 }
    }

    public var modelName: String
    public var dimension: Int
    /// Short queries embedded one at a time (batch 1) with one OpenBLAS thread.
    public var queryCount: Int
    public var queryMeanTokens: Double
    public var queryLatencyP50Milliseconds: Double
    public var queryLatencyP95Milliseconds: Double
    /// Process CPU time per query (median): on a shared machine, wall time also counts the
    /// time other processes held the cores; CPU time does not.
    public var queryCPUP50Milliseconds: Double
    /// Passages of exactly `passageTokens` word pieces ([CLS] and [SEP] included), in batches.
    public var passageTokens: Int
    public var passageCount: Int
    public var passageBatchSize: Int
    public var passageRates: [PassageRate]
    /// Time to embed a whole corpus, when one was given.
    public var corpus: CorpusTiming?

    /// The report as JSON, for `--json`.
    public var json: JSONValue {
        var members: [JSONMember] = [
            JSONMember("model", .string(modelName)),
            JSONMember("dimension", .int(Int64(dimension))),
            JSONMember(
                "short_queries",
                .object([
                    JSONMember("count", .int(Int64(queryCount))),
                    JSONMember("batch_size", 1),
                    JSONMember("threads", 1),
                    JSONMember("mean_tokens", .double(Self.round(queryMeanTokens, 1))),
                    JSONMember("p50_ms", .double(Self.round(queryLatencyP50Milliseconds, 3))),
                    JSONMember("p95_ms", .double(Self.round(queryLatencyP95Milliseconds, 3))),
                    JSONMember("cpu_p50_ms", .double(Self.round(queryCPUP50Milliseconds, 3))),
                ])),
            JSONMember(
                "passages",
                .object([
                    JSONMember("tokens", .int(Int64(passageTokens))),
                    JSONMember("count", .int(Int64(passageCount))),
                    JSONMember("batch_size", .int(Int64(passageBatchSize))),
                    JSONMember(
                        "rates",
                        .array(passageRates.map {
                            .object([
                                JSONMember("threads", .int(Int64($0.threads))),
                                JSONMember("passages_per_s", .double(Self.round($0.passagesPerSecond, 2))),
                                JSONMember("tokens_per_s", .double(Self.round($0.tokensPerSecond, 0))),
                                JSONMember("cpu_ms_per_passage", .double(Self.round($0.cpuSecondsPerPassage * 1000, 2))),
                            ])
                        })),
                ])),
        ]
        if let c = corpus {
            members.append(
                JSONMember(
                    "corpus",
                    .object([
                        JSONMember("documents", .int(Int64(c.documents))),
                        JSONMember("tokens", .int(Int64(c.tokens))),
                        JSONMember("threads", .int(Int64(c.threads))),
                        JSONMember("seconds", .double(Self.round(c.seconds, 3))),
                        JSONMember("cpu_seconds", .double(Self.round(c.cpuSeconds, 3))),
                        JSONMember("documents_per_s", .double(Self.round(c.documentsPerSecond, 1))),
                    ])))
        }
        return .object(members)
    }

    static func round(_ x: Double, _ digits: Int) -> Double {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return (x * p).rounded() / p
    }
}

extension Embedder {
    /// Short claims in the style of SciFact's queries: what people type into a search box.
    public static let benchmarkQueries = [
        "microRNA cancer", "vitamin D fracture risk", "statins reduce heart attacks",
        "BRCA1 mutation breast cancer", "sleep deprivation memory", "aspirin prevents stroke",
        "gut microbiome obesity", "antibiotic resistance in hospitals", "CRISPR gene editing safety",
        "exercise lowers blood pressure", "smoking and lung cancer", "insulin resistance diabetes",
    ]

    /// Measures the embedder: short queries one at a time (p50/p95 latency with one thread),
    /// passages of `passageTokens` pieces per second with each count of `threads`, and, when
    /// `corpus` is given, the time to embed all of it with `corpusThreads`. Restores the
    /// OpenBLAS thread count it found. Returns data; prints nothing.
    public func benchmark(
        queries: [String] = Embedder.benchmarkQueries, queryRounds: Int = 20,
        passageTokens: Int = 200, passageCount: Int = 64, batchSize: Int = 32, threads: [Int] = [1, 2],
        corpus: [String]? = nil, corpusThreads: Int = 2
    ) -> EmbedBenchmarkReport {
        let saved = Embedder.threadCount
        defer { Embedder.threadCount = saved }

        // Short queries, batch 1, one thread: tokenization included, as a search would do it.
        Embedder.threadCount = 1
        _ = embed(queries.first ?? "warm up")
        var latencies: [Double] = []
        var cpu: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<max(1, queryRounds) {
            for q in queries {
                let cpuStart = Self.processCPUSeconds()
                let start = clock.now
                _ = embed(q)
                latencies.append(Self.milliseconds(clock.now - start))
                cpu.append((Self.processCPUSeconds() - cpuStart) * 1000)
            }
        }
        latencies.sort()
        cpu.sort()
        let meanTokens = queries.isEmpty ? 0 : Double(queries.map { tokenizer.encode($0).count }.reduce(0, +)) / Double(queries.count)

        // Passages of exactly passageTokens pieces.
        let passages = (0..<max(1, passageCount)).map { syntheticPassage(tokens: passageTokens, seed: $0) }
        let ids = passages.map { tokenizer.encode($0) }
        var rates: [EmbedBenchmarkReport.PassageRate] = []
        for t in threads {
            Embedder.threadCount = t
            _ = embedFlat(tokenIDs: Array(ids.prefix(batchSize)), batchSize: batchSize, progress: { _, _ in })
            let cpuStart = Self.processCPUSeconds()
            let start = clock.now
            _ = embedFlat(tokenIDs: ids, batchSize: batchSize, progress: { _, _ in })
            let seconds = Self.milliseconds(clock.now - start) / 1000
            let cpuSeconds = Self.processCPUSeconds() - cpuStart
            let perSecond = Double(ids.count) / seconds
            rates.append(.init(threads: t, passagesPerSecond: perSecond,
                               tokensPerSecond: perSecond * Double(ids.first?.count ?? 0),
                               cpuSecondsPerPassage: cpuSeconds / Double(ids.count)))
        }

        var corpusTiming: EmbedBenchmarkReport.CorpusTiming?
        if let corpus {
            Embedder.threadCount = corpusThreads
            let cpuStart = Self.processCPUSeconds()
            let start = clock.now
            let corpusIDs = corpus.map { tokenizer.encode($0) }
            _ = embedFlat(tokenIDs: corpusIDs, batchSize: batchSize, progress: { _, _ in })
            corpusTiming = .init(documents: corpus.count, tokens: corpusIDs.map(\.count).reduce(0, +),
                                 threads: corpusThreads, seconds: Self.milliseconds(clock.now - start) / 1000,
                                 cpuSeconds: Self.processCPUSeconds() - cpuStart)
        }

        return EmbedBenchmarkReport(
            modelName: modelName, dimension: dimension, queryCount: latencies.count,
            queryMeanTokens: meanTokens,
            queryLatencyP50Milliseconds: Self.percentile(latencies, 0.50),
            queryLatencyP95Milliseconds: Self.percentile(latencies, 0.95),
            queryCPUP50Milliseconds: Self.percentile(cpu, 0.50),
            passageTokens: ids.first?.count ?? 0, passageCount: ids.count, passageBatchSize: batchSize,
            passageRates: rates, corpus: corpusTiming)
    }

    /// English text that tokenizes to exactly `tokens` pieces ([CLS] and [SEP] included);
    /// `seed` rotates the words so that passages differ.
    func syntheticPassage(tokens: Int, seed: Int) -> String {
        let words = Self.passageWords
        var text: [String] = []
        var i = seed
        while tokenizer.encode(text.joined(separator: " ")).count < tokens {
            text.append(words[i % words.count])
            i += 7
        }
        while tokenizer.encode(text.joined(separator: " ")).count > tokens { text.removeLast() }
        while tokenizer.encode(text.joined(separator: " ")).count < tokens { text.append("a") }
        return text.joined(separator: " ")
    }

    static let passageWords = """
        Alterations of the architecture of cerebral white matter in the developing human brain can affect \
        cortical development and result in functional disabilities. A line scan diffusion weighted magnetic \
        resonance imaging sequence with diffusion tensor analysis was applied to measure the apparent \
        diffusion coefficient, to calculate relative anisotropy, and to delineate three dimensional fiber \
        architecture in cerebral white matter in preterm infants and full term infants.
        """.split(separator: " ").map(String.init)

    static func milliseconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = p * Double(sorted.count - 1)
        let lo = Int(rank.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
    }
}
