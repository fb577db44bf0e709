import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Try: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Tries: named parameter sets (and statement templates) of a collection, saved and compared.",
        discussion: """
            A try (Quepid's word) is what you tune: a mode, BM25's k1 and b, HNSW's ef, a
            fusion, or a whole SEARCH template with $query. Compare two over a query set:
            per query the overlap@10 and rank-biased overlap of their top 10 and the rank
            moves — meaningful with no judgments at all — and, where the set has judgments,
            nDCG@10, judged@10 and the paired statistics of quarry runs compare.

            Examples:
              quarry try save base --collection docs --mode bm25
              quarry try save soft --collection docs --mode bm25 --k1 1.2 --b 0.75
              quarry try save mixed --collection docs --mode hybrid --fuse 'rrf(k = 30)' \\
                  --ef 128
              quarry try list --collection docs
              quarry try compare base soft --collection docs --set mine
            """,
        subcommands: [TrySave.self, TryList.self, TryCompare.self],
        defaultSubcommand: TryList.self)
}

struct TrySave: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Save (or replace) a try: parameters through the engine's registry, checked.",
        discussion: """
            Examples:
              quarry try save base --collection docs
              quarry try save long-docs --collection docs --k1 1.5 --b 0.9
              quarry try save vec --collection docs --mode vector --ef 256
              quarry try save title --collection docs \\
                  --statement "SEARCH docs MATCH \\$query IN (title^3, text)"
              quarry try save rm3 --collection docs --param rm3=on --param rm3_fb_docs=5
            """)
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The try's name.") var name: String
    @OptionGroup var target: CollectionChoice
    @Option(help: parameterHelp("mode")) var mode: String?
    @OptionGroup var tuning: TuningOptions
    @Option(help: ArgumentHelp("Hybrid fusion as FUSE writes it: auto, rrf(k = 60), 'weighted(0.3) NORMALIZE dbsf'.", valueName: "fusion")) var fuse: String?
    @Option(help: "A SEARCH statement with $query where each query's text goes.") var statement: String?
    @Option(help: ArgumentHelp("Any parameter of the registry (repeatable): rm3=on, bm25_query_tf=distinct.", valueName: "name=value")) var param: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c) = try target.open(database)
            var values = ParameterValues()
            if let mode { try values.set("mode", parsing: mode) }
            try tuning.apply(to: &values)
            if let fuse { try values.set(fusion: EvalOptions.fusion(fuse)) }
            for item in param {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw EngineError.badParameter("--param \(item): expected name=value, such as rm3=on") }
                try values.apply(parts[0].trimmingCharacters(in: .whitespaces), try Parameters.require(parts[0].trimmingCharacters(in: .whitespaces)).parse(parts[1]))
            }
            try wb.saveTry(collection: c, name: name, parameters: values, statement: statement)
            let saved = try wb.storedTry(collection: c, name: name)
            if json { printJSON(TryList.json(saved)); return }
            print("saved try '\(name)' of \(c): \(TryList.summary(saved))")
        }
    }
}

struct TryList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a collection's tries.",
        discussion: """
            Examples:
              quarry try list --collection docs
              quarry try list --json
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var target: CollectionChoice
    @Flag(help: "Print JSON.") var json = false

    static func json(_ t: StoredTry) -> JSONValue {
        .object([JSONMember("name", .string(t.name)), JSONMember("params", t.params),
                 JSONMember("statement", t.statement.map { .string($0) } ?? .null), JSONMember("created_at", .string(t.createdAt))])
    }

    /// `mode=bm25 k1=1.2` or the statement.
    static func summary(_ t: StoredTry) -> String {
        var parts: [String] = []
        if case let .object(members) = t.params { parts = members.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" } }
        if let s = t.statement { parts.append(s) }
        return parts.isEmpty ? "(defaults)" : parts.joined(separator: " ")
    }

    func run() throws {
        try reportingErrors {
            let (wb, c) = try target.open(database)
            let all = try wb.tries(collection: c)
            if json { printJSON(.array(all.map(Self.json))); return }
            guard !all.isEmpty else { print("collection '\(c)' has no tries; save one with: quarry try save NAME --collection \(c) --k1 1.2"); return }
            print(TextTable(columns: [.init("try"), .init("parameters"), .init("saved")],
                            rows: all.map { [$0.name, Self.summary($0), $0.createdAt] })
                .render(width: Terminal.width(), color: Terminal.colorEnabled()))
        }
    }
}

struct TryCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Compare try B with try A over a query set, query by query.",
        discussion: """
            Per query: overlap@10 and RBO (p = 0.9) of the two top 10s, the documents that
            moved, and where the query is judged nDCG@10 of each with judged@10 (the share
            of the top 10 that has a grade: a rise in nDCG over unjudged documents shows as
            such). With judgments: the paired t-test, randomization test, wins and losses
            of quarry runs compare.

            Examples:
              quarry try compare base soft --collection docs --set mine
              quarry try compare base soft --collection docs --set mine --json
            """)
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The baseline try.") var a: String
    @Argument(help: "The try compared with it.") var b: String
    @OptionGroup var target: QuerySetChoice
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let (wb, c, set) = try target.open(database)
            let cmp = try wb.compareTries(collection: c, a, b, set: set)
            if json { printJSON(cmp.json); return }
            func f(_ d: Double?) -> String { d.map { String(format: "%.3f", $0) } ?? "—" }
            func signed(_ d: Double?) -> String { d.map { String(format: "%+.3f", $0) } ?? "—" }
            print("\(c) · try \(b) against \(a) · set \(set) · \(cmp.rows.count) queries")
            print(TextTable(columns: [.init("query"), .init("text"), .init("overlap@10", alignRight: true), .init("RBO", alignRight: true),
                                      .init("nDCG@10 \(a)", alignRight: true), .init("nDCG@10 \(b)", alignRight: true), .init("Δ", alignRight: true),
                                      .init("judged@10", alignRight: true), .init("moves")],
                            rows: cmp.rows.map { r in
                                let moves = r.moves.prefix(3).map { m in
                                    "\(m.docID) \(m.rankA.map(String.init) ?? "new")→\(m.rankB.map(String.init) ?? "out")"
                                }.joined(separator: ", ") + (r.moves.count > 3 ? ", …" : "")
                                let judged = r.judgedA == nil ? "—" : "\(f(r.judgedA))/\(f(r.judgedB))"
                                return [r.queryID, r.text, f(r.overlap), f(r.rbo), f(r.ndcgA), f(r.ndcgB), signed(r.ndcgDelta), judged, moves]
                            }).render(width: Terminal.width(), color: Terminal.colorEnabled()))
            print(String(format: "mean overlap@10 %.3f · mean RBO %.3f", cmp.meanOverlap, cmp.meanRBO))
            if let s = cmp.statistics {
                for m in s.metrics {
                    let pt = m.tTest.map { String(format: "%.4f", $0.pValue) } ?? "—"
                    print("\(m.metric.name): " + String(format: "%.4f → %.4f (%+.4f)", m.baselineMean, m.treatmentMean, m.delta)
                          + " · p(t) \(pt) · p(randomization) " + String(format: "%.4f", m.randomizationP)
                          + " · \(m.wins) wins, \(m.losses) losses, \(m.ties) ties")
                }
            } else {
                print("no judgments in set '\(set)': grade in the TUI or run quarry judge for nDCG and its statistics")
            }
        }
    }
}
