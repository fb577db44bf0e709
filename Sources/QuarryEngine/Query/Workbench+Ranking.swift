import Foundation
import QuarryEval
import QuarryFilter

/// What one ranker did to one hit: its input (the value it read), its factor, and the score
/// before and after — what the document view shows under a hit of a ranked search.
public struct RankerEffect: Sendable, Equatable {
    /// `decay(gauss, metadata.year)`, `boost(metadata.open == true)`.
    public var ranker: String
    /// The value the ranker read (`2019`, `true`, `none`).
    public var input: String
    public var factor: Double
    public var scoreBefore: Double
    public var score: Double
}

/// The steps after retrieval: `RANK BY` rankers over the window of candidates, then `GROUP BY`.
/// Built once per statement (paths and boost filters parsed, errors placed in the statement).
struct RankingSteps {
    let rankers: [RankerSpec]
    private let records: RecordRows
    /// Per ranker: the decay's path, or the boost's condition.
    private let decayPaths: [FilterPath?]
    private let boostConditions: [FilterExpr?]
    private let groupPath: FilterPath?

    init(statement s: SearchStatement, workbench: Workbench) throws {
        rankers = s.rankers
        records = try workbench.rows(collection: s.collection)
        var paths: [FilterPath?] = []
        var conditions: [FilterExpr?] = []
        for (i, r) in s.rankers.enumerated() {
            switch r {
            case let .decay(d):
                guard let p = FilterPath(dotted: d.path) else {
                    throw s.located(EngineError.badParameter("'\(d.path)' is not a path (metadata.year)"), at: "rank.\(i).path")
                }
                paths.append(p)
                conditions.append(nil)
            case let .boost(b):
                paths.append(nil)
                do { conditions.append(try workbench.executableFilter(b.filter, collection: s.collection).expr) } catch let e as FilterSyntaxError {
                    if let at = s.locations["rank.\(i).filter"], !s.statementText.isEmpty, e.line == 1 {
                        throw QueryError("in boost's filter: " + e.message,
                                         at: SourceLocation(line: at.line, column: at.column + e.column, offset: at.offset + e.column), in: s.statementText)
                    }
                    throw EngineError.badParameter("in boost's filter: \(e.description)")
                }
            }
        }
        decayPaths = paths
        boostConditions = conditions
        if let g = s.grouping {
            guard let p = FilterPath(dotted: g.path) else {
                throw s.located(EngineError.badParameter("'\(g.path)' is not a path to GROUP BY (metadata.category)"), at: "group")
            }
            groupPath = p
        } else {
            groupPath = nil
        }
    }

    static func name(_ r: RankerSpec) -> String {
        switch r {
        case let .decay(d): return "decay(\(d.function.rawValue), \(d.path))"
        case let .boost(b): return "boost(\(b.filter))"
        }
    }

    /// Applies every ranker to every hit, in order, and sorts by the new score (ties keep the
    /// earlier rank). A factor multiplies a score where higher is better and divides a
    /// negative one (an L2 branch's negated distance), so a factor below 1 always demotes.
    func rank(_ hits: [ResultHit], branch: String? = nil) throws -> [ResultHit] {
        var out = hits
        for i in out.indices {
            let record = records.fetch(Int(out[i].ordinal))
            for (r, ranker) in rankers.enumerated() where ranker.branch == branch {
                let factor: Double
                let input: String
                switch ranker {
                case let .decay(d):
                    let v = FilterSemantics.value(.path(decayPaths[r]!), record)
                    if let v, let x = DecaySpec.number(v) {
                        factor = d.factor(x)
                        input = v.stringValue ?? v.jsonText
                    } else {
                        factor = 0
                        input = v.map(\.jsonText) ?? "none"
                    }
                case let .boost(b):
                    let hit = FilterSemantics.matches(boostConditions[r]!, record)
                    factor = hit ? b.weight : 1
                    input = hit ? "matches" : "no match"
                }
                let before = out[i].score
                let after = before >= 0 ? before * factor : before / max(factor, 1e-12)
                out[i].rankers.append(RankerEffect(ranker: Self.name(ranker), input: input, factor: factor, scoreBefore: before, score: after))
                out[i].score = after
            }
        }
        let order = out.indices.sorted { a, b in out[a].score != out[b].score ? out[a].score > out[b].score : a < b }
        return order.enumerated().map { r, i in var h = out[i]; h.rank = r + 1; return h }
    }

    /// True when some ranker re-orders `branch` (nil: the final list).
    func ranks(_ branch: String?) -> Bool { rankers.contains { $0.branch == branch } }

    /// The plan node of the rankers of `branch` (nil: the final list), above the node they re-order.
    func node(above child: PlanNode, window: Int, hits: [ResultHit], branch: String? = nil, start: Double, end: Double) -> PlanNode {
        let mine = rankers.filter { $0.branch == branch }
        var node = PlanNode("Rank  (" + mine.map(\.text).joined(separator: " → ") + ")", estimatedRows: window)
        for ranker in mine {
            let name = Self.name(ranker)
            let factors = hits.compactMap { h in h.rankers.last { $0.ranker == name }?.factor }
            let changed = factors.filter { $0 != 1 }.count
            if let lo = factors.min(), let hi = factors.max() {
                node.detail(name, "factor \(NumberText.fixedPadded(lo, decimals: 3))–\(NumberText.fixedPadded(hi, decimals: 3)); \(changed) of \(hits.count) scores changed")
            }
        }
        let moved = hits.filter { h in h.rank != (h.branches.values.map(\.rank).min() ?? h.rank) }.count
        node.detail("Order", "scores × factors (a negative score ÷ factor); \(moved) hits changed place")
        node.children = [child]
        node.executed = true
        node.actualStartMs = start
        node.actualEndMs = end
        node.actualRows = hits.count
        return node
    }

    struct Grouped {
        var hits: [ResultHit]
        var groups: Int
        var fullGroups: Int
        /// Hits without a value at the path (they belong to no group).
        var withoutValue: Int
        var filled: Bool
    }

    /// At most `groups` groups of at most `spec.size` hits, groups in the order of their best
    /// hit, hits in rank order within a group.
    func group(_ hits: [ResultHit], spec: GroupBySpec, groups want: Int) throws -> Grouped {
        guard let path = groupPath else { return Grouped(hits: hits, groups: 0, fullGroups: 0, withoutValue: 0, filled: true) }
        var order: [String] = []
        var members: [String: [ResultHit]] = [:]
        var withoutValue = 0
        for h in hits {
            guard let v = path.resolve(in: records.fetch(Int(h.ordinal))), v != .null else { withoutValue += 1; continue }
            let key = v.jsonText
            if members[key] == nil {
                guard order.count < want else { continue }
                order.append(key)
            }
            guard members[key, default: []].count < spec.size else { continue }
            var g = h
            g.group = v
            members[key, default: []].append(g)
        }
        let full = order.filter { members[$0]!.count >= spec.size }.count
        let filled = order.count >= want && (!spec.strict || full == order.count)
        return Grouped(hits: order.flatMap { members[$0]! }, groups: order.count, fullGroups: full, withoutValue: withoutValue, filled: filled)
    }

    /// The plan node of GROUP BY: the groups found and how far the search widened to fill them.
    func groupNode(above child: PlanNode, spec: GroupBySpec, windows: [Int], grouped: Grouped, exhausted: Bool,
                   start: Double, end: Double) -> PlanNode {
        var node = PlanNode("Group By \(spec.path)  (size \(spec.size)\(spec.strict ? ", strict" : ""))", estimatedRows: grouped.hits.count)
        node.detail("Groups", "\(grouped.groups) groups, \(grouped.hits.count) hits, \(grouped.fullGroups) with \(spec.size)"
            + (grouped.withoutValue > 0 ? "; \(grouped.withoutValue) candidates without a value skipped" : ""))
        let widening = windows.map(String.init).joined(separator: " → ")
        node.detail("Widening", windows.count == 1 ? "window \(widening) candidates filled the groups (no widening)"
            : "window \(widening) candidates (\(windows.count - 1) rounds)" + (grouped.filled ? "" : exhausted ? ", candidates exhausted before the groups were filled" : ", stopped at the most one search ranks"))
        node.children = [child]
        node.executed = true
        node.actualStartMs = start
        node.actualEndMs = end
        node.actualRows = grouped.hits.count
        return node
    }
}
