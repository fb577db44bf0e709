import ArgumentParser
import Foundation
import QuarryEngine

/// The help of a flag that sets a parameter of the engine's registry: its help and its default.
func parameterHelp(_ name: String, _ note: String = "") -> ArgumentHelp {
    guard let p = Parameters.named(name) else { return ArgumentHelp(note) }
    return ArgumentHelp(p.help.prefix(1).uppercased() + p.help.dropFirst() + note + " (default: \(p.defaultValue)).")
}

/// The flags of the registry's numeric search parameters, one declaration for every command that
/// takes them (`search`, `try save`, `eval`, `sweep`, `tune`); the engine checks their ranges.
struct TuningOptions: ParsableArguments {
    @Option(help: parameterHelp("k1")) var k1: Double?
    @Option(help: parameterHelp("b")) var b: Double?
    @Option(help: parameterHelp("ef")) var ef: Int?
    @Option(help: parameterHelp("nprobe")) var nprobe: Int?
    @Option(name: .customLong("refine-k"), help: parameterHelp("refine_k")) var refineK: Int?

    /// Sets the parameters given on the command line.
    func apply(to values: inout ParameterValues) throws {
        for (name, value) in [("k1", k1), ("b", b), ("ef", ef.map(Double.init)), ("nprobe", nprobe.map(Double.init)), ("refine_k", refineK.map(Double.init))] {
            if let value { try values.set(name, .number(value)) }
        }
    }
}

/// What `eval`, `sweep` and `tune` share: the collection, the query set, the mode or statement,
/// and the parameters of one evaluation (each flag sets a parameter of the engine's registry,
/// checked there).
struct EvalOptions: ParsableArguments {
    @Option(help: "The collection.") var collection: String
    @Option(help: "bm25, vector or hybrid (both, fused by --fuse) (default: bm25; sweep and tune: what the grid's parameters imply).") var mode: String?
    @Option(help: "A SEARCH statement with $query where each query's text goes (overrides --mode).") var statement: String?
    @OptionGroup var tuning: TuningOptions
    @Option(help: "The query set's split.") var split = "test"
    @Option(help: parameterHelp("k", "; depth is at least 100")) var k: Int?
    @Option(help: "BM25 fields and boosts, e.g. title^2,text.") var fields: String?
    @Option(help: parameterHelp("bm25_algorithm")) var algorithm: String?
    @Option(help: ArgumentHelp("Queries from a file instead of the collection's: BEIR queries.jsonl or 'qid<TAB>text' lines.", valueName: "file")) var queries: String?
    @Option(help: ArgumentHelp("Judgements from a file instead of the imported qrels: TREC 'qid 0 docid rel' or BEIR TSV.", valueName: "file")) var qrels: String?
    @Option(help: "Threads of the timed pass, each with its own connection and indexes (latency pools them; QPS is queries / wall time).") var threads = 1
    @Option(help: ArgumentHelp("Hybrid fusion as FUSE writes it: auto (the collection's tuned fusion, RRF until quarry tune stores one; the default), rrf(k = 60), 'weighted(0.3) NORMALIZE dbsf'.", valueName: "fusion")) var fuse: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("A setting for every query, as SET takes it (repeatable): rm3=on, bm25_query_tf=distinct, rm3_fb_docs=5.", valueName: "name=value")) var settings: [String] = []

    func request() throws -> EvalRequest {
        guard threads >= 1, threads <= 256 else { throw EngineError.badParameter("--threads must be between 1 and 256, not \(threads)") }
        guard queries == nil || qrels != nil else {
            throw EngineError.badParameter("--queries needs --qrels (the judgements of those queries)")
        }
        var r = EvalRequest(collection: collection)
        if let mode { try r.set("mode", text: mode) }
        if let k { try r.parameters.set("k", .number(Double(k))) }
        try tuning.apply(to: &r.parameters)
        if let algorithm { try r.parameters.set("bm25_algorithm", parsing: algorithm) }
        r.split = split
        r.fields = fields
        r.statement = statement
        r.queriesFile = queries
        r.qrelsFile = qrels
        r.threads = threads
        if let fuse { try r.parameters.set(fusion: Self.fusion(fuse)) }
        for item in settings {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw EngineError.badParameter("--set \(item): expected name=value, such as rm3=on") }
            try r.parameters.set(parts[0].trimmingCharacters(in: .whitespaces), parsing: parts[1])
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
