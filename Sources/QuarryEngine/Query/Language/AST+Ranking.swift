import Foundation
import QuarryBase

/// `NEAR … WITHIN radius [AND range_filter]`: the hits whose distance lies in a band, as
/// Milvus's range search (its `radius` and `range_filter` search parameters).
///
/// The distance is what Milvus reports for the metric: for L2 the squared Euclidean distance
/// (smaller is closer; Quarry's score is its negation), for IP and cosine the similarity
/// (larger is closer; the score itself). So, per metric:
/// - L2: `range_filter ≤ d < radius` — closer than `radius`, and not closer than `range_filter`;
/// - IP, cosine: `radius < d ≤ range_filter` — more similar than `radius`, not more than `range_filter`.
public struct VectorRange: Sendable, Hashable {
    public var radius: Double
    public var rangeFilter: Double?

    public init(radius: Double, rangeFilter: Double? = nil) {
        self.radius = radius
        self.rangeFilter = rangeFilter
    }

    /// The distance Milvus reports for a hit of `score` under a metric whose smaller distances
    /// are closer (`lowerIsCloser`, L2) or not.
    public static func distance(score: Float, lowerIsCloser: Bool) -> Double { lowerIsCloser ? -Double(score) : Double(score) }

    /// True when a hit of `score` lies in the band.
    public func contains(score: Float, lowerIsCloser: Bool) -> Bool {
        let d = Self.distance(score: score, lowerIsCloser: lowerIsCloser)
        if lowerIsCloser { return d < radius && (rangeFilter.map { $0 <= d } ?? true) }
        return d > radius && (rangeFilter.map { d <= $0 } ?? true)
    }

    /// True when a hit of `score` is too far to be in the band (every hit after it, best first, is too).
    public func isBeyond(score: Float, lowerIsCloser: Bool) -> Bool {
        let d = Self.distance(score: score, lowerIsCloser: lowerIsCloser)
        return lowerIsCloser ? d >= radius : d <= radius
    }

    /// The band in Milvus's words, for plans and messages.
    public func text(lowerIsCloser: Bool) -> String {
        let r = ParamValue.number(radius).description
        if lowerIsCloser { return (rangeFilter.map { "\(ParamValue.number($0)) ≤ " } ?? "") + "distance < \(r)" }
        return "\(r) < similarity" + (rangeFilter.map { " ≤ \(ParamValue.number($0))" } ?? "")
    }
}

/// `GROUP BY path [SIZE n] [STRICT]`: Milvus's grouping search (`group_by_field`, `group_size`,
/// `strict_group_size`). The result holds at most LIMIT groups, each at most `size` hits of one
/// distinct value of `path`, groups ordered by their best hit; records without a value at the
/// path form no group. `strict` widens the search until every group has `size` hits (or the
/// collection is exhausted); without it, until there are LIMIT groups.
public struct GroupBySpec: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var strict: Bool

    public init(path: String, size: Int = 1, strict: Bool = false) {
        self.path = path
        self.size = size
        self.strict = strict
    }

    /// The most hits one group may hold.
    public static let sizeRange = 1...1_000
}

/// A ranker applied after retrieval (`RANK BY …`), as Milvus's decay and boost rankers.
public enum RankerSpec: Sendable, Equatable {
    case decay(DecaySpec)
    case boost(BoostSpec)

    /// As RANK BY writes it.
    public var text: String {
        let inner: String
        switch self {
        case let .decay(d): inner = d.description
        case let .boost(b): inner = b.description
        }
        return inner + (branch.map { " ON \($0)" } ?? "")
    }

    /// `… ON bm25` or `… ON vector`: the branch whose hits the ranker re-orders before fusion;
    /// nil: the final list (the fused one, or the one branch's).
    public var branch: String? {
        get {
            switch self {
            case let .decay(d): return d.branch
            case let .boost(b): return b.branch
            }
        }
        set {
            switch self {
            case var .decay(d): d.branch = newValue; self = .decay(d)
            case var .boost(b): b.branch = newValue; self = .boost(b)
            }
        }
    }

    /// The branches `ON` may name.
    public static let branches = ["bm25", "vector"]
}

/// `decay(gauss|exp|linear, path, origin => o, scale => s, offset => 0, decay => 0.5)`: the
/// score is multiplied by a factor in [0, 1] that falls with the distance of the record's
/// numeric value at `path` from `origin` (Milvus's decay ranker; Elasticsearch's
/// function_score decay functions). With `x = max(0, |v − origin| − offset)`:
/// - gauss: `exp(−x² / (2σ²))`, `σ² = −scale² / (2 ln decay)`;
/// - exp: `exp(λ x)`, `λ = ln(decay) / scale`;
/// - linear: `max(0, (s − x) / s)`, `s = scale / (1 − decay)`.
/// So at `|v − origin| = offset + scale` the factor is `decay`. On a date path (ISO 8601 strings)
/// with a date origin (`origin => '2024-06-01'`) values are days since 1970, and scale and offset
/// are days. A record without a number (or date) at the path gets the factor 0 (Milvus drops
/// such hits from a decayed search).
public struct DecaySpec: Sendable, Equatable {
    public enum Function: String, Sendable, CaseIterable { case gauss, exp, linear }
    public var function: Function
    public var path: String
    public var origin: Double
    public var scale: Double
    public var offset: Double = 0
    public var decay: Double = 0.5
    /// See `RankerSpec.branch`.
    public var branch: String?

    public init(function: Function, path: String, origin: Double, scale: Double, offset: Double = 0, decay: Double = 0.5) {
        self.function = function
        self.path = path
        self.origin = origin
        self.scale = scale
        self.offset = offset
        self.decay = decay
    }

    /// Days since 1970-01-01 of an ISO 8601 date (`2024-06-01`) or date and time
    /// (`2024-06-01T12:30:00Z`, `…+02:00`); nil for anything else. A date path decays in days.
    public static func days(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 10 else { return nil }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = full.date(from: t) ?? fractional.date(from: t) ?? (t.count == 10 ? day.date(from: t) : nil) else { return nil }
        return date.timeIntervalSince1970 / 86_400
    }

    /// The number a record's value stands for: a number itself, a date string its days since
    /// 1970; nil for anything else.
    public static func number(_ v: JSONValue) -> Double? {
        switch v {
        case let .int(n): return Double(n)
        case let .double(x): return x
        case let .string(s): return days(s)
        default: return nil
        }
    }

    /// The factor at value `v`.
    public func factor(_ v: Double) -> Double {
        let x = max(0, abs(v - origin) - offset)
        switch function {
        case .gauss:
            let sigma2 = -(scale * scale) / (2 * log(decay))
            return Foundation.exp(-(x * x) / (2 * sigma2))
        case .exp:
            return Foundation.exp(log(decay) / scale * x)
        case .linear:
            let s = scale / (1 - decay)
            return max(0, (s - x) / s)
        }
    }

    public var description: String {
        "decay(\(function.rawValue), \(path), origin => \(ParamValue.number(origin)), scale => \(ParamValue.number(scale)), offset => \(ParamValue.number(offset)), decay => \(ParamValue.number(decay)))"
    }
}

/// `boost(filter => 'condition', weight => w)`: the score of every hit matching the filter
/// condition is multiplied by `weight` (Milvus's boost ranker); other hits keep theirs.
public struct BoostSpec: Sendable, Equatable {
    public var filter: String
    public var weight: Double
    /// See `RankerSpec.branch`.
    public var branch: String?

    public init(filter: String, weight: Double) {
        self.filter = filter
        self.weight = weight
    }

    public var description: String { "boost(filter => '\(filter.replacingOccurrences(of: "'", with: "''"))', weight => \(ParamValue.number(weight)))" }
}

/// A ranker parameter out of its range: which, and why.
public struct RankerCheckError: Error, Sendable, CustomStringConvertible {
    public var parameter: String
    public var description: String
}

extension DecaySpec {
    /// scale > 0, offset ≥ 0, 0 < decay < 1, every number finite.
    public func check() throws(RankerCheckError) {
        guard origin.isFinite else { throw RankerCheckError(parameter: "origin", description: "decay's origin must be a finite number") }
        guard scale.isFinite, scale > 0 else { throw RankerCheckError(parameter: "scale", description: "decay's scale must be greater than 0, not \(ParamValue.number(scale))") }
        guard offset.isFinite, offset >= 0 else { throw RankerCheckError(parameter: "offset", description: "decay's offset must be 0 or more, not \(ParamValue.number(offset))") }
        guard decay > 0, decay < 1 else { throw RankerCheckError(parameter: "decay", description: "decay's decay must be between 0 and 1 (exclusive), not \(ParamValue.number(decay))") }
    }
}

extension BoostSpec {
    /// What a boost's weight may be.
    public static let weightRange: ClosedRange<Double> = 0...1_000_000

    public func check() throws(RankerCheckError) {
        guard weight.isFinite, Self.weightRange.contains(weight) else {
            throw RankerCheckError(parameter: "weight", description: "boost's weight must be between 0 and 1000000, not \(ParamValue.number(weight))")
        }
    }
}

extension GroupBySpec {
    /// A group SIZE written as `value`, checked.
    public static func checkedSize(_ value: Double) throws(EngineError) -> Int {
        guard let n = Bounds.integer(value, in: sizeRange) else {
            throw .badParameter("GROUP BY … SIZE must be a whole number from \(Bounds.text(sizeRange)), not \(ParamValue.number(value))")
        }
        return n
    }
}

extension VectorRange {
    /// Both bounds finite, and the band not empty for the metric (`lowerIsCloser`: L2).
    public func check(lowerIsCloser: Bool) throws(EngineError) {
        guard radius.isFinite, rangeFilter?.isFinite ?? true else { throw .badParameter("WITHIN's radius and range filter must be finite numbers") }
        guard let f = rangeFilter else { return }
        if lowerIsCloser && !(f < radius) {
            throw .badParameter("for an L2 field the range filter must be smaller than the radius (range_filter ≤ distance < radius), not \(ParamValue.number(f)) ≥ \(ParamValue.number(radius))")
        }
        if !lowerIsCloser && !(f > radius) {
            throw .badParameter("for an IP or cosine field the range filter must be larger than the radius (radius < similarity ≤ range_filter), not \(ParamValue.number(f)) ≤ \(ParamValue.number(radius))")
        }
    }
}
