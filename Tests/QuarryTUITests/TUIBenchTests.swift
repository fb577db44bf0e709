import Foundation
import QuarryEngine
import Testing
@testable import QuarryTUI

/// The keystroke benchmark drives the real screen manager off-screen: every key of the script is
/// timed and every query key waits for its answer.
@Suite struct TUIBenchTests {
    @Test func keyScriptOnASmallCollection() throws {
        let dir = NSTemporaryDirectory() + "quarry-tui-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticCorpus().writeJSONL(count: 500, to: dir + "/c.jsonl")
        try SyntheticCorpus().writeVectors(count: 500, dimension: 8, to: dir + "/c.fbin")
        let wb = try Workbench(path: dir + "/q.db")
        var o = ImportOptions(path: dir + "/c.jsonl", collection: "c")
        o.vectors = dir + "/c.fbin"
        try wb.importRecords(o)
        _ = try wb.buildLexicalIndex(collection: "c")
        _ = try wb.buildVectorIndex(collection: "c", field: "embedding", type: "hnsw", parameters: [:])

        var options = TUIBench.Options()
        options.rounds = 3
        let report = try TUIBench.run(workbench: wb, collection: "c", options: options)
        #expect(report["records"] == .int(500) && report["screen"] == .string("80x24") && report["rounds"] == .int(3))
        // Per round after the warm-up: 3 query keys (Enter, ←, →), typed characters and 10 other keys.
        #expect(report["key_to_answer"]?["count"] == .int(9), "\(report.prettyJSONText)")
        let keys = report["key_to_redraw"]?["count"]?.doubleValue ?? 0
        let kinds = ["typing", "moving", "parameter_change", "run_query"].map { report["by_kind"]?[$0]?["count"]?.doubleValue ?? 0 }
        #expect(kinds[1] == 27 && kinds[2] == 6 && kinds[3] == 3 && kinds.reduce(0, +) == keys, "\(report.prettyJSONText)")
        let p50 = report["key_to_redraw"]?["p50_ms"]?.doubleValue ?? 0, p99 = report["key_to_redraw"]?["p99_ms"]?.doubleValue ?? 0
        #expect(p50 > 0 && p50 <= p99)
    }
}
