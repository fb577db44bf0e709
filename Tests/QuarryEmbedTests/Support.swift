import Foundation
import Testing
@testable import QuarryEmbed
@_exported import QuarryBase

/// The package root: three levels up from Tests/QuarryEmbedTests/Support.swift.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The golden outputs of the reference implementation (Tests/Fixtures/minilm, see its README).
let goldenFile = packageRoot + "/Tests/Fixtures/minilm/minilm-golden.jsonl"

/// The model, loaded once for the whole test process from the same place as `make model` puts
/// it. Missing or damaged, it is an error whose text says to run `make model`.
let sharedEmbedder: Result<Embedder, EmbedError> = Result { () throws(EmbedError) -> Embedder in
    try Embedder.loadDefault()
}

/// The embedder, or a recorded test failure that says how to get the model.
func requireEmbedder(sourceLocation: SourceLocation = #_sourceLocation) -> Embedder? {
    switch sharedEmbedder {
    case let .success(e):
        return e
    case let .failure(error):
        Issue.record("\(error) (looked in \(ModelFiles.defaultDirectory()))", sourceLocation: sourceLocation)
        return nil
    }
}

struct GoldenCase {
    var text: String
    var inputIDs: [Int32]
    var tokens: [String]
    var embedding: [Float]
}

/// Tests/Fixtures/minilm/minilm-golden.jsonl, one case a line.
func goldenCases() throws -> [GoldenCase] {
    let text = try String(contentsOfFile: goldenFile, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        let v = try JSONParser.parse(String(line))
        guard case let .array(ids)? = v["input_ids"], case let .array(toks)? = v["tokens"],
            case let .array(emb)? = v["embedding"], let t = v["text"]?.stringValue
        else { throw GoldenError.malformed }
        return GoldenCase(
            text: t,
            inputIDs: ids.map { Int32($0.doubleValue!) },
            tokens: toks.map { $0.stringValue! },
            embedding: emb.map { Float($0.doubleValue!) })
    }
}

enum GoldenError: Error { case malformed }

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func dot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}
