import Foundation
import QuarryConsole
import QuarryEngine

/// What the worker hands back to the UI thread.
enum Message: Sendable {
    case run(RunOutcome)
    /// The same run with its recall against the exact answer, when that came second (`Runner.run`).
    case exact(RunOutcome)
    case document(DocumentContent)
    case querySet([QuerySetEntry], note: String?, split: String?)
    /// The stored grades of the query on screen (after a run, a grade or an undo), with the undo
    /// of the grade just given.
    case grades(QueryGrades, undo: GradeUndo?)
    /// The query line's text added to the active set (or found there).
    case queryAdded(set: String, query: SetQuery, isNew: Bool)
    /// The pool of the query on screen, for judge mode.
    case pool(JudgePool)
    /// Two tries' answers to the query on screen, side by side (`T`).
    case tries(TryPair)
    case facets(FacetReport)
    case sweep(SweepProgress)
    case catalog([String])
    /// A line for the status bar.
    case note(String)
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
    let queue = DispatchQueue(label: "quarry.tui.engine")
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

    /// Runs the query in every column. With `deferExact` (a large collection, where the exact
    /// answer is a scan of every vector) the columns are posted first with their recall against
    /// the exact answer pending, then the exact answer is computed (once: the engine caches it)
    /// and the recall, the ◆ marks and the analysed plan follow — unless a newer query came in.
    func run(query: String, filter: String?, clauses: String? = nil, fromSet: QuerySetEntry?, params: Params, generation: Int, deferExact: Bool = false) {
        latestLock.withLock { latestGeneration = generation }
        queue.async { [self] in
            let first = execute(query: query, filter: filter, clauses: clauses, fromSet: fromSet, params: params, generation: generation, measureExact: !deferExact)
            inbox.post(.run(first))
            guard first.exactPending, latestLock.withLock({ latestGeneration }) == generation else { return }
            inbox.post(.exact(execute(query: query, filter: filter, clauses: clauses, fromSet: fromSet, params: params, generation: generation, measureExact: true)))
        }
    }

    /// The newest generation asked for (set on the UI thread, read on the engine queue).
    private let latestLock = NSLock()
    private var latestGeneration = 0

    func open(ordinal: UInt32, query: String, params: Params, rankers: [RankerEffect] = []) {
        queue.async { [self] in
            do {
                var d = try document(ordinal: ordinal, query: query, params: params)
                d.ranking = rankers.map { e in
                    "\(e.ranker): input \(e.input) → factor \(String(format: "%.4f", e.factor))  (score \(String(format: "%.4f", e.scoreBefore)) → \(String(format: "%.4f", e.score)))"
                }
                inbox.post(.document(d))
            }
            catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    func loadQuerySet() {
        queue.async { [self] in
            do { inbox.post(try querySet()) } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// Facets of the collection's metadata (types, top values, histograms).
    func loadFacets() {
        queue.async { [self] in
            do { inbox.post(.facets(try workbench.facets(collection: collection))) } catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }

    /// Words the query line completes: keywords, the collection's fields and JSON paths.
    func loadCatalog() {
        queue.async { [self] in
            var words = Completion.keywords
            if let schema = try? workbench.schema(collection) {
                words += schema.textFields + schema.vectorFields.map(\.name)
            }
            if let report = try? workbench.facets(collection: collection, sampleLimit: 5_000, topValues: 0, bins: 1) {
                words += report.facets.map(\.path).filter { !$0.hasSuffix("[]") }
            }
            inbox.post(.catalog(words))
        }
    }

    /// Sweeps `parameter` over the query set with the engine's sweep (the values, the metric and
    /// the mode its parameter implies come from the registry), posting each row as it comes.
    func sweep(_ parameter: String, params: Params) {
        guard let start = SweepProgress(parameter: parameter) else { return }
        queue.async { [self] in
            var progress = start
            var request = EvalRequest(collection: collection)
            request.parameters = params.values
            request.warmup = 10
            var grid = SweepGrid()
            do {
                try grid.add(progress.parameter, progress.values.map(Self.sweepValue))
                _ = try workbench.sweep(request, grid: grid) { row, _, _ in
                    progress.rows.append(row)
                    inbox.post(.sweep(progress))
                }
            } catch {
                progress.error = ErrorText.describe(error)
            }
            progress.done = true
            inbox.post(.sweep(progress))
        }
    }

    /// A registry value as a sweep grid's value (`64` an integer, `0.9` a real).
    static func sweepValue(_ v: ParamValue) -> ParameterValue {
        switch v {
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? .int(Int(d)) : .double(d)
        case let .string(s): return .string(s)
        case let .bool(b): return .string(b ? "true" : "false")
        }
    }

    // MARK: - On the engine queue

    /// Runs the query in the three columns (one statement each) and EXPLAIN ANALYZE of the hybrid
    /// one. The exact answer that EXPLAIN ANALYZE computed for the hybrid's vector branch gives
    /// the ◆ marks and the vector column's recall; only when there is none (no hybrid, or an
    /// exact index) does the vector column's query run once more on the exact index.
    func execute(query: String, filter: String?, clauses: String? = nil, fromSet: QuerySetEntry?, params: Params, generation: Int, measureExact: Bool = true) -> RunOutcome {
        let plain = fromSet != nil
        var lexical = SearchStatement(collection: collection)
        lexical.match = MatchClause(text: query, plain: plain)
        lexical.limit = params.limit
        lexical.with = params.with
        if let filter { lexical.filter = FilterText(text: filter) }
        // WITHIN, RANK BY and GROUP BY of the query line, read by the statement parser.
        var range: VectorRange?
        if let clauses {
            let prefix = "SEARCH \(collection) NEAR 'q' "
            do {
                guard case let .search(parsed) = try StatementParser.parse(prefix + clauses) else { throw EngineError.badParameter("not a clause: \(clauses)") }
                lexical.rankers = parsed.rankers
                lexical.grouping = parsed.grouping
                range = parsed.near?.range
            } catch let e as QueryError {
                var failed: [BranchOutcome] = self.branches.map { BranchOutcome(title: $0.name) }
                let message = e.message + (e.location.map { " (column \($0.column - prefix.unicodeScalars.count) of the clauses)" } ?? "")
                for i in failed.indices { failed[i].error = message }
                return RunOutcome(generation: generation, query: query, filter: filter, clauses: clauses, fromSet: fromSet, params: params,
                                  branches: failed, plan: nil, planFooter: ["(no plan: \(e.message))"])
            } catch {
                var failed: [BranchOutcome] = self.branches.map { BranchOutcome(title: $0.name) }
                for i in failed.indices { failed[i].error = ErrorText.describe(error) }
                return RunOutcome(generation: generation, query: query, filter: filter, clauses: clauses, fromSet: fromSet, params: params,
                                  branches: failed, plan: nil, planFooter: [])
            }
        }

        var branches: [BranchOutcome] = self.branches.map { BranchOutcome(title: $0.name) }
        let ef = Params.text(params.number("ef"))
        branches[1].title = "vector ef=\(ef)"
        branches[0].title = params.values.flag("rm3") ? "lexical +RM3" : "lexical"
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
        } catch { branches[0].error = ErrorText.describe(error) }

        // Vector: the query's own vector (query set), else its text, else the top lexical hit's document.
        var near = NearClause(target: fromSet?.vector.map { .vector($0) } ?? .text(query))
        near.range = range
        var vector = SearchStatement(collection: collection)
        vector.limit = params.limit
        vector.with = params.with
        vector.near = near
        vector.filter = lexical.filter
        vector.rankers = lexical.rankers
        vector.grouping = lexical.grouping
        var vectorResult: SearchResult?
        do {
            vectorResult = try workbench.search(vector)
        } catch EngineError.unsupported {
            if let top = branches[0].hits.first {
                near.target = .document(top.id)
                vector.near = near
                branches[1].title = "vector≈\(top.id) (no embedder) ef=\(ef)"
                do { vectorResult = try workbench.search(vector) } catch { branches[1].error = ErrorText.describe(error) }
            } else {
                branches[1].error = "NEAR text needs the embedder; no lexical hit to stand in"
            }
        } catch { branches[1].error = ErrorText.describe(error) }
        if let r = vectorResult {
            do {
                branches[1].hits = try hits(r)
                branches[1].ms = r.planningMs + r.executionMs
                branches[1].work = r.plan.allNodes.lazy.compactMap { $0.counters?.distanceComputations }.first
            } catch { branches[1].error = ErrorText.describe(error) }
        }

        // Hybrid, with EXPLAIN ANALYZE for the plan pane.
        var hybrid = lexical
        if vectorResult != nil { hybrid.near = vector.near }
        hybrid.fusion = vectorResult != nil ? params.fusionSpec : nil
        if !measureExact { hybrid.with["recall"] = .bool(false) }
        if vectorResult == nil { branches[2].title = "hybrid (lexical only)" }
        var exact: [UInt32]?
        do {
            let r = try workbench.search(hybrid, analyze: true)
            branches[2].hits = try hits(r)
            branches[2].ms = r.planningMs + r.executionMs
            branches[2].recallExact = r.exactRecall["vector"]?.value
            exact = r.exactRecall["vector"]?.exact
            plan = r.plan
            footer = [String(format: "Planning Time: %.3f ms", r.planningMs), String(format: "Execution Time: %.3f ms", r.executionMs)]
        } catch {
            branches[2].error = ErrorText.describe(error)
            footer = ["(no plan: \(ErrorText.headline(error)))"]
        }
        let exactPending = !measureExact && vectorResult != nil && branches[1].error == nil
        if exactPending { footer.append("Recall against the exact answer: computing…") }
        if measureExact, exact == nil, vectorResult != nil, branches[1].error == nil {
            var oracle = vector
            oracle.near?.index = "flat"
            oracle.limit = 10
            exact = (try? workbench.search(oracle))?.hits.map(\.ordinal)
        }
        if let exact, branches[1].error == nil, vectorResult != nil {
            branches[1].recallExact = Measures.exactRecall(returned: branches[1].hits.map(\.ordinal), exact: exact, k: 10)
        }

        // The same hybrid statement on the remote backend, compared with the embedded answer.
        if let remote {
            let i = Branch.remote.rawValue
            branches[i].title = remote.label
            do {
                let r = try remote.workbench.search(hybrid)
                branches[i].hits = try hits(r)
                branches[i].ms = r.planningMs + r.executionMs
                if branches[2].error == nil {
                    let local = branches[2].hits.map(\.id), theirs = branches[i].hits.map(\.id)
                    branches[i].overlap = Measures.overlap(theirs, local, k: 10)
                    branches[i].rbo = Measures.rankBiasedOverlap(theirs, local, k: 10)
                }
            } catch { branches[i].error = ErrorText.describe(error) }
        }

        // Marks and quality against the exact answer and the judgements.
        let exactSet = Set(exact ?? [])
        for i in branches.indices {
            for j in branches[i].hits.indices {
                let h = branches[i].hits[j]
                branches[i].hits[j].exact = exactSet.contains(h.ordinal)
                branches[i].hits[j].relevant = (fromSet?.judgements[h.id] ?? 0) > 0
            }
            if let set = fromSet, branches[i].error == nil {
                let ids = branches[i].hits.map(\.id)
                if set.judgements.values.contains(where: { $0 > 0 }) {
                    branches[i].recallQrels = Measures.relevance(.recall(k: 10), ranking: ids, judgements: set.judgements)
                }
                branches[i].ndcg = Measures.relevance(.ndcg(k: 10), ranking: ids, judgements: set.judgements)
            }
        }
        return RunOutcome(generation: generation, query: query, filter: filter, clauses: clauses, fromSet: fromSet, params: params,
                          branches: branches, plan: plan, planFooter: footer, exactPending: exactPending)
    }

    func hits(_ r: SearchResult) throws -> [Hit] {
        try r.hits.map { h in
            let group = h.group.map { g -> String in if case let .string(t) = g { t } else { g.jsonText } }
            return Hit(ordinal: h.ordinal, id: h.id, title: (group.map { "[\($0)] " } ?? "") + (try title(h.ordinal)), score: h.score, rank: h.rank,
                       rankers: h.rankers)
        }
    }

    private func title(_ ordinal: UInt32) throws -> String {
        if ordinal == UInt32.max { return "" }   // a remote hit without a local record
        if let t = titles[ordinal] { return t }
        let t = try workbench.title(collection: collection, ordinal: ordinal)
        titles[ordinal] = t
        return t
    }

    func document(ordinal: UInt32, query: String, params: Params) throws -> DocumentContent {
        guard let r = try workbench.record(collection: collection, ordinal: ordinal) else {
            throw EngineError.badParameter("record \(ordinal) was deleted")
        }
        var request = LexicalRequest(collection: collection, text: query)
        request.k1 = Float(params.number("k1"))
        request.b = Float(params.number("b"))
        if params.values.flag("rm3") { request.rm3 = RM3Parameters() }
        let explanation: [String]
        do { explanation = try workbench.explainLexical(request, ordinal: ordinal) }
        catch { explanation = ["(no BM25 explanation: \(ErrorText.headline(error)))"] }
        let fields = r.fields.map { ($0.key, $0.value.stringValue ?? $0.value.jsonText) }
        let metadata: [String]
        if case .null = r.metadata { metadata = [] } else {
            metadata = r.metadata.prettyJSONText.split(separator: "\n").map(String.init)
        }
        return DocumentContent(id: r.id, fields: fields, metadata: metadata, explanation: explanation)
    }

    /// The judged queries of the collection's query set (the engine's query set).
    private func querySet() throws -> Message {
        guard let (split, entries) = try workbench.judgedQueries(collection: collection) else {
            return .querySet([], note: "collection '\(collection)' has no query set", split: nil)
        }
        return .querySet(entries, note: "query set: \(entries.count) judged queries (split \(split))", split: split)
    }
}
