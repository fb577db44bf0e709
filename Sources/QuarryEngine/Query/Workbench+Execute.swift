import Foundation
import QuarryEval
import QuarryFilter
import QuarryLexical
import QuarryStorage

/// What a statement produced.
public enum StatementResult: Sendable {
    case search(SearchResult)
    case explain(SearchResult, analyze: Bool)
    case compare(SearchResult, SearchResult)
    case message(String)
    case settings([(name: String, value: String, isDefault: Bool, help: String)])
}

/// A fused or single-branch result with each branch's rank and score per hit.
public struct ResultHit: Sendable {
    public var ordinal: UInt32
    public var id: String
    public var rank: Int
    public var score: Double
    /// Branch name (`bm25`, `vector`) → (rank, score) in that branch. Made when read, from the
    /// one branch's place or the fused hit (a statement ranks a window of hundreds and shows a page).
    public var branches: [String: (rank: Int, score: Float)] {
        get {
            if let branchTable { return branchTable }
            if let b = soleBranch { return [b.name: (b.rank, b.score)] }
            guard let f = fusedFrom else { return [:] }
            var table: [String: (rank: Int, score: Float)] = [:]
            for c in f.hit.contributions { table[f.branchNames[c.branch]] = (c.rank, c.score) }
            return table
        }
        set { branchTable = newValue }
    }
    var branchTable: [String: (rank: Int, score: Float)]?
    /// The hit's place in the statement's only branch, for `branches`.
    var soleBranch: (name: String, rank: Int, score: Float)? = nil
    /// How the fused score came about, e.g. `1/(60+3) + 1/(60+1) = 0.0323`: written when read,
    /// like `branches`.
    public var fusion: String? {
        get { fusionText ?? fusedFrom.map { Fusion.arithmetic($0.hit, spec: $0.spec) } }
        set {
            if branchTable == nil { branchTable = branches }
            fusionText = newValue
            fusedFrom = nil
        }
    }
    var fusionText: String? = nil
    /// The fused hit, the fusion that scored it and the names of its branches, for `branches` and `fusion`.
    var fusedFrom: (hit: Fusion.Hit, spec: FusionSpec, branchNames: [String])? = nil
    /// The value at the GROUP BY path (its group), when the statement groups.
    public var group: JSONValue? = nil
    /// What each RANK BY ranker did to this hit, in order.
    public var rankers: [RankerEffect] = []

    init(ordinal: UInt32, id: String, rank: Int, score: Double, branches: [String: (rank: Int, score: Float)]?) {
        self.ordinal = ordinal
        self.id = id
        self.rank = rank
        self.score = score
        branchTable = branches
    }

    /// A hit of the statement's only branch, at `rank` with `score` there.
    init(ordinal: UInt32, id: String, rank: Int, score: Float, branch: String) {
        self.init(ordinal: ordinal, id: id, rank: rank, score: Double(score), branches: nil)
        soleBranch = (branch, rank, score)
    }
}

public struct SearchResult: Sendable {
    public var statement: SearchStatement
    public var hits: [ResultHit]
    public var plan: PlanNode
    public var planningMs: Double
    public var executionMs: Double
    /// Branch name (`bm25`, `vector`) → that approximate branch's recall against the exact
    /// answer, with the exact top-k (EXPLAIN ANALYZE).
    public var exactRecall: [String: PlanRecall] = [:]
    public var terms: [String] = []

    /// Branch name → the recall value alone (the `recall` object of `quarry query --json`).
    public var recall: [String: Double] { exactRecall.mapValues(\.value) }
}

/// A branch's hits and its plan node, as the executor hands them to fusion.
struct BranchOutcome {
    var name: String
    var hits: [ScoredID]
    var node: PlanNode
    var recall: PlanRecall?
}


extension Workbench {
    /// Parses and runs one statement.
    public func execute(_ text: String) throws -> StatementResult {
        let statement = try StatementParser.parse(text)
        switch statement {
        case let .search(s): return .search(try run(s, analyze: false))
        case let .explain(s, analyze):
            return .explain(analyze ? try run(s, analyze: true) : try plan(s), analyze: analyze)
        case let .compare(a, b): return .compare(try run(a, analyze: false), try run(b, analyze: false))
        case let .set(name, value):
            try settings.set(name, value)
            return .message("SET \(name) = \(value)")
        case let .reset(name):
            try settings.reset(name)
            return .message(name.map { "RESET \($0)" } ?? "RESET ALL")
        case let .show(name):
            let all = settings.all.filter { name == nil || $0.name == name }
            if let name, all.isEmpty { throw EngineError.badParameter("unknown setting '\(name)'") }
            return .settings(all.map { ($0.name, $0.value.description, $0.isDefault, $0.help) })
        }
    }

    /// EXPLAIN without running: the plan with estimates, and the terms the MATCH binds to with
    /// their weights (a search binds them when it runs, so planning does not).
    func plan(_ s: SearchStatement) throws -> SearchResult {
        try s.check()
        return try s.locatingErrors { try planChecked(s) }
    }

    private func planChecked(_ s: SearchStatement) throws -> SearchResult {
        if let backend, backend.handles(s) { return try backend.plan(s, workbench: self) }
        try warm(s)
        let started = monotonic()
        var (root, steps) = try buildPlan(s, analyze: false)
        if let r = steps.lexical {
            let planned = try lexicalIndex(collection: s.collection).queryTerms(try matchQuery(r), options: try lexicalOptions(r))
            let text = PlanSteps.termsText(planned.map(\.term), planned.map(\.weight)) + (r.rm3 == nil ? "" : " (before RM3)")
            root.updateFirst(titled: steps.lexicalTitle) { $0.details.insert(PlanDetail("Terms", .text(text)), at: 0) }
        }
        return SearchResult(statement: s, hits: [], plan: root, planningMs: ms(since: started), executionMs: 0)
    }

    /// Runs a SEARCH; with `analyze`, fills the plan's actuals and each approximate branch's recall.
    public func search(_ s: SearchStatement, analyze: Bool = false) throws -> SearchResult { try run(s, analyze: analyze) }

    func run(_ s: SearchStatement, analyze: Bool) throws -> SearchResult {
        try s.check()
        return try s.locatingErrors { try runChecked(s, analyze: analyze) }
    }

    private func runChecked(_ s: SearchStatement, analyze: Bool) throws -> SearchResult {
        if let backend, backend.handles(s) { return try backend.search(s, analyze: analyze, workbench: self) }
        try warm(s)
        let planned = monotonic()
        var (root, steps) = try buildPlan(s, analyze: analyze)
        let planningMs = ms(since: planned)
        let started = monotonic()
        let result = try steps.execute(started: started, analyze: analyze)
        root = result.root
        return SearchResult(statement: s, hits: result.hits, plan: root, planningMs: planningMs, executionMs: ms(since: started),
                            exactRecall: result.recall, terms: result.terms)
    }

    /// Loads what the statement needs from the database once (indexes, rows for the filter's
    /// residual scan), so planning and execution times measure planning and execution.
    func warm(_ s: SearchStatement) throws {
        _ = try idMap(collection: s.collection)
        if s.filter != nil { _ = try pathIndex(collection: s.collection) }
        if s.match != nil { _ = try lexicalIndex(collection: s.collection) }
        if let near = s.near {
            if let field = near.field { _ = try s.located("near.field") { try vectorField(s.collection, field) } }
            _ = try fieldVectors(collection: s.collection, field: try near.field ?? defaultVectorField(s.collection))
        }
    }

    func monotonic() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    func ms(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6 }
}

/// The physical plan's steps, decided before anything runs.
struct PlanSteps {
    let workbench: Workbench
    let statement: SearchStatement
    var filter: FilterQuery?
    var filterEstimate: Double = 1
    var lexical: LexicalRequest?
    var lexicalTitle = ""
    var vector: VectorPlan?
    var fusion: FusionSpec?
    /// How `FUSE auto` (or no FUSE) chose the fusion, for the plan; nil when FUSE named one.
    var fusionSource: String?
    var window: Int
    var root: PlanNode

    struct Outcome {
        var root: PlanNode
        var hits: [ResultHit]
        var recall: [String: PlanRecall]
        var terms: [String]
    }

    func execute(started: UInt64, analyze: Bool) throws -> Outcome {
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }
        let s = statement
        var root = self.root
        var allowed: Bitmap?
        var filterNode: PlanNode?
        if let filter {
            let t0 = now()
            let r = try workbench.filter(filter, collection: s.collection)
            allowed = r.matches
            var node = PlanNode("JSON Path Filter", estimatedRows: Int(filterEstimate * Double(max(1, try workbench.idMap(collection: s.collection).count))))
            node.detail("Condition", filter.source)
            node.detail("Plan", r.planText.split(separator: "\n").first.map(String.init) ?? "")
            Workbench.rtreeDetails(r.planText, into: &node)
            node.executed = true
            node.actualStartMs = t0
            node.actualEndMs = now()
            node.actualRows = r.count
            filterNode = node
        }
        var terms: [String] = []
        // A filter that matches nothing prunes every branch: they are shown, never executed.
        if let allowed, allowed.isEmpty, lexical != nil || vector != nil {
            var pruned: [PlanNode] = []
            if lexical != nil { pruned.append(PlanNode(lexicalTitle, estimatedRows: window)) }
            if let vector { var n = vector.node; n.removeDetails("Filter strategy"); pruned.append(n) }
            if let filterNode { pruned[pruned.count - 1].children.append(filterNode) }
            var note = root
            note.children = pruned
            note.detail("Pruned", "the filter matches no record")
            note.executed = true
            note.actualStartMs = 0
            note.actualEndMs = now()
            note.actualRows = 0
            return Outcome(root: note, hits: [], recall: [:], terms: [])
        }
        let ids = try workbench.idMap(collection: s.collection)
        var hits: [ResultHit] = []
        var branches: [BranchOutcome] = []
        if lexical == nil && vector == nil, let allowed {
            // WHERE alone: matching records in ordinal order.
            let page = Array(allowed.toArray().dropFirst(s.offset).prefix(s.limit))
            ids.resolve(page)
            hits = page.enumerated().map { ResultHit(ordinal: $1, id: ids[Int($1)] ?? "?", rank: $0 + 1 + s.offset, score: 1, branches: [:]) }
            if var f = filterNode { f.title = "JSON Path Filter Scan"; root.children = [f] }
        } else {
            // The branches run over a window of candidates; rankers re-order it and GROUP BY
            // widens it (×4 a round) until the groups are filled or the candidates run out.
            var window = self.window
            var windows = [window]
            let reranking = try RankingSteps(statement: s, workbench: workbench)
            func round(_ window: Int, analyze: Bool) throws -> Collected {
                var collected = try collect(window: window, allowed: allowed, filterNode: filterNode, now: now, analyze: analyze, ids: ids,
                                            reranking: reranking)
                if reranking.ranks(nil) {
                    let t0 = now()
                    collected.ranked = try reranking.rank(collected.ranked)
                    collected.node = reranking.node(above: collected.node, window: window, hits: collected.ranked, start: t0, end: now())
                }
                return collected
            }
            var collected = try round(window, analyze: analyze)
            if let g = s.grouping {
                // The widening rounds run unmeasured (each would compute its exact answer only to drop it);
                // under EXPLAIN ANALYZE the last window runs once more, measured.
                let cap = max(window, try workbench.ordinalCount(collection: s.collection))
                var grouped = try reranking.group(collected.ranked, spec: g, groups: s.limit + s.offset)
                while !(grouped.filled || collected.exhausted || window >= min(cap, Parameters.maxResults)) {
                    window = min(window * 4, Parameters.maxResults)
                    windows.append(window)
                    collected = try round(window, analyze: false)
                    grouped = try reranking.group(collected.ranked, spec: g, groups: s.limit + s.offset)
                }
                if analyze && windows.count > 1 {
                    collected = try round(window, analyze: true)
                    grouped = try reranking.group(collected.ranked, spec: g, groups: s.limit + s.offset)
                }
                let t0 = now()
                collected.ranked = grouped.hits
                collected.node = reranking.groupNode(above: collected.node, spec: g, windows: windows, grouped: grouped,
                                                     exhausted: collected.exhausted, start: t0, end: now())
            }
            terms = collected.terms
            branches = collected.branches
            root.children = [collected.node]
            if s.grouping != nil {
                // OFFSET and LIMIT count groups.
                let keys = collected.ranked.map { $0.group?.jsonText ?? "" }
                var seen: [String: Int] = [:]
                var order: [String] = []
                for k in keys where seen[k] == nil { seen[k] = order.count; order.append(k) }
                let kept = Set(order.dropFirst(s.offset).prefix(s.limit))
                hits = collected.ranked.filter { kept.contains($0.group?.jsonText ?? "") }
            } else {
                hits = Array(collected.ranked.dropFirst(s.offset).prefix(s.limit))
            }
            for i in hits.indices { hits[i].rank = i + 1 + (s.grouping == nil ? s.offset : 0) }
        }
        root.executed = true
        root.actualStartMs = 0
        root.actualEndMs = now()
        root.actualRows = hits.count
        var recall: [String: PlanRecall] = [:]
        for b in branches { if let r = b.recall { recall[b.name] = r } }
        return Outcome(root: root, hits: hits, recall: recall, terms: terms)
    }

    static func algorithmName(_ raw: String) -> String {
        switch raw {
        case "bmw": return "block-max WAND"
        case "maxscore": return "MaxScore"
        default: return raw
        }
    }

    /// `vitamin d (qtf=2) fractur`: the scored terms, with their weights when not 1.
    static func termsText(_ terms: [String], _ weights: [Float]) -> String {
        zip(terms, weights.count == terms.count ? weights : terms.map { _ in 1 }).map { WeightedTerm($0, weight: $1).description }.joined(separator: " ")
    }

    static func parametersText(k: Int, k1: Float, b: Float, queryTermFrequency: String) -> String {
        "k=\(k), k1=\(NumberText.fixedPadded(Double(k1), decimals: 2)), b=\(NumberText.fixedPadded(Double(b), decimals: 2))"
            + (queryTermFrequency.lowercased() == "count" ? "" : ", query_tf=\(queryTermFrequency)")
    }

    static func fusionTitle(_ spec: FusionSpec, window: Int) -> String {
        switch spec {
        case .auto: return fusionTitle(.rrf(k: 60), window: window)
        case let .rrf(k): return "RRF Fusion  (k=\(JSONValue.format(k).replacingOccurrences(of: ".0", with: "")), window=\(window) per branch)"
        case let .weighted(w, n): return "Weighted Fusion  (weights=\(w.map { NumberText.fixedPadded($0, decimals: 2) }.joined(separator: ", ")), normalize=\(n.rawValue), window=\(window) per branch)"
        }
    }
}

extension Workbench {
    /// The planner: which branches run, with which parameters, windows and filter placement.
    func buildPlan(_ s: SearchStatement, analyze: Bool) throws -> (root: PlanNode, steps: PlanSteps) {
        let statementSource = s.statementText.isEmpty ? s.source : s.statementText
        let schema = try schema(s.collection)
        let n = try idMap(collection: s.collection).count
        let hybrid = s.match != nil && s.near != nil
        if s.match == nil && s.near == nil {
            if s.grouping != nil { throw s.located(EngineError.badParameter("GROUP BY needs a search (MATCH or NEAR) to group"), at: "group") }
            if !s.rankers.isEmpty { throw s.located(EngineError.badParameter("RANK BY needs a search (MATCH or NEAR) to rank"), at: "rank") }
        }
        for (i, r) in s.rankers.enumerated() {
            if r.branch == "bm25" && s.match == nil || r.branch == "vector" && s.near == nil {
                throw s.located(EngineError.badParameter("\(r.text) names the \(r.branch!) branch, and the statement has no \(r.branch == "bm25" ? "MATCH" : "NEAR")"), at: "rank.\(i)")
            }
        }
        // Rankers re-order a window of candidates, as fusion does; GROUP BY starts with LIMIT × SIZE.
        var window = hybrid || !s.rankers.isEmpty ? max(settings.integer("window", s.with), s.limit + s.offset) : s.limit + s.offset
        if let g = s.grouping { window = min(Parameters.maxResults, max(window, (s.limit + s.offset) * g.size)) }
        let unit = s.grouping == nil ? "" : " groups"
        var root = PlanNode("Limit \(s.limit)\(unit)" + (s.offset > 0 ? " Offset \(s.offset)\(unit)" : ""), estimatedRows: s.limit)
        var steps = PlanSteps(workbench: self, statement: s, window: window, root: root)

        var filterNode: PlanNode?
        if let f = s.filter {
            let query: FilterQuery
            do { query = try executableFilter(f.text, collection: s.collection) } catch let e as FilterSyntaxError {
                // Place the caret in the statement: the filter text starts at f.location.
                let prefix = Array(f.text).prefix(while: { _ in true })
                var offset = 0, line = 1, column = 1
                for ch in prefix where !(line == e.line && column == e.column) {
                    offset += 1
                    if ch == "\n" { line += 1; column = 1 } else { column += 1 }
                }
                let location = SourceLocation(line: f.location.line + e.line - 1,
                                              column: e.line == 1 ? f.location.column + e.column - 1 : e.column,
                                              offset: f.location.offset + offset)
                // A statement built without text (the TUI's query line, `quarry search --where`)
                // shows the caret under the filter itself.
                if statementSource.isEmpty {
                    throw QueryError("in WHERE: " + e.message, at: SourceLocation(line: e.line, column: e.column, offset: offset), in: f.text)
                }
                throw QueryError("in WHERE: " + e.message, at: location, in: statementSource)
            }
            steps.filter = query
            let executor = try filterExecutor(collection: s.collection)
            steps.filterEstimate = executor.estimate(query.expr)
            var node = PlanNode("JSON Path Filter", estimatedRows: Int(steps.filterEstimate * Double(n)))
            node.detail("Condition", query.source)
            node.detail("Estimated selectivity", NumberText.fixedPadded(steps.filterEstimate, decimals: 4))
            Workbench.rtreeDetails(executor.explain(query.expr).renderText(analyzed: false), into: &node)
            filterNode = node
        }
        var children: [PlanNode] = []
        if let m = s.match {
            var r = LexicalRequest(collection: s.collection, text: m.text)
            r.plainText = m.plain
            r.k = window
            r.k1 = Float(settings.number("k1", s.with))
            r.b = Float(settings.number("b", s.with))
            r.algorithm = settings.string("bm25_algorithm", s.with)
            r.queryTermFrequency = settings.string("bm25_query_tf", s.with)
            r.rm3 = try rm3Parameters(m, with: s.with)
            if !m.fields.isEmpty {
                for f in m.fields where !schema.textFields.contains(f.field) {
                    throw s.located(EngineError.badParameter("'\(f.field)' is not a text field of '\(s.collection)' (text fields: \(schema.textFields.joined(separator: ", ")))"
                        + (Suggest.nearest(to: f.field, in: schema.textFields).map { "; did you mean '\($0)'?" } ?? "")), at: "match.field.\(f.field)")
                }
                r.fields = m.fields.map { $0.boost == 1 ? $0.field : "\($0.field)^\(String(format: "%g", $0.boost))" }.joined(separator: ",")
            }
            _ = try lexicalIndex(collection: s.collection)
            steps.lexical = r
            steps.lexicalTitle = "BM25 Top-K on \(r.fields ?? schema.textFields.joined(separator: ", "))"
            var node = PlanNode(steps.lexicalTitle, estimatedRows: window)
            node.detail("Algorithm", r.algorithm == "auto" ? "chosen by query shape (block-max WAND for short queries, MaxScore for long)" : PlanSteps.algorithmName(r.algorithm))
            if let p = r.rm3 { node.children.append(Self.rm3Node(p, expansion: nil, ids: nil)) }
            if let f = filterNode { node.detail("Filter", "pushed down as bitmap"); node.children.append(f) }
            children.append(node)
        }
        if let near = s.near {
            let vp = try planVectorBranch(s, near: near, window: window, filterEstimate: s.filter == nil ? nil : steps.filterEstimate)
            steps.vector = vp
            var node = vp.node
            if let f = filterNode { node.children.append(f) }
            children.append(node)
        }
        if hybrid {
            let resolved = try resolveFusion(s.fusion, collection: s.collection, with: s.with)
            let spec = resolved.spec
            steps.fusion = spec
            if s.fusion == nil || s.fusion == .auto { steps.fusionSource = resolved.source }
            var fusion = PlanNode(PlanSteps.fusionTitle(spec, window: window), estimatedRows: 2 * window)
            if let source = steps.fusionSource { fusion.detail("Fusion", source) }
            fusion.children = children
            root.children = [fusion]
        } else if children.isEmpty, let f = filterNode {
            var scan = f
            scan.title = "JSON Path Filter Scan"
            root.children = [scan]
        } else {
            root.children = children
        }
        // What runs after retrieval, as EXPLAIN shows it before running (ANALYZE replaces these
        // nodes with the executed ones, their counts and the widening).
        if s.rankers.contains(where: { $0.branch == nil }), let below = root.children.first {
            var rank = PlanNode("Rank  (" + s.rankers.filter { $0.branch == nil }.map(\.text).joined(separator: " → ") + ")", estimatedRows: window)
            rank.children = [below]
            root.children = [rank]
        }
        if let g = s.grouping, let below = root.children.first {
            var group = PlanNode("Group By \(g.path)  (size \(g.size)\(g.strict ? ", strict" : ""))", estimatedRows: s.limit * g.size)
            group.detail("Widening", "from \(window) candidates, ×4 a round until \(g.strict ? "every group holds \(g.size)" : "there are \(s.limit + s.offset) groups")")
            group.children = [below]
            root.children = [group]
        }
        steps.root = root
        return (root, steps)
    }
}
