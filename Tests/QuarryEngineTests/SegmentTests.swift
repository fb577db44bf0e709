import Foundation
import QuarryStorage
import Testing
@testable import QuarryEngine

/// Segment files at the workbench level: growing and sealed parts answer as a full rebuild
/// does, deletes are honoured everywhere, multi-part files read like single ones, damage is
/// reported naming the file, and a re-index leaves no orphan files.
@Suite(.serialized) struct SegmentTests {
    /// Writes `count` records (ids from `first`) with 8-d vectors as JSONL + fbin in `dir`.
    static func batch(_ dir: String, name: String, first: Int, count: Int, seed: UInt64) throws -> (corpus: String, fbin: String) {
        var rng = SyntheticCorpus.RNG(seed: seed)
        var lines: [String] = []
        var vectors: [Float] = []
        for i in first..<(first + count) {
            let topic = i % 4
            let title = (0..<3).map { _ in Fixture.words[topic * 4 + Int(rng.next() % 4)] }.joined(separator: " ")
            let text = (0..<10).map { _ in Fixture.words[Int(rng.next() % UInt64(Fixture.words.count))] }.joined(separator: " ")
            lines.append("{\"_id\":\"d\(i)\",\"title\":\"\(title)\",\"text\":\"\(text)\",\"metadata\":{\"topic\":\(topic)}}")
            for j in 0..<8 { vectors.append((j / 2 == topic ? 1 : 0) + Float(Int(rng.next() % 1000)) / 3000) }
        }
        let corpus = "\(dir)/\(name).jsonl", fbin = "\(dir)/\(name).fbin"
        try lines.joined(separator: "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        try VectorFile(count: count, dimension: 8, values: vectors).fbinData().write(to: URL(fileURLWithPath: fbin))
        return (corpus, fbin)
    }

    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "quarry-segments-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func importBatch(_ wb: Workbench, _ files: (corpus: String, fbin: String)) throws {
        var o = ImportOptions(path: files.corpus, collection: "c")
        o.vectors = files.fbin
        _ = try Importer(database: wb.database, options: o).run()
        wb.invalidate()
    }

    static func hits(_ wb: Workbench, _ statement: String) throws -> [String] {
        guard case let .search(r) = try wb.execute(statement) else { return [] }
        return r.hits.map { "\($0.id):\(String(format: "%.5f", $0.score))" }
    }

    static let queries = ["vitamin bone", "cancer tumor microrna", "sleep memory brain", "heart risk insulin diabetes", "knee"]

    /// Records imported after the indexes were built are a growing part: BM25 answers equal a
    /// full rebuild's exactly (global statistics), FLAT answers equal, and the HNSW + growing
    /// merge finds the exact neighbours.
    @Test func growingPlusSealedEqualsFullRebuild() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try Self.importBatch(wb, try Self.batch(dir, name: "a", first: 0, count: 300, seed: 1))
        try wb.buildLexicalIndex(collection: "c")
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: ["M": "8", "ef_construction": "64"])
        try Self.importBatch(wb, try Self.batch(dir, name: "b", first: 300, count: 120, seed: 2))
        try Self.importBatch(wb, try Self.batch(dir, name: "c", first: 420, count: 80, seed: 3))

        var growing: [[String]] = [], exact: [[String]] = []
        for q in Self.queries {
            growing.append(try Self.hits(wb, "SEARCH c MATCH '\(q)' LIMIT 20"))
            exact.append(try Self.hits(wb, "SEARCH c NEAR DOC 'd\(q.count * 7)' USING flat LIMIT 10"))
        }
        let plan = try wb.execute("EXPLAIN SEARCH c NEAR DOC 'd1' LIMIT 10")
        guard case let .explain(r, _) = plan else { Issue.record("no plan"); return }
        #expect(r.plan.render(analyze: false).contains("growing 200 rows in 2 chunk(s)"))
        var approximate: [[String]] = []
        for q in Self.queries {
            approximate.append(try Self.hits(wb, "SEARCH c NEAR DOC 'd\(q.count * 7)' WITH (ef = 200) LIMIT 10"))
        }
        #expect(approximate == exact)

        // The same collection, every index rebuilt: the answers do not move.
        try wb.buildLexicalIndex(collection: "c")
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: ["M": "8", "ef_construction": "64"])
        for (i, q) in Self.queries.enumerated() {
            #expect(try Self.hits(wb, "SEARCH c MATCH '\(q)' LIMIT 20") == growing[i], "\(q)")
            #expect(try Self.hits(wb, "SEARCH c NEAR DOC 'd\(q.count * 7)' USING flat LIMIT 10") == exact[i], "\(q)")
        }
        let sealed = try wb.execute("EXPLAIN SEARCH c NEAR DOC 'd1' LIMIT 10")
        guard case let .explain(r2, _) = sealed else { return }
        #expect(!r2.plan.render(analyze: false).contains("growing"))
        // A new process (workbench) reads the same from the files.
        let again = try Workbench(path: dir + "/q.db")
        for (i, q) in Self.queries.enumerated() {
            #expect(try Self.hits(again, "SEARCH c MATCH '\(q)' LIMIT 20") == growing[i])
        }
        // Deletes in both parts: tombstones every branch honours.
        try Self.importBatch(again, try Self.batch(dir, name: "d", first: 500, count: 50, seed: 9))
        _ = try again.database.delete(collection: "c", ids: ["d5", "d310", "d520"])
        again.invalidate()
        for q in Self.queries {
            let ids = try Self.hits(again, "SEARCH c MATCH '\(q)' NEAR DOC 'd\(q.count * 7)' LIMIT 50").map { $0.split(separator: ":")[0] }
            #expect(!ids.contains("d5") && !ids.contains("d310") && !ids.contains("d520"))
        }
    }

    /// Every index type and filter strategy leaves deleted records out.
    @Test(arguments: ["hnsw", "hnsw_sq", "ivf_flat", "ivf_sq8", "ivf_rabitq", "flat"])
    func deletesAreHonoured(_ type: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try Self.importBatch(wb, try Self.batch(dir, name: "a", first: 0, count: 400, seed: 4))
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: type, parameters: type.hasPrefix("ivf") ? ["nlist": "8"] : [:])
        let gone = (0..<400).filter { $0 % 3 == 0 }.map { "d\($0)" }
        _ = try wb.database.delete(collection: "c", ids: gone)
        wb.invalidate()
        let removed = Set(gone)
        for q in 0..<8 {
            for extra in ["", " WHERE metadata.topic = 1", " WITH (filter_strategy = 'post_filter') WHERE metadata.topic < 3"] {
                let ids = try Self.hits(wb, "SEARCH c NEAR DOC 'd\(q * 3 + 1)'\(extra) LIMIT 30").map { String($0.split(separator: ":")[0]) }
                #expect(!ids.isEmpty)
                #expect(ids.allSatisfy { !removed.contains($0) }, "\(type)\(extra)")
            }
        }
    }

    /// With a part limit of two pages, every segment is split over many files; the answers are
    /// those of the single-file segments.
    @Test func multiPartSegmentsAnswerAlike() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try Self.batch(dir, name: "a", first: 0, count: 500, seed: 5)
        func answers(_ path: String) throws -> [[String]] {
            let wb = try Workbench(path: path)
            try Self.importBatch(wb, files)
            try wb.buildLexicalIndex(collection: "c")
            try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: ["M": "8"])
            let reopened = try Workbench(path: path)
            return try Self.queries.flatMap { q in
                [try Self.hits(reopened, "SEARCH c MATCH '\(q)' LIMIT 10"),
                 try Self.hits(reopened, "SEARCH c NEAR DOC 'd\(q.count)' LIMIT 10"),
                 try Self.hits(reopened, "SEARCH c MATCH '\(q)' WHERE metadata.topic = 2 LIMIT 10")]
            }
        }
        let single = try answers(dir + "/single.db")
        setenv("QUARRY_SEGMENT_PART_LIMIT", "8192", 1)
        defer { unsetenv("QUARRY_SEGMENT_PART_LIMIT") }
        let multi = try answers(dir + "/multi.db")
        #expect(multi == single)
        let parts = try FileManager.default.contentsOfDirectory(atPath: dir + "/multi.db.segments").filter { $0.hasSuffix(".qseg") }
        #expect(parts.count > 10)
        #expect(parts.contains { $0.contains(".p3.") })
        let report = try Workbench(path: dir + "/multi.db").check()
        #expect(report.ok, "\(report.json.jsonText)")
    }

    /// A flipped byte in a header is reported when the index opens, naming the file and the
    /// command that rebuilds it; one in a body is found by `check`. Nothing crashes.
    @Test func damageIsReportedNamingTheFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try Self.importBatch(wb, try Self.batch(dir, name: "a", first: 0, count: 300, seed: 6))
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: [:])
        let seg = try wb.database.segments(collection: "c", owner: "vector:embedding")[0]
        let path = wb.database.paths(of: seg)[0]
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        var header = original
        header[30] ^= 0xFF
        try header.write(to: URL(fileURLWithPath: path))
        let fresh = try Workbench(path: dir + "/q.db")
        do {
            _ = try fresh.execute("SEARCH c NEAR DOC 'd1' LIMIT 5")
            Issue.record("a damaged header was not reported")
        } catch {
            let text = "\(error)"
            #expect(text.contains(seg.files[0]))
            #expect(text.contains("rebuild it with: quarry index --collection c --vector embedding --type hnsw"))
        }

        var body = original
        body[SegmentFormat.alignment + 100] ^= 0xFF
        try body.write(to: URL(fileURLWithPath: path))
        let report = try Workbench(path: dir + "/q.db").check()
        #expect(!report.ok)
        #expect(report.findings.contains { !$0.ok && $0.detail.contains("checksum") && $0.what.contains(seg.files[0]) })
        // Rebuilding mends it.
        try Workbench(path: dir + "/q.db").buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: [:])
        #expect(try Workbench(path: dir + "/q.db").check().ok)
    }

    /// Searches read BM25 postings in place without checking the body's checksum (that reads
    /// the whole file): a flipped byte anywhere in a BM25 segment gives an answer or an error
    /// naming the file and the command that rebuilds the index — never a crash.
    @Test func flippedBytesInABM25BodyGiveAnErrorNotACrash() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try Self.importBatch(wb, try Self.batch(dir, name: "a", first: 0, count: 600, seed: 8))
        try wb.buildLexicalIndex(collection: "c")
        let seg = try wb.database.segments(collection: "c", owner: "bm25")[0]
        let path = wb.database.paths(of: seg)[0]
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        let statements = Self.queries.map { "SEARCH c MATCH '\($0)' LIMIT 10" }
            + ["SEARCH c MATCH '\"vitamin bone\"' LIMIT 10", "SEARCH c MATCH 'vitamin -bone' WITH (bm25_algorithm = exhaustive) LIMIT 10"]
        var errors = 0
        var offset = SegmentFormat.alignment
        while offset < size {
            try handle.seek(toOffset: UInt64(offset))
            let byte = try #require(handle.readData(ofLength: 1).first)
            try handle.seek(toOffset: UInt64(offset))
            handle.write(Data([byte ^ 0x5A]))
            let fresh = try Workbench(path: dir + "/q.db")
            for statement in statements {
                do {
                    _ = try fresh.execute(statement)
                } catch {
                    errors += 1
                    #expect("\(error)".contains(seg.files[0]), "\(error)")
                }
            }
            try handle.seek(toOffset: UInt64(offset))
            handle.write(Data([byte]))
            offset += 97
        }
        #expect(errors > 0)
        #expect(try Workbench(path: dir + "/q.db").check().ok)
    }

    /// Re-indexing replaces files; files no catalog row names (a write that never committed)
    /// are gone after the next writer opens the database.
    @Test func replacedAndOrphanFilesAreRemoved() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try Self.importBatch(wb, try Self.batch(dir, name: "a", first: 0, count: 200, seed: 8))
        try wb.buildLexicalIndex(collection: "c")
        try wb.buildLexicalIndex(collection: "c")
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "ivf_flat", parameters: [:])
        try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: [:])
        let folder = wb.database.segmentFolder
        let named = Set(try wb.database.segments(collection: "c").flatMap(\.files))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == named)
        FileManager.default.createFile(atPath: folder + "/c-bm25-dead.p0.qseg", contents: Data([1, 2, 3]))
        FileManager.default.createFile(atPath: folder + "/c-bm25-dead.p0.qseg.tmp", contents: Data([1, 2, 3]))
        _ = try Workbench(path: dir + "/q.db")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == named)
        try wb.database.drop(collection: "c")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}

/// Tiered vectors: HNSW_SQ and IVF_RABITQ with float32 refine keep codes in memory and read
/// the float32 rows from the mapped vector file only to re-rank, which EXPLAIN ANALYZE counts.
@Suite struct TieredTests {
    @Test(arguments: [("hnsw_sq", [String: String]()), ("ivf_rabitq", ["nlist": "8", "refine_type": "fp32"])])
    func codesInMemoryFloatsFromTheFile(_ type: String, _ params: [String: String]) throws {
        let dir = try SegmentTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wb = try Workbench(path: dir + "/q.db")
        try SegmentTests.importBatch(wb, try SegmentTests.batch(dir, name: "a", first: 0, count: 600, seed: 12))
        let report = try wb.buildVectorIndex(collection: "c", field: "embedding", type: type, parameters: params)
        guard case let .explain(r, _) = try wb.execute("EXPLAIN ANALYZE SEARCH c NEAR DOC 'd3' LIMIT 10") else { Issue.record("no plan"); return }
        let plan = r.plan.render(analyze: true)
        #expect(plan.contains("Full vectors read"), "\(plan)")
        #expect(plan.contains("Recall@10 vs exact: 1.00"), "\(plan)")
        let index = try #require(try wb.summaries().first?.indexes.first { $0.name == "vector:embedding" })
        let resident = try #require(index.residentBytes)
        // The float32 rows (600 × 8 × 4 bytes) are not resident: codes and graph or lists are.
        #expect(resident < report.memoryBytes + 600 * 8 * 4 && resident > 0)
        #expect(index.kind == type)
    }
}
