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
public struct IndexedFilterExecutor: FilterExecutor {
    public let index: PathIndex
    public let sampleSize: Int
    let record: (UInt32) -> JSONValue

    public var count: Int { index.count }

    public init(index: PathIndex, sampleSize: Int = 512, record: @escaping (UInt32) -> JSONValue) {
        self.index = index
        self.sampleSize = sampleSize
        self.record = record
    }

    public func execute(_ expr: FilterExpr, within candidates: Bitmap?) -> FilterResult {
        let (matches, plan) = run(expr, candidates)
        return FilterResult(matches: matches, plan: plan)
    }

    /// The plan with estimates only (EXPLAIN without running).
    public func explain(_ expr: FilterExpr) -> FilterPlanNode { planOnly(expr) }

    /// The estimated fraction of the collection that matches.
    public func estimate(_ expr: FilterExpr) -> Double {
        switch expr {
        case let .and(xs): return xs.reduce(1.0) { $0 * estimate($1) }
        case let .or(xs): return 1 - xs.reduce(1.0) { $0 * (1 - estimate($1)) }
        case let .not(x): return 1 - estimate(x)
        case let .constant(b): return b ? 1 : 0
        default:
            if let p = index.probe(expr), p.exact { return fraction(p.estimate) }
            return sampled(expr)
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

    private func node(_ op: String, _ e: FilterExpr, index: String? = nil, detail: String? = nil,
                      children: [FilterPlanNode] = []) -> FilterPlanNode {
        let est = estimate(e)
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
        default: return index.probe(e)?.exact == true
        }
    }

    /// Children of `and` in running order: most selective first, index-served before scanned.
    private func ordered(_ xs: [FilterExpr]) -> [FilterExpr] {
        xs.map { ($0, estimate($0), fullyIndexed($0)) }
            .enumerated()
            .sorted { a, b in
                if a.element.2 != b.element.2 { return a.element.2 }
                if a.element.1 != b.element.1 { return a.element.1 < b.element.1 }
                return a.offset < b.offset
            }
            .map(\.element.0)
    }

    private func run(_ e: FilterExpr, _ candidates: Bitmap?) -> (Bitmap, FilterPlanNode) {
        switch e {
        case let .and(xs):
            var acc = candidates
            var children: [FilterPlanNode] = []
            for child in ordered(xs) {
                if let a = acc, a.isEmpty { children.append(planOnly(child)); continue }
                let (b, n) = run(child, acc)
                acc = b
                children.append(n)
            }
            let result = acc ?? universe
            return (result, finish(node("Bitmap And", e, children: children), result))
        case let .or(xs):
            var result = Bitmap()
            var children: [FilterPlanNode] = []
            for child in xs {
                // A branch that reads records only checks those no earlier branch matched.
                let within = fullyIndexed(child) ? candidates : (candidates ?? universe).subtracting(result)
                let (b, n) = run(child, within)
                result.formUnion(b)
                children.append(n)
            }
            return (result, finish(node("Bitmap Or", e, children: children), result))
        case let .not(x):
            let (b, n) = run(x, candidates)
            let result = (candidates ?? universe).subtracting(b)
            return (result, finish(node("Bitmap Not", e, children: [n]), result))
        case let .constant(v):
            let result = v ? (candidates ?? universe) : Bitmap()
            return (result, finish(node("Constant", e), result))
        default:
            guard let probe = index.probe(e) else {
                let (result, examined) = scan(e, candidates, count: count, record: record)
                return (result, finish(node("Row Scan", e), result, examined: examined))
            }
            var bitmap = probe.bitmap()
            if let candidates { bitmap.formIntersection(candidates) }
            if probe.exact {
                return (bitmap, finish(node("Path Index Scan", e, index: probe.path.description, detail: probe.detail), bitmap))
            }
            let (result, examined) = scan(e, bitmap, count: count, record: record)
            let n = node("Row Scan", e, index: probe.path.description, detail: probe.detail)
            return (result, finish(n, result, examined: examined))
        }
    }

    /// The plan of `e` without running it.
    private func planOnly(_ e: FilterExpr) -> FilterPlanNode {
        switch e {
        case let .and(xs): return node("Bitmap And", e, children: ordered(xs).map(planOnly))
        case let .or(xs): return node("Bitmap Or", e, children: xs.map(planOnly))
        case let .not(x): return node("Bitmap Not", e, children: [planOnly(x)])
        case .constant: return node("Constant", e)
        default:
            guard let probe = index.probe(e) else { return node("Row Scan", e) }
            return node(probe.exact ? "Path Index Scan" : "Row Scan", e, index: probe.path.description, detail: probe.detail)
        }
    }
}
