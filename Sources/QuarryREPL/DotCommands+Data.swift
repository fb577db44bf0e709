import Foundation
import QuarryConsole
import QuarryEngine

/// The dot-commands that change or measure the data: `.import`, `.index`, `.eval`, `.sweep`, `.runs`.
/// Each runs on the worker, so Ctrl-C returns to the prompt.
extension REPL {
    /// Runs `body` cancellably and prints its text or its error; false on error or cancel.
    func report(_ body: @escaping () throws -> String) -> Bool {
        report { (_: StopFlag) in try body() }
    }

    /// `report` for work that polls its stop flag.
    func report(_ body: @escaping (StopFlag) throws -> String) -> Bool {
        guard let outcome = cancellable({ (stop: StopFlag) in Result { try body(stop) } }) else { return false }
        switch outcome {
        case let .success(text): output.line(text); return true
        case let .failure(error): output.error(ErrorText.describe(error)); return false
        }
    }

    func dotImport(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do {
            (positional, named) = try Self.options(args, allowed: ["vectors", "query-vectors", "text-fields", "id-field", "vector-model", "geometry"], command: ".import")
        } catch { output.error(ErrorText.describe(error)); return false }
        guard positional.count == 2 else { output.error("usage: .import PATH COLLECTION [--vectors F] [--query-vectors F] [--text-fields a,b] [--id-field F] [--geometry F]"); return false }
        var options = ImportOptions(path: positional[0], collection: positional[1])
        options.vectors = named["vectors"]
        options.queryVectors = named["query-vectors"]
        options.idField = named["id-field"]
        options.textFields = named["text-fields"].map { $0.split(separator: ",").map(String.init) }
        if let m = named["vector-model"] { options.vectorModel = m }
        options.geometryFields = (named["geometry"] ?? "").split(separator: ",").map(String.init)
        let workbench = self.workbench
        defer { catalog.invalidate() }
        return report {
            let s = try workbench.importRecords(options)
            var text = "imported \(Human.count(s.records)) records into '\(options.collection)' (\(s.format)) in \(Human.seconds(s.seconds))"
            if s.queries > 0 { text += "; \(Human.count(s.queries)) queries" }
            if !s.qrels.isEmpty { text += "; qrels " + s.qrels.sorted { $0.key < $1.key }.map { "\($0.key) \(Human.count($0.value))" }.joined(separator: ", ") }
            if s.vectors > 0 { text += "; \(Human.count(s.vectors)) vectors" }
            return text
        }
    }

    func dotIndex(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do {
            (positional, named) = try Self.options(args, allowed: ["text", "analyzer", "vector", "type", "M", "ef-construction", "nlist", "refine-type", "json-path"],
                                                   command: ".index")
        } catch { output.error(ErrorText.describe(error)); return false }
        guard positional.count == 1, named["text"] != nil || named["vector"] != nil || named["json-path"] != nil else {
            output.error("usage: .index COLLECTION --text F,F [--analyzer A] | --vector F [--type hnsw] [--M 16] | --json-path P")
            return false
        }
        let collection = positional[0]
        let workbench = self.workbench
        return report {
            if let field = named["vector"] {
                var params: [String: String] = [:]
                for (flag, key) in [("M", "M"), ("ef-construction", "ef_construction"), ("nlist", "nlist"), ("refine-type", "refine_type")] {
                    if let v = named[flag] { params[key] = v }
                }
                let r = try workbench.buildVectorIndex(collection: collection, field: field, type: named["type"] ?? "hnsw", parameters: params)
                return "built \(r.type.uppercased()) index of '\(collection)'.\(r.field): \(Human.count(r.vectors)) vectors, \(Human.bytes(r.snapshotBytes)) in \(Human.seconds(r.seconds))"
            }
            if let path = named["json-path"] {
                let index = try workbench.buildPathIndex(collection: collection, extraPaths: path.split(separator: ",").map(String.init))
                return "indexed \(index.indexedPaths.count) JSON paths of '\(collection)': " + index.indexedPaths.map(\.description).joined(separator: ", ")
            }
            let fields = named["text"].flatMap { $0.isEmpty ? nil : $0.split(separator: ",").map(String.init) }
            let r = try workbench.buildLexicalIndex(collection: collection, fields: fields, analyzer: named["analyzer"] ?? "english")
            return "built BM25 index of '\(collection)' on \(r.fields.joined(separator: ", ")) (\(r.analyzer)): \(Human.count(r.documents)) documents, \(Human.count(r.terms)) terms"
        }
    }

    /// An evaluation request from `.eval` words: `COLLECTION [mode] [name=value …]`, each name a
    /// parameter of the registry or an evaluation option (split, fields, statement, warmup).
    static func evalRequest(_ args: [String]) throws -> EvalRequest {
        let (positional, named) = try options(args, command: ".eval")
        guard let collection = positional.first else { throw EngineError.badParameter("usage: .eval COLLECTION [bm25|vector|hybrid] [k1=… b=… ef=… split=…]") }
        var r = EvalRequest(collection: collection)
        if positional.count > 1 { try r.set("mode", text: positional[1]) }
        for (key, value) in named.sorted(by: { $0.key < $1.key }) { try r.set(key, text: value) }
        return r
    }

    /// The metric rows of `.eval`: relevance, recall against exact, p50 latency and QPS.
    static func metricRows(_ report: EvalReport) -> [[String]] {
        var rows = Render.evalRows(report)
        if let l = report.summary.latency { rows.append(["latency p50 ms", String(format: "%.3f", l.p50Ms)]); rows.append(["QPS (1 thread)", String(format: "%.0f", l.qps)]) }
        return rows
    }

    func dotEval(_ args: [String]) -> Bool {
        let request: EvalRequest
        do { request = try Self.evalRequest(args) } catch { output.error(ErrorText.describe(error)); return false }
        let workbench = self.workbench
        let width = output.width, color = output.color
        return report { (stop: StopFlag) in
            var request = request
            request.isCancelled = { stop.isSet }
            let report = try workbench.evaluate(request)
            var text = "\(request.collection) · \(request.statement ?? (request.mode ?? .bm25).rawValue) · split \(request.split) · \(report.summary.queries) queries\n"
            text += TextTable(columns: [.init("metric"), .init("value", alignRight: true)], rows: Self.metricRows(report)).render(width: width, color: color)
            if let id = report.runID { text += "\nstored as run \(id)" }
            return text
        }
    }

    /// `.sweep COLLECTION PARAM V,V,…`: one evaluation per value (no warm-up after the first),
    /// through the engine's sweep; the mode is what the parameter implies unless `mode=` names one.
    func dotSweep(_ args: [String]) -> Bool {
        let positional: [String], named: [String: String]
        do { (positional, named) = try Self.options(args, command: ".sweep") } catch { output.error(ErrorText.describe(error)); return false }
        let usage = "usage: .sweep COLLECTION PARAM V,V,… [mode=… split=…] (PARAM: \(Self.sweepable.joined(separator: ", ")))"
        guard positional.count == 3 else { output.error(usage); return false }
        let (collection, parameter) = (positional[0], positional[1])
        let values = positional[2].split(separator: ",").map(String.init)
        var grid = SweepGrid()
        let base: EvalRequest
        do {
            try grid.add(parameter, values.map { ParameterValue(parsing: $0) })
            var words = [collection]
            for (k, v) in named { words.append("\(k)=\(v)") }
            base = try Self.evalRequest(words)
            for s in grid.settings { _ = try Workbench.applying(s, to: base) }
        } catch { output.error(ErrorText.describe(error)); return false }
        let mode = Workbench.sweepMode(base, grid: grid).mode
        let workbench = self.workbench
        let width = output.width, color = output.color
        return report { (stop: StopFlag) in
            var request = base
            request.isCancelled = { stop.isSet }
            let sweep = try workbench.sweep(request, grid: grid)
            let rows = zip(values, sweep).map { value, r -> [String] in
                [value, NumberText.metric(r.metrics["ndcg@10"]), NumberText.metric(r.metrics["mrr@10"]), NumberText.metric(r.metrics["recall@100"]),
                 NumberText.metric(r.metrics["recall@10"]), r.p50Ms.isNaN ? "—" : String(format: "%.3f", r.p50Ms), r.runID.map(String.init) ?? ""]
            }
            return "\(collection) · \(mode) · sweep of \(parameter)\n" + TextTable(columns: [
                .init(parameter, alignRight: true), .init("nDCG@10", alignRight: true), .init("MRR@10", alignRight: true),
                .init("Recall@100", alignRight: true), .init("recall vs exact", alignRight: true), .init("p50 ms", alignRight: true), .init("run", alignRight: true),
            ], rows: rows).render(width: width, color: color)
        }
    }

    /// The parameters `.sweep` varies (the registry's sweepable ones).
    static var sweepable: [String] { Parameters.sweepable.map(\.name) }

    /// The runs table (the database's `runs()`), optionally of one collection.
    func dotRuns(_ args: [String]) -> Bool {
        let workbench = self.workbench
        let width = output.width, color = output.color
        return report {
            let runs = try workbench.runs().filter { r in args.first.map { $0 == r.collection } ?? true }
            if runs.isEmpty { return "no runs yet; .eval stores one" }
            let rows = runs.map { r -> [String] in
                func metric(_ key: String) -> String {
                    guard case let .object(m) = r.metrics, let value = m.first(where: { $0.key == key })?.value else { return "—" }
                    switch value {
                    case let .double(d): return String(format: "%.4f", d)
                    case let .int(i): return String(i)
                    default: return "—"
                    }
                }
                var params = ""
                if case let .object(p) = r.params { params = p.filter { $0.key != "k" }.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" }.joined(separator: " ") }
                return [String(r.id), r.collection, r.statement, params, r.split, metric("ndcg@10"), metric("recall@100"), r.createdAt]
            }
            return TextTable(columns: [.init("run", alignRight: true), .init("collection"), .init("statement"), .init("parameters"), .init("split"),
                                       .init("nDCG@10", alignRight: true), .init("Recall@100", alignRight: true), .init("at")],
                             rows: rows).render(width: width, color: color)
        }
    }
}
