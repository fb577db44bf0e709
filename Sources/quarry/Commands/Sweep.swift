import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

/// `--grid ef=10,20,40` options into a grid.
func parseGrid(_ specs: [String]) throws -> SweepGrid {
    var grid = SweepGrid()
    for spec in specs {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw EngineError.badParameter("--grid \(spec): expected NAME=V,V,… such as ef=10,20,40") }
        let values = parts[1].split(separator: ",").map { ParameterValue(parsing: String($0).trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty else { throw EngineError.badParameter("--grid \(spec): no values") }
        try grid.add(parts[0], values)
    }
    guard !grid.axes.isEmpty else { throw EngineError.badParameter("give at least one --grid NAME=V,V,… (parameters: \(Workbench.sweepParameters.map(\.name).joined(separator: ", ")))") }
    return grid
}

func sweepJSON(_ rows: [SweepRow], metric: String) -> JSONValue {
    let frontier = Set(paretoFrontier(rows, metric: metric))
    return .array(rows.enumerated().map { i, r in
        .object([
            JSONMember("setting", r.setting.json), JSONMember("p50_ms", .double(r.p50Ms)),
            JSONMember("p95_ms", r.latency.map { .double($0.p95Ms) } ?? .null), JSONMember("p99_ms", r.latency.map { .double($0.p99Ms) } ?? .null),
            JSONMember("qps", r.latency.map { .double($0.qps) } ?? .null),
            JSONMember("metrics", .object(r.metrics.sorted { $0.key < $1.key }.map { JSONMember($0.key, .double($0.value)) })),
            JSONMember("frontier", .bool(frontier.contains(i))),
        ])
    })
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Evaluate a grid of parameters; print the table, the Pareto frontier and its plot.",
        discussion: """
            Each setting is one `quarry eval` (stored as a run). The frontier holds the
            settings no other setting beats on both the metric (higher) and p50 latency
            (lower). recall@10 is the share of the exact top-10 found (vectors); nDCG@10
            etc. use the qrels. Parameters:
            \(DisplayWidth.wrap(Workbench.sweepParameters.map { "\($0.name) (\($0.meaning))" }.joined(separator: ", ") + ".", 79).joined(separator: "\n"))

            Examples:
              quarry sweep --collection scifact --mode vector --grid ef=10,20,40,80,160
              quarry sweep --collection scifact --mode bm25 --grid k1=0.6,0.9,1.2 \\
                  --grid b=0.4,0.75
              quarry sweep --collection scifact --mode hybrid --grid rrf_k=10,30,60 \\
                  --metric ndcg@10 --json
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var options: EvalOptions
    @Option(help: ArgumentHelp("A parameter and its values; repeat for a grid (cartesian product).", valueName: "name=v,v,…")) var grid: [String] = []
    @Option(help: "The metric of the frontier: recall@10 (vectors, default when measured), ndcg@10, mrr@10, recall@100.") var metric: String?
    @Flag(inversion: .prefixedNo, help: "Draw the frontier in braille.") var plot = true
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let g = try parseGrid(grid)
            let wb = try Workbench(path: database.path, mustExist: true)
            let bar = ProgressBar(label: "sweep", unit: "settings", enabled: !json && Terminal.isTTY(STDERR_FILENO))
            let base = try options.request()
            let rows = try wb.sweep(base, grid: g) { _, done, total in bar.update(done: done, fraction: Double(done) / Double(total)) }
            bar.finish()
            let (mode, defaultMetric) = Workbench.sweepMode(base, grid: g)
            let m = metric?.lowercased() ?? defaultMetric
            guard rows.contains(where: { $0.metrics[m] != nil }) else {
                throw EngineError.badParameter("no setting measured \(m) (measured: \(Set(rows.flatMap(\.metrics.keys)).sorted().joined(separator: ", ")))")
            }
            if json {
                printJSON(.object([JSONMember("collection", .string(options.collection)), JSONMember("metric", .string(m)),
                                   JSONMember("rows", sweepJSON(rows, metric: m)),
                                   JSONMember("frontier", .array(paretoFrontier(rows, metric: m).map { rows[$0].setting.json }))]))
                return
            }
            print("\(options.collection) · \(options.statement ?? mode) · split \(options.split) · \(g.count) settings · frontier on \(m) against p50")
            print(Render.sweepTable(rows, grid: g, metric: m, width: Terminal.width(), color: Terminal.colorEnabled()))
            if plot {
                print("")
                let width = min(72, max(20, Terminal.width() - 12))
                print(ParetoPlot.render(rows: rows, metric: m, width: width, height: 12).joined(separator: "\n"))
            }
        }
    }
}

struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Pick the cheapest setting that reaches a target on one split; check it on another.",
        discussion: """
            Sweeps the grid on --tune-split, keeps the settings whose metric reaches the
            target (for =max: the best value), picks the one with the lowest p50 latency,
            evaluates it on --check-split, and stores it as the collection's recommendation
            (--show lists them).

            Examples:
              quarry tune --collection scifact --mode vector \\
                  --grid ef=10,16,24,32,48,64,96,128 --target recall@10=0.95
              quarry tune --collection scifact --mode bm25 --grid k1=0.6,0.9,1.2,1.5 \\
                  --grid b=0.3,0.5,0.75 --target ndcg@10=max
              quarry tune --show --collection scifact
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var options: EvalOptions
    @Option(help: ArgumentHelp("A parameter and its values; repeat for a grid.", valueName: "name=v,v,…")) var grid: [String] = []
    @Option(help: ArgumentHelp("metric=value (reach it) or metric=max (the best), e.g. recall@10=0.95, ndcg@10=max.", valueName: "target")) var target: String?
    @Option(name: .customLong("tune-split"), help: "The split to tune on.") var tuneSplit = "train"
    @Option(name: .customLong("check-split"), help: "The held-out split to check on.") var checkSplit = "test"
    @Flag(help: "List the stored recommendations instead of tuning.") var show = false
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            if show {
                let recs = try wb.recommendations(collection: options.collection)
                if json {
                    printJSON(.array(recs.map { .object([JSONMember("collection", .string($0.collection)), JSONMember("metric", .string($0.metric)),
                                                         JSONMember("target", .string($0.target)), JSONMember("setting", $0.params),
                                                         JSONMember("report", $0.report), JSONMember("created_at", .string($0.createdAt))]) }))
                    return
                }
                if recs.isEmpty { print("no recommendation for \(options.collection) yet; quarry tune stores one"); return }
                print(TextTable(columns: [.init("metric"), .init("target"), .init("setting"), .init("at")],
                                rows: recs.map { r in [r.metric, r.target, settingText(r.params), r.createdAt] })
                        .render(width: Terminal.width(), color: Terminal.colorEnabled()))
                return
            }
            guard let target else { throw EngineError.badParameter("give --target metric=value or metric=max (e.g. recall@10=0.95)") }
            let t = try TuneTarget.parse(target)
            let g = try parseGrid(grid)
            let bar = ProgressBar(label: "tune", unit: "evaluations", enabled: !json && Terminal.isTTY(STDERR_FILENO))
            let base = try options.request()
            let report = try wb.tune(base, grid: g, target: t, tuneSplit: tuneSplit, checkSplit: checkSplit) { done, total in
                bar.update(done: done, fraction: Double(done) / Double(total))
            }
            bar.finish()
            if json { printJSON(report.json); return }
            print("\(options.collection) · \(options.statement ?? Workbench.sweepMode(base, grid: g).mode) · target \(t) · tuned on \(tuneSplit), checked on \(checkSplit)")
            print(Render.sweepTable(report.rows, grid: g, metric: t.metric, mark: report.decision.index, width: Terminal.width(), color: Terminal.colorEnabled()))
            let chosen = report.decision.row
            func v(_ m: [String: Double]) -> String { NumberText.metric(m[t.metric]) }
            print("")
            if report.decision.met {
                print("chosen: \(chosen.setting)  (\(tuneSplit): \(t.metric) \(v(chosen.metrics)), p50 \(String(format: "%.3f", chosen.p50Ms)) ms)")
            } else {
                print("no setting reached \(t) on \(tuneSplit); the best: \(chosen.setting)  (\(t.metric) \(v(chosen.metrics)))")
            }
            let best = report.checkBest.map { " (best of the grid on \(checkSplit): " + NumberText.metric($0) + ")" } ?? ""
            print("check:  \(checkSplit): \(t.metric) \(v(report.check))\(best), p50 \(String(format: "%.3f", report.checkP50Ms)) ms — "
                  + (report.checkMet ? "meets the target" : "does NOT meet the target"))
            print("stored as the recommendation for \(options.collection) (\(t.metric)); quarry tune --show --collection \(options.collection)")
        }
    }

    func settingText(_ params: JSONValue) -> String {
        guard case let .object(m) = params else { return params.jsonText }
        return m.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" }.joined(separator: " ")
    }
}
