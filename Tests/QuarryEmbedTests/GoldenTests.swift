import Foundation
import Testing
@testable import QuarryEmbed

/// The fixtures of Tests/Fixtures/minilm: token ids and embeddings of sentence-transformers.
@Suite struct GoldenTests {
    @Test func tokenIDsMatchTheOfficialTokenizer() throws {
        guard let embedder = requireEmbedder() else { return }
        let cases = try goldenCases()
        #expect(cases.count == 41)
        for c in cases {
            let ids = embedder.tokenizer.encode(c.text)
            #expect(ids == c.inputIDs, "token ids of \(c.text.debugDescription)")
            #expect(embedder.tokenizer.tokens(ids) == c.tokens)
        }
    }

    @Test func embeddingsMatchWithin1e5() throws {
        guard let embedder = requireEmbedder() else { return }
        let cases = try goldenCases()
        let vectors = embedder.embed(cases.map(\.text), batchSize: 8)
        for (c, v) in zip(cases, vectors) {
            #expect(v.count == 384)
            let diff = maxAbsDifference(v, c.embedding)
            #expect(diff < 1e-5, "max |Δ| = \(diff) for \(c.text.debugDescription)")
        }
    }

    /// Packing sequences of different lengths into one batch gives the vectors of one at a time.
    @Test func batchingDoesNotChangeVectors() throws {
        guard let embedder = requireEmbedder() else { return }
        let texts = ["", "short", "a somewhat longer sentence about microRNA and cancer", "Ünïcödé ünd Ελληνικά"]
        let batched = embedder.embed(texts, batchSize: 4)
        for (t, v) in zip(texts, batched) {
            #expect(maxAbsDifference(embedder.embed(t), v) < 1e-6)
        }
    }

    /// Batches spread over two threads give the vectors of one thread, in the order of the texts.
    @Test func threadsDoNotChangeVectors() throws {
        guard let embedder = requireEmbedder() else { return }
        let texts = (0..<23).map { i in (0...(i % 7)).map { "word\($0 * i) cells protein" }.joined(separator: " ") }
        let ids = texts.map { embedder.tokenizer.encode($0) }
        let serial = try ids.map { try embedder.embedFlat(tokenIDs: [$0], batchSize: 1, threads: 1, progress: { _, _ in }) }
        let parallel = try embedder.embedFlat(tokenIDs: ids, batchSize: 3, threads: 2, progress: { _, _ in })
        #expect(parallel.count == 23 * 384)
        for (i, v) in serial.enumerated() {
            #expect(maxAbsDifference(v, Array(parallel[(i * 384)..<((i + 1) * 384)])) < 1e-6, "text \(i)")
        }
    }

    /// The similarities printed in the sentence-transformers README for all-MiniLM-L6-v2.
    @Test func readmeSimilaritiesReproduceTo4Decimals() {
        guard let embedder = requireEmbedder() else { return }
        let e = embedder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
        func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
        #expect(rounded(dot(e[0], e[1])) == 0.6660)
        #expect(rounded(dot(e[0], e[2])) == 0.1046)
        #expect(rounded(dot(e[1], e[2])) == 0.1411)
    }

    @Test func progressReportsEveryBatchAndCanStop() throws {
        guard let embedder = requireEmbedder() else { return }
        var seen: [Int] = []
        _ = embedder.embed(["a", "b", "c", "d", "e"], batchSize: 2) { done, total in
            #expect(total == 5)
            seen.append(done)
        }
        // After each batch; with several threads batches may finish out of order (sizes 2, 2, 1).
        #expect(seen.count == 3 && seen.last == 5 && seen == seen.sorted() && (seen == [2, 4, 5] || seen == [2, 3, 5]))
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try embedder.embedFlat(["a", "b", "c"], batchSize: 1) { done, _ in if done == 2 { throw Stop() } }
        }
    }
}

/// A few rows of the vectors Samples/scifact ships (made by this embedder) against fresh embeddings.
@Suite struct SciFactTests {
    @Test func corpusRowsMatchFreshEmbeddings() throws {
        try check(fbin: "corpus.fbin", jsonl: "corpus.jsonl.gz", rows: [0, 1, 2, 1000, 5182], count: 5183) { doc in
            (doc["title"]?.stringValue ?? "") + " " + (doc["text"]?.stringValue ?? "")
        }
    }

    @Test func queryRowsMatchFreshEmbeddings() throws {
        try check(fbin: "queries.fbin", jsonl: "queries.jsonl.gz", rows: [0, 1, 500, 1108], count: 1109) { doc in
            doc["text"]?.stringValue ?? ""
        }
    }

    private func check(fbin name: String, jsonl: String, rows: [Int], count: Int, text: (QuarryBase.JSONValue) -> String) throws {
        guard let embedder = requireEmbedder() else { return }
        let folder = packageRoot + "/Samples/scifact"
        let fbin = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        let (n, d) = fbin.withUnsafeBytes { ($0.loadUnaligned(as: Int32.self), $0.loadUnaligned(fromByteOffset: 4, as: Int32.self)) }
        #expect(n == count && d == 384)
        let lines = try gunzip(folder + "/" + jsonl).split(separator: "\n")
        #expect(lines.count == count)
        let texts = try rows.map { text(try QuarryBase.JSONParser.parse(String(lines[$0]))) }
        let fresh = embedder.embed(texts)
        for (k, i) in rows.enumerated() {
            let stored: [Float] = fbin.withUnsafeBytes { raw in
                (0..<384).map { raw.loadUnaligned(fromByteOffset: 8 + (i * 384 + $0) * 4, as: Float.self) }
            }
            let diff = maxAbsDifference(fresh[k], stored)
            #expect(diff < 1e-5, "\(name) row \(i): max |Δ| = \(diff)")
        }
    }

    private func gunzip(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-dc", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
