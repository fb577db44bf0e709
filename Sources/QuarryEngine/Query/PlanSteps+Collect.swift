import Foundation
import QuarryEval
import QuarryLexical

extension PlanSteps {
    /// The branches' hits over one window, fused (or the one branch's), best first, before
    /// rankers, grouping and paging.
    struct Collected {
        var branches: [BranchOutcome]
        var ranked: [ResultHit]
        /// The plan below Limit: the fusion node over the branches, or the one branch's node.
        var node: PlanNode
        var terms: [String]
        /// True when no branch could give more candidates than it gave.
        var exhausted: Bool
    }

    func collect(window: Int, allowed: Bitmap?, filterNode: PlanNode?, now: () -> Double, analyze: Bool,
                 ids: RecordIDs, reranking: RankingSteps? = nil) throws -> Collected {
        let s = statement
        var branches: [BranchOutcome] = []
        var terms: [String] = []
        var exhausted = true
        if var lexical {
            lexical.allowed = allowed
            lexical.k = window
            let t0 = now()
            let response = try workbench.searchLexical(lexical)
            let t1 = now()
            if response.hits.count >= window { exhausted = false }
            terms = response.terms
            var node = PlanNode(lexicalTitle, estimatedRows: window)
            if let e = response.expansion, !e.relevanceModel.isEmpty {
                node.detail("Terms", "\(response.terms.count) weighted terms of the RM3 expansion (below)")
            } else {
                let (terms, weights) = (response.terms, response.termWeights)
                node.detail("Terms", deferred: { Self.termsText(terms, weights) })
            }
            if let e = response.expansion {
                // The first pass, the feedback records' analysis and the relevance model, before the search above.
                var rm3 = Workbench.rm3Node(e.parameters, expansion: e, ids: ids)
                rm3.actualStartMs = t0
                rm3.actualEndMs = t0 + Double(response.feedbackNanoseconds) / 1e6
                node.children.append(rm3)
            }
            node.record(PlanCounters(algorithm: Self.algorithmName(response.algorithm), postingsScored: response.postingsScored,
                                     blocksSkipped: response.blocksSkipped, documentsEvaluated: response.documentsEvaluated))
            let (k, k1, b, qtf) = (lexical.k, lexical.k1, lexical.b, lexical.queryTermFrequency)
            node.detail("Parameters", deferred: { Self.parametersText(k: k, k1: k1, b: b, queryTermFrequency: qtf) })
            if let allowed { node.detail("Filter", "pushed down as bitmap (\(allowed.count) allowed)") }
            node.executed = true
            node.actualStartMs = t0
            node.actualEndMs = t1
            node.actualRows = response.hits.count
            var recall: PlanRecall?
            if analyze && response.algorithm != "exhaustive" && workbench.settings.flag("recall", s.with) {
                var exact = lexical
                exact.algorithm = "exhaustive"
                let (e, ns) = measure { try? workbench.searchLexical(exact) }
                if let e {
                    let k = min(s.limit + s.offset, e.hits.count)
                    let want = e.hits.prefix(k).map(\.ordinal)
                    recall = PlanRecall(k: k, value: Measures.exactRecall(returned: response.hits.map(\.ordinal), exact: want, k: k),
                                        oracle: "exhaustive", exactMs: Double(ns) / 1e6, oracleWork: e.postingsScored, oracleWorkUnit: "postings",
                                        exact: want)
                    node.record(recall!)
                }
            }
            if let filterNode { node.children.append(filterNode) }
            branches.append(BranchOutcome(name: "bm25", hits: response.hits.map { ScoredID(id: $0.ordinal, score: $0.score) }, node: node, recall: recall))
        }
        if var vector {
            vector.k = window
            let outcome = try workbench.runVectorBranch(vector, allowed: allowed, filterNode: filterNode, clock: now, analyze: analyze)
            if outcome.hits.count >= window { exhausted = false }
            branches.append(outcome)
        }

        // Rankers ON a branch re-order its hits before fusion; what they did goes with each hit.
        var effects: [UInt32: [RankerEffect]] = [:]
        if let reranking {
            for i in branches.indices where reranking.ranks(branches[i].name) {
                let t0 = now()
                let b = branches[i]
                ids.resolve(b.hits.map(\.id))
                let listed = b.hits.enumerated().map { r, h in
                    ResultHit(ordinal: h.id, id: ids[Int(h.id)] ?? "?", rank: r + 1, score: h.score, branch: b.name)
                }
                let reordered = try reranking.rank(listed, branch: b.name)
                for h in reordered { effects[h.ordinal] = h.rankers }
                branches[i].hits = reordered.map { ScoredID(id: $0.ordinal, score: Float($0.score)) }
                branches[i].node = reranking.node(above: b.node, window: window, hits: reordered, branch: b.name, start: t0, end: now())
            }
        }
        if branches.count == 1 {
            let b = branches[0]
            ids.resolve(b.hits.map(\.id))
            let ranked = b.hits.enumerated().map { r, h in
                var hit = ResultHit(ordinal: h.id, id: ids[Int(h.id)] ?? "?", rank: r + 1, score: h.score, branch: b.name)
                if !effects.isEmpty { hit.rankers = effects[h.id] ?? [] }
                return hit
            }
            return Collected(branches: branches, ranked: ranked, node: b.node, terms: terms, exhausted: exhausted)
        }
        let t0 = now()
        let spec = fusion ?? .rrf(k: workbench.settings.number("rrf_k", s.with))
        let fused = Fusion.fuse(branches.map(\.hits), spec: spec)
        var node = PlanNode(Self.fusionTitle(spec, window: window), estimatedRows: 2 * window)
        if let fusionSource { node.detail("Fusion", fusionSource) }
        let both = fused.filter { $0.contributions.count > 1 }.count
        node.detail("Overlap", "\(both) hits in both branches")
        node.children = branches.map(\.node)
        node.executed = true
        node.actualStartMs = t0
        node.actualEndMs = now()
        node.actualRows = fused.count
        ids.resolve(fused.map(\.id))
        let names = branches.map(\.name)
        let ranked = fused.enumerated().map { r, f in
            var hit = ResultHit(ordinal: f.id, id: ids[Int(f.id)] ?? "?", rank: r + 1, score: f.score, branches: nil)
            hit.fusedFrom = (f, spec, names)
            hit.rankers = effects[f.id] ?? []
            return hit
        }
        return Collected(branches: branches, ranked: ranked, node: node, terms: terms, exhausted: exhausted)
    }
}
