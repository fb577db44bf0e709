import QuarryBase

/// The value of one sweep parameter: an integer (ef, nprobe, RRF k), a real (k1, b, a fusion
/// weight) or a word (a fusion method, an index kind).
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case let .int(i): return String(i)
        case let .double(d): return "\(d)"
        case let .string(s): return s
        }
    }

    public var json: JSONValue {
        switch self {
        case let .int(i): return .int(Int64(i))
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        }
    }

    /// Reads `64` as an int, `0.75` as a double, anything else as a string.
    public init(parsing text: String) {
        if let i = Int(text) { self = .int(i) } else if let d = Double(text) { self = .double(d) } else { self = .string(text) }
    }
}

/// One point of a sweep grid: parameter values in the grid's parameter order.
public struct SweepSetting: Hashable, Sendable, CustomStringConvertible {
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: ParameterValue
        public init(name: String, value: ParameterValue) {
            self.name = name
            self.value = value
        }
    }

    public var parameters: [Parameter]

    public init(_ parameters: [Parameter]) { self.parameters = parameters }

    public subscript(name: String) -> ParameterValue? { parameters.first { $0.name == name }?.value }

    /// `ef=64 k1=0.9`.
    public var description: String { parameters.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }

    /// `{"ef": 64, "k1": 0.9}` with the parameters in order.
    public var json: JSONValue { .object(parameters.map { JSONMember($0.name, $0.value.json) }) }
}

/// A grid of parameter values; `settings` is its cartesian product in a stable order: the first
/// parameter varies slowest and each parameter's values keep the order given (nested loops in
/// declaration order).
public struct SweepGrid: Sendable, Equatable {
    public struct Axis: Sendable, Equatable {
        public var name: String
        public var values: [ParameterValue]
    }

    public private(set) var axes: [Axis] = []

    public init() {}

    /// Adds a parameter; adding a name again replaces its values in place. No values is an error.
    public mutating func add(_ name: String, _ values: [ParameterValue]) throws(EvalError) {
        guard !values.isEmpty else { throw .emptyParameter(name: name) }
        if let i = axes.firstIndex(where: { $0.name == name }) { axes[i].values = values } else { axes.append(Axis(name: name, values: values)) }
    }

    /// The number of settings (1 for an empty grid: the defaults alone).
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    public var settings: [SweepSetting] {
        var out: [SweepSetting] = [SweepSetting([])]
        for axis in axes {
            out = out.flatMap { s in axis.values.map { v in SweepSetting(s.parameters + [.init(name: axis.name, value: v)]) } }
        }
        return out
    }
}

/// One measured setting of a sweep: its metrics by name (`recall@10`, `ndcg@10`, …) and latency.
public struct SweepRow: Sendable, Equatable {
    public var setting: SweepSetting
    public var metrics: [String: Double]
    public var p50Ms: Double
    /// The full latency figures when they were kept.
    public var latency: LatencySummary?
    /// The stored run of this setting's evaluation, when it was stored.
    public var runID: Int64?

    public init(setting: SweepSetting, metrics: [String: Double], p50Ms: Double, latency: LatencySummary? = nil, runID: Int64? = nil) {
        self.setting = setting
        self.metrics = metrics
        self.p50Ms = p50Ms
        self.latency = latency
        self.runID = runID
    }
}

/// The Pareto frontier of a sweep: the rows no other row beats on both `metric` (higher is
/// better) and p50 latency (lower is better), as indices into `rows` by increasing latency.
///
/// A row is on the frontier when every faster-or-equal row has a strictly lower metric. Rows
/// equal in both go in once, the first in row order. Rows without the metric (or NaN) are skipped.
public func paretoFrontier(_ rows: [SweepRow], metric: String) -> [Int] {
    let candidates = rows.indices.filter { rows[$0].metrics[metric].map { !$0.isNaN } ?? false }
    let ordered = candidates.sorted { a, b in
        let (ra, rb) = (rows[a], rows[b])
        if ra.p50Ms != rb.p50Ms { return ra.p50Ms < rb.p50Ms }
        let (ma, mb) = (ra.metrics[metric]!, rb.metrics[metric]!)
        return ma != mb ? ma > mb : a < b
    }
    var frontier: [Int] = []
    var best = -Double.infinity
    for i in ordered where rows[i].metrics[metric]! > best {
        frontier.append(i)
        best = rows[i].metrics[metric]!
    }
    return frontier
}

/// What `tune` aims for: a metric reaching a value, or its best value over the sweep.
public enum TuneTarget: Sendable, Equatable, CustomStringConvertible {
    case atLeast(metric: String, value: Double)
    case max(metric: String)

    public var metric: String {
        switch self {
        case let .atLeast(m, _), let .max(m): return m
        }
    }

    /// `recall@10=0.95` or `ndcg@10=max`.
    public var description: String {
        switch self {
        case let .atLeast(m, v): return "\(m)=\(v)"
        case let .max(m): return "\(m)=max"
        }
    }

    /// Parses `metric=value` or `metric=max`; the metric name is kept as written, lowercased.
    public static func parse(_ text: String) throws(EvalError) -> TuneTarget {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        guard parts.count == 2, !parts[0].isEmpty else { throw .badTarget(text: text) }
        let metric = parts[0].lowercased()
        if parts[1].lowercased() == "max" { return .max(metric: metric) }
        guard let v = Double(parts[1]), v.isFinite else { throw .badTarget(text: text) }
        return .atLeast(metric: metric, value: v)
    }
}

/// The setting `tune` recommends.
public struct TuneDecision: Sendable, Equatable {
    /// Index into the rows given to `tune`.
    public var index: Int
    public var row: SweepRow
    /// False when no row reached the target; `row` is then the one with the best metric.
    public var met: Bool
}

/// AutoIndex-style tuning: the cheapest setting (lowest p50) whose metric reaches the target.
///
/// - `.atLeast(m, v)`: rows with `m ≥ v` qualify.
/// - `.max(m)`: rows within 1e-9 of the best `m` qualify.
///
/// Ties: among qualifying rows the lowest p50 wins; at equal p50 the higher metric; then the first
/// in row order (grid order). When no row qualifies, the row with the highest metric is returned
/// with `met == false` (at equal metric the lower p50, then row order). Nil when no row has the metric.
public func tune(_ rows: [SweepRow], target: TuneTarget) -> TuneDecision? {
    let metric = target.metric
    let scored = rows.indices.compactMap { i in rows[i].metrics[metric].flatMap { $0.isNaN ? nil : (i, $0) } }
    guard let best = scored.map(\.1).max() else { return nil }
    let threshold: Double
    switch target {
    case let .atLeast(_, v): threshold = v
    case .max: threshold = best - 1e-9
    }
    let qualifying = scored.filter { $0.1 >= threshold }
    func cheaper(_ a: (Int, Double), _ b: (Int, Double)) -> Bool {
        let (pa, pb) = (rows[a.0].p50Ms, rows[b.0].p50Ms)
        if pa != pb { return pa < pb }
        return a.1 != b.1 ? a.1 > b.1 : a.0 < b.0
    }
    if let pick = qualifying.min(by: cheaper) { return TuneDecision(index: pick.0, row: rows[pick.0], met: true) }
    let fallback = scored.min { a, b in a.1 != b.1 ? a.1 > b.1 : cheaper(a, b) }!
    return TuneDecision(index: fallback.0, row: rows[fallback.0], met: false)
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
