import QuarryBase

/// Answers filters from a `PathIndex`: leaves served by an index become bitmaps, `and`/`or`/`not`
/// become bitmap intersections, unions and differences, and whatever no index serves is checked
/// record by record over the candidates left by the branches before it.
///
/// Planning: the children of an `and` run from the most selective (by estimate) to the least,
/// each within the survivors of the previous ones, and stop when none survive. Estimates are
/// exact counts from the index where the index answers (`IndexProbe.estimate`, no bitmap built),
/// the fraction matching a fixed sample of `sampleSize` records otherwise, and combined by
/// independence for `and` (product) and `or` (1 − ∏(1 − s)). This is the System R approach
/// (Selinger et al., "Access Path Selection in a Relational Database Management System", 1979).
///
/// A spatial leaf (`ST_*`) on a path that `geometry` covers runs in two steps: the R-Tree's
/// candidates (bounding boxes that meet the condition's search boxes), then the exact predicate
/// on each candidate; its plan node says `R-Tree candidates N → exact predicate`.
public struct IndexedFilterExecutor: FilterExecutor {
    public let index: PathIndex
    public let sampleSize: Int
    public let geometry: (any GeometryIndex)?
    let record: (UInt32) -> JSONValue

    public var count: Int { index.count }

    public init(index: PathIndex, sampleSize: Int = 512, geometry: (any GeometryIndex)? = nil, record: @escaping (UInt32) -> JSONValue) {
        self.index = index
        self.sampleSize = sampleSize
        self.geometry = geometry
        self.record = record
    }

    public func execute(_ expr: FilterExpr, within candidates: Bitmap?) -> FilterResult {
        let (matches, plan) = run(expr, candidates, Memo())
        return FilterResult(matches: matches, plan: plan)
    }

    /// The plan with estimates only (EXPLAIN without running).
    public func explain(_ expr: FilterExpr) -> FilterPlanNode { planOnly(expr, Memo()) }

    /// The estimated fraction of the collection that matches.
    public func estimate(_ expr: FilterExpr) -> Double { estimate(expr, Memo()) }

    /// Leaf estimates of one planning, so that nested nodes do not sample the same leaf twice.
    private final class Memo {
        var leaves: [String: Double] = [:]
    }

    private func estimate(_ expr: FilterExpr, _ memo: Memo) -> Double {
        switch expr {
        case let .and(xs): return xs.reduce(1.0) { $0 * estimate($1, memo) }
        case let .or(xs): return 1 - xs.reduce(1.0) { $0 * (1 - estimate($1, memo)) }
        case let .not(x): return 1 - estimate(x, memo)
        case let .constant(b): return b ? 1 : 0
        case let .textMatch(t): return fraction(t.binding?.matches.count ?? 0)
        default:
            let key = expr.description
            if let known = memo.leaves[key] { return known }
            // A spatial leaf with an R-Tree: its candidate count, an upper bound read without
            // evaluating a record (a sample would miss a small circle entirely); for a radius,
            // the circle's share of its bounding box (π/4).
            if case let .geo(g) = expr, let n = geometry?.candidateCount(path: g.path, boxes: g.searchBoxes) {
                if case .dwithin = g.op { memo.leaves[key] = fraction(n) * Double.pi / 4 } else { memo.leaves[key] = fraction(n) }
                return memo.leaves[key]!
            }
            let value: Double
            if let p = index.probe(expr), p.exact { value = fraction(p.estimate) } else { value = sampled(expr) }
            memo.leaves[key] = value
            return value
        }
    }

    // MARK: - Running

    private var universe: Bitmap { Bitmap(range: 0..<UInt32(count)) }

    private func fraction(_ rows: Int) -> Double { count == 0 ? 0 : min(1, Double(rows) / Double(count)) }

    private func sampled(_ e: FilterExpr) -> Double {
        guard count > 0 else { return 0 }
        let k = min(count, sampleSize)
        var hits = 0
        for i in 0..<k where FilterSemantics.matches(e, record(UInt32(i * count / k))) { hits += 1 }
        return Double(hits) / Double(k)
    }

    private func node(_ op: String, _ e: FilterExpr, _ memo: Memo, index: String? = nil, detail: String? = nil,
                      children: [FilterPlanNode] = []) -> FilterPlanNode {
        let est = estimate(e, memo)
        return FilterPlanNode(operation: op, expression: e.description, index: index, detail: detail,
                              estimatedSelectivity: est, estimatedRows: Int((est * Double(count)).rounded()),
                              children: children)
    }

    private func finish(_ n: FilterPlanNode, _ result: Bitmap, examined: Int = 0) -> FilterPlanNode {
        var n = n
        n.actualRows = result.count
        n.actualSelectivity = fraction(result.count)
        n.rowsExamined = examined
        return n
    }

    /// True when the index alone answers `e` (no record is read).
    private func fullyIndexed(_ e: FilterExpr) -> Bool {
        switch e {
        case let .and(xs), let .or(xs): return xs.allSatisfy(fullyIndexed)
        case let .not(x): return fullyIndexed(x)
        case .constant: return true
        case let .textMatch(t): return t.binding != nil
        default: return index.probe(e)?.exact == true
        }
    }

    /// True for a spatial leaf whose candidates come from an R-Tree (read few records).
    private func rtreeServed(_ e: FilterExpr) -> Bool {
        guard case let .geo(g) = e, let geometry else { return false }
        return geometry.covers(g.path)
    }

    /// Children of `and` in running order: most selective first, index-served before scanned.
    private func ordered(_ xs: [FilterExpr], _ memo: Memo) -> [FilterExpr] {
        xs.map { ($0, estimate($0, memo), fullyIndexed($0) || rtreeServed($0)) }
            .enumerated()
            .sorted { a, b in
                if a.element.2 != b.element.2 { return a.element.2 }
                if a.element.1 != b.element.1 { return a.element.1 < b.element.1 }
                return a.offset < b.offset
            }
            .map(\.element.0)
    }

    private func run(_ e: FilterExpr, _ candidates: Bitmap?, _ memo: Memo) -> (Bitmap, FilterPlanNode) {
        switch e {
        case let .and(xs):
            var acc = candidates
            var children: [FilterPlanNode] = []
            for child in ordered(xs, memo) {
                if let a = acc, a.isEmpty { children.append(planOnly(child, memo)); continue }
                let (b, n) = run(child, acc, memo)
                acc = b
                children.append(n)
            }
            let result = acc ?? universe
            return (result, finish(node("Bitmap And", e, memo, children: children), result))
        case let .or(xs):
            var result = Bitmap()
            var children: [FilterPlanNode] = []
            for child in xs {
                // A branch that reads records only checks those no earlier branch matched.
                let within = fullyIndexed(child) ? candidates : (candidates ?? universe).subtracting(result)
                let (b, n) = run(child, within, memo)
                result.formUnion(b)
                children.append(n)
            }
            return (result, finish(node("Bitmap Or", e, memo, children: children), result))
        case let .not(x):
            let (b, n) = run(x, candidates, memo)
            let result = (candidates ?? universe).subtracting(b)
            return (result, finish(node("Bitmap Not", e, memo, children: [n]), result))
        case let .constant(v):
            let result = v ? (candidates ?? universe) : Bitmap()
            return (result, finish(node("Constant", e, memo), result))
        case let .textMatch(t):
            var result = t.binding?.matches ?? Bitmap()
            if let candidates { result.formIntersection(candidates) }
            return (result, finish(node("Text Match", e, memo, index: t.binding?.source), result))
        default:
            if case let .geo(g) = e, let geometry, var bitmap = geometry.candidates(path: g.path, boxes: g.searchBoxes) {
                if let candidates { bitmap.formIntersection(candidates) }
                let (result, examined) = scan(e, bitmap, count: count, record: record)
                let n = node("R-Tree Scan", e, memo, index: g.path.description, detail: "R-Tree candidates \(bitmap.count) → exact predicate")
                return (result, finish(n, result, examined: examined))
            }
            guard let probe = index.probe(e) else {
                let (result, examined) = scan(e, candidates, count: count, record: record)
                return (result, finish(node("Row Scan", e, memo), result, examined: examined))
            }
            var bitmap = probe.bitmap()
            if let candidates { bitmap.formIntersection(candidates) }
            if probe.exact {
                return (bitmap, finish(node("Path Index Scan", e, memo, index: probe.path.description, detail: probe.detail), bitmap))
            }
            let (result, examined) = scan(e, bitmap, count: count, record: record)
            let n = node("Row Scan", e, memo, index: probe.path.description, detail: probe.detail)
            return (result, finish(n, result, examined: examined))
        }
    }

    /// The plan of `e` without running it.
    private func planOnly(_ e: FilterExpr, _ memo: Memo) -> FilterPlanNode {
        switch e {
        case let .and(xs): return node("Bitmap And", e, memo, children: ordered(xs, memo).map { planOnly($0, memo) })
        case let .or(xs): return node("Bitmap Or", e, memo, children: xs.map { planOnly($0, memo) })
        case let .not(x): return node("Bitmap Not", e, memo, children: [planOnly(x, memo)])
        case .constant: return node("Constant", e, memo)
        case let .textMatch(t): return node("Text Match", e, memo, index: t.binding?.source)
        default:
            if case let .geo(g) = e, let n = geometry?.candidateCount(path: g.path, boxes: g.searchBoxes) {
                return node("R-Tree Scan", e, memo, index: g.path.description, detail: "R-Tree candidates \(n) → exact predicate")
            }
            guard let probe = index.probe(e) else { return node("Row Scan", e, memo) }
            return node(probe.exact ? "Path Index Scan" : "Row Scan", e, memo, index: probe.path.description, detail: probe.detail)
        }
    }
}
