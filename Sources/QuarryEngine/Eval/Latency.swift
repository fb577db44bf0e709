#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Histogram

/// Nanoseconds of the monotonic clock (`CLOCK_MONOTONIC`): only differences mean anything.
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Runs `body` once and returns its value with the wall time it took on the monotonic clock.
/// Warm-up is the caller's: call `measure` and drop the first results.
public func measure<T>(_ body: () throws -> T) rethrows -> (value: T, nanoseconds: UInt64) {
    let start = monotonicNanoseconds()
    let value = try body()
    return (value, monotonicNanoseconds() - start)
}

/// Latency figures of a set of queries, in milliseconds, and the throughput.
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double
    /// The largest value recorded, exact (not rounded to the histogram's precision).
    public var maxMs: Double
    /// The exact mean of the values recorded.
    public var meanMs: Double
    /// Queries per second: `count` over the wall time given to `summary`, or over the sum of the
    /// recorded latencies when none was given (one query at a time).
    public var qps: Double

    public init(count: Int, p50Ms: Double, p95Ms: Double, p99Ms: Double, maxMs: Double, meanMs: Double, qps: Double) {
        self.count = count
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.maxMs = maxMs
        self.meanMs = meanMs
        self.qps = qps
    }
}

/// Per-query wall times kept in an HdrHistogram (Tene, "HdrHistogram: A High Dynamic Range
/// Histogram"): nanosecond values, 3 significant digits, so a percentile is within 0.1% of the
/// value recorded. Recorders of several threads combine with `merge`.
public struct LatencyRecorder: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    public private(set) var count = 0
    /// The sum of all values recorded, exact.
    public private(set) var totalNanoseconds: UInt64 = 0
    private var maxNanoseconds: UInt64 = 0

    public init() {}

    public mutating func record(nanoseconds: UInt64) {
        histogram.record(nanoseconds)
        count += 1
        totalNanoseconds &+= nanoseconds
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
    }

    /// Adds every value of `other` (e.g. another thread's recorder).
    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
        count += other.count
        totalNanoseconds &+= other.totalNanoseconds
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
    }

    /// The value at `percentile` (0–100) in milliseconds: the largest value that `percentile`% of
    /// the recorded values are at or below, to the histogram's precision. 0 when empty.
    public func percentileMs(_ percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    /// The summary; pass the wall time of the whole loop when queries ran on several threads.
    public func summary(wallSeconds: Double? = nil) -> LatencySummary {
        let wall = wallSeconds ?? Double(totalNanoseconds) / 1e9
        return LatencySummary(
            count: count,
            p50Ms: percentileMs(50), p95Ms: percentileMs(95), p99Ms: percentileMs(99),
            maxMs: Double(maxNanoseconds) / 1e6,
            meanMs: count == 0 ? 0 : Double(totalNanoseconds) / Double(count) / 1e6,
            qps: wall > 0 ? Double(count) / wall : 0)
    }
}
