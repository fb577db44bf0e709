import Foundation
@testable import QuarryEngine

/// A small deterministic collection with text, 8-dimensional vectors in 4 clusters and
/// metadata, with BM25, HNSW and path indexes built: the ground for plan and execution tests.
enum Fixture {
    static let words = ["vitamin", "bone", "fracture", "cancer", "microrna", "tumor", "running", "knee",
                        "injury", "sleep", "memory", "brain", "insulin", "diabetes", "heart", "risk"]

    /// The fixture with a query set: 10 queries (a record's title words), each judging that
    /// record relevant, with the record's vector as the query's vector.
    static func makeWithQuerySet(records n: Int = 400) throws -> (Workbench, String) { try make(records: n, querySet: true) }

    static func make(records n: Int = 400, querySet: Bool = false) throws -> (Workbench, String) {
        let dir = NSTemporaryDirectory() + "quarry-engine-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SyntheticCorpus.RNG(seed: 7)
        var lines: [String] = []
        var vectors: [Float] = []
        for i in 0..<n {
            let topic = i % 4
            let title = (0..<3).map { _ in words[topic * 4 + Int(rng.next() % 4)] }.joined(separator: " ")
            let text = (0..<12).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            let year = 2000 + Int(rng.next() % 20)
            let section = ["utils", "science", "games", "libs"][Int(rng.next() % 4)]
            lines.append("{\"_id\":\"d\(i)\",\"title\":\"\(title)\",\"text\":\"\(text)\",\"metadata\":{\"year\":\(year),\"section\":\"\(section)\",\"topic\":\(topic)}}")
            for j in 0..<8 {
                let center: Float = j / 2 == topic ? 1 : 0
                vectors.append(center + Float(Int(rng.next() % 1000)) / 4000)
            }
        }
        try FileManager.default.createDirectory(atPath: dir + "/beir/qrels", withIntermediateDirectories: true)
        let corpus = dir + "/beir/corpus.jsonl"
        try lines.joined(separator: "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        let fbin = dir + "/v.fbin"
        try Fbin.write(vectors, dimension: 8, path: fbin)
        let wb = try Workbench(path: dir + "/q.db")
        var o = ImportOptions(path: querySet ? dir + "/beir" : corpus, collection: "papers")
        o.vectors = fbin
        if querySet {
            var queries = "", qrels = "query-id\tcorpus-id\tscore\n", queryVectors: [Float] = []
            for q in 0..<10 {
                let i = q * (n / 10)
                let title = try JSONParser.parse(lines[i])["title"]?.stringValue ?? ""
                queries += JSONValue.object([JSONMember("_id", .string("q\(q)")), JSONMember("text", .string(title))]).jsonText + "\n"
                qrels += "q\(q)\td\(i)\t1\n"
                queryVectors += vectors[(i * 8)..<((i + 1) * 8)]
            }
            try queries.write(toFile: dir + "/beir/queries.jsonl", atomically: true, encoding: .utf8)
            try qrels.write(toFile: dir + "/beir/qrels/test.tsv", atomically: true, encoding: .utf8)
            try Fbin.write(queryVectors, dimension: 8, path: dir + "/q.fbin")
            o.queryVectors = dir + "/q.fbin"
        }
        try wb.importRecords(o)
        try wb.buildLexicalIndex(collection: "papers")
        try wb.buildVectorIndex(collection: "papers", field: "embedding", type: "hnsw", parameters: ["M": "8", "ef_construction": "64"])
        return (wb, dir)
    }

    /// Timings replaced by `#`, so plans can be snapshotted.
    static func mask(_ text: String) -> String {
        var s = text
        for (pattern, template) in [(#"actual time=[0-9.]+\.\.[0-9.]+"#, "actual time=#"),
                                    (#"(Planning|Execution) time: [0-9.]+ ms"#, "$1 time: # ms"),
                                    (#"(exhaustive|exact branch): [0-9.]+ ms"#, "$1: # ms")] {
            let re = try! NSRegularExpression(pattern: pattern)
            s = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
        }
        return s
    }

    /// Compares `text` with the snapshot file `name`; `QUARRY_UPDATE_SNAPSHOTS=1` rewrites it.
    static func snapshot(_ text: String, _ name: String) throws -> (expected: String, actual: String) {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        let path = url.appendingPathComponent("Snapshots/\(name)").path
        if ProcessInfo.processInfo.environment["QUARRY_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no snapshot at \(path); run with QUARRY_UPDATE_SNAPSHOTS=1)"
        return (expected, text)
    }
}
