import Foundation
import QuarryBase
import QuarryText
import Testing
@testable import QuarryLexical

/// The SciFact sample of the repository (what `make run` opens), three levels above this file.
let sampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Samples/scifact")

/// The lines of a file; a `.gz` file is decompressed by the system's `gzip` (this target links
/// no zlib: the engine reads gzip in its storage layer).
func readLines(_ url: URL) -> [String]? {
    let data: Data
    if url.pathExtension == "gz" {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-dc", url.path]
        let out = Pipe()
        gzip.standardOutput = out
        guard (try? gzip.run()) != nil else { return nil }
        data = out.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0 else { return nil }
    } else {
        guard let d = FileManager.default.contents(atPath: url.path) else { return nil }
        data = d
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// nDCG@k with trec_eval's definition: gain = grade, discount log2(rank + 1), ideal from all
/// judged relevant documents (grade > 0).
func ndcg(ranked: [String], qrels: [String: Int], k: Int) -> Double {
    var dcg = 0.0
    for (i, id) in ranked.prefix(k).enumerated() { dcg += Double(qrels[id] ?? 0) / log2(Double(i + 2)) }
    let ideal = qrels.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
    var idcg = 0.0
    for (i, g) in ideal.enumerated() { idcg += Double(g) / log2(Double(i + 2)) }
    return idcg > 0 ? dcg / idcg : 0
}

struct SciFact {
    var ids: [String] = []
    var index: LexicalIndex
    var queries: [(id: String, text: String)] = []
    var qrels: [String: [String: Int]] = [:]

    static func load() throws -> SciFact? {
        let dir = sampleFolder
        guard let corpus = readLines(dir.appendingPathComponent("corpus.jsonl.gz")),
              let queryLines = readLines(dir.appendingPathComponent("queries.jsonl.gz")),
              let qrelLines = readLines(dir.appendingPathComponent("qrels/test.tsv")) else { return nil }
        var ids: [String] = []
        var docs: [(ordinal: UInt32, fields: [String?])] = []
        for line in corpus {
            let v = try JSONParser.parse(line)
            docs.append((UInt32(ids.count), [v["title"]?.stringValue, v["text"]?.stringValue]))
            ids.append(v["_id"]?.stringValue ?? "")
        }
        var index = try LexicalIndex(fields: ["title", "text"], analyzer: .english)
        try index.add(docs)
        var s = SciFact(ids: ids, index: index)
        for line in qrelLines.dropFirst() {
            let p = line.split(separator: "\t").map(String.init)
            guard p.count == 3, let g = Int(p[2]) else { continue }
            s.qrels[p[0], default: [:]][p[1]] = g
        }
        for line in queryLines {
            let v = try JSONParser.parse(line)
            if let id = v["_id"]?.stringValue, s.qrels[id] != nil { s.queries.append((id, v["text"]?.stringValue ?? "")) }
        }
        return s
    }

    /// Mean nDCG@10. Query text is searched as words (any may match). (Latency is measured by
    /// `quarry eval --mode bm25 --algorithm A`, not here.)
    func evaluate(_ options: LexicalSearchOptions) throws -> Double {
        var total = 0.0
        for q in queries {
            // Plain words: strip the MATCH operators out of natural-language queries.
            let r = try index.search(MatchQuery.words(q.text), options: options)
            total += ndcg(ranked: r.hits.map { ids[Int($0.id)] }, qrels: qrels[q.id] ?? [:], k: 10)
        }
        return total / Double(queries.count)
    }
}

#if DEBUG
let isReleaseBuild = false
#else
let isReleaseBuild = true
#endif

/// Release builds only (`swift test -c release`): a debug build takes over a minute here.
@Test(.enabled(if: isReleaseBuild, "SciFact runs in release builds"))
func sciFactNDCG() throws {
    guard let s = try SciFact.load() else {
        Issue.record("SciFact not found under \(sampleFolder.path)")
        return
    }
    #expect(s.queries.count == 300)
    let anserini = try s.evaluate(LexicalSearchOptions(k: 10))
    for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore, .exhaustive] {
        #expect(abs(try s.evaluate(LexicalSearchOptions(k: 10, algorithm: algorithm)) - anserini) < 1e-9, "\(algorithm)")
    }
    // BM25F beats summing BM25 per field on SciFact (0.682 against 0.662, README).
    #expect(try s.evaluate(LexicalSearchOptions(k: 10, rule: .sumOfFields)) < anserini)
    #expect(anserini >= 0.665)
    // Pruning returns the exhaustive answer on real data too.
    for q in s.queries.prefix(30) {
        let exact = try s.index.search(q.text.filter { $0 != "\"" && $0 != "*" }, options: .init(k: 10, algorithm: .exhaustive))
        for algorithm in [PruningAlgorithm.blockMaxWAND, .maxScore] {
            let fast = try s.index.search(q.text.filter { $0 != "\"" && $0 != "*" }, options: .init(k: 10, algorithm: algorithm))
            expectSameHits(fast, exact, q.text)
        }
    }
}
