import Foundation
import QuarryStorage

/// `quarry bench import`: import throughput of synthetic JSONL records (no vectors) into a fresh
/// database each time — the import's transaction alone, without the path index built after it.
public enum ImportBench {
    public static func run(records: Int, repeats: Int) throws -> JSONValue {
        let dir = NSTemporaryDirectory() + "quarry-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/synthetic.jsonl"
        try SyntheticCorpus().writeJSONL(count: records, to: input)
        let bytes = (try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
        var rates: [Double] = []
        for i in 0..<max(1, repeats) {
            let db = try QuarryDatabase(path: dir + "/bench\(i).db")
            let summary = try Importer(database: db, options: ImportOptions(path: input, collection: "synthetic")).run()
            rates.append(Double(summary.records) / summary.seconds)
        }
        let median = rates.sorted()[rates.count / 2]
        return .object([
            JSONMember("benchmark", "import"), JSONMember("records", .int(Int64(records))),
            JSONMember("input_bytes", .int(Int64(bytes))), JSONMember("repetitions", .int(Int64(rates.count))),
            JSONMember("records_per_s_median", .double(median.rounded())),
            JSONMember("records_per_s", .array(rates.map { .double($0.rounded()) })),
        ])
    }
}
