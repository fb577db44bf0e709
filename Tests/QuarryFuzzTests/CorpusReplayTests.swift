import Foundation
import Testing
@testable import QuarryFuzz

/// Every committed fuzz input — the seed corpora and each input the fuzzer once crashed on
/// (`Fuzz/regressions/<target>/`) — replayed through the same target the libFuzzer driver
/// runs. A defect that comes back traps here, in `make test`, without a fuzz build.
@Suite struct CorpusReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").path

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [String] {
        let folder = "\(fuzzFolder)/\(kind)/\(target.rawValue)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedCorpusReplays(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target.rawValue) has no seeds")
        for path in seeds { target.run(try Data(contentsOf: URL(fileURLWithPath: path)).map { $0 }) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func crashRegressionsReplay(_ target: FuzzTarget) throws {
        for path in Self.inputs("regressions", target) { target.run(try Data(contentsOf: URL(fileURLWithPath: path)).map { $0 }) }
    }

    /// The segment seeds are made by the engine; the committed ones still open as what they
    /// are (so a format change that leaves them stale is noticed and they are made again).
    @Test func committedSegmentSeedsStillOpen() throws {
        let made = try FuzzTarget.madeSeeds()
        #expect(made.map(\.name) == ["chunk", "ids", "hnsw", "hnsw_sq", "ivf_flat", "ivf_sq8", "ivf_rabitq"])
        for (name, _) in made {
            let path = "\(Self.fuzzFolder)/corpus/segment/\(name).qseg"
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).map { $0 }
            #expect(FuzzSegments.opens(bytes), "\(name).qseg no longer opens: run `make fuzz-seeds`")
        }
    }

    /// The checksum fix-up leaves a well-formed segment as it is.
    @Test func checksumFixUpKeepsGoodSegments() throws {
        for (name, bytes) in try FuzzTarget.madeSeeds() {
            #expect(FuzzSegments.withChecksums(bytes) == bytes, "\(name)")
        }
    }
}
