import QuarryBase

/// The records a filter matched, and the plan that found them.
public struct FilterResult: Sendable {
    public var matches: Bitmap
    public var plan: FilterPlanNode
    public var count: Int { matches.count }
}

/// Runs a filter over the records `0..<count` of a collection.
///
/// The contract, for every implementation: `execute(e, within: c).matches` is exactly the set
/// of ordinals `o` in `c` (or in `0..<count` when `c` is nil) for which
/// `FilterSemantics.matches(e, record(o))` is true. `ScanFilterExecutor` is that definition
/// written out (the oracle); `IndexedFilterExecutor` answers from a `PathIndex` and is tested
/// against it.
public protocol FilterExecutor {
    var count: Int { get }
    func execute(_ expr: FilterExpr, within candidates: Bitmap?) -> FilterResult
}

extension FilterExecutor {
    public func execute(_ query: FilterQuery, within candidates: Bitmap? = nil) -> FilterResult {
        execute(query.expr, within: candidates)
    }
}

/// The oracle: evaluates the filter on every record, one at a time.
public struct ScanFilterExecutor: FilterExecutor {
    public let count: Int
    let record: (UInt32) -> JSONValue

    public init(count: Int, record: @escaping (UInt32) -> JSONValue) {
        self.count = count
        self.record = record
    }

    public func execute(_ expr: FilterExpr, within candidates: Bitmap?) -> FilterResult {
        let (matches, examined) = scan(expr, candidates, count: count, record: record)
        let n = max(count, 1)
        let plan = FilterPlanNode(
            operation: "Row Scan", expression: expr.description, estimatedSelectivity: 1,
            estimatedRows: count, actualRows: matches.count,
            actualSelectivity: Double(matches.count) / Double(n), rowsExamined: examined)
        return FilterResult(matches: matches, plan: plan)
    }
}

/// Evaluates `expr` on each record of `candidates` (all of `0..<count` when nil).
func scan(_ expr: FilterExpr, _ candidates: Bitmap?, count: Int, record: (UInt32) -> JSONValue) -> (Bitmap, Int) {
    var hits: [UInt32] = []
    var examined = 0
    if let candidates {
        candidates.forEach { ord in
            examined += 1
            if FilterSemantics.matches(expr, record(ord)) { hits.append(ord) }
            return true
        }
    } else {
        for ord in 0..<UInt32(count) where FilterSemantics.matches(expr, record(ord)) { hits.append(ord) }
        examined = count
    }
    return (Bitmap(hits), examined)
}
