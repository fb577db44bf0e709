import QuarryBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `quarry bench filter`: the indexed executor against the row scan on synthetic records with
/// the metadata of `peers/make_synth.py` (year int, price float, category string, tags array,
/// author.country / author.name nested), at fixed selectivities. Returns data; prints nothing.
public enum FilterBenchmark {
    public struct Row: Sendable {
        public var targetSelectivity: Double
        public var filter: String
        public var matches: Int
        public var actualSelectivity: Double
        /// Median wall time of `repeats` runs, milliseconds.
        public var indexedMilliseconds: Double
        public var scanMilliseconds: Double
        /// The scan found the same number of records.
        public var agrees: Bool
        public var speedup: Double { indexedMilliseconds > 0 ? scanMilliseconds / indexedMilliseconds : 0 }
    }

    public struct Report: Sendable {
        public var records: Int
        public var buildMilliseconds: Double
        public var indexBytes: Int
        public var rows: [Row]

        public var jsonValue: JSONValue {
            .object([
                JSONMember("records", .int(Int64(records))),
                JSONMember("build_ms", .double(buildMilliseconds)),
                JSONMember("index_bytes", .int(Int64(indexBytes))),
                JSONMember("rows", .array(rows.map { r in
                    .object([
                        JSONMember("target_selectivity", .double(r.targetSelectivity)),
                        JSONMember("filter", .string(r.filter)),
                        JSONMember("matches", .int(Int64(r.matches))),
                        JSONMember("actual_selectivity", .double(r.actualSelectivity)),
                        JSONMember("indexed_ms", .double(r.indexedMilliseconds)),
                        JSONMember("scan_ms", .double(r.scanMilliseconds)),
                        JSONMember("speedup", .double(r.speedup)),
                        JSONMember("agrees_with_scan", .bool(r.agrees)),
                    ])
                })),
            ])
        }
    }

    /// Records like `make_synth.py`'s, from a fixed seed.
    public static func syntheticRecords(count: Int, seed: UInt64 = 42) -> [JSONValue] {
        let cats = ["books", "music", "garden", "tools", "toys", "food", "sports", "health", "auto", "office",
                    "beauty", "games", "travel", "pets", "home", "art", "science", "kids", "fashion", "tech"]
        let countries = ["US", "DE", "FR", "JP", "BR", "IN", "GB", "CA", "ES", "IT", "SE", "KR"]
        let syllables = ["ka", "lo", "mi", "ter", "san", "vo", "ril", "den", "pa", "qu", "bel", "tor"]
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        return (0..<count).map { i in
            // lognormal(3, 1) by Box-Muller, rounded to cents
            let normal = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform())
            let price = (exp(3 + normal) * 100).rounded() / 100
            var tags = Set<Int>()
            for _ in 0..<(1 + below(4)) { tags.insert(below(50)) }
            let name = (0..<2).map { _ in syllables[below(12)] + syllables[below(12)] }.joined(separator: " ")
            let meta: JSONValue = .object([
                JSONMember("year", .int(Int64(1990 + below(36)))),
                JSONMember("price", .double(price)),
                JSONMember("category", .string(cats[below(20)])),
                JSONMember("tags", .array(tags.sorted().map { .string("tag\($0)") })),
                JSONMember("author", .object([JSONMember("country", .string(countries[below(12)])), JSONMember("name", .string(name))])),
            ])
            return .object([JSONMember("id", .string("d\(i)")), JSONMember("title", .string("doc \(i)")), JSONMember("metadata", meta)])
        }
    }

    /// Builds the path index over `count` synthetic records and times each filter `repeats` times.
    /// Filters: `metadata.price < q` with q the price quantile of each target selectivity, and a
    /// mixed filter (category, year range, tags) near 0.1 %.
    public static func run(count: Int = 1_000_000, selectivities: [Double] = [0.001, 0.01, 0.1, 0.5],
                           repeats: Int = 5) -> Report {
        let records = syntheticRecords(count: count)
        let row: (UInt32) -> JSONValue = { records[Int($0)] }
        var index: PathIndex!
        let buildMs = milliseconds { index = PathIndex.build(count: count, record: row) }
        let indexed = IndexedFilterExecutor(index: index, record: row)
        let scan = ScanFilterExecutor(count: count, record: row)
        let prices = records.compactMap { $0["metadata"]?["price"]?.doubleValue }.sorted()
        var filters: [(Double, String)] = selectivities.map { s in
            let q = prices[min(prices.count - 1, Int(Double(prices.count) * s))]
            return (s, "metadata.price < \(JSONValue.format(q))")
        }
        filters.append((0.001, "metadata.category == \"books\" and metadata.year between 2000 and 2006 and json_contains(metadata.tags, \"tag7\")"))
        var rows: [Row] = []
        for (target, text) in filters {
            guard let q = try? FilterQuery.parse(text, catalog: index.catalog) else { continue }
            var matches = 0
            let fast = median((0..<repeats).map { _ in milliseconds { matches = indexed.execute(q).count } })
            var scanned = 0
            let slow = median((0..<max(1, repeats / 2)).map { _ in milliseconds { scanned = scan.execute(q).count } })
            rows.append(Row(targetSelectivity: target, filter: text, matches: matches,
                            actualSelectivity: Double(matches) / Double(max(count, 1)),
                            indexedMilliseconds: fast, scanMilliseconds: slow, agrees: scanned == matches))
        }
        return Report(records: count, buildMilliseconds: buildMs, indexBytes: index.serialized().count, rows: rows)
    }

    public static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    public static func milliseconds(_ body: () -> Void) -> Double {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_MONOTONIC, &a)
        body()
        clock_gettime(CLOCK_MONOTONIC, &b)
        return Double(b.tv_sec - a.tv_sec) * 1e3 + Double(b.tv_nsec - a.tv_nsec) / 1e6
    }
}
