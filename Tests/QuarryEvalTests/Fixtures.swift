#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Paths of the reference data under Tests/Fixtures (see its README).
enum Fixtures {
    /// The package root: three levels up from Tests/QuarryEvalTests/Fixtures.swift.
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let trecEval = packageRoot + "/Tests/Fixtures/trec-eval"

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
