#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Paths of the shared read-only data, found beside the package root (`../shared`).
enum Fixtures {
    /// The package root: three levels up from Tests/QuarryEvalTests/Fixtures.swift.
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let trecEval = packageRoot + "/../shared/fixtures/trec-eval"

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
