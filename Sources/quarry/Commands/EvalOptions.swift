import ArgumentParser
import Foundation
import QuarryEngine

/// What `eval`, `sweep` and `tune` share: the collection, the query set, the mode or statement,
/// and the parameters of one evaluation.
struct EvalOptions: ParsableArguments {
    @Option(help: "The collection.") var collection: String
    @Option(help: "bm25, vector or hybrid (both, fused by --fuse).") var mode = "bm25"
    @Option(help: "A SEARCH statement with $query where each query's text goes (overrides --mode).") var statement: String?
    @Option(help: "HNSW ef.") var ef: Int?
    @Option(help: "IVF lists probed.") var nprobe: Int?
    @Option(name: .customLong("refine-k"), help: "IVF_RABITQ candidates re-ranked.") var refineK: Int?
    @Option(help: "The query set's split.") var split = "test"
    @Option(help: "Hits per query shown in metrics@k (depth is at least 100).") var k = 10
    @Option(help: "BM25 k1.") var k1: Float = 0.9
    @Option(help: "BM25 b.") var b: Float = 0.4
    @Option(help: "BM25 fields and boosts, e.g. title^2,text.") var fields: String?
    @Option(help: "BM25 top-k algorithm: auto (by query shape), bmw, maxscore or exhaustive.") var algorithm = "auto"
    @Option(help: ArgumentHelp("Queries from a file instead of the collection's: BEIR queries.jsonl or 'qid<TAB>text' lines.", valueName: "file")) var queries: String?
    @Option(help: ArgumentHelp("Judgements from a file instead of the imported qrels: TREC 'qid 0 docid rel' or BEIR TSV.", valueName: "file")) var qrels: String?
    @Option(help: "Threads of the timed pass, each with its own connection and indexes (latency pools them; QPS is queries / wall time).") var threads = 1
    @Option(help: ArgumentHelp("Hybrid fusion as FUSE writes it: auto (the collection's tuned fusion, RRF until quarry tune stores one), rrf(k = 60), 'weighted(0.3) NORMALIZE dbsf'.", valueName: "fusion")) var fuse = "auto"
    @Option(name: .customLong("set"), help: ArgumentHelp("A setting for every query, as SET takes it (repeatable): rm3=on, bm25_query_tf=distinct, rm3_fb_docs=5.", valueName: "name=value")) var settings: [String] = []

    func request() throws -> EvalRequest {
        guard let m = EvalRequest.Mode(rawValue: mode.lowercased()) else {
            throw EngineError.badParameter("unknown mode '\(mode)' (expected \(EvalRequest.Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard threads >= 1, threads <= 256 else { throw EngineError.badParameter("--threads must be between 1 and 256, not \(threads)") }
        guard queries == nil || qrels != nil else {
            throw EngineError.badParameter("--queries needs --qrels (the judgements of those queries)")
        }
        var r = EvalRequest(collection: collection)
        r.mode = m
        r.split = split
        r.k = k
        r.lexical.k1 = k1
        r.lexical.b = b
        r.lexical.fields = fields
        r.lexical.algorithm = algorithm
        r.statement = statement
        r.ef = ef
        r.nprobe = nprobe
        r.refineK = refineK
        r.queriesFile = queries
        r.qrelsFile = qrels
        r.threads = threads
        r.fusion = try Self.fusion(fuse)
        for item in settings {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw EngineError.badParameter("--set \(item): expected name=value, such as rm3=on") }
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            r.settings[name] = try Settings.value(name, text: parts[1])
        }
        return r
    }

    /// `--fuse` text as FUSE takes it.
    static func fusion(_ text: String) throws -> FusionSpec {
        let statement = "SEARCH c MATCH 'q' NEAR 'q' FUSE " + text
        do {
            guard case let .search(s) = try StatementParser.parse(statement), let f = s.fusion else {
                throw EngineError.badParameter("--fuse \(text): expected auto, rrf(k = 60) or weighted(0.3) NORMALIZE minmax")
            }
            return f
        } catch let e as QueryError {
            throw EngineError.badParameter("--fuse \(text): \(e.message)")
        }
    }
}
