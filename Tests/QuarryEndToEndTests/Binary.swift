import Foundation
import enum QuarryVector.Fbin

/// Runs the built `quarry` binary, as a person or a script would.
enum Binary {
    /// The package root, three levels above this file.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var path: String {
        // `make test-asan` / `make test-tsan` point the tests at their sanitized binary.
        if let built = ProcessInfo.processInfo.environment["QUARRY_TEST_BINARY"], !built.isEmpty { return built }
        #if DEBUG
        let config = "debug"
        #else
        let config = "release"
        #endif
        return root + "/.build/\(config)/quarry"
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "100"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary folder removed when the value is deinitialised.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "quarry-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// Vectors as an fbin file's bytes (the engine's codec).
func fbin(_ rows: [[Float]]) -> Data {
    Data(Fbin.encode(rows.flatMap { $0 }, dimension: max(1, rows.first?.count ?? 1)))
}
