import Foundation
import QuarryEngine

/// What the worker hands back to the UI thread.
enum Message: Sendable {
    case run(RunOutcome)
    case document(DocumentContent)
    case querySet([QuerySetEntry], note: String?)
    case facets(FacetReport)
    case sweep(SweepProgress)
    case catalog([String])
    case failure(String)
}

/// A mailbox between the worker and the UI loop, which drains it between keys.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Message] = []

    func post(_ m: Message) { lock.lock(); items.append(m); lock.unlock() }

    func drain() -> [Message] {
        lock.lock(); defer { lock.unlock() }
        let out = items
        items.removeAll()
        return out
    }
}

/// Runs every engine call on one serial queue, off the UI thread: the workbench is only ever
/// touched from there, and typing never waits for a query.
final class Runner: @unchecked Sendable {
    let workbench: Workbench
    let collection: String
    let inbox = Inbox()
    private let queue = DispatchQueue(label: "quarry.tui.engine")
    /// Titles of the records shown, by ordinal (read once).
    private var titles: [UInt32: String] = [:]

    /// A second workbench whose statements run on a remote backend (Milvus), and its label.
    let remote: (workbench: Workbench, label: String)?

    init(workbench: Workbench, collection: String, remote: (workbench: Workbench, label: String)? = nil) {
        self.workbench = workbench
        self.collection = collection
        self.remote = remote
    }

    /// The columns shown: three, and a fourth with a remote backend.
    var branches: [Branch] { remote == nil ? [.lexical, .vector, .hybrid] : Branch.allCases }

    func run(query: String, filter: String?, fromSet: QuerySetEntry?, params: Params, generation: Int) {
        queue.async { [self] in
            inbox.post(.run(execute(query: query, filter: filter, fromSet: fromSet, params: params, generation: generation)))
        }
    }

    func open(ordinal: UInt32, query: String, params: Params) {
        queue.async { [self] in
            do { inbox.post(.document(try document(ordinal: ordinal, query: query, params: params))) }
            catch { inbox.post(.failure(Self.words(error))) }
        }
    }

    func loadQuerySet() {
        queue.async { [self] in
            do { inbox.post(try querySet()) } catch { inbox.post(.failure(Self.words(error))) }
        }
    }

    /// Facets of the collection's metadata (types, top values, histograms).
    func loadFacets() {
        queue.async { [self] in
            do { inbox.post(.facets(try workbench.facets(collection: collection))) } catch { inbox.post(.failure(Self.words(error))) }
        }
    }

    /// Words the query line completes: keywords, the collection's fields and JSON paths.
    func loadCatalog() {
        queue.async { [self] in
            var words = Completion.keywords
            if let schema = try? workbench.database.collection(named: collection) {
                words += schema.textFields + schema.vectorFields.map(\.name)
            }
            if let report = try? workbench.facets(collection: collection, sampleLimit: 5_000, topValues: 0, bins: 1) {
                words += report.facets.map(\.path).filter { !$0.hasSuffix("[]") }
            }
            inbox.post(.catalog(words))
        }
    }

    /// Sweeps `parameter` over the query set, one evaluation per value, posting each row as it comes.
    func sweep(_ parameter: String, params: Params) {
        guard let values = SweepProgress.values(for: parameter) else { return }
        queue.async { [self] in
            var progress = SweepProgress(parameter: parameter, metric: SweepProgress.metric(for: parameter), values: values)
            for (i, value) in values.enumerated() {
                var p = params
                _ = p.set(parameter, value)
                var request = EvalRequest(collection: collection)
                request.mode = progress.metric == "recall@10" ? .vector : parameter == "k1" || parameter == "b" ? .bm25 : .hybrid
                request.lexical.k1 = Float(p.k1)
                request.lexical.b = Float(p.b)
                request.ef = Int(p.ef)
                request.nprobe = Int(p.nprobe)
                request.refineK = Int(p.refineK)
                request.fusion = parameter == "w_lex" ? .weighted(weights: [p.weight, 1 - p.weight], normalize: p.normalization) : p.fusionSpec
                if p.rm3 == 1 { request.settings["rm3"] = .bool(true) }
                request.warmup = i == 0 ? 10 : 0
                do {
                    let report = try workbench.evaluate(request)
                    let quality = progress.metric == "recall@10" ? report.recallExact : report.summary.ndcg10
                    let setting = SweepSetting([.init(name: parameter, value: value == value.rounded() ? .int(Int(value)) : .double(value))])
                    progress.rows.append(SweepRow(setting: setting, metrics: quality.map { [progress.metric: $0] } ?? [:],
                                                  p50Ms: report.summary.latency?.p50Ms ?? 0, latency: report.summary.latency))
                } catch {
                    progress.error = Self.words(error)
                    break
                }
                inbox.post(.sweep(progress))
            }
            progress.done = true
            inbox.post(.sweep(progress))
        }
    }

    static func words(_ error: Error) -> String {
        if let e = error as? QueryError { return e.message }
        if let e = error as? StorageError { return e.message }
        return String(describing: error)
    }

    // MARK: - On the engine queue

    /// Runs the query in the three columns (one statement each) and EXPLAIN ANALYZE of the hybrid one.
    func execute(query: String, filter: String?, fromSet: QuerySetEntry?, params: Params, generation: Int) -> RunOutcome {
        let plain = fromSet != nil
        let limit = Int(params.k)
        var lexical = SearchStatement(collection: collection)
        lexical.match = MatchClause(text: query, plain: plain)
        lexical.limit = limit
        lexical.with = params.with
        if let filter { lexical.filter = FilterText(text: filter) }

        var branches: [BranchOutcome] = self.branches.map { BranchOutcome(title: $0.name) }
        branches[1].title = "vector ef=\(Params.text(params.ef))"
        branches[0].title = params.rm3 == 1 ? "lexical +RM3" : "lexical"
        branches[2].title = "hybrid " + params.fusionLabel
        if params.fusionSpec == .auto, let resolved = try? workbench.resolveFusion(.auto, collection: collection, with: params.with) {
            branches[2].title = "hybrid auto: " + Params.label(resolved.spec) + (resolved.tuned ? " (tuned)" : "")
        }
        var plan: PlanNode?
        var footer: [String] = []

        // Lexical.
        do {
            let r = try workbench.search(lexical)
            branches[0].hits = try hits(r)
            branches[0].ms = r.planningMs + r.executionMs
        } catch { branches[0].error = Self.words(error) }

        // Vector: the query's own vector (query set), else its text, else the top lexical hit's document.
        var near = NearClause(target: fromSet?.vector.map { .vector($0) } ?? .text(query))
        var vector = SearchStatement(collection: collection)
        vector.limit = limit
        vector.with = params.with
        vector.near = near
        vector.filter = lexical.filter
        var vectorResult: SearchResult?
        do {
            vectorResult = try workbench.search(vector)
        } catch EngineError.unsupported {
            if let top = branches[0].hits.first {
                near.target = .document(top.id)
                vector.near = near
                branches[1].title = "vector≈\(top.id) (no embedder) ef=\(Params.text(params.ef))"
                do { vectorResult = try workbench.search(vector) } catch { branches[1].error = Self.words(error) }
            } else {
                branches[1].error = "NEAR text needs the embedder; no lexical hit to stand in"
            }
        } catch { branches[1].error = Self.words(error) }
        var exactIDs: [String] = []
        if let r = vectorResult {
            do {
                branches[1].hits = try hits(r)
                branches[1].ms = r.planningMs + r.executionMs
                branches[1].work = Self.distanceComputations(r.plan)
                var exact = vector
                exact.near?.index = "flat"
                exact.limit = 10
                exactIDs = try workbench.search(exact).hits.map(\.id)
                let top = Set(branches[1].hits.prefix(10).map(\.id))
                branches[1].recallExact = exactIDs.isEmpty ? 1 : Double(exactIDs.filter(top.contains).count) / Double(exactIDs.count)
            } catch { branches[1].error = Self.words(error) }
        }

        // Hybrid, with EXPLAIN ANALYZE for the plan pane.
        var hybrid = lexical
        if vectorResult != nil { hybrid.near = vector.near }
        hybrid.fusion = vectorResult != nil ? params.fusionSpec : nil
        if vectorResult == nil { branches[2].title = "hybrid (lexical only)" }
        do {
            let r = try workbench.search(hybrid, analyze: true)
            branches[2].hits = try hits(r)
            branches[2].ms = r.planningMs + r.executionMs
            branches[2].recallExact = r.recall["vector"]
            plan = r.plan
            footer = [String(format: "Planning Time: %.3f ms", r.planningMs), String(format: "Execution Time: %.3f ms", r.executionMs)]
        } catch {
            branches[2].error = Self.words(error)
            footer = ["(no plan: \(Self.words(error)))"]
        }

        // The same hybrid statement on the remote backend, with the overlap of the two top-10s.
        if let remote {
            let i = Branch.remote.rawValue
            branches[i].title = remote.label
            do {
                let r = try remote.workbench.search(hybrid)
                branches[i].hits = try hits(r)
                branches[i].ms = r.planningMs + r.executionMs
                if branches[2].error == nil {
                    let local = Set(branches[2].hits.prefix(10).map(\.id))
                    let top = branches[i].hits.prefix(10).map(\.id)
                    branches[i].overlap = Double(top.filter(local.contains).count) / Double(max(1, min(10, max(local.count, top.count))))
                }
            } catch { branches[i].error = Self.words(error) }
        }

        // Marks and quality against the exact answer and the judgements.
        let exactSet = Set(exactIDs)
        for i in branches.indices {
            for j in branches[i].hits.indices {
                let id = branches[i].hits[j].id
                branches[i].hits[j].exact = exactSet.contains(id)
                branches[i].hits[j].relevant = (fromSet?.grades[id] ?? 0) > 0
            }
            if let set = fromSet, branches[i].error == nil {
                let ids = branches[i].hits.map(\.id)
                let relevant = Set(set.grades.filter { $0.value > 0 }.keys)
                branches[i].recallQrels = Measures.recall(ids, relevant: relevant)
                branches[i].ndcg = Measures.ndcg(ids, grades: set.grades)
            }
        }
        return RunOutcome(generation: generation, query: query, filter: filter, fromSet: fromSet, params: params,
                          branches: branches, plan: plan, planFooter: footer)
    }

    /// The distance computations a vector plan reports (its "Distance computations" detail).
    static func distanceComputations(_ node: PlanNode) -> Int? {
        for (label, value) in node.details where label == "Distance computations" {
            return Int(value.prefix { $0.isNumber })
        }
        for child in node.children { if let n = distanceComputations(child) { return n } }
        return nil
    }

    private func hits(_ r: SearchResult) throws -> [Hit] {
        try r.hits.map { h in
            Hit(ordinal: h.ordinal, id: h.id, title: try title(h.ordinal), score: h.score, rank: h.rank)
        }
    }

    private func title(_ ordinal: UInt32) throws -> String {
        if ordinal == UInt32.max { return "" }   // a remote hit without a local record
        if let t = titles[ordinal] { return t }
        let r = try workbench.database.record(collection: collection, ordinal: ordinal)
        let t = r.flatMap { $0.text("title") ?? $0.fields.first?.value.stringValue } ?? ""
        titles[ordinal] = t
        return t
    }

    private func document(ordinal: UInt32, query: String, params: Params) throws -> DocumentContent {
        guard let r = try workbench.database.record(collection: collection, ordinal: ordinal) else {
            throw EngineError.badParameter("record \(ordinal) was deleted")
        }
        var request = LexicalRequest(collection: collection, text: query)
        request.k1 = Float(params.k1)
        request.b = Float(params.b)
        if params.rm3 == 1 { request.rm3 = RM3Parameters() }
        let explanation: [String]
        do { explanation = try workbench.explainLexical(request, ordinal: ordinal) }
        catch { explanation = ["(no BM25 explanation: \(Self.words(error)))"] }
        let fields = r.fields.map { ($0.key, $0.value.stringValue ?? $0.value.jsonText) }
        let metadata: [String]
        if case .null = r.metadata { metadata = [] } else {
            metadata = r.metadata.prettyJSONText.split(separator: "\n").map(String.init)
        }
        return DocumentContent(id: r.id, fields: fields, metadata: metadata, explanation: explanation)
    }

    private func querySet() throws -> Message {
        let db = workbench.database
        let splits = try db.splits(collection: collection)
        guard let split = splits.contains("test") ? "test" : splits.first else {
            return .querySet([], note: "collection '\(collection)' has no query set")
        }
        var grades: [String: [String: Int]] = [:]
        for q in try db.qrels(collection: collection, split: split) { grades[q.queryID, default: [:]][q.docID] = q.grade }
        let schema = try db.collection(named: collection)
        let vectors = try schema.vectorFields.first.map { try db.queryVectors(collection: collection, field: $0.name) } ?? [:]
        let entries = try db.queries(collection: collection).compactMap { q in
            grades[q.id].map { QuerySetEntry(query: q, vector: vectors[q.id], grades: $0) }
        }
        return .querySet(entries, note: "query set: \(entries.count) judged queries (split \(split))")
    }
}
