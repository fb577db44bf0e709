import Foundation
import QuarryBase
import QuarryEngine
import QuarryFilter
import QuarryStorage
import QuarryVector

/// The fuzz targets: each takes arbitrary bytes to one of Quarry's input surfaces and must
/// return — an error is a fine answer, a trap, a crash, a hang or an unbounded allocation is a
/// defect. The libFuzzer driver (`quarry-fuzz`, built by `make fuzz`) and the corpus replay
/// of the test suite (`QuarryFuzzTests`) call the same `run`, so every input the fuzzer ever
/// crashed on, committed under `Fuzz/regressions/<target>/`, stays a regression test.
///
/// Coverage-guided fuzzing as in libFuzzer (Serebryany 2016, "Continuous fuzzing with
/// libFuzzer and AddressSanitizer").
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The statement language: a script split into statements, each parsed and checked.
    case statement
    /// The filter language: parsed, printed, evaluated on a few records.
    case filter
    /// The JSON parser (every record of an import goes through it).
    case json
    /// A JSONL corpus, read as `import` reads it (lines, UTF-8, JSON, gzip when it is gzip).
    case jsonl
    /// A CSV corpus, read as `import --format csv` reads it.
    case csv
    /// An `.fbin` vector file's header and body.
    case fbin
    /// A `.npy` vector file's header and body.
    case npy
    /// A segment file (vector chunk, HNSW graph, IVF lists) opened, verified and searched;
    /// its checksums are recomputed first so the mutations reach the structural checks.
    case segment

    /// Runs one input; returns normally whatever the input is (errors are expected).
    public func run(_ data: [UInt8]) {
        switch self {
        case .statement: Self.statement(data)
        case .filter: Self.filter(data)
        case .json: _ = try? JSONParser.parse(bytes: data)
        case .jsonl: Self.records(data, csv: false)
        case .csv: Self.records(data, csv: true)
        case .fbin: Self.vectors(data, name: "fuzz.fbin")
        case .npy: Self.vectors(data, name: "fuzz.npy")
        case .segment: FuzzSegments.run(data)
        }
    }

    /// Seed inputs made by the engine itself (segment files), as (name, bytes).
    public static func madeSeeds() throws -> [(name: String, bytes: [UInt8])] { try FuzzSegments.seeds() }

    /// Where the driver and the replay keep per-process scratch files (a folder of its own).
    /// It is removed when the process exits normally.
    static let scratch: String = {
        let path = NSTemporaryDirectory() + "quarry-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzTarget.scratch) }
        return path
    }()

    /// A scratch path of its own for each call (the replay tests run in parallel), ending in `suffix`.
    static func scratchPath(_ suffix: String) -> String { scratch + "/" + UUID().uuidString + suffix }

    /// Runs `body` on a scratch file holding `data`, named to end in `suffix`, then removes it.
    static func withScratchFile<T>(_ suffix: String, _ data: [UInt8], _ body: (String) -> T) -> T {
        let path = scratchPath(suffix)
        FileManager.default.createFile(atPath: path, contents: Data(data))
        defer { unlink(path) }
        return body(path)
    }

    // MARK: - Languages

    private static func statement(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        _ = StatementScript.isComplete(text)
        for piece in StatementScript.pieces(text) {
            do {
                let s = try StatementParser.parse(piece.text)
                _ = "\(s)"
            } catch {
                _ = error.rendered
            }
        }
    }

    /// Records the filter target evaluates every parsed filter on.
    private static let records: [JSONValue] = [
        #"{"id":"a","year":2001,"tags":["x","y"],"score":0.5,"nested":{"k":[1,2,{"z":null}]},"flag":true}"#,
        #"{"id":"b","year":"2001","tags":[],"name":"é%_\\","flag":false,"n":-9223372036854775808}"#,
        #"{}"#,
    ].compactMap { try? JSONParser.parse($0) }

    private static func filter(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        guard let q = try? FilterQuery.parse(text) else { return }
        _ = q.description
        for r in records { _ = FilterSemantics.matches(q.expr, r) }
        _ = ScanFilterExecutor(count: records.count) { records[Int($0)] }.execute(q)
    }

    // MARK: - Files

    private static func records(_ data: [UInt8], csv: Bool) {
        withScratchFile(csv ? ".csv" : ".jsonl", data) { path in
            guard let reader = try? RecordReader(path: path, csv: csv) else { return }
            var n = 0
            while n < 100_000, let r = try? reader.next() {
                _ = r.value.jsonText
                n += 1
            }
        }
    }

    private static func vectors(_ data: [UInt8], name: String) {
        guard let v = try? VectorFile.decode(Data(data), name: name) else { return }
        _ = v.firstNonFinite()
        if v.count > 0 { _ = v.row(v.count - 1) }
    }
}
