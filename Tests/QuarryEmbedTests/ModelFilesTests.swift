import Foundation
import Testing
@testable import QuarryEmbed

@Suite struct ModelFilesTests {
    @Test func lookupRuleMatchesTheFetchScript() {
        #expect(ModelFiles.defaultDirectory(environment: ["QUARRY_MODEL_DIR": "/m", "HOME": "/h"]) == "/m")
        #expect(ModelFiles.defaultDirectory(environment: ["QUARRY_MODEL_DIR": "", "HOME": "/h"])
            == "/h/.cache/quarry/all-MiniLM-L6-v2")
        #expect(ModelFiles.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"])
            == "/x/quarry/all-MiniLM-L6-v2")
    }

    /// The exact texts people see; each says how to get the model.
    @Test func errorMessages() {
        let table: [(EmbedError, String)] = [
            (.modelFileMissing(directory: "/m", file: "vocab.txt"),
             "embedding model not found: vocab.txt is missing in /m; run `make model` (or scripts/fetch-model.sh) "
                + "to fetch all-MiniLM-L6-v2, or set QUARRY_MODEL_DIR to a folder that holds it"),
            (.modelFileDamaged(file: "model.safetensors", reason: "12 bytes, expected 90868376"),
             "embedding model is damaged: model.safetensors: 12 bytes, expected 90868376; run `make model` "
                + "(or scripts/fetch-model.sh) to fetch all-MiniLM-L6-v2, or set QUARRY_MODEL_DIR to a folder that holds it"),
            (.badWeights(reason: "tensor x is missing"),
             "embedding model is damaged: model.safetensors: tensor x is missing; run `make model` "
                + "(or scripts/fetch-model.sh) to fetch all-MiniLM-L6-v2, or set QUARRY_MODEL_DIR to a folder that holds it"),
        ]
        for (error, text) in table { #expect(error.description == text) }
    }

    @Test func missingAndTruncatedModelsAreReported() throws {
        let dir = NSTemporaryDirectory() + "quarry-embed-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: EmbedError.modelFileMissing(directory: dir, file: "model.safetensors")) {
            _ = try Embedder(modelDirectory: dir)
        }
        try Data(count: 12).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        #expect(throws: EmbedError.modelFileDamaged(file: "model.safetensors", reason: "12 bytes, expected 90868376")) {
            _ = try Embedder(modelDirectory: dir)
        }
    }

    @Test func safetensorsHeaderIsParsedAndChecked() throws {
        let dir = NSTemporaryDirectory() + "quarry-st-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,16]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8)
        for f: Float in [1.5, -2] { bytes += withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
        let path = dir + "/t.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: EmbedError.badWeights(reason: "data of b lies outside the file")) {
            _ = try SafeTensorsFile(path: path)
        }
        bytes += [0, 0, 0, 0, 0, 0, 0, 0]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try SafeTensorsFile(path: path)
        let a = try file.floats("a", shape: [2])  // the header is not padded: data is unaligned, so copied
        #expect(Array(a) == [1.5, -2])
        #expect(throws: EmbedError.badWeights(reason: "tensor a has shape [2], expected [3]")) {
            _ = try file.floats("a", shape: [3])
        }
        #expect(throws: EmbedError.badWeights(reason: "tensor c is missing")) { _ = try file.floats("c", shape: [1]) }
    }
}

@Suite struct SHA256Tests {
    /// FIPS 180-4 examples, and lengths around the 55/56/64-byte padding edges.
    @Test func knownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 64))
            == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func streamingInPiecesGivesTheSameDigest() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256()
        for piece in [0..<1, 1..<63, 63..<200, 200..<1000] { bytes[piece].withUnsafeBytes { h.update($0) } }
        #expect(h.finish() == SHA256.hex(bytes))
    }

    @Test func vocabularyOfTheInstalledModelHasTheOfficialSum() {
        guard let embedder = requireEmbedder() else { return }
        #expect(SHA256.hex(file: embedder.files.vocabularyPath) == ModelFiles.vocabularySHA256)
    }
}
