import Foundation
import QuarryStorage

/// What the records hold at one JSON path of their metadata: the types seen, the most frequent
/// values and, for numbers, a histogram. The TUI's facet browser lists these and turns a value
/// or a bin into a filter.
public struct FacetSummary: Sendable, Equatable {
    /// `metadata.year`; elements of an array as `metadata.tags[]`.
    public var path: String
    /// Records (of those read) with at least one value at the path.
    public var records: Int
    /// Type names (`number`, `string`, `bool`, `null`, `object`, `array`) with how many values had each.
    public var types: [TypeCount]
    /// The most frequent scalar values, most frequent first (ties by value).
    public var top: [Value]
    /// How many distinct scalar values were seen (capped at `FacetSummary.distinctCap`).
    public var distinct: Int
    /// Equal-width bins over the numbers seen, when there are numbers.
    public var histogram: Histogram?

    public struct TypeCount: Sendable, Equatable {
        public var name: String
        public var count: Int
    }

    public struct Value: Sendable, Equatable {
        public var value: JSONValue
        public var count: Int
    }

    public struct Histogram: Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var counts: [Int]
        /// Bins of equal width in log(x): for positive numbers spread over three decades or more
        /// (sizes, prices), where equal-width bins would put nearly everything in the first.
        public var logarithmic = false

        /// The bounds of bin `i`: `[lower, upper)`, the last bin closed.
        public func bounds(_ i: Int) -> (lower: Double, upper: Double) {
            let n = Double(counts.count)
            func at(_ j: Int) -> Double {
                if j == counts.count { return max }
                if logarithmic { return Foundation.exp(Foundation.log(min) + Double(j) / n * (Foundation.log(max) - Foundation.log(min))) }
                return min + Double(j) * (max - min) / n
            }
            return (at(i), at(i + 1))
        }

        /// The bin of `x` (clamped to the range).
        func bin(_ x: Double) -> Int {
            let n = counts.count
            guard max > min else { return 0 }
            let f = logarithmic ? (Foundation.log(x) - Foundation.log(min)) / (Foundation.log(max) - Foundation.log(min)) : (x - min) / (max - min)
            return Swift.min(n - 1, Swift.max(0, Int(f * Double(n))))
        }
    }

    /// Distinct values counted per path before new ones are ignored.
    public static let distinctCap = 10_000

    /// The filter that keeps records having `value` at this path, in the query language's
    /// filter syntax; nil for paths under an array of objects, which a filter cannot name.
    public func filter(equalTo value: JSONValue) -> String? {
        let literal: String
        switch value {
        case let .string(s): literal = "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .int, .double, .bool: literal = value.jsonText
        case .null:
            guard !path.hasSuffix("[]"), !path.dropLast(2).contains("[]") else { return nil }
            return "\(path) is null"
        default: return nil
        }
        if path.hasSuffix("[]") {
            let array = String(path.dropLast(2))
            guard !array.contains("[]") else { return nil }
            return "json_contains(\(array), \(literal))"
        }
        guard !path.contains("[]") else { return nil }
        return "\(path) = \(literal)"
    }

    /// The filter that keeps records whose number at this path falls in histogram bin `bin`.
    public func filter(bin: Int) -> String? {
        guard let h = histogram, h.counts.indices.contains(bin), !path.contains("[]") else { return nil }
        let (lo, hi) = h.bounds(bin)
        return "\(path) >= \(JSONValue.double(lo).jsonText) AND \(path) \(bin == h.counts.count - 1 ? "<=" : "<") \(JSONValue.double(hi).jsonText)"
    }
}

/// Facets of a collection: every path's summary, from the first `sampled` records.
public struct FacetReport: Sendable, Equatable {
    public var records: Int
    public var sampled: Int
    public var facets: [FacetSummary]

    /// Every path with the JSON types seen there, as completion and `.schema` list them:
    /// `number`, `string|null`, `array<string>` (an array's element types from its `path[]`).
    public var typedPaths: [(path: String, type: String)] {
        let order = ["number", "string", "bool", "object", "array", "null"]
        func label(_ types: [FacetSummary.TypeCount]) -> String {
            types.map(\.name).sorted { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) }.joined(separator: "|")
        }
        let byPath = Dictionary(facets.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        return facets.map { f in
            var type = label(f.types)
            if type == "array", let elements = byPath[f.path + "[]"] { type = "array<\(label(elements.types))>" }
            return (f.path, type)
        }
    }
}

extension Workbench {
    /// Summaries of every JSON path under `metadata`, from the first `sampleLimit` records
    /// (read through the database only).
    public func facets(collection: String, sampleLimit: Int = 50_000, topValues: Int = 10, bins: Int = 10) throws -> FacetReport {
        let live = try database.idMap(collection: collection).live
        var acc: [String: FacetAccumulator] = [:]
        var sampled = 0
        var stopped = false
        struct Enough: Error {}
        do {
            try database.forEachRecord(collection: collection) { record in
                guard sampled < sampleLimit else { stopped = true; throw Enough() }
                sampled += 1
                var seen = Set<String>()
                Self.walkFacets(record.metadata, "metadata", &acc, &seen)
                for p in seen { acc[p]?.records += 1 }
            }
        } catch {
            if !stopped { throw error }   // else: the body's early stop, wrapped by the storage layer
        }
        let facets = acc.keys.sorted().map { acc[$0]!.summary(path: $0, topValues: topValues, bins: bins) }
        return FacetReport(records: live, sampled: sampled, facets: facets)
    }

    private static func walkFacets(_ v: JSONValue, _ path: String, _ acc: inout [String: FacetAccumulator], _ seen: inout Set<String>) {
        switch v {
        case let .object(members):
            if path != "metadata" { acc[path, default: FacetAccumulator()].add(v); seen.insert(path) }
            for m in members { walkFacets(m.value, path + "." + m.key, &acc, &seen) }
        case let .array(items):
            acc[path, default: FacetAccumulator()].add(v)
            seen.insert(path)
            for item in items { walkFacets(item, path + "[]", &acc, &seen) }
        default:
            guard path != "metadata" else { return }
            acc[path, default: FacetAccumulator()].add(v)
            seen.insert(path)
        }
    }
}

/// Counts of one path while the records are read.
struct FacetAccumulator {
    var records = 0
    var types: [String: Int] = [:]
    /// Counts by the value's JSON text, with the value.
    var values: [String: (value: JSONValue, count: Int)] = [:]
    var numbers: [Double] = []

    mutating func add(_ v: JSONValue) {
        let type: String
        switch v {
        case .int, .double: type = "number"
        case .string: type = "string"
        case .bool: type = "bool"
        case .null: type = "null"
        case .array: type = "array"
        case .object: type = "object"
        }
        types[type, default: 0] += 1
        switch v {
        case .array, .object: return
        default: break
        }
        if let d = v.doubleValue { numbers.append(d) }
        let key = v.jsonText
        if let e = values[key] { values[key] = (e.value, e.count + 1) }
        else if values.count < FacetSummary.distinctCap { values[key] = (v, 1) }
    }

    func summary(path: String, topValues: Int, bins: Int) -> FacetSummary {
        let order = ["number", "string", "bool", "null", "array", "object"]
        let typeList = types.sorted { (order.firstIndex(of: $0.key) ?? 9, $0.key) < (order.firstIndex(of: $1.key) ?? 9, $1.key) }
            .map { FacetSummary.TypeCount(name: $0.key, count: $0.value) }
        let top = values.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
            .prefix(topValues).map { FacetSummary.Value(value: $0.value.value, count: $0.value.count) }
        var histogram: FacetSummary.Histogram?
        if let lo = numbers.min(), let hi = numbers.max() {
            let n = lo == hi ? 1 : bins
            var h = FacetSummary.Histogram(min: lo, max: hi, counts: [Int](repeating: 0, count: n), logarithmic: lo > 0 && hi / lo >= 1000)
            for x in numbers { h.counts[h.bin(x)] += 1 }
            histogram = h
        }
        return FacetSummary(path: path, records: records, types: typeList, top: Array(top), distinct: values.count, histogram: histogram)
    }
}
