import Foundation
import QuarryEval

/// Deterministic synthetic records for benchmarks, shaped like the peers' `make_synth.py`:
/// pseudo-English text from a Zipfian vocabulary and metadata with year, price, category,
/// tags and a nested author.
public struct SyntheticCorpus {
    public var seed: UInt64
    public init(seed: UInt64 = 42) { self.seed = seed }

    /// The evaluation lab's SplitMix64: small, fast, reproducible across platforms.
    public typealias RNG = SplitMix64

    static let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "ri", "do", "fe", "gu", "ha"]
    static let categories = ["books", "music", "garden", "tools", "toys", "food", "health", "sports", "auto", "office"]
    static let countries = ["de", "fr", "jp", "us", "br", "in", "ng", "se"]

    /// 5,000 pseudo-words made of syllables, most frequent first.
    static func vocabulary() -> [String] {
        (0..<5000).map { i -> String in
            var w = ""
            var x = i
            repeat { w += Self.syllables[x % Self.syllables.count]; x /= Self.syllables.count } while x > 0
            return w
        }
    }

    /// Writes `count` JSONL records to `path`.
    public func writeJSONL(count: Int, to path: String) throws {
        var rng = RNG(seed: seed)
        let vocabulary = Self.vocabulary()
        // Zipf-like: draw an index by inverting a power law.
        func word() -> String {
            let u = Double(rng.next() % 1_000_000) / 1_000_000
            return vocabulary[min(vocabulary.count - 1, Int(pow(Double(vocabulary.count), u)) - 1)]
        }
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        var buffer = ""
        for i in 0..<count {
            let title = (0..<5).map { _ in word() }.joined(separator: " ")
            let text = (0..<40).map { _ in word() }.joined(separator: " ")
            let year = 1990 + Int(rng.next() % 35)
            let price = Double(rng.next() % 100_000) / 100
            let category = Self.categories[Int(rng.next() % UInt64(Self.categories.count))]
            let tags = (0..<Int(rng.next() % 4)).map { _ in "\"t\(rng.next() % 50)\"" }.joined(separator: ",")
            let country = Self.countries[Int(rng.next() % UInt64(Self.countries.count))]
            buffer += "{\"_id\":\"d\(i)\",\"title\":\"\(title)\",\"text\":\"\(text)\",\"year\":\(year),\"price\":\(price),"
                + "\"category\":\"\(category)\",\"tags\":[\(tags)],\"author\":{\"country\":\"\(country)\",\"name\":\"a\(rng.next() % 1000)\"}}\n"
            if buffer.utf8.count > 1 << 20 { h.write(Data(buffer.utf8)); buffer = "" }
        }
        h.write(Data(buffer.utf8))
        try h.close()
    }
}
